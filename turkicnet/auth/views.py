"""Account pages: register, verify, log in and out, reset, profile."""

import hashlib

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from ..core.csrf import keeps_typed_input
from ..core.errors import InvalidState, NotFound, ValidationFailed
from ..core.formatting import TIME_ZONES, center_zone
from ..core.forms import ConfirmForm
from ..core.mail import OPTIONAL_CATEGORIES
from ..core.permissions import forget_current_viewer
from ..core.webutil import attach_error, is_safe_next, redirect_next
from ..extensions import LANGUAGE_COOKIE, limiter
from . import services, sessions
from .forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LoginForm,
    MailPreferencesForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")

#: A year: the language a visitor chose is remembered as a browser remembers any setting.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def _login_account_key() -> str:
    """The key of the failure limit on one account: the account *and* the client's address.

    Counted this way, an attacker who trips an account's limit blocks only their own
    address: the owner logging in from anywhere else is not locked out (F-02). From the
    attacker's address the account stays refused until the window passes, even with the
    right password: the limit is checked before the password is, so it cannot tell the
    owner from a guesser there, and a shared address gets the separate, higher
    ``LOGIN_LIMIT_PER_IP``, which counts every attempt from it. Someone guessing one
    account from many addresses is held by each address's limits, by Argon2's cost and by
    the strength rules of the password itself. The address is the client's own (with
    ``PROXY_FIX`` set, the one the trusted proxy saw); the e-mail address enters the key
    as a digest, so the counter store holds no addresses.
    """
    email = services.normalise_email(request.form.get("email", ""))
    digest = hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]
    return f"login-account:{digest}:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
@keeps_typed_input
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = form.email.data or request.args.get("email", "")
    if form.validate_on_submit():
        if form.website_url.data:
            form.form_errors.append(_("Your form could not be accepted. Please try again."))
        else:
            try:
                services.register_user(
                    email=form.email.data,
                    full_name=form.full_name.data,
                    position=form.position.data or "",
                    password=form.password.data,
                    preferred_language=form.preferred_language.data,
                    next_path=form.next.data if is_safe_next(form.next.data) else "",
                )
            except ValidationFailed as error:
                attach_error(form, error)
            else:
                return render_template(
                    "auth/check_email.html", email=services.normalise_email(form.email.data)
                )
    return render_template("auth/register.html", form=form)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    # Opening the link shows a button; only pressing it confirms, so that mail scanners
    # that follow links change nothing.
    form = ConfirmForm()
    try:
        user = services.user_for_verification_token(token)
        if not form.validate_on_submit():
            return render_template("auth/verify.html", form=form, email=user.email)
        services.verify_email(token)
    except InvalidState as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    next_path = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_path if is_safe_next(next_path) else url_for("auth.profile"))
    return redirect(url_for("auth.login", next=next_path if is_safe_next(next_path) else None))


@bp.post("/verify/resend")
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.resend_verification(current_user)
        except InvalidState as error:
            flash(error.message, "info")
        else:
            flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/login", methods=["GET", "POST"])
@keeps_typed_input
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect_next("auth.profile")
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            services.log_in(user, form.password.data)
            remember = form.remember.data and sessions.may_be_remembered(user)
            session.clear()  # a fresh session on login: nothing planted before survives
            login_user(user, remember=remember)
            sessions.start()
            forget_current_viewer()
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            if form.remember.data and not remember:
                flash(
                    _(
                        "You were not kept logged in: administrators and people who may sign "
                        "for a center log in each time."
                    ),
                    "info",
                )
            return redirect_next("auth.profile")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if current_user.is_authenticated and form.validate_on_submit():
        services.log_out(current_user)
        # Cleared first: logout_user leaves the session a note to delete the remember-me cookie.
        session.clear()
        logout_user()
        forget_current_viewer()
        flash(_("You are logged out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/reset", methods=["GET", "POST"])
@keeps_typed_input
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=services.normalise_email(form.email.data))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@keeps_typed_input
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except InvalidState as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationFailed as error:
            attach_error(form, error)
        except InvalidState as error:
            return render_template("auth/link_problem.html", message=error.message), 400
        else:
            session.clear()
            logout_user()  # also deletes a remember-me cookie, which the new password made stale
            forget_current_viewer()
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


