"""The centers services: each rule, the change it makes, its audit row, its notices and mail."""

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.centers.conftest import (
    NOT_A_PDF,
    details_of,
    membership,
    notices_for,
    primary_of,
    stored_files,
)
from tests.conftest import audit_rows, center_details, mails_to, outbox_links, path_of, pdf_upload
from turkicnet.centers import services
from turkicnet.centers.models import (
    ApplicationMessage,
    Center,
    CenterStatus,
    Invitation,
    JoinRequest,
    Membership,
    MessageKind,
    RequestStatus,
    Role,
)
from turkicnet.core import storage
from turkicnet.core.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from turkicnet.core.notifications import render as render_notification
from turkicnet.core.timeutil import utcnow
from turkicnet.extensions import db


def center_count() -> int:
    return db.session.scalar(select(func.count(Center.id)))


def thread_of(center) -> list[ApplicationMessage]:
    query = select(ApplicationMessage).where(ApplicationMessage.center_id == center.id)
    return list(db.session.scalars(query.order_by(ApplicationMessage.id)))




# ---------------------------------------------------------------- applying


def test_a_verified_user_applies_and_becomes_the_primary_focal_point(app, make_user, admin):
    applicant = make_user(full_name="Aigerim Sadykova")
    details = center_details(name="Economic Research Institute", acronym="ERI", city="Astana")

    center = services.apply_center(applicant, details, letter=pdf_upload("nomination.pdf"), message="Hello")

    db.session.refresh(center)
    assert center.status is CenterStatus.PENDING
    assert center.slug == "eri-kz"
    assert center.name_key == "economicresearchinstitute"
    [member] = center.memberships
    assert (member.user_id, member.role, member.is_primary, member.can_sign) == (
        applicant.id,
        Role.FOCAL_POINT,
        True,
        False,
    )
    [message] = thread_of(center)
    assert message.kind is MessageKind.SUBMITTED
    assert message.author_id == applicant.id
    assert (message.from_status, message.to_status) == (None, "pending")
    assert message.body == "Hello"
    [event] = audit_rows("centers.apply", center)
    assert event.actor_id == applicant.id and event.target_type == "center"
    assert event.details == {"slug": "eri-kz", "name": "Economic Research Institute"}
    [mail] = [m for m in mails_to(admin.email) if m.subject.startswith("New application")]
    assert mail.subject == "New application: Economic Research Institute"
    assert f"http://turkicnet.test/admin/centers/{center.slug}" in mail.body
    assert not any(m.subject.startswith("New application") for m in mails_to(applicant.email))


def test_the_letter_is_stored_under_a_random_name_with_its_fingerprint(app, make_user, admin):
    upload = pdf_upload("Письмо о назначении.pdf", lines=("Nomination",))
    content = upload.stream.getvalue()

    center = services.apply_center(make_user(), center_details(), letter=upload)

    assert center.letter_original_name == "Письмо о назначении.pdf"
    assert center.letter_stored_name != center.letter_original_name
    assert center.letter_size == len(content)
    assert center.letter_sha256 == hashlib.sha256(content).hexdigest()
    assert storage.path_of(center.letter_stored_name).read_bytes() == content
    assert stored_files(app) == [center.letter_stored_name]


def test_an_unverified_user_may_not_apply(app, make_user, admin):
    applicant = make_user(verified=False)

    with pytest.raises(PermissionDenied, match="Confirm your e-mail"):
        services.apply_center(applicant, center_details(), letter=pdf_upload())

    assert center_count() == 0
    assert audit_rows("centers.apply") == []
    assert not any("application" in m.subject for m in mails_to(admin.email))


def test_a_renamed_executable_is_refused_and_leaves_nothing_behind(app, make_user, admin):
    applicant = make_user()
    fake = FileStorage(stream=BytesIO(NOT_A_PDF), filename="letter.pdf", content_type="application/pdf")

    with pytest.raises(ValidationFailed) as refused:
        services.apply_center(applicant, center_details(), letter=fake)

    assert refused.value.field == "nomination_letter"
    assert "not a PDF" in refused.value.message
    assert center_count() == 0
    assert db.session.scalar(select(func.count(Membership.id))) == 0
    assert audit_rows("centers.apply") == []
    assert not any("application" in m.subject for m in mails_to(admin.email))
    assert stored_files(app) == []


