"""Sign-up, confirmation, log-in and out, password reset and the user's own profile."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user, login_required, login_user, logout_user

from expo.accounts import services
from expo.accounts.devices import device_of, remember_device
from expo.accounts.forms import (
    ChangePasswordForm,
    ConfirmActionForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SignUpForm,
)
from expo.errors import render_error
from expo.extensions import client_address, db, limiter
from expo.i18n import browser_timezone, canonical_timezone, select_locale
from expo.lib.rules import show_as_message, show_on_form
from expo.lib.urls import safe_next_path
from expo.transactions import writes_database

bp = Blueprint("accounts", __name__)


# Requests per client address; failed log-ins and the mails an address receives are counted in
# the services (expo/accounts/throttle.py), where successes cost nothing.
def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _retry_after(response, seconds: int):
    response.headers["Retry-After"] = str(seconds)
    return response


def _start_session(user, remember: bool = False) -> None:
    """A fresh session on every log-in: nothing from before survives but the language choice."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(user, remember=remember)
    # The request chose its language and time zone before anyone was signed in: the messages that
    # follow ("Welcome back") speak the account's language.
    refresh_locale()


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignUpForm()
    if request.method == "GET":
        form.language.data = select_locale()  # the language this page is in
        form.timezone.data = canonical_timezone(browser_timezone() or "UTC")  # the zone the browser reported
    if form.validate_on_submit():
        try:
            services.sign_up(email=form.email.data, password=form.password.data, profile=form.profile_data())
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        except services.AskedTooSoon as exc:
            show_on_form(form, exc)
            return _retry_after(
                make_response(render_template("accounts/sign_up.html", form=form), exc.status), exc.retry_after
            )
        else:
            db.session.commit()
            session["pending_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_inbox"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/signup/check-inbox", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def check_inbox():
    form = EmailOnlyForm()
    if request.method == "GET" and session.get("pending_email"):
        form.email.data = session["pending_email"]
    if form.validate_on_submit():
        try:
            services.resend_confirmation(form.email.data)
        except services.AskedTooSoon as exc:
            show_as_message(exc, "info")
        else:
            db.session.commit()
            flash(_("If that address has an unconfirmed account, a new confirmation link is on its way."), "info")
        return redirect(url_for("accounts.check_inbox"))
    return render_template("accounts/check_inbox.html", form=form)


@bp.route("/confirm/<token>")
@writes_database
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
    except services.InvalidToken as exc:
        db.session.rollback()
        return render_template("accounts/token_problem.html", message=str(exc)), 400
    db.session.commit()
    flash(_("Thank you, %(name)s: your e-mail address is confirmed. You can log in now.", name=user.name), "success")
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.show_dashboard"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    unconfirmed = False
    if form.validate_on_submit():
        device = device_of(request)
        try:
            user = services.log_in(form.email.data, form.password.data, address=client_address(), device=device)
        except services.TooManyFailures as exc:
            db.session.rollback()
            return _retry_after(make_response(render_error(exc.status, str(exc))), exc.retry_after)
        except services.SlowDown as exc:
            show_on_form(form, exc)
            page = render_template("accounts/login.html", form=form, unconfirmed=False)
            return _retry_after(make_response(page, exc.status), exc.retry_after)
        except services.EmailNotConfirmed as exc:
            form.email.errors.append(str(exc))
            unconfirmed = True
        except services.InvalidCredentials as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            response = redirect(safe_next_path(request.args.get("next")) or url_for("dashboard.show_dashboard"))
            remember_device(response, device, user.id)
            return response
    return render_template("accounts/login.html", form=form, unconfirmed=unconfirmed)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("core.home"))
    # Logging out ends this user's sessions everywhere, remember-me cookies included.
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def request_reset():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        # The same answers whether or not the address has an account.
        try:
            services.request_password_reset(form.email.data)
        except services.AskedTooSoon as exc:
            show_as_message(exc, "info")
        else:
            db.session.commit()
            flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except services.InvalidToken as exc:
        return render_template("accounts/token_problem.html", message=str(exc)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        except services.InvalidToken as exc:  # used meanwhile: a second click of the same form
            db.session.rollback()
            return render_template("accounts/token_problem.html", message=str(exc)), 400
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password is changed and your other sessions have ended. Log in with the new one."), "success")
            response = redirect(url_for("accounts.login", email=user.email))
            # Following the link proved the mailbox: this browser logs in even while the account is under attack.
            remember_device(response, device_of(request), user.id)
            return response
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.profile_data())
        db.session.commit()
        session["language"] = current_user.language
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, end_sessions_form=ConfirmActionForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.InvalidCredentials as exc:
            form.current_password.errors.append(str(exc))
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_other_sessions():
    form = ConfirmActionForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.end_all_sessions(user)
        db.session.commit()
        _start_session(user)
        flash(_("You are now signed in on this device only."), "success")
    return redirect(url_for("accounts.profile"))
