"""Throttling that stops guessers without locking out the innocent: failed log-ins counted per
account and address, a slower pace for an account under attack that known devices skip, and a
cap on the confirmation and reset mails one address receives."""

from __future__ import annotations

import itertools
import time

import pytest
from itsdangerous import TimestampSigner

from expo.accounts import throttle
from expo.accounts.devices import COOKIE_NAME
from tests.conftest import TEST_PASSWORD, first_link, outbox_messages, run_recorded_tasks

VENUE = {"REMOTE_ADDR": "203.0.113.7"}
WRONG = "not-the-password"
SLOWED = "This account has had many wrong passwords lately"
NEUTRAL_RESET = "If an account uses that address, we have sent it a link to choose a new password."
NEUTRAL_RESEND = "If that address has an unconfirmed account, a new confirmation link is on its way."
TOO_SOON = "We sent a message to this address a short while ago."


@pytest.fixture()
def a_second_per_link(monkeypatch):
    """Each signed link made a second after the last, as when requests come a second apart: links
    made within the same second are identical and the outbox would send them once."""
    seconds = itertools.count(int(time.time()))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: next(seconds))


def from_address(number: int) -> dict:
    return {"REMOTE_ADDR": f"198.51.{number // 250}.{number % 250 + 1}"}


def attempt(app, email: str, password: str, environ: dict = VENUE, client=None):
    """One log-in from a fresh browser (no cookies) unless ``client`` is given."""
    client = client or app.test_client()
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


def guess_from_many_addresses(app, email: str, times: int) -> None:
    for number in range(times):
        response = attempt(app, email, WRONG, from_address(number))
        assert response.status_code == 200, f"guess {number + 1} was refused before its password was checked"


def test_successful_log_ins_from_one_address_never_count(app, factory):
    users = [factory.user() for _ in range(50)]
    for number, user in enumerate(users, start=1):
        response = attempt(app, user.email, TEST_PASSWORD)
        assert response.status_code == 302, f"log-in {number} from the venue's address was refused"


def test_failures_count_and_successes_do_not(app, factory):
    user = factory.user()
    for _ in range(9):
        assert attempt(app, user.email, WRONG).status_code == 200
        # The owner getting in from the same address between the mistakes wipes nothing and adds nothing.
        assert attempt(app, user.email, TEST_PASSWORD).status_code == 302
    assert attempt(app, user.email, TEST_PASSWORD).status_code == 302
    assert attempt(app, user.email, WRONG).status_code == 200  # the tenth failure
    assert attempt(app, user.email, TEST_PASSWORD).status_code == 429


def test_ten_wrong_passwords_lock_that_address_out_of_that_account_only(app, factory):
    owner, neighbour = factory.user(), factory.user()
    for _ in range(10):
        assert attempt(app, owner.email, WRONG).status_code == 200

    locked = attempt(app, owner.email, TEST_PASSWORD)
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "Too many wrong passwords from your network" in page and "Forgot your password?" in page

    # Same address, another account: fine. Same account, another address: the owner gets straight in.
    assert attempt(app, neighbour.email, TEST_PASSWORD).status_code == 302
    assert attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}).status_code == 302


def test_one_address_failing_for_many_accounts_meets_a_generous_ceiling(app, factory):
    user = factory.user()
    for number in range(100):
        assert attempt(app, f"guess{number}@example.com", WRONG).status_code == 200
    assert attempt(app, user.email, TEST_PASSWORD).status_code == 429
    assert attempt(app, user.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}).status_code == 302


def test_attack_from_many_addresses_slows_unknown_devices_down(app, factory):
    user = factory.user()
    guess_from_many_addresses(app, user.email, 20)

    slowed = attempt(app, user.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"})
    page = slowed.get_data(as_text=True)
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert wait in (1, 2)  # two seconds from the last failure
    assert SLOWED in page and f"try again in {wait} seconds" in page
    assert 'value="%s"' % user.email in page  # the form is shown again, filled in


def test_the_wait_grows_with_every_further_failure_and_stops_growing_at_a_minute(app_ctx, monkeypatch):
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # the limiter's storage reads the same clock
    account, waits = "organizer@example.com", []
    for number in range(20):
        throttle.record_login_failure(account, f"198.51.100.{number}")
    assert throttle.slowdown_seconds("someone.else@example.com") == 0
    for number in range(8):
        clock[0] += 0.5  # the guesser comes back half a second after each refusal
        waits.append(throttle.slowdown_seconds(account))
        assert throttle.slowdown_seconds(account) > 0  # asking again does not shorten it
        clock[0] += waits[-1]
        assert throttle.slowdown_seconds(account) == 0  # its turn: the password is checked...
        assert throttle.slowdown_seconds(account) > 0  # ...and a parallel guess waits for the next turn
        throttle.record_login_failure(account, f"198.51.101.{number}")  # ...and it was wrong
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]


def test_unknown_addresses_are_slowed_like_accounts(app):
    guess_from_many_addresses(app, "nobody@example.com", 20)
    assert SLOWED in attempt(app, "nobody@example.com", WRONG, {"REMOTE_ADDR": "192.0.2.50"}).get_data(as_text=True)


