"""Hands finished messages to SMTP over one reused connection, or to a local outbox folder when no
mail server is set."""

from __future__ import annotations

import base64
import smtplib
import socket
from collections.abc import Callable
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


class ServerUnavailable(TemporaryFailure):
    """No session with the mail server could be opened: every message waiting would fail the same way."""


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


def _nothing() -> None:
    return None


class _EndOfDataHook:
    """smtplib's DATA command, with a call just before the final "." line goes out.

    Until that line arrives the server must discard the message, so a sender that dies before it
    can safely send again; after it, the server may have accepted the message. The hook lets the
    caller record that boundary (expo.notifications.delivery) before crossing it.
    """

    before_end_of_data: Callable[[], None] = staticmethod(_nothing)

    def data(self, msg):  # mirrors smtplib.SMTP.data (Python 3.11-3.13), split before the end of data
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        quoted = smtplib._quote_periods(msg)
        if quoted[-2:] != smtplib.bCRLF:
            quoted += smtplib.bCRLF
        self.send(quoted)
        self.before_end_of_data()
        self.send(b"." + smtplib.bCRLF)
        return self.getreply()


class _SMTP(_EndOfDataHook, smtplib.SMTP):
    pass


class _SMTP_SSL(_EndOfDataHook, smtplib.SMTP_SSL):
    pass


class MailConnection:
    """One SMTP session for a run of messages, opened on first use and re-opened after a drop.

    Without MAIL_SERVER, messages are written to the outbox folder instead (development).
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "MailConnection":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _abandon(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _open(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        config = current_app.config
        smtp_class = _SMTP_SSL if config["MAIL_USE_SSL"] else _SMTP
        try:
            smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
            try:
                # The end of data goes out as its own small write after the hook: without NODELAY,
                # Nagle's algorithm holds it back until the server's delayed ACK (40 ms a message).
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            except BaseException:
                smtp.close()
                raise
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise ServerUnavailable(f"{type(exc).__name__}: {exc}") from exc
        self._smtp = smtp
        return smtp

    def send(self, envelope: Envelope, *, before_end_of_data: Callable[[], None] = _nothing) -> None:
        """Deliver one message; ``before_end_of_data`` runs just before the server can accept it.

        Raises TemporaryFailure (ServerUnavailable when no session can be opened) or PermanentFailure.
        """
        message = build_message(envelope)
        if not current_app.config["MAIL_SERVER"]:
            before_end_of_data()
            _write_to_outbox(envelope, message)
            return
        smtp = self._open()
        smtp.before_end_of_data = before_end_of_data
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise TemporaryFailure(f"recipient deferred: {exc.recipients}") from exc
        except smtplib.SMTPServerDisconnected as exc:
            self._smtp = None
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            detail = f"{exc.smtp_code} {exc.smtp_error!r}"
            if exc.smtp_code == 421:  # the server is closing this session
                self.close()
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(detail) from exc
            raise TemporaryFailure(detail) from exc
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            self.close()
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            # The hook failed: drop the session before the end of data, so the server discards the message.
            self._abandon()
            raise
        finally:
            smtp.before_end_of_data = _nothing


def send(envelope: Envelope) -> None:
    """Deliver one message on a connection of its own."""
    with MailConnection() as connection:
        connection.send(envelope)


def _write_to_outbox(envelope: Envelope, message: EmailMessage) -> None:
    outbox: Path = current_app.config["MAIL_OUTBOX_PATH"]
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / f"{envelope.message_id:08d}.eml"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(bytes(message))
    temporary.replace(target)  # readers never see half a message
