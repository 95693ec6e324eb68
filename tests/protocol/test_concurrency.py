"""Two signatories of one center clicking at once produce exactly one entry."""

import threading

import pytest

from tests.conftest import PASSWORD
from turkicnet.extensions import db
from turkicnet.protocol import services
from turkicnet.protocol.models import LedgerEntry


def test_concurrent_signatures_for_one_center_produce_exactly_one_entry(app, center, add_staff, make_version):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race is proven against PostgreSQL (SQLite has a single writer)")
    version = make_version()
    signer_ids = [add_staff(center, can_sign=True).id for _ in range(4)]
    center_id, version_id = center.id, version.id
    barrier = threading.Barrier(len(signer_ids))
    outcomes = []

    def attempt(user_id):
        from turkicnet.auth.models import User
        from turkicnet.centers.models import Center
        from turkicnet.protocol.models import ProtocolVersion

        with app.app_context():
            user = db.session.get(User, user_id)
            own_center = db.session.get(Center, center_id)
            own_version = db.session.get(ProtocolVersion, version_id)
            barrier.wait()
            try:
                services.sign_protocol(
                    user, own_center, own_version, signer_name=user.full_name, signer_title="Director",
                    password=PASSWORD, fingerprint=own_version.text_sha256, confirm_authority=True,
                )  # fmt: skip
                outcomes.append("signed")
            except services.AlreadySigned:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(user_id,)) for user_id in signer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already"] * 3 + ["signed"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.seq))) == 1
    assert services.verify_ledger(workers=1).ok
