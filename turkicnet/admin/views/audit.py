"""The admin audit log, filtered by actor, action, center and days."""

from flask import current_app, render_template, request

from ...core.errors import ValidationFailed
from ...core.pagination import page_number
from ...core.permissions import current_viewer
from ...core.webutil import attach_error
from .. import services
from ..forms import AuditFilterForm
from . import bp


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args)
    filters, status = None, 200
    if form.validate():
        try:
            filters = services.audit_filters(
                current_viewer(), action=form.action.data, actor=form.actor.data, center=form.center.data,
                since=form.since.data, until=form.until.data,
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
    if filters is None:
        return render_template("admin/audit.html", form=form, page=None, kept={}), 400
    page = services.audit_page(
        current_viewer(), filters, page=page_number(),
        per_page=current_app.config["AUDIT_PER_PAGE"],
    )  # fmt: skip
    kept = {name: request.args[name] for name in ("action", "actor", "center", "from", "until")
            if request.args.get(name)}  # fmt: skip
    return render_template("admin/audit.html", form=form, page=page, kept=kept), status
