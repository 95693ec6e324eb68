"""Editing a center's profile: the optimistic lock, the audit of what changed, and the
Secretariat's review of a member's official details (country, names, acronym, letter)."""

import hashlib

import pytest
from sqlalchemy import select, update

from tests.centers.conftest import details_of, notices_for, primary_of, stored_files
from tests.conftest import audit_rows, mails_to, pdf_upload
from turkicnet.centers import services
from turkicnet.centers.models import (
    ApplicationMessage,
    Center,
    CenterChangeRequest,
    CenterStatus,
    MessageKind,
    RequestStatus,
)
from turkicnet.core.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from turkicnet.core.notifications import render as render_notification
from turkicnet.extensions import db
from turkicnet.protocol import services as protocol_services
from turkicnet.protocol.models import VersionStatus


def save(actor, center, *, letter=None, reason="", version=None, **overrides):
    """Save the profile as ``actor`` typed it on the version they loaded (the current one)."""
    return services.update_center(
        actor,
        center,
        details_of(center, **overrides),
        letter=letter,
        reason=reason,
        expected_version=center.lock_version if version is None else version,
    )


def requests_of(center) -> list[CenterChangeRequest]:
    query = select(CenterChangeRequest).where(CenterChangeRequest.center_id == center.id)
    return list(db.session.scalars(query.order_by(CenterChangeRequest.id)))


def thread_of(center) -> list[ApplicationMessage]:
    query = select(ApplicationMessage).where(ApplicationMessage.center_id == center.id)
    return list(db.session.scalars(query.order_by(ApplicationMessage.id)))


def letter_of(center) -> dict:
    return {"name": center.letter_original_name, "sha256": center.letter_sha256}


@pytest.fixture
def observer_center(make_center):
    """A member center in Hungary, an OTS observer state."""
    return make_center(name="Hungarian Institute of Turkic Economies", acronym="HITE", country_code="HU",
                       city="Budapest")  # fmt: skip


@pytest.fixture
def asked(center, focal_point):
    """A change of country and name waiting for the Secretariat."""
    return save(
        focal_point, center, country_code="UZ", name="Renamed Institute", reason="We moved to Tashkent."
    ).change_request


# ---------------------------------------------------------------- the optimistic lock


def test_every_saved_edit_moves_the_profile_version(app, center, focal_point):
    seen = center.lock_version
    save(focal_point, center, city="Almaty")
    assert center.lock_version == seen + 1
    save(focal_point, center, city="Shymkent")
    assert center.lock_version == seen + 2


def test_the_second_of_two_editors_on_the_same_version_is_refused(app, center, focal_point, deputy):
    seen = center.lock_version
    save(focal_point, center, city="Almaty", version=seen)

    with pytest.raises(Conflict, match="Someone else saved the profile"):
        save(deputy, center, city="Shymkent", description="Rewritten.", version=seen)

    db.session.expire_all()
    assert (center.city, center.description) == ("Almaty", "Research on economic policy.")
    assert [event.actor_id for event in audit_rows("centers.update", center)] == [focal_point.id]


def test_a_save_between_the_check_and_the_write_is_a_conflict_not_an_error(app, center, focal_point):
    seen = center.lock_version
    theirs = update(Center).where(Center.id == center.id).values(lock_version=seen + 1, city="Theirs")
    db.session.execute(theirs.execution_options(synchronize_session=False))

    with pytest.raises(Conflict):
        save(focal_point, center, city="Mine", version=seen)

    db.session.expire_all()
    assert center.city != "Mine"


def test_a_decision_of_the_secretariat_also_makes_an_open_edit_stale(app, admin, center, focal_point):
    seen = center.lock_version
    services.suspend_center(admin, center, note="Inactive.")
    services.reinstate_center(admin, center)

    with pytest.raises(Conflict):
        save(focal_point, center, city="Almaty", version=seen)


# ---------------------------------------------------------------- the audit of what changed


