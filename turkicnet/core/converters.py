"""Integers from the URL: ids the database can hold, or no match (a 404), never an overflow."""

from flask import Flask, request
from werkzeug.routing import BaseConverter, ValidationError

#: The largest id a path or query may name: PostgreSQL's INTEGER, well inside SQLite's.
MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(raw: str | None) -> int | None:
    """``raw`` as an id (ASCII digits, 1 ≤ n ≤ MAX_ID, no sign or spaces), else ``None``."""
    if not raw or len(raw) > _MAX_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ID else None


class BoundedIntConverter(BaseConverter):
    """``<int:name>``: 1 to MAX_ID in plain ASCII digits; anything else matches no rule."""

    regex = r"[0-9]{1,%d}" % _MAX_DIGITS  # noqa: UP031 - a regex, not a message
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def query_id(name: str) -> int | None:
    """The query parameter ``name`` as an id, or ``None`` when it is missing or not one."""
    return parse_id(request.args.get(name))


def install(app: Flask) -> None:
    """Make every ``<int:…>`` rule use :class:`BoundedIntConverter` (before any rule is added)."""
    app.url_map.converters["int"] = BoundedIntConverter
