"""A center's API tokens, for its focal points: the list, making one, revoking one."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...auth.forms import ApiTokenForm
from ...core.csrf import keeps_typed_input
from ...core.errors import InvalidState, ValidationFailed
from ...core.forms import ConfirmForm
from ...core.permissions import current_viewer, hidden
from ...core.webutil import attach_error
from .. import services
from . import bp


def _render_tokens(center, form=None, *, new_token: str = "", status: int = 200):
    response = make_response(
        render_template(
            "centers/tokens.html",
            center=center,
            tokens=services.list_center_tokens(current_viewer(), center),
            form=form or ApiTokenForm(formdata=None),
            new_token=new_token,
            revoke_url=lambda token: url_for("centers.revoke_token", slug=center.slug, token_id=token.id),
            confirm_form=ConfirmForm(formdata=None),
        ),
        status,
    )
    # The new token is in this page and nowhere else (no flash, no session): keep no copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/centers/<slug>/tokens")
@login_required
def tokens(slug: str):
    center = services.get_center(current_viewer(), slug)
    return _render_tokens(center)


@bp.post("/centers/<slug>/tokens")
@keeps_typed_input
@login_required
def create_token(slug: str):
    center = services.get_center(current_viewer(), slug)
    form = ApiTokenForm()
    # Refused before the form is read: whoever may not make one learns nothing from it.
    services.require_manage_tokens(current_viewer(), center)
    if form.validate_on_submit():
        try:
            _token, raw = services.create_center_token(
                current_viewer(),
                center,
                name=form.name.data,
                scopes=form.scopes.data,
                expires_in_days=form.expires_in_days.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        except InvalidState as error:
            form.form_errors.append(error.message)
        else:
            return _render_tokens(center, new_token=raw)
    return _render_tokens(center, form, status=400)


@bp.post("/centers/<slug>/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(slug: str, token_id: int):
    center = services.get_center(current_viewer(), slug)
    token = services.get_token(current_viewer(), token_id)
    if token.center_id != center.id:
        raise hidden(token, _("No such token."), refused="centers.token_of_another_center")
    try:
        services.revoke_token(current_viewer(), token)
    except InvalidState as error:
        flash(error.message, "error")
    else:
        flash(_("The token %(prefix)s was revoked.", prefix=token.prefix), "success")
    return redirect(url_for("centers.tokens", slug=slug))