def test_an_application_without_a_letter_is_refused(app, make_user):
    with pytest.raises(ValidationFailed) as refused:
        services.apply_center(make_user(), center_details(), letter=None)
    assert refused.value.field == "nomination_letter"
    assert center_count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "name in English"),
        ("country_code", "XX", "Choose a country"),
        ("kind", "ministry", "kind of body"),
        ("website", "eri.kz", "https://"),
        ("website", "javascript:alert(1)", "https://"),
    ],
)
def test_bad_fields_are_refused_on_the_field(app, make_user, field, value, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        services.apply_center(make_user(), center_details(**{field: value}), letter=pdf_upload())
    assert refused.value.field == field
    assert center_count() == 0
    assert stored_files(app) == []


DUPLICATES = [
    pytest.param(
        dict(name="İktisat Araştırmaları Merkezi"),
        dict(name="iktisat arastirmalari merkezi"),
        "name",
        id="turkish-dotted-capital-I-and-diacritics",
    ),
    pytest.param(
        dict(name="Iktisat Arastirmalari Merkezi"),
        dict(name="ıktısat araştırmaları merkezı"),
        "name",
        id="dotless-i",
    ),
    pytest.param(
        dict(name="Institute of Iktisat", native_name="Иктисат"),
        dict(name="Another English Name", native_name="Iktisat"),
        "native_name",
        id="cyrillic-native-vs-latin-native",
    ),
    pytest.param(
        dict(name="Iktisat"),
        dict(name="A Different Name", native_name="Иктисат"),
        "native_name",
        id="latin-name-vs-cyrillic-native",
    ),
    pytest.param(
        dict(name="Economic Research Institute", acronym="ERI"),
        dict(name="Entirely Other Institute", acronym="e.r.i."),
        "acronym",
        id="acronym",
    ),
    pytest.param(
        dict(name="Economic Research Institute", website="https://www.eri.kz/"),
        dict(name="Entirely Other Institute", website="http://eri.kz/en/about"),
        "website",
        id="website-with-and-without-www",
    ),
]


@pytest.mark.parametrize(("existing", "new", "field"), DUPLICATES)
def test_a_duplicate_of_a_member_in_the_same_country_is_refused_naming_it(
    app, make_center, make_user, existing, new, field
):
    existing_center = make_center(country_code="KZ", **{"acronym": "", **existing})
    before = center_count()

    with pytest.raises(ValidationFailed) as refused:
        services.apply_center(make_user(), center_details(country_code="KZ", **new), letter=pdf_upload())

    assert refused.value.field == field
    assert existing_center.display_name in refused.value.message
    assert "(KZ)" in refused.value.message
    assert center_count() == before
    assert stored_files(app) == [existing_center.letter_stored_name]


@pytest.mark.parametrize(("existing", "new", "field"), DUPLICATES)
def test_a_duplicate_of_a_pending_application_is_refused_without_revealing_it(
    app, make_center, make_user, existing, new, field
):
    existing_center = make_center(status="pending", country_code="KZ", **{"acronym": "", **existing})
    before = center_count()

    with pytest.raises(ValidationFailed) as refused:
        services.apply_center(make_user(), center_details(country_code="KZ", **new), letter=pdf_upload())

    assert refused.value.field == field
    assert "already under review" in refused.value.message
    assert existing_center.name not in refused.value.message
    assert center_count() == before


@pytest.mark.parametrize(("existing", "new", "field"), DUPLICATES)
def test_the_same_center_in_another_country_is_allowed(app, make_center, make_user, existing, new, field):
    make_center(country_code="KZ", **{"acronym": "", **existing})

    center = services.apply_center(make_user(), center_details(country_code="UZ", **new), letter=pdf_upload())

    assert center.status is CenterStatus.PENDING
    assert center.country_code == "UZ"


@pytest.mark.parametrize("status", ["rejected", "withdrawn"])
def test_a_rejected_or_withdrawn_center_no_longer_holds_its_name(app, make_center, make_user, status):
    old = make_center(status=status, name="Economic Research Institute", acronym="ERI")

    center = services.apply_center(
        make_user(), center_details(name="Economic Research Institute", acronym="ERI"), letter=pdf_upload()
    )

    assert center.slug != old.slug
    assert center.status is CenterStatus.PENDING


# ---------------------------------------------------------------- decisions

STATUSES = ["pending", "changes_requested", "approved", "rejected", "suspended", "withdrawn"]
DECISIONS = {
    "approve": services.approve_center,
    "request_changes": services.request_changes,
    "reject": services.reject_center,
    "suspend": services.suspend_center,
    "reinstate": services.reinstate_center,
    "withdraw": services.withdraw_center,
}
#: (from status, decision) -> new status; every pair not listed is refused.
TRANSITIONS = {
    ("pending", "approve"): "approved",
    ("pending", "request_changes"): "changes_requested",
    ("pending", "reject"): "rejected",
    ("changes_requested", "reject"): "rejected",
    ("approved", "suspend"): "suspended",
    ("approved", "withdraw"): "withdrawn",
    ("suspended", "reinstate"): "approved",
    ("suspended", "withdraw"): "withdrawn",
}


@pytest.mark.parametrize("decision", list(DECISIONS))
@pytest.mark.parametrize("status", STATUSES)
def test_decision_transitions(app, admin, make_center, status, decision):
    center = make_center(status=status)
    events_before = len(audit_rows(f"centers.{decision}", center))
    messages_before = len(thread_of(center))
    target = TRANSITIONS.get((status, decision))

    if target is None:
        with pytest.raises(InvalidState):
            DECISIONS[decision](admin, center, note="Because.")
        db.session.refresh(center)
        assert center.status.value == status
        assert len(audit_rows(f"centers.{decision}", center)) == events_before
        assert len(thread_of(center)) == messages_before
    else:
        DECISIONS[decision](admin, center, note="Because.")
        db.session.refresh(center)
        assert center.status.value == target
        assert center.decided_at is not None
        assert len(audit_rows(f"centers.{decision}", center)) == events_before + 1


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ("request_changes", "pending"),
        ("reject", "pending"),
        ("suspend", "approved"),
        ("withdraw", "approved"),
    ],
)
@pytest.mark.parametrize("note", ["", "  \n\t "])
def test_these_decisions_need_a_reason(app, admin, make_center, decision, status, note):
    center = make_center(status=status)

    with pytest.raises(ValidationFailed) as refused:
        DECISIONS[decision](admin, center, note=note)

    assert refused.value.field == "note"
    db.session.refresh(center)
    assert center.status.value == status
    assert audit_rows(f"centers.{decision}", center) == []


