"""Times are stored in UTC, as naive datetimes in the database's UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current UTC time without tzinfo, as every DateTime column stores it."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
