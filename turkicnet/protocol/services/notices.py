"""Depositary notices: each opening, signature, withdrawal and entry into force as a dated,
numbered public notice, derived from the versions' dates and the append-only ledger."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ...centers.models import Center
from ...extensions import db
from .. import ledger
from ..models import LedgerEntry, ProtocolVersion
from ..permissions import visible_versions

#: Within one second, the order in which things can happen: a version is opened before it is
#: signed, and it enters into force (and supersedes the one before) after the signature that
#: met its rule, in the same transaction.
_RANK = {"opened": 0, "signed": 1, "withdrawn": 1, "in_force": 2, "superseded": 3}


@dataclass
class Notice:
    kind: str  # opened, signed, withdrawn, in_force, superseded
    when: datetime
    version: int
    title: str = ""  # the version's, for "opened"
    center: Center | None = None
    entry: LedgerEntry | None = None
    #: The depositary reference, ``TN.N.<sequence in its year>.<year>``: set by :func:`notices`.
    reference: str = ""

    @property
    def key(self) -> str:
        """The notice's first anchor, kept as the Atom entry's id (which must never change)."""
        return f"{self.kind}-{self.version}-{self.entry.seq if self.entry else 0}"

    @property
    def stamp(self) -> str:
        return self.entry.at if self.entry else ledger.utc_stamp(self.when)

    @property
    def year(self) -> int:
        return int(self.stamp[:4])

    @property
    def order(self) -> tuple:
        return (self.stamp, _RANK[self.kind], self.entry.seq if self.entry else self.version)


def _parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def _version_notices() -> list[Notice]:
    """The openings, entries into force and supersessions of the public versions (a few rows)."""
    found = []
    for version in db.session.scalars(select(ProtocolVersion).where(visible_versions(None))):
        for kind, when in (
            ("opened", version.opened_at),
            ("in_force", version.in_force_at),
            ("superseded", version.superseded_at),
        ):
            if when is not None:
                found.append(Notice(kind, when, version.number, version.title))
    return found


def _entries_before(notice: Notice, lowest_shown: int | None) -> int:
    """How many ledger entries of the notice's year precede it: one count, bounded by the
    primary key (only entries older than those the page shows can precede the first notice
    of a year on it), however long the ledger grows."""
    year = notice.year
    query = (
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.at >= f"{year:04d}-", LedgerEntry.at < f"{year + 1:04d}-")
    )
    if notice.entry is not None:
        query = query.where(LedgerEntry.seq < notice.entry.seq)
    else:
        # Entries of the same second come after an opening and before an entry into force.
        after_same_second = _RANK[notice.kind] > _RANK["signed"]
        at = LedgerEntry.at
        query = query.where(at <= notice.stamp if after_same_second else at < notice.stamp)
        if lowest_shown is not None:
            query = query.where(LedgerEntry.seq < lowest_shown)
    return db.session.scalar(query)


def _number(window: list[Notice], version_notices: list[Notice]) -> None:
    """Give each notice of ``window`` (oldest first) its reference: its place among all the
    notices of its year. The ledger and the versions' dates only grow at the end, so earlier
    notices never move: a reference, once published, stays the notice's."""
    lowest_shown = min((notice.entry.seq for notice in window if notice.entry is not None), default=None)
    counted: dict[int, int] = {}
    for notice in window:
        if notice.year not in counted:
            counted[notice.year] = _entries_before(notice, lowest_shown) + sum(
                1 for other in version_notices if other.year == notice.year and other.order < notice.order
            )
        counted[notice.year] += 1
        notice.reference = f"TN.N.{counted[notice.year]}.{notice.year}"


def notices(limit: int = 50) -> list[Notice]:
    """The latest ``limit`` depositary notices, newest first, each with its stable reference."""
    version_notices = _version_notices()
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(limit)).all()
    centers = {
        c.slug: c
        for c in db.session.scalars(select(Center).where(Center.slug.in_({e.center for e in entries})))
    }
    found = list(version_notices)
    for entry in entries:
        kind = "signed" if entry.action == "sign" else "withdrawn"
        found.append(
            Notice(kind, _parse_stamp(entry.at), entry.version, center=centers.get(entry.center), entry=entry)
        )
    found.sort(key=lambda notice: notice.order)
    oldest_entry = entries[-1] if entries else None
    if oldest_entry is not None and len(entries) == limit:
        # Version notices older than the oldest entry shown are beyond the window.
        found = [n for n in found if n.entry is not None or n.order > (oldest_entry.at, 1, oldest_entry.seq)]
    window = found[-limit:]
    _number(window, version_notices)
    return list(reversed(window))
