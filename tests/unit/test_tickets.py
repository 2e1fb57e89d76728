"""Tickets: the signed payload in the QR code, the unguessable code inside it, checking in once."""

from __future__ import annotations

import base64
import math
import string
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from itsdangerous import URLSafeSerializer

from expo.accounts.models import User
from expo.extensions import db
from expo.registrations import tickets
from expo.registrations.models import Registration, new_ticket_code
from expo.registrations.tickets import TICKET_PREFIX, TicketError

FIRST_SCAN = datetime(2027, 9, 11, 1, 2, 3, tzinfo=UTC)


@pytest.fixture()
def world(factory):
    edition = factory.edition()
    session = factory.programme_session(factory.forum(edition), title="Opening keynote")
    attendee = factory.user(name="Ada Lovelace", organisation="Analytical Engines")
    return SimpleNamespace(
        edition=edition,
        session=session,
        attendee=attendee,
        organizer=factory.organizer(edition),
        registration=factory.registration(attendee, session),
    )


def _load(registration) -> Registration:
    return db.session.get(Registration, registration.id)


def _user(user) -> User:
    return db.session.get(User, user.id)


def _payload(registration) -> str:
    return tickets.ticket_payload(_load(registration))


# --- the payload --------------------------------------------------------------------------------


def test_payload_round_trips_to_the_ticket_code(app_ctx, world):
    payload = _payload(world.registration)

    assert payload.startswith(TICKET_PREFIX)
    assert tickets.ticket_code_from_payload(payload) == world.registration.ticket_code
    # Hand-held scanners type the code and then Enter; copy-paste brings spaces.
    assert tickets.ticket_code_from_payload(f"  {payload}\r\n") == world.registration.ticket_code


def test_payload_does_not_carry_the_registration_or_the_person(app_ctx, world):
    payload = _payload(world.registration)

    assert "Ada" not in payload and "@" not in payload


def _tampered(payload: str) -> list[str]:
    body = payload[len(TICKET_PREFIX) :]
    data, signature = body.rsplit(".", 1)
    other_code = base64.urlsafe_b64encode(b'"' + new_ticket_code().encode() + b'"').rstrip(b"=").decode()
    flipped = data[:-1] + ("A" if data[-1] != "A" else "B")
    return [
        TICKET_PREFIX + flipped + "." + signature,  # one character of the code changed
        TICKET_PREFIX + other_code + "." + signature,  # another code under this signature
        TICKET_PREFIX + data + "." + signature[::-1],  # signature altered
        TICKET_PREFIX + data,  # signature removed
        TICKET_PREFIX + data + "." + signature + "x",
    ]


def test_a_tampered_payload_is_refused(app_ctx, world):
    for forged in _tampered(_payload(world.registration)):
        with pytest.raises(TicketError, match="not genuine"):
            tickets.ticket_code_from_payload(forged)


@pytest.mark.parametrize("text", ["", "hello", "https://example.com/ticket", "EXPO2.abc.def"])
def test_something_that_is_not_a_ticket_is_refused(app_ctx, text):
    with pytest.raises(TicketError, match="not an Expo ticket"):
        tickets.ticket_code_from_payload(text)


