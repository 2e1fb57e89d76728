"""The registration service's rules, one at a time (concurrency has its own tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from expo.accounts.models import User
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession
from expo.permissions import NotAllowed
from expo.registrations import services
from expo.registrations.models import Registration
from tests.conftest import Factory

NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
NINE = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture(autouse=True)
def _unhashed_passwords(monkeypatch):
    # Nobody here logs in, and argon2 costs up to 0.4 s a user on a busy machine: the factory's
    # password hash is skipped (the account simply cannot log in).
    monkeypatch.setitem(Factory.user.__globals__, "hash_password", lambda password: "!")


@pytest.fixture()
def edition(factory):
    return factory.edition()


@pytest.fixture()
def forum(factory, edition):
    return factory.forum(edition)


@pytest.fixture()
def organizer(factory, edition):
    return factory.organizer(edition)


def get(model, row):
    """The test's own copy of a row the factory made (factory rows are detached)."""
    return db.session.get(model, row.id)


def _end_transaction() -> None:
    # The factory writes through a session of its own; on SQLite (BEGIN IMMEDIATE) it would wait
    # for the write lock our session holds from its first read. Only called while arranging.
    db.session.commit()


def make_session(factory, forum, **fields) -> ProgrammeSession:
    forum = SimpleNamespace(id=forum.id)  # read before committing: an expired row would reopen a transaction
    _end_transaction()
    return get(ProgrammeSession, factory.programme_session(forum, **fields))


def make_forum(factory, edition, **fields) -> Forum:
    edition = SimpleNamespace(id=edition.id)
    _end_transaction()
    return get(Forum, factory.forum(edition, **fields))


def make_users(factory, count: int) -> list[User]:
    _end_transaction()
    rows = [factory.user() for _ in range(count)]
    return [get(User, row) for row in rows]


def register(user, target, **kwargs) -> Registration:
    return services.register(user, target, now=NOW, **kwargs).registration


