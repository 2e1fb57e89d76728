"""Who gets a badge, with which role, issued once; reprinting, revoking and correcting at the help desk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from expo.accounts.models import EditionRole, User
from expo.audit.models import AuditAction, AuditEntry
from expo.badges.codes import badge_payload
from expo.badges.models import Badge
from expo.badges.services import (
    BadgeChanged,
    BadgeError,
    BadgeRefused,
    Selection,
    badge_for,
    correct_badge,
    entitlements,
    issue_badges,
    reprint_badge,
    revoke_badge,
    search_people,
    selected_badges,
    verify_badge,
)
from expo.booths.models import Booth
from expo.editions.models import Edition
from expo.extensions import db
from expo.matchmaking.models import HostedBuyer
from expo.permissions import NotAllowed
from expo.registrations.models import Registration

DURING = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)


@pytest.fixture()
def world(factory, app):
    """An edition (10-13 Sep 2027, Nanning time) with one person of every kind, and some who get nothing."""
    edition = factory.edition()
    other = factory.edition()
    pavilion = factory.pavilion(edition, name="Machinery")
    food = factory.pavilion(edition, name="Food")
    forum = factory.forum(edition)
    day_one = factory.programme_session(forum, starts_at=datetime(2027, 9, 10, 2, 0, tzinfo=UTC))
    day_two = factory.programme_session(forum, starts_at=datetime(2027, 9, 11, 2, 0, tzinfo=UTC))
    course = factory.forum(edition, enrols_whole_course=True)
    factory.programme_session(course, starts_at=datetime(2027, 9, 12, 2, 0, tzinfo=UTC))

    organizer = factory.organizer(edition, name="Olga Organizer")
    global_organizer = factory.organizer(None, name="Gao Global")
    staff = factory.user(name="Sam Staff")
    delegate = factory.user(name="王小明", organisation="南宁机械", country="CN")
    course_delegate = factory.user(name="Nguyễn Thị Minh", organisation="Đông Á", country="VN")
    waitlisted = factory.user(name="Wanda Waiting")
    hosted = factory.user(name="Hana Hosted", organisation="Jakarta Imports", country="ID")
    invited_only = factory.user(name="Ivan Invited")
    speaker_user = factory.user(name="Dr Siti Speaker", organisation="Profile Org")
    owner = factory.user(name="สมชาย ใจดี", organisation="Own Profile Org", country="TH")
    exhibitor_staff = factory.user(name="Eddie Exhibitor")
    food_owner = factory.user(name="Fiona Food")
    draft_owner = factory.user(name="Dora Draft")
    other_edition_delegate = factory.user(name="Otto Other")
    disabled = factory.user(name="Dan Disabled", is_disabled=True)

    company = factory.company(owner=owner, staff=[exhibitor_staff], name="Bangkok Foods Co.")
    factory.placement(factory.booth(company), pavilion, stand="A-1")
    food_company = factory.company(owner=food_owner, name="Fiona's Fruit")
    factory.placement(factory.booth(food_company), food, stand="B-1")
    draft_company = factory.company(owner=draft_owner)
    factory.placement(factory.booth(draft_company, status=Booth.Status.DRAFT), pavilion, stand="A-2")

    factory.registration(delegate, day_one)
    factory.registration(owner, day_two)  # an exhibitor who also attends a session: still an exhibitor
    factory.registration(course_delegate, course)
    factory.registration(waitlisted, day_two, status=Registration.Status.WAITLISTED, waitlist_number=1)
    factory.registration(disabled, day_one)
    factory.registration(other_edition_delegate, factory.programme_session(factory.forum(other)))
    factory.registration(hosted, day_two)
    speaker = factory.speaker(edition, user_id=speaker_user.id, organisation="ASEAN Secretariat")
    factory.speaker(edition, name="Speaker Without Account")
    with app.app_context():
        from expo.forums.models import session_speakers

        db.session.execute(session_speakers.insert().values(session_id=day_two.id, speaker_id=speaker.id))
        db.session.add(EditionRole(user_id=staff.id, edition_id=edition.id, kind=EditionRole.CHECKIN))
        db.session.add(
            HostedBuyer(edition_id=edition.id, user_id=hosted.id, status="accepted", away_days=["2027-09-12"])
        )
        db.session.add(HostedBuyer(edition_id=edition.id, user_id=invited_only.id, status="invited"))
        db.session.commit()
    return SimpleNamespace(**locals())


def _edition(edition) -> Edition:
    return db.session.get(Edition, edition.id)


def _user(user) -> User:
    return db.session.get(User, user.id)


def _badges(edition) -> dict[int, Badge]:
    return {b.user_id: b for b in db.session.scalars(select(Badge).where(Badge.edition_id == edition.id))}


def test_every_kind_of_participant_gets_one_badge_with_the_role_that_comes_first(app_ctx, world):
    w = world
    issued = issue_badges(_user(w.organizer), _edition(w.edition))
    db.session.commit()

    roles = {user_id: badge.role for user_id, badge in _badges(w.edition).items()}
    assert roles == {
        w.organizer.id: Badge.Role.ORGANIZER,
        w.global_organizer.id: Badge.Role.ORGANIZER,
        w.staff.id: Badge.Role.STAFF,
        w.speaker_user.id: Badge.Role.SPEAKER,
        w.hosted.id: Badge.Role.HOSTED_BUYER,  # also registered for a session
        w.owner.id: Badge.Role.EXHIBITOR,  # also registered for a session
        w.exhibitor_staff.id: Badge.Role.EXHIBITOR,
        w.food_owner.id: Badge.Role.EXHIBITOR,
        w.delegate.id: Badge.Role.DELEGATE,
        w.course_delegate.id: Badge.Role.DELEGATE,
    }
    # Nobody waitlisted, merely invited, exhibiting with an unpublished booth, of another edition or disabled.
    assert issued.created == 10


def test_the_badge_prints_the_profile_and_the_exhibitors_or_speakers_company(app_ctx, world):
    issue_badges(_user(world.organizer), _edition(world.edition))
    badges = _badges(world.edition)
    assert (badges[world.delegate.id].name, badges[world.delegate.id].company, badges[world.delegate.id].country) == (
        "王小明",
        "南宁机械",
        "CN",
    )
    assert badges[world.owner.id].company == "Bangkok Foods Co."
    assert badges[world.speaker_user.id].company == "ASEAN Secretariat"
    assert all(badge.serial == 1 and badge.printed_at is None for badge in badges.values())


def test_issuing_again_creates_nothing_and_records_only_what_changed(app_ctx, world):
    organizer = _user(world.organizer)
    first = issue_badges(organizer, _edition(world.edition))
    db.session.commit()
    again = issue_badges(organizer, _edition(world.edition))
    db.session.commit()

    assert (first.created, again.created, again.updated) == (10, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(Badge)) == 10
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BADGES_ISSUED)).all()
    assert [entry.after["created"] for entry in entries] == [10]


def test_a_new_role_reaches_a_badge_not_printed_yet_but_not_a_printed_one(app_ctx, world):
    issue_badges(None, _edition(world.edition))
    badges = _badges(world.edition)
    badges[world.course_delegate.id].printed_at = DURING
    db.session.add(HostedBuyer(edition_id=world.edition.id, user_id=world.delegate.id, status="accepted"))
    db.session.add(HostedBuyer(edition_id=world.edition.id, user_id=world.course_delegate.id, status="accepted"))
    db.session.commit()

    assert issue_badges(None, _edition(world.edition)).updated == 1
    badges = _badges(world.edition)
    assert badges[world.delegate.id].role == Badge.Role.HOSTED_BUYER
    assert badges[world.course_delegate.id].role == Badge.Role.DELEGATE


def test_only_the_editions_organizers_prepare_badges(app_ctx, world, factory):
    other_organizer = factory.organizer(world.other)
    with pytest.raises(NotAllowed):
        issue_badges(_user(other_organizer), _edition(world.edition))
    with pytest.raises(NotAllowed):
        issue_badges(_user(world.delegate), _edition(world.edition))


def test_a_person_gets_their_badge_on_demand_and_a_stranger_none(app_ctx, world):
    edition = _edition(world.edition)
    badge = badge_for(edition, _user(world.delegate))
    assert badge.role == Badge.Role.DELEGATE
    assert badge_for(edition, _user(world.delegate)).id == badge.id
    assert badge_for(edition, _user(world.waitlisted)) is None
    assert badge_for(edition, _user(world.other_edition_delegate)) is None
    assert set(entitlements(edition, [world.delegate.id, world.waitlisted.id])) == {world.delegate.id}


def test_a_reprint_gets_a_new_serial_and_the_old_code_stops_working(app_ctx, world):
    edition = _edition(world.edition)
    badge = badge_for(edition, _user(world.delegate))
    old = badge.payload
    db.session.commit()

    reprint_badge(_user(world.organizer), badge, seen_serial=1)
    db.session.commit()

    assert badge.serial == 2 and badge.reprinted_at is not None
    assert verify_badge(edition, badge.payload, now=DURING).id == badge.id
    with pytest.raises(BadgeRefused, match="replaced by a reprint") as refused:
        verify_badge(edition, old, now=DURING)
    assert refused.value.status == 409
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.BADGE_REPRINTED))
    assert (entry.before, entry.after, entry.edition_id) == ({"serial": 1}, {"serial": 2}, edition.id)


def test_two_clicks_on_reprint_reprint_once(app_ctx, world):
    badge = badge_for(_edition(world.edition), _user(world.delegate))
    reprint_badge(_user(world.organizer), badge, seen_serial=1)
    with pytest.raises(BadgeChanged, match="already reprinted") as refused:
        reprint_badge(_user(world.organizer), badge, seen_serial=1)
    assert refused.value.status == 409
    assert badge.serial == 2


def test_a_revoked_badge_opens_no_door_until_it_is_reprinted(app_ctx, world):
    edition = _edition(world.edition)
    badge = badge_for(edition, _user(world.delegate))
    revoke_badge(_user(world.organizer), badge)
    revoke_badge(_user(world.organizer), badge)  # twice: one entry
    with pytest.raises(BadgeRefused, match="revoked"):
        verify_badge(edition, badge.payload, now=DURING)

    reprint_badge(_user(world.organizer), badge, seen_serial=1)
    assert badge.revoked_at is None
    assert verify_badge(edition, badge.payload, now=DURING).serial == 2
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AuditAction.BADGE_REVOKED)
        )
        == 1
    )


def test_the_help_desk_corrects_a_typo_and_the_printed_code_keeps_working(app_ctx, world):
    edition = _edition(world.edition)
    badge = badge_for(edition, _user(world.delegate))
    payload = badge.payload
    correct_badge(_user(world.organizer), badge, name="  王  晓明 ", company="南宁机械有限公司")
    assert (badge.name, badge.company, badge.serial) == ("王 晓明", "南宁机械有限公司", 1)
    assert verify_badge(edition, payload, now=DURING).id == badge.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.BADGE_CORRECTED))
    assert entry.before == {"name": "王小明", "company": "南宁机械"}
    with pytest.raises(BadgeError, match="Enter the name") as refused:
        correct_badge(_user(world.organizer), badge, name="  ", company="x")
    assert refused.value.field == "name"


def test_the_help_desk_finds_people_by_name_email_or_printed_name(app_ctx, world):
    edition = _edition(world.edition)
    badge = badge_for(edition, _user(world.delegate))
    correct_badge(_user(world.organizer), badge, name="Wang Xiaoming", company="")

    found = {person.user.id: person for person in search_people(edition, "xiaoming")}
    assert list(found) == [world.delegate.id] and found[world.delegate.id].badge.id == badge.id
    by_email = search_people(edition, world.hosted.email.upper())
    assert [(p.user.id, p.badge, p.role) for p in by_email] == [(world.hosted.id, None, Badge.Role.HOSTED_BUYER)]
    assert [p.role for p in search_people(edition, "Wanda")] == [None]
    assert search_people(edition, "w") == []
    assert [p.user.id for p in search_people(edition, "王")] == [world.delegate.id]


def test_a_bulk_print_chooses_by_day_pavilion_and_role(app_ctx, world):
    edition = _edition(world.edition)
    issue_badges(None, edition)
    db.session.commit()

    def names(**selection):
        return {badge.name for badge in selected_badges(edition, Selection(**selection))}

    every_day = {"Olga Organizer", "Gao Global", "Sam Staff", "สมชาย ใจดี", "Eddie Exhibitor", "Fiona Food"}
    assert names(day=date(2027, 9, 10)) == every_day | {"王小明", "Hana Hosted"}
    assert names(day=date(2027, 9, 11)) == every_day | {"Dr Siti Speaker", "Hana Hosted"}
    # The hosted buyer said they are away on the 12th; the course has a session that day.
    assert names(day=date(2027, 9, 12)) == every_day | {"Nguyễn Thị Minh"}
    assert names(pavilion_id=world.pavilion.id) == {"สมชาย ใจดี", "Eddie Exhibitor"}
    assert names(role=Badge.Role.DELEGATE) == {"王小明", "Nguyễn Thị Minh"}
    assert names(day=date(2027, 9, 11), role=Badge.Role.SPEAKER) == {"Dr Siti Speaker"}
    revoke_badge(_user(world.organizer), _badges(world.edition)[world.staff.id])
    assert "Sam Staff" not in names()


def test_an_invalid_payload_for_a_badge_of_the_edition_is_still_refused(app_ctx, world):
    edition = _edition(world.edition)
    badge_for(edition, _user(world.delegate))
    with pytest.raises(BadgeRefused):
        verify_badge(edition, badge_payload(world.other.id, world.delegate.id, 1), now=DURING)
