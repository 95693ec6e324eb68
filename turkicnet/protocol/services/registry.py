"""The depositary's registry: who signed what, progress to entry into force, the ledger as JSON, notices."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import selectinload

from ...centers.models import Center, CenterStatus, Country, OtsStanding
from ...core.errors import NotFound
from ...core.pagination import Slice, keyset_slice
from ...core.urls import external_url
from ...extensions import db
from .. import kept_checkpoint, ledger, verification
from ..models import Checkpoint, LedgerEntry, LedgerKey, ProtocolVersion
from ..permissions import visible_versions
from ..standing import standing_signatures


@dataclass
class RuleProgress:
    centers: int
    required_centers: int
    states: int
    required_states: int | None

    @property
    def missing_centers(self) -> int:
        return max(0, self.required_centers - self.centers)

    @property
    def missing_states(self) -> int:
        return max(0, (self.required_states or 0) - self.states)

    @property
    def met(self) -> bool:
        return self.missing_centers == 0 and self.missing_states == 0


@dataclass
class StatusRow:
    center: Center
    signed: LedgerEntry | None
    withdrawn: LedgerEntry | None

    @property
    def signature_stands(self) -> bool:
        """The ledger's view: the latest entry for this center is a signature."""
        return self.signed is not None and (self.withdrawn is None or self.withdrawn.seq < self.signed.seq)

    @property
    def standing(self) -> bool:
        """Counted as a signatory: the signature stands and the center is a member (a suspended
        or former center's signature stays in the ledger but counts for nothing, DESIGN §1)."""
        return self.signature_stands and self.center.status is CenterStatus.APPROVED


def status_table(
    version: ProtocolVersion, *, sort: str = "country", descending: bool = False
) -> list[StatusRow]:
    """Each center that ever signed the version: its latest signature and withdrawal, in one query.

    ``sort="date"`` orders the rows by the date of signature; anything else by country, then name.
    """
    latest = (
        select(func.max(LedgerEntry.seq))
        .where(LedgerEntry.version == version.number)
        .group_by(LedgerEntry.center, LedgerEntry.action)
    )
    found = db.session.execute(
        select(LedgerEntry, Center)
        .join(Center, Center.slug == LedgerEntry.center)
        .where(LedgerEntry.seq.in_(latest))
    ).all()
    by_center: dict[str, StatusRow] = {}
    for entry, center in found:
        row = by_center.setdefault(center.slug, StatusRow(center, None, None))
        if entry.action == "sign":
            row.signed = entry
        else:
            row.withdrawn = entry
    table = list(by_center.values())
    if sort == "date":
        table.sort(key=lambda row: (row.signed.seq if row.signed else 0, row.center.name))
    else:
        table.sort(key=lambda row: (row.center.country.sort_order, row.center.name))
    if descending:
        table.reverse()
    return table


def rule_progress(version: ProtocolVersion) -> RuleProgress:
    """Standing signatures on ``version`` counted against its entry-into-force rule: two
    numbers from one aggregate query, however many centers signed."""
    counted = standing_signatures(version.number).subquery()
    member_state = case((Country.ots_standing == OtsStanding.MEMBER, counted.c.country_code))
    centers, states = db.session.execute(
        select(func.count(), func.count(distinct(member_state)))
        .select_from(counted)
        .join(Country, Country.code == counted.c.country_code)
    ).one()
    return RuleProgress(centers, version.required_centers, states, version.required_states)


def totals_by_country(version: ProtocolVersion) -> list[tuple[Country, int]]:
    """Standing signatures on ``version`` per country that has any, in the countries' order
    (one GROUP BY query)."""
    counted = standing_signatures(version.number).subquery()
    per_country = (
        select(counted.c.country_code.label("code"), func.count().label("signatures"))
        .group_by(counted.c.country_code)
        .subquery()
    )
    rows = db.session.execute(
        select(Country, per_country.c.signatures)
        .join(per_country, per_country.c.code == Country.code)
        .order_by(Country.sort_order, Country.code)
    )
    return [(country, int(count)) for country, count in rows]


def get_entry(seq: int) -> LedgerEntry:
    """The ledger entry numbered ``seq``.

    :raises NotFound: when there is none
    """
    entry = db.session.get(LedgerEntry, seq)
    if entry is None:
        raise NotFound(_("No such ledger entry."))
    return entry


