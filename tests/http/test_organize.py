"""The organizers' programme tools, through the test client: forms, permissions, exports, messages."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.broadcasts.models import Broadcast
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.registrations import services as registrations
from expo.registrations.models import Registration
from tests.conftest import clear_outbox, count_queries, log_in, outbox_messages, run_recorded_tasks

FORUM_FORM = {
    "title": "Digital Economy Forum",
    "slug": "digital-economy",
    "kind": "main",
    "parent_id": "",
    "description": "Trade in the digital age.",
    "position": "1",
    "registration_mode": "open",
    "capacity": "",
    "registration_opens_at": "",
    "registration_closes_at": "",
}

SESSION_FORM = {
    "title": "Cross-border e-commerce",
    "abstract": "Opening keynote.",
    "starts_at": "2027-09-11T09:00",
    "ends_at": "2027-09-11T10:30",
    "room": "Hall A",
    "stream_url": "https://live.example.com/a",
    "language": "Chinese, English",
    "capacity": "100",
    "registration_opens_at": "",
    "registration_closes_at": "",
    "tags": "AI, trade, ai",
}


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    """Outbox files are named by message id, and ids restart with every test: leave none behind."""
    clear_outbox(app)
    yield
    clear_outbox(app)


@pytest.fixture()
def edition(factory):
    return factory.edition(slug="caexpo", name="China-ASEAN Expo", timezone="Asia/Shanghai")


@pytest.fixture()
def organizer(factory, edition):
    return factory.organizer(edition, name="Olga Organizer")


@pytest.fixture()
def organizer_client(client, organizer):
    log_in(client, organizer)
    return client


def base(edition) -> str:
    return f"/editions/{edition.slug}/organize"


def register(app, user, target):
    """Register through the real service (capacity, waiting list), as the user."""
    with app.test_request_context():
        result = registrations.register(db.session.get(User, user.id), db.session.get(type(target), target.id))
        db.session.commit()
        return result.registration.status


def fetch(app, model, row_id):
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        return row


# --------------------------------------------------------------------------------------------
# Creating the programme


def test_organizer_builds_a_programme(app, organizer_client, edition, factory):
    client = organizer_client
    speaker_page = client.get(f"{base(edition)}/speakers/new")
    assert speaker_page.status_code == 200
    assert 'for="country"' in speaker_page.get_data(as_text=True)

    response = client.post(
        f"{base(edition)}/speakers/new",
        data={
            "name": "Dr Nguyen Van An",
            "title": "Director",
            "organisation": "ASEAN Secretariat",
            "country": "VN",
            "biography": "Trade economist.",
        },
    )
    assert response.status_code == 302
    assert "Dr Nguyen Van An" in client.get(f"{base(edition)}/speakers").get_data(as_text=True)

    response = client.post(f"{base(edition)}/forums/new", data=FORUM_FORM)
    assert response.status_code == 302
    with app.app_context():
        forum = db.session.scalar(select(Forum).where(Forum.slug == "digital-economy"))
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Dr Nguyen Van An"))
        assert (forum.edition_id, forum.kind, forum.position) == (edition.id, "main", 1)
        assert speaker.country == "VN" and speaker.edition_id == edition.id
        forum_id, speaker_id = forum.id, speaker.id

    sub = {**FORUM_FORM, "title": "AI workshop", "slug": "ai-workshop", "kind": "sub", "parent_id": str(forum_id)}
    assert client.post(f"{base(edition)}/forums/new", data=sub).status_code == 302

    response = client.post(
        f"{base(edition)}/forums/{forum_id}/sessions/new", data={**SESSION_FORM, "speakers": [str(speaker_id)]}
    )
    assert response.status_code == 302
    response = client.post(
        f"{base(edition)}/forums/{forum_id}/questions/new",
        data={
            "label": "Which industry are you in?",
            "kind": "choice",
            "choices": "Logistics\nFinance\n\nLogistics",
            "required": "y",
        },
    )
    assert response.status_code == 302

    with app.app_context():
        session = db.session.scalar(select(ProgrammeSession).where(ProgrammeSession.forum_id == forum_id))
        assert [s.name for s in session.speakers] == ["Dr Nguyen Van An"]
        assert (session.capacity, session.room, session.tags) == (100, "Hall A", "AI, trade")
        question = db.session.scalar(select(ForumQuestion).where(ForumQuestion.forum_id == forum_id))
        assert question.choices == ["Logistics", "Finance"] and question.required
        sub_forum = db.session.scalar(select(Forum).where(Forum.slug == "ai-workshop"))
        assert sub_forum.parent_id == forum_id
        sub_id, session_id = sub_forum.id, session.id

    page = client.get(f"{base(edition)}/").get_data(as_text=True)
    assert "Digital Economy Forum" in page and "AI workshop" in page and "Cross-border e-commerce" in page
    # the sub-forum is nested inside its main forum's card
    assert (
        page.index(f'id="forum-{forum_id}"')
        < page.index(f'id="session-{session_id}"')
        < page.index(f'id="forum-{sub_id}"')
    )


def test_session_times_typed_in_the_edition_zone_are_stored_in_utc(app, organizer_client, edition, factory):
    forum = factory.forum(edition)
    form_page = organizer_client.get(f"{base(edition)}/forums/{forum.id}/sessions/new").get_data(as_text=True)
    assert "Asia/Shanghai" in form_page  # said next to the time fields

    response = organizer_client.post(
        f"{base(edition)}/forums/{forum.id}/sessions/new",
        data={**SESSION_FORM, "registration_closes_at": "2027-09-10T18:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(ProgrammeSession).where(ProgrammeSession.forum_id == forum.id))
        assert session.starts_at == datetime(2027, 9, 11, 1, 0, tzinfo=UTC)
        assert session.ends_at == datetime(2027, 9, 11, 2, 30, tzinfo=UTC)
        assert session.registration_closes_at == datetime(2027, 9, 10, 10, 0, tzinfo=UTC)
        session_id = session.id

    edit_page = organizer_client.get(f"{base(edition)}/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="2027-09-11T09:00"' in edit_page  # shown back in local time


def test_session_ending_before_it_starts_or_with_a_script_stream_is_refused(organizer_client, edition, factory):
    forum = factory.forum(edition)
    response = organizer_client.post(
        f"{base(edition)}/forums/{forum.id}/sessions/new",
        data={**SESSION_FORM, "ends_at": "2027-09-11T08:00", "stream_url": "javascript:alert(1)"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The session must end after it starts." in page
    assert "Enter a web address starting with http:// or https://." in page


def test_taken_forum_address_is_a_form_error(organizer_client, edition, factory):
    factory.forum(edition, slug="digital-economy")
    response = organizer_client.post(f"{base(edition)}/forums/new", data=FORUM_FORM)
    assert response.status_code == 200
    assert "already uses the web address" in response.get_data(as_text=True)


def test_a_sub_forum_needs_a_main_forum_of_this_edition(organizer_client, edition, factory):
    other = factory.forum(factory.edition(), kind="main")
    sub = {**FORUM_FORM, "kind": "sub", "slug": "sub"}
    response = organizer_client.post(f"{base(edition)}/forums/new", data=sub)
    assert "Choose the main forum this sub-forum belongs to." in response.get_data(as_text=True)
    response = organizer_client.post(f"{base(edition)}/forums/new", data={**sub, "parent_id": str(other.id)})
    assert response.status_code == 200  # not among the choices offered


def test_edit_forum_and_whole_course_capacity(app, organizer_client, edition, factory):
    forum = factory.forum(edition, kind="training", slug="course")
    response = organizer_client.post(
        f"{base(edition)}/forums/{forum.id}/edit",
        data={
            **FORUM_FORM,
            "slug": "course",
            "kind": "training",
            "enrols_whole_course": "y",
            "capacity": "30",
            "registration_mode": "approval",
            "registration_opens_at": "2027-08-01T09:00",
        },
    )
    assert response.status_code == 302
    forum = fetch(app, Forum, forum.id)
    assert forum.enrols_whole_course and forum.capacity == 30 and forum.needs_approval
    assert forum.registration_opens_at == datetime(2027, 8, 1, 1, 0, tzinfo=UTC)


def test_questions_are_reordered_edited_and_deleted(app, organizer_client, edition, factory):
    forum = factory.forum(edition)
    for label in ("First?", "Second?", "Third?"):
        organizer_client.post(f"{base(edition)}/forums/{forum.id}/questions/new", data={"label": label, "kind": "text"})
    with app.app_context():
        ids = db.session.scalars(
            select(ForumQuestion.id).where(ForumQuestion.forum_id == forum.id).order_by(ForumQuestion.position)
        ).all()
    moved = organizer_client.post(f"{base(edition)}/questions/{ids[2]}/move", data={"direction": "up"})
    assert moved.status_code == 302
    organizer_client.post(
        f"{base(edition)}/questions/{ids[0]}/edit", data={"label": "First, edited?", "kind": "checkbox"}
    )
    organizer_client.post(f"{base(edition)}/questions/{ids[1]}/delete")
    page = organizer_client.get(f"{base(edition)}/forums/{forum.id}/questions").get_data(as_text=True)
    assert page.index("First, edited?") < page.index("Third?")
    assert "Second?" not in page


# --------------------------------------------------------------------------------------------
# Who may use the organizer tools


GET_ROUTES = [
    "/",
    "/forums/new",
    "/forums/{forum}/edit",
    "/forums/{forum}/sessions/new",
    "/sessions/{session}/edit",
    "/speakers",
    "/speakers/new",
    "/speakers/{speaker}/edit",
    "/forums/{forum}/questions",
    "/forums/{forum}/questions/new",
    "/questions/{question}/edit",
    "/sessions/{session}/registrants",
    "/sessions/{session}/registrants.csv",
    "/sessions/{session}/registrants.xlsx",
    "/sessions/{session}/messages",
    "/forums/{forum}/messages",
    "/forums/{course}/registrants",
]
EXPECTED = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 200}


@pytest.fixture()
def programme(app, factory, edition):
    forum = factory.forum(edition, kind="main")
    course = factory.forum(edition, kind="training", enrols_whole_course=True, capacity=5)
    session = factory.programme_session(forum)
    speaker = factory.speaker(edition)
    with app.app_context():
        question = ForumQuestion(forum_id=forum.id, label="Why?", kind="text")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    return {
        "forum": forum.id,
        "course": course.id,
        "session": session.id,
        "speaker": speaker.id,
        "question": question_id,
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_organize_permission_matrix(app, factory, edition, organizer, programme, role):
    client = app.test_client()
    users = {
        "attendee": factory.user(),
        "other_organizer": factory.organizer(factory.edition()),
        "organizer": organizer,
    }
    if role != "anonymous":
        log_in(client, users[role])
    failures = []
    for route in GET_ROUTES:
        path = base(edition) + route.format(**programme)
        response = client.get(path)
        if response.status_code != EXPECTED[role]:
            failures.append(f"GET {path}: {response.status_code}")
        elif role == "anonymous" and "/login" not in response.headers["Location"]:
            failures.append(f"GET {path}: redirected to {response.headers['Location']}")
    assert not failures, failures


@pytest.mark.parametrize("role", ["attendee", "other_organizer"])
def test_outsiders_cannot_change_the_programme(app, factory, edition, programme, role):
    client = app.test_client()
    log_in(client, factory.user() if role == "attendee" else factory.organizer(factory.edition()))
    for path in (
        f"/sessions/{programme['session']}/delete",
        f"/questions/{programme['question']}/delete",
        "/forums/new",
    ):
        assert client.post(base(edition) + path, data=FORUM_FORM).status_code == 403
    with app.app_context():
        assert db.session.get(ProgrammeSession, programme["session"]) is not None
        assert db.session.get(ForumQuestion, programme["question"]) is not None


def test_unknown_edition_and_another_editions_objects_are_404(factory, organizer_client, edition):
    other_forum = factory.forum(factory.edition())
    other_session = factory.programme_session(other_forum)
    assert organizer_client.get("/editions/nope/organize/").status_code == 404
    assert organizer_client.get(f"{base(edition)}/forums/{other_forum.id}/edit").status_code == 404
    assert organizer_client.get(f"{base(edition)}/sessions/{other_session.id}/registrants").status_code == 404
    assert organizer_client.get(f"{base(edition)}/forums/{other_forum.id}/messages").status_code == 404
    assert organizer_client.get(f"{base(edition)}/sessions/99999/edit").status_code == 404


def test_another_editions_organizer_gets_404_for_a_draft(factory, client):
    draft = factory.edition(status="draft")
    log_in(client, factory.organizer(factory.edition()))
    assert client.get(f"{base(draft)}/").status_code == 404


# --------------------------------------------------------------------------------------------
# Capacity and the waiting list


def test_raising_capacity_promotes_from_the_waiting_list(app, organizer_client, edition, factory, recorded_tasks):
    forum = factory.forum(edition)
    session = factory.programme_session(forum, capacity=1, title="Small room")
    first, second = factory.user(), factory.user()
    assert register(app, first, session) == "confirmed"
    assert register(app, second, session) == "waitlisted"
    recorded_tasks.clear()

    edit = {**SESSION_FORM, "title": "Small room", "capacity": "2"}
    response = organizer_client.post(f"{base(edition)}/sessions/{session.id}/edit", data=edit, follow_redirects=True)
    assert "1 person moved from the waiting list to a seat." in response.get_data(as_text=True)
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.user_id, Registration.status)).all())
        assert statuses == {first.id: "confirmed", second.id: "confirmed"}
        assert db.session.get(ProgrammeSession, session.id).seats_taken == 2
    assert [task for task, _args in recorded_tasks] == ["registrations.notify_promoted"]


def test_capacity_below_seats_taken_is_refused_and_kept(app, organizer_client, edition, factory):
    forum = factory.forum(edition)
    session = factory.programme_session(forum, capacity=3, title="Keep me")
    for _ in range(2):
        register(app, factory.user(), session)

    response = organizer_client.post(
        f"{base(edition)}/sessions/{session.id}/edit", data={**SESSION_FORM, "title": "Renamed", "capacity": "1"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 people already hold seats: the capacity cannot be lower than that." in page
    kept = fetch(app, ProgrammeSession, session.id)
    assert (kept.capacity, kept.title, kept.seats_taken) == (3, "Keep me", 2)


def test_index_shows_capacity_seats_waiting_and_pending(app, organizer_client, edition, factory):
    forum = factory.forum(edition, registration_mode="approval")
    session = factory.programme_session(forum, capacity=2, seats_taken=1)
    users = [factory.user() for _ in range(4)]
    factory.registration(users[0], session)
    factory.registration(users[1], session, status="waitlisted", waitlist_number=1)
    factory.registration(users[2], session, status="pending")
    factory.registration(users[3], session, status="pending")
    page = organizer_client.get(f"{base(edition)}/").get_data(as_text=True)
    row = page[page.index(f'id="session-{session.id}"') :]
    row = row[: row.index("</tr>")]
    capacity, seats, waiting, pending = re.findall(r"<td>(.*?)</td>", row)[:4]
    assert (capacity, seats, waiting) == ("2", "1", "1")
    assert pending == '<span class="badge text-bg-warning">2</span>'


def test_programme_index_queries_do_not_grow_with_the_programme(app, organizer_client, edition, factory):
    main = factory.forum(edition, kind="main")
    factory.forum(edition, kind="sub", parent_id=main.id)
    for _ in range(2):
        factory.programme_session(main)
    organizer_client.get(f"{base(edition)}/")  # warm up
    small = count_queries(app, organizer_client, f"{base(edition)}/")

    forums = [factory.forum(edition, kind="sub", parent_id=main.id) for _ in range(3)]
    forums.append(factory.forum(edition, kind="training", enrols_whole_course=True, capacity=4))
    sessions = [factory.programme_session(forums[i % 4]) for i in range(8)]
    for index, session in enumerate(sessions):
        factory.registration(
            factory.user(), session, status=("confirmed", "pending", "waitlisted")[index % 3], waitlist_number=index
        )
        factory.registration(factory.user(), forums[3])
    with app.app_context():
        db.session.add(ForumQuestion(forum_id=forums[0].id, label="Q?"))
        db.session.commit()
        assert db.session.query(ProgrammeSession).count() == 10
    large = count_queries(app, organizer_client, f"{base(edition)}/")
    assert large == small


# --------------------------------------------------------------------------------------------
# Registrants: approving, cancelling, exporting


def test_organizer_approves_declines_and_cancels(app, organizer_client, edition, factory, recorded_tasks):
    forum = factory.forum(edition, registration_mode="approval")
    session = factory.programme_session(forum, capacity=1)
    alice, bob, carol = factory.user(name="Alice"), factory.user(name="Bob"), factory.user(name="Carol")
    for user in (alice, carol):
        assert register(app, user, session) == "pending"
    factory.registration(bob, session, status="waitlisted", waitlist_number=1)
    with app.app_context():
        ids = {
            user_id: reg_id
            for reg_id, user_id in db.session.execute(select(Registration.id, Registration.user_id)).all()
        }

    page = organizer_client.get(f"{base(edition)}/sessions/{session.id}/registrants").get_data(as_text=True)
    assert "Alice" in page and "Awaiting approval" in page and "Waiting list" in page

    decide = f"{base(edition)}/registrations/{{}}/decide"
    response = organizer_client.post(decide.format(ids[alice.id]), data={"decision": "accept"}, follow_redirects=True)
    assert "Alice is confirmed." in response.get_data(as_text=True)
    organizer_client.post(decide.format(ids[carol.id]), data={"decision": "decline"})
    with app.app_context():
        statuses = {
            user_id: status
            for user_id, status in db.session.execute(select(Registration.user_id, Registration.status)).all()
        }
    assert statuses == {alice.id: "confirmed", bob.id: "waitlisted", carol.id: "declined"}

    response = organizer_client.post(f"{base(edition)}/registrations/{ids[alice.id]}/cancel", follow_redirects=True)
    assert "1 person moved from the waiting list to a seat." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, ids[bob.id]).status == "confirmed"
        assert db.session.get(Registration, ids[alice.id]).status == "cancelled"


def test_accepting_into_a_full_session_puts_on_the_waiting_list(app, organizer_client, edition, factory):
    forum = factory.forum(edition, registration_mode="approval")
    session = factory.programme_session(forum, capacity=0)
    user = factory.user(name="Bob")
    register(app, user, session)
    with app.app_context():
        registration_id = db.session.scalar(select(Registration.id))
    response = organizer_client.post(
        f"{base(edition)}/registrations/{registration_id}/decide", data={"decision": "accept"}, follow_redirects=True
    )
    assert "put on the waiting list" in response.get_data(as_text=True)
    assert fetch(app, Registration, registration_id).status == "waitlisted"


def test_registration_of_another_edition_is_404(app, organizer_client, edition, factory):
    other_session = factory.programme_session(factory.forum(factory.edition()))
    registration = factory.registration(factory.user(), other_session)
    assert organizer_client.post(f"{base(edition)}/registrations/{registration.id}/cancel").status_code == 404


@pytest.fixture()
def export_world(app, factory, edition):
    forum = factory.forum(edition)
    session = factory.programme_session(forum, capacity=5)
    with app.app_context():
        choice = ForumQuestion(
            forum_id=forum.id, label="Industry", kind="choice", choices=["Logistics", "=SUM(A1)"], position=0
        )
        tick = ForumQuestion(forum_id=forum.id, label="Needs interpreter", kind="checkbox", position=1)
        db.session.add_all([choice, tick])
        db.session.commit()
        choice_id, tick_id = choice.id, tick.id
    wei = factory.user(name="张伟", organisation="广西国际博览集团", country="CN", email="wei@example.com")
    evil = factory.user(
        name='=HYPERLINK("http://evil.test")', organisation="+cmd|' /C calc'!A0", email="evil@example.com", country="TH"
    )
    waiting = factory.user(name="Somchai", email="somchai@example.com")
    factory.registration(wei, session, answers={str(choice_id): "Logistics", str(tick_id): True})
    factory.registration(evil, session, answers={str(choice_id): "=SUM(A1)", str(tick_id): False})
    factory.registration(waiting, session, status="waitlisted", waitlist_number=7)
    return session


def test_csv_export_is_excel_friendly_and_injection_safe(organizer_client, edition, export_world):
    session = export_world
    response = organizer_client.get(f"{base(edition)}/sessions/{session.id}/registrants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="registrants-{session.id}.csv"'
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Full name,Organisation,Country or region,E-mail address,Status,Waiting-list number,"
        "Registered at (Asia/Shanghai),Checked in at (Asia/Shanghai),Industry,Needs interpreter"
    )
    assert lines[1].startswith("张伟,广西国际博览集团,China,wei@example.com,Confirmed,,")
    assert lines[1].endswith(",Logistics,Yes")
    assert lines[2].startswith('"\'=HYPERLINK(""http://evil.test"")",\'+cmd|\' /C calc\'!A0,Thailand,')
    assert lines[2].endswith(",'=SUM(A1),No")
    assert lines[3].startswith("Somchai,,,somchai@example.com,Waiting list,7,")


def test_xlsx_export_opens_with_the_same_columns(organizer_client, edition, export_world):
    session = export_world
    response = organizer_client.get(f"{base(edition)}/sessions/{session.id}/registrants.xlsx")
    assert response.status_code == 200
    assert f'filename="registrants-{session.id}.xlsx"' in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Full name", "Organisation", "Country or region", "E-mail address", "Status")
    assert rows[0][-2:] == ("Industry", "Needs interpreter")
    assert rows[1][:5] == ("张伟", "广西国际博览集团", "China", "wei@example.com", "Confirmed")
    assert isinstance(rows[1][6], datetime)
    assert rows[2][0] == '=HYPERLINK("http://evil.test")'
    assert sheet.cell(row=3, column=1).data_type == "s"  # text, not a formula
    assert rows[3][4:6] == ("Waiting list", 7)


# --------------------------------------------------------------------------------------------
# Messages to the audience


def test_audience_message_reaches_confirmed_participants_once(
    app, organizer_client, organizer, edition, factory, recorded_tasks
):
    forum = factory.forum(edition)
    session = factory.programme_session(forum, title="Green logistics")
    confirmed = [factory.user(name="Ana", email="ana@example.com"), factory.user(name="李娜", email="li@example.com")]
    cancelled = factory.user(name="Gone", email="gone@example.com")
    waiting = factory.user(name="Wait", email="wait@example.com")
    for user in confirmed:
        factory.registration(user, session)
    factory.registration(cancelled, session, status="cancelled")
    factory.registration(waiting, session, status="waitlisted", waitlist_number=1)

    messages_url = f"{base(edition)}/sessions/{session.id}/messages"
    response = organizer_client.post(
        messages_url,
        data={
            "subject": "Room change",
            "body": "We moved to Hall B.\n<b>Bring your badge</b>",
            "audience": "confirmed",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        message = db.session.scalar(select(Broadcast))
        assert (message.session_id, message.audience, message.status, message.author_id) == (
            session.id,
            "session",
            "queued",
            organizer.id,
        )
        message_id = message.id
    assert response.headers["Location"] == f"{base(edition)}/broadcasts/{message_id}"
    assert recorded_tasks == [("broadcasts.prepare", (message_id,))]

    run_recorded_tasks(app)  # the list of recipients, then its batch (which sends)
    mails = outbox_messages(app)
    assert len(mails) == 2
    assert sorted(next(line for line in mail.splitlines() if line.startswith("To:")) for mail in mails) == [
        "To: ana@example.com",
        "To: li@example.com",
    ]
    assert not any("gone@example.com" in mail or "wait@example.com" in mail for mail in mails)
    html = mails[0]
    assert "Subject: Room change" in html
    assert "We moved to Hall B.<br>&lt;b&gt;Bring your badge&lt;/b&gt;" in html
    assert "We moved to Hall B.\n<b>Bring your badge</b>" in html  # the plain-text part
    with app.app_context():
        message = db.session.get(Broadcast, message_id)
        assert (message.status, message.recipients_total) == ("done", 2)

    # The worker may run a task twice (acks_late): nothing goes out twice.
    recorded_tasks.append(("broadcasts.prepare", (message_id,)))
    recorded_tasks.append(("broadcasts.send_batch", (message_id, 0)))
    run_recorded_tasks(app)
    assert len(outbox_messages(app)) == 2

    page = organizer_client.get(messages_url).get_data(as_text=True)
    assert "Room change" in page
    assert '<span class="recipients-total">2</span>' in page
    assert '<td class="delivered">2</td>' in page
    assert '<td class="waiting">0</td>' in page


def test_forum_message_to_everyone_active_includes_waiting_and_pending(app, organizer_client, edition, factory):
    forum = factory.forum(edition)
    sessions = [factory.programme_session(forum) for _ in range(2)]
    both, waiting, pending = factory.user(), factory.user(), factory.user()
    factory.registration(both, sessions[0])
    factory.registration(both, sessions[1])
    factory.registration(waiting, sessions[1], status="waitlisted", waitlist_number=1)
    factory.registration(pending, sessions[0], status="pending")
    factory.registration(factory.user(), sessions[0], status="declined")
    organizer_client.post(
        f"{base(edition)}/forums/{forum.id}/messages",
        data={"subject": "Welcome", "body": "See you soon.", "audience": "all_active"},
    )
    run_recorded_tasks(app)
    recipients = sorted(
        line[4:] for mail in outbox_messages(app) for line in mail.splitlines() if line.startswith("To: ")
    )
    assert recipients == sorted([both.email, waiting.email, pending.email])


# --------------------------------------------------------------------------------------------
# Deleting sessions


def test_session_with_registrations_cannot_be_deleted(app, organizer_client, edition, factory):
    forum = factory.forum(edition)
    busy = factory.programme_session(forum)
    free = factory.programme_session(forum)
    factory.registration(factory.user(), busy)
    factory.registration(factory.user(), free, status="cancelled")

    response = organizer_client.post(f"{base(edition)}/sessions/{busy.id}/delete", follow_redirects=True)
    assert "Cancel their registrations before deleting it." in response.get_data(as_text=True)
    response = organizer_client.post(f"{base(edition)}/sessions/{free.id}/delete", follow_redirects=True)
    assert "deleted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProgrammeSession, busy.id) is not None
        assert db.session.get(ProgrammeSession, free.id) is None
