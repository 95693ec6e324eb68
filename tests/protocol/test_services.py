import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from turkicnet.centers.models import CenterStatus
from turkicnet.core.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from turkicnet.core.models import AuditEvent, OutboxMessage
from turkicnet.extensions import db
from turkicnet.protocol import ledger, services
from turkicnet.protocol.models import Checkpoint, LedgerEntry, VersionStatus
from turkicnet.protocol.standing import center_standing, signatory_slugs


def _entries():
    return db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_opening_fixes_the_fingerprint_over_the_authentic_texts_only(make_version):
    version = make_version()
    expected = ledger.sha256_hex(
        ledger.canonical_json({"en": version.text("en").sha256, "tr": version.text("tr").sha256})
    )
    assert version.status is VersionStatus.OPEN
    assert version.text_sha256 == expected
    assert version.opened_at is not None
    [event] = _audit("protocol.open")
    assert event.details["text_sha256"] == expected


def test_a_draft_can_be_edited_but_an_open_version_never_changes(admin, make_version):
    draft = make_version(status="draft")
    services.save_text(admin, draft, language="en", body="# Changed\n", authentic=True)
    assert draft.text("en").body == "# Changed\n"
    services.open_version(admin, draft)
    with pytest.raises(InvalidState):
        services.save_text(admin, draft, language="en", body="# Changed again\n", authentic=True)
    with pytest.raises(InvalidState):
        services.update_version(admin, draft, title="New", required_centers=1, required_states=None)
    with pytest.raises(InvalidState):
        services.delete_text(admin, draft, language="ru")
    assert draft.text("en").body == "# Changed\n"


def test_a_version_without_an_authentic_english_text_cannot_be_opened(admin):
    version = services.create_version(admin, title="Draft", required_centers=1, required_states=None)
    services.save_text(admin, version, language="tr", body="Metin", authentic=True)
    with pytest.raises(InvalidState):
        services.open_version(admin, version)
    assert version.status is VersionStatus.DRAFT


def test_only_admins_manage_versions(focal_point):
    with pytest.raises(PermissionDenied):
        services.create_version(focal_point, title="Mine", required_centers=1, required_states=None)


def test_signing_appends_an_entry_and_a_checkpoint_audits_and_mails_the_checkpoint(
    center, signatory, make_version, sign
):
    version = make_version()
    entry = sign(signatory, center, version)
    assert (entry.seq, entry.action, entry.prev_hash) == (1, "sign", "0" * 64)
    assert entry.center == center.slug and entry.signer_name == signatory.full_name
    assert entry.hash == ledger.entry_hash(ledger.entry_fields(entry))
    checkpoint = db.session.scalars(select(Checkpoint)).one()
    assert (checkpoint.seq, checkpoint.hash) == (1, entry.hash)
    [event] = _audit("protocol.sign")
    assert event.actor_id == signatory.id and event.details["seq"] == 1
    # The last mail to the signatory is the receipt; without an order PostgreSQL may return any row first.
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == signatory.email).order_by(OutboxMessage.id)
    ).all()[-1]
    assert checkpoint.signature in mail.body and entry.hash in mail.body
    assert center_standing(center) == "signatory"


def test_the_ledger_holds_no_email_or_ip(center, signatory, make_version, sign):
    entry = sign(signatory, center, make_version())
    assert signatory.email not in str(ledger.entry_fields(entry))
    assert set(LedgerEntry.__table__.columns.keys()) == set(ledger.ENTRY_FIELDS) | {"hash"}


