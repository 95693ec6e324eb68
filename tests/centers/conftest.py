"""Helpers and extra personas shared by the centers tests."""

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import center_details
from turkicnet.core.models import Notification
from turkicnet.core.pdf import simple_pdf
from turkicnet.extensions import db

NOT_A_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def notices_for(user) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


def stored_files(app) -> list[str]:
    """Every file in the upload folder, temporary ones included."""
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def primary_of(center):
    return next(m for m in center.memberships if m.is_primary)


def membership(user, center):
    return next(m for m in center.memberships if m.user_id == user.id)


def apply_form(letter: bytes | None = None, letter_name: str = "letter.pdf", **overrides) -> dict:
    """What a person types into /apply, with a real PDF unless told otherwise."""
    data = {
        "name": "Institute for Economic Research",
        "native_name": "",
        "acronym": "",
        "country_code": "KZ",
        "city": "Astana",
        "website": "",
        "kind": "government_agency",
        "parent_body": "Ministry of National Economy",
        "description": "Research on economic policy.",
        "founded_year": "2001",
        "message": "",
        "website_url": "",
    }
    data.update(overrides)
    content = simple_pdf(["Nomination letter"]) if letter is None else letter
    data["nomination_letter"] = (BytesIO(content), letter_name, "application/pdf")
    return data


@pytest.fixture
def unverified(make_user):
    return make_user(full_name="Ulan Unverified", verified=False)


@pytest.fixture
def deputy(center, add_staff):
    """A second focal point of ``center`` (not the primary)."""
    return add_staff(center, "focal_point")


@pytest.fixture
def other_center(make_center):
    return make_center(
        name="Center for Strategic Research", acronym="CSR", country_code="UZ", city="Tashkent"
    )


@pytest.fixture
def other_focal_point(other_center):
    return primary_of(other_center).user


def details_of(center, **overrides):
    """The center's profile as its edit form would send it, with ``overrides``."""
    values = dict(
        name=center.name,
        native_name=center.native_name,
        acronym=center.acronym,
        country_code=center.country_code,
        city=center.city,
        website=center.website,
        kind=center.kind.value,
        parent_body=center.parent_body,
        description=center.description,
        founded_year=center.founded_year,
    )
    values.update(overrides)
    return center_details(**values)
