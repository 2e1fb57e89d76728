"""Sign-up, confirmation, log-in, sessions and password reset through the Flask test client."""

from __future__ import annotations

from sqlalchemy import select

from expo.accounts.models import User
from expo.extensions import db
from expo.notifications.models import OutboxMessage
from tests.conftest import TEST_PASSWORD, first_link, log_in, outbox_messages, run_recorded_tasks

SIGN_UP = {
    "email": "Somchai@Example.com",
    "password": "a-long-enough-password",
    "confirm": "a-long-enough-password",
    "name": "Somchai Prasert",
    "organisation": "Bangkok Medical Trading",
    "job_title": "Buyer",
    "country": "TH",
    "timezone": "Asia/Bangkok",
    "language": "en",
}


def sign_up(client, **changes):
    return client.post("/signup", data={**SIGN_UP, **changes})


def test_sign_up_sends_confirmation_then_user_confirms_and_logs_in(app, client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/signup/check-inbox")
    assert "Check your inbox" in client.get("/signup/check-inbox").get_data(as_text=True)

    assert run_recorded_tasks(app) == 1
    [message] = outbox_messages(app)
    assert "To: somchai@example.com" in message
    assert "Content-Type: text/plain" in message and "Content-Type: text/html" in message

    refused = client.post("/login", data={"email": "somchai@example.com", "password": SIGN_UP["password"]})
    assert refused.status_code == 200
    assert "Confirm your e-mail address first" in refused.get_data(as_text=True)

    confirmed = client.get(first_link(message, "/confirm/"))
    assert confirmed.status_code == 302
    logged_in = client.post("/login", data={"email": "SOMCHAI@example.com", "password": SIGN_UP["password"]})
    assert logged_in.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, Somchai Prasert" in home

    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="somchai@example.com"))
        assert user.email_confirmed and user.country == "TH" and user.timezone == "Asia/Bangkok"
        assert user.password_hash.startswith("$argon2")
        outbox_row = db.session.scalar(select(OutboxMessage))
        assert outbox_row.status == "sent" and outbox_row.attempts == 1 and outbox_row.sent_at is not None


def test_sign_up_with_taken_address_looks_the_same_and_warns_the_owner(app, client, factory):
    owner = factory.user(email="taken@example.com")
    response = sign_up(client, email="taken@example.com")
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/check-inbox")
    run_recorded_tasks(app)
    [message] = outbox_messages(app)
    assert "Somebody tried to sign up" in message
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(email="taken@example.com")).id == owner.id


def test_sign_up_form_errors_keep_what_was_typed(client):
    response = sign_up(client, confirm="something-else", email="not-an-email")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The two passwords differ." in page
    assert "Invalid email address." in page
    assert 'value="Somchai Prasert"' in page


def test_short_password_is_refused_with_the_rule(client):
    response = sign_up(client, password="short", confirm="short")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Field must be between 10 and 256 characters long." in page


def test_country_list_starts_with_china_and_asean(client):
    page = client.get("/signup").get_data(as_text=True)
    codes = ["CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
    positions = [page.index(f'<option value="{code}">') for code in codes]
    assert positions == sorted(positions)
    assert page.index('<option value="VN">') < page.index('<option value="AF">')  # Afghanistan after ASEAN


def test_bad_confirmation_link_is_a_clear_400(client):
    response = client.get("/confirm/not-a-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_wrong_password_and_unknown_account_get_the_same_answer(client, factory):
    user = factory.user()
    wrong = client.post("/login", data={"email": user.email, "password": "wrong-password"}).get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "x"}).get_data(as_text=True)
    message = "The e-mail address or password is not right."
    assert message in wrong and message in unknown


def test_login_guessed_from_many_addresses_slows_new_devices_down_without_locking(app, client, factory):
    user = factory.user()
    for attempt in range(20):
        client.post(
            "/login", data={"email": user.email, "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"}
        )
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.1.1"}
    )
    wait = int(response.headers["Retry-After"])
    assert response.status_code == 429 and wait in (1, 2)
    assert f"try again in {wait} seconds" in response.get_data(as_text=True)


