"""Sections, reports, files, comments, search, feeds and CSV exports."""

import uuid

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from ..centers import services as center_services
from ..core import filetypes
from ..core.converters import query_id
from ..core.csrf import keeps_typed_input
from ..core.errors import Conflict, NotFound, ValidationFailed
from ..core.forms import ConfirmForm
from ..core.languages import language_names, localized
from ..core.limits import per_account
from ..core.markdown import render_markdown
from ..core.pagination import page_number
from ..core.permissions import current_viewer
from ..core.storage import FileTooLarge
from ..core.urls import external_url
from ..core.webutil import attach_error, csv_stream, script_json
from . import citations, dublin_core, permissions, services
from .forms import CommentForm, ReportForm, ShareForm
from .labels import VISIBILITY_LABELS
from .models import Visibility

bp = Blueprint("reports", __name__)


def _filters(section_id=None) -> services.Filters:
    year = request.args.get("year", type=int)
    return services.Filters(
        country=request.args.get("country", "").upper()[:4],
        year=year if year and 1900 < year < 2200 else None,
        language=request.args.get("language", "")[:8],
        section_id=section_id or query_id("section"),
    )


def _filter_context():
    return {
        "countries": center_services.list_countries(),
        "languages": language_names(),
        "years": services.report_years(),
    }


@bp.get("/sections")
def sections():
    return render_template("reports/sections.html", sections=services.list_sections())


@bp.get("/sections/<slug>")
def section(slug: str):
    section = services.get_section(slug)
    filters = _filters(section.id)
    page = services.report_page(current_viewer(), filters, page=page_number(), per_page=services.per_page())
    return render_template(
        "reports/section.html", section=section, page=page, filters=filters, **_filter_context()
    )


def _csv(reports, filename: str) -> Response:
    header = ["id", "title", "lead_center", "country", "section", "authors", "language",
              "publication_date", "visibility", "keywords", "url"]  # fmt: skip
    rows = (
        (
            report.id, report.title, report.lead_center.name, report.lead_center.country_code,
            report.section.title, "; ".join(report.authors), report.language,
            report.publication_date.isoformat(), report.visibility.value, "; ".join(report.keywords),
            external_url("reports.report", report_id=report.id),
        )
        for report in reports
    )  # fmt: skip
    return csv_stream(header, rows, filename)


@bp.get("/sections/<slug>.csv")
def section_csv(slug: str):
    section = services.get_section(slug)
    return _csv(services.report_rows(current_viewer(), _filters(section.id)), f"turkicnet-{section.slug}.csv")


@bp.get("/reports.csv")
def reports_csv():
    return _csv(services.report_rows(current_viewer(), _filters()), "turkicnet-reports.csv")


