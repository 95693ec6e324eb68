"""The confirmation pages before removing a staff member or withdrawing an invitation: each
is refused as its action would be, and its form posts to the action's own endpoint."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...core.errors import InvalidState
from ...core.forms import ConfirmForm
from ...core.permissions import current_viewer
from .. import services
from . import bp
from .manage import invitation_in, membership_in


def _confirm(center, check, **page):
    """The page, once ``check`` (the action's own guard) passes; a state the action would
    refuse is told on the staff page instead, as the action itself tells it."""
    try:
        check()
    except InvalidState as error:
        flash(error.message, "error")
        return redirect(url_for("centers.staff", slug=center.slug))
    return render_template(
        "core/confirm.html", form=ConfirmForm(formdata=None),
        cancel=url_for("centers.staff", slug=center.slug),
        consequence=_("This cannot be undone from the site."), **page,
    )  # fmt: skip


@bp.get("/centers/<slug>/staff/<int:membership_id>/remove")
@login_required
def confirm_remove_staff(slug: str, membership_id: int):
    center = services.get_center(current_viewer(), slug)
    membership = membership_in(center, membership_id)
    person = membership.user.full_name
    return _confirm(
        center, lambda: services.require_removable(current_viewer(), membership),
        question=_("Remove %(name)s from the staff of %(center)s?", name=person, center=center.name),
        action=url_for("centers.remove_staff", slug=slug, membership_id=membership_id),
        button=_("Remove from the staff"),
    )  # fmt: skip


@bp.get("/centers/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def confirm_revoke_invitation(slug: str, invitation_id: int):
    center = services.get_center(current_viewer(), slug)
    invitation = invitation_in(center, invitation_id)
    return _confirm(
        center, lambda: services.require_revocable(current_viewer(), invitation),
        question=_("Withdraw the invitation sent to %(email)s?", email=invitation.email),
        action=url_for("centers.revoke_invitation", slug=slug, invitation_id=invitation_id),
        button=_("Withdraw the invitation"),
    )  # fmt: skip
