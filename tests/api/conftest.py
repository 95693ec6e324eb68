import pytest

from tests.reports.conftest import make_report, sections  # noqa: F401  (fixtures shared with tests/reports)
from turkicnet.auth import services as auth_services
from turkicnet.centers import services as center_services


@pytest.fixture
def personal_token(app):
    """A personal token of ``user`` (its plain string), made through the service."""

    def make(user, scopes="read", **options):
        return auth_services.create_personal_token(
            user, name=options.pop("name", "test"), scopes=scopes, **options
        )[1]

    return make


@pytest.fixture
def center_token(app):
    def make(focal_point, center, scopes="read write", **options):
        return center_services.create_center_token(
            focal_point, center, name="pipeline", scopes=scopes, **options
        )[1]

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