@pytest.mark.parametrize("persona", ["editor", "viewer", "focal_point", "outsider", "admin"])
def test_only_a_user_with_can_sign_may_sign(request, center, make_version, persona):
    user = request.getfixturevalue(persona)
    version = make_version()
    with pytest.raises(PermissionDenied):
        services.sign_protocol(
            user, center, version, signer_name="X Y", signer_title="Z", password=PASSWORD,
            fingerprint=version.text_sha256, confirm_authority=True,
        )  # fmt: skip
    assert _entries() == []


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_a_center_that_is_not_approved_cannot_sign(make_center, make_version, sign, status):
    center = make_center(status=status)
    focal_point = center.memberships[0].user
    center.memberships[0].can_sign = True
    db.session.commit()
    with pytest.raises(PermissionDenied):
        sign(focal_point, center, make_version())
    assert _entries() == []


def test_a_draft_cannot_be_signed(center, signatory, make_version, sign):
    draft = make_version(status="draft")
    draft.text_sha256 = "0" * 64
    with pytest.raises(InvalidState):
        sign(signatory, center, draft)
    db.session.rollback()
    assert _entries() == []


def test_a_superseded_version_cannot_be_signed(admin, make_center, add_staff, make_version, sign):
    first = make_version(required_centers=1)
    second = make_version(required_centers=1)
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ")
    kz_signatory, uz_signatory = add_staff(kz, can_sign=True), add_staff(uz, can_sign=True)
    sign(kz_signatory, kz, first)
    assert first.status is VersionStatus.IN_FORCE
    sign(kz_signatory, kz, second)
    db.session.refresh(first)
    assert first.status is VersionStatus.SUPERSEDED and second.status is VersionStatus.IN_FORCE
    with pytest.raises(InvalidState):
        sign(uz_signatory, uz, first)


def test_a_changed_fingerprint_refuses_the_signature(center, signatory, make_version):
    version = make_version()
    with pytest.raises(Conflict):
        services.sign_protocol(
            signatory, center, version, signer_name="A B", signer_title="C", password=PASSWORD,
            fingerprint="f" * 64, confirm_authority=True,
        )  # fmt: skip
    assert _entries() == []


def test_a_second_signature_is_told_already_signed_and_adds_nothing(
    center, signatory, add_staff, make_version, sign
):
    version = make_version()
    sign(signatory, center, version)
    colleague = add_staff(center, "editor", can_sign=True)
    with pytest.raises(services.AlreadySigned) as refused:
        sign(colleague, center, version)
    assert "already signed version" in refused.value.message
    assert len(_entries()) == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"password": "not my password at all"}, "password"),
        ({"confirm_authority": False}, "confirm_authority"),
        ({"signer_name": "  "}, "signer_name"),
        ({"signer_title": ""}, "signer_title"),
    ],
)
def test_signing_needs_name_position_confirmation_and_the_password(
    center, signatory, make_version, changes, field
):
    version = make_version()
    values = dict(signer_name="A B", signer_title="Director", password=PASSWORD,
                  fingerprint=version.text_sha256, confirm_authority=True)  # fmt: skip
    values.update(changes)
    with pytest.raises(ValidationFailed) as refused:
        services.sign_protocol(signatory, center, version, **values)
    assert refused.value.field == field
    assert _entries() == []


def test_withdrawal_is_a_new_entry_with_the_reason_and_the_center_may_sign_again(
    center, signatory, make_version, sign
):
    version = make_version()
    sign(signatory, center, version)
    withdrawal = services.withdraw_signature(
        signatory, center, version, signer_name="A B", signer_title="Director",
        reason="The center is being reorganised", password=PASSWORD,
    )  # fmt: skip
    assert (withdrawal.action, withdrawal.note, withdrawal.seq) == (
        "withdraw",
        "The center is being reorganised",
        2,
    )
    assert services.standing_entry(center.slug, version.number) is None
    assert center_standing(center) == "member"
    again = sign(signatory, center, version)
    assert again.seq == 3 and services.standing_entry(center.slug, version.number).seq == 3
    assert [e.action for e in _entries()] == ["sign", "withdraw", "sign"]
    assert _audit("protocol.withdraw")[0].details["reason"] == "The center is being reorganised"


