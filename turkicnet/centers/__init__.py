"""Centers: the directory, applications, membership and staff."""