def test_a_payload_signed_with_another_secret_key_is_refused(app, app_ctx, world, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setitem(app.config, "SECRET_KEY", "another-deployment-secret-key-of-good-length")
        foreign = _payload(world.registration)
    assert foreign != _payload(world.registration)

    with pytest.raises(TicketError, match="not genuine"):
        tickets.ticket_code_from_payload(foreign)


def test_knowing_a_code_is_not_enough_without_the_key(app_ctx, world):
    # Someone who learnt a ticket code (or guessed one) still cannot make a payload for it.
    guessed_key = URLSafeSerializer("secret", salt="expo.registrations.ticket")
    forged = TICKET_PREFIX + guessed_key.dumps(world.registration.ticket_code)

    with pytest.raises(TicketError, match="not genuine"):
        tickets.ticket_code_from_payload(forged)


def test_ticket_codes_cannot_be_guessed():
    codes = [new_ticket_code() for _ in range(3000)]
    alphabet = set(string.ascii_letters + string.digits + "-_")

    assert len(set(codes)) == len(codes)
    assert all(set(code) <= alphabet for code in codes)
    # 16 random bytes: 22 URL-safe characters of 6 bits each, at least 128 bits.
    assert min(len(code) for code in codes) >= 22
    assert min(len(code) for code in codes) * 6 >= 128
    # Every position is uniformly random (the 22nd character only holds the last 2 bits).
    letters = Counter(char for code in codes for char in code[:21])
    total = sum(letters.values())
    entropy_per_char = -sum(n / total * math.log2(n / total) for n in letters.values())
    assert entropy_per_char > 5.95, entropy_per_char  # log2(64) = 6
    assert len(letters) == 64


def test_each_registration_gets_its_own_code(app_ctx, factory, world):
    other = factory.registration(factory.user(), world.session)

    assert other.ticket_code != world.registration.ticket_code
    assert len(other.ticket_code) >= 22


# --- checking in --------------------------------------------------------------------------------


def test_check_in_happens_once(app_ctx, world):
    organizer = _user(world.organizer)
    payload = _payload(world.registration)

    first = tickets.check_in(organizer, payload, edition_id=world.edition.id, now=FIRST_SCAN)
    db.session.commit()
    second = tickets.check_in(organizer, payload, edition_id=world.edition.id, now=FIRST_SCAN + timedelta(minutes=5))
    db.session.commit()

    assert first.first_time is True
    assert first.checked_in_at == FIRST_SCAN
    assert second.first_time is False
    assert second.checked_in_at == FIRST_SCAN  # the original time, not the second scan's
    registration = _load(world.registration)
    assert registration.checked_in_at == FIRST_SCAN
    assert registration.checked_in_by_id == world.organizer.id
    assert tickets.target_title(registration) == "Opening keynote"


@pytest.mark.parametrize(
    "status, fields, reason",
    [
        (Registration.Status.WAITLISTED, {"waitlist_number": 1}, "on the waiting list"),
        (Registration.Status.PENDING, {}, "awaits the organizers' approval"),
        (Registration.Status.CANCELLED, {}, "was cancelled"),
    ],
)
def test_an_unconfirmed_registration_is_refused(app_ctx, factory, world, status, fields, reason):
    waiting = factory.registration(factory.user(), world.session, status=status, **fields)

    with pytest.raises(TicketError, match=reason):
        tickets.check_in(_user(world.organizer), _payload(waiting), edition_id=world.edition.id)
    assert _load(waiting).checked_in_at is None


def test_a_ticket_for_another_edition_is_refused(app_ctx, factory, world):
    other_edition = factory.edition()
    other_session = factory.programme_session(factory.forum(other_edition))
    elsewhere = factory.registration(world.attendee, other_session)
    everywhere = _user(factory.organizer())  # organizes every edition, so only the edition check speaks

    with pytest.raises(TicketError, match="another edition"):
        tickets.check_in(everywhere, _payload(elsewhere), edition_id=world.edition.id)
    assert _load(elsewhere).checked_in_at is None


def test_a_genuine_payload_for_a_code_nobody_holds_is_refused(app_ctx, world):
    signed_unknown = TICKET_PREFIX + tickets._serializer().dumps(new_ticket_code())

    with pytest.raises(TicketError, match="No registration"):
        tickets.check_in(_user(world.organizer), signed_unknown, edition_id=world.edition.id)


def test_a_course_enrolment_checks_in_for_the_course(app_ctx, factory, world):
    course = factory.forum(world.edition, kind="training", title="Solar installers' course", enrols_whole_course=True)
    enrolment = factory.registration(world.attendee, course)

    result = tickets.check_in(_user(world.organizer), _payload(enrolment), edition_id=world.edition.id)

    assert result.first_time
    assert tickets.target_title(result.registration) == "Solar installers' course"
