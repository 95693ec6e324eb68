"""Dates, times and numbers as people read them, in the page's language (Babel, through
Flask-Babel's locale) and, for a logged-in person, in their own time zone (file sizes:
``core.languages.file_size``).

Stored times are naive UTC (``core.timeutil``); the ledger writes RFC 3339 stamps
(``2026-11-29T10:00:00Z``). Both are accepted. Machine formats (CSV, Atom, JSON, the ledger)
do not come here: they stay UTC ISO 8601.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from pytz import timezone as pytz_timezone
from pytz import utc

#: The zones a person may choose on their profile: the region's, and UTC. Kazakhstan keeps
#: one time since 2024, Asia/Almaty's; Northern Cyprus keeps Asia/Famagusta's.
TIME_ZONES = {
    "UTC": _l("UTC (coordinated universal time)"),
    "Asia/Baku": _l("Baku (Azerbaijan)"),
    "Asia/Almaty": _l("Astana, Almaty (Kazakhstan)"),
    "Asia/Bishkek": _l("Bishkek (Kyrgyzstan)"),
    "Europe/Istanbul": _l("Ankara, Istanbul (Türkiye)"),
    "Asia/Tashkent": _l("Tashkent (Uzbekistan)"),
    "Asia/Ashgabat": _l("Ashgabat (Turkmenistan)"),
    "Europe/Budapest": _l("Budapest (Hungary)"),
    "Asia/Famagusta": _l("Lefkoşa (Turkish Republic of Northern Cyprus)"),
}

#: The zone a person gets before they choose one: their center's country's.
COUNTRY_ZONES = {
    "AZ": "Asia/Baku",
    "KZ": "Asia/Almaty",
    "KG": "Asia/Bishkek",
    "TR": "Europe/Istanbul",
    "UZ": "Asia/Tashkent",
    "TM": "Asia/Ashgabat",
    "HU": "Europe/Budapest",
    "TRNC": "Asia/Famagusta",
}


def zone_of(user) -> str:
    """The time zone ``user``'s times read in: their own choice, else the country of their
    first center, else UTC (also for no one). Memberships are loaded with the user: no query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "UTC"
    chosen = getattr(user, "time_zone", None)
    if chosen in TIME_ZONES:
        return chosen
    return center_zone(user) or "UTC"


def center_zone(user) -> str | None:
    """The zone of the country of ``user``'s first center (None on no center's staff, or in a
    country with no zone here): theirs until they choose one. Memberships are loaded with the
    user: no query."""
    for membership in sorted(getattr(user, "memberships", None) or [], key=lambda m: m.center_id):
        zone = COUNTRY_ZONES.get(membership.center.country_code)
        if zone:
            return zone
    return None


@contextmanager
def force_time_zone(zone: str):
    """Format times in ``zone`` inside the block (an e-mail in its recipient's zone), then go
    back to the request's own."""
    from flask_babel import _get_current_context

    ctx = _get_current_context()
    if ctx is None:
        yield
        return
    saved = getattr(ctx, "babel_tzinfo", None)
    ctx.babel_tzinfo = pytz_timezone(zone)
    try:
        yield
    finally:
        ctx.babel_tzinfo = saved


def _locale() -> Locale:
    return get_locale() or Locale("en")


def _zone():
    return get_timezone() or utc


def as_utc(value) -> datetime | date | None:
    """A stored naive-UTC datetime, an aware one, a ledger stamp or a date, as an aware UTC
    datetime (a date stays a date)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def utc_stamp(value) -> str:
    """The exact UTC moment for ``<time datetime>``: ``2026-12-01T19:36:10Z`` (a date:
    ``2026-12-01``)."""
    value = as_utc(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() if value else ""


def zone_label(moment: datetime) -> str:
    """``UTC``, or the zone's offset from it at that moment (``UTC+5``, ``UTC+5:30``)."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _unquoted(pattern: str) -> str:
    """A CLDR date-time pattern's literal text as written: ``'в'`` is ``в``, and ``''``
    (inside quotes or out) is one apostrophe."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "'":
            if pattern[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
                continue
            i += 1
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def format_moment(value, width: str = "medium") -> str:
    """A moment as people read it, in the page's language and the reader's zone, with the
    zone named. ``medium``: ``1 дек. 2026 г., 23:36 UTC+4`` or ``Dec 1, 2026, 7:36 PM UTC``;
    ``long`` (a certificate, to the second): ``1 декабря 2026 г. в 23:36:10 UTC+4``."""
    moment = as_utc(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return format_day(moment, width)
    locale = _locale()
    local = moment.astimezone(_zone())
    time_width = "short" if width == "medium" else "medium"
    text = _unquoted(locale.datetime_formats[width]).format(
        babel_format_time(local, time_width, tzinfo=local.tzinfo, locale=locale),
        babel_format_date(local.date(), width, locale=locale),
    )
    return f"{text} {zone_label(local)}"


def format_day(value, width: str = "medium") -> str:
    """The day of a date or a moment (a moment: the day in the reader's zone), ``width``
    ``medium`` (``1 дек. 2026 г.``) or ``long`` (``1 декабря 2026 г.``)."""
    value = as_utc(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return babel_format_date(value, width, locale=_locale())


def format_number(value, digits: int = 0) -> str:
    """A number with the language's grouping and decimal signs: ``12 345``, ``12,5``."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return babel_format_decimal(value, format=pattern, locale=_locale())


def time_html(value, width: str = "medium") -> Markup:
    """``format_moment`` inside a ``<time>`` that gives the exact UTC moment."""
    if value is None or value == "":
        return Markup("")
    return Markup('<time datetime="%s">%s</time>') % (utc_stamp(value), format_moment(value, width))


def day_html(value, width: str = "medium") -> Markup:
    """``format_day`` inside a ``<time>`` that gives the exact UTC moment (or the date)."""
    if value is None or value == "":
        return Markup("")
    return Markup('<time datetime="%s">%s</time>') % (utc_stamp(value), escape(format_day(value, width)))
