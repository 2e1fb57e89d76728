"""Registering through the site: seats, waiting list, questions, clashes, cancellation, tickets, feeds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from expo.extensions import db
from expo.forums.models import ForumQuestion
from expo.registrations.models import Registration
from tests.conftest import count_queries, log_in, outbox_messages, run_recorded_tasks


@pytest.fixture()
def edition(factory):
    return factory.edition(slug="18th", timezone="Asia/Shanghai")


@pytest.fixture()
def forum(factory, edition):
    return factory.forum(edition, slug="dentistry", title="Forum on Dentistry")


def register(client, session, **answers):
    return client.post(f"/editions/18th/sessions/{session.id}/register", data=answers)


def test_register_confirms_and_the_ticket_arrives_with_qr_and_calendar(app, client, factory, forum):
    session = factory.programme_session(
        forum, title="Dental care", capacity=2, stream_url="https://stream.example.com/dental"
    )
    user = factory.user(name="Somchai", timezone="Asia/Bangkok")
    log_in(client, user)
    response = register(client, session)
    assert response.status_code == 302 and response.headers["Location"] == "/my/agenda"
    agenda = client.get("/my/agenda").get_data(as_text=True)
    assert "Dental care" in agenda and "Confirmed" in agenda

    run_recorded_tasks(app)  # send_ticket queues the e-mail, then it is delivered
    [message] = outbox_messages(app)
    assert "Your ticket: Dental care" in message
    assert "(Asia/Bangkok)" in message  # times in the recipient's zone
    assert "Content-Type: text/calendar" in message and "Content-Type: image/png" in message
    calendar_part = message.split("Content-Type: text/calendar", 1)[1]
    assert "https://stream.example.com/dental" in calendar_part.replace("\r\n ", "")  # registrants get the link


def test_full_session_puts_people_on_the_waiting_list_with_their_position(app, factory, forum):
    session = factory.programme_session(forum, capacity=1)
    first, second, third = (factory.user() for _ in range(3))
    clients = []
    for user in (first, second, third):
        client = app.test_client()
        log_in(client, user)
        register(client, session)
        clients.append(client)
    assert "Waiting list: number 2" in clients[2].get("/my/agenda").get_data(as_text=True)
    page = clients[1].get(f"/editions/18th/sessions/{session.id}").get_data(as_text=True)
    assert "You are number 1 on the waiting list." in page


def test_cancellation_promotes_the_first_in_line_and_tells_them(app, factory, forum):
    session = factory.programme_session(forum, title="Dental care", capacity=1)
    holder, waiting = factory.user(), factory.user(email="waiting@example.com")
    holder_client, waiting_client = app.test_client(), app.test_client()
    log_in(holder_client, holder)
    register(holder_client, session)
    log_in(waiting_client, waiting)
    register(waiting_client, session)
    run_recorded_tasks(app)
    with app.app_context():
        holder_registration = db.session.scalar(select(Registration).filter_by(user_id=holder.id))
    response = holder_client.post(f"/registrations/{holder_registration.id}/cancel")
    assert response.status_code == 302
    assert "Confirmed" in waiting_client.get("/my/agenda").get_data(as_text=True)
    run_recorded_tasks(app)
    assert any(
        "A seat is yours: Dental care" in message and "waiting@example.com" in message
        for message in outbox_messages(app)
    )


def test_leaving_the_waiting_list(app, client, factory, forum):
    session = factory.programme_session(forum, capacity=0)
    user = factory.user()
    log_in(client, user)
    register(client, session)
    with app.app_context():
        registration = db.session.scalar(select(Registration).filter_by(user_id=user.id))
        assert registration.status == "waitlisted"
    client.post(f"/registrations/{registration.id}/cancel")
    page = client.get("/my/agenda").get_data(as_text=True)
    assert "You have left the waiting list." in page


def test_registering_twice_is_refused_with_409(client, factory, forum):
    session = factory.programme_session(forum)
    log_in(client, factory.user())
    register(client, session)
    again = register(client, session)
    assert again.status_code == 409
    assert "already registered" in again.get_data(as_text=True)
    assert client.get(f"/editions/18th/sessions/{session.id}/register").status_code == 302


def test_closed_registration_is_409_with_the_reason(client, factory, forum):
    session = factory.programme_session(forum, registration_closes_at=datetime(2020, 1, 1, tzinfo=UTC))
    log_in(client, factory.user())
    response = register(client, session)
    assert response.status_code == 409 and "Registration is closed." in response.get_data(as_text=True)


def test_required_questions_are_asked_and_answers_kept(app, client, factory, forum):
    session = factory.programme_session(forum)
    with app.app_context():
        db.session.add_all(
            [
                ForumQuestion(forum_id=forum.id, label="Dietary needs", kind="text", required=True, position=1),
                ForumQuestion(
                    forum_id=forum.id,
                    label="Interpretation",
                    kind="choice",
                    choices=["English", "Chinese"],
                    required=True,
                    position=2,
                ),
            ]
        )
        db.session.commit()
        ids = [q.id for q in db.session.scalars(select(ForumQuestion).order_by(ForumQuestion.position))]
    log_in(client, factory.user())
    form = client.get(f"/editions/18th/sessions/{session.id}/register").get_data(as_text=True)
    assert "Dietary needs" in form and "Interpretation" in form
    refused = register(client, session, **{f"question_{ids[1]}": "Klingon"})
    assert refused.status_code == 400
    assert "This question needs an answer." in refused.get_data(as_text=True)
    accepted = register(client, session, **{f"question_{ids[0]}": "Halal", f"question_{ids[1]}": "Chinese"})
    assert accepted.status_code == 302
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.answers == {str(ids[0]): "Halal", str(ids[1]): "Chinese"}


def test_clash_with_another_session_is_warned_about(client, factory, forum):
    starts = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)
    first = factory.programme_session(forum, title="Morning talk", starts_at=starts)
    overlapping = factory.programme_session(forum, title="Parallel talk", starts_at=starts + timedelta(minutes=30))
    log_in(client, factory.user())
    register(client, first)
    page = client.get(f"/editions/18th/sessions/{overlapping.id}/register").get_data(as_text=True)
    assert "This overlaps with “Morning talk”" in page
    register(client, overlapping)
    assert "this overlaps with “Morning talk”" in client.get("/my/agenda").get_data(as_text=True)


def test_course_enrolment_covers_its_sessions(app, client, factory, edition):
    course = factory.forum(edition, slug="aids-training", kind="training", enrols_whole_course=True, capacity=5)
    factory.programme_session(course, title="Module 1")
    module_2 = factory.programme_session(course, title="Module 2")
    log_in(client, factory.user())
    assert register(client, module_2).status_code == 409  # sessions of a course are not registered one by one
    response = client.post("/editions/18th/forums/aids-training/enrol")
    assert response.status_code == 302
    page = client.get(f"/editions/18th/sessions/{module_2.id}").get_data(as_text=True)
    assert "You are registered." in page


def test_tickets_and_registrations_of_others_are_404(app, factory, forum):
    session = factory.programme_session(forum)
    owner, stranger = factory.user(), factory.user()
    registration = factory.registration(owner, session)
    client = app.test_client()
    log_in(client, stranger)
    assert client.get(f"/my/tickets/{registration.id}").status_code == 404
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 404


def test_ticket_page_shows_a_qr_code_a_browser_can_draw(client, factory, forum):
    import re
    from urllib.parse import unquote
    from xml.etree import ElementTree

    session = factory.programme_session(forum)
    user = factory.user()
    registration = factory.registration(user, session)
    log_in(client, user)
    page = client.get(f"/my/tickets/{registration.id}").get_data(as_text=True)
    assert "EXPO1." in page
    uri = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="Ticket QR code"', page).group(1)
    svg = ElementTree.fromstring(unquote(uri.split(",", 1)[1]).replace("&amp;", "&"))
    # Browsers render an SVG image only when its root element is in the SVG namespace.
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_personal_feed_is_secret_revocable_and_parses(app, client, factory, forum):
    session = factory.programme_session(forum, title="Dental care", stream_url="https://stream.example.com/d")
    user = factory.user()
    factory.registration(user, session)
    log_in(client, user)
    page = client.get("/my/calendar").get_data(as_text=True)
    feed_path = re.search(r"http://expo\.test(/calendar/[^\"]+\.ics)", page).group(1)
    calendar = Calendar.from_ical(app.test_client().get(feed_path).data)  # no log-in: calendar programs can't
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Dental care"
    client.post("/my/calendar")
    assert app.test_client().get(feed_path).status_code == 404
    assert app.test_client().get("/calendar/guessed-token.ics").status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client, factory, forum):
    session = factory.programme_session(forum)
    response = client.get(f"/editions/18th/sessions/{session.id}/register")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/my/agenda").status_code == 302


def test_agenda_shows_each_waiting_place_without_a_query_per_registration(app, client, factory, forum):
    user = factory.user()
    sessions = [factory.programme_session(forum, title=f"Full talk {n}", capacity=0) for n in range(3)]
    factory.registration(factory.user(), sessions[0], status="waitlisted", waitlist_number=1)
    factory.registration(user, sessions[0], status="waitlisted", waitlist_number=2)
    log_in(client, user)
    one = count_queries(app, client, "/my/agenda")
    factory.registration(user, sessions[1], status="waitlisted", waitlist_number=1)
    factory.registration(user, sessions[2], status="waitlisted", waitlist_number=1)
    assert count_queries(app, client, "/my/agenda") == one
    page = client.get("/my/agenda").get_data(as_text=True)
    assert page.count("Waiting list: number 1") == 2 and page.count("Waiting list: number 2") == 1


def test_agenda_lists_sessions_in_the_order_they_happen_not_the_order_booked(client, factory, forum, edition):
    from datetime import datetime

    def at(day: int, hour: int) -> datetime:
        return datetime(2027, 9, day, hour, 0, tzinfo=UTC)

    user = factory.user()
    late = factory.programme_session(forum, title="Closing plenary", starts_at=at(13, 8))
    early = factory.programme_session(forum, title="Opening keynote", starts_at=at(10, 1))
    course = factory.forum(edition, title="Export training course", enrols_whole_course=True)
    factory.programme_session(course, title="Course day two", starts_at=at(12, 2))
    factory.programme_session(course, title="Course day one", starts_at=at(11, 2))
    factory.registration(user, course)  # booked first
    factory.registration(user, early)
    factory.registration(user, late)  # booked last
    log_in(client, user)
    page = client.get("/my/agenda").get_data(as_text=True)
    order = [page.index(title) for title in ("Opening keynote", "Export training course", "Closing plenary")]
    assert order == sorted(order)


def test_cancelling_a_seat_from_the_agenda_asks_first_and_says_what_happens(client, factory, forum):
    session = factory.programme_session(forum, title="Dental care")
    user = factory.user()
    registration = factory.registration(user, session)
    log_in(client, user)
    page = client.get("/my/agenda").get_data(as_text=True)
    assert "Your seat goes to the next person on the waiting list and your ticket stops working." in page
    cancel_form = f'<form method="post" action="/registrations/{registration.id}/cancel">'
    # The only form that cancels sits inside the confirmation, behind "Cancel".
    assert page.count(cancel_form) == 1
    assert page.index('<summary class="btn btn-outline-danger btn-sm ms-1">Cancel</summary>') < page.index(cancel_form)
    assert page.index(cancel_form) < page.index("Yes, cancel my seat")


def test_a_refused_registration_says_why_on_the_form_and_keeps_nothing(app, client, factory, forum):
    from expo.registrations.models import Registration

    session = factory.programme_session(forum, title="Dental care")
    user = factory.user()
    factory.registration(user, session)
    log_in(client, user)
    response = register(client, session)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # The reason stands in the form's own error list, inside the form it answers.
    form = page[page.index('<form method="post" novalidate>') :]
    assert re.search(r'<div class="alert alert-danger" role="alert">[^<]+</div>', form[: form.index("</form>")])
    with app.app_context():
        assert db.session.query(Registration).filter_by(user_id=user.id).count() == 1


def test_registration_refusals_follow_the_one_error_convention():
    from expo.checkin.services import CheckinError
    from expo.lib.rules import RuleBroken
    from expo.registrations.services import RegistrationError
    from expo.registrations.tickets import TicketError

    assert all(issubclass(error, RuleBroken) for error in (RegistrationError, TicketError, CheckinError))
