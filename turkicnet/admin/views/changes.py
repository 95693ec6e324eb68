"""The Secretariat's decision on a change of a member center's official details."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ...centers import services as center_services
from ...core.csrf import keeps_typed_input
from ...core.errors import Conflict, InvalidState, ValidationFailed
from ...core.permissions import current_viewer
from ...core.webutil import attach_error
from ..forms import ChangeDecisionForm
from . import _render_center, bp


@bp.post("/centers/<slug>/changes/<int:request_id>")
@keeps_typed_input
def decide_change(slug: str, request_id: int):
    center = center_services.get_center(current_viewer(), slug)
    change = center_services.get_change_request(current_viewer(), center, request_id)
    form = ChangeDecisionForm()
    if not form.validate_on_submit():
        return _render_center(center, change_form=form, status=400)
    try:
        if form.decision.data == "accept":
            center_services.accept_center_change(current_viewer(), change, note=form.note.data or "")
        else:
            center_services.decline_center_change(current_viewer(), change, note=form.note.data or "")
    except ValidationFailed as error:
        attach_error(form, error)
        return _render_center(center, change_form=form, status=400)
    except (InvalidState, Conflict) as error:
        flash(error.message, "error")
    else:
        accepted = form.decision.data == "accept"
        flash(_("The change was accepted: the profile shows it now.") if accepted
              else _("The change was declined."), "success")  # fmt: skip
    return redirect(url_for("admin.center", slug=slug))
