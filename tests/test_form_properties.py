"""Every form of the site, fed arbitrary text: Unicode of any script, control characters
(NUL too, which PostgreSQL refuses in text), very long strings and HTML or Markdown markup.

Whatever is typed, the answer is never a 500, markup that came in never goes out as markup,
and the submission is either stored as typed (normalised: no control characters besides
tabs and line breaks, outer whitespace trimmed) or refused with an error next to the form.
Examples: the ``ci`` profile (25) when ``CI`` is set, else ``dev`` (tests/conftest.py).
"""

import re
import unicodedata

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.centers.conftest import apply_form
from tests.conftest import PASSWORD
from tests.reports.conftest import make_report, sections  # noqa: F401 (fixtures)
from turkicnet.auth.models import ApiToken, User
from turkicnet.centers.models import (
    ApplicationMessage,
    Center,
    CenterChangeRequest,
    CenterStatus,
    Invitation,
    JoinRequest,
)
from turkicnet.core.text import normalise_block, normalise_line
from turkicnet.extensions import db
from turkicnet.protocol.models import ProtocolVersion
from turkicnet.reports.models import Comment, Report, Section

MARKUP = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<a href='javascript:alert(1)'>x</a>",
    "[click](javascript:alert(1))", "<iframe src=//evil.example>", "</textarea><b>bold</b>",
]  # fmt: skip
#: What of the markup must never appear as it was typed (escaped, it reads ``&lt;script&gt;``).
RAW = ["<script>alert", "<img src=x", "<a href='javascript", "<iframe", "</textarea><b>"]

_around = st.text(max_size=20)
hostile_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=40),
    st.builds(lambda a, markup, b: a + markup + b, _around, st.sampled_from(MARKUP), _around),
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "é", "字", "\x00", "<b>", "\n", "𝔘"]),
        st.integers(250, 6000),
    ),
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def as_stored(typed: str) -> set[str]:
    """What storing ``typed`` as typed may leave: without control characters, maybe normalised."""
    clean = _CONTROL.sub("", typed)
    nfc = unicodedata.normalize("NFC", clean)
    return {clean, clean.strip(), nfc, nfc.strip(), normalise_line(clean), normalise_block(clean)}


def answered(response) -> str:
    """The page, checked: no server error and no markup from the input."""
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    for raw in RAW:
        assert raw not in page
    return page


def shows_an_error(page: str) -> bool:
    return 'class="error"' in page or "flash flash-error" in page


def stored_or_refused(response, stored: str | None, *typed: str):
    """A saved submission answers with a redirect (or the page it leads to) and keeps each
    typed value in one of its normal forms; a refused one shows why and saves nothing."""
    page = answered(response)
    event("refused" if stored is None else "stored")
    if stored is None:
        assert response.status_code in (200, 400, 409) and shows_an_error(page), page[-2000:]
        return
    assert not _CONTROL.search(stored)
    assert any(stored in as_stored(value) or stored == normalise_line(value) for value in typed)


def last(model, *where):
    db.session.expire_all()
    return db.session.scalars(db.select(model).where(*where).order_by(model.id.desc())).first()


_n = {"n": 0}


def unique() -> int:
    _n["n"] += 1
    return _n["n"]


# ---------------------------------------------------------------- accounts


@given(name=hostile_text, position=hostile_text)
def test_registration_keeps_or_refuses_any_name(client, name, position):
    email = f"typed{unique()}@example.org"
    response = client.post(
        "/auth/register",
        data={"email": email, "full_name": name, "position": position, "password": PASSWORD,
              "preferred_language": "en", "website_url": ""},
    )  # fmt: skip
    user = last(User, User.email == email)
    if user is None:
        stored_or_refused(response, None)
    else:
        assert "Check your e-mail" in answered(response)
        stored_or_refused(response, user.full_name, name)
        stored_or_refused(response, user.position, position)


@given(email=hostile_text, password=hostile_text)
def test_login_with_any_text_is_refused_cleanly(client, email, password):
    response = client.post("/auth/login", data={"email": email, "password": password})
    stored_or_refused(response, None)


@given(name=hostile_text, position=hostile_text)
def test_the_profile_keeps_or_refuses_any_name(login_as, focal_point, name, position):
    client = login_as(focal_point)
    before = last(User, User.id == focal_point.id).full_name
    response = client.post(
        "/auth/profile", data={"full_name": name, "position": position, "preferred_language": "en"}
    )
    user = last(User, User.id == focal_point.id)
    if response.status_code == 302:
        stored_or_refused(response, user.full_name, name)
        stored_or_refused(response, user.position, position)
    else:
        stored_or_refused(response, None)
        assert user.full_name == before


# ---------------------------------------------------------------- centers


