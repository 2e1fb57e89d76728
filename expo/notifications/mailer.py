"""Hands finished messages to SMTP over one reused connection, or to a local outbox folder when no
mail server is set."""

from __future__ import annotations

import base64
import binascii
import email.policy
import functools
import io
import random
import re
import smtplib
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from email import quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from pathlib import Path

from flask import current_app

from expo.lib.text import one_line


@dataclass(frozen=True)
class Envelope:
    """What delivery needs, copied out of the database so no transaction stays open while sending."""

    message_id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str
    attachments: tuple[dict, ...] = ()
    # The message's attempt count when this worker claimed it: its claim, checked when it records
    # the hand-over, so a worker whose claim was taken over never finishes the message.
    attempt: int = 0


class TemporaryFailure(Exception):
    """Try again later: the server was unreachable or answered 4xx."""


class ServerUnavailable(TemporaryFailure):
    """No session with the mail server could be opened: every message waiting would fail the same way."""


class PermanentFailure(Exception):
    """Never retry: the server refused the message or the recipient for good (5xx)."""


@dataclass(frozen=True)
class Outgoing:
    """A message as it goes over the wire: the SMTP envelope and the content, CRLF line ends."""

    sender: str
    recipients: tuple[str, ...]
    content: bytes
    international: bool = False  # a non-ASCII address: needs the server's SMTPUTF8


def build_message(envelope: Envelope) -> Outgoing:
    """The bytes the ``email`` package would send for ``envelope``, built without it when possible.

    Building an ``EmailMessage`` and flattening it costs some 2 ms, mostly parsing and folding
    headers; a broadcast repeats the same subject and sender in every message. The common case
    (no attachments, plain ASCII addresses) is assembled here from the package's own header
    folding (cached per value) and body encoding rules, byte for byte what it would produce
    (tests.unit.test_mailer compares the two); anything else goes through the package.
    """
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sender_address = _address_of(sender)
    if envelope.attachments or not (_SIMPLE_ADDRESS.match(envelope.recipient) and sender_address.isascii()):
        return _through_the_email_package(envelope, sender)
    text_cte, text = _encode_body(envelope.body_text)
    html_cte, html = _encode_body(envelope.body_html)
    boundary = _boundary(text, html)
    content = b"".join(
        (
            _header("Subject", one_line(envelope.subject)),
            _header("From", one_line(sender)),
            _short_header("To", one_line(envelope.recipient)),
            _short_header("Message-ID", make_msgid(idstring=f"expo-{envelope.message_id}", domain=_local_domain())),
            b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary="',
            boundary,
            b'"\r\n\r\n',
            b"--",
            boundary,
            b'\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            text_cte,
            b"\r\n\r\n",
            text,
            b"\r\n--",
            boundary,
            b'\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            html_cte,
            b"\r\nMIME-Version: 1.0\r\n\r\n",
            html,
            b"\r\n--",
            boundary,
            b"--\r\n",
        )
    )
    return Outgoing(sender_address, (envelope.recipient,), content)


