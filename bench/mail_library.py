"""The message bytes built the kept way, for the broadcast benchmark to measure against mailer.build_message.

The standard ``email`` package done as well as it goes: an ``EmailMessage`` under ``policy.SMTP``
(CRLF line ends, no re-folding on output), ``make_msgid`` given the domain once (no DNS lookup per
message) and one ``BytesGenerator`` reused for every message. ``bench broadcast --mailer library``
has its workers send with this instead of expo's own assembly; tests/unit/test_mailer.py holds the
two to the same bytes.
"""

from __future__ import annotations

import io
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from flask import current_app

from expo.lib.text import one_line
from expo.notifications import mailer

_BUFFER = io.BytesIO()
_GENERATOR = BytesGenerator(_BUFFER, policy=policy.SMTP)


def build_message(envelope: mailer.Envelope) -> mailer.Outgoing:
    if envelope.attachments or not envelope.recipient.isascii():
        return mailer._through_the_email_package(envelope, current_app.config["MAIL_DEFAULT_SENDER"])
    sender = one_line(current_app.config["MAIL_DEFAULT_SENDER"])
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = one_line(envelope.subject)
    message["From"] = sender
    message["To"] = one_line(envelope.recipient)
    message["Message-ID"] = make_msgid(idstring=f"expo-{envelope.message_id}", domain=mailer._local_domain())
    message.set_content(envelope.body_text)
    message.add_alternative(envelope.body_html, subtype="html")
    _BUFFER.seek(0)
    _BUFFER.truncate()
    _GENERATOR.flatten(message)
    return mailer.Outgoing(getaddresses([sender])[0][1], (envelope.recipient,), _BUFFER.getvalue())
