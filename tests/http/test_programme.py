"""The public programme: agenda by day and forum, filters, session, forum and speaker pages, .ics files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from expo.extensions import db
from expo.forums.models import ProgrammeSession
from tests.conftest import log_in


@pytest.fixture()
def programme(factory):
    edition = factory.edition(slug="18th", timezone="Asia/Shanghai")
    main = factory.forum(edition, slug="health", title="Health Cooperation Forum", kind="main")
    sub = factory.forum(edition, slug="dentistry", title="Forum on Dentistry", parent_id=main.id)
    speaker = factory.speaker(edition, name="Dr Nguyen Van An", organisation="Hanoi CDC", country="VN")
    # 01:00 UTC is 09:00 in Nanning on 11 September.
    opening = factory.programme_session(
        main,
        title="Opening plenary",
        language="English",
        tags="public health",
        starts_at=datetime(2027, 9, 10, 1, 30, tzinfo=UTC),
        stream_url="https://stream.example.com/opening",
    )
    dental = factory.programme_session(
        sub,
        title="Dental care",
        language="Chinese",
        tags="dentistry",
        starts_at=datetime(2027, 9, 11, 1, 0, tzinfo=UTC),
        capacity=2,
        seats_taken=2,
    )
    with factory.app.app_context():
        session = db.session.get(ProgrammeSession, dental.id)
        from expo.forums.models import Speaker

        session.speakers.append(db.session.get(Speaker, speaker.id))
        db.session.commit()
    return edition, main, sub, opening, dental, speaker


def test_agenda_groups_sessions_by_day_in_the_venue_zone(client, programme):
    page = client.get("/editions/18th/programme").get_data(as_text=True)
    # The site's one day format (expo.i18n), with ", 2027" while 2027 is not this year.
    assert page.index("Fri, Sep 10") < page.index("Opening plenary")
    assert page.index("Sat, Sep 11") < page.index("Dental care")
    assert (
        "9:30\u202fAM" in page and "9:00\u202fAM" in page
    )  # venue times, not UTC (CLDR puts a narrow space before AM)
    assert "Full: waiting list" in page


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("day=2027-09-11", "Dental care", "Opening plenary"),
        ("forum=dentistry", "Dental care", "Opening plenary"),
        ("forum=health", "Dental care", "No session matches"),  # a main forum includes its sub-forums
        ("tag=public health", "Opening plenary", "Dental care"),
        ("language=Chinese", "Dental care", "Opening plenary"),
    ],
)
def test_filters(client, programme, query, shown, hidden):
    page = client.get(f"/editions/18th/programme?{query}").get_data(as_text=True)
    agenda = page.split('id="day-', 1)[-1]
    assert shown in agenda and hidden not in agenda.split('<h2 class="h5 mt-4">')[0]


def test_mangled_day_filter_shows_everything(client, programme):
    page = client.get("/editions/18th/programme?day=yesterday").get_data(as_text=True)
    assert "Opening plenary" in page and "Dental care" in page


def test_session_page_shows_both_zones_and_hides_the_stream_from_visitors(client, programme):
    *_, opening, _dental, _speaker = programme
    client.set_cookie("expo_tz", "Europe/Paris")
    page = client.get(f"/editions/18th/sessions/{opening.id}").get_data(as_text=True)
    assert "(Asia/Shanghai)" in page and "(Europe/Paris)" in page
    assert "https://stream.example.com/opening" not in page
    assert "The link is shown to registered participants." in page


def test_registered_attendee_sees_the_stream(app, client, factory, programme):
    *_, opening, _dental, _speaker = programme
    user = factory.user()
    factory.registration(user, opening)
    log_in(client, user)
    assert "https://stream.example.com/opening" in client.get(f"/editions/18th/sessions/{opening.id}").get_data(
        as_text=True
    )


def test_session_of_another_edition_is_404(client, factory, programme):
    *_, opening, _dental, _speaker = programme
    factory.edition(slug="other")
    assert client.get(f"/editions/other/sessions/{opening.id}").status_code == 404
    assert client.get("/editions/18th/sessions/9999").status_code == 404
    assert client.get("/editions/18th/forums/nope").status_code == 404


def test_draft_edition_programme_is_hidden(client, factory):
    factory.edition(slug="draft", status="draft")
    assert client.get("/editions/draft/programme").status_code == 404


def test_speaker_page_lists_sessions(client, programme):
    *_, speaker = programme
    page = client.get(f"/editions/18th/speakers/{speaker.id}").get_data(as_text=True)
    assert "Dr Nguyen Van An" in page and "Dental care" in page and "Vietnam" in page


def test_forum_page_lists_sub_forums_and_sessions(client, programme):
    page = client.get("/editions/18th/forums/health").get_data(as_text=True)
    assert "Forum on Dentistry" in page and "Opening plenary" in page


def test_session_ics_parses_with_a_real_icalendar_parser(client, programme):
    *_, opening, _dental, _speaker = programme
    response = client.get(f"/editions/18th/sessions/{opening.id}.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Opening plenary"
    assert event.decoded("dtstart") == datetime(2027, 9, 10, 1, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2027, 9, 10, 2, 30, tzinfo=UTC)
    assert str(event["uid"]) == f"session-{opening.id}@expo.test"
    assert "stream.example.com" not in str(event["description"])  # the public file never carries the link


def test_forum_ics_holds_every_session(client, programme):
    calendar = Calendar.from_ical(client.get("/editions/18th/forums/dentistry.ics").data)
    assert [str(event["summary"]) for event in calendar.walk("VEVENT")] == ["Dental care"]
