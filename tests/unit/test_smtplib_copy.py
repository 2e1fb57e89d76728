"""The copy of smtplib's DATA command in expo.notifications.mailer (``_EndOfDataHook.data``), checked
on every Python version the project allows.

The copy reuses smtplib's private helpers (``_fix_eols``, ``_quote_periods``, ``bCRLF``) and
follows ``smtplib.SMTP.data`` line by line, split before the final "." so delivery can record the
hand-over first. A Python whose smtplib differs could break it silently, so: each version that
``requires-python`` in pyproject.toml allows must have the source it was checked against recorded
in FOLLOWED below, the running Python must be one of them (CI runs each), and on it the copy must
send exactly what smtplib sends.

Raising the cap in pyproject.toml fails the first test until the new version's
``smtplib.SMTP.data`` has been read, the copy made to agree, and its fingerprint recorded here
(print it with ``python -c "from tests.unit.test_smtplib_copy import fingerprint; print(fingerprint())"``).
"""

from __future__ import annotations

import hashlib
import inspect
import re
import smtplib
import sys
import tomllib
from pathlib import Path

import pytest

from expo.notifications import mailer

ROOT = Path(__file__).resolve().parents[2]

# sha256 of smtplib.SMTP.data's code (docstring, comments and blank lines left out), per version.
FOLLOWED = {
    (3, 11): "6e8ad8b9a1ac34ec3bce1a7f7c1e13db4d7a2f4166a5ccb7c95208b1a8f40d46",
}


def allowed_versions() -> list[tuple[int, int]]:
    """The Python 3 minor versions ``requires-python`` allows: a lower bound ``>=3.X`` and a cap ``<3.Y``."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    lower = re.search(r">=\s*3\.(\d+)", spec)
    upper = re.search(r"<\s*3\.(\d+)", spec)
    assert lower and upper, f"requires-python {spec!r} must have a lower bound and a cap: >=3.X,<3.Y"
    return [(3, minor) for minor in range(int(lower.group(1)), int(upper.group(1)))]


def fingerprint() -> str:
    source = inspect.getsource(smtplib.SMTP.data)
    source = re.sub(r'"""(?:.|\n)*?"""', "", source)
    lines = [line.split("#")[0].rstrip() for line in source.splitlines()]
    return hashlib.sha256("\n".join(line for line in lines if line.strip()).encode()).hexdigest()


def test_every_allowed_python_has_the_smtplib_it_was_checked_against():
    allowed = allowed_versions()
    assert allowed == [(3, 11)], "the cap CI runs; see README, Dependencies"
    unchecked = [version for version in allowed if version not in FOLLOWED]
    assert not unchecked, f"read smtplib.SMTP.data on Python {unchecked} and record it in FOLLOWED"


def test_this_python_is_allowed_and_its_smtplib_is_the_one_copied():
    version = sys.version_info[:2]
    assert version in allowed_versions(), f"Python {version} is outside requires-python: nothing was checked on it"
    assert fingerprint() == FOLLOWED[version], (
        f"smtplib.SMTP.data changed on Python {version}: compare it with mailer._EndOfDataHook.data"
    )
    assert callable(smtplib._fix_eols) and callable(smtplib._quote_periods) and smtplib.bCRLF == b"\r\n"


class Recording:
    """An SMTP session with no socket: what goes out is recorded, the server's replies are scripted."""

    def __init__(self, replies):
        self.sent: list[bytes] = []
        self.events: list[str] = []
        self.replies = list(replies)
        self.debuglevel = 0

    def putcmd(self, cmd, args=""):
        self.send(f"{cmd}{' ' + args if args else ''}{smtplib.CRLF}".encode("ascii"))

    def send(self, data):
        self.sent.append(data)
        self.events.append("send")

    def getreply(self):
        return self.replies.pop(0)


class Ours(mailer._EndOfDataHook, Recording):
    def __init__(self, replies):
        Recording.__init__(self, replies)
        self.before_end_of_data = lambda: self.events.append("hook")


MESSAGES = [
    b"Subject: x\r\n\r\nHello\r\n",
    b"Subject: x\r\n\r\n.leading dot\r\n..two\r\n.\r\nlast",  # dots quoted, a final CRLF added
    "Subject: x\n\nstr with bare\nnewlines\rand returns",  # a str: line ends fixed, ASCII
    b"",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_the_copy_sends_what_smtplib_sends_with_the_hook_just_before_the_final_dot(message):
    replies = [(354, b"go ahead"), (250, b"2.0.0 queued")]
    reference = Recording(replies)
    assert smtplib.SMTP.data(reference, message) == (250, b"2.0.0 queued")
    ours = Ours(replies)
    assert ours.data(message) == (250, b"2.0.0 queued")
    assert b"".join(ours.sent) == b"".join(reference.sent)
    assert ours.sent[-1] == b".\r\n" and ours.events[-2:] == ["hook", "send"]


def test_a_refused_data_command_raises_as_smtplib_does_and_never_calls_the_hook():
    ours = Ours([(451, b"4.3.0 try later")])
    with pytest.raises(smtplib.SMTPDataError):
        ours.data(b"Subject: x\r\n\r\nHello\r\n")
    reference = Recording([(451, b"4.3.0 try later")])
    with pytest.raises(smtplib.SMTPDataError):
        smtplib.SMTP.data(reference, b"Subject: x\r\n\r\nHello\r\n")
    assert "hook" not in ours.events and ours.sent == reference.sent