def test_owner_on_a_known_device_gets_in_during_an_attack(app, factory):
    owner = factory.user()
    laptop = app.test_client()
    first = attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}, client=laptop)
    cookie = first.headers.getlist("Set-Cookie")
    device_cookie = next(value for value in cookie if value.startswith(COOKIE_NAME + "="))
    assert "HttpOnly" in device_cookie and "SameSite=Lax" in device_cookie and "Max-Age=31536000" in device_cookie
    laptop.post("/logout")

    # The attacker fails ten times from the owner's own hotel network, then from ten more addresses.
    for _ in range(10):
        assert attempt(app, owner.email, WRONG, {"REMOTE_ADDR": "192.0.2.50"}).status_code == 200
    guess_from_many_addresses(app, owner.email, 10)
    assert attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.77"}).status_code == 429
    assert attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}).status_code == 429

    assert attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}, client=laptop).status_code == 302
    assert laptop.get("/account").status_code == 200


def test_a_forged_or_borrowed_device_cookie_earns_no_trust(app, factory):
    owner, other = factory.user(), factory.user()
    borrowed = app.test_client()
    attempt(app, other.email, TEST_PASSWORD, client=borrowed)  # known for another account only
    borrowed.post("/logout")
    forged = app.test_client()
    forged.set_cookie(COOKIE_NAME, "eyJkIjoiYSIsInUiOlsxLDIsM119.forged.signature")

    guess_from_many_addresses(app, owner.email, 20)
    for client in (borrowed, forged):
        response = attempt(app, owner.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.50"}, client=client)
        assert response.status_code == 429 and SLOWED in response.get_data(as_text=True)


def test_a_known_device_that_keeps_failing_loses_its_trust(app, factory):
    owner = factory.user()
    device = app.test_client()
    attempt(app, owner.email, TEST_PASSWORD, client=device)
    device.post("/logout")
    guess_from_many_addresses(app, owner.email, 20)
    for _ in range(10):
        assert attempt(app, owner.email, WRONG, client=device).status_code == 200
    assert SLOWED in attempt(app, owner.email, TEST_PASSWORD, client=device).get_data(as_text=True)


def test_reset_link_proves_the_mailbox_and_makes_the_browser_known(app, factory):
    owner = factory.user()
    guess_from_many_addresses(app, owner.email, 20)
    browser = app.test_client()
    browser.post("/reset", data={"email": owner.email})
    run_recorded_tasks(app)
    link = first_link(outbox_messages(app)[0], "/reset/")
    browser.post(link, data={"password": "a-fresh-password-1", "confirm": "a-fresh-password-1"})
    assert attempt(app, owner.email, "a-fresh-password-1", client=browser).status_code == 302


def test_reset_mails_to_one_address_are_capped_and_the_page_reads_the_same(app, factory, a_second_per_link):
    owner = factory.user()
    answers = {}
    for email in (owner.email, "nobody@example.com"):
        answers[email] = []
        for number in range(6):
            response = app.test_client().post(
                "/reset", data={"email": email}, environ_base=from_address(number), follow_redirects=True
            )
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            answers[email].append("sent" if NEUTRAL_RESET in page else "too soon" if TOO_SOON in page else page)
    assert answers[owner.email] == answers["nobody@example.com"] == ["sent"] * 3 + ["too soon"] * 3
    run_recorded_tasks(app)
    assert len(outbox_messages(app)) == 3


SIGN_UP = {
    "password": "a-long-enough-password",
    "confirm": "a-long-enough-password",
    "name": "A Stranger",
    "timezone": "UTC",
    "language": "en",
}


def test_sign_up_and_resend_send_a_stranger_at_most_three_mails(app, a_second_per_link):
    victim = "stranger@example.com"
    for number in range(15):
        client = app.test_client()
        if number % 3 == 0:
            client.post("/signup", data={**SIGN_UP, "email": victim}, environ_base=from_address(number))
        else:
            client.post("/signup/check-inbox", data={"email": victim}, environ_base=from_address(number))
    run_recorded_tasks(app)
    assert len(outbox_messages(app)) == 3


def test_asking_again_too_soon_is_told_in_neutral_words(app, factory):
    unconfirmed = factory.user(confirmed=False)
    answers = {}
    for email in (unconfirmed.email, "nobody@example.com"):
        answers[email] = []
        for _ in range(4):
            page = (
                app.test_client()
                .post("/signup/check-inbox", data={"email": email}, follow_redirects=True)
                .get_data(as_text=True)
            )
            answers[email].append("sent" if NEUTRAL_RESEND in page else "too soon" if TOO_SOON in page else page)
    assert answers[unconfirmed.email] == answers["nobody@example.com"] == ["sent"] * 3 + ["too soon"]

    refused = app.test_client().post(
        "/signup", data={**SIGN_UP, "email": "nobody@example.com", "name": "Somchai Prasert"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert TOO_SOON in page and "inbox and spam folder" in page
    assert 'value="Somchai Prasert"' in page  # what was typed is kept


def test_many_people_signing_up_from_one_venue_address(app):
    for number in range(30):
        response = app.test_client().post(
            "/signup", data={**SIGN_UP, "email": f"visitor{number}@example.com"}, environ_base=VENUE
        )
        assert response.status_code == 302, f"sign-up {number + 1} from the venue was refused"
