"""Depositary notices: each opening, signature, withdrawal and entry into force as a dated,
numbered public notice, derived from the versions' dates and the append-only ledger."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ...centers.models import Center
from ...core.models import AuditEvent
from ...extensions import db
from .. import ledger
from ..models import LedgerEntry, ProtocolVersion
from ..permissions import visible_versions

#: Every notice is anchored to a ledger entry, and ordered by ``(seq, rank, tie)``: a signature
#: or withdrawal is its own entry (rank 0); an entry into force (1) and the supersessions it
#: brings (2) follow the signature that met the rule, in whose transaction they happen; an
#: opening (3) follows the last entry appended before it (``seq`` 0 before the first). Two
#: openings after the same entry are told apart by their audit event's id, which only grows.
#: The ledger only grows at the end, and every new notice anchors at or after its head, so the
#: order of published notices never changes — whatever the clocks of the app servers say.
_RANK = {"signed": 0, "withdrawn": 0, "in_force": 1, "superseded": 2, "opened": 3}
_VERSION_ACTIONS = {
    "protocol.open": "opened", "protocol.enter_into_force": "in_force", "protocol.supersede": "superseded",
}  # fmt: skip


@dataclass
class Notice:
    kind: str  # opened, signed, withdrawn, in_force, superseded
    when: datetime
    version: int
    title: str = ""  # the version's, for "opened"
    center: Center | None = None
    entry: LedgerEntry | None = None
    #: ``(seq, rank, tie)``, its place in the order of all notices (see ``_RANK``).
    anchor: tuple[int, int, int] = (0, 0, 0)
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


def _parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def _recorded_anchors() -> dict[tuple[str, int], tuple[int, int]]:
    """(kind, version id) → (the ledger seq the audit event names, the event's id)."""
    events = db.session.execute(
        select(AuditEvent.target_id, AuditEvent.action, AuditEvent.details, AuditEvent.id).where(
            AuditEvent.action.in_(_VERSION_ACTIONS), AuditEvent.target_type == "protocolversion"
        )
    )
    return {
        (_VERSION_ACTIONS[action], target_id): (details["seq"], event_id)
        for target_id, action, details, event_id in events
        if isinstance(details.get("seq"), int)
    }


def _inferred_seq(kind: str, version: ProtocolVersion, stamp: str) -> int:
    """For a version changed before its audit events named a seq: the last entry before it
    by the clock (an opening follows the entries of earlier seconds; an entry into force or a
    supersession, the signatures of its own second)."""
    query = select(func.coalesce(func.max(LedgerEntry.seq), 0))
    if kind == "opened":
        return db.session.scalar(query.where(LedgerEntry.at < stamp))
    if kind == "in_force":
        query = query.where(LedgerEntry.version == version.number, LedgerEntry.action == "sign")
    return db.session.scalar(query.where(LedgerEntry.at <= stamp))


def _version_notices() -> list[Notice]:
    """The openings, entries into force and supersessions of the public versions (a few rows)."""
    recorded = _recorded_anchors()
    found = []
    for version in db.session.scalars(select(ProtocolVersion).where(visible_versions(None))):
        for kind, when in (
            ("opened", version.opened_at),
            ("in_force", version.in_force_at),
            ("superseded", version.superseded_at),
        ):
            if when is None:
                continue
            seq, tie = recorded.get((kind, version.id)) or (
                _inferred_seq(kind, version, ledger.utc_stamp(when)), version.number
            )
            notice = Notice(kind, when, version.number, version.title, anchor=(seq, _RANK[kind], tie))
            found.append(notice)
    return found


def _entries_before(notice: Notice) -> int:
    """How many ledger entries of the notice's year precede it: one count, bounded by the
    primary key, however long the ledger grows."""
    year = notice.year
    seq, rank, _tie = notice.anchor
    # An entry into force, a supersession or an opening follows the entry it is anchored to.
    last = seq if rank > 0 else seq - 1
    query = (
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.at >= f"{year:04d}-", LedgerEntry.at < f"{year + 1:04d}-", LedgerEntry.seq <= last)
    )
    return db.session.scalar(query)


def _number(window: list[Notice], version_notices: list[Notice]) -> None:
    """Give each notice of ``window`` (oldest first) its reference: its place among all the
    notices of its year. Notices only ever join after the others (see ``_RANK``), so a
    reference, once published, stays the notice's."""
    counted: dict[int, int] = {}
    for notice in window:
        if notice.year not in counted:
            counted[notice.year] = _entries_before(notice) + sum(
                1 for other in version_notices if other.year == notice.year and other.anchor < notice.anchor
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
            Notice(
                kind, _parse_stamp(entry.at), entry.version,
                center=centers.get(entry.center), entry=entry, anchor=(entry.seq, 0, 0),
            )  # fmt: skip
        )
    found.sort(key=lambda notice: notice.anchor)
    oldest_entry = entries[-1] if entries else None
    if oldest_entry is not None and len(entries) == limit:
        # Version notices older than the oldest entry shown are beyond the window.
        found = [n for n in found if n.anchor >= (oldest_entry.seq, 0, 0)]
    window = found[-limit:]
    _number(window, version_notices)
    return list(reversed(window))
