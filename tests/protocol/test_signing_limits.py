"""Signing and withdrawing are limited per signatory as well as per address (F-11).

Signatories of several centers may sit behind one institutional address: one person's
retries must not block the others. The data is made through the ``app`` fixture (limits
off); the requests go to a second app on the same database with the limits switched on.
"""

import pytest
from limits import parse

from tests.conftest import PASSWORD
from turkicnet.extensions import db

SHARED_ADDRESS = {"REMOTE_ADDR": "203.0.113.40"}


@pytest.fixture
def limited(make_app, app):
    return make_app(RATELIMIT_ENABLED=True)


def logged_in(limited_app, user):
    client = limited_app.test_client()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}, environ_base=SHARED_ADDRESS
    )
    assert response.status_code == 302
    return client


def sign_form(version, password):
    return {
        "fingerprint": version.text_sha256,
        "signer_name": "Aliya Nurova",
        "signer_title": "Director",
        "confirm_authority": "y",
        "password": password,
    }


@pytest.fixture
def two_signatories(make_center, add_staff):
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ")
    return (kz, add_staff(kz, can_sign=True)), (uz, add_staff(uz, can_sign=True))


def test_one_signatorys_retries_do_not_block_another_behind_the_same_address(
    limited, two_signatories, make_version
):
    version = make_version()
    (kz, first), (uz, second) = two_signatories
    allowed = parse(limited.config["SIGN_LIMIT_PER_USER"]).amount
    first_client, second_client = logged_in(limited, first), logged_in(limited, second)

    retries = [
        first_client.post(
            f"/protocol/v/{version.number}/sign?center={kz.slug}",
            data=sign_form(version, "a mistyped password 1"),
            environ_base=SHARED_ADDRESS,
        ).status_code
        for _ in range(allowed + 1)
    ]
    others_signature = second_client.post(
        f"/protocol/v/{version.number}/sign?center={uz.slug}",
        data=sign_form(version, PASSWORD),
        environ_base=SHARED_ADDRESS,
    )

    assert retries == [400] * allowed + [429]
    assert others_signature.status_code == 302
    assert others_signature.headers["Location"].endswith("/protocol/signatures/1")


def test_one_signatorys_withdrawal_retries_do_not_block_another_behind_the_same_address(
    limited, two_signatories, make_version, sign
):
    version = make_version()
    (kz, first), (uz, second) = two_signatories
    sign(first, kz, version)
    sign(second, uz, version)
    db.session.commit()
    allowed = parse(limited.config["SIGN_LIMIT_PER_USER"]).amount
    first_client, second_client = logged_in(limited, first), logged_in(limited, second)
    withdrawal = {"signer_name": "Aliya Nurova", "signer_title": "Director", "reason": "Mandate ended"}

    retries = [
        first_client.post(
            f"/protocol/v/{version.number}/withdraw?center={kz.slug}",
            data={**withdrawal, "password": "a mistyped password 1"},
            environ_base=SHARED_ADDRESS,
        ).status_code
        for _ in range(allowed + 1)
    ]
    others_withdrawal = second_client.post(
        f"/protocol/v/{version.number}/withdraw?center={uz.slug}",
        data={**withdrawal, "password": PASSWORD},
        environ_base=SHARED_ADDRESS,
    )

    assert retries == [400] * allowed + [429]
    assert others_withdrawal.status_code == 302


def test_the_per_address_signing_limit_is_higher_than_the_per_signatory_limit(limited):
    per_user = parse(limited.config["SIGN_LIMIT_PER_USER"])
    per_address = parse(limited.config["SIGN_LIMIT_PER_IP"])
    assert per_address.get_expiry() == per_user.get_expiry()
    assert per_address.amount > per_user.amount