def test_wrong_passwords_for_many_accounts_from_one_address_are_not_locked_at_ten(client):
    for attempt in range(10):
        client.post("/login", data={"email": f"guess{attempt}@example.com", "password": "x"})
    response = client.post("/login", data={"email": "another@example.com", "password": "x"})
    assert response.status_code == 200
    assert "The e-mail address or password is not right." in response.get_data(as_text=True)


def test_next_parameter_only_redirects_within_the_site(client, factory):
    user = factory.user()
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    client.post("/logout")
    other = factory.user()
    response = client.post("/login?next=/account", data={"email": other.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account"


def test_login_starts_a_fresh_session(client, factory):
    user = factory.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["language"] = "zh"
    log_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["language"] == "zh"


def test_logout_ends_sessions_on_other_devices(app, factory):
    user = factory.user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    assert phone.get("/account").status_code == 200
    laptop.post("/logout")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302  # the phone's cookie no longer works


def test_keep_me_signed_in_brings_the_person_back_once_the_browser_session_is_gone(app, factory):
    user = factory.user()
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    browser.delete_cookie("session")  # the browser was closed: only the remember-me cookie is left
    assert browser.get("/account").status_code == 200
    forgetful = app.test_client()
    log_in(forgetful, user)
    forgetful.delete_cookie("session")
    assert forgetful.get("/account").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(app, factory):
    user = factory.user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    response = laptop.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "password": "a-brand-new-password", "confirm": "a-brand-new-password"},
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert app.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 200
    log_in(app.test_client(), user, "a-brand-new-password")


def test_password_change_with_wrong_current_password_changes_nothing(client, factory):
    user = factory.user()
    log_in(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": "not-it", "password": "a-brand-new-password", "confirm": "a-brand-new-password"},
    )
    assert "Your current password is not right." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_end_other_sessions(app, factory):
    user = factory.user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    laptop.post("/account/sessions/end")
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_password_reset_link_works_once(app, client, factory):
    user = factory.user()
    response = client.post("/reset", data={"email": user.email})
    assert response.status_code == 302
    run_recorded_tasks(app)
    [message] = outbox_messages(app)
    link = first_link(message, "/reset/")
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": "a-fresh-password-1", "confirm": "a-fresh-password-1"})
    assert done.status_code == 302
    log_in(app.test_client(), user, "a-fresh-password-1")
    reused = client.get(link)
    assert reused.status_code == 400
    assert "already been used" in reused.get_data(as_text=True)


def test_password_reset_for_unknown_address_reveals_nothing(app, client):
    response = client.post("/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert run_recorded_tasks(app) == 0


def test_reset_mails_per_address_are_capped_with_a_neutral_answer(client, factory):
    user = factory.user()
    for attempt in range(3):
        client.post("/reset", data={"email": user.email}, environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"})
    response = client.post(
        "/reset", data={"email": user.email}, environ_base={"REMOTE_ADDR": "10.9.9.9"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "We sent a message to this address a short while ago." in response.get_data(as_text=True)


def test_reset_requests_from_one_client_address_are_limited_generously(client):
    for attempt in range(30):
        assert client.post("/reset", data={"email": f"someone{attempt}@example.com"}).status_code == 302
    response = client.post("/reset", data={"email": "one-more@example.com"})
    assert response.status_code == 429


def test_profile_update_changes_language_and_time_zone(client, factory):
    user = factory.user()
    log_in(client, user)
    response = client.post(
        "/account",
        data={
            "name": "Nguyen Thi Lan",
            "organisation": "Hanoi Health",
            "job_title": "Director",
            "country": "VN",
            "timezone": "Asia/Ho_Chi_Minh",
            "language": "zh",
        },
    )
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert 'lang="zh-Hans"' in page
    assert "Asia/Ho_Chi_Minh" in page


def test_profile_rejects_unknown_time_zone(client, factory):
    log_in(client, factory.user())
    response = client.post("/account", data={"name": "X", "timezone": "Mars/Olympus", "language": "en"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_disabled_account_cannot_log_in(client, factory):
    user = factory.user(is_disabled=True)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200


def test_session_cookie_flags(app, client, factory):
    user = factory.user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_require_csrf_token(app, client, factory):
    user = factory.user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 400
        assert "The form expired" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
