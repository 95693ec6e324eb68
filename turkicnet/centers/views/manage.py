"""Center pages for people signed in: applying, the application thread, the profile and staff."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...core.csrf import keeps_typed_input
from ...core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from ...core.forms import ConfirmForm
from ...core.languages import country_name
from ...core.limits import per_account
from ...core.permissions import current_viewer, hidden
from ...core.webutil import attach_error
from .. import services
from ..forms import (
    AcceptJoinForm,
    ApplyForm,
    DeclineJoinForm,
    EditCenterForm,
    InviteForm,
    JoinForm,
    LeaveForm,
    MessageForm,
    ResubmitForm,
    StaffForm,
)
from ..permissions import can_manage_staff, membership_of
from . import bp


def _details(form) -> services.CenterDetails:
    return services.CenterDetails(
        name=form.name.data or "",
        native_name=form.native_name.data or "",
        acronym=form.acronym.data or "",
        country_code=form.country_code.data or "",
        city=form.city.data or "",
        website=form.website.data or "",
        kind=form.kind.data or "",
        parent_body=form.parent_body.data or "",
        description=form.description.data or "",
        founded_year=form.founded_year.data,
    )


def _country_names() -> dict[str, str]:
    return {country.code: country_name(country) for country in services.list_countries()}


def _form_for_center(form_class, center, **kwargs):
    form = form_class(obj=center, **kwargs)
    form.set_countries(services.list_countries())
    return form


# ---------------------------------------------------------------- applying


@bp.route("/apply", methods=["GET", "POST"])
@keeps_typed_input
@login_required
def apply():
    form = ApplyForm()
    form.set_countries(services.list_countries())
    if form.validate_on_submit():
        if form.website_url.data:
            form.form_errors.append(_("Your form could not be accepted. Please try again."))
        else:
            try:
                center = services.apply_center(
                    current_viewer(),
                    _details(form),
                    letter=form.nomination_letter.data,
                    message=form.message.data or "",
                )
            except ValidationFailed as error:
                attach_error(form, error)
            else:
                flash(
                    _(
                        "Your application for %(center)s was sent. The Secretariat will review it.",
                        center=center.name,
                    ),
                    "success",
                )
                return redirect(url_for("centers.application", slug=center.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("centers/apply.html", form=form), status


@bp.get("/centers/<slug>/application")
@login_required
def application(slug: str):
    center = services.get_center(current_viewer(), slug)
    thread = services.application_thread(current_viewer(), center)
    return render_template(
        "centers/application.html",
        center=center,
        thread=thread,
        message_form=MessageForm(formdata=None),
        pending=services.pending_change_request(current_viewer(), center),
        country_names=_country_names(),
    )


@bp.post("/centers/<slug>/application/message")
@keeps_typed_input
@login_required
@per_account("APPLICATION_MESSAGE_LIMIT_PER_USER")
def application_message(slug: str):
    center = services.get_center(current_viewer(), slug)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_application_message(current_viewer(), center, form.body.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your message was added."), "success")
            return redirect(url_for("centers.application", slug=slug))
    thread = services.application_thread(current_viewer(), center)
    return render_template("centers/application.html", center=center, thread=thread, message_form=form), 400


@bp.route("/centers/<slug>/application/resubmit", methods=["GET", "POST"])
@keeps_typed_input
@login_required
def resubmit(slug: str):
    center = services.get_center(current_viewer(), slug)
    services.require_resubmit(current_viewer(), center)
    form = _form_for_center(ResubmitForm, center)
    if form.validate_on_submit():
        try:
            services.resubmit_application(
                current_viewer(),
                center,
                _details(form),
                reply=form.reply.data,
                letter=form.nomination_letter.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your application was resubmitted."), "success")
            return redirect(url_for("centers.application", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template("centers/resubmit.html", center=center, form=form), status


@bp.route("/centers/<slug>/edit", methods=["GET", "POST"])
@keeps_typed_input
@login_required
def edit(slug: str):
    center = services.get_center(current_viewer(), slug)
    services.require_edit(current_viewer(), center)
    form = _form_for_center(EditCenterForm, center)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            saved = services.update_center(
                current_viewer(), center, _details(form), letter=form.nomination_letter.data,
                reason=form.reason.data or "", expected_version=form.lock_version.data,
            )  # fmt: skip
        except Conflict as error:
            form.form_errors.append(error.message)
            status = 409
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The profile was saved. The change to its official details was sent to the Secretariat: "
                    "the profile shows it once accepted.") if saved.change_request
                  else _("The profile was saved."), "success")  # fmt: skip
            return redirect(url_for("site.center", slug=slug))
    if status == 409 or form.lock_version.errors:
        # Told so, the editor saves next against the profile as it is now, their input kept.
        form.lock_version.data = center.lock_version
    return render_template(
        "centers/edit.html", center=center, form=form, country_names=_country_names(),
        pending=services.pending_change_request(current_viewer(), center),
    ), status  # fmt: skip


# ---------------------------------------------------------------- joining and staff


@bp.post("/centers/<slug>/join")
@login_required
@per_account("JOIN_REQUEST_LIMIT_PER_USER")
def join(slug: str):
    center = services.get_center(current_viewer(), slug)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            services.request_to_join(current_viewer(), center, message=form.message.data or "")
        except Conflict as error:
            flash(error.message, "info")
        else:
            flash(
                _("Your request was sent to the focal points of %(center)s.", center=center.name), "success"
            )
    return redirect(url_for("site.center", slug=slug))


@bp.post("/centers/<slug>/leave")
@login_required
def leave(slug: str):
    center = services.get_center(current_viewer(), slug)
    membership = membership_of(current_viewer(), center)
    if membership is None:
        raise NotFound(_("You are not on the staff of this center."))
    form = LeaveForm.for_center(current_viewer(), center, request.form)
    if form.validate_on_submit():
        successor = services.get_membership(form.successor.data) if form.successor.data else None
        try:
            services.leave_center(current_viewer(), membership, successor=successor)
        except ValidationFailed as error:
            flash(error.message, "error")
            return redirect(url_for("site.center", slug=slug))
        flash(_("You left %(center)s.", center=center.name), "success")
    return redirect(url_for("site.center", slug=slug))


def _render_staff(center, *, invite_form=None, decline_forms=None, status=200):
    memberships = services.staff_of(current_viewer(), center)
    can_manage = can_manage_staff(current_viewer(), center)
    return render_template(
        "centers/staff.html",
        center=center,
        memberships=memberships,
        can_manage=can_manage,
        join_requests=services.pending_join_requests(current_viewer(), center) if can_manage else [],
        invitations=services.open_invitations(current_viewer(), center) if can_manage else [],
        invite_form=invite_form or InviteForm(formdata=None),
        staff_forms={
            m.id: StaffForm(formdata=None, role=m.role.value, can_sign=m.can_sign, prefix=f"m{m.id}")
            for m in memberships
        },
        accept_form=AcceptJoinForm(formdata=None),
        decline_forms=decline_forms or {},
        confirm_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/centers/<slug>/staff")
@login_required
def staff(slug: str):
    center = services.get_center(current_viewer(), slug)
    return _render_staff(center)


@bp.post("/centers/<slug>/staff/invite")
@keeps_typed_input
@login_required
@per_account("INVITE_LIMIT_PER_USER")
def invite(slug: str):
    center = services.get_center(current_viewer(), slug)
    services.require_manage(current_viewer(), center)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, _token = services.invite_staff(
                current_viewer(), center, email=form.email.data, role=form.role.data
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("An invitation was sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("centers.staff", slug=slug))
    return _render_staff(center, invite_form=form, status=400)


def membership_in(center, membership_id: int):
    membership = services.get_membership(membership_id)
    if membership.center_id != center.id:
        raise hidden(membership, _("No such staff member."), refused="centers.staff_of_another_center")
    return membership


def invitation_in(center, invitation_id: int):
    invitation = services.get_invitation_by_id(invitation_id)
    if invitation.center_id != center.id:
        raise hidden(invitation, _("No such invitation."), refused="centers.invitation_of_another_center")
    return invitation


def _run(action, success: str, slug: str):
    """Run a staff action; a refused state change is told, not shown as an error page."""
    try:
        action()
    except (InvalidState, Conflict, ValidationFailed) as error:
        flash(error.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("centers.staff", slug=slug))


@bp.post("/centers/<slug>/staff/<int:membership_id>")
@login_required
def change_staff(slug: str, membership_id: int):
    center = services.get_center(current_viewer(), slug)
    membership = membership_in(center, membership_id)
    form = StaffForm(prefix=f"m{membership.id}")
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return redirect(url_for("centers.staff", slug=slug))
    return _run(
        lambda: services.change_staff(
            current_viewer(), membership, role=form.role.data, can_sign=form.can_sign.data
        ),
        _("Saved the role of %(name)s.", name=membership.user.full_name),
        slug,
    )


@bp.post("/centers/<slug>/staff/<int:membership_id>/primary")
@login_required
def make_primary(slug: str, membership_id: int):
    center = services.get_center(current_viewer(), slug)
    membership = membership_in(center, membership_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("centers.staff", slug=slug))
    return _run(
        lambda: services.make_primary(current_viewer(), membership),
        _("%(name)s is now the primary focal point.", name=membership.user.full_name),
        slug,
    )


@bp.post("/centers/<slug>/staff/<int:membership_id>/remove")
@login_required
def remove_staff(slug: str, membership_id: int):
    center = services.get_center(current_viewer(), slug)
    membership = membership_in(center, membership_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("centers.staff", slug=slug))
    name = membership.user.full_name
    return _run(
        lambda: services.remove_staff(current_viewer(), membership),
        _("%(name)s was removed from the staff.", name=name),
        slug,
    )


def _join_request_in(center, request_id: int):
    join_request = services.get_join_request(request_id)
    if join_request.center_id != center.id:
        raise hidden(join_request, _("No such request."), refused="centers.request_to_another_center")
    return join_request


@bp.post("/centers/<slug>/join-requests/<int:request_id>/accept")
@login_required
def accept_join(slug: str, request_id: int):
    center = services.get_center(current_viewer(), slug)
    join_request = _join_request_in(center, request_id)
    form = AcceptJoinForm()
    if not form.validate_on_submit():
        return redirect(url_for("centers.staff", slug=slug))
    return _run(
        lambda: services.accept_join_request(current_viewer(), join_request, role=form.role.data),
        _("%(name)s joined the staff.", name=join_request.user.full_name),
        slug,
    )


@bp.post("/centers/<slug>/join-requests/<int:request_id>/decline")
@login_required
def decline_join(slug: str, request_id: int):
    center = services.get_center(current_viewer(), slug)
    join_request = _join_request_in(center, request_id)
    form = DeclineJoinForm(prefix=f"r{request_id}")
    if form.validate_on_submit():
        return _run(
            lambda: services.decline_join_request(current_viewer(), join_request, reason=form.reason.data),
            _("The request was declined."),
            slug,
        )
    services.require_manage(current_viewer(), center)
    return _render_staff(center, decline_forms={request_id: form}, status=400)


@bp.post("/centers/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    center = services.get_center(current_viewer(), slug)
    invitation = invitation_in(center, invitation_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("centers.staff", slug=slug))
    return _run(
        lambda: services.revoke_invitation(current_viewer(), invitation),
        _("The invitation was withdrawn."),
        slug,
    )
