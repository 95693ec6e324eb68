"""The admin area: applications queue, centers, users, audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import services as auth_services
from ..centers import services as center_services
from ..centers.forms import MessageForm
from ..centers.models import CenterStatus
from ..core.errors import InvalidState, ValidationFailed
from ..core.permissions import require
from ..core.webutil import attach_error
from ..extensions import login_manager
from . import services
from .forms import DeactivateForm, DecisionForm
from .permissions import can_use_admin

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
    require(can_use_admin(current_user))
    return None


@bp.get("/")
def index():
    return redirect(url_for("admin.applications"))


@bp.get("/applications")
def applications():
    return render_template(
        "admin/applications.html",
        queue=center_services.application_queue(current_user),
        awaiting=center_services.centers_by_status(current_user, CenterStatus.CHANGES_REQUESTED),
    )


@bp.get("/centers")
def centers():
    status = request.args.get("status", "")
    status_filter = CenterStatus(status) if status in {s.value for s in CenterStatus} else None
    return render_template(
        "admin/centers.html",
        centers=center_services.centers_by_status(current_user, status_filter),
        status=status,
    )


def _render_center(center, *, decision_form=None, message_form=None, status=200):
    return render_template(
        "admin/center.html",
        center=center,
        thread=center_services.application_thread(current_user, center),
        events=services.audit_for(current_user, center),
        staff=center_services.staff_of(current_user, center),
        decision_form=decision_form or DecisionForm(formdata=None),
        message_form=message_form or MessageForm(formdata=None),
    ), status


@bp.get("/centers/<slug>")
def center(slug: str):
    return _render_center(center_services.get_center(current_user, slug))


@bp.post("/centers/<slug>/decide")
def decide(slug: str):
    center = center_services.get_center(current_user, slug)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            _DECIDE[form.decision.data](current_user, center, note=form.note.data or "")
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
                    status=center_services.STATUS_LABELS[center.status],
                ),
                "success",
            )
            return redirect(url_for("admin.center", slug=slug))
    return _render_center(center, decision_form=form, status=400)


@bp.post("/centers/<slug>/message")
def message(slug: str):
    center = center_services.get_center(current_user, slug)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            center_services.post_application_message(current_user, center, form.body.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your message was added to the thread."), "success")
            return redirect(url_for("admin.center", slug=slug))
    return _render_center(center, message_form=form, status=400)


@bp.get("/users")
def users():
    q = request.args.get("q", "").strip()[:100]
    page = auth_services.list_users(current_user, q=q, page=request.args.get("page", 1, type=int))
    return render_template("admin/users.html", page=page, q=q, form=DeactivateForm(formdata=None))


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = auth_services.get_user(user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            auth_services.set_user_active(current_user, user, active=active, reason=form.reason.data or "")
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


@bp.get("/audit")
def audit():
    page = services.audit_page(
        current_user,
        action=request.args.get("action", "")[:64],
        page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/audit.html", page=page, action=request.args.get("action", ""))