@pytest.mark.parametrize(("decision", "status"), [("approve", "pending"), ("reinstate", "suspended")])
def test_approving_and_reinstating_need_no_reason(app, admin, make_center, decision, status):
    center = make_center(status=status)
    DECISIONS[decision](admin, center, note="")
    assert center.status is CenterStatus.APPROVED


@pytest.mark.parametrize(
    ("decision", "status", "persona"),
    [
        ("approve", "pending", "applicant"),
        ("approve", "pending", "outsider"),
        ("request_changes", "pending", "applicant"),
        ("suspend", "approved", "applicant"),
        ("suspend", "approved", "editor"),
        ("withdraw", "approved", "outsider"),
    ],
)
def test_only_admins_decide(request, make_center, add_staff, decision, status, persona):
    center = make_center(status=status)
    if persona == "applicant":
        actor = primary_of(center).user
    elif persona == "editor":
        actor = add_staff(center, "editor")
    else:
        actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        DECISIONS[decision](actor, center, note="Please.")

    db.session.refresh(center)
    assert center.status.value == status
    assert audit_rows(f"centers.{decision}", center) == []


DECISION_RECORDS = [
    ("approve", "pending", "approved", MessageKind.APPROVED, "center_approved", "is now a member"),
    ("request_changes", "pending", "changes_requested", MessageKind.CHANGES_REQUESTED,
     "center_changes_requested", "Changes requested"),
    ("reject", "pending", "rejected", MessageKind.REJECTED, "center_rejected", "was rejected"),
    ("suspend", "approved", "suspended", MessageKind.SUSPENDED, "center_suspended", "was suspended"),
    ("reinstate", "suspended", "approved", MessageKind.REINSTATED, "center_reinstated", "was reinstated"),
    ("withdraw", "approved", "withdrawn", MessageKind.WITHDRAWN, "center_withdrawn", "was withdrawn"),
]  # fmt: skip


@pytest.mark.parametrize(("decision", "start", "end", "kind", "notice", "subject"), DECISION_RECORDS)
def test_each_decision_is_recorded_told_and_mailed(
    app, admin, make_center, decision, start, end, kind, notice, subject
):
    center = make_center(status=start, name="Economic Research Institute")
    focal = primary_of(center).user
    mails_before = len(mails_to(focal.email))

    DECISIONS[decision](admin, center, note="The Secretariat's note.")

    message = thread_of(center)[-1]
    assert (message.kind, message.from_status, message.to_status) == (kind, start, end)
    assert message.author_id == admin.id and message.body == "The Secretariat's note."
    event = audit_rows(f"centers.{decision}", center)[-1]
    assert event.actor_id == admin.id
    assert event.details == {"from_status": start, "to_status": end, "note": "The Secretariat's note."}
    assert notices_for(focal)[-1].kind == notice
    assert notices_for(focal)[-1].params == {"center": "Economic Research Institute"}
    mails = mails_to(focal.email)
    assert len(mails) == mails_before + 1
    assert subject in mails[-1].subject and "Economic Research Institute" in mails[-1].subject
    assert "The Secretariat's note." in mails[-1].body
    assert f"/centers/{center.slug}/application" in mails[-1].body