def _atom(reports, title: str, self_url: str, alternate: str) -> Response:
    body = render_template(
        "reports/feed.atom", reports=reports, title=title, self_url=self_url, alternate=alternate
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feeds/reports.atom")
def feed():
    return _atom(
        services.feed_reports(), _("TurkicNet — public reports"),
        external_url("reports.feed"), external_url("reports.sections"),
    )  # fmt: skip


@bp.get("/sections/<slug>/feed.atom")
def section_feed(slug: str):
    section = services.get_section(slug)
    return _atom(
        services.feed_reports(section), _("TurkicNet — %(section)s", section=localized(section, "title")),
        external_url("reports.section_feed", slug=slug),
        external_url("reports.section", slug=slug),
    )  # fmt: skip


@bp.get("/search")
def search():
    q = request.args.get("q", "").strip()[:200]
    filters = _filters()
    results = services.search_reports(
        current_viewer(), q, filters, page=page_number(), per_page=services.per_page()
    )
    return render_template(
        "reports/search.html", q=q, results=results, filters=filters, sections=services.list_sections(),
        **_filter_context(),
    )  # fmt: skip


def _citing(report) -> dict:
    """The "Cite as" line, exports, meta tags and JSON-LD: for a public report only."""
    if not permissions.can_cite_report(report):
        return {"citable": False}
    return {
        "citable": True,
        "cite_as": citations.cite_as(report, str(get_locale() or "en")),
        "highwire_tags": citations.highwire_tags(report),
        "json_ld": script_json(citations.report_json_ld(report)),
    }


def _render_report(report, *, comment_form=None, status=200):
    return render_template(
        "reports/report.html",
        report=report,
        **_citing(report),
        abstract_html=render_markdown(report.abstract),
        comments=services.comments_for(current_viewer(), report),
        downloads=services.download_counts(report),
        comment_form=comment_form or CommentForm(formdata=None),
        share_form=_share_form(report) if permissions.can_manage_report(current_viewer(), report) else None,
        confirm_form=ConfirmForm(formdata=None),
        report_perms=permissions,
    ), status


def _share_form(report, formdata=None):
    form = ShareForm(formdata=formdata)
    form.center_ids.choices = [
        SelectChoice(c.id, f"{c.name} ({c.country_code})") for c in services.share_candidates(report)
    ]
    return form


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    return _render_report(services.get_report(current_viewer(), report_id))


@bp.get("/reports/<int:report_id>/files/<int:file_id>")
def download(report_id: int, file_id: int):
    report_file, path = services.file_for_download(current_viewer(), report_id, file_id)
    services.record_download(current_viewer(), report_file)
    # Files stored before names followed the content (audit F-07) get their kind's extension too.
    kind = filetypes.kind_of(report_file.mime_type) or "bin"
    name = filetypes.display_name(report_file.original_name, kind)
    response = send_file(path, mimetype=report_file.mime_type, as_attachment=True, download_name=name)
    if report_file.report.visibility is not Visibility.PUBLIC:
        response.headers["Cache-Control"] = "private, no-store"
    return response


EXPORTS = citations.EXPORTS | {"dc": dublin_core.EXPORT}
EXPORTERS = citations.EXPORTERS | {"dc": dublin_core.oai_dc_document}


@bp.get("/reports/<int:report_id>/export/<export_format>")
def export(report_id: int, export_format: str):
    build = EXPORTERS.get(export_format)
    if build is None:
        raise NotFound(_("No such citation format."))
    report = services.citable_report(current_viewer(), report_id)
    kind = EXPORTS[export_format]
    response = Response(build(report), mimetype=kind.mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{citations.citation_key(report)}.{kind.extension}"'
    )
    return response


def _report_form(formdata=None, report=None, lead_center_id=None):
    form = ReportForm(formdata=formdata, obj=report if formdata is None else None)
    form.set_choices(
        # A report keeps its section and co-authors even once retired or no longer members.
        sections=[s for s in services.list_sections() if s.active or (report and s.id == report.section_id)],
        centers=services.coauthor_candidates(exclude_center_id=lead_center_id, keep=report),
        languages=language_names(),
        topics=services.list_topics(),
        visibilities=VISIBILITY_LABELS,
    )
    return form


def _data(form) -> services.ReportData:
    return services.ReportData(
        section_id=form.section_id.data,
        title=form.title.data or "",
        abstract=form.abstract.data or "",
        authors=(form.authors.data or "").splitlines(),
        coauthor_center_ids=form.coauthor_center_ids.data or [],
        language=form.language.data or "en",
        publication_date=form.publication_date.data,
        topic_ids=form.topic_ids.data or [],
        keywords=[k for k in (form.keywords.data or "").split(",")],
        visibility=form.visibility.data or Visibility.DRAFT.value,
        external_url=form.external_url.data or "",
    )


@bp.route("/reports/new", methods=["GET", "POST"])
@keeps_typed_input
@login_required
def new_report():
    center = services.center_for_new_report(current_viewer(), request.args.get("center"))
    form = _report_form(request.form if request.method == "POST" else None, lead_center_id=center.id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                report = services.create_report(
                    current_viewer(), center, _data(form), files=request.files.getlist("files"),
                    creation_key=form.creation_key.data,
                )  # fmt: skip
            except services.AlreadyPosted as error:
                flash(error.message, "info")
                return redirect(url_for("reports.report", report_id=error.report_id))
            except FileTooLarge as error:
                attach_error(form, error)
                status = 413
            except ValidationFailed as error:
                attach_error(form, error)
            else:
                flash(_("The report was saved."), "success")
                return redirect(url_for("reports.report", report_id=report.id))
    else:
        form.creation_key.data = uuid.uuid4().hex  # hex: the 503 page carries it hidden
        form.publication_date.data = form.publication_date.data or services.today()
    return render_template("reports/form.html", form=form, center=center, report=None), status


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@keeps_typed_input
@login_required
def edit_report(report_id: int):
    report = services.get_report(current_viewer(), report_id)
    services.require_edit(current_viewer(), report)
    if request.method == "GET":
        form = _report_form(report=report, lead_center_id=report.lead_center_id)
        form.lock_version.data = report.lock_version
        form.authors.data = "\n".join(report.authors)
        form.keywords.data = ", ".join(report.keywords)
        form.coauthor_center_ids.data = [c.center_id for c in report.coauthors]
        form.topic_ids.data = [t.id for t in report.topics]
        form.visibility.data = report.visibility.value
        return render_template("reports/form.html", form=form, center=report.lead_center, report=report)
    form = _report_form(request.form, report=report, lead_center_id=report.lead_center_id)
    status = 400
    if form.validate_on_submit():
        try:
            services.update_report(
                current_viewer(), report, _data(form), expected_version=form.expected_version(),
                files=request.files.getlist("files"),
            )  # fmt: skip
        except Conflict as error:
            form.form_errors.append(error.message)
            # The next save is made against what is saved now, with the editor's text kept.
            form.lock_version.data = report.lock_version
            status = 409
        except FileTooLarge as error:
            attach_error(form, error)
            status = 413
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The report was saved."), "success")
            return redirect(url_for("reports.report", report_id=report.id))
    return render_template("reports/form.html", form=form, center=report.lead_center, report=report), status


def _action(report_id: int, action, success: str, anchor: str = ""):
    report = services.get_report(current_viewer(), report_id)
    if ConfirmForm().validate_on_submit():
        try:
            action(report)
        except (ValidationFailed, NotFound) as error:
            flash(error.message, "error")
        else:
            flash(success, "success")
    return redirect(url_for("reports.report", report_id=report_id) + anchor)


@bp.post("/reports/<int:report_id>/files/<int:file_id>/delete")
@login_required
def delete_file(report_id: int, file_id: int):
    return _action(
        report_id, lambda r: services.remove_file(current_viewer(), r, file_id), _("The file was removed.")
    )


@bp.post("/reports/<int:report_id>/coauthors/<int:center_id>/confirm")
@login_required
def confirm_coauthorship(report_id: int, center_id: int):
    return _action(
        report_id, lambda r: services.confirm_coauthorship(current_viewer(), r, center_id),
        _("Your center's co-authorship is confirmed."),
    )  # fmt: skip


@bp.post("/reports/<int:report_id>/shares/<int:center_id>/remove")
@login_required
def unshare(report_id: int, center_id: int):
    return _action(
        report_id,
        lambda r: services.unshare_report(current_viewer(), r, center_id),
        _("The report is no longer shared."),
    )


@bp.post("/reports/<int:report_id>/share")
@login_required
def share(report_id: int):
    report = services.get_report(current_viewer(), report_id)
    form = _share_form(report, request.form)
    if form.validate_on_submit():
        added = services.share_report(current_viewer(), report, form.center_ids.data)
        flash(ngettext("Shared with %(num)d center; its staff were told.",
                       "Shared with %(num)d centers; their staff were told.", len(added)), "success")
    else:
        flash(_("Choose at least one center."), "error")
    return redirect(url_for("reports.report", report_id=report_id) + "#sharing")


@bp.get("/reports/<int:report_id>/delete")
@login_required
def confirm_delete_report(report_id: int):
    report = services.get_report(current_viewer(), report_id)
    services.require_delete(current_viewer(), report)
    return render_template(
        "core/confirm.html", form=ConfirmForm(formdata=None),
        action=url_for("reports.delete_report", report_id=report_id),
        question=_("Delete “%(title)s”?", title=report.title),
        consequence=_("This cannot be undone from the site."),
        button=_("Delete the report"), cancel=url_for("reports.report", report_id=report_id),
    )  # fmt: skip


@bp.post("/reports/<int:report_id>/delete")
@login_required
def delete_report(report_id: int):
    report = services.get_report(current_viewer(), report_id)
    if ConfirmForm().validate_on_submit():
        services.delete_report(current_viewer(), report)
        flash(_("The report was deleted."), "success")
        return redirect(url_for("site.center", slug=report.lead_center.slug))
    return redirect(url_for("reports.report", report_id=report_id))


@bp.post("/reports/<int:report_id>/comments")
@keeps_typed_input
@login_required
@per_account("COMMENT_LIMIT_PER_USER")
def comment(report_id: int):
    report = services.get_report(current_viewer(), report_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(current_viewer(), report, form.body.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your comment was added."), "success")
            return redirect(url_for("reports.report", report_id=report_id) + "#comments")
    return _render_report(report, comment_form=form, status=400)
