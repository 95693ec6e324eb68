"""A center's standing is a ledger fact (DESIGN §1), computed, never stored.

*applicant* (pending or changes requested), *member* (approved), *signatory member*
(approved, with a standing signature on an open or in-force version), *suspended*,
*former* (withdrawn), *rejected*. Each read here is one query, made when it is asked;
nothing is cached between requests or kept fresh by listeners.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from ..centers.models import Center, CenterStatus, Role
from ..centers.permissions import APPLICATION_OPEN
from ..core.permissions import Viewer
from ..extensions import db
from .models import LedgerEntry, ProtocolVersion
from .permissions import SIGNABLE

_WRITERS = (Role.FOCAL_POINT, Role.EDITOR)


def standing_entry(center_slug: str, version_number: int) -> LedgerEntry | None:
    """The center's standing signature on the version: its latest entry, if that is a sign."""
    latest = db.session.scalar(
        select(LedgerEntry)
        .where(LedgerEntry.center == center_slug, LedgerEntry.version == version_number)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.action == "sign" else None


def standing_signatures(version_number: int) -> Select:
    """``(center_id, country_code)`` of each center counted as a signatory of the version: an
    approved center whose latest entry on it is a signature. A statement to aggregate over
    (GROUP BY the latest entry per center over the indexed ``version`` column), not entities."""
    latest = (
        select(func.max(LedgerEntry.seq).label("seq"))
        .where(LedgerEntry.version == version_number)
        .group_by(LedgerEntry.center)
        .subquery()
    )
    return (
        select(Center.id.label("center_id"), Center.country_code.label("country_code"))
        .select_from(LedgerEntry)
        .join(latest, LedgerEntry.seq == latest.c.seq)
        .join(Center, Center.slug == LedgerEntry.center)
        .where(LedgerEntry.action == "sign", Center.status == CenterStatus.APPROVED)
    )


def signatory_slugs(slugs: Iterable[str] | None = None) -> frozenset[str]:
    """Slugs of the signatory members (approved centers holding a standing signature on an
    open or in-force version); only among ``slugs`` when given."""
    latest = select(func.max(LedgerEntry.seq).label("seq")).group_by(LedgerEntry.center, LedgerEntry.version)
    if slugs is not None:
        slugs = list(slugs)
        if not slugs:
            return frozenset()
        latest = latest.where(LedgerEntry.center.in_(slugs))
    latest = latest.subquery()
    return frozenset(
        db.session.scalars(
            select(LedgerEntry.center)
            .join(latest, LedgerEntry.seq == latest.c.seq)
            .join(ProtocolVersion, ProtocolVersion.number == LedgerEntry.version)
            .join(Center, Center.slug == LedgerEntry.center)
            .where(
                LedgerEntry.action == "sign",
                ProtocolVersion.status.in_(SIGNABLE),
                Center.status == CenterStatus.APPROVED,
            )
        )
    )


def _standing(center: Center, signatories: frozenset[str]) -> str:
    if center.status in APPLICATION_OPEN:
        return "applicant"
    if center.status is CenterStatus.APPROVED:
        return "signatory" if center.slug in signatories else "member"
    if center.status is CenterStatus.SUSPENDED:
        return "suspended"
    if center.status is CenterStatus.WITHDRAWN:
        return "former"
    return "rejected"


def center_standing(center: Center) -> str:
    """The standing of one center (one query, none unless it is approved)."""
    if center.status is not CenterStatus.APPROVED:
        return _standing(center, frozenset())
    return _standing(center, signatory_slugs([center.slug]))


def standings(centers: Iterable[Center]) -> dict[int, str]:
    """The standing of each of ``centers`` by id, read in one query."""
    centers = list(centers)
    approved = [c.slug for c in centers if c.status is CenterStatus.APPROVED]
    signatories = signatory_slugs(approved) if approved else frozenset()
    return {center.id: _standing(center, signatories) for center in centers}


def viewer_for(user) -> Viewer:
    """Build the :class:`Viewer` for an authenticated user: their centers, the approved ones
    they write for, and whether any of their centers is a signatory member (one query)."""
    memberships = list(user.memberships)
    approved = [m for m in memberships if m.center.status is CenterStatus.APPROVED]
    return Viewer(
        user=user,
        center_ids=frozenset(m.center_id for m in memberships),
        writable_center_ids=frozenset(m.center_id for m in approved if m.role in _WRITERS),
        signatory_member=bool(approved) and bool(signatory_slugs(m.center.slug for m in approved)),
    )


@dataclass(frozen=True, eq=False)
class TokenViewer(Viewer):
    """A :class:`Viewer` acting through an API token: ``token_scopes`` says what the token may
    do (``{"read"}`` or ``{"read", "write"}``). A center's token (``token_center_id``) carries
    that center's rights only: no admin rights, and of its maker's memberships only the one of
    that center, whatever else its maker is."""

    token_scopes: frozenset[str] = field(default_factory=frozenset)
    token_center_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.token_center_id is None and super().is_admin

    def __getattr__(self, name: str):
        if name == "memberships" and self.__dict__.get("token_center_id") is not None:
            user = self.__dict__.get("user")
            if user is None:
                raise AttributeError("an anonymous viewer has no 'memberships'")
            return [m for m in user.memberships if m.center_id == self.token_center_id]
        return super().__getattr__(name)


def viewer_for_token(token) -> TokenViewer:
    """The viewer an API request made with ``token`` acts as.

    A personal token acts as the person who made it (:func:`viewer_for`), writing for no
    center unless it has the ``write`` scope. A center's token acts as that center alone, not
    with its maker's other rights, so a pipeline outlives the person who set it up; the viewer
    still names the maker (``user``, ``None`` once their account is gone) for the audit log.
    """
    scopes = token.scope_set
    if token.center_id is None:
        viewer = viewer_for(token.user)
        return TokenViewer(
            user=viewer.user,
            center_ids=viewer.center_ids,
            writable_center_ids=viewer.writable_center_ids if token.can_write else frozenset(),
            signatory_member=viewer.signatory_member,
            token_scopes=scopes,
        )
    center = token.center
    approved = center.status is CenterStatus.APPROVED
    return TokenViewer(
        user=token.user,
        center_ids=frozenset({center.id}),
        writable_center_ids=frozenset({center.id}) if approved and token.can_write else frozenset(),
        signatory_member=approved and center.slug in signatory_slugs([center.slug]),
        token_scopes=scopes,
        token_center_id=center.id,
    )
