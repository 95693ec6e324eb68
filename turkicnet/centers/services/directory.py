"""The directory: countries, centers as the actor may see them, and the figures they add up to."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ...auth.models import User
from ...core.errors import NotFound
from ...core.inventory import FileReference
from ...core.pagination import Slice, keyset_slice
from ...core.permissions import Actor, hidden, require
from ...core.text import match_key
from ...extensions import db
from ..models import Center, CenterChangeRequest, CenterStatus, Country, Membership
from ..permissions import can_view_center, visible_centers


def list_countries() -> list[Country]:
    return list(db.session.scalars(select(Country).order_by(Country.sort_order, Country.name)))


def get_country(code: str) -> Country:
    country = db.session.get(Country, (code or "").upper())
    if country is None:
        raise NotFound(_("No such country."))
    return country


def get_center(actor: Actor, slug: str) -> Center:
    """The center with ``slug`` if the actor may see it.

    :raises NotFound: when there is none, or the actor may not know it exists
    """
    center = db.session.scalar(select(Center).where(Center.slug == slug))
    if center is None:
        raise NotFound(_("No such center."))
    if not can_view_center(actor, center):
        raise hidden(center, _("No such center."), refused="centers.view_center")
    return center


def _directory_query(actor: Actor, *, country: str = "", q: str = "", approved_only: bool = True):
    query = select(Center).where(visible_centers(actor))
    if approved_only:
        query = query.where(Center.status == CenterStatus.APPROVED)
    if country:
        query = query.where(Center.country_code == country.upper())
    key = match_key(q)
    if key:
        pattern = f"%{key}%"
        query = query.where(
            or_(
                Center.name_key.like(pattern),
                Center.native_key.like(pattern),
                Center.acronym_key.like(pattern),
                Center.city_key.like(pattern),
            )
        )
    return query


def directory_page(
    actor: Actor, *, country: str = "", q: str = "", page: int = 1, per_page: int | None = None
):
    """A page of approved centers, by country then name."""
    per_page = per_page or current_app.config["CENTERS_PER_PAGE"]
    query = _directory_query(actor, country=country, q=q).order_by(Center.country_code, Center.name)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def center_slice(
    actor: Actor,
    *,
    country: str = "",
    q: str = "",
    after: tuple | None = None,
    limit: int = 20,
    cap: int,
) -> Slice:
    """Approved centers under the directory's filters, by name, ``limit`` after the key
    ``after`` (``(name, id)`` of the last center of the page before)."""
    return keyset_slice(
        _directory_query(actor, country=country, q=q),
        ((Center.name, False), (Center.id, False)),
        after=after, limit=limit, cap=cap, key_of=lambda center: (center.name, center.id),
    )  # fmt: skip


def directory_rows(actor: Actor, *, country: str = "", q: str = "") -> list[Center]:
    """Every center of the directory under the same filters (for the CSV export)."""
    query = _directory_query(actor, country=country, q=q).order_by(Center.country_code, Center.name)
    return list(db.session.scalars(query))


def approved_counts_by_country() -> dict[str, int]:
    rows = db.session.execute(
        select(Center.country_code, func.count(Center.id))
        .where(Center.status == CenterStatus.APPROVED)
        .group_by(Center.country_code)
    )
    return {code: count for code, count in rows}


def network_counts() -> dict[str, int]:
    """The live figures on the home page."""
    counts = approved_counts_by_country()
    return {"centers": sum(counts.values()), "countries": len(counts)}


def primary_contacts(centers: list[Center]) -> dict[int, User]:
    """The primary focal point of each center, in one query."""
    if not centers:
        return {}
    rows = db.session.execute(
        select(Membership.center_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.center_id.in_([center.id for center in centers]), Membership.is_primary)
    )
    return {center_id: user for center_id, user in rows}


def choose_center(centers: list[Center], slug: str | None, message) -> Center:
    """The center named by ``slug`` among ``centers`` (those the actor may act for), or the
    first of them when no slug is given.

    :raises PermissionDenied: with ``message`` when there is no such center
    """
    chosen = [c for c in centers if c.slug == slug] if slug else centers[:1]
    require(bool(chosen), message)
    return chosen[0]


def letter_files() -> list[FileReference]:
    """Every stored nomination letter, those waiting in a change request too, for ``files
    verify`` and backups (no one's view)."""
    rows = db.session.execute(
        select(Center.slug, Center.letter_stored_name, Center.letter_size, Center.letter_sha256)
        .where(Center.letter_stored_name.is_not(None))
        .order_by(Center.id)
    )
    proposed = db.session.execute(
        select(Center.slug, CenterChangeRequest.letter_stored_name, CenterChangeRequest.letter_size,
               CenterChangeRequest.letter_sha256)
        .join(CenterChangeRequest.center)
        .where(CenterChangeRequest.letter_stored_name.is_not(None))
        .order_by(CenterChangeRequest.id)
    )  # fmt: skip
    return [
        FileReference(stored_name, size, sha256, _("nomination letter of center %(slug)s", slug=slug))
        for slug, stored_name, size, sha256 in rows
    ] + [
        FileReference(
            stored_name, size, sha256, _("proposed nomination letter of center %(slug)s", slug=slug)
        )
        for slug, stored_name, size, sha256 in proposed
    ]