def test_decisions_reach_every_focal_point_but_not_other_staff(app, admin, center, deputy, editor):
    services.suspend_center(admin, center, note="Inactive for a year.")

    primary = primary_of(center).user
    for focal in (primary, deputy):
        assert "was suspended" in mails_to(focal.email)[-1].subject
        assert notices_for(focal)[-1].kind == "center_suspended"
    assert not any("suspended" in mail.subject for mail in mails_to(editor.email))
    assert not any(notice.kind == "center_suspended" for notice in notices_for(editor))


# ---------------------------------------------------------------- resubmitting


def test_the_applicant_edits_and_resubmits_after_a_request_for_changes(app, admin, make_center):
    center = make_center(status="changes_requested", name="Economic Research Institute")
    applicant = primary_of(center).user
    old_letter = center.letter_stored_name
    slug = center.slug

    services.resubmit_application(
        applicant,
        center,
        details_of(center, city="Almaty", description="Now with the signed letter."),
        reply="I attached the signed letter.",
        letter=pdf_upload("signed.pdf", lines=("Signed letter",)),
    )

    db.session.refresh(center)
    assert center.status is CenterStatus.PENDING
    assert center.resubmitted_at is not None and center.submitted_at == center.resubmitted_at
    assert center.slug == slug and center.city == "Almaty"
    message = thread_of(center)[-1]
    assert (message.kind, message.from_status, message.to_status) == (
        MessageKind.RESUBMITTED,
        "changes_requested",
        "pending",
    )
    assert message.body == "I attached the signed letter."
    [event] = audit_rows("centers.resubmit", center)
    assert event.actor_id == applicant.id
    assert event.details["city"] == ["Astana", "Almaty"]
    assert event.details["description"] == ["Research on economic policy.", "Now with the signed letter."]
    assert [side["name"] for side in event.details["letter"]] == ["letter.pdf", "signed.pdf"]
    assert mails_to(admin.email)[-1].subject == "Application resubmitted: Economic Research Institute"
    assert center.letter_original_name == "signed.pdf"
    assert stored_files(app) == [center.letter_stored_name] and old_letter not in stored_files(app)


def test_resubmitting_needs_a_reply(app, make_center):
    center = make_center(status="changes_requested")
    with pytest.raises(ValidationFailed) as refused:
        services.resubmit_application(primary_of(center).user, center, details_of(center), reply="  ")
    assert refused.value.field == "reply"
    assert center.status is CenterStatus.CHANGES_REQUESTED


@pytest.mark.parametrize("status", ["pending", "approved", "rejected"])
def test_resubmitting_is_only_possible_after_a_request_for_changes(app, make_center, status):
    center = make_center(status=status)
    with pytest.raises(PermissionDenied):
        services.resubmit_application(primary_of(center).user, center, details_of(center), reply="Done.")
    assert center.status.value == status
    assert audit_rows("centers.resubmit") == []


def test_the_applicant_and_the_secretariat_talk_on_the_thread(app, admin, make_center):
    center = make_center(status="pending")
    applicant = primary_of(center).user

    services.post_application_message(applicant, center, "When will you decide?")
    services.post_application_message(admin, center, "Next week.")

    assert [m.body for m in thread_of(center)[-2:]] == ["When will you decide?", "Next week."]
    assert all(m.kind is MessageKind.REPLY and m.to_status is None for m in thread_of(center)[-2:])
    assert center.status is CenterStatus.PENDING
    assert len(audit_rows("centers.message", center)) == 2
    assert "Next week." in mails_to(applicant.email)[-1].body
    with pytest.raises(ValidationFailed):
        services.post_application_message(applicant, center, " ")


def test_a_member_centers_focal_point_no_longer_writes_on_the_application(app, center, focal_point):
    with pytest.raises(PermissionDenied):
        services.post_application_message(focal_point, center, "Hello?")


# ---------------------------------------------------------------- visibility


@pytest.mark.parametrize("status", ["pending", "changes_requested", "rejected", "suspended", "withdrawn"])
def test_a_center_that_is_not_a_member_is_hidden_from_outsiders(app, make_center, outsider, admin, status):
    center = make_center(status=status)
    with pytest.raises(NotFound):
        services.get_center(outsider, center.slug)
    with pytest.raises(NotFound):
        services.get_center(None, center.slug)
    assert services.get_center(admin, center.slug) is center
    assert services.get_center(primary_of(center).user, center.slug) is center


# ---------------------------------------------------------------- editing the profile