def reload(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def count_registrations(**where) -> int:
    return db.session.scalar(select(func.count(Registration.id)).filter_by(**where))


def tasks_named(recorded, name) -> list[int]:
    return [args[0] for task, args in recorded if task == name]


# --------------------------------------------------------------------------------------------
# Seats and the waiting list


def test_confirmed_while_seats_last_then_waitlisted_in_order(app_ctx, factory, forum, recorded_tasks):
    session = make_session(factory, forum, capacity=2)
    users = make_users(factory, 5)

    registrations = [register(user, session) for user in users]
    db.session.commit()

    assert [r.status for r in registrations] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert all(r.confirmed_at == NOW for r in registrations[:2])
    assert [r.waitlist_number for r in registrations] == [None, None, 1, 2, 3]
    assert [services.waitlist_position(r) for r in registrations] == [None, None, 1, 2, 3]
    db.session.refresh(session)
    assert (session.seats_taken, session.seats_left, session.is_full) == (2, 0, True)
    # Tickets go to the confirmed only, and only once the rows are committed.
    assert tasks_named(recorded_tasks, services.TICKET_TASK) == [r.id for r in registrations[:2]]


def test_unlimited_capacity_confirms_everyone(app_ctx, factory, forum):
    session = make_session(factory, forum, capacity=None)
    registrations = [register(user, session) for user in make_users(factory, 4)]
    assert {r.status for r in registrations} == {"confirmed"}
    db.session.refresh(session)
    assert (session.seats_taken, session.seats_left, session.is_full) == (4, None, False)


def test_registering_twice_is_refused_and_leaves_one_row(app_ctx, factory, forum, recorded_tasks):
    session = make_session(factory, forum, capacity=5)
    user = make_users(factory, 1)[0]
    register(user, session)
    db.session.commit()

    with pytest.raises(services.AlreadyRegistered):
        register(user, session)
    db.session.rollback()

    assert count_registrations(user_id=user.id, session_id=session.id) == 1
    assert get(ProgrammeSession, session).seats_taken == 1
    assert len(tasks_named(recorded_tasks, services.TICKET_TASK)) == 1


def test_a_duplicate_that_slips_past_the_check_gives_its_seat_back(app_ctx, factory, forum, monkeypatch):
    # Two tabs submitting at once both pass the friendly check; the partial unique index stops
    # the second, and its seat must be rolled back with its row (the savepoint).
    session = make_session(factory, forum, capacity=5)
    user = make_users(factory, 1)[0]
    register(user, session)
    db.session.commit()
    monkeypatch.setattr(services, "active_registration", lambda *args: None)

    with pytest.raises(services.AlreadyRegistered):
        register(user, session)
    db.session.commit()  # what survives the failed attempt is kept

    assert count_registrations(user_id=user.id, session_id=session.id) == 1
    assert get(ProgrammeSession, session).seats_taken == 1


def test_a_cancelled_registration_may_be_renewed(app_ctx, factory, forum):
    session = make_session(factory, forum, capacity=5)
    user = make_users(factory, 1)[0]
    first = register(user, session)
    services.cancel(user, first, now=NOW)
    again = register(user, session)
    db.session.commit()
    assert (reload(first).status, again.status) == ("cancelled", "confirmed")
    assert get(ProgrammeSession, session).seats_taken == 1


# --------------------------------------------------------------------------------------------
# Cancelling and promotion


def test_cancelling_a_confirmed_registration_promotes_the_first_in_line(app_ctx, factory, forum, recorded_tasks):
    session = make_session(factory, forum, capacity=1)
    holder, first, second = make_users(factory, 3)
    held, waiting_first, waiting_second = (register(u, session) for u in (holder, first, second))
    db.session.commit()
    recorded_tasks.clear()

    promoted = services.cancel(holder, held, now=NOW)

    assert [r.id for r in promoted] == [waiting_first.id]
    assert recorded_tasks == []  # nobody is told before the promotion is committed
    db.session.commit()
    assert recorded_tasks == [(services.PROMOTED_TASK, (waiting_first.id,))]
    assert (reload(held).status, reload(held).cancelled_at) == ("cancelled", NOW)
    promoted_row = reload(waiting_first)
    assert (promoted_row.status, promoted_row.confirmed_at) == ("confirmed", NOW)
    assert services.waitlist_position(reload(waiting_second)) == 1
    assert get(ProgrammeSession, session).seats_taken == 1


def test_a_rolled_back_cancellation_tells_nobody(app_ctx, factory, forum, recorded_tasks):
    session = make_session(factory, forum, capacity=1)
    holder, waiting = make_users(factory, 2)
    held = register(holder, session)
    register(waiting, session)
    db.session.commit()
    recorded_tasks.clear()

    services.cancel(holder, held, now=NOW)
    db.session.rollback()
    db.session.commit()

    assert recorded_tasks == []
    assert reload(held).status == "confirmed"


def test_leaving_the_waiting_list_shifts_positions_and_promotes_nobody(app_ctx, factory, forum, recorded_tasks):
    session = make_session(factory, forum, capacity=1)
    holder, *waiting_users = make_users(factory, 4)
    held = register(holder, session)
    waiting = [register(u, session) for u in waiting_users]
    db.session.commit()
    recorded_tasks.clear()

    assert services.cancel(waiting_users[0], waiting[0], now=NOW) == []
    db.session.commit()

    assert recorded_tasks == []
    assert reload(waiting[0]).status == "cancelled"
    assert [services.waitlist_position(reload(r)) for r in waiting[1:]] == [1, 2]
    assert reload(held).status == "confirmed"
    assert get(ProgrammeSession, session).seats_taken == 1


def test_cancelling_twice_or_someone_elses_registration_is_refused(app_ctx, factory, forum):
    session = make_session(factory, forum, capacity=2)
    owner, stranger = make_users(factory, 2)
    registration = register(owner, session)
    db.session.commit()

    with pytest.raises(NotAllowed):
        services.cancel(stranger, registration, now=NOW)
    services.cancel(owner, registration, now=NOW)
    db.session.commit()
    with pytest.raises(services.RegistrationError):
        services.cancel(owner, reload(registration), now=NOW)
    db.session.rollback()
    assert get(ProgrammeSession, session).seats_taken == 0


def test_an_organizer_may_cancel_for_an_attendee(app_ctx, factory, forum, organizer):
    session = make_session(factory, forum, capacity=1)
    attendee, waiting = make_users(factory, 2)
    registration = register(attendee, session)
    queued = register(waiting, session)
    promoted = services.cancel(get(User, organizer), registration, now=NOW)
    assert [r.id for r in promoted] == [queued.id]


# --------------------------------------------------------------------------------------------
# Registration windows


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"registration_opens_at": NOW + timedelta(days=1)}, "not opened yet"),
        ({"registration_closes_at": NOW - timedelta(minutes=1)}, "closed"),
        ({"registration_closes_at": NOW}, "closed"),
    ],
)
def test_registration_outside_its_window_is_refused(app_ctx, factory, forum, window, message):
    session = make_session(factory, forum, capacity=5, **window)
    user = make_users(factory, 1)[0]
    with pytest.raises(services.RegistrationClosed, match=message):
        register(user, session)
    db.session.rollback()
    assert count_registrations() == 0
    assert get(ProgrammeSession, session).seats_taken == 0