def entry_checkpoint(entry: LedgerEntry) -> Checkpoint | None:
    """The checkpoint signed over ``entry``, if any."""
    return db.session.scalar(select(Checkpoint).where(Checkpoint.seq == entry.seq).limit(1))


@dataclass
class PublishedCheckpoint:
    checkpoint: Checkpoint
    #: Its canonical JSON, as the confirmation e-mail prints it: what a person keeps.
    kept_json: str


def head_checkpoint() -> PublishedCheckpoint | None:
    """The latest checkpoint signed over the ledger head, with the JSON a person may keep."""
    checkpoint = db.session.scalar(
        select(Checkpoint)
        .where(Checkpoint.seq == select(func.max(LedgerEntry.seq)).scalar_subquery())
        .order_by(Checkpoint.id.desc())
        .limit(1)
    )
    if checkpoint is None:
        return None
    kept = ledger.canonical_json(ledger.checkpoint_dict(checkpoint)).decode("utf-8")
    return PublishedCheckpoint(checkpoint, kept)


def center_for_slug(slug: str) -> Center | None:
    """The center a ledger entry names (whatever its status today), if it still exists."""
    return db.session.scalar(select(Center).where(Center.slug == slug))


def ledger_payload() -> dict:
    """``/protocol/ledger.json``: every entry's fields and hash, in order (DESIGN §4)."""
    fields = [getattr(LedgerEntry, name) for name in (*ledger.ENTRY_FIELDS, "hash")]
    rows = db.session.execute(select(*fields).order_by(LedgerEntry.seq))
    names = (*ledger.ENTRY_FIELDS, "hash")
    return {"entries": [dict(zip(names, row, strict=True)) for row in rows]}


def ledger_slice(*, after: int | None, limit: int, cap: int) -> Slice:
    """The ledger's entries in order, ``limit`` after the entry numbered ``after``."""
    return keyset_slice(
        select(LedgerEntry), ((LedgerEntry.seq, False),), after=(after,) if after is not None else None,
        limit=limit, cap=cap, key_of=lambda entry: (entry.seq,),
    )  # fmt: skip


def versions_payload() -> dict:
    """``/protocol/versions.json``: every public version, its rule, dates, fingerprint and texts
    (each with the absolute URL of its exact bytes), in number order."""
    versions = db.session.scalars(
        select(ProtocolVersion)
        .where(visible_versions(None))
        .options(selectinload(ProtocolVersion.texts))
        .order_by(ProtocolVersion.number)
    )
    return {"versions": [version_dict(version) for version in versions]}


def version_dict(version: ProtocolVersion) -> dict:
    def stamp(moment: datetime | None) -> str | None:
        return ledger.utc_stamp(moment) if moment is not None else None

    return {
        "number": version.number,
        "title": version.title,
        "status": version.status.value,
        "text_sha256": version.text_sha256,
        "required_centers": version.required_centers,
        "required_states": version.required_states,
        "opened_at": stamp(version.opened_at),
        "in_force_at": stamp(version.in_force_at),
        "superseded_at": stamp(version.superseded_at),
        "texts": [
            {
                "language": version_text.language,
                "authentic": version_text.authentic,
                "sha256": version_text.sha256,
                "url": external_url("protocol.text", number=version.number, lang=version_text.language),
            }
            for version_text in version.texts
        ],
    }


def checkpoints_payload() -> dict:
    """``/protocol/checkpoints.json``: the public keys and every signed checkpoint (DESIGN §4)."""
    keys = {key.key_id: key.public_key for key in db.session.scalars(select(LedgerKey))}
    checkpoints = db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq, Checkpoint.id))
    return {"keys": keys, "checkpoints": [ledger.checkpoint_dict(c) for c in checkpoints]}


def verify_ledger(*, workers: int | None = None, kept: dict | None = None) -> verification.Verification:
    """Recompute the whole registry (used by ``protocol verify``); with ``kept``, a checkpoint
    someone kept (:func:`kept_checkpoint.read_kept_checkpoint`), also prove the ledger still holds it;
    what the kept checkpoint shows comes first, since it is what its holder asked."""
    result = verification.verify(workers=workers or current_app.config.get("LEDGER_VERIFY_WORKERS", 2))
    if kept is not None:
        result.problems[:0] = kept_checkpoint.check_kept_checkpoint(kept)
    return result