def test_the_applicant_edits_the_profile_and_the_slug_stays(app, make_center):
    center = make_center(status="pending")
    applicant = primary_of(center).user
    slug = center.slug

    services.update_center(
        applicant,
        center,
        details_of(
            center, name="Institute of Applied Economics", native_name="Қолданбалы экономика институты"
        ),
        expected_version=center.lock_version,
    )

    db.session.refresh(center)
    assert center.slug == slug
    assert center.name == "Institute of Applied Economics"
    assert center.name_key == "instituteofappliedeconomics"
    assert center.native_key == "qoldanbalyekonomikainstituty"
    [event] = audit_rows("centers.update", center)
    assert event.actor_id == applicant.id


def test_saving_a_profile_unchanged_is_not_a_duplicate_of_itself(app, center, focal_point):
    saved = services.update_center(
        focal_point, center, details_of(center), expected_version=center.lock_version
    )
    assert saved.changes == {}


def test_an_edit_may_not_take_another_centers_name(app, center, focal_point, make_center):
    neighbour = make_center(name="Institute of Applied Economics", acronym="IAE")
    name = center.name

    with pytest.raises(ValidationFailed) as refused:
        services.update_center(
            focal_point, center, details_of(center, name="institute of applied ECONOMICS"), reason="Renamed.",
            expected_version=center.lock_version,
        )  # fmt: skip

    assert refused.value.field == "name" and neighbour.name in refused.value.message
    db.session.refresh(center)
    assert center.name == name


def test_replacing_the_letter_removes_the_old_file(app, make_center):
    center = make_center(status="pending")
    old = center.letter_stored_name
    services.update_center(
        primary_of(center).user, center, details_of(center), letter=pdf_upload("new.pdf"),
        expected_version=center.lock_version,
    )  # fmt: skip
    assert center.letter_stored_name != old
    assert old not in stored_files(app) and center.letter_stored_name in stored_files(app)
    assert audit_rows("centers.update", center)[-1].details["letter"][1]["name"] == "new.pdf"


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_an_edit_with_a_bad_letter_changes_nothing(app, make_center, status):
    center = make_center(status=status)
    name, city, letter = center.name, center.city, center.letter_stored_name
    fake = FileStorage(stream=BytesIO(NOT_A_PDF), filename="new.pdf", content_type="application/pdf")

    with pytest.raises(ValidationFailed) as refused:
        services.update_center(
            primary_of(center).user, center, details_of(center, name="Renamed Institute", city="Almaty"),
            letter=fake, reason="A new name.", expected_version=center.lock_version,
        )  # fmt: skip
    db.session.commit()  # whatever the caller does next must not save half an edit

    assert refused.value.field == "nomination_letter"
    db.session.expire_all()
    assert (center.name, center.city, center.letter_stored_name) == (name, city, letter)
    assert audit_rows("centers.update") == [] and audit_rows("centers.request_change") == []
    assert stored_files(app) == [letter]


