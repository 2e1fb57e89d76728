"""Writes through the API that leave work for the worker, through the real stack: a broadcast sent
with an edition token reaches every registrant's inbox by SMTP, sent by the Celery worker."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask import Flask

from tests.api_helpers import bearer, make_token
from tests.integration.conftest import wait_for
from tests.integration.test_broadcast_delivery import arrange, settled, statuses

if TYPE_CHECKING:
    from tests.integration.conftest import SmtpServer, WorkerProcess

pytestmark = pytest.mark.integration


def test_a_broadcast_sent_through_the_api_is_delivered_by_the_worker(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess
) -> None:
    from expo.accounts.models import User
    from expo.editions.models import Edition
    from expo.extensions import db

    session_id, emails = arrange(app, 3)
    with app.app_context():
        organizer = db.session.query(User).filter_by(email="organizer@example.com").one()
        edition = db.session.query(Edition).filter_by(slug="18th").one()
    secret = make_token(app, organizer, ["organize:write"], edition=edition)
    response = app.test_client().post(
        "/api/v1/editions/18th/broadcasts",
        headers=bearer(secret),
        json={
            "audience": "session",
            "session_id": session_id,
            "subject": "Room change",
            "body": "The session moves to Hall B.",
            "send_in_app": False,
        },
    )
    assert response.status_code == 202, response.get_json()
    broadcast_id = response.get_json()["id"]

    counts = wait_for(
        lambda: settled(app, broadcast_id, 3),
        timeout=60,
        what=lambda: f"every e-mail to be sent; the outbox holds {statuses(app, broadcast_id)}",
    )
    assert counts == {"sent": 3}
    assert sorted(mail.recipients[0] for mail in smtp_server.handler.received) == sorted(emails)