def test_a_direct_edit_records_each_changed_field_with_its_old_and_new_value(app, center, focal_point):
    save(focal_point, center, city="Almaty", website="https://erc.kz", founded_year=1999)

    [event] = audit_rows("centers.update", center)
    assert event.details == {
        "city": ["Astana", "Almaty"],
        "website": ["", "https://erc.kz"],
        "founded_year": [2001, 1999],
    }


def test_saving_a_profile_unchanged_records_nothing_and_keeps_its_version(app, center, focal_point):
    seen = center.lock_version
    saved = save(focal_point, center)
    assert saved.changes == {} and saved.change_request is None
    assert audit_rows("centers.update", center) == []
    assert center.lock_version == seen


def test_a_replaced_letter_is_recorded_by_name_and_hash_not_its_bytes(app, make_center):
    center = make_center(status="pending")
    old = letter_of(center)
    new_pdf = pdf_upload("new.pdf", lines=("A new letter",))
    new_sha256 = hashlib.sha256(new_pdf.stream.getvalue()).hexdigest()

    save(primary_of(center).user, center, letter=new_pdf)

    [event] = audit_rows("centers.update", center)
    assert event.details == {"letter": [old, {"name": "new.pdf", "sha256": new_sha256}]}


def test_an_applicant_still_edits_every_field_before_approval(app, make_center):
    center = make_center(status="pending", country_code="KZ")
    applicant = primary_of(center).user

    saved = save(applicant, center, country_code="UZ", name="Institute of Tashkent", city="Tashkent")

    assert saved.change_request is None and requests_of(center) == []
    assert (center.country_code, center.name) == ("UZ", "Institute of Tashkent")
    assert audit_rows("centers.update", center)[-1].details["country_code"] == ["KZ", "UZ"]


def test_the_secretariat_corrects_a_members_official_details_directly(app, admin, center):
    name = center.name
    saved = save(admin, center, name="Institute of Economic Policy", country_code="KG")

    assert saved.change_request is None
    assert (center.name, center.country_code) == ("Institute of Economic Policy", "KG")
    assert audit_rows("centers.update", center)[-1].details == {
        "name": [name, "Institute of Economic Policy"],
        "country_code": ["KZ", "KG"],
    }


# ---------------------------------------------------------------- asking for a change of official details


def test_a_members_official_details_change_only_through_a_request(app, admin, center, focal_point):
    old_name = center.name
    saved = save(focal_point, center, country_code="UZ", name="Renamed Institute", reason="We moved.")

    db.session.expire_all()
    assert (center.country_code, center.name) == ("KZ", old_name)
    change = saved.change_request
    assert change.status is RequestStatus.PENDING and change.requested_by_id == focal_point.id
    assert change.reason == "We moved."
    assert change.changes == {"country_code": ["KZ", "UZ"], "name": [old_name, "Renamed Institute"]}
    message = thread_of(center)[-1]
    assert (message.kind, message.body, message.author_id) == (MessageKind.CHANGE_PROPOSED, "We moved.",
                                                               focal_point.id)  # fmt: skip
    [event] = audit_rows("centers.request_change", center)
    assert event.details == {"change_request": change.id, **change.changes}
    assert audit_rows("centers.update", center) == []
    assert mails_to(admin.email)[-1].subject == f"Change of official details asked: {old_name}"


def test_the_other_fields_of_a_member_change_at_once_beside_the_request(app, center, focal_point):
    saved = save(focal_point, center, acronym="NEW", city="Almaty", reason="Our new acronym.")

    assert center.city == "Almaty" and center.acronym != "NEW"
    assert saved.changes == {"city": ["Astana", "Almaty"]}
    assert saved.change_request.changes == {"acronym": [center.acronym, "NEW"]}
    assert audit_rows("centers.update", center)[-1].details == {"city": ["Astana", "Almaty"]}


def test_a_change_of_official_details_needs_a_reason_and_nothing_is_saved_without(app, center, focal_point):
    with pytest.raises(ValidationFailed) as refused:
        save(focal_point, center, native_name="Жаңа атау", city="Almaty", reason="  ")
    db.session.commit()

    assert refused.value.field == "reason"
    db.session.expire_all()
    assert (center.native_name, center.city) == ("", "Astana")
    assert requests_of(center) == [] and audit_rows("centers.update") == []


