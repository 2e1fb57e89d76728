"""Known devices: a browser where an account has logged in (or reset its password) before.

OWASP's "slow down online guessing attacks with device cookies": a signed, long-lived, HttpOnly
cookie names the browser (a random id) and the accounts that logged in on it (at most five, by id).
A correct password from a known device gets in even while strangers are slowed down on that
account; the device's own failures are counted against the device (see ``throttle``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import Request, Response, current_app
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "expo_device"
MAX_AGE_SECONDS = 365 * 24 * 3600
MAX_ACCOUNTS = 5


@dataclass(frozen=True)
class Device:
    id: str
    user_ids: tuple[int, ...] = field(default=())

    def knows(self, user_id: int) -> bool:
        return user_id in self.user_ids


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="expo.accounts.device")


def device_of(request: Request) -> Device | None:
    """The device the request's cookie names; None without a cookie, or with a forged or stale one."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
        device_id, user_ids = data["d"], data["u"]
    except (BadData, KeyError, TypeError):
        return None
    if (
        not isinstance(device_id, str)
        or not isinstance(user_ids, list)
        or not all(isinstance(uid, int) for uid in user_ids)
    ):
        return None
    return Device(id=device_id, user_ids=tuple(user_ids[:MAX_ACCOUNTS]))


def remember_device(response: Response, device: Device | None, user_id: int) -> None:
    """Mark this browser as known for ``user_id`` (most recent first), renewing the cookie's year."""
    device_id = device.id if device else secrets.token_urlsafe(16)
    others = [uid for uid in (device.user_ids if device else ()) if uid != user_id]
    value = _serializer().dumps({"d": device_id, "u": [user_id, *others][:MAX_ACCOUNTS]})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
