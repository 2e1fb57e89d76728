"""Hands a finished message to SMTP, or to a local outbox folder when no mail server is set."""

from __future__ import annotations

import base64
import smtplib
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Envelope:
    """What delivery needs, copied out of the database so no transaction stays open while sending."""

    message_id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str
    attachments: tuple[dict, ...] = ()


class TemporaryFailure(Exception):
    """Try again later: the server was unreachable or answered 4xx."""


class PermanentFailure(Exception):
    """Never retry: the server refused the message or the recipient for good (5xx)."""


def build_message(envelope: Envelope) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = envelope.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = envelope.recipient
    message["Message-ID"] = make_msgid(idstring=f"expo-{envelope.message_id}")
    message.set_content(envelope.body_text)
    message.add_alternative(envelope.body_html, subtype="html")
    for attachment in envelope.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        message.add_attachment(base64.b64decode(attachment["base64"]), maintype=maintype, subtype=subtype,
                               filename=attachment["filename"])
    return message


def send(envelope: Envelope) -> None:
    message = build_message(envelope)
    if current_app.config["MAIL_SERVER"]:
        _send_smtp(message)
    else:
        _write_to_outbox(envelope, message)


def _write_to_outbox(envelope: Envelope, message: EmailMessage) -> None:
    outbox: Path = current_app.config["MAIL_OUTBOX_PATH"]
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / f"{envelope.message_id:08d}.eml"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(bytes(message))
    temporary.replace(target)  # readers never see half a message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        raise TemporaryFailure(f"recipient deferred: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        detail = f"{exc.smtp_code} {exc.smtp_error!r}"
        if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise PermanentFailure(detail) from exc
        raise TemporaryFailure(detail) from exc
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
