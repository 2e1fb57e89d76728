"""The organizers' review over HTTP, the e-mails it sends, and who may reach every booth route."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.booths import services
from expo.booths.models import Booth, BoothDocument
from expo.db_types import utcnow
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from tests.conftest import count_queries, log_in, outbox_messages, run_recorded_tasks
from tests.sample_files import banner_bytes, mp4_bytes, pdf_bytes

READY = dict(
    tagline="Mask production lines",
    contact_email="sales@masks.example.cn",
    description=(
        "Nanning Mask Machinery builds fully automatic production lines for surgical and N95 "
        "masks, exported to hospitals in twelve ASEAN countries."
    ),
    description_html="<p>Nanning Mask Machinery builds production lines.</p>",
)


def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def status_of(app, booth) -> str:
    with app.app_context():
        return db.session.get(Booth, booth.id).status


def mail_to(app, address: str) -> list[str]:
    run_recorded_tasks(app)
    return [message for message in outbox_messages(app) if f"To: {address}" in message]


@pytest.fixture()
def people(factory):
    owner = factory.user(name="Chen Yuehe", email="owner@example.com")
    staff = factory.user(name="Staff")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Mask Machinery", slug="nanning-masks")
    return {
        "owner": owner,
        "staff": staff,
        "company": company,
        "organizer": factory.organizer(name="Olivia"),
        "second_organizer": factory.organizer(name="Oscar"),
        "attendee": factory.user(name="Buyer"),
    }


def test_submit_publish_and_the_owner_is_emailed_once(app, factory, people, client):
    booth = factory.booth(people["company"], status=Booth.Status.DRAFT, **READY)
    team, reviewer = signed_in(app, people["staff"]), signed_in(app, people["organizer"])
    assert client.get("/booths/nanning-masks").status_code == 404
    assert team.post("/booths/nanning-masks/submit").status_code == 302
    mine = reviewer.get("/exhibitors/mine").get_data(as_text=True)
    assert "1 booth waits for review." in mine and "/booths/review" in mine
    queue = reviewer.get("/booths/review").get_data(as_text=True)
    assert "1 booth waits for review, the oldest submission first." in queue and "Nanning Mask Machinery" in queue
    review = reviewer.get("/booths/nanning-masks/review").get_data(as_text=True)
    assert "Mask production lines" in review and "sales@masks.example.cn" in review  # as visitors will see it
    assert "Publish" in review and "Send back to the team" in review
    response = reviewer.post("/booths/nanning-masks/review", data={"publish": "Publish"})
    assert response.status_code == 302 and response.headers["Location"] == "/booths/review"
    assert status_of(app, booth) == "published"
    assert client.get("/booths/nanning-masks").status_code == 200
    [message] = mail_to(app, "owner@example.com")
    assert "Subject: The booth of Nanning Mask Machinery is published" in message
    assert "http://expo.test/booths/nanning-masks" in message
    # ... and told in the app as well, with a link to the booth.
    notices = signed_in(app, people["owner"]).get("/notifications/").get_data(as_text=True)
    assert "The booth of Nanning Mask Machinery is open to visitors" in notices
    # The same decision twice: the second organizer loses with a reason, and nobody is e-mailed again.
    late = signed_in(app, people["second_organizer"]).post("/booths/nanning-masks/review", data={"publish": "Publish"})
    assert late.status_code == 409 and "Somebody else has just changed this booth" in late.get_data(as_text=True)
    assert len(mail_to(app, "owner@example.com")) == 1


def test_send_back_with_a_note_the_team_sees_on_its_editor(app, factory, people):
    factory.booth(people["company"], status=Booth.Status.SUBMITTED, submitted_at=utcnow(), **READY)
    reviewer, team = signed_in(app, people["organizer"]), signed_in(app, people["staff"])
    refused = reviewer.post("/booths/nanning-masks/review", data={"send_back": "Send back", "note": ""})
    assert refused.status_code == 400 and "Write what the team should change" in refused.get_data(as_text=True)
    response = reviewer.post(
        "/booths/nanning-masks/review", data={"send_back": "Send back", "note": "Please add your CE certificate."}
    )
    assert response.status_code == 302
    editor = team.get("/booths/nanning-masks/edit").get_data(as_text=True)
    assert (
        "The organizers sent the booth back with this note:" in editor and "Please add your CE certificate." in editor
    )
    assert "The organizers sent it back with a note." in team.get("/exhibitors/nanning-masks/team").get_data(
        as_text=True
    )
    [message] = mail_to(app, "owner@example.com")
    assert "Please add your CE certificate." in message and "http://expo.test/booths/nanning-masks/edit" in message


def test_a_suspended_booth_leaks_nothing_to_visitors_and_can_be_published_again(app, factory, people, client):
    booth = factory.booth(people["company"], **READY)
    product = factory.product(booth, name="Mask machine")
    with app.test_request_context():
        owner = db.session.get(User, people["owner"].id)
        row = services.find_booth(booth.slug)
        services.update_images(owner, row, banner=io.BytesIO(banner_bytes()))
        services.upload_video(owner, row, io.BytesIO(mp4_bytes()))
        document = services.add_document(owner, row, io.BytesIO(pdf_bytes()), title="Catalogue")
        db.session.commit()
        document_id = document.id
    paths = [
        "/booths/nanning-masks",
        "/booths/nanning-masks/banner",
        "/booths/nanning-masks/video",
        f"/booths/nanning-masks/brochures/{document_id}",
        f"/booths/nanning-masks/products/{product.slug}",
    ]
    assert [client.get(path).status_code for path in paths] == [200] * 5
    reviewer = signed_in(app, people["organizer"])
    assert reviewer.post("/booths/nanning-masks/review", data={"suspend": "Suspend", "note": ""}).status_code == 400
    response = reviewer.post(
        "/booths/nanning-masks/review", data={"suspend": "Suspend", "note": "The certificates shown are not valid."}
    )
    assert response.status_code == 302 and status_of(app, booth) == "suspended"
    assert [client.get(path).status_code for path in paths] == [404] * 5
    attendee = signed_in(app, people["attendee"])
    assert [attendee.get(path).status_code for path in paths] == [404] * 5
    team = signed_in(app, people["staff"])
    preview = team.get("/booths/nanning-masks").get_data(as_text=True)
    assert "an organizer suspended this booth" in preview and "The certificates shown are not valid." in preview
    assert "The certificates shown are not valid." in team.get("/booths/nanning-masks/edit").get_data(as_text=True)
    [message] = mail_to(app, "owner@example.com")
    assert "Subject: The booth of Nanning Mask Machinery is suspended" in message
    assert "The certificates shown are not valid." in message
    assert reviewer.post("/booths/nanning-masks/review", data={"publish": "Publish again"}).status_code == 302
    assert [client.get(path).status_code for path in paths] == [200] * 5
    assert "is published again" in mail_to(app, "owner@example.com")[-1]


def test_an_attendee_or_the_team_cannot_publish(app, factory, people):
    booth = factory.booth(people["company"], status=Booth.Status.SUBMITTED, submitted_at=utcnow(), **READY)
    for who in ("attendee", "staff", "owner"):
        response = signed_in(app, people[who]).post("/booths/nanning-masks/review", data={"publish": "Publish"})
        assert response.status_code in (403, 404), who
    assert status_of(app, booth) == "submitted"
    assert mail_to(app, "owner@example.com") == []


def test_the_review_queue_is_paginated_oldest_submission_first(app, factory, people):
    start = utcnow() - timedelta(days=30)
    for number in range(23):
        company = factory.company(owner=factory.user(), name=f"Exhibitor {number:02d}", slug=f"exhibitor-{number:02d}")
        factory.booth(company, status=Booth.Status.SUBMITTED, submitted_at=start + timedelta(hours=23 - number))
    reviewer = signed_in(app, people["organizer"])
    first = reviewer.get("/booths/review").get_data(as_text=True)
    assert "23 booths wait for review" in first and "Page 1 of 2" in first
    assert first.index("Exhibitor 22") < first.index("Exhibitor 21")  # submitted earliest
    assert "Exhibitor 02" not in first
    second = reviewer.get("/booths/review?page=2").get_data(as_text=True)
    assert "Exhibitor 00" in second and "Exhibitor 22" not in second


def test_team_page_and_my_companies_link_the_editor_and_say_the_status(app, factory, people):
    factory.booth(people["company"], status=Booth.Status.DRAFT)
    team = signed_in(app, people["staff"])
    for path in ("/exhibitors/mine", "/exhibitors/nanning-masks/team"):
        html = team.get(path).get_data(as_text=True)
        assert "Booth in draft" in html and 'href="/booths/nanning-masks/edit"' in html, path
    reviewer_team_page = (
        signed_in(app, people["organizer"]).get("/exhibitors/nanning-masks/team").get_data(as_text=True)
    )
    assert 'href="/booths/nanning-masks/review"' in reviewer_team_page


# --- constant queries ----------------------------------------------------------------------------


def test_the_queue_and_editor_cost_the_same_queries_whatever_the_rows(app, factory, people):
    factory.booth(people["company"], status=Booth.Status.SUBMITTED, submitted_at=utcnow(), **READY)
    reviewer, team = signed_in(app, people["organizer"]), signed_in(app, people["staff"])
    paths = {
        "/booths/review": reviewer,
        "/booths/nanning-masks/review": reviewer,
        "/booths/nanning-masks/edit/brochures": team,
        "/exhibitors/mine": team,
    }
    for path, client in paths.items():
        client.get(path)
    small = {path: count_queries(app, client, path) for path, client in paths.items()}
    for number in range(8):
        company = factory.company(owner=factory.user(), staff=[factory.user()], slug=f"more-{number}")
        factory.booth(company, status=Booth.Status.SUBMITTED, submitted_at=utcnow())
        factory.company(owner=people["staff"], slug=f"also-mine-{number}")
    with app.test_request_context():
        row = services.find_booth("nanning-masks")
        staff = db.session.get(User, people["staff"].id)
        for number in range(6):
            services.add_document(staff, row, io.BytesIO(pdf_bytes()), title=f"Brochure {number}")
        db.session.commit()
    large = {path: count_queries(app, client, path) for path, client in paths.items()}
    assert large == small


# --- who may do what -----------------------------------------------------------------------------

ROLES = ("anonymous", "attendee", "other_staff", "own_staff", "own_owner", "organizer")
LOGIN = "login"  # a 302 to the log-in page
DONE = 302  # the action happened and the browser is sent on


def _everyone(status):
    return dict.fromkeys(ROLES, status)


# A booth visitors cannot see (draft, submitted, suspended) is not there for anybody outside its team
# and the organizers; a published one is everybody's.
HIDDEN = {**_everyone(404), "own_staff": 200, "own_owner": 200, "organizer": 200}
PUBLIC = _everyone(200)
# The editor: another company's booth is not there (404); organizers look at booths but do not edit them.
EDITOR_PAGE = {**_everyone(404), "anonymous": LOGIN, "own_staff": 200, "own_owner": 200, "organizer": 403}
EDITOR_ACTION = {**EDITOR_PAGE, "own_staff": DONE, "own_owner": DONE}
REVIEW_HIDDEN = {**_everyone(404), "anonymous": LOGIN, "own_staff": 403, "own_owner": 403, "organizer": 200}
REVIEW_PUBLIC = {**_everyone(403), "anonymous": LOGIN, "organizer": 200}

# In order: every GET first, then the changes, so each one leaves the next to find what it expects.
ROUTES: list[tuple[str, str, dict]] = []
for _booth, _visible, _review in (
    ("{draft}", HIDDEN, REVIEW_HIDDEN),
    ("{live}", PUBLIC, REVIEW_PUBLIC),
    ("{suspended}", HIDDEN, REVIEW_HIDDEN),
):
    ROUTES += [
        ("GET", f"/booths/{_booth}", _visible),
        ("GET", f"/booths/{_booth}/banner", _visible),
        ("GET", f"/booths/{_booth}/video", _visible),
        ("GET", f"/booths/{_booth}/brochures/{{{_booth[1:-1]}_document}}", _visible),
        ("GET", f"/booths/{_booth}/edit", EDITOR_PAGE),
        ("GET", f"/booths/{_booth}/review", _review),
    ]
ROUTES += [
    ("GET", f"/booths/{{draft}}/{section}", EDITOR_PAGE)
    for section in ("edit/images", "edit/video", "edit/brochures", "edit/contacts", "edit/hours")
]
ROUTES += [
    ("GET", "/booths/review", {**_everyone(403), "anonymous": LOGIN, "organizer": 200}),
    ("POST", "/booths/{draft}/edit", EDITOR_ACTION),
    ("POST", "/booths/{live}/edit", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/images", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/video", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/video/remove", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/brochures", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/brochures/{draft_document}/move", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/brochures/{draft_second_document}/delete", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/contacts", EDITOR_ACTION),
    ("POST", "/booths/{draft}/edit/hours", EDITOR_ACTION),
    ("POST", "/booths/{draft}/submit", EDITOR_ACTION),
    ("POST", "/booths/{submitted}/review", {**REVIEW_HIDDEN, "organizer": DONE}),
    ("POST", "/booths/{live}/review", {**REVIEW_PUBLIC, "organizer": DONE}),
]

FORM_DATA = {
    "/booths/{draft}/edit": {"tagline": "Changed", "description": READY["description"]},
    "/booths/{live}/edit": {"tagline": "Changed", "description": READY["description"]},
    "/booths/{draft}/edit/images": {"remove_banner": "y"},
    "/booths/{draft}/edit/video": {"video_link": "https://youtu.be/dQw4w9WgXcQ"},
    "/booths/{draft}/edit/brochures": {"title": "Price list", "document": (pdf_bytes, "prices.pdf")},
    "/booths/{draft}/edit/brochures/{draft_document}/move": {"direction": "down"},
    "/booths/{draft}/edit/contacts": {"contact_email": "new@example.com"},
    "/booths/{draft}/edit/hours": {"timezone": "Asia/Bangkok", "mon_opens_1": "09:00", "mon_closes_1": "17:00"},
    "/booths/{submitted}/review": {"publish": "Publish"},
    "/booths/{live}/review": {"suspend": "Suspend", "note": "Checking the certificates."},
}


def _furnish(app, booth, owner) -> tuple[int, int]:
    """Give the booth a banner, a video and two brochures; returns the brochures' ids."""
    with app.test_request_context():
        row = services.find_booth(booth.slug)
        actor = db.session.get(User, owner.id)
        services.update_images(actor, row, banner=io.BytesIO(banner_bytes()))
        services.upload_video(actor, row, io.BytesIO(mp4_bytes()))
        first = services.add_document(actor, row, io.BytesIO(pdf_bytes()), title="Catalogue")
        second = services.add_document(actor, row, io.BytesIO(pdf_bytes()), title="Certificates")
        db.session.commit()
        return first.id, second.id