def test_a_resubmission_with_a_bad_letter_changes_nothing(app, make_center):
    center = make_center(status="changes_requested")
    fake = FileStorage(stream=BytesIO(NOT_A_PDF), filename="new.pdf", content_type="application/pdf")

    with pytest.raises(ValidationFailed):
        services.resubmit_application(
            primary_of(center).user, center, details_of(center, city="Almaty"), reply="Done.", letter=fake
        )
    db.session.commit()

    db.session.expire_all()
    assert (center.status, center.city) == (CenterStatus.CHANGES_REQUESTED, "Astana")
    assert thread_of(center)[-1].kind is MessageKind.CHANGES_REQUESTED


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "outsider", "other_focal_point"])
def test_only_focal_points_and_admins_edit(request, center, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.update_center(
            actor, center, details_of(center, name="Hijacked", city="Hijacked"), reason="Mine now.",
            expected_version=center.lock_version,
        )  # fmt: skip
    db.session.refresh(center)
    assert center.name != "Hijacked" and center.city != "Hijacked"


# ---------------------------------------------------------------- join requests


def test_a_verified_outsider_asks_to_join(app, center, focal_point, deputy, outsider):
    join_request = services.request_to_join(outsider, center, message="I head the trade unit.")

    assert join_request.status is RequestStatus.PENDING
    assert join_request.message == "I head the trade unit."
    [event] = audit_rows("centers.request_join", center)
    assert event.actor_id == outsider.id
    for focal in (focal_point, deputy):
        notice = notices_for(focal)[-1]
        assert notice.kind == "join_requested"
        assert render_notification(notice) == f"{outsider.full_name} asks to join {center.name}."
        mail = mails_to(focal.email)[-1]
        assert outsider.full_name in mail.subject and "I head the trade unit." in mail.body
        assert f"/centers/{center.slug}/staff" in mail.body


def test_a_second_pending_request_is_a_conflict(app, center, outsider):
    services.request_to_join(outsider, center)
    with pytest.raises(Conflict):
        services.request_to_join(outsider, center)
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 1


def test_after_a_decline_one_may_ask_again(app, center, focal_point, outsider):
    first = services.request_to_join(outsider, center)
    services.decline_join_request(focal_point, first, reason="We do not know you.")
    second = services.request_to_join(outsider, center, message="I started last month.")
    assert second.status is RequestStatus.PENDING and second.id != first.id


@pytest.mark.parametrize("persona", ["focal_point", "editor", "viewer", "unverified"])
def test_staff_and_unverified_users_cannot_ask_to_join(request, center, persona):
    with pytest.raises(PermissionDenied):
        services.request_to_join(request.getfixturevalue(persona), center)
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 0


def test_one_cannot_ask_to_join_a_pending_center(app, make_center, outsider):
    with pytest.raises(PermissionDenied):
        services.request_to_join(outsider, make_center(status="pending"))


def test_the_focal_point_accepts_with_a_role(app, center, focal_point, outsider):
    join_request = services.request_to_join(outsider, center)

    created = services.accept_join_request(focal_point, join_request, role="editor")

    assert (created.user_id, created.center_id, created.role) == (outsider.id, center.id, Role.EDITOR)
    assert not created.is_primary and not created.can_sign
    assert join_request.status is RequestStatus.ACCEPTED
    assert join_request.decided_by_id == focal_point.id and join_request.decided_at is not None
    [event] = audit_rows("centers.accept_join", center)
    assert event.actor_id == focal_point.id and event.details == {"user_id": outsider.id, "role": "editor"}
    assert notices_for(outsider)[-1].kind == "join_accepted"
    mail = mails_to(outsider.email)[-1]
    assert center.name in mail.subject and "as Editor" in mail.body
    with pytest.raises(InvalidState):
        services.accept_join_request(focal_point, join_request, role="viewer")
    assert created.role is Role.EDITOR


def test_accepting_with_an_unknown_role_is_refused(app, center, focal_point, outsider):
    join_request = services.request_to_join(outsider, center)
    with pytest.raises(ValidationFailed) as refused:
        services.accept_join_request(focal_point, join_request, role="owner")
    assert refused.value.field == "role"
    assert join_request.status is RequestStatus.PENDING


def test_the_focal_point_declines_with_a_reason(app, center, focal_point, outsider):
    join_request = services.request_to_join(outsider, center)

    services.decline_join_request(focal_point, join_request, reason="You are not on our staff list.")

    assert join_request.status is RequestStatus.DECLINED
    assert join_request.reason == "You are not on our staff list."
    assert outsider.memberships == []
    [event] = audit_rows("centers.decline_join", center)
    assert event.details == {"user_id": outsider.id, "reason": "You are not on our staff list."}
    assert notices_for(outsider)[-1].kind == "join_declined"
    assert "You are not on our staff list." in mails_to(outsider.email)[-1].body


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(app, center, focal_point, outsider, reason):
    join_request = services.request_to_join(outsider, center)
    with pytest.raises(ValidationFailed) as refused:
        services.decline_join_request(focal_point, join_request, reason=reason)
    assert refused.value.field == "reason"
    assert join_request.status is RequestStatus.PENDING
    assert audit_rows("centers.decline_join") == []


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "other_focal_point", "outsider"])
def test_only_the_centers_focal_points_answer_join_requests(request, center, make_user, persona):
    actor = request.getfixturevalue(persona)
    join_request = services.request_to_join(make_user(), center)

    with pytest.raises(PermissionDenied):
        services.accept_join_request(actor, join_request, role="focal_point")
    with pytest.raises(PermissionDenied):
        services.decline_join_request(actor, join_request, reason="No.")

    assert join_request.status is RequestStatus.PENDING
    assert (
        db.session.scalar(select(func.count(Membership.id)).where(Membership.user_id == join_request.user_id))
        == 0
    )


# ---------------------------------------------------------------- invitations


def test_the_focal_point_invites_by_mail_and_the_token_is_stored_hashed(app, center, focal_point):
    invitation, token = services.invite_staff(
        focal_point, center, email="  Dana.K@Example.KZ ", role="editor"
    )

    assert invitation.email == "dana.k@example.kz"
    assert invitation.role is Role.EDITOR
    assert invitation.token_hash != token and token not in invitation.token_hash
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert timedelta(days=13) < invitation.expires_at - utcnow() <= timedelta(days=14)
    [event] = audit_rows("centers.invite", center)
    assert event.actor_id == focal_point.id and event.details == {
        "email": "dana.k@example.kz",
        "role": "editor",
    }
    [link] = outbox_links(app, "dana.k@example.kz")
    assert path_of(link) == f"/invitations/{token}"