def test_withdrawing_without_a_standing_signature_is_refused(center, signatory, make_version):
    version = make_version()
    with pytest.raises(InvalidState):
        services.withdraw_signature(
            signatory, center, version, signer_name="A B", signer_title="C", reason="x", password=PASSWORD
        )
    assert _entries() == []


def test_withdrawing_asks_for_the_password_again(center, signatory, make_version, sign):
    version = make_version()
    sign(signatory, center, version)
    with pytest.raises(ValidationFailed) as refused:
        services.withdraw_signature(
            signatory, center, version, signer_name="A B", signer_title="Director",
            reason="The center is being reorganised", password="not my password at all",
        )  # fmt: skip
    assert refused.value.field == "password"
    assert [e.action for e in _entries()] == ["sign"]
    assert services.standing_entry(center.slug, version.number) is not None


def test_entry_into_force_waits_for_enough_centers_and_member_states(
    make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=2, required_states=2)
    kz1, kz2, hu, uz = (make_center(country_code=c) for c in ("KZ", "KZ", "HU", "UZ"))
    signers = {c.id: add_staff(c, can_sign=True) for c in (kz1, kz2, hu, uz)}
    sign(signers[kz1.id], kz1, version)
    sign(signers[kz2.id], kz2, version)
    sign(signers[hu.id], hu, version)  # an observer state does not count as a member state
    progress = services.rule_progress(version)
    assert (progress.centers, progress.states, progress.missing_states) == (3, 1, 1)
    assert version.status is VersionStatus.OPEN
    sign(signers[uz.id], uz, version)
    assert version.status is VersionStatus.IN_FORCE and version.in_force_at is not None
    assert len(_audit("protocol.enter_into_force")) == 1
    focal_points = {m.user.email for c in (kz1, kz2, hu, uz) for m in c.memberships if m.is_primary}
    told = set(db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.subject.contains("entered into force"))
    ))  # fmt: skip
    assert focal_points <= told


def test_an_amendment_in_force_supersedes_the_old_version_and_old_signatories_are_plain_members(
    make_center, add_staff, make_version, sign
):
    first = make_version(required_centers=1)
    kz, uz = make_center(country_code="KZ"), make_center(country_code="UZ")
    kz_signer, uz_signer = add_staff(kz, can_sign=True), add_staff(uz, can_sign=True)
    sign(kz_signer, kz, first)
    second = make_version(required_centers=1)
    assert first.status is VersionStatus.IN_FORCE and second.status is VersionStatus.OPEN
    assert center_standing(kz) == "signatory"
    sign(uz_signer, uz, second)
    db.session.refresh(first)
    assert first.status is VersionStatus.SUPERSEDED and first.superseded_at is not None
    assert center_standing(uz) == "signatory"
    assert center_standing(kz) == "member"


def test_verify_passes_on_an_intact_ledger(center, signatory, make_version, sign):
    version = make_version()
    sign(signatory, center, version)
    result = services.verify_ledger(workers=1)
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints) == (1, 1)


def test_a_suspended_centers_signature_no_longer_makes_it_a_signatory(
    admin, center, signatory, make_version, sign
):
    from turkicnet.centers.services import suspend_center

    version = make_version()
    sign(signatory, center, version)
    suspend_center(admin, center, note="Inactive")
    assert center.status is CenterStatus.SUSPENDED
    assert center_standing(center) == "suspended"
    assert center.slug not in signatory_slugs()
    assert services.rule_progress(version).centers == 0
    [row] = services.status_table(version)
    assert row.signature_stands and not row.standing


def test_a_reinstated_center_is_a_signatory_again_at_once(admin, center, signatory, make_version, sign):
    """The signatories are read once per request; a change of a center's status forgets them."""
    from turkicnet.centers.services import reinstate_center, suspend_center

    sign(signatory, center, make_version())
    suspend_center(admin, center, note="Inactive")
    assert center.slug not in signatory_slugs()
    reinstate_center(admin, center)
    assert center_standing(center) == "signatory"