@given(name=hostile_text, city=hostile_text, description=hostile_text, message=hostile_text)
def test_a_center_application_keeps_or_refuses_any_text(
    login_as, make_user, name, city, description, message
):
    client = login_as(make_user())
    count = db.session.scalar(db.select(db.func.count()).select_from(Center))
    response = client.post(
        "/apply", data=apply_form(name=name, city=city, description=description, message=message),
        content_type="multipart/form-data",
    )  # fmt: skip
    center = last(Center)
    if response.status_code == 302:
        stored_or_refused(response, center.name, name)
        stored_or_refused(response, center.city, city)
        stored_or_refused(response, center.description, description)
    else:
        stored_or_refused(response, None)
        assert db.session.scalar(db.select(db.func.count()).select_from(Center)) == count


def _edit_form(center, **typed) -> dict:
    """The edit form of an approved center as its page gives it, with what was typed."""
    data = apply_form(name=center.name, country_code=center.country_code, city=center.city or "",
                      acronym=center.acronym or "", native_name=center.native_name or "")  # fmt: skip
    del data["nomination_letter"], data["message"], data["website_url"]
    return {**data, "lock_version": str(last(Center, Center.id == center.id).lock_version), "reason": "",
            **typed}  # fmt: skip


@given(city=hostile_text, description=hostile_text)
def test_the_center_profile_keeps_or_refuses_any_text(login_as, center, focal_point, city, description):
    client = login_as(focal_point)
    response = client.post(f"/centers/{center.slug}/edit", data=_edit_form(center, city=city,
                                                                           description=description))
    saved = last(Center, Center.id == center.id)
    if response.status_code == 302:
        stored_or_refused(response, saved.city, city)
        stored_or_refused(response, saved.description, description)
    else:
        stored_or_refused(response, None)


@given(name=hostile_text, reason=hostile_text)
def test_a_change_of_official_details_keeps_or_refuses_any_name_and_reason(
    login_as, center, focal_point, name, reason
):
    db.session.execute(db.delete(CenterChangeRequest))  # each example asks afresh: one may wait at a time
    db.session.commit()
    client = login_as(focal_point)
    before = last(CenterChangeRequest)
    response = client.post(f"/centers/{center.slug}/edit", data=_edit_form(center, name=name, reason=reason))
    change = last(CenterChangeRequest)
    if change is not None and change != before:
        assert response.status_code == 302
        stored_or_refused(response, change.changes["name"][1], name)
        stored_or_refused(response, change.reason, reason)
        assert last(Center, Center.id == center.id).name != change.changes["name"][1]
        answered(login_as(focal_point).get(f"/centers/{center.slug}/edit"))
    else:
        answered(response)


addresses = st.one_of(
    hostile_text,
    st.emails(),
    st.builds(lambda a, e, b: a + e + b, st.sampled_from(["", " ", "\x00", "\u200b"]), st.emails(),
              st.sampled_from(["", "\x1f", "<b>", " "])),
)  # fmt: skip


@given(email=addresses)
def test_an_invitation_keeps_or_refuses_any_address(login_as, center, focal_point, email):
    client = login_as(focal_point)
    before = last(Invitation)
    response = client.post(f"/centers/{center.slug}/staff/invite", data={"email": email, "role": "editor"})
    invitation = last(Invitation)
    if invitation is not None and invitation != before:
        assert response.status_code == 302
        assert invitation.email.lower() in {value.lower() for value in as_stored(email)}
    else:
        stored_or_refused(response, None)


@given(name=hostile_text)
def test_an_api_token_keeps_or_refuses_any_name(login_as, center, focal_point, name):
    client = login_as(focal_point)
    for path in ("/auth/tokens", f"/centers/{center.slug}/tokens"):
        before = last(ApiToken)
        response = client.post(path, data={"name": name, "scopes": "read", "expires_in_days": "90"})
        token = last(ApiToken)
        if token is not None and token != before:
            assert response.status_code == 200 and "Copy it now" in answered(response)
            stored_or_refused(response, token.name, name)
        else:
            stored_or_refused(response, None)


@given(message=hostile_text)
def test_a_join_request_keeps_or_refuses_any_message(login_as, make_user, center, message):
    joiner = make_user()
    client = login_as(joiner)
    response = client.post(f"/centers/{center.slug}/join", data={"message": message})
    answered(response)
    join_request = last(JoinRequest, JoinRequest.user_id == joiner.id)
    if join_request is not None:
        stored_or_refused(response, join_request.message, message)