def _mail_form(data=None) -> MailPreferencesForm:
    # Shown with saved choices, the form must not read another form's POST: a missing
    # checkbox there would show every category switched off.
    form = MailPreferencesForm() if data is None else MailPreferencesForm(formdata=None, data=data)
    form.receive.choices = [SelectChoice(key, str(label)) for key, label in OPTIONAL_CATEGORIES.items()]
    return form


def _render_profile(profile_form=None, password_form=None, mail_form=None, status=200):
    if mail_form is None:
        receiving = [key for key in OPTIONAL_CATEGORIES if key not in (current_user.mail_opt_outs or [])]
        mail_form = _mail_form({"receive": receiving})
    if profile_form is None:
        profile_form = ProfileForm(obj=current_user, formdata=None)
        # No choice of one's own (or one no longer offered) selects the center's country's.
        if profile_form.time_zone.data not in TIME_ZONES:
            profile_form.time_zone.data = ""
        profile_form.offer_centers_zone(center_zone(current_user))
    return render_template(
        "auth/profile.html",
        profile_form=profile_form,
        password_form=password_form or ChangePasswordForm(formdata=None),
        mail_form=mail_form,
        resend_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/profile")
@login_required
def profile():
    return _render_profile()


@bp.post("/profile")
@keeps_typed_input
@login_required
def update_profile():
    form = ProfileForm()
    form.offer_centers_zone(center_zone(current_user))
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                full_name=form.full_name.data,
                position=form.position.data or "",
                preferred_language=form.preferred_language.data,
                time_zone=form.time_zone.data,  # None: not sent, kept; "": the center's
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("auth.profile"))
    return _render_profile(profile_form=form, status=400)


@bp.post("/profile/password")
@keeps_typed_input
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # The user itself, not the proxy: handed to login_user, the proxy would become its
        # own target and every later read of current_user would recurse without end.
        user = current_user._get_current_object()
        try:
            services.change_password(
                user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            # Other sessions ended with the old generation; this one carries on.
            login_user(user)
            forget_current_viewer()
            flash(_("Your password was changed. Other sessions were logged out."), "success")
            return redirect(url_for("auth.profile"))
    return _render_profile(password_form=form, status=400)


@bp.post("/profile/mail")
@keeps_typed_input
@login_required
def mail_preferences():
    form = _mail_form()
    if form.validate_on_submit():
        services.set_mail_preferences(current_user, receive=set(form.receive.data or []))
        flash(_("Your e-mail preferences were saved."), "success")
        return redirect(url_for("auth.profile"))
    return _render_profile(mail_form=form, status=400)


# ---------------------------------------------------------------- API tokens


def _render_tokens(form=None, *, new_token: str = "", status: int = 200):
    response = make_response(
        render_template(
            "auth/tokens.html",
            tokens=services.list_personal_tokens(current_user),
            form=form or ApiTokenForm(formdata=None),
            new_token=new_token,
            revoke_url=lambda token: url_for("auth.revoke_token", token_id=token.id),
            confirm_form=ConfirmForm(formdata=None),
        ),
        status,
    )
    # The new token is in this page and nowhere else (no flash, no session): keep no copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tokens")
@login_required
def tokens():
    return _render_tokens()


@bp.post("/tokens")
@keeps_typed_input
@login_required
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _token, raw = services.create_personal_token(
                current_user,
                name=form.name.data,
                scopes=form.scopes.data,
                expires_in_days=form.expires_in_days.data,
            )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            return _render_tokens(new_token=raw)
    return _render_tokens(form, status=400)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = services.get_personal_token(current_user, token_id)
    try:
        services.revoke_personal_token(current_user, token)
    except InvalidState as error:
        flash(error.message, "error")
    else:
        flash(_("The token %(prefix)s was revoked.", prefix=token.prefix), "success")
    return redirect(url_for("auth.tokens"))


@bp.route("/language/<code>", methods=["GET", "POST"])
def language(code: str):
    """The switcher: a visitor's link sets a cookie (no session, the page stays cacheable); a
    signed-in person's button saves the choice as their preference too."""
    if code not in current_app.config["LANGUAGES"]:
        raise NotFound(_("No such language."))
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        services.choose_language(current_user, code)
    response = redirect_next("site.home")
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)  # fmt: skip
    return response