def test_the_invitee_accepts_once(app, center, focal_point, make_user):
    invitee = make_user("dana@example.kz")
    invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="viewer")

    created = services.accept_invitation(invitee, token)

    assert (created.user_id, created.center_id, created.role) == (invitee.id, center.id, Role.VIEWER)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == invitee.id
    [event] = audit_rows("centers.accept_invitation", center)
    assert event.actor_id == invitee.id and event.details == {
        "invitation_id": invitation.id,
        "role": "viewer",
    }
    with pytest.raises(InvalidState, match="already used"):
        services.accept_invitation(invitee, token)
    assert len(audit_rows("centers.accept_invitation")) == 1


def test_accepting_an_invitation_confirms_the_address(app, center, focal_point, make_user):
    invitee = make_user("new@example.kz", verified=False)
    _invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="viewer")
    services.accept_invitation(invitee, token)
    assert invitee.is_verified


def test_an_expired_invitation_is_refused(app, center, focal_point, make_user):
    invitee = make_user()
    invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="editor")
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    with pytest.raises(InvalidState, match="expired"):
        services.accept_invitation(invitee, token)
    assert invitee.memberships == []


def test_a_withdrawn_invitation_is_refused(app, center, focal_point, make_user):
    invitee = make_user()
    invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="editor")
    services.revoke_invitation(focal_point, invitation)

    with pytest.raises(InvalidState, match="withdrawn"):
        services.accept_invitation(invitee, token)
    assert len(audit_rows("centers.revoke_invitation", center)) == 1
    assert invitee.memberships == []


def test_an_unknown_token_is_not_found(app, center):
    with pytest.raises(NotFound):
        services.get_invitation("not-a-token")


def test_an_invitation_for_another_address_is_refused(app, center, focal_point, make_user):
    invitee = make_user("invited@example.kz")
    intruder = make_user("intruder@example.org")
    invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="focal_point")

    with pytest.raises(PermissionDenied, match="invited@example.kz"):
        services.accept_invitation(intruder, token)

    assert intruder.memberships == [] and invitation.accepted_at is None
    assert services.accept_invitation(invitee, token).role is Role.FOCAL_POINT


def test_an_invitation_to_a_center_suspended_since_cannot_be_used(app, admin, center, focal_point, make_user):
    invitee = make_user()
    _invitation, token = services.invite_staff(focal_point, center, email=invitee.email, role="editor")
    services.suspend_center(admin, center, note="Inactive.")
    with pytest.raises(InvalidState):
        services.accept_invitation(invitee, token)
    assert invitee.memberships == []


def test_someone_already_on_the_staff_is_not_invited(app, center, focal_point, editor):
    with pytest.raises(ValidationFailed) as refused:
        services.invite_staff(focal_point, center, email=editor.email.upper(), role="viewer")
    assert refused.value.field == "email"
    assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.email == editor.email)) == 1


@pytest.mark.parametrize("persona", ["editor", "viewer", "signatory", "other_focal_point", "outsider"])
def test_only_focal_points_invite(request, center, persona):
    with pytest.raises(PermissionDenied):
        services.invite_staff(request.getfixturevalue(persona), center, email="x@example.org", role="editor")
    assert (
        db.session.scalar(select(func.count(Invitation.id)).where(Invitation.email == "x@example.org")) == 0
    )
    assert mails_to("x@example.org") == []


def test_the_focal_point_of_a_pending_center_cannot_invite_yet(app, make_center):
    pending = make_center(status="pending")
    with pytest.raises(PermissionDenied):
        services.invite_staff(primary_of(pending).user, pending, email="x@example.org", role="editor")


# ---------------------------------------------------------------- staff


def test_the_focal_point_changes_a_role_and_the_right_to_sign(app, center, focal_point, editor):
    member = membership(editor, center)

    services.change_staff(focal_point, member, role="focal_point", can_sign=True)

    assert member.role is Role.FOCAL_POINT and member.can_sign is True and not member.is_primary
    [event] = audit_rows("centers.change_staff", center)
    assert event.details == {
        "user_id": editor.id,
        "from_role": "editor",
        "role": "focal_point",
        "can_sign": True,
    }
    assert notices_for(editor)[-1].kind == "role_changed"
    assert notices_for(editor)[-1].params["role"] == "Focal point"
    assert center.name in mails_to(editor.email)[-1].subject


def test_an_unchanged_role_is_not_recorded(app, center, focal_point, editor):
    services.change_staff(focal_point, membership(editor, center), role="editor", can_sign=False)
    assert audit_rows("centers.change_staff") == []


