"""The admin area: applications queue, centers, users, audit log (changes of a member's
official details in ``changes.py``, the audit log's filters in ``audit.py``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...auth import services as auth_services
from ...centers import services as center_services
from ...centers.forms import MessageForm
from ...centers.labels import STATUS_LABELS
from ...centers.models import CenterStatus
from ...core.csrf import keeps_typed_input
from ...core.errors import InvalidState, ValidationFailed
from ...core.forms import ConfirmForm, without_control_characters
from ...core.languages import country_name, language_names, localized
from ...core.markdown import render_markdown
from ...core.pagination import page_number
from ...core.permissions import current_viewer, require
from ...core.webutil import attach_error
from ...extensions import login_manager
from ...protocol import services as protocol_services
from ...protocol.forms import TextForm, VersionForm
from ...protocol.permissions import can_edit_version, can_view_version
from ...reports import services as report_services
from ...reports.forms import EventForm, SectionForm
from .. import services
from ..forms import ChangeDecisionForm, DeactivateForm, DecisionForm
from ..permissions import can_use_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")

_DECIDE = {
    "approve": center_services.approve_center,
    "request_changes": center_services.request_changes,
    "reject": center_services.reject_center,
    "suspend": center_services.suspend_center,
    "reinstate": center_services.reinstate_center,
    "withdraw": center_services.withdraw_center,
}


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(can_use_admin(current_viewer()))
    return None


@bp.get("/")
def index():
    return redirect(url_for("admin.applications"))


@bp.get("/applications")
def applications():
    return render_template(
        "admin/applications.html",
        queue=center_services.application_queue(current_viewer()),
        awaiting=center_services.centers_by_status(current_viewer(), CenterStatus.CHANGES_REQUESTED),
        changes=center_services.change_request_queue(current_viewer()),
    )


@bp.get("/centers")
def centers():
    status = request.args.get("status", "")
    status_filter = CenterStatus(status) if status in {s.value for s in CenterStatus} else None
    return render_template(
        "admin/centers.html",
        centers=center_services.centers_by_status(current_viewer(), status_filter),
        status=status,
    )


def _render_center(center, *, decision_form=None, message_form=None, change_form=None, status=200):
    return render_template(
        "admin/center.html",
        center=center,
        thread=center_services.application_thread(current_viewer(), center),
        events=services.audit_for(current_viewer(), center),
        staff=center_services.staff_of(current_viewer(), center),
        decision_form=decision_form or DecisionForm(formdata=None),
        message_form=message_form or MessageForm(formdata=None),
        pending=center_services.pending_change_request(current_viewer(), center),
        change_form=change_form or ChangeDecisionForm(formdata=None),
        country_names={country.code: country_name(country) for country in center_services.list_countries()},
    ), status


@bp.get("/centers/<slug>")
def center(slug: str):
    return _render_center(center_services.get_center(current_viewer(), slug))


@bp.post("/centers/<slug>/decide")
@keeps_typed_input
def decide(slug: str):
    center = center_services.get_center(current_viewer(), slug)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            _DECIDE[form.decision.data](current_viewer(), center, note=form.note.data or "")
        except ValidationFailed as error:
            attach_error(form, error)
        except InvalidState as error:
            flash(error.message, "error")
            return redirect(url_for("admin.center", slug=slug))
        else:
            flash(
                _(
                    "%(center)s: %(status)s.",
                    center=center.name,
                    status=STATUS_LABELS[center.status],
                ),
                "success",
            )
            return redirect(url_for("admin.center", slug=slug))
    if form.decision.data == "reject":
        return confirm.reject_page(center, form), 400
    return _render_center(center, decision_form=form, status=400)


@bp.post("/centers/<slug>/message")
@keeps_typed_input
def message(slug: str):
    center = center_services.get_center(current_viewer(), slug)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            center_services.post_application_message(current_viewer(), center, form.body.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your message was added to the thread."), "success")
            return redirect(url_for("admin.center", slug=slug))
    return _render_center(center, message_form=form, status=400)


@bp.get("/users")
def users():
    q = request.args.get("q", "").strip()[:100]
    page = auth_services.list_users(current_viewer(), q=q, page=page_number())
    return render_template("admin/users.html", page=page, q=q, form=DeactivateForm(formdata=None))


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = auth_services.get_user(user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            auth_services.set_user_active(
                current_viewer(), user, active=active, reason=form.reason.data or ""
            )
        except InvalidState as error:
            flash(error.message, "error")
        else:
            flash(
                _("%(email)s was reactivated.", email=user.email)
                if active
                else _("%(email)s was deactivated and logged out everywhere.", email=user.email),
                "success",
            )
    return redirect(url_for("admin.users"))


# ---------------------------------------------------------------- protocol versions


@bp.route("/protocol", methods=["GET", "POST"])
@keeps_typed_input
def protocol_versions():
    form = VersionForm()
    if form.validate_on_submit():
        try:
            version = protocol_services.create_version(
                current_viewer(),
                title=form.title.data,
                required_centers=form.required_centers.data,
                required_states=form.required_states.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Draft version %(n)d was created. Add its texts.", n=version.number), "success")
            return redirect(url_for("admin.protocol_version", number=version.number))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/protocol_versions.html", versions=protocol_services.list_versions(current_viewer()), form=form
    ), status


def _render_version(version, form=None, status=200):
    if form is None:
        form = VersionForm(formdata=None, obj=version)
    return render_template(
        "admin/protocol_version.html",
        version=version,
        form=form,
        confirm_form=ConfirmForm(formdata=None),
        editable=can_edit_version(current_viewer(), version),
        public=can_view_version(None, version),
        progress=protocol_services.rule_progress(version) if version.text_sha256 else None,
    ), status


@bp.route("/protocol/v/<int:number>", methods=["GET", "POST"])
@keeps_typed_input
def protocol_version(number: int):
    version = protocol_services.get_version(current_viewer(), number)
    if request.method == "GET":
        return _render_version(version)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            protocol_services.update_version(
                current_viewer(),
                version,
                title=form.title.data,
                required_centers=form.required_centers.data,
                required_states=form.required_states.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.protocol_version", number=number))
    return _render_version(version, form, 400)


@bp.route("/protocol/v/<int:number>/text", methods=["GET", "POST"])
@keeps_typed_input
def protocol_text(number: int):
    version = protocol_services.get_version(current_viewer(), number)
    language = without_control_characters(request.values.get("language", "en"))[:16]
    existing = version.text(language)
    form = TextForm(formdata=None, obj=existing) if request.method == "GET" else TextForm()
    form.set_languages(language_names())
    if request.method == "GET":
        form.language.data = language
        if existing is None:
            form.authentic.data = True
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                protocol_services.save_text(
                    current_viewer(),
                    version,
                    language=form.language.data,
                    body=form.body.data,
                    authentic=form.authentic.data,
                )
            except ValidationFailed as error:
                attach_error(form, error)
            else:
                flash(_("The text was saved."), "success")
                return redirect(url_for("admin.protocol_version", number=number))
    status = 400 if request.method == "POST" and preview is None else 200
    return render_template(
        "admin/protocol_text.html", version=version, form=form, preview=preview,
        editable=can_edit_version(current_viewer(), version),
    ), status  # fmt: skip


@bp.post("/protocol/v/<int:number>/text/<lang>/delete")
def protocol_text_delete(number: int, lang: str):
    version = protocol_services.get_version(current_viewer(), number)
    if ConfirmForm().validate_on_submit():
        try:
            protocol_services.delete_text(current_viewer(), version, language=lang)
        except InvalidState as error:
            flash(error.message, "error")
        else:
            flash(_("The text was removed."), "success")
    return redirect(url_for("admin.protocol_version", number=number))


@bp.post("/protocol/v/<int:number>/open")
def protocol_open(number: int):
    version = protocol_services.get_version(current_viewer(), number)
    if ConfirmForm().validate_on_submit():
        try:
            protocol_services.open_version(current_viewer(), version)
        except InvalidState as error:
            flash(error.message, "error")
        else:
            flash(_("Version %(n)d is open for signature.", n=number), "success")
    return redirect(url_for("admin.protocol_version", number=number))


# ---------------------------------------------------------------- thematic sections


def _section_form(formdata=None, obj=None):
    form = SectionForm(formdata=formdata, obj=obj)
    form.event_id.choices = [SelectChoice(0, _("No event"))] + [
        SelectChoice(event.id, _("%(title)s, %(city)s %(year)d", title=localized(event, "title"),
                                 city=localized(event, "city"), year=event.starts_on.year))
        for event in report_services.list_events()
    ]
    return form


def _render_sections(form=None, event_form=None, status=200):
    return render_template(
        "admin/sections.html",
        sections=report_services.list_sections(),
        form=form or _section_form(),
        confirm_form=ConfirmForm(formdata=None),
        event_form=event_form or EventForm(formdata=None),
        events=report_services.list_events(),
    ), status


@bp.route("/sections", methods=["GET", "POST"])
@keeps_typed_input
def sections():
    form = _section_form(request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            report_services.create_section(
                current_viewer(), title=form.title.data, description=form.description.data or "",
                event_id=form.event_id.data or None, translations=form.translations(),
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The section was created."), "success")
            return redirect(url_for("admin.sections"))
    return _render_sections(form=form, status=400 if request.method == "POST" else 200)


@bp.post("/events")
@keeps_typed_input
def create_event():
    form = EventForm()
    if form.validate_on_submit():
        try:
            report_services.create_event(
                current_viewer(), title=form.title.data, city=form.city.data or "",
                starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The event was recorded."), "success")
            return redirect(url_for("admin.sections"))
    return _render_sections(event_form=form, status=400)


@bp.route("/sections/<slug>", methods=["GET", "POST"])
@keeps_typed_input
def section(slug: str):
    section = report_services.get_section(slug)
    form = _section_form(request.form if request.method == "POST" else None, obj=section)
    if request.method == "GET":
        form.event_id.data = section.event_id or 0
        form.fill_translations(section)
    if form.validate_on_submit():
        try:
            report_services.update_section(
                current_viewer(), section, title=form.title.data, description=form.description.data or "",
                event_id=form.event_id.data or None, translations=form.translations(),
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The section was saved."), "success")
            return redirect(url_for("admin.sections"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/section.html", section=section, form=form), status


@bp.post("/sections/<slug>/<action>")
def section_action(slug: str, action: str):
    section = report_services.get_section(slug)
    if action not in ("up", "down", "retire", "restore"):
        abort(404)
    if ConfirmForm().validate_on_submit():
        if action in ("up", "down"):
            report_services.move_section(current_viewer(), section, offset=-1 if action == "up" else 1)
        else:
            report_services.set_section_active(current_viewer(), section, active=action == "restore")
    return redirect(url_for("admin.sections"))


from . import audit, changes, confirm  # noqa: E402, F401  (add their routes to bp)
