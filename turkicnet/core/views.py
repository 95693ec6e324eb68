"""Health, hashed static assets and the notifications page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from . import assets
from .forms import ConfirmForm
from .services import database_ok, mark_notifications_read, notifications_page

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    ok, detail = database_ok()
    payload = {"status": "ok" if ok else "error", "database": "ok" if ok else "error", "engine": detail}
    return jsonify(payload), 200 if ok else 503


@bp.get("/assets/<path:name>")
def asset(name: str):
    filename = assets.resolve(name)
    if filename is None:
        abort(404)
    return send_from_directory(current_app.static_folder, filename, max_age=365 * 24 * 3600)


@bp.get("/notifications")
@login_required
def notifications():
    page = request.args.get("page", 1, type=int)
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
