"""The wire form of a message: built without the email package when possible, byte for byte what
the package would send."""

from __future__ import annotations

import io
import re
from email import message_from_bytes, policy
from email.generator import BytesGenerator

import pytest

from expo.notifications import mailer

LONG = "A line long enough to be folded by quoted-printable, since it runs past seventy-eight characters."
CHINESE = "尊敬的参展商：本次展会将于九月在南宁国际会展中心举行，请提前办理证件并准时参加开幕式。" * 2
BODIES = [
    ("", ""),
    ("Hello Ana,\n\nSee you in Hall B.\n", "<p>Hello Ana,</p>\n"),
    ("no final newline", "<p>x</p>"),
    ("Windows\r\nline ends\r\n", "<p>a</p>\r\n<p>b</p>\r\n"),
    ("李娜，您好：\n\n会议改在B馆。\n", "<p>李娜，您好：</p>\n"),
    (LONG + "\n" + LONG + " \n", '<p style="x">' + LONG + LONG + "</p>\n"),
    ("\n".join([LONG] * 12) + "\n", "\n".join(["<td>=</td>" + LONG] * 12)),
    (CHINESE + "\n", "<p>" + CHINESE + "</p>\n"),  # mostly non-ASCII and long: base64
    ("\n".join([CHINESE] * 12), "short"),
    ("--===============0000000000000000000==\nFrom the organisers\n.\n..\n", "trailing space \t\n"),
]
SUBJECTS = [
    "Room change",
    "会议室变更：请注意新的时间和地点",
    "Grüße – Raumänderung für die Sitzung am Montag in Halle B, bitte Ausweis mitbringen, es gibt Kaffee",
    "x" * 120,
]
RECIPIENTS = [
    "delegate00005@bench.example",
    "a.b+tag@sub.example.com",
    "O'Brien@example.com",
    "ana@例え.jp",
    "lì@example.com",
    "very.long.address.for.the.to.header.to.fold" + "x" * 40 + "@example.com",
]


def normalised(raw: bytes) -> bytes:
    raw = re.sub(rb"Message-ID: <[^>]+>", b"Message-ID: <id>", raw)
    boundary = re.search(rb'boundary="([^"]+)"', raw)
    return raw.replace(boundary.group(1), b"BOUNDARY") if boundary else raw


def through_the_package(envelope: mailer.Envelope) -> bytes:
    with io.BytesIO() as out:
        BytesGenerator(out).flatten(mailer.email_message(envelope), linesep="\r\n")
        return out.getvalue()


@pytest.mark.parametrize("text,html", BODIES)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_wire_bytes_are_what_the_email_package_sends(app_ctx, subject, text, html):
    envelope = mailer.Envelope(7, "delegate00005@bench.example", subject, text, html)
    built = mailer.build_message(envelope)
    assert built.content.count(b"\r\n") == built.content.count(b"\n")  # CRLF only
    assert normalised(built.content) == normalised(through_the_package(envelope))
    assert (built.sender, built.recipients, built.international) == (
        "no-reply@expo.localhost",
        ("delegate00005@bench.example",),
        False,
    )


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_each_recipient_gets_their_own_to_header(app_ctx, recipient):
    envelope = mailer.Envelope(8, recipient, "Room change", "Hello,\n", "<p>Hello,</p>\n")
    built = mailer.build_message(envelope)
    to = message_from_bytes(built.content, policy=policy.default)["To"]
    # UTF-8 headers (RFC 6532) come back from the parser as surrogate escapes of their bytes.
    assert to.encode("utf-8", "surrogateescape").decode() == recipient
    assert built.recipients == (recipient,)
    assert built.international == (not recipient.isascii())
    if recipient.isascii():
        assert normalised(built.content) == normalised(through_the_package(envelope))


def test_two_messages_never_share_a_message_id_or_boundary(app_ctx):
    envelope = mailer.Envelope(9, "a@example.com", "Room change", "Hello,\n", "<p>Hello,</p>\n")
    first, second = (mailer.build_message(envelope).content for _ in range(2))
    ids = [re.search(rb"Message-ID: (<[^>]+>)", raw).group(1) for raw in (first, second)]
    boundaries = [re.search(rb'boundary="([^"]+)"', raw).group(1) for raw in (first, second)]
    assert ids[0] != ids[1] and boundaries[0] != boundaries[1]
    assert ids[0].endswith(b".expo-9@" + mailer._local_domain().encode() + b">")


def test_attachments_go_through_the_email_package(app_ctx):
    attachment = {"filename": "ticket.ics", "content_type": "text/calendar", "base64": "QkVHSU46VkNBTEVOREFS"}
    envelope = mailer.Envelope(10, "a@example.com", "Your ticket", "Hello,\n", "<p>Hello,</p>\n", (attachment,))
    parsed = message_from_bytes(mailer.build_message(envelope).content, policy=policy.default)
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["ticket.ics"]
    assert parsed.get_body(("plain",)).get_content() == "Hello,\r\n"


@pytest.mark.parametrize("text,html", BODIES[:6])
def test_the_benchmarks_email_package_mailer_sends_the_same_message(app_ctx, text, html):
    # bench/mail_library.py is the kept way the broadcast benchmark measures expo's own assembly
    # against (bench/README.md): the two must send the same message for the comparison to hold.
    from bench import mail_library

    envelope = mailer.Envelope(11, "delegate00005@bench.example", SUBJECTS[2], text, html)
    own, library = mailer.build_message(envelope), mail_library.build_message(envelope)
    assert (own.sender, own.recipients, own.international) == (
        library.sender,
        library.recipients,
        library.international,
    )
    assert normalised(own.content) == normalised(library.content)
    parsed = [message_from_bytes(built.content, policy=policy.default) for built in (own, library)]
    for name in ("Subject", "From", "To", "MIME-Version", "Content-Type"):
        assert str(parsed[0][name]).split(";")[0] == str(parsed[1][name]).split(";")[0], name
    for subtype in ("plain", "html"):
        assert parsed[0].get_body((subtype,)).get_content() == parsed[1].get_body((subtype,)).get_content()
