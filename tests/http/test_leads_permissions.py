"""Every lead route × every kind of user: only the booth's own team sees its leads, only the buyer their inquiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from expo.extensions import db
from expo.leads.models import InquiryMessage, LeadReport, Quotation
from tests.conftest import log_in, permission_failures

ROLES = ("anonymous", "buyer", "other_buyer", "own_staff", "own_owner", "other_staff", "organizer")
TEAM = ("own_staff", "own_owner")


def only(allowed, status, *, others=404, anonymous=302):
    """``status`` for the roles in ``allowed``, ``others`` for the rest; anonymous is sent to log in."""
    return {role: (anonymous if role == "anonymous" else status if role in allowed else others) for role in ROLES}


VALID_QUOTATION = {
    "unit_price": "9.50",
    "currency": "USD",
    "quantity": "100",
    "unit": "boxes",
    "incoterm": "FOB",
    "lead_time_days": "20",
    "valid_until": (date.today() + timedelta(days=10)).isoformat(),
}

MATRIX = [
    ("GET", "/booths/{booth}/inquire", None, {**only(ROLES, 200), "own_staff": 403, "own_owner": 403}),
    ("GET", "/inquiries/", None, only(ROLES, 200)),
    ("GET", "/inquiries/{inquiry}", None, only(("buyer",), 200)),
    ("POST", "/inquiries/{inquiry}/messages", {"body": "Hello"}, only(("buyer",), 302)),
    ("POST", "/inquiries/{inquiry}/quotations/{quotation}/decline", {}, only(("buyer",), 302)),
    ("GET", "/inquiries/{inquiry}/attachments/{message}", None, only(("buyer", *TEAM), 200)),
    ("GET", "/booths/{booth}/leads/", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/inquiries/{inquiry}", None, only(TEAM, 200)),
    ("POST", "/booths/{booth}/leads/inquiries/{inquiry}/messages", {"body": "Hi"}, only(TEAM, 302)),
    ("POST", "/booths/{booth}/leads/inquiries/{inquiry}/notes", {"note": "Note"}, only(TEAM, 302)),
    ("POST", "/booths/{booth}/leads/inquiries/{inquiry}/quotations", VALID_QUOTATION, only(TEAM, 302)),
    ("POST", "/booths/{booth}/leads/inquiries/{inquiry}/status", {"status": "lost"}, only(TEAM, 302)),
    ("POST", "/booths/{booth}/leads/inquiries/{inquiry}/assignee", {"assignee": ""}, only(TEAM, 302)),
    ("GET", "/booths/{booth}/leads/ranking", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/people/{buyer_id}", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/scan", None, only(TEAM, 200)),
    # Not a badge: refused with its reason (400), after the loader let the team (only) through.
    (
        "POST",
        "/booths/{booth}/leads/scan",
        {"scan_id": "5f0c6a56-3a4b-4f53-9d0e-2f3c1a1b2c3d", "code": "not a badge"},
        only(TEAM, 400),
    ),
    ("GET", "/booths/{booth}/leads/reports", None, only(TEAM, 200)),
    ("POST", "/booths/{booth}/leads/reports", {"date_from": "2027-01-01", "date_to": "2027-01-31"}, only(TEAM, 302)),
    ("GET", "/booths/{booth}/leads/reports/{report}", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/reports/{report}/progress", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/reports/{report}/xlsx", None, only(TEAM, 200)),
    ("GET", "/booths/{booth}/leads/reports/{report}/csv", None, only(TEAM, 200)),
    ("POST", "/booths/{booth}/leads/reports/{report}/retry", {}, only(TEAM, 302)),
    ("GET", "/organize/lead-reports", None, only(("organizer",), 200, others=403)),
    (
        "POST",
        "/organize/lead-reports",
        {"date_from": "2027-01-01", "date_to": "2027-01-31"},
        only(("organizer",), 302, others=403),
    ),
    ("GET", "/organize/lead-reports/{expo_report}", None, only(("organizer",), 200)),
    ("GET", "/organize/lead-reports/{expo_report}/progress", None, only(("organizer",), 200)),
    ("GET", "/organize/lead-reports/{expo_report}/xlsx", None, only(("organizer",), 200)),
    # Another company's report is not acknowledged through this booth, even to its own team.
    ("GET", "/booths/{booth}/leads/reports/{other_report}", None, only((), 200)),
]


@pytest.fixture()
def world(app, factory):
    owner, staff = factory.user(name="Owner"), factory.user(name="Staff")
    other_owner, other_staff = factory.user(), factory.user(name="Other staff")
    company = factory.company(owner=owner, staff=[staff])
    other_company = factory.company(owner=other_owner, staff=[other_staff])
    booth = factory.booth(company)
    other_booth = factory.booth(other_company)
    product = factory.product(booth, name="Gloves")
    users = {
        "buyer": factory.user(name="Buyer"),
        "other_buyer": factory.user(name="Other buyer"),
        "own_staff": staff,
        "own_owner": owner,
        "other_staff": other_staff,
        "organizer": factory.organizer(),
    }
    inquiry = factory.inquiry(booth, users["buyer"], products=[product])
    storage = app.config["STORAGE_PATH"]
    (storage / "inquiries").mkdir(parents=True, exist_ok=True)
    (storage / "inquiries" / "matrix.pdf").write_bytes(b"%PDF-1.4 test")
    (storage / "reports").mkdir(parents=True, exist_ok=True)
    for name in ("matrix.csv", "matrix.xlsx"):
        (storage / "reports" / name).write_bytes(b"x")
    with app.app_context():
        message = InquiryMessage(
            inquiry_id=inquiry.id,
            author_id=staff.id,
            side="team",
            body="See attached",
            attachment_path="inquiries/matrix.pdf",
            attachment_name="offer.pdf",
        )
        quotation = Quotation(
            inquiry_id=inquiry.id,
            author_id=owner.id,
            unit_price=10,
            currency="USD",
            quantity=100,
            unit="boxes",
            incoterm="FOB",
            lead_time_days=5,
            valid_until=date.today() + timedelta(days=5),
        )
        done = dict(
            status=LeadReport.Status.DONE,
            csv_path="reports/matrix.csv",
            xlsx_path="reports/matrix.xlsx",
            period_from=date(2027, 1, 1),
            period_to=date(2027, 1, 31),
        )
        report = LeadReport(scope=LeadReport.BOOTH, booth_id=booth.id, requested_by_id=owner.id, **done)
        other_report = LeadReport(scope=LeadReport.BOOTH, booth_id=other_booth.id, **done)
        expo_report = LeadReport(scope=LeadReport.EXPO, **done)
        db.session.add_all([message, quotation, report, other_report, expo_report])
        db.session.commit()
        values = {
            "booth": booth.slug,
            "inquiry": inquiry.id,
            "buyer_id": users["buyer"].id,
            "message": message.id,
            "quotation": quotation.id,
            "report": report.id,
            "other_report": other_report.id,
            "expo_report": expo_report.id,
        }
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_lead_route_permission_matrix(app, world, role):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(
        client,
        [
            (method, template.format(**values), expected[role], {"data": data})
            for method, template, data, expected in MATRIX
        ],
    )
    assert not failures, "\n".join(failures)


def test_a_draft_booth_takes_no_inquiries(app, client, factory):
    booth = factory.booth(factory.company(owner=factory.user()), status="draft")
    log_in(client, factory.user())
    assert client.get(f"/booths/{booth.slug}/inquire").status_code == 404
