"""The report page's working views: the edit form, files, co-authorship, sharing, deletion
and the network discussion, as a person reaches them over HTTP.

Someone who may not see a report gets 404 (the app hides that it exists); someone who may
see it but not make the change gets 403. Either way nothing changes and nothing is audited.
"""

import html
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import audit_rows, flashes, followed, mails_to, pdf_upload
from turkicnet.extensions import db
from turkicnet.reports import services
from turkicnet.reports.models import Comment, Report, Visibility

# ---------------------------------------------------------------- helpers


class _FormReader(HTMLParser):
    """What a browser would send back from the page's form (text, hidden, selects, checkboxes,
    textareas); buttons and file inputs left out."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.data = action, False, MultiDict()
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.add(self._select, attrs["value"])
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data.add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # A browser drops the line break that opens a textarea, and sends CRLF line breaks.
            text = self.data.poplist(self._textarea)[-1] + data.replace("\r\n", "\n")
            self.data.add(self._textarea, text[1:] if text.startswith("\n") else text)


def _form_values(page: str, action: str) -> MultiDict:
    reader = _FormReader(action)
    reader.feed(page)
    return reader.data


@pytest.fixture
def partner(make_center):
    """A second member center, in another country."""
    return make_center(country_code="UZ")


@pytest.fixture
def stranger(make_center, add_staff):
    """An editor of a third member center, which has nothing to do with the reports."""
    return add_staff(make_center(country_code="AZ"), "editor")


def _unconfirmed_draft(author, center, partner, sections):
    data = services.ReportData(
        section_id=sections["national-development-priorities"].id, title="Joint study of the grid",
        coauthor_center_ids=[partner.id],
    )  # fmt: skip
    return services.create_report(author, center, data)


# ---------------------------------------------------------------- the edit form


def test_the_edit_form_opens_with_the_report_as_saved_and_saves_back_unchanged(
    client, login_as, center, editor, partner, make_report
):
    topics = [t.id for t in services.list_topics()[:2]]
    report = make_report(
        editor, center, visibility="network", coauthors=[partner], topic_ids=topics,
        authors=["Aigul Serikova", "Timur Akhmetov"], keywords=["trade", "grid"], language="ru",
        external_url="https://erc.example.org/grid",
    )  # fmt: skip
    login_as(editor)
    response = client.get(f"/reports/{report.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Edit “Energy markets of the Turkic states”" in html.unescape(page)
    assert "Files already attached: letter.pdf" in page
    values = _form_values(page, f"/reports/{report.id}/edit")
    assert values["title"] == "Energy markets of the Turkic states"
    assert values["authors"] == "Aigul Serikova\nTimur Akhmetov"
    assert values["keywords"] == "grid, trade"
    assert values.getlist("coauthor_center_ids") == [str(partner.id)]
    assert sorted(values.getlist("topic_ids")) == sorted(str(t) for t in topics)
    assert values["visibility"] == "network" and values["language"] == "ru"
    assert values["external_url"] == "https://erc.example.org/grid"
    assert values["lock_version"] == str(report.lock_version)

    updates_before = len(audit_rows("reports.update", report))
    saved = client.post(f"/reports/{report.id}/edit", data=values)
    assert ("success", "The report was saved.") in flashes(followed(client, saved, f"/reports/{report.id}"))
    db.session.refresh(report)
    assert report.authors == ["Aigul Serikova", "Timur Akhmetov"] and report.keywords == ["grid", "trade"]
    assert [c.center_id for c in report.coauthors] == [partner.id]
    assert sorted(t.id for t in report.topics) == sorted(topics)
    assert report.visibility is Visibility.NETWORK and report.language == "ru"
    [event] = audit_rows("reports.update", report)[updates_before:]
    assert event.actor_id == editor.id and event.details == {"visibility": "network"}


def test_a_coauthoring_centers_editor_opens_the_edit_form(
    client, login_as, center, editor, partner, add_staff, make_report
):
    report = make_report(editor, center, visibility="draft", coauthors=[partner])
    login_as(add_staff(partner, "editor"))
    response = client.get(f"/reports/{report.id}/edit")
    assert response.status_code == 200
    assert 'value="Energy markets of the Turkic states"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "visibility, persona, expected",
    [
        ("draft", "stranger", 404),
        ("public", "stranger", 403),
        ("public", "viewer", 403),
        ("public", "outsider", 403),
    ],
)
def test_the_edit_form_is_refused_to_people_who_may_not_edit(
    request, client, login_as, center, editor, make_report, visibility, persona, expected
):
    report = make_report(editor, center, visibility=visibility)
    login_as(request.getfixturevalue(persona))
    response = client.get(f"/reports/{report.id}/edit")
    assert response.status_code == expected
    assert 'name="lock_version"' not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in_before_the_edit_form(client, center, editor, make_report):
    report = make_report(editor, center)
    response = client.get(f"/reports/{report.id}/edit")
    assert response.status_code == 302 and response.location.startswith("/auth/login")


# ---------------------------------------------------------------- files


def test_an_editor_removes_a_file_and_it_leaves_the_page_the_disk_and_the_search(
    client, login_as, center, editor, make_report, tmp_path
):
    report = make_report(editor, center, files=[
        pdf_upload("tables.pdf", lines=("Quinoa harvest tables",)), pdf_upload("annex.pdf"),
    ])  # fmt: skip
    tables, annex = report.files
    stored = tmp_path / "uploads" / tables.stored_name
    assert stored.exists()
    assert "Energy markets" in client.get("/search?q=quinoa").get_data(as_text=True)
    login_as(editor)
    response = client.post(f"/reports/{report.id}/files/{tables.id}/delete")
    page = followed(client, response, f"/reports/{report.id}")
    assert ("success", "The file was removed.") in flashes(page)
    assert "tables.pdf" not in page and "annex.pdf" in page
    db.session.refresh(report)
    assert [f.original_name for f in report.files] == ["annex.pdf"]
    assert not stored.exists()
    assert "Energy markets" not in client.get("/search?q=quinoa").get_data(as_text=True)
    [event] = audit_rows("reports.remove_file", report)
    assert event.actor_id == editor.id and event.details == {"file": "tables.pdf"}


def test_removing_a_file_of_another_report_says_so_and_removes_nothing(
    client, login_as, center, editor, make_report
):
    report, other = make_report(editor, center), make_report(editor, center, title="Another one")
    login_as(editor)
    response = client.post(f"/reports/{report.id}/files/{other.files[0].id}/delete")
    page = followed(client, response, f"/reports/{report.id}")
    assert ("error", "No such file.") in flashes(page)
    db.session.refresh(report)
    db.session.refresh(other)
    assert len(report.files) == 1 and len(other.files) == 1
    assert audit_rows("reports.remove_file") == []


@pytest.mark.parametrize(
    "visibility, persona, expected",
    [("draft", "stranger", 404), ("public", "stranger", 403), ("public", "viewer", 403)],
)
def test_a_file_is_not_removed_by_someone_who_may_not_edit_the_report(
    request, client, login_as, center, editor, make_report, tmp_path, visibility, persona, expected
):
    report = make_report(editor, center, visibility=visibility)
    report_file = report.files[0]
    login_as(request.getfixturevalue(persona))
    assert client.post(f"/reports/{report.id}/files/{report_file.id}/delete").status_code == expected
    db.session.refresh(report)
    assert [f.id for f in report.files] == [report_file.id]
    assert (tmp_path / "uploads" / report_file.stored_name).exists()
    assert audit_rows("reports.remove_file") == []


# ---------------------------------------------------------------- co-authorship


def test_a_partner_editor_confirms_the_coauthorship_from_the_report_page(
    client, login_as, center, editor, partner, add_staff, sections
):
    report = _unconfirmed_draft(editor, center, partner, sections)
    partner_editor = add_staff(partner, "editor")
    login_as(partner_editor)
    before = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "to confirm" in before and f"Confirm the co-authorship of {partner.acronym}" in before
    response = client.post(f"/reports/{report.id}/coauthors/{partner.id}/confirm")
    page = followed(client, response, f"/reports/{report.id}")
    assert ("success", "Your center's co-authorship is confirmed.") in flashes(page)
    assert "to confirm" not in page and "Confirm the co-authorship" not in page
    [coauthor] = report.coauthors
    assert coauthor.confirmed_at is not None and coauthor.confirmed_by_id == partner_editor.id
    [event] = audit_rows("reports.confirm_coauthorship", report)
    assert event.actor_id == partner_editor.id and event.details == {"center_id": partner.id}


def test_confirming_a_coauthorship_twice_records_it_once(
    client, login_as, center, editor, partner, add_staff, sections
):
    report = _unconfirmed_draft(editor, center, partner, sections)
    partner_editor = add_staff(partner, "editor")
    login_as(partner_editor)
    client.post(f"/reports/{report.id}/coauthors/{partner.id}/confirm")
    first_confirmed_at = report.coauthors[0].confirmed_at
    again = client.post(f"/reports/{report.id}/coauthors/{partner.id}/confirm")
    assert again.status_code == 302
    db.session.refresh(report)
    assert report.coauthors[0].confirmed_at == first_confirmed_at
    assert len(audit_rows("reports.confirm_coauthorship", report)) == 1


@pytest.mark.parametrize(
    "who, expected",
    [("lead editor", 403), ("partner viewer", 403), ("stranger", 404)],
)
def test_only_the_coauthoring_centers_writers_confirm_its_coauthorship(
    client, login_as, center, editor, partner, add_staff, stranger, sections, who, expected
):
    report = _unconfirmed_draft(editor, center, partner, sections)
    people = {"lead editor": editor, "partner viewer": add_staff(partner, "viewer"), "stranger": stranger}
    person = people[who]
    login_as(person)
    assert client.post(f"/reports/{report.id}/coauthors/{partner.id}/confirm").status_code == expected
    db.session.refresh(report)
    assert report.coauthors[0].confirmed_at is None
    assert audit_rows("reports.confirm_coauthorship") == []


# ---------------------------------------------------------------- sharing


def test_the_lead_editor_shares_a_draft_and_the_partners_staff_are_told_and_can_read_it(
    client, login_as, center, editor, partner, add_staff, make_report
):
    report = make_report(editor, center, visibility="draft")
    partner_viewer = add_staff(partner, "viewer")
    partner_focal_point = partner.memberships[0].user
    login_as(partner_viewer)
    assert client.get(f"/reports/{report.id}").status_code == 404
    login_as(editor)
    response = client.post(f"/reports/{report.id}/share", data={"center_ids": [str(partner.id)]})
    page = followed(client, response, f"/reports/{report.id}#sharing")
    assert ("success", "Shared with 1 center; its staff were told.") in flashes(page)
    shared_with = page.split('id="sharing"')[1].split("</ul>")[0]
    assert partner.name in shared_with and "Stop sharing" in shared_with
    assert [s.center_id for s in report.shares] == [partner.id]
    [event] = audit_rows("reports.share", report)
    assert event.actor_id == editor.id and event.details == {"centers": [partner.id]}
    for person in (partner_viewer, partner_focal_point):
        [mail] = [m for m in mails_to(person.email) if "shared a report" in m.subject]
        assert f"/reports/{report.id}" in mail.body
    login_as(partner_viewer)
    assert "Energy markets of the Turkic states" in client.get(f"/reports/{report.id}").get_data(as_text=True)


def test_sharing_without_choosing_a_center_shares_nothing(client, login_as, center, editor, make_report):
    report = make_report(editor, center, visibility="draft")
    login_as(editor)
    response = client.post(f"/reports/{report.id}/share", data={})
    page = followed(client, response, f"/reports/{report.id}#sharing")
    assert ("error", "Choose at least one center.") in flashes(page)
    assert "No center in particular." in page
    assert report.shares == [] and audit_rows("reports.share") == []


@pytest.mark.parametrize(
    "who, expected",
    [("coauthoring editor", 403), ("lead viewer", 403), ("stranger", 404)],
)
def test_only_the_lead_centers_writers_share_a_report(
    client, login_as, center, editor, viewer, partner, add_staff, stranger, make_center, make_report,
    who, expected,
):  # fmt: skip
    third = make_center(country_code="TR")
    report = make_report(editor, center, visibility="draft", coauthors=[partner])
    person = {"coauthoring editor": add_staff(partner, "editor"), "lead viewer": viewer,
              "stranger": stranger}[who]  # fmt: skip
    third_focal_point = third.memberships[0].user
    login_as(person)
    response = client.post(f"/reports/{report.id}/share", data={"center_ids": [str(third.id)]})
    assert response.status_code == expected
    db.session.refresh(report)
    assert report.shares == [] and audit_rows("reports.share") == []
    assert not [m for m in mails_to(third_focal_point.email) if "shared a report" in m.subject]


def test_the_lead_editor_unshares_a_report_and_the_partner_loses_it(
    client, login_as, center, editor, partner, add_staff, make_report
):
    report = make_report(editor, center, visibility="draft", title="Shared for a while")
    services.share_report(editor, report, [partner.id])
    partner_viewer = add_staff(partner, "viewer")
    login_as(partner_viewer)
    assert client.get(f"/reports/{report.id}").status_code == 200
    login_as(editor)
    response = client.post(f"/reports/{report.id}/shares/{partner.id}/remove")
    page = followed(client, response, f"/reports/{report.id}")
    assert ("success", "The report is no longer shared.") in flashes(page)
    assert "No center in particular." in page
    db.session.refresh(report)
    assert report.shares == []
    [event] = audit_rows("reports.unshare", report)
    assert event.actor_id == editor.id and event.details == {"center_id": partner.id}
    login_as(partner_viewer)
    assert client.get(f"/reports/{report.id}").status_code == 404
    assert "Shared for a while" not in client.get("/search?q=shared").get_data(as_text=True)


def test_unsharing_a_center_the_report_is_not_shared_with_says_so(
    client, login_as, center, editor, partner, make_report
):
    report = make_report(editor, center, visibility="draft")
    login_as(editor)
    response = client.post(f"/reports/{report.id}/shares/{partner.id}/remove")
    page = followed(client, response, f"/reports/{report.id}")
    assert ("error", "The report is not shared with that center.") in flashes(page)
    assert audit_rows("reports.unshare") == []


@pytest.mark.parametrize(
    "who, expected",
    [("partner editor", 403), ("lead viewer", 403), ("stranger", 404)],
)
def test_only_the_lead_centers_writers_unshare_a_report(
    client, login_as, center, editor, viewer, partner, add_staff, stranger, make_report, who, expected
):
    report = make_report(editor, center, visibility="draft")
    services.share_report(editor, report, [partner.id])
    people = {"partner editor": add_staff(partner, "editor"), "lead viewer": viewer, "stranger": stranger}
    person = people[who]
    login_as(person)
    assert client.post(f"/reports/{report.id}/shares/{partner.id}/remove").status_code == expected
    db.session.refresh(report)
    assert [s.center_id for s in report.shares] == [partner.id]
    assert audit_rows("reports.unshare") == []


# ---------------------------------------------------------------- deletion


def test_the_focal_point_deletes_a_draft_and_lands_on_the_centers_profile(
    client, login_as, center, editor, focal_point, make_report, tmp_path
):
    report = make_report(editor, center, visibility="draft", title="A draft to drop")
    report_id, stored = report.id, tmp_path / "uploads" / report.files[0].stored_name
    login_as(focal_point)
    response = client.post(f"/reports/{report_id}/delete")
    page = followed(client, response, f"/centers/{center.slug}")
    assert ("success", "The report was deleted.") in flashes(page)
    assert "A draft to drop" not in page
    db.session.expire_all()
    assert db.session.get(Report, report_id) is None and not stored.exists()
    [event] = audit_rows("reports.delete")
    assert event.actor_id == focal_point.id and event.target_id == report_id
    assert event.details == {"title": "A draft to drop", "tombstone": False}
    assert client.get(f"/reports/{report_id}").status_code == 404


def test_a_deleted_public_report_answers_410_naming_who_withdrew_it(
    client, login_as, admin, center, editor, make_report
):
    report = make_report(editor, center, title="Once public")
    report_id = report.id
    login_as(admin)
    response = client.post(f"/reports/{report_id}/delete")
    assert response.status_code == 302 and response.location == f"/centers/{center.slug}"
    gone = client.get(f"/reports/{report_id}")
    assert gone.status_code == 410
    assert "was withdrawn on" in gone.get_data(as_text=True) and "Ada Admin" in gone.get_data(as_text=True)
    [event] = audit_rows("reports.delete", report)
    assert event.actor_id == admin.id and event.details["tombstone"] is True


@pytest.mark.parametrize(
    "visibility, who, expected",
    [("public", "lead editor", 403), ("public", "stranger", 403), ("draft", "stranger", 404)],
)
def test_only_the_lead_focal_point_or_an_admin_deletes_a_report(
    client, login_as, center, editor, stranger, make_report, visibility, who, expected
):
    report = make_report(editor, center, visibility=visibility)
    login_as({"lead editor": editor, "stranger": stranger}[who])
    assert client.post(f"/reports/{report.id}/delete").status_code == expected
    db.session.refresh(report)
    assert report.deleted_at is None and len(report.files) == 1
    assert audit_rows("reports.delete") == []


# ---------------------------------------------------------------- the network discussion


def test_a_focal_point_comments_and_the_reports_other_editors_are_mailed(
    client, login_as, center, editor, focal_point, viewer, make_report
):
    report = make_report(editor, center, visibility="draft")
    login_as(focal_point)
    response = client.post(f"/reports/{report.id}/comments", data={"body": "Could you add the 2023 figures?"})
    page = followed(client, response, f"/reports/{report.id}#comments")
    assert ("success", "Your comment was added.") in flashes(page)
    thread = page.split('id="comments"')[1]
    assert "Could you add the 2023 figures?" in thread and focal_point.full_name in thread
    [comment] = db.session.scalars(db.select(Comment)).all()
    assert comment.author_id == focal_point.id and comment.report_id == report.id
    [event] = audit_rows("reports.comment", report)
    assert event.actor_id == focal_point.id
    [mail] = [m for m in mails_to(editor.email) if "New comment" in m.subject]
    assert "Could you add the 2023 figures?" in mail.body
    # Nobody is mailed their own comment, and viewers are not asked to answer.
    assert not [m for m in mails_to(focal_point.email) + mails_to(viewer.email) if "New comment" in m.subject]


@pytest.mark.parametrize("body", ["", " \n\t "])
def test_an_empty_comment_is_refused_with_the_report_and_the_error_shown(
    client, login_as, center, editor, make_report, body
):
    report = make_report(editor, center)
    login_as(editor)
    response = client.post(f"/reports/{report.id}/comments", data={"body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<h1 lang="en">Energy markets of the Turkic states</h1>' in page
    assert '<p class="error" id="body-error">This field is required.</p>' in page
    assert db.session.scalars(db.select(Comment)).all() == []
    assert audit_rows("reports.comment") == []


def test_staff_of_a_signatory_member_join_the_discussion_on_a_public_report(
    client, login_as, center, editor, make_report, signed_and_unsigned
):
    (_signed, member_of_signatory), _unsigned = signed_and_unsigned
    report = make_report(editor, center)
    login_as(member_of_signatory)
    response = client.post(f"/reports/{report.id}/comments", data={"body": "We saw the same in Türkiye."})
    assert "We saw the same in Türkiye." in followed(client, response, f"/reports/{report.id}#comments")
    assert [e.actor_id for e in audit_rows("reports.comment", report)] == [member_of_signatory.id]


@pytest.mark.parametrize(
    "visibility, who, expected",
    [("public", "outsider", 403), ("public", "unsigned member", 403), ("draft", "stranger", 404)],
)
def test_people_outside_the_discussion_cannot_comment(
    client, login_as, center, editor, outsider, stranger, make_report, signed_and_unsigned,
    visibility, who, expected,
):  # fmt: skip
    _signed, (_unsigned, member_of_unsigned) = signed_and_unsigned
    report = make_report(editor, center, visibility=visibility)
    login_as({"outsider": outsider, "unsigned member": member_of_unsigned, "stranger": stranger}[who])
    response = client.post(f"/reports/{report.id}/comments", data={"body": "Let me in"})
    assert response.status_code == expected
    assert db.session.scalars(db.select(Comment)).all() == []
    assert audit_rows("reports.comment") == []
    assert not [m for m in mails_to(editor.email) if "New comment" in m.subject]


def test_anonymous_visitors_are_sent_to_log_in_and_cannot_comment(client, center, editor, make_report):
    report = make_report(editor, center)
    response = client.post(f"/reports/{report.id}/comments", data={"body": "Anonymous remark"})
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    assert db.session.scalars(db.select(Comment)).all() == []
