"""Broadcasts: who an audience reaches, the batched fan-out and its idempotence, preferences, the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from expo.accounts.models import User
from expo.broadcasts import services as broadcasts
from expo.broadcasts.models import Broadcast, BroadcastRecipient
from expo.broadcasts.services import Draft
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.notifications import preferences
from expo.notifications.models import Notification, OutboxMessage
from expo.permissions import NotAllowed
from tests.conftest import run_recorded_tasks


@pytest.fixture()
def edition(factory):
    return factory.edition()


@pytest.fixture()
def organizer(factory, edition) -> User:
    return factory.organizer(edition)


def get(model, row):
    return db.session.get(model, row.id)


def draft(audience=Broadcast.EDITION_ATTENDEES, **fields) -> Draft:
    return Draft(**{"audience": audience, "subject": "Welcome", "body": "See you in Nanning.", **fields})


def send(app, organizer, edition, **fields) -> int:
    with app.test_request_context():
        broadcast = broadcasts.send_broadcast(get(User, organizer), get(Edition, edition), draft(**fields))
        db.session.commit()
        return broadcast.id


def recipients_of(broadcast_id: int) -> list[str]:
    return sorted(
        db.session.scalars(
            select(User.email)
            .join(BroadcastRecipient, BroadcastRecipient.user_id == User.id)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
        )
    )


def test_edition_attendees_are_everyone_registered_for_a_session_or_course(app, factory, organizer, edition):
    forum = factory.forum(edition)
    course = factory.forum(edition, kind="training", enrols_whole_course=True)
    session = factory.programme_session(forum)
    other_session = factory.programme_session(factory.forum(factory.edition()))
    twice, course_only, waiting, cancelled, elsewhere = (
        factory.user(email=f"{name}@example.com") for name in ("twice", "course", "waiting", "cancelled", "elsewhere")
    )
    disabled = factory.user(email="disabled@example.com", is_disabled=True)
    factory.registration(twice, session)
    factory.registration(twice, course)
    factory.registration(course_only, course)
    factory.registration(waiting, session, status="waitlisted", waitlist_number=1)
    factory.registration(cancelled, session, status="cancelled")
    factory.registration(elsewhere, other_session)
    factory.registration(disabled, session)

    confirmed = send(app, organizer, edition)
    everyone = send(app, organizer, edition, registrants="all_active")
    run_recorded_tasks(app)

    with app.app_context():
        assert recipients_of(confirmed) == ["course@example.com", "twice@example.com"]
        assert recipients_of(everyone) == ["course@example.com", "twice@example.com", "waiting@example.com"]
        assert db.session.get(Broadcast, confirmed).recipients_total == 2


def test_exhibitor_audiences_are_the_teams_of_companies_placed_in_the_edition(app, factory, organizer, edition):
    hall, other_hall = factory.pavilion(edition), factory.pavilion(edition)
    owner, staff, neighbour = (factory.user(email=f"{name}@example.com") for name in ("owner", "staff", "neighbour"))
    in_hall = factory.company(owner=owner, staff=[staff])
    next_door = factory.company(owner=neighbour)
    unplaced = factory.company(owner=factory.user(email="unplaced@example.com"))
    factory.booth(unplaced)
    factory.placement(factory.booth(in_hall), hall)
    factory.placement(factory.booth(next_door), other_hall)

    pavilion = send(app, organizer, edition, audience=Broadcast.PAVILION_EXHIBITORS, pavilion_id=hall.id)
    all_exhibitors = send(app, organizer, edition, audience=Broadcast.EDITION_EXHIBITORS)
    run_recorded_tasks(app)

    with app.app_context():
        assert recipients_of(pavilion) == ["owner@example.com", "staff@example.com"]
        assert recipients_of(all_exhibitors) == ["neighbour@example.com", "owner@example.com", "staff@example.com"]


def test_each_person_gets_one_email_and_one_notice_even_when_every_task_runs_twice(
    app, factory, organizer, edition, recorded_tasks, monkeypatch
):
    monkeypatch.setattr(broadcasts, "BATCH_SIZE", 2)  # five people: three batches
    session = factory.programme_session(factory.forum(edition))
    people = [factory.user(name=f"Person {n}") for n in range(5)]
    for person in people:
        factory.registration(person, session)

    broadcast_id = send(app, organizer, edition, audience=Broadcast.SESSION, session_id=session.id)
    assert recorded_tasks == [(broadcasts.PREPARE_TASK, (broadcast_id,))]
    # A redelivered task, and the sweep, publish the same work again.
    recorded_tasks.append((broadcasts.PREPARE_TASK, (broadcast_id,)))
    run_recorded_tasks(app)

    with app.app_context():
        broadcast = db.session.get(Broadcast, broadcast_id)
        assert (broadcast.status, broadcast.recipients_total, broadcast.batches_total) == ("done", 5, 3)
        assert (broadcast.in_app_count, broadcast.email_count) == (5, 5)
        emails = db.session.execute(
            select(OutboxMessage.user_id, OutboxMessage.status, OutboxMessage.dedupe_key).order_by(
                OutboxMessage.user_id
            )
        ).all()
        assert [(status, key) for _, status, key in emails] == [
            ("sent", f"broadcast:{broadcast_id}:{person.id}") for person in people
        ]
        assert db.session.scalar(select(func.count(Notification.id))) == 5
        progress = broadcasts.progress(broadcast)
        assert (progress.sent, progress.queued, progress.failed, progress.finished) == (5, 0, 0, True)

        # Every batch again, as a redelivery after a crash would: nothing new is stored or sent.
        for batch_number in range(3):
            broadcasts.send_batch(broadcast_id, batch_number)
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 5
        assert db.session.scalar(select(func.count(Notification.id))) == 5
        assert db.session.get(Broadcast, broadcast_id).email_count == 5


def test_the_email_is_personal_and_in_the_recipients_language(app, factory, organizer, edition):
    session = factory.programme_session(factory.forum(edition), title="Green logistics")
    ana = factory.user(name="Ana <Admin>", language="en")
    li = factory.user(name="李娜", language="zh")
    for person in (ana, li):
        factory.registration(person, session)
    send(app, organizer, edition, audience=Broadcast.SESSION, session_id=session.id, body="Hall B.\n<b>Badge</b>")
    run_recorded_tasks(app)
    with app.app_context():
        by_user = {message.user_id: message for message in db.session.scalars(select(OutboxMessage))}
        english, chinese = by_user[ana.id], by_user[li.id]
        assert "Hello Ana <Admin>," in english.body_text
        assert "Hello Ana &lt;Admin&gt;," in english.body_html
        assert "Hall B.<br>&lt;b&gt;Badge&lt;/b&gt;" in english.body_html
        assert "The organizers of Green logistics" in english.body_text
        assert "李娜" in chinese.body_text
        assert broadcasts.NAME_PLACEHOLDER not in english.body_html + chinese.body_html
        assert "/account/notifications" in english.body_text


def test_preferences_decide_the_channels(app, factory, organizer, edition):
    session = factory.programme_session(factory.forum(edition))
    no_email, no_app, everything = factory.user(), factory.user(), factory.user()
    for person in (no_email, no_app, everything):
        factory.registration(person, session)
    with app.app_context():
        preferences.save_choices(get(User, no_email), {"broadcasts": preferences.Choice(in_app=True, email=False)})
        preferences.save_choices(get(User, no_app), {"broadcasts": preferences.Choice(in_app=False, email=True)})
        db.session.commit()

    both = send(app, organizer, edition, audience=Broadcast.SESSION, session_id=session.id)
    app_only = send(app, organizer, edition, audience=Broadcast.SESSION, session_id=session.id, send_email=False)
    run_recorded_tasks(app)

    with app.app_context():

        def channels(broadcast_id):
            key = f"broadcast:{broadcast_id}:%"
            return (
                sorted(db.session.scalars(select(OutboxMessage.user_id).where(OutboxMessage.dedupe_key.like(key)))),
                sorted(db.session.scalars(select(Notification.user_id).where(Notification.dedupe_key.like(key)))),
            )

        assert channels(both) == (sorted([no_app.id, everything.id]), sorted([no_email.id, everything.id]))
        assert channels(app_only) == ([], sorted([no_email.id, everything.id]))
        report = broadcasts.progress(db.session.get(Broadcast, both))
        assert (report.recipients, report.emails, report.in_app, report.opted_out) == (3, 2, 2, 1)


def test_only_the_editions_organizers_broadcast_and_targets_stay_in_the_edition(app_ctx, factory, organizer, edition):
    other_edition = factory.edition()
    foreign_session = factory.programme_session(factory.forum(other_edition))
    foreign_pavilion = factory.pavilion(other_edition)
    attendee = factory.user()
    organizer, edition = get(User, organizer), get(Edition, edition)
    with pytest.raises(NotAllowed):
        broadcasts.send_broadcast(get(User, attendee), edition, draft())
    with pytest.raises(broadcasts.BroadcastError) as caught:
        broadcasts.send_broadcast(organizer, edition, draft(Broadcast.SESSION, session_id=foreign_session.id))
    assert caught.value.field == "session_id"
    with pytest.raises(broadcasts.BroadcastError):
        broadcasts.count_recipients(
            organizer, edition, draft(Broadcast.PAVILION_EXHIBITORS, pavilion_id=foreign_pavilion.id)
        )
    with pytest.raises(broadcasts.BroadcastError):
        broadcasts.send_broadcast(organizer, edition, draft(send_email=False, send_in_app=False))
    with pytest.raises(broadcasts.BroadcastError):
        broadcasts.send_broadcast(organizer, edition, draft(subject="  ", body="x"))
    broadcast = broadcasts.send_broadcast(organizer, edition, draft(subject="Hello\nBcc: x@evil.test"))
    assert broadcast.subject == "Hello Bcc: x@evil.test"


def test_nobody_in_the_audience_finishes_at_once(app, organizer, edition):
    broadcast_id = send(app, organizer, edition)
    run_recorded_tasks(app)
    with app.app_context():
        broadcast = db.session.get(Broadcast, broadcast_id)
        assert (broadcast.status, broadcast.recipients_total) == ("done", 0)
        assert broadcasts.progress(broadcast).finished


def test_a_broadcast_whose_task_was_lost_is_published_again(app, factory, organizer, edition, recorded_tasks):
    session = factory.programme_session(factory.forum(edition))
    factory.registration(factory.user(), session)
    lost = send(app, organizer, edition)
    fresh = send(app, organizer, edition)
    recorded_tasks.clear()
    with app.app_context():
        db.session.get(Broadcast, lost).created_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert broadcasts.requeue_stalled_broadcasts() == 1
        db.session.commit()
    assert recorded_tasks == [(broadcasts.PREPARE_TASK, (lost,))]  # not the fresh one
    assert fresh != lost


def test_recipients_are_numbered_into_batches_of_the_batch_size(app, factory, organizer, edition, monkeypatch):
    monkeypatch.setattr(broadcasts, "BATCH_SIZE", 3)
    session = factory.programme_session(factory.forum(edition))
    for _ in range(7):
        factory.registration(factory.user(), session)
    broadcast_id = send(app, organizer, edition)
    with app.app_context():
        broadcasts.prepare_broadcast(broadcast_id)
        numbers = db.session.scalars(
            select(BroadcastRecipient.batch_number)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
            .order_by(BroadcastRecipient.user_id)
        ).all()
        assert numbers == [0, 0, 0, 1, 1, 1, 2]
        assert db.session.get(Broadcast, broadcast_id).batches_total == 3
