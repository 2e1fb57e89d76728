"""The code a badge's QR carries: which edition, which person, which printing of their badge.

A badge code is signed (itsdangerous, the app's SECRET_KEY with its own salt) so it cannot be
forged or altered, and carries the badge's serial so that reprinting a lost badge makes the old
one worthless. Whether a genuine code is still valid (the person still holds a badge with that
serial, the edition has not ended) is asked of the database, or offline of the list of valid codes
the check-in app loaded before the doors opened: never of the code alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from expo.lib.rules import RuleBroken

BADGE_PREFIX = "EXPOB1."


class BadgeCodeError(RuleBroken):
    """The scanned text is not a genuine badge code; the message is safe to show at the door."""


@dataclass(frozen=True)
class BadgeClaim:
    """What a genuine badge code says; still to be checked against the badge it names."""

    edition_id: int
    user_id: int
    serial: int


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="expo.badges.badge")


def badge_payload(edition_id: int, user_id: int, serial: int) -> str:
    """The text of the badge's QR code."""
    return BADGE_PREFIX + _serializer().dumps([edition_id, user_id, serial])


def is_badge_payload(payload: str) -> bool:
    """Whether a scan looks like a badge (rather than a session ticket); says nothing of genuineness."""
    return payload.strip().startswith(BADGE_PREFIX)


def read_badge_payload(payload: str) -> BadgeClaim:
    payload = payload.strip()
    if not payload.startswith(BADGE_PREFIX):
        raise BadgeCodeError(_("This is not an Expo badge."))
    try:
        values = _serializer().loads(payload[len(BADGE_PREFIX) :])
    except BadSignature:
        raise BadgeCodeError(_("This badge is not genuine: its signature does not match.")) from None
    if not (isinstance(values, list) and len(values) == 3 and all(type(v) is int for v in values)):
        raise BadgeCodeError(_("This badge is not genuine: its signature does not match."))
    return BadgeClaim(*values)


def code_digest(payload: str) -> str:
    """A scan's fingerprint for offline lists: the device learns which codes are valid without
    holding the key that makes them (SHA-256 of the stripped text, hex)."""
    return hashlib.sha256(payload.strip().encode()).hexdigest()