def test_registration_inside_its_window_is_accepted(app_ctx, factory, forum):
    session = make_session(
        factory, forum, capacity=5, registration_opens_at=NOW, registration_closes_at=NOW + timedelta(days=1)
    )
    assert register(make_users(factory, 1)[0], session).status == "confirmed"


# --------------------------------------------------------------------------------------------
# Approval mode


def test_approval_mode_keeps_registrations_pending_until_an_organizer_decides(
    app_ctx, factory, edition, organizer, recorded_tasks
):
    forum = factory.forum(edition, registration_mode=Forum.APPROVAL)
    session = make_session(factory, forum, capacity=1)
    first, second = make_users(factory, 2)
    organizer = get(User, organizer)

    pending = [register(u, session) for u in (first, second)]
    db.session.commit()
    assert [r.status for r in pending] == ["pending"] * 2
    assert get(ProgrammeSession, session).seats_taken == 0
    assert recorded_tasks == []

    accepted = services.decide(organizer, pending[0], accept=True, now=NOW)
    declined = services.decide(organizer, pending[1], accept=False, now=NOW)
    db.session.commit()

    assert (accepted.status, accepted.confirmed_at) == ("confirmed", NOW)
    assert (declined.status, declined.cancelled_at) == ("declined", NOW)
    assert get(ProgrammeSession, session).seats_taken == 1
    assert recorded_tasks == [(services.TICKET_TASK, (accepted.id,))]


def test_accepting_when_full_puts_the_registration_on_the_waiting_list(app_ctx, factory, edition, organizer):
    forum = factory.forum(edition, registration_mode=Forum.APPROVAL)
    session = make_session(factory, forum, capacity=1)
    first, second = make_users(factory, 2)
    organizer = get(User, organizer)
    pending = [register(u, session) for u in (first, second)]
    db.session.commit()

    services.decide(organizer, pending[0], accept=True, now=NOW)
    waiting = services.decide(organizer, pending[1], accept=True, now=NOW)
    db.session.commit()

    assert (waiting.status, waiting.waitlist_number, waiting.confirmed_at) == ("waitlisted", 1, None)
    assert services.waitlist_position(waiting) == 1
    assert get(ProgrammeSession, session).seats_taken == 1


def test_a_decision_is_taken_once_and_only_by_an_organizer(app_ctx, factory, edition, organizer):
    forum = factory.forum(edition, registration_mode=Forum.APPROVAL)
    session = make_session(factory, forum, capacity=3)
    attendee = make_users(factory, 1)[0]
    registration = register(attendee, session)

    with pytest.raises(NotAllowed):
        services.decide(attendee, registration, accept=True, now=NOW)
    services.decide(get(User, organizer), registration, accept=True, now=NOW)
    with pytest.raises(services.RegistrationError, match="already been decided"):
        services.decide(get(User, organizer), registration, accept=False, now=NOW)
    assert get(ProgrammeSession, session).seats_taken == 1


# --------------------------------------------------------------------------------------------
# Changing capacity


