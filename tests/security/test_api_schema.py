"""Schemathesis against the API's own OpenAPI document, in-process through WSGI, on whichever
database the suite runs on: whatever it sends, no answer is a server error and every answer
matches the schema (and the content type) the document declares for it."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_helpers import make_token, open_meeting

# Examples per operation: enough to reach every parameter's edges (hypothesis shrinks what fails).
EXAMPLES = 15


@pytest.fixture()
def token(app, factory):
    """A world to read, and a token that may do everything, held by a team owner who organizes
    every edition; the rate limit out of the way for the run."""
    from expo.api.tokens import SCOPES

    edition = factory.edition(slug="caexpo-2027")
    forum = factory.forum(edition, slug="digital-trade")
    factory.programme_session(forum)
    factory.speaker(edition)
    factory.pavilion(edition, slug="vietnam")
    owner = factory.organizer()
    company = factory.company(owner=owner, slug="hanoi-coffee")
    booth = factory.booth(company)
    factory.product(booth, slug="robusta")
    buyer = factory.user()
    factory.inquiry(booth, buyer)
    # The token's person also buys from another booth, meets it, and has reports to poll.
    other_owner = factory.user()
    other_company = factory.company(owner=other_owner, slug="nanning-masks")
    other_booth = factory.booth(other_company)
    factory.product(other_booth)
    factory.inquiry(other_booth, owner, kind="order_request", quantity=10, unit="boxes")
    _arrange(app, edition, owner, buyer, company, other_company, booth)
    limit = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    yield make_token(app, owner, list(SCOPES))
    app.config["API_RATE_LIMIT"] = limit


def _arrange(app, edition, owner, buyer, company, other_company, booth) -> None:
    """Meetings the token's person asks for and answers, a window they are free in, reports to poll."""
    from datetime import UTC, date, datetime

    from expo.extensions import db
    from expo.leads.models import LeadReport
    from expo.meetings.models import Availability

    open_meeting(app, edition, owner, other_company)
    open_meeting(app, edition, buyer, company)
    with app.app_context():
        db.session.add(
            Availability(
                user_id=owner.id,
                mode="venue",
                edition_id=edition.id,
                starts_at=datetime(2027, 9, 11, 2, 0, tzinfo=UTC),
                ends_at=datetime(2027, 9, 11, 4, tzinfo=UTC),
            )
        )
        db.session.add(
            LeadReport(scope="booth", booth_id=booth.id, period_from=date(2027, 1, 1), period_to=date(2027, 1, 2))
        )
        db.session.add(
            LeadReport(scope="expo", edition_id=edition.id, period_from=date(2027, 9, 10), period_to=date(2027, 9, 13))
        )
        db.session.commit()


def test_api_answers_match_the_openapi_document(app, token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                checks=[
                    not_a_server_error,
                    response_schema_conformance,
                    content_type_conformance,
                    status_code_conformance,
                ],
            )

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 50
    assert not failures, "\n\n".join(failures)
