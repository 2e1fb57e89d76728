"""Names with line and paragraph separators or control characters: kept to one line where they are
typed, and never able to make an e-mail unsendable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.text import one_line
from expo.notifications import delivery, mailer, services
from expo.notifications.models import OutboxMessage
from tests.conftest import log_in, outbox_messages

# What a browser keeps in a text field when it is pasted: U+2028 LINE SEPARATOR, U+2029, NEL
# (U+0085), CR/LF, a tab and another C0 control.
HOSTILE_NAME = "Nanning\u2028Mask\u0085Machinery\r\nCo.\u2029Ltd\t\x0b"


@pytest.mark.parametrize(
    "raw,clean",
    [
        (HOSTILE_NAME, "Nanning Mask Machinery Co. Ltd"),
        ("  Somchai\nPrasert  ", "Somchai Prasert"),
        ("李娜\u2028（南宁）", "李娜 （南宁）"),
        ("Ana\x00\x1f\x7f\x9fLee", "Ana Lee"),
        ("Plain name", "Plain name"),
    ],
)
def test_one_line_replaces_every_line_break_and_control_character_by_a_space(raw, clean):
    assert one_line(raw) == clean
    assert len(one_line(raw).splitlines()) == 1


def test_an_invitation_from_a_company_whose_name_holds_separators_is_delivered(app, app_ctx):
    """The subject names the company; before, the header refused it on each of six attempts."""
    company = ExhibitorCompany(name=HOSTILE_NAME)  # the template reads its name in the recipient's language
    message = services.queue_email(
        recipient="li.na@example.com",
        kind="test",
        template="exhibitor_invitation",
        dedupe_key="hostile:1",
        context={
            "company": company,
            "inviter": type("U", (), {"name": HOSTILE_NAME})(),
            "invitee": None,
            "accept_url": "http://expo.test/invitations/x",
            "sign_up_url": "http://expo.test/signup",
            "valid_days": 14,
        },
    )
    db.session.commit()
    run = delivery.deliver_messages([message.id])
    assert run.sent == 1
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    [sent] = outbox_messages(app)
    assert "Subject: Join the team of Nanning Mask Machinery Co. Ltd on Expo\n" in sent


@pytest.mark.parametrize("recipient", ["li.na@example.com", "lì@example.com"])  # built directly, and by the package
def test_a_subject_already_stored_with_separators_is_sent_on_one_line(app_ctx, recipient):
    envelope = mailer.Envelope(9, recipient, f"Order request from {HOSTILE_NAME}", "Hello,\n", "<p>Hello,</p>\n")
    content = mailer.build_message(envelope).content
    subject = next(line for line in content.split(b"\r\n") if line.startswith(b"Subject:"))
    assert subject == b"Subject: Order request from Nanning Mask Machinery Co. Ltd"
    for separator in ("\u2028", "\u2029", "\u0085"):
        assert separator.encode() not in content


def test_the_profile_form_keeps_a_pasted_name_on_one_line(app, client, factory):
    user = factory.user(email="somchai@example.com")
    log_in(client, user)
    response = client.post(
        "/account",
        data={
            "name": "Somchai\u2028Prasert\r\n",
            "organisation": "Bangkok\u0085Medical",
            "job_title": "Buyer\u2029",
            "country": "TH",
            "timezone": "Asia/Bangkok",
            "language": "en",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalar(select(User).filter_by(email="somchai@example.com"))
        assert (saved.name, saved.organisation, saved.job_title) == ("Somchai Prasert", "Bangkok Medical", "Buyer")


def test_a_company_application_keeps_its_name_on_one_line(app, client, factory):
    from expo.exhibitors.models import ExhibitorCompany

    log_in(client, factory.user())
    response = client.post(
        "/exhibitors/apply",
        data={
            "name": HOSTILE_NAME,
            "country": "CN",
            "sector": "Medical\u2028equipment",
            "description": "Masks and the machines that make them.\nSecond line kept.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        company = db.session.scalar(select(ExhibitorCompany))
        assert (company.name, company.sector) == ("Nanning Mask Machinery Co. Ltd", "Medical equipment")
        assert company.description == "Masks and the machines that make them.\nSecond line kept."