def email_message(envelope: Envelope) -> EmailMessage:
    """The message as the ``email`` package builds it: the reference, and the way for attachments."""
    message = EmailMessage()
    # A line break in a header (a name with U+2028 or NEL in a subject) would make the message
    # unsendable, on every retry: headers are one line whatever the names in them hold.
    message["Subject"] = one_line(envelope.subject)
    message["From"] = one_line(current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = one_line(envelope.recipient)
    message["Message-ID"] = make_msgid(idstring=f"expo-{envelope.message_id}", domain=_local_domain())
    message.set_content(envelope.body_text)
    message.add_alternative(envelope.body_html, subtype="html")
    for attachment in envelope.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        # Text attachments (a calendar) are UTF-8: MIME reads text without a charset as ASCII, and a
        # session's Chinese or Thai title would arrive garbled.
        params = {"charset": "utf-8"} if maintype == "text" else {}
        message.add_attachment(
            base64.b64decode(attachment["base64"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
            params=params,
        )
    return message


def _through_the_email_package(envelope: Envelope, sender: str) -> Outgoing:
    # What smtplib's send_message does: the envelope from the headers, UTF-8 headers only when an
    # address needs them (and then the server must offer SMTPUTF8).
    message = email_message(envelope)
    recipients = tuple(address for _, address in getaddresses([message["To"]]))
    sender_address = _address_of(sender)
    international = not "".join((sender_address, *recipients)).isascii()
    with io.BytesIO() as content:
        generator_policy = message.policy.clone(utf8=True) if international else None
        BytesGenerator(content, policy=generator_policy).flatten(message, linesep="\r\n")
        return Outgoing(sender_address, recipients, content.getvalue(), international)


# An address the email package writes as it is: dot-separated runs of letters, digits, "_+-".
_SIMPLE_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z")
_WIRE = email.policy.SMTP  # email.policy.default with CRLF line ends, as smtplib flattens


@functools.lru_cache(maxsize=256)
def _header(name: str, value: str) -> bytes:
    """A header as the email package writes it (RFC 2047 words, folding); a batch repeats them."""
    if len(value.splitlines()) > 1:
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    return _WIRE.fold_binary(name, _WIRE.header_factory(name, value))


def _short_header(name: str, value: str) -> bytes:
    """A per-message header: written as it is when short and plain, as the package would."""
    if (
        value.isascii()
        and len(name) + 2 + len(value) <= _WIRE.max_line_length
        and "\r" not in value
        and "\n" not in value
    ):
        return f"{name}: {value}\r\n".encode("ascii")
    return _WIRE.fold_binary(name, _WIRE.header_factory(name, value))


@functools.lru_cache(maxsize=16)
def _address_of(sender: str) -> str:
    return getaddresses([sender])[0][1]


@functools.lru_cache(maxsize=1)
def _local_domain() -> str:
    # make_msgid's default, looked up once: socket.getfqdn() is a DNS query on every call.
    return socket.getfqdn()


def _encode_body(text: str) -> tuple[bytes, bytes]:
    """The content-transfer-encoding and the encoded body, chosen as email.contentmanager does
    for a UTF-8 text part under the default policy (7bit, 8bit, quoted-printable or base64), with
    a line starting "From " written ">From " as smtplib's generator does."""
    cte, body = _encode_text(text)
    if b"From " in body:
        body = _FROM_LINE.sub(b">From ", body)
    return cte, body


_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)


def _encode_text(text: str) -> tuple[bytes, bytes]:
    lines = text.encode("utf-8").splitlines()
    max_length = _WIRE.max_line_length
    if max((len(line) for line in lines), default=0) <= max_length:
        body = b"\r\n".join(lines) + b"\r\n"
        return (b"7bit" if body.isascii() else b"8bit"), body
    sniff = b"\n".join(lines[:10]) + b"\n"
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), max_length)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        data = b"\n".join(lines) + b"\n"
        step = max_length // 4 * 3
        encoded = b"".join(binascii.b2a_base64(data[start : start + step]) for start in range(0, len(data), step))
        return b"base64", encoded.replace(b"\n", b"\r\n")
    if len(lines) <= 10:
        encoded = sniff_qp
    else:
        encoded = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), max_length)
    return b"quoted-printable", encoded.replace("\n", "\r\n").encode("ascii")


def _boundary(*parts: bytes) -> bytes:
    # email.generator's form of boundary, never a line of the parts it separates.
    while True:
        boundary = b"===============%019d==" % random.randrange(sys.maxsize)
        if not any(b"--" + boundary in part for part in parts):
            return boundary


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

    def __enter__(self) -> MailConnection:
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
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
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
            smtp.sendmail(
                message.sender,
                list(message.recipients),
                message.content,
                ("SMTPUTF8", "BODY=8BITMIME") if message.international else (),
            )
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
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
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


def _write_to_outbox(envelope: Envelope, message: Outgoing) -> None:
    outbox: Path = current_app.config["MAIL_OUTBOX_PATH"]
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / f"{envelope.message_id:08d}.eml"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(message.content.replace(b"\r\n", b"\n"))  # a local file: Unix line ends
    temporary.replace(target)  # readers never see half a message
