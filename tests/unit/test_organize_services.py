"""The rules of the organizer services: forums, sessions, questions, overview, registrant_lists."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from expo import exports
from expo.accounts.models import User
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.organize import services
from expo.organize.services import ForumData, OrganizeError, QuestionData, SessionData
from expo.permissions import NotAllowed
from expo.registrations import services as registrations
from expo.registrations.models import Registration

NINE_LOCAL = datetime(2027, 9, 11, 9, 0)  # typed by an organizer in Shanghai
NINE_UTC = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)
TEN_UTC = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)


@pytest.fixture()
def edition(factory):
    return factory.edition(timezone="Asia/Shanghai")


@pytest.fixture()
def organizer(factory, edition) -> User:
    return factory.organizer(edition)


def get(model, row):
    """The test's own copy of a factory row. Arrange every row with the factory first: reading here
    opens this context's transaction, and on SQLite (BEGIN IMMEDIATE) the factory would wait for it."""
    return db.session.get(model, row.id)


def forum_data(**fields) -> ForumData:
    return ForumData(**{"title": "Forum", "slug": "forum", "kind": Forum.MAIN, **fields})


def session_data(**fields) -> SessionData:
    return SessionData(**{"title": "Session", "starts_at": NINE_UTC, "ends_at": TEN_UTC, **fields})


def error_of(call, *args, **kwargs) -> OrganizeError:
    with pytest.raises(OrganizeError) as caught:
        call(*args, **kwargs)
    return caught.value


# --------------------------------------------------------------------------------------------
# Time zones and small parsers


def test_local_times_are_converted_with_the_editions_zone():
    assert services.local_to_utc(NINE_LOCAL, "Asia/Shanghai") == NINE_UTC
    assert services.local_to_utc(datetime(2027, 7, 1, 9, 0), "Europe/Berlin") == datetime(
        2027, 7, 1, 7, 0, tzinfo=UTC
    )  # summer time
    assert services.utc_to_local(NINE_UTC, "Asia/Shanghai") == NINE_LOCAL
    assert services.local_to_utc(None, "Asia/Shanghai") is None


def test_tags_and_choices_are_tidied():
    assert services.normalise_tags(" AI,trade ,, ai , Logistics") == "AI, trade, Logistics"
    assert services.parse_choices("Yes\n\n No \nYes\r\nMaybe") == ("Yes", "No", "Maybe")


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert [exports.csv_safe(v) for v in ("=1+1", "+86 771", "-2", "@SUM(A1)", "\tx", "Ana", None, 7)] == [
        "'=1+1",
        "'+86 771",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Ana",
        "",
        "7",
    ]


