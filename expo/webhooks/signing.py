"""Standard Webhooks signatures (https://www.standardwebhooks.com): the secret, the headers, the check.

``webhook-signature`` is ``v1,`` followed by the base64 HMAC-SHA256 of ``"{id}.{timestamp}.{body}"``
keyed with the base64-decoded part of the ``whsec_`` secret. The ``standardwebhooks`` package is not
on the package index this project installs from, and the scheme is a dozen lines of the standard
library, so it is written out here; ``verify`` is what a receiver (and the tests) run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
# A receiver refuses messages whose timestamp is further than this from its clock (replay attacks).
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    pass


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }


def verify(secret: str, body: bytes, received: dict[str, str], now: float | None = None) -> None:
    """Raise InvalidSignature unless one of the (space-separated) v1 signatures matches a fresh timestamp."""
    lowered = {name.lower(): value for name, value in received.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split(" ")
    except (KeyError, ValueError):
        raise InvalidSignature("missing or malformed webhook headers") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp too far from now")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidSignature("no signature matches")