def test_raising_capacity_promotes_from_the_waiting_list_in_order(app_ctx, factory, forum, organizer, recorded_tasks):
    session = make_session(factory, forum, capacity=1)
    users = make_users(factory, 4)
    registrations = [register(u, session) for u in users]
    db.session.commit()
    recorded_tasks.clear()

    promoted = services.change_capacity(get(User, organizer), session, 3)
    db.session.commit()

    assert [r.id for r in promoted] == [registrations[1].id, registrations[2].id]
    assert tasks_named(recorded_tasks, services.PROMOTED_TASK) == [registrations[1].id, registrations[2].id]
    session = get(ProgrammeSession, session)
    assert (session.capacity, session.seats_taken) == (3, 3)
    assert services.waitlist_position(reload(registrations[3])) == 1


def test_removing_the_limit_promotes_everyone_waiting(app_ctx, factory, forum, organizer):
    session = make_session(factory, forum, capacity=1)
    registrations = [register(u, session) for u in make_users(factory, 3)]
    promoted = services.change_capacity(get(User, organizer), session, None)
    assert [r.id for r in promoted] == [r.id for r in registrations[1:]]
    assert get(ProgrammeSession, session).seats_taken == 3


def test_capacity_cannot_drop_below_the_seats_taken(app_ctx, factory, forum, organizer):
    session = make_session(factory, forum, capacity=5)
    for user in make_users(factory, 3):
        register(user, session)
    db.session.commit()
    organizer = get(User, organizer)

    with pytest.raises(services.CapacityTooLow, match="3 people"):
        services.change_capacity(organizer, session, 2)
    db.session.rollback()
    assert get(ProgrammeSession, session).capacity == 5

    assert services.change_capacity(organizer, session, 3) == []
    db.session.commit()
    session = get(ProgrammeSession, session)
    assert (session.capacity, session.seats_taken, session.is_full) == (3, 3, True)


def test_only_organizers_change_capacity(app_ctx, factory, forum):
    session = make_session(factory, forum, capacity=5)
    with pytest.raises(NotAllowed):
        services.change_capacity(make_users(factory, 1)[0], session, 50)


# --------------------------------------------------------------------------------------------
# Clashes


def test_overlapping_sessions_are_reported_as_clashes(app_ctx, factory, forum, edition):
    nine = make_session(factory, forum, starts_at=NINE)  # 09:00-10:00
    half_past = make_session(factory, forum, starts_at=NINE + timedelta(minutes=30))  # 09:30-10:30
    ten = make_session(factory, forum, starts_at=NINE + timedelta(hours=1))  # 10:00-11:00
    elsewhere = make_session(factory, make_forum(factory, edition), starts_at=NINE + timedelta(minutes=15))
    user, other = make_users(factory, 2)

    assert services.register(user, nine, now=NOW).clashes == []
    assert services.register(user, half_past, now=NOW).clashes == [nine]
    # Back to back is not a clash: 09:00-10:00 ends as 10:00-11:00 starts.
    assert services.register(user, ten, now=NOW).clashes == [half_past]
    assert services.register(user, elsewhere, now=NOW).clashes == [nine, half_past, ten]  # 09:15-10:15
    # Ordered by start; the session asked about is never its own clash.
    assert services.clashing_sessions(user, ten) == [elsewhere, half_past]
    # Someone else's registrations never clash with mine.
    assert services.register(other, half_past, now=NOW).clashes == []


def test_waiting_list_places_clash_but_cancelled_registrations_do_not(app_ctx, factory, forum):
    full = make_session(factory, forum, starts_at=NINE, capacity=0)
    cancelled = make_session(factory, forum, starts_at=NINE)
    target = make_session(factory, forum, starts_at=NINE + timedelta(minutes=30))
    user = make_users(factory, 1)[0]

    assert register(user, full).status == "waitlisted"
    services.cancel(user, register(user, cancelled), now=NOW)

    assert services.clashing_sessions(user, target) == [full]


def test_a_course_enrolment_clashes_with_overlapping_sessions(app_ctx, factory, edition, forum):
    course = make_forum(factory, edition, kind=Forum.TRAINING, enrols_whole_course=True, capacity=5)
    course_session = make_session(factory, course, starts_at=NINE)
    talk = make_session(factory, forum, starts_at=NINE + timedelta(minutes=30))
    user = make_users(factory, 1)[0]

    register(user, course)
    assert services.register(user, talk, now=NOW).clashes == [course_session]


