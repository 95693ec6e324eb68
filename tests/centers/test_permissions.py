"""Who may do what with a center: persona × center status tables, and the one visibility filter."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tests.centers.conftest import membership
from turkicnet.centers import permissions
from turkicnet.centers.models import Center, CenterStatus
from turkicnet.extensions import db

STATUSES = [status.value for status in CenterStatus]
ALL = set(STATUSES)
OPEN = {"pending", "changes_requested"}
NONE: set[str] = set()

PERSONAS = [
    "anonymous",
    "unverified",
    "outsider",
    "other_focal_point",
    "viewer",
    "editor",
    "signatory",
    "deputy",
    "focal_point",
    "admin",
]
STAFF = {"viewer", "editor", "signatory", "deputy", "focal_point"}
FOCAL_POINTS = {"deputy", "focal_point"}


def table(*, admin=NONE, focal=NONE, staff=NONE, others=NONE, joiners=None) -> dict[str, set[str]]:
    """Statuses of ``center`` in which each persona is allowed.

    ``staff`` covers editors, viewers and signatories; ``focal`` the primary and the deputy;
    ``others`` everyone without a role at the center; ``joiners`` (default ``others``) the
    verified users among them.
    """
    joiners = others if joiners is None else joiners
    rows = {"anonymous": others, "unverified": others, "outsider": joiners, "other_focal_point": joiners}
    rows |= {name: staff for name in STAFF - FOCAL_POINTS}
    rows |= {name: focal for name in FOCAL_POINTS}
    rows["admin"] = admin
    return rows


TABLES = {
    "can_view_center": table(admin=ALL, focal=ALL, staff=ALL, others={"approved"}),
    "can_edit_center": table(admin=ALL, focal=OPEN | {"approved"}),
    "can_change_official_details": table(admin=ALL, focal=OPEN),
    "can_request_center_change": table(focal={"approved"}),
    "can_manage_staff": table(admin=ALL, focal={"approved"}),
    "can_view_staff": table(admin=ALL, focal=ALL, staff=ALL),
    "can_view_letter": table(admin=ALL, focal=ALL),
    "can_view_application": table(admin=ALL, focal=ALL),
    "can_review_center": table(admin=ALL),
    "can_post_application_message": table(admin=ALL, focal=OPEN),
    "can_resubmit_application": table(focal={"changes_requested"}),
    "can_request_to_join": table(admin={"approved"}, joiners={"approved"}),
}


@pytest.fixture
def persona(request, center):
    def resolve(name):
        return AnonymousUserMixin() if name == "anonymous" else request.getfixturevalue(name)

    return resolve


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("predicate", list(TABLES))
def test_center_permission_table(persona, center, predicate, name):
    actor = persona(name)
    check = getattr(permissions, predicate)
    allowed = {}
    for status in STATUSES:
        center.status = CenterStatus(status)
        db.session.commit()
        allowed[status] = check(actor, center)
    assert allowed == {status: status in TABLES[predicate][name] for status in STATUSES}


@pytest.mark.parametrize("predicate", list(TABLES))
def test_nobody_logged_in_is_never_allowed_more_than_the_public(app, center, predicate):
    check = getattr(permissions, predicate)
    assert check(None, center) is ("approved" in TABLES[predicate]["anonymous"])


APPLY = [
    ("anonymous", False),
    ("unverified", False),
    ("deactivated", False),
    ("outsider", True),
    ("viewer", True),
    ("focal_point", True),
    ("admin", True),
]


@pytest.mark.parametrize(("name", "allowed"), APPLY)
def test_can_apply_for_center(persona, make_user, name, allowed):
    if name == "deactivated":
        actor = make_user()
        actor.active = False
        db.session.commit()
    else:
        actor = persona(name)
    assert permissions.can_apply_for_center(actor) is allowed


LEAVE = [("viewer", True), ("focal_point", False), ("deputy", False), ("admin", False), ("editor", False)]


@pytest.mark.parametrize(("name", "allowed"), LEAVE)
def test_only_the_person_themself_leaves(persona, center, name, allowed):
    viewer = persona("viewer")
    assert permissions.can_leave_center(persona(name), membership(viewer, center)) is allowed


def test_being_staff_of_one_center_gives_nothing_at_another(app, center, other_center, other_focal_point):
    assert permissions.membership_of(other_focal_point, center) is None
    assert permissions.is_focal_point(other_focal_point, other_center)
    assert not permissions.is_focal_point(other_focal_point, center)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_visibility_filter_agrees_with_the_predicate(persona, make_center, center, name):
    """Lists, counts and exports use ``visible_centers``; it must show exactly what
    ``can_view_center`` allows, for every persona and every status."""
    actor = persona(name)
    for status in STATUSES:
        make_center(status=status)
    everything = list(db.session.scalars(select(Center)))

    listed = set(db.session.scalars(select(Center.id).where(permissions.visible_centers(actor))))

    assert listed == {c.id for c in everything if permissions.can_view_center(actor, c)}
    approved = {c.id for c in everything if c.status is CenterStatus.APPROVED}
    if name == "admin":
        assert listed == {c.id for c in everything}
    elif name in STAFF:
        assert listed == approved | {center.id}
    else:
        assert listed == approved
