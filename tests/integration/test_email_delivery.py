"""E-mail from request to inbox: the web app commits, Redis carries the task, the worker process
delivers over SMTP and records the outcome in PostgreSQL."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from expo.extensions import db
from expo.notifications.models import OutboxMessage
from expo.notifications.services import DELIVER_EMAIL_TASK
from tests.integration.conftest import wait_for

if TYPE_CHECKING:
    from tests.integration.conftest import Outbox, ReceivedMail, SmtpServer, WorkerProcess

pytestmark = pytest.mark.integration

BASE_URL = "http://expo.test"
PASSWORD = "saffron-lantern-harbour"
NEW_PASSWORD = "cobalt-meadow-tramline"
NAME = "Somchai Jaidee"
NOT_CONFIRMED = "Confirm your e-mail address first"
BAD_CREDENTIALS = "The e-mail address or password is not right."
RESET_SENT = "If an account uses that address, we have sent it a link to choose a new password."


def sign_up(client: FlaskClient, email: str, name: str = NAME) -> None:
    response = client.post(
        "/signup",
        data={
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "name": name,
            "timezone": "Asia/Bangkok",
            "language": "en",
            "country": "TH",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/signup/check-inbox"


def log_in(client: FlaskClient, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def link_path(mail: ReceivedMail, prefix: str) -> str:
    """The site-relative path of the ``prefix`` link in the text part, checked against the HTML part."""
    match = re.search(re.escape(BASE_URL) + "(" + re.escape(prefix) + r"[^\s\"<>]+)", mail.part("plain"))
    assert match, f"no {BASE_URL}{prefix}… link in:\n{mail.part('plain')}"
    assert match.group(0) in mail.part("html"), "the HTML part links somewhere else"
    return match.group(1)


def test_sign_up_confirm_and_log_in(
    client: FlaskClient, smtp_server: SmtpServer, celery_worker: WorkerProcess, outbox: Outbox
) -> None:
    email = "somchai@example.co.th"
    sign_up(client, email)

    [mail] = smtp_server.wait_for_messages(1)
    celery_worker.wait_until_idle()
    assert len(smtp_server.handler.received) == 1, "the confirmation was delivered more than once"
    assert mail.recipients == (email,)
    assert mail.message["To"] == email
    assert mail.message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mail.message.iter_parts()] == ["text/plain", "text/html"]
    assert NAME in mail.part("plain")

    confirm = link_path(mail, "/confirm/")
    response = client.get(confirm)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")

    response = log_in(client, email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/dashboard"
    assert NAME in client.get("/").get_data(as_text=True)

    [row] = outbox.rows()
    assert (row.recipient, row.kind, row.status, row.attempts) == (email, "account.confirm", "sent", 1)
    assert row.sent_at is not None
    assert row.last_error is None


def test_log_in_before_confirming_is_refused(client: FlaskClient, smtp_server: SmtpServer) -> None:
    email = "early@example.com"
    sign_up(client, email)
    smtp_server.wait_for_messages(1)  # the link is on its way, but not followed

    response = log_in(client, email, PASSWORD)

    assert response.status_code == 200
    assert NOT_CONFIRMED in response.get_data(as_text=True)
    assert NAME not in client.get("/").get_data(as_text=True)


def test_password_reset_by_email(app: Flask, factory, smtp_server: SmtpServer) -> None:
    user = factory.user(email="reset@example.com", password=PASSWORD, name="Ploy Reset")
    client = app.test_client()

    response = client.post("/reset", data={"email": user.email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"

    [mail] = smtp_server.wait_for_messages(1)
    assert mail.recipients == (user.email,)
    reset = link_path(mail, "/reset/")
    assert client.get(reset).status_code == 200
    response = client.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get(reset).status_code == 400, "a reset link must work only once"

    old = log_in(app.test_client(), user.email, PASSWORD)
    assert old.status_code == 200
    assert BAD_CREDENTIALS in old.get_data(as_text=True)
    new = log_in(app.test_client(), user.email, NEW_PASSWORD)
    assert new.status_code == 302
    assert new.headers["Location"] == "/dashboard"


def test_password_reset_for_unknown_address_sends_nothing(
    app: Flask, factory, smtp_server: SmtpServer, celery_worker: WorkerProcess, outbox: Outbox
) -> None:
    known = factory.user(email="known@example.com")
    known_client, unknown_client = app.test_client(), app.test_client()

    for_known = known_client.post("/reset", data={"email": known.email})
    for_unknown = unknown_client.post("/reset", data={"email": "nobody@example.com"})

    # The visitor cannot tell whether the address has an account.
    assert (for_unknown.status_code, for_unknown.headers["Location"]) == (302, "/login")
    assert (for_known.status_code, for_known.headers["Location"]) == (302, "/login")
    assert RESET_SENT in unknown_client.get("/login").get_data(as_text=True)
    assert RESET_SENT in known_client.get("/login").get_data(as_text=True)

    # The known address's e-mail proves the pipeline ran while the unknown one's would have.
    smtp_server.wait_for_messages(1)
    celery_worker.wait_until_idle()
    time.sleep(2)  # a negative: give a stray delivery the chance to show up
    assert [mail.recipients for mail in smtp_server.handler.received] == [(known.email,)]
    assert [row.recipient for row in outbox.rows()] == [known.email]


def test_temporary_smtp_failure_is_retried_with_backoff(
    client: FlaskClient, smtp_server: SmtpServer, celery_worker: WorkerProcess, outbox: Outbox
) -> None:
    email = "greylisted@example.com"
    smtp_server.handler.fail_next(1, "451 4.3.0 try again later")

    sign_up(client, email)

    row = outbox.wait_for_status(email, "sent")
    celery_worker.wait_until_idle()
    assert [mail.recipients for mail in smtp_server.handler.received] == [(email,)]
    assert row.attempts == 2
    assert row.last_error is None
    first, second = smtp_server.handler.data_attempts
    # MAIL_RETRY_BASE_SECONDS=1: the retry waits a second, it is not fired straight back.
    assert second - first >= 0.9


def test_permanent_smtp_failure_marks_message_failed(
    client: FlaskClient, smtp_server: SmtpServer, celery_worker: WorkerProcess, outbox: Outbox
) -> None:
    email = "gone@example.com"
    smtp_server.handler.refuse_recipient(email, "550 5.1.1 no such user")

    sign_up(client, email)

    outbox.wait_for_status(email, "failed")
    celery_worker.wait_until_idle()  # no retry may be pending
    [row] = outbox.rows()
    assert row.status == "failed"
    assert "550" in (row.last_error or "")
    assert row.attempts == 1
    assert smtp_server.handler.received == []
    assert smtp_server.handler.data_attempts == [], "the message body was sent to a refused recipient"


def test_duplicate_delivery_tasks_send_once(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess, outbox: Outbox
) -> None:
    # A row without queue_email, so no task is published on commit: the test publishes both.
    with app.app_context():
        message = OutboxMessage(
            dedupe_key="integration:duplicate",
            kind="test.duplicate",
            recipient="twice@example.com",
            subject="Only once",
            body_text="Hello once.\n",
            body_html="<p>Hello once.</p>",
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id

    with app.app_context():
        celery = current_app.extensions["celery"]
        task_ids = [celery.send_task(DELIVER_EMAIL_TASK, args=[message_id]).id for _ in range(2)]

    results = [
        celery_worker.wait_for_log(re.escape(f"[{task_id}] succeeded in ") + r"\S+s: '(\w+)'").group(1)
        for task_id in task_ids
    ]
    assert sorted(results) == ["sent", "skipped"]
    celery_worker.wait_until_idle()
    assert [mail.message["Subject"] for mail in smtp_server.handler.received] == ["Only once"]
    [row] = outbox.rows()
    assert (row.status, row.attempts) == ("sent", 1)


def test_healthz_with_real_services(client: FlaskClient, celery_worker: WorkerProcess) -> None:
    # The worker's heartbeat is a Redis key here, renewed from the worker's main process.
    wait_for(lambda: client.get("/healthz").status_code == 200, what="/healthz to see the worker's heartbeat")
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


def test_healthz_reports_an_unreachable_broker(unreachable_broker_app: Flask) -> None:
    response = unreachable_broker_app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert body["status"] == "unavailable"
