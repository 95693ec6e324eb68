"""Accounts: users, sessions, e-mail verification, password reset."""
