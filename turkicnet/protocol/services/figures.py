"""The figures the pictures draw: centers per country and signatures over time, each one
aggregate query (GROUP BY), so a page's statements do not grow with the network."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ...centers.models import Center, CenterStatus, Country
from ...extensions import db
from ..models import LedgerEntry, ProtocolVersion
from ..permissions import SIGNABLE


@dataclass(frozen=True)
class CountryFigures:
    country: Country
    members: int
    signatories: int


def centers_by_country() -> list[CountryFigures]:
    """Every country, in the countries' order, with its member centers (approved) and how many of
    them are signatory members (a standing signature on an open or in-force version). One query."""
    latest = (
        select(func.max(LedgerEntry.seq).label("seq"))
        .group_by(LedgerEntry.center, LedgerEntry.version)
        .subquery()
    )
    signed = (
        select(LedgerEntry.center)
        .join(latest, LedgerEntry.seq == latest.c.seq)
        .join(ProtocolVersion, ProtocolVersion.number == LedgerEntry.version)
        .where(LedgerEntry.action == "sign", ProtocolVersion.status.in_(SIGNABLE))
    )
    per_country = (
        select(
            Center.country_code.label("code"),
            func.count(Center.id).label("members"),
            func.sum(case((Center.slug.in_(signed), 1), else_=0)).label("signatories"),
        )
        .where(Center.status == CenterStatus.APPROVED)
        .group_by(Center.country_code)
        .subquery()
    )
    rows = db.session.execute(
        select(Country, per_country.c.members, per_country.c.signatories)
        .outerjoin(per_country, per_country.c.code == Country.code)
        .order_by(Country.sort_order, Country.code)
    )
    return [
        CountryFigures(country, members or 0, int(signatories or 0)) for country, members, signatories in rows
    ]


def signatures_by_day(version: ProtocolVersion) -> list[tuple[date, int, int]]:
    """(day, signatures, withdrawals) on ``version`` per UTC day of the ledger, oldest first.

    A withdrawal always follows its center's signature, so their running difference is the
    number of standing signatures at the end of each day. One query.
    """
    day = func.substr(LedgerEntry.at, 1, 10)
    rows = db.session.execute(
        select(
            day.label("day"),
            func.sum(case((LedgerEntry.action == "sign", 1), else_=0)),
            func.sum(case((LedgerEntry.action == "withdraw", 1), else_=0)),
        )
        .where(LedgerEntry.version == version.number)
        .group_by(day)
        .order_by(day)
    )
    return [(date.fromisoformat(d), int(signed), int(withdrawn)) for d, signed, withdrawn in rows]