def test_a_new_letter_for_a_member_waits_for_review_beside_the_old_one(app, center, focal_point):
    old_letter = center.letter_stored_name
    saved = save(focal_point, center, letter=pdf_upload("renewed.pdf"), reason="Renewed letter.")
    change = saved.change_request

    assert center.letter_stored_name == old_letter
    assert change.changes["letter"][0] == letter_of(center)
    assert change.changes["letter"][1]["name"] == "renewed.pdf"
    assert set(stored_files(app)) == {old_letter, change.letter_stored_name}
    stored = {reference.stored_name for reference in services.letter_files()}
    assert stored == {old_letter, change.letter_stored_name}


def test_only_one_change_request_waits_at_a_time(app, center, focal_point, deputy, asked):
    with pytest.raises(Conflict, match="already waiting"):
        save(deputy, center, acronym="OTHER", reason="Another idea.")
    db.session.commit()

    assert requests_of(center) == [asked]
    # Fields that need no review still save while the request waits.
    save(deputy, center, city="Almaty")
    assert center.city == "Almaty" and center.country_code == "KZ"


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "outsider", "other_focal_point"])
def test_only_the_centers_focal_points_ask_for_a_change(request, center, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        save(actor, center, country_code="UZ", reason="Let me.")
    assert requests_of(center) == []
    db.session.refresh(center)
    assert center.country_code == "KZ"


def test_the_pending_request_is_shown_to_focal_points_and_admins_only(app, center, admin, editor, asked):
    assert services.pending_change_request(admin, center) is asked
    assert services.pending_change_request(primary_of(center).user, center) is asked
    with pytest.raises(PermissionDenied):
        services.pending_change_request(editor, center)


# ---------------------------------------------------------------- the Secretariat's decision


def test_the_queue_lists_the_waiting_requests_oldest_first(app, admin, center, asked, observer_center):
    later = save(primary_of(observer_center).user, observer_center, acronym="HIT", reason="Shorter.")
    assert services.change_request_queue(admin) == [asked, later.change_request]
    services.decline_center_change(admin, asked, note="Send the decree.")
    assert services.change_request_queue(admin) == [later.change_request]


def test_the_secretariat_accepts_a_change_and_it_applies_at_once(app, admin, center, focal_point, deputy):
    old_name, old_letter, seen = center.name, center.letter_stored_name, center.lock_version
    change = save(focal_point, center, country_code="UZ", name="Institute of Tashkent",
                  letter=pdf_upload("decree.pdf"), reason="Moved by decree.").change_request  # fmt: skip
    new_letter = change.letter_stored_name

    services.accept_center_change(admin, change, note="Thank you.")

    db.session.expire_all()
    assert (center.country_code, center.name, center.name_key) == ("UZ", "Institute of Tashkent",
                                                                   "instituteoftashkent")  # fmt: skip
    assert center.letter_stored_name == new_letter and center.letter_original_name == "decree.pdf"
    assert center.lock_version == seen + 1
    assert stored_files(app) == [new_letter] and old_letter != new_letter
    assert (change.status, change.decided_by_id) == (RequestStatus.ACCEPTED, admin.id)
    assert change.note == "Thank you."
    assert change.letter_stored_name is None  # the file is the center's now
    message = thread_of(center)[-1]
    assert (message.kind, message.body) == (MessageKind.CHANGE_ACCEPTED, "Thank you.")
    [event] = audit_rows("centers.accept_change", center)
    assert event.actor_id == admin.id
    assert event.details == {
        "change_request": change.id,
        "country_code": ["KZ", "UZ"],
        "name": [old_name, "Institute of Tashkent"],
        "letter": change.changes["letter"],
    }
    for person in (focal_point, deputy):
        mail = mails_to(person.email)[-1]
        assert mail.subject == "The change to the official details of Institute of Tashkent was accepted"
        assert "Thank you." in mail.body
        assert render_notification(notices_for(person)[-1]) == (
            "The Secretariat accepted the change to the official details of Institute of Tashkent."
        )


def test_the_secretariat_declines_a_change_with_a_reason_and_nothing_changes(app, admin, center, focal_point):
    old_name, old_letter = center.name, center.letter_stored_name
    change = save(focal_point, center, name="Grand Institute", letter=pdf_upload("new.pdf"),
                  reason="Bigger name.").change_request  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        services.decline_center_change(admin, change, note="")
    assert refused.value.field == "note"

    services.decline_center_change(admin, change, note="The decree does not rename the center.")

    db.session.expire_all()
    assert (center.name, center.letter_stored_name) == (old_name, old_letter)
    assert stored_files(app) == [old_letter] and change.letter_stored_name is None
    assert change.status is RequestStatus.DECLINED
    assert thread_of(center)[-1].kind is MessageKind.CHANGE_DECLINED
    [event] = audit_rows("centers.decline_change", center)
    assert event.details == {"change_request": change.id, "note": "The decree does not rename the center."}
    mail = mails_to(focal_point.email)[-1]
    assert mail.subject == f"The change to the official details of {old_name} was declined"
    assert "The decree does not rename the center." in mail.body
    # Declined, it no longer blocks a new request.
    assert save(focal_point, center, name="Grand Institute", reason="With the decree.").change_request


@pytest.mark.parametrize("persona", ["focal_point", "deputy", "editor", "signatory", "outsider"])
def test_only_the_secretariat_decides_on_a_change(request, center, asked, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.accept_center_change(actor, asked)
    with pytest.raises(PermissionDenied):
        services.decline_center_change(actor, asked, note="No.")
    db.session.expire_all()
    assert asked.status is RequestStatus.PENDING and center.country_code == "KZ"


def test_a_decided_change_is_not_decided_again(app, admin, center, asked):
    services.decline_center_change(admin, asked, note="No.")
    with pytest.raises(InvalidState):
        services.accept_center_change(admin, asked)
    assert center.country_code == "KZ"


def test_an_accepted_change_still_may_not_take_another_centers_name(app, admin, center, asked, make_center):
    make_center(name="Renamed Institute", acronym="RI", country_code="UZ", city="Tashkent")
    with pytest.raises(ValidationFailed) as refused:
        services.accept_center_change(admin, asked)
    assert refused.value.field == "name"
    db.session.expire_all()
    assert asked.status is RequestStatus.PENDING and center.country_code == "KZ"


def test_a_change_waiting_when_the_center_is_suspended_is_not_applied(app, admin, center, asked):
    services.suspend_center(admin, center, note="Inactive.")
    with pytest.raises(InvalidState):
        services.accept_center_change(admin, asked)
    assert center.status is CenterStatus.SUSPENDED and center.country_code == "KZ"


# ---------------------------------------------------------------- the protocol's rule cannot be tipped


def test_a_signatory_cannot_tip_the_entry_into_force_rule_by_moving_the_center(
    app, make_version, make_center, add_staff, sign, observer_center
):
    """Two member states must be among the signatories. An observer's signatory (here its
    focal point) moving the center to a member state would make the next signature bring the
    protocol into force: the move waits for the Secretariat, so the count does not change."""
    version = make_version(required_centers=3, required_states=2)
    kazakh = make_center(name="Kazakh Institute", acronym="KI", country_code="KZ")
    sign(add_staff(kazakh, "editor", can_sign=True), kazakh, version)
    insider = add_staff(observer_center, "focal_point", can_sign=True)
    sign(insider, observer_center, version)

    save(insider, observer_center, country_code="UZ", reason="We are Uzbek now.")
    db.session.expire_all()
    assert observer_center.country_code == "HU"
    assert protocol_services.rule_progress(version).states == 1

    another = make_center(name="Astana Policy Institute", acronym="API", country_code="KZ")
    sign(add_staff(another, "editor", can_sign=True), another, version)
    db.session.expire_all()
    progress = protocol_services.rule_progress(version)
    assert (progress.centers, progress.states, progress.met) == (3, 1, False)
    assert version.status is VersionStatus.OPEN