@given(body=hostile_text)
def test_an_application_message_keeps_or_refuses_any_text(login_as, make_center, body):
    pending = make_center(status=CenterStatus.PENDING)
    client = login_as(next(m.user for m in pending.memberships if m.is_primary))
    response = client.post(f"/centers/{pending.slug}/application/message", data={"body": body})
    message = last(ApplicationMessage, ApplicationMessage.center_id == pending.id)
    if response.status_code == 302:
        stored_or_refused(response, message.body, body)
    else:
        stored_or_refused(response, None)


# ---------------------------------------------------------------- reports, sections, search


def report_form(section_id: int, **typed) -> dict:
    return {
        "section_id": section_id, "title": "Trade", "abstract": "An abstract", "authors": "Aigul Serikova",
        "language": "en", "visibility": "public", "external_url": "https://example.org/report.pdf",
        "keywords": "", **typed,
    }  # fmt: skip


@given(title=hostile_text, abstract=hostile_text, authors=hostile_text, keywords=hostile_text)
def test_a_new_report_keeps_or_refuses_any_text(
    login_as, center, editor, sections, title, abstract, authors, keywords  # noqa: F811
):
    client = login_as(editor)
    before = last(Report)
    section_id = next(iter(sections.values())).id
    response = client.post(
        f"/reports/new?center={center.slug}",
        data=report_form(section_id, title=title, abstract=abstract, authors=authors, keywords=keywords),
    )
    report = last(Report)
    if response.status_code == 302:
        assert report != before
        stored_or_refused(response, report.title, title)
        stored_or_refused(response, report.abstract, abstract)
    else:
        stored_or_refused(response, None)
        assert report == before


@given(title=hostile_text, abstract=hostile_text)
def test_a_report_edit_keeps_or_refuses_any_text(
    login_as, center, editor, make_report, title, abstract  # noqa: F811
):
    report = make_report(editor, center)
    client = login_as(editor)
    data = report_form(report.section_id, title=title, abstract=abstract, lock_version=report.lock_version)
    response = client.post(f"/reports/{report.id}/edit", data=data)
    saved = last(Report, Report.id == report.id)
    if response.status_code == 302:
        stored_or_refused(response, saved.title, title)
        stored_or_refused(response, saved.abstract, abstract)
    else:
        stored_or_refused(response, None)
        assert saved.title == report.title


@pytest.fixture
def public_report(center, editor, make_report):  # noqa: F811
    return make_report(editor, center)


@given(body=hostile_text)
def test_a_comment_keeps_or_refuses_any_text(login_as, focal_point, public_report, body):
    client = login_as(focal_point)
    before = last(Comment)
    response = client.post(f"/reports/{public_report.id}/comments", data={"body": body})
    comment = last(Comment)
    if response.status_code == 302:
        stored_or_refused(response, comment.body, body)
        answered(client.get(f"/reports/{public_report.id}"))
    else:
        stored_or_refused(response, None)
        assert comment == before


@given(title=hostile_text, description=hostile_text)
def test_the_section_form_keeps_or_refuses_any_text(login_as, admin, title, description):
    client = login_as(admin)
    before = last(Section)
    data = {"title": title, "description": description, "event_id": ""}
    response = client.post("/admin/sections", data=data)
    section = last(Section)
    if response.status_code == 302:
        stored_or_refused(response, section.title, title)
        stored_or_refused(response, section.description, description)
        answered(client.get("/sections"))
    else:
        stored_or_refused(response, None)
        assert section == before


@given(query=hostile_text)
def test_a_search_for_any_text_answers_without_error(client, public_report, query):
    response = client.get("/search", query_string={"q": query})
    answered(response)
    assert response.status_code in (200, 400)


@given(body=hostile_text, preview=st.booleans())
def test_a_protocol_text_keeps_or_refuses_any_body(login_as, admin, make_version, body, preview):
    client = login_as(admin)
    version = last(ProtocolVersion) or make_version(status="draft")
    data = {"language": "en", "body": body, "authentic": "y", **({"preview": "y"} if preview else {})}
    response = client.post(f"/admin/protocol/v/{version.number}/text", data=data)
    answered(response)
    if response.status_code == 302:
        saved = last(ProtocolVersion, ProtocolVersion.id == version.id).text("en")
        assert not _CONTROL.search(saved.body)
        answered(client.get(f"/admin/protocol/v/{version.number}"))


@given(new_password=hostile_text)
def test_a_password_change_keeps_or_refuses_any_new_password(client, make_user, new_password):
    user = make_user(f"changing{unique()}@example.org")
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    response = client.post(
        "/auth/profile/password", data={"current_password": PASSWORD, "new_password": new_password}
    )
    answered(response)
    client.post("/auth/logout")
    login = client.post("/auth/login", data={"email": user.email, "password": new_password})
    # Kept exactly as typed (a password is never trimmed or filtered), or refused and unchanged.
    assert (login.status_code == 302) == (response.status_code == 302)
    client.post("/auth/logout")
