"""Who may manage accounts: a persona × allowed/refused table."""

import pytest
from flask_login import AnonymousUserMixin

from turkicnet.auth.permissions import can_manage_users

MANAGE_USERS = [
    ("admin", True),
    ("focal_point", False),
    ("editor", False),
    ("viewer", False),
    ("signatory", False),
    ("outsider", False),
]


@pytest.mark.parametrize(("persona", "allowed"), MANAGE_USERS)
def test_can_manage_users(request, persona, allowed):
    assert can_manage_users(request.getfixturevalue(persona)) is allowed


@pytest.mark.parametrize("nobody", [None, AnonymousUserMixin()], ids=["none", "anonymous"])
def test_nobody_logged_in_cannot_manage_users(app, nobody):
    assert can_manage_users(nobody) is False