# --------------------------------------------------------------------------------------------
# Courses versus sessions


def test_a_course_is_enrolled_as_a_whole_not_per_session(app_ctx, factory, edition, recorded_tasks):
    course = make_forum(factory, edition, kind=Forum.TRAINING, enrols_whole_course=True, capacity=1)
    course_session = make_session(factory, course)
    first, second = make_users(factory, 2)

    with pytest.raises(services.NotRegistrable, match="enrol in the whole course"):
        register(first, course_session)
    enrolment = register(first, course)
    waiting = register(second, course)
    db.session.commit()

    assert (enrolment.status, enrolment.forum_id, enrolment.session_id) == ("confirmed", course.id, None)
    assert (waiting.status, waiting.waitlist_number) == ("waitlisted", 1)
    assert get(Forum, course).seats_taken == 1
    assert get(ProgrammeSession, course_session).seats_taken == 0
    with pytest.raises(services.AlreadyRegistered):
        register(first, course)
    db.session.rollback()

    recorded_tasks.clear()
    assert [r.id for r in services.cancel(first, reload(enrolment), now=NOW)] == [waiting.id]
    db.session.commit()
    assert recorded_tasks == [(services.PROMOTED_TASK, (waiting.id,))]


def test_a_forum_of_sessions_cannot_be_enrolled_as_a_whole(app_ctx, factory, forum):
    make_session(factory, forum)
    with pytest.raises(services.NotRegistrable, match="one by one"):
        register(make_users(factory, 1)[0], get(Forum, forum))
    db.session.rollback()
    assert count_registrations() == 0


# --------------------------------------------------------------------------------------------
# Questions


@pytest.fixture()
def questions(app, forum):
    with app.app_context():
        rows = [
            ForumQuestion(forum_id=forum.id, label="Company", kind=ForumQuestion.TEXT, required=True, position=1),
            ForumQuestion(
                forum_id=forum.id,
                label="Lunch",
                kind=ForumQuestion.CHOICE,
                choices=["meat", "veg"],
                required=True,
                position=2,
            ),
            ForumQuestion(forum_id=forum.id, label="Photos OK", kind=ForumQuestion.CHECKBOX, required=True, position=3),
            ForumQuestion(forum_id=forum.id, label="Remarks", kind=ForumQuestion.TEXT, position=4),
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [str(row.id) for row in rows]


def test_missing_answers_to_required_questions_are_refused_per_question(app_ctx, factory, forum, questions):
    company, lunch, photos, remarks = questions
    session = make_session(factory, forum, capacity=5)

    with pytest.raises(services.InvalidAnswers) as refused:
        register(make_users(factory, 1)[0], session, answers={company: "   ", photos: False})

    assert set(refused.value.errors) == {company, lunch, photos}
    assert refused.value.status == 400
    db.session.rollback()
    assert count_registrations() == 0
    assert get(ProgrammeSession, session).seats_taken == 0


def test_an_answer_outside_the_choices_or_too_long_is_refused(app_ctx, factory, forum, questions):
    company, lunch, photos, remarks = questions
    session = make_session(factory, forum, capacity=5)

    with pytest.raises(services.InvalidAnswers) as refused:
        register(
            make_users(factory, 1)[0],
            session,
            answers={company: "ACME", lunch: "fish", photos: True, remarks: "x" * 2001},
        )

    assert set(refused.value.errors) == {lunch, remarks}


def test_valid_answers_are_kept_cleaned_and_unknown_keys_dropped(app_ctx, factory, forum, questions):
    company, lunch, photos, remarks = questions
    session = make_session(factory, forum, capacity=5)

    registration = register(
        make_users(factory, 1)[0], session, answers={company: "  ACME  ", lunch: "veg", photos: "y", "9999": "sneaky"}
    )
    db.session.commit()

    assert reload(registration).answers == {company: "ACME", lunch: "veg", photos: True, remarks: ""}