def test_make_primary_moves_the_primary_and_keeps_exactly_one(app, center, focal_point, deputy):
    services.make_primary(focal_point, membership(deputy, center))

    db.session.expire_all()
    primaries = [m for m in center.memberships if m.is_primary]
    assert [m.user_id for m in primaries] == [deputy.id]
    assert membership(focal_point, center).role is Role.FOCAL_POINT  # now a deputy
    [event] = audit_rows("centers.make_primary", center)
    assert event.details == {"user_id": deputy.id}
    assert notices_for(deputy)[-1].kind == "made_primary"


def test_only_a_focal_point_can_be_made_primary(app, center, focal_point, editor):
    with pytest.raises(InvalidState):
        services.make_primary(focal_point, membership(editor, center))
    assert primary_of(center).user_id == focal_point.id


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_primary_cannot_be_demoted(app, center, focal_point, deputy, role):
    with pytest.raises(InvalidState):
        services.change_staff(deputy, primary_of(center), role=role, can_sign=False)
    db.session.refresh(primary_of(center))
    assert primary_of(center).user_id == focal_point.id
    assert primary_of(center).role is Role.FOCAL_POINT


def test_the_primary_cannot_be_removed_even_by_an_admin(app, admin, center, focal_point, deputy):
    for actor in (deputy, admin):
        with pytest.raises(InvalidState):
            services.remove_staff(actor, primary_of(center))
    db.session.expire_all()
    assert primary_of(center).user_id == focal_point.id
    assert audit_rows("centers.remove_staff") == []


def test_the_last_focal_point_cannot_be_removed(app, admin, center, focal_point):
    [only] = center.memberships
    with pytest.raises(InvalidState):
        services.remove_staff(admin, only)
    db.session.expire_all()
    assert [m.user_id for m in center.memberships] == [focal_point.id]


def test_the_focal_point_removes_a_staff_member(app, center, focal_point, editor):
    services.remove_staff(focal_point, membership(editor, center))

    db.session.expire_all()
    assert editor.id not in {m.user_id for m in center.memberships}
    [event] = audit_rows("centers.remove_staff", center)
    assert event.actor_id == focal_point.id and event.details == {"user_id": editor.id}
    assert notices_for(editor)[-1].kind == "removed_from_center"
    assert "removed" in mails_to(editor.email)[-1].subject


def test_the_primary_leaving_must_name_a_successor(app, center, focal_point, editor, other_center):
    primary = primary_of(center)
    for successor in (None, primary, primary_of(other_center)):
        with pytest.raises(ValidationFailed) as refused:
            services.leave_center(focal_point, primary, successor=successor)
        assert refused.value.field == "successor"
    db.session.expire_all()
    assert primary_of(center).user_id == focal_point.id


def test_the_named_successor_becomes_the_primary_focal_point(app, center, focal_point, editor):
    services.leave_center(focal_point, primary_of(center), successor=membership(editor, center))

    db.session.expire_all()
    assert focal_point.id not in {m.user_id for m in center.memberships}
    [primary] = [m for m in center.memberships if m.is_primary]
    assert (primary.user_id, primary.role) == (editor.id, Role.FOCAL_POINT)
    [event] = audit_rows("centers.leave", center)
    assert event.actor_id == focal_point.id and event.details == {"successor_id": editor.id}
    assert notices_for(editor)[-1].kind == "made_primary"


def test_other_staff_leave_without_a_successor(app, center, viewer):
    services.leave_center(viewer, membership(viewer, center))
    db.session.expire_all()
    assert viewer.id not in {m.user_id for m in center.memberships}
    assert audit_rows("centers.leave", center)[-1].details == {}


def test_nobody_leaves_on_someone_elses_behalf(app, center, focal_point, viewer):
    with pytest.raises(PermissionDenied):
        services.leave_center(focal_point, membership(viewer, center))
    db.session.expire_all()
    assert viewer.id in {m.user_id for m in center.memberships}


@pytest.mark.parametrize("persona", ["editor", "viewer", "other_focal_point", "outsider"])
def test_only_the_centers_focal_points_change_its_staff(request, center, persona):
    actor = request.getfixturevalue(persona)
    target = membership(request.getfixturevalue("signatory"), center)

    with pytest.raises(PermissionDenied):
        services.change_staff(actor, target, role="focal_point", can_sign=True)
    with pytest.raises(PermissionDenied):
        services.make_primary(actor, target)
    with pytest.raises(PermissionDenied):
        services.remove_staff(actor, target)

    db.session.refresh(target)
    assert (target.role, target.can_sign, target.is_primary) == (Role.EDITOR, True, False)


def test_an_applicants_message_on_the_thread_is_mailed_to_the_secretariat(admin, make_center):
    pending = make_center(status="pending")
    services.post_application_message(primary_of(pending).user, pending, "The signed letter follows by post.")
    [mail] = [m for m in mails_to(admin.email) if "wrote about its application" in m.subject]
    assert "The signed letter follows by post." in mail.body