@pytest.fixture()
def world(app, factory):
    owner, own_staff, other_staff = (
        factory.user(name="Owner"),
        factory.user(name="Own staff"),
        factory.user(name="Other staff"),
    )
    booths = {}
    for key, status in (
        ("draft", Booth.Status.DRAFT),
        ("live", Booth.Status.PUBLISHED),
        ("suspended", Booth.Status.SUSPENDED),
        ("submitted", Booth.Status.SUBMITTED),
    ):
        company = factory.company(owner=owner, staff=[own_staff], name=f"{key.title()} Co", slug=f"{key}-co")
        extra = {"suspended_reason": "Fake goods"} if status == Booth.Status.SUSPENDED else {}
        booths[key] = factory.booth(company, status=status, submitted_at=utcnow(), **READY, **extra)
    factory.company(owner=factory.user(name="Other owner"), staff=[other_staff])
    values = {key: booth.slug for key, booth in booths.items()}
    for key in ("draft", "live", "suspended"):
        values[f"{key}_document"], values[f"{key}_second_document"] = _furnish(app, booths[key], owner)
    users = {
        "attendee": factory.user(name="Attendee"),
        "other_staff": other_staff,
        "own_staff": own_staff,
        "own_owner": owner,
        "organizer": factory.organizer(name="Organizer"),
    }
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_route_permission_matrix(app, world, role):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = []
    for method, template, expectations in ROUTES:
        expected = expectations[role]
        data = (
            {
                name: (io.BytesIO(value[0]()), value[1]) if isinstance(value, tuple) else value
                for name, value in FORM_DATA.get(template, {}).items()
            }
            if method == "POST"
            else None
        )
        response = client.open(
            template.format(**values),
            method=method,
            data=data,
            content_type="multipart/form-data" if method == "POST" else None,
        )
        to_login = response.status_code == 302 and "/login" in response.headers["Location"]
        got = LOGIN if to_login else response.status_code
        if got != expected:
            failures.append(f"{method} {template}: expected {expected}, got {got}")
    assert failures == []


def test_another_companys_staff_can_neither_read_nor_change_a_draft(app, world):
    users, values = world
    intruder = signed_in(app, users["other_staff"])
    before = intruder.post(f"/booths/{values['draft']}/edit", data={"tagline": "Defaced", "description": ""})
    assert before.status_code == 404
    with app.app_context():
        booth = db.session.scalar(select(Booth).where(Booth.slug == values["draft"]))
        assert booth.tagline == READY["tagline"]
        assert db.session.get(BoothDocument, values["draft_document"]) is not None
        assert db.session.get(ExhibitorCompany, booth.company_id).name == "Draft Co"
