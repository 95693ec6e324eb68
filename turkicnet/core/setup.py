"""The pieces of ``create_app`` that belong to no feature: extensions, error handlers,
request hooks, template helpers."""

import logging
from pathlib import Path

from flask import Flask, g, has_request_context, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale, select_timezone
from . import audit, converters, database, faults, problems, request_id
from . import csrf as csrf_gate
from .database import install_sqlite_rules, is_unavailable
from .db import discard
from .errors import ServiceError, ValidationFailed

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_extensions(app: Flask) -> None:
    """Bind the extensions to ``app``; nothing here knows a feature."""
    # Before any feature adds a rule: every ``<int:…>`` is then a bounded id.
    converters.install(app)
    # Before any feature's hook: whatever a hook logs carries the request's id.
    request_id.install(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    database.let_db_check_build_a_missing_sqlite_database()
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    # TURKICNET_PROXY_FIX: how many proxies in front set X-Forwarded-For/-Proto/-Host; 0 trusts none.
    if app.config["PROXY_FIX"]:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            install_sqlite_rules(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT"])


def _render_error(code: int, message: str = "", **members):
    if problems.speaks_problems():
        return problems.problem(code, message, **members)
    return render_template(f"errors/{code}.html", message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Never runs a view: the gate (core/csrf.py) refused the request before its view,
        # after every gate the route has; a form view shows its form again by itself.
        return _render_error(400, _("The form was too old or was not sent from this site. Please try again."))

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        code = error.status_code if error.status_code in (403, 404, 409, 410, 413) else 400
        members = {}
        if problems.speaks_problems():
            # A client reads the status: an invalid field is 422 and names the field.
            code = error.status_code if error.status_code in (403, 404, 409, 410, 413, 422) else 400
            if isinstance(error, ValidationFailed):
                members["errors"] = [{"field": error.field, "message": str(error.message)}]
        # A signed-in person refused something that exists is worth a line in the audit
        # log; a visitor's 404s on public pages are not.
        if error.refusal is not None and current_user.is_authenticated:
            # The rule, not the path: a path may hold a live token (an invitation, a reset).
            rule = request.url_rule.rule if request.url_rule is not None else "?"
            audit.record_refusal(current_user, error.refusal, method=request.method, path=rule)
        return _render_error(code, error.message, **members)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code in (400, 403, 404, 405, 410, 413, 429) or (problems.speaks_problems() and code < 500):
            response = app.make_response(_render_error(code))
            for name in ("Retry-After", "Allow"):  # a 429's wait, a 405's methods
                if error.get_response().headers.get(name):
                    response.headers[name] = error.get_response().headers[name]
            return response
        return error

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error):
        # Only a busy or unreachable database is a 503; any other database error is a
        # mistake, and goes on to the 500 page (and, in tests, to the test).
        if not is_unavailable(error):
            raise error
        log.warning("database unavailable on %s %r: %s", request.method, request.path,
                    getattr(error, "orig", None) or error)  # fmt: skip
        discard()
        return faults.unavailable_response()

    @app.errorhandler(500)
    def server_error(error):
        log.exception("unhandled error on %s %r", request.method, request.path)
        discard()
        return _render_error(500)


def _holds_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def register_request_hooks(app: Flask) -> None:
    """The hooks that must come after every feature's: the CSRF gate, the security headers."""
    csrf_gate.install(app)

    @app.before_request
    def refuse_nul_bytes():
        # No address holds a NUL, and PostgreSQL refuses one in any text value. A form's NUL is
        # dropped by the form itself (``core.forms.Form``), so what was typed is kept.
        if "\x00" in request.path or _holds_nul(request.args):
            return _render_error(400, _("The address held a NUL character, which no address holds."))

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Every page may differ by cookie and by the language the browser asks for (the switcher's
        # cookie, else Accept-Language, chooses it). One that is someone's own is never stored: a page
        # about an unavailable database (it may carry what a person typed, and reads no
        # user), a logged-in person's, and one carrying a CSRF token or writing a session.
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
        if (
            faults.database_unavailable()
            or current_user.is_authenticated
            or session.modified
            or app.config["WTF_CSRF_FIELD_NAME"] in g
        ):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _this_page() -> str:
    """This page's path and query, to come back to (``/centers?country=KZ``)."""
    return request.full_path.removesuffix("?")


def _csrf_field(form):
    """The form's CSRF input, with no ``id`` (a page of several forms would repeat it, and a hidden
    input is never a label's target); nothing when CSRF is switched off (as in most tests)."""
    field = getattr(form, "csrf_token", None)
    return field(id=False) if field is not None else ""


def register_template_helpers(app: Flask) -> None:
    """The helpers every template may use; features add their own in their ``init_app``."""
    from . import assets, audit_text, formatting, notifications
    from .forms import form_failed
    from .languages import (
        INTERFACE_LANGUAGES,
        LANGUAGE_NAMES,
        content_lang,
        country_name,
        file_size,
        html_lang,
        language_name,
        language_names,
        localized,
        national_lang,
    )
    from .permissions import current_viewer
    from .timeutil import utcnow

    app.jinja_env.globals.update(
        asset_url=assets.asset_url,
        get_locale=get_locale,
        html_lang=html_lang,
        content_lang=content_lang,
        national_lang=national_lang,
        file_size=file_size,
        country_name=country_name,
        this_page=_this_page,
        interface_languages=INTERFACE_LANGUAGES,
        csrf_field=_csrf_field,
        form_failed=form_failed,
        render_notification=notifications.render,
        now_utc=utcnow,
        own_language_names=LANGUAGE_NAMES,
        language_name=language_name,
        language_names=language_names,
        audit_action_label=audit_text.action_label,
        audit_target=audit_text.target_text,
        audit_details=audit_text.details,
        audit_code=audit_text.as_code,
        current_viewer=current_viewer,
        database_unavailable=faults.database_unavailable,
        moment=formatting.time_html,
        day=formatting.day_html,
        format_moment=formatting.format_moment,
        format_day=formatting.format_day,
        format_number=formatting.format_number,
        utc_stamp=formatting.utc_stamp,
        localized=localized,
    )

    @app.context_processor
    def unread_notices():
        from .services import unread_notification_count

        if has_request_context() and not faults.database_unavailable() and current_user.is_authenticated:
            return {"unread_count": lambda: unread_notification_count(current_user)}
        return {"unread_count": lambda: 0}
