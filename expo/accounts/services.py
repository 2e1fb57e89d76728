"""Account use cases: sign-up, confirmation, log-in, password reset, profile, admin creation.

Services flush and never commit; the caller (a view or a CLI command) commits once. Log-in and the
e-mails sent to an address are throttled through ``throttle`` (its docstring states the policy).
Password hashing is slow on purpose, so it runs with no transaction open (expo.transactions): the
rows it decides about are read before and written after, in short transactions.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from expo.accounts import throttle
from expo.accounts.devices import Device
from expo.accounts.models import EditionRole, User, new_session_token
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.db_types import utcnow
from expo.extensions import db
from expo.lib.ranges import parse_id
from expo.lib.rules import RuleBroken
from expo.lib.urls import external_url
from expo.notifications.services import queue_email
from expo.permissions import can_manage_roles, ensure
from expo.transactions import end_read_transaction

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


@lru_cache(maxsize=4)
def _hasher_for(params: tuple[tuple[str, int], ...]) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(**dict(params))
    # Verifying against this keeps the timing the same whether or not an account exists.
    return hasher, hasher.hash("not-a-real-password")


def _password_hasher() -> tuple[PasswordHasher, str]:
    """argon2id with the library's defaults; tests lower the cost through PASSWORD_HASH_PARAMS."""
    return _hasher_for(tuple(sorted(current_app.config.get("PASSWORD_HASH_PARAMS", {}).items())))


class AccountError(RuleBroken):
    """A problem the user can fix; the message is safe to show."""


class InvalidCredentials(AccountError):
    pass


class EmailNotConfirmed(AccountError):
    pass