def test_a_csv_row_is_neutralised_as_each_cell_is():
    row = [
        "=1+1",
        "+86 771",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "Ana",
        "",
        None,
        7,
        -7,
        2.5,
        -0.5,
        Decimal("-1.20"),
        datetime(2027, 3, 10, 12, 30),
        date(2027, 3, 10),
        True,
    ]
    row += [
        float("nan"),
        float("inf"),
        datetime(2027, 3, 10, 12, 30, 59, 999999),
        datetime(999, 1, 1),
        datetime(2027, 3, 10, 12, 30, tzinfo=UTC),
        "'quoted",
        "x=1",
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(exports.csv_safe_row(row))
    expected = io.StringIO()
    csv.writer(expected).writerow([exports.csv_safe(value) for value in row])
    assert buffer.getvalue() == expected.getvalue()


# --------------------------------------------------------------------------------------------
# Forums


def test_only_the_editions_organizers_change_its_programme(app_ctx, factory, edition):
    outsiders = [factory.user(), factory.organizer(factory.edition())]
    for outsider in outsiders:
        actor = get(User, outsider)
        with pytest.raises(NotAllowed):
            services.create_forum(actor, get(Edition, edition), forum_data())


def test_sub_forum_needs_a_main_forum_of_the_same_edition(app_ctx, organizer, factory, edition):
    main = factory.forum(edition, kind=Forum.MAIN)
    other_sub = factory.forum(edition, kind=Forum.SUB)
    foreign_main = factory.forum(factory.edition(), kind=Forum.MAIN)
    mine, organizer = get(Edition, edition), get(User, organizer)

    assert error_of(services.create_forum, organizer, mine, forum_data(kind=Forum.SUB)).field == "parent_id"
    for parent in (other_sub, foreign_main):
        error = error_of(services.create_forum, organizer, mine, forum_data(kind=Forum.SUB, parent_id=parent.id))
        assert str(error) == "The parent must be a main forum of this edition."
    error = error_of(services.create_forum, organizer, mine, forum_data(kind=Forum.MAIN, parent_id=main.id))
    assert error.field == "parent_id"

    sub = services.create_forum(organizer, mine, forum_data(kind=Forum.SUB, parent_id=main.id))
    assert sub.parent_id == main.id


def test_forum_address_is_unique_per_edition(app_ctx, organizer, factory, edition):
    factory.forum(edition, slug="forum")
    factory.forum(factory.edition(), slug="elsewhere")
    organizer = get(User, organizer)
    error = error_of(services.create_forum, organizer, get(Edition, edition), forum_data())
    assert error.field == "slug"
    assert services.create_forum(organizer, get(Edition, edition), forum_data(slug="elsewhere")).id


def test_whole_course_enrolment_is_for_training_courses(app_ctx, organizer, edition):
    mine, organizer = get(Edition, edition), get(User, organizer)
    error = error_of(services.create_forum, organizer, mine, forum_data(enrols_whole_course=True, capacity=5))
    assert error.field == "enrols_whole_course"
    course = services.create_forum(
        organizer, mine, forum_data(kind=Forum.TRAINING, enrols_whole_course=True, capacity=5)
    )
    assert (course.capacity, course.seats_taken) == (5, 0)
    plain = services.create_forum(organizer, mine, forum_data(slug="plain", capacity=5))
    assert plain.capacity is None  # capacity is only for whole-course forums


def test_main_forum_with_sub_forums_stays_main(app_ctx, organizer, factory, edition):
    main = factory.forum(edition, kind=Forum.MAIN, slug="main")
    factory.forum(edition, kind=Forum.SUB, parent_id=main.id)
    organizer = get(User, organizer)
    error = error_of(services.update_forum, organizer, get(Forum, main), forum_data(slug="main", kind=Forum.PROMOTION))
    assert error.field == "kind"


def test_registration_style_cannot_flip_once_people_registered(app_ctx, organizer, factory, edition):
    course = factory.forum(edition, kind=Forum.TRAINING, slug="course")
    session = factory.programme_session(course)
    factory.registration(factory.user(), session)
    organizer = get(User, organizer)
    error = error_of(
        services.update_forum,
        organizer,
        get(Forum, course),
        forum_data(slug="course", kind=Forum.TRAINING, enrols_whole_course=True),
    )
    assert error.field == "enrols_whole_course"


def test_course_capacity_goes_through_the_registration_service(app_ctx, organizer, factory, edition):
    course = factory.forum(edition, kind=Forum.TRAINING, slug="course", enrols_whole_course=True, capacity=1)
    first, second = factory.user(), factory.user()
    course, first, second, organizer = (get(Forum, course), get(User, first), get(User, second), get(User, organizer))
    registrations.register(first, course)
    waiting = registrations.register(second, course).registration
    db.session.commit()
    assert waiting.status == Registration.Status.WAITLISTED

    data = forum_data(slug="course", kind=Forum.TRAINING, enrols_whole_course=True, capacity=2)
    promoted = services.update_forum(organizer, get(Forum, course), data)
    db.session.commit()
    assert [r.id for r in promoted] == [waiting.id]
    assert get(Forum, course).seats_taken == 2

    error = error_of(
        services.update_forum,
        organizer,
        get(Forum, course),
        forum_data(slug="course", kind=Forum.TRAINING, enrols_whole_course=True, capacity=1),
    )
    assert error.field == "capacity"


# --------------------------------------------------------------------------------------------
# Sessions


def test_session_rules(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    foreign_speaker = factory.speaker(factory.edition())
    forum, organizer = get(Forum, forum), get(User, organizer)
    cases = {
        "ends_at": session_data(ends_at=NINE_UTC),
        "stream_url": session_data(stream_url="javascript:alert(1)"),
        "speakers": session_data(speaker_ids=(foreign_speaker.id,)),
        "capacity": session_data(capacity=-1),
        "registration_closes_at": session_data(registration_opens_at=TEN_UTC, registration_closes_at=NINE_UTC),
    }
    for field_name, data in cases.items():
        assert error_of(services.create_session, organizer, forum, data).field == field_name
    with pytest.raises(ValueError):
        services.create_session(organizer, forum, session_data(starts_at=NINE_LOCAL))


def test_session_is_created_with_speakers_and_tidy_tags(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    speakers = [factory.speaker(edition, name=name) for name in ("Zhou", "Anan")]
    forum, organizer = get(Forum, forum), get(User, organizer)
    session = services.create_session(
        organizer,
        forum,
        session_data(
            tags="Trade,, trade, RCEP",
            capacity=None,
            stream_url="https://live.example.com/x",
            speaker_ids=tuple(s.id for s in speakers),
        ),
    )
    db.session.commit()
    session = get(ProgrammeSession, session)
    assert [s.name for s in session.speakers] == ["Anan", "Zhou"]
    assert (session.tags, session.capacity, session.seats_taken) == ("Trade, RCEP", None, 0)


def test_raising_session_capacity_promotes_and_lowering_below_seats_is_refused(
    app_ctx, organizer, factory, edition, recorded_tasks
):
    session = factory.programme_session(factory.forum(edition), capacity=1)
    users = [factory.user() for _ in range(3)]
    session, organizer = get(ProgrammeSession, session), get(User, organizer)
    users = [get(User, user) for user in users]
    results = [registrations.register(user, session).registration for user in users]
    db.session.commit()
    assert [r.status for r in results] == ["confirmed", "waitlisted", "waitlisted"]

    session = get(ProgrammeSession, session)
    promoted = services.update_session(organizer, session, session_data(title="Bigger", capacity=2))
    db.session.commit()
    assert [r.id for r in promoted] == [results[1].id]
    session = get(ProgrammeSession, session)
    assert (session.title, session.capacity, session.seats_taken) == ("Bigger", 2, 2)

    error = error_of(services.update_session, organizer, session, session_data(title="Smaller", capacity=1))
    assert error.field == "capacity"
    assert "2 people already hold seats" in str(error)
    db.session.rollback()
    assert get(ProgrammeSession, session).capacity == 2


def test_session_with_active_registrations_is_not_deleted(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    busy = factory.programme_session(forum)
    factory.registration(factory.user(), busy, status=Registration.Status.WAITLISTED, waitlist_number=1)
    error = error_of(services.delete_session, get(User, organizer), get(ProgrammeSession, busy))
    assert "Cancel their registrations" in str(error)


# --------------------------------------------------------------------------------------------
# Questions


def test_at_most_ten_questions_per_forum(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    forum, organizer = get(Forum, forum), get(User, organizer)
    for number in range(services.MAX_QUESTIONS_PER_FORUM):
        services.create_question(organizer, forum, QuestionData(label=f"Q{number}"))
    error = error_of(services.create_question, organizer, forum, QuestionData(label="One too many"))
    assert "at most 10 questions" in str(error)


def test_choice_questions_need_options_and_others_keep_none(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    forum, organizer = get(Forum, forum), get(User, organizer)
    error = error_of(
        services.create_question,
        organizer,
        forum,
        QuestionData(label="Pick", kind=ForumQuestion.CHOICE, choices=("Only",)),
    )
    assert error.field == "choices"
    text = services.create_question(organizer, forum, QuestionData(label="Why", choices=("stray",)))
    assert text.choices == []


def test_questions_move_up_and_down(app_ctx, organizer, factory, edition):
    forum = factory.forum(edition)
    forum, organizer = get(Forum, forum), get(User, organizer)
    first, second, third = (
        services.create_question(organizer, forum, QuestionData(label=label)) for label in ("A", "B", "C")
    )
    services.move_question(organizer, third, -1)
    services.move_question(organizer, first, -1)  # already first: stays
    assert [q.label for q in get(Forum, forum).questions] == ["A", "C", "B"]
    services.move_question(organizer, first, 1)
    services.delete_question(organizer, second)
    assert [(q.label, q.position) for q in get(Forum, forum).questions] == [("C", 0), ("A", 1)]


# --------------------------------------------------------------------------------------------
# The overview


def test_programme_overview_nests_sub_forums_and_counts_registrations(app_ctx, factory, edition):
    main = factory.forum(edition, kind=Forum.MAIN, title="Main", position=0)
    sub = factory.forum(edition, kind=Forum.SUB, parent_id=main.id, title="Sub")
    course = factory.forum(edition, kind=Forum.TRAINING, title="Course", enrols_whole_course=True, position=1)
    session = factory.programme_session(sub)
    for status, number in (
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("pending", None),
        ("cancelled", None),
    ):
        factory.registration(factory.user(), session, status=status, waitlist_number=number)
    factory.registration(factory.user(), course, status="pending")
    factory.programme_session(factory.forum(factory.edition()))  # another edition's: not shown

    rows = services.programme_overview(get(Edition, edition))
    assert [row.forum.title for row in rows] == ["Main", "Course"]
    assert [row.forum.title for row in rows[0].sub_forums] == ["Sub"]
    counts = rows[0].sub_forums[0].sessions[0].counts
    assert (counts.confirmed, counts.waitlisted, counts.pending) == (1, 2, 1)
    assert rows[1].counts.pending == 1


def test_speakers_belong_to_their_edition(app_ctx, organizer, factory, edition):
    other = factory.edition()
    organizer = get(User, organizer)
    speaker = services.create_speaker(organizer, get(Edition, edition), services.SpeakerData(name="Siti", country="MY"))
    assert speaker.edition_id == edition.id
    with pytest.raises(NotAllowed):
        services.update_speaker(organizer, speaker, get(Edition, other), services.SpeakerData(name="X"))
    assert get(Speaker, speaker).name == "Siti"
