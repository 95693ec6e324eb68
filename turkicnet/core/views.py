"""Health, hashed static assets and the notifications page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import assets
from .forms import ConfirmForm
from .pagination import page_number
from .services import database_health, mark_notifications_read, notifications_page

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    health = database_health()
    payload = {
        "status": "ok" if health.ok else "error",
        "database": health.state,
        "migration": health.revision,
        "head": ",".join(health.heads),
        "engine": health.engine,
    }
    if not health.ok:
        payload["reason"] = _health_reason(health)
    return jsonify(payload), 200 if health.ok else 503


def _health_reason(health) -> str:
    reasons = {
        "missing": _("The database file does not exist: run flask db upgrade, or restore a backup."),
        "unreachable": _("The database does not answer."),
        "not_migrated": _("The database has no migration revision: run flask db upgrade."),
        "not_at_head": _("The database is at migration %(revision)s; this code expects %(head)s.",
                         revision=health.revision, head=",".join(health.heads)),
    }  # fmt: skip
    return reasons[health.state]


@bp.get("/assets/<path:name>")
def asset(name: str):
    filename = assets.resolve(name)
    if filename is None:
        abort(404)
    return send_from_directory(current_app.static_folder, filename, max_age=365 * 24 * 3600)


@bp.get("/notifications")
@login_required
def notifications():
    page = page_number()
    return render_template(
        "core/notifications.html", page=notifications_page(current_user, page=page), form=ConfirmForm()
    )


@bp.post("/notifications/read")
@login_required
def notifications_read():
    form = ConfirmForm()
    if form.validate_on_submit():
        mark_notifications_read(current_user)
    return redirect(url_for("core.notifications"))