class InvalidToken(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class TooManyFailures(AccountError):
    """Too many wrong passwords for this account from this address (or from this address at all):
    the address waits ``retry_after`` seconds. Answered with a 429 page, not a form."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class SlowDown(AccountError):
    """The account is being guessed at: an unknown device waits ``retry_after`` seconds."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, field="password")
        self.retry_after = retry_after


class AskedTooSoon(AccountError):
    """The address had its share of confirmation or reset e-mails lately; nothing more is sent.
    The message reads the same whether or not the address has an account."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, field="email")
        self.retry_after = retry_after


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _take_mail_slot(purpose: str, email: str) -> None:
    wait = throttle.take_mail_slot(purpose, email)
    if wait:
        raise AskedTooSoon(
            _(
                "We sent a message to this address a short while ago. Look in its inbox and spam folder, "
                "or wait %(minutes)s minutes before asking again.",
                minutes=_minutes(wait),
            ),
            retry_after=wait,
        )


@dataclass(frozen=True)
class ProfileData:
    name: str
    organisation: str = ""
    job_title: str = ""
    country: str | None = None
    timezone: str = "UTC"
    language: str = "en"
    # The profile's privacy choice for leads; None (sign-up) keeps the default.
    share_contact_with_booths: bool | None = None
    # Whether a booth team scanning the badge sees who they are; None keeps the current choice.
    share_contact_on_badge_scan: bool | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _password_hasher()[0].hash(password)


def check_password_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(_("Use at most %(count)s characters.", count=MAX_PASSWORD_LENGTH))
    if email and password.strip().lower() == normalise_email(email):
        raise WeakPassword(_("Your password must not be your e-mail address."))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"expo.accounts.{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _load_token(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it.")) from exc


def confirmation_token(user: User) -> str:
    return _serializer("confirm").dumps({"uid": user.id, "email": user.email})


def reset_token(user: User) -> str:
    # The password-hash fingerprint makes the link single-use: it dies once the password changes.
    return _serializer("reset").dumps({"uid": user.id, "fp": _fingerprint(user.password_hash)})


def sign_up(*, email: str, password: str, profile: ProfileData) -> User | None:
    """Create an unconfirmed account and send the confirmation e-mail.

    When the address already has an account, its owner is told by e-mail instead and None is
    returned; the page the visitor sees is the same either way, so sign-up reveals nothing.
    Raises AskedTooSoon, creating nothing, when the address had its share of confirmation
    e-mails (sign-ups and resends, whether or not they found an account) lately.
    """
    email = normalise_email(email)
    check_password_strength(password, email=email)
    _take_mail_slot("confirm", email)
    # Hashed before anything is read, and also for a known address: that page takes as long.
    end_read_transaction()
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        day = utcnow().date().isoformat()
        queue_email(
            recipient=existing.email,
            kind="account.signup_existing",
            template="signup_existing",
            dedupe_key=f"signup-existing:{existing.id}:{day}",
            context={
                "user": existing,
                "login_url": external_url("accounts.login"),
                "reset_url": external_url("accounts.request_reset"),
            },
            language=existing.language,
            user_id=existing.id,
        )
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        name=profile.name.strip(),
        organisation=profile.organisation.strip(),
        job_title=profile.job_title.strip(),
        country=profile.country or None,
        timezone=profile.timezone,
        language=profile.language,
        share_contact_on_badge_scan=bool(profile.share_contact_on_badge_scan),
    )
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    if user.email_confirmed:
        return
    token = confirmation_token(user)
    queue_email(
        recipient=user.email,
        kind="account.confirm",
        template="confirm_email",
        dedupe_key=f"confirm:{user.id}:{_fingerprint(token)}",
        context={"user": user, "confirm_url": external_url("accounts.confirm_email", token=token)},
        language=user.language,
        user_id=user.id,
    )


def resend_confirmation(email: str) -> None:
    """Send a new confirmation link if the address has an unconfirmed account. Raises
    AskedTooSoon when the address had its share of confirmation e-mails lately, account or not."""
    _take_mail_slot("confirm", normalise_email(email))
    user = find_user_by_email(email)
    if user is not None and not user.email_confirmed:
        send_confirmation(user)


def confirm_email(token: str) -> User:
    data = _load_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken(_("This link is not valid. Check that you copied all of it."))
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    return user


def log_in(email: str, password: str, *, address: str, device: Device | None = None) -> User:
    """Check the credentials under the throttle: raises TooManyFailures (this address waits),
    SlowDown (the account is being guessed at from elsewhere; this unknown device waits a few
    seconds), InvalidCredentials (counted) or EmailNotConfirmed (not a failure: the password was
    right). A device that logged in to this account before skips the address and account counts.

    Unknown addresses are counted and slowed exactly like accounts, so the throttle reveals nothing.
    """
    account = normalise_email(email)
    user = find_user_by_email(account)
    trusted = (
        device is not None
        and user is not None
        and device.knows(user.id)
        and throttle.device_in_good_standing(account, device.id)
    )
    if not trusted:
        wait = throttle.lockout_seconds(account, address)
        if wait:
            raise TooManyFailures(
                _(
                    "Too many wrong passwords from your network. Wait %(minutes)s minutes, or choose a new "
                    'password through "Forgot your password?".',
                    minutes=_minutes(wait),
                ),
                retry_after=wait,
            )
        wait = throttle.slowdown_seconds(account)
        if wait:
            raise SlowDown(
                _(
                    "This account has had many wrong passwords lately. To protect it, try again in "
                    "%(seconds)s seconds.",
                    seconds=wait,
                ),
                retry_after=wait,
            )
    try:
        return authenticate(user, password)
    except InvalidCredentials:
        throttle.record_login_failure(account, address, device.id if trusted else None)
        raise


def authenticate(found: User | None, password: str) -> User:
    """Check the password of the account found for an address (None: no account there); the same
    message and the same work for an unknown address and a wrong password. The hash is checked
    with no transaction open, and the account read again before it is written."""
    user_id, stored_hash = (found.id, found.password_hash) if found else (None, None)
    end_read_transaction()
    hasher, dummy_hash = _password_hasher()
    try:
        hasher.verify(stored_hash or dummy_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials(_("The e-mail address or password is not right.")) from None
    new_hash = hash_password(password) if user_id and hasher.check_needs_rehash(stored_hash) else None
    # Read again in the transaction that writes: a password changed meanwhile no longer lets this one in.
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.is_disabled or user.password_hash != stored_hash:
        raise InvalidCredentials(_("The e-mail address or password is not right."))
    if not user.email_confirmed:
        raise EmailNotConfirmed(
            _("Confirm your e-mail address first: follow the link we sent you, or ask for a new one.")
        )
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; the caller shows the same page regardless.
    Raises AskedTooSoon when the address had its share of reset e-mails lately, account or not."""
    _take_mail_slot("reset", normalise_email(email))
    user = find_user_by_email(email)
    if user is None or user.is_disabled:
        return
    token = reset_token(user)
    queue_email(
        recipient=user.email,
        kind="account.reset_password",
        template="reset_password",
        dedupe_key=f"reset:{user.id}:{_fingerprint(token)}",
        context={
            "user": user,
            "reset_url": external_url("accounts.reset_password", token=token),
            "valid_minutes": current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
        },
        language=user.language,
        user_id=user.id,
    )


def user_for_reset_token(token: str) -> User:
    data = _load_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.is_disabled or data.get("fp") != _fingerprint(user.password_hash):
        raise InvalidToken(_("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_password_strength(new_password, email=user.email)
    end_read_transaction()
    new_hash = hash_password(new_password)
    # Checked again in the transaction that writes: the link works once, even for two clicks at a time.
    user = user_for_reset_token(token)
    user.password_hash = new_hash
    # Following the link proves the address, and every old session ends.
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    end_all_sessions(user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    stored_hash, email = user.password_hash, user.email
    end_read_transaction()
    try:
        _password_hasher()[0].verify(stored_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials(_("Your current password is not right.")) from None
    check_password_strength(new_password, email=email)
    new_hash = hash_password(new_password)
    # Reloaded in the transaction that writes: if the password changed meanwhile, the one given is stale.
    if user.password_hash != stored_hash:
        raise InvalidCredentials(_("Your current password is not right."))
    user.password_hash = new_hash
    end_all_sessions(user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie and remember-me cookie issued so far for this user."""
    user.session_token = new_session_token()


def update_profile(user: User, profile: ProfileData) -> None:
    user.name = profile.name.strip()
    user.organisation = profile.organisation.strip()
    user.job_title = profile.job_title.strip()
    user.country = profile.country or None
    user.timezone = profile.timezone
    user.language = profile.language
    if profile.share_contact_with_booths is not None:
        user.share_contact_with_booths = profile.share_contact_with_booths
    if profile.share_contact_on_badge_scan is not None:
        set_badge_scan_consent(user, profile.share_contact_on_badge_scan)


def set_badge_scan_consent(user: User, consent: bool) -> None:
    """The person's choice, at sign-up, registration or in their profile: whether an exhibitor team
    that scans their badge at its stand sees their contact details (expo.leads.stand_scans). It
    applies to the scans made before too: withdrawn, the teams see their organisation and country only."""
    user.share_contact_on_badge_scan = bool(consent)


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's user loader: the cookie holds '<id>:<session token>'."""
    user_id, _, token = session_id.partition(":")
    if parse_id(user_id) is None or not token:
        return None
    # With the roles: every signed-in page's navigation and permission checks read them, and a
    # join costs less than the second statement their lazy load would be.
    user = db.session.get(User, int(user_id), options=[joinedload(User.roles)])
    if user is None or user.session_token != token or user.is_disabled:
        return None
    return user


def create_admin(*, email: str, password: str, name: str) -> User:
    """Make (or promote) an administrator from the shell; the address counts as confirmed."""
    email = normalise_email(email)
    check_password_strength(password, email=email)
    end_read_transaction()
    password_hash = hash_password(password)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash)
        db.session.add(user)
    else:
        user.password_hash = password_hash
        end_all_sessions(user)
    user.is_admin = True
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.flush()
    return user


def _role_fields(role: EditionRole) -> dict:
    return {
        "role": role.kind,
        "edition_id": role.edition_id,
        "edition": role.edition.name if role.edition is not None else None,
    }


def find_accounts(actor: User, text: str = "") -> Select:
    """Accounts whose e-mail address, name or organisation contains ``text`` (any case), newest
    first, for an administrator to page through; ``%`` and ``_`` in the text are matched as typed."""
    ensure(can_manage_roles(actor))
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    text = text.strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (User.email, User.name, User.organisation)
                )
            )
        )
    return statement


def grant_organizer(actor: User, user: User, edition_id: int | None) -> EditionRole:
    """Make ``user`` an organizer of one edition (None: of every edition); granting it again keeps
    the role they have."""
    ensure(can_manage_roles(actor))
    for role in user.roles:
        if role.kind == EditionRole.ORGANIZER and role.edition_id == edition_id:
            return role
    role = EditionRole(user=user, edition_id=edition_id, kind=EditionRole.ORGANIZER)
    db.session.add(role)
    db.session.flush()
    record(actor, AuditAction.ORGANIZER_GRANTED, user, edition_id=edition_id, before=None, after=_role_fields(role))
    return role


def revoke_role(actor: User, role: EditionRole) -> None:
    ensure(can_manage_roles(actor))
    action = AuditAction.ORGANIZER_REVOKED if role.kind == EditionRole.ORGANIZER else AuditAction.CHECKIN_STAFF_REMOVED
    record(actor, action, role.user, edition_id=role.edition_id, before=_role_fields(role), after=None)
    db.session.delete(role)
    db.session.flush()


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
