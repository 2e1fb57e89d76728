"""Checking a scanned badge at the door, and the list of valid codes an offline device loads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from expo.badges.codes import BadgeCodeError, badge_payload, code_digest
from expo.badges.models import Badge
from expo.badges.services import BadgeRefused, valid_codes, valid_until, verify_badge
from expo.editions.models import Edition
from expo.extensions import db

# The factory's edition runs 10-13 September 2027 in Asia/Shanghai (UTC+8).
DURING = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)


@pytest.fixture()
def world(factory):
    edition = factory.edition()
    other = factory.edition()
    person = factory.user(name="王小明", organisation="南宁机械", country="CN")
    return SimpleNamespace(
        edition=edition,
        other=other,
        person=person,
        badge=factory.badge(edition, person, role=Badge.Role.HOSTED_BUYER),
    )


def _edition(edition) -> Edition:
    return db.session.get(Edition, edition.id)


def test_a_valid_badge_opens_the_door(app_ctx, world):
    badge = verify_badge(_edition(world.edition), badge_payload(world.edition.id, world.person.id, 1), now=DURING)
    assert (badge.id, badge.name, badge.role) == (world.badge.id, "王小明", Badge.Role.HOSTED_BUYER)


def test_text_that_is_not_a_badge_or_not_genuine_is_a_400(app_ctx, world):
    edition = _edition(world.edition)
    with pytest.raises(BadgeCodeError, match="not an Expo badge") as refused:
        verify_badge(edition, "EXPO1.a-ticket-not-a-badge", now=DURING)
    assert refused.value.status == 400
    forged = badge_payload(world.edition.id, world.person.id, 1)[:-3] + "xyz"
    with pytest.raises(BadgeCodeError, match="not genuine") as refused:
        verify_badge(edition, forged, now=DURING)
    assert refused.value.status == 400


def test_an_unknown_badge_and_another_editions_badge_get_the_same_404(app_ctx, world, factory):
    edition = _edition(world.edition)
    stranger = factory.user()
    answers = []
    for payload in (
        badge_payload(world.edition.id, stranger.id, 1),  # nobody issued them a badge
        badge_payload(world.other.id, world.person.id, 1),  # genuine, but for another edition
        badge_payload(world.edition.id, world.person.id, 2),  # a serial never printed
    ):
        with pytest.raises(BadgeRefused) as refused:
            verify_badge(edition, payload, now=DURING)
        answers.append((refused.value.status, str(refused.value)))
    assert answers == [(404, "No badge of this edition has this code.")] * 3


def test_a_badge_of_another_edition_is_refused_even_when_the_person_has_one_there(app_ctx, world, factory):
    factory.badge(world.other, world.person)
    with pytest.raises(BadgeRefused) as refused:
        verify_badge(_edition(world.edition), badge_payload(world.other.id, world.person.id, 1), now=DURING)
    assert refused.value.status == 404


def test_a_revoked_badge_is_a_409_saying_when(app_ctx, world):
    badge = db.session.get(Badge, world.badge.id)
    badge.revoked_at = datetime(2027, 9, 10, 4, 30, tzinfo=UTC)
    db.session.commit()
    with pytest.raises(BadgeRefused, match="revoked") as refused:
        verify_badge(_edition(world.edition), badge.payload, now=DURING)
    assert refused.value.status == 409
    assert "12:30" in str(refused.value)  # the venue's time (Asia/Shanghai)


def test_an_older_serial_was_replaced_by_a_reprint(app_ctx, world):
    old_payload = badge_payload(world.edition.id, world.person.id, 1)
    badge = db.session.get(Badge, world.badge.id)
    badge.serial, badge.reprinted_at = 2, datetime(2027, 9, 10, 1, 15, tzinfo=UTC)
    db.session.commit()

    with pytest.raises(BadgeRefused, match="replaced by a reprint") as refused:
        verify_badge(_edition(world.edition), old_payload, now=DURING)
    assert refused.value.status == 409
    assert "Sep 10, 2027, 9:15" in str(refused.value)  # the venue's time
    assert verify_badge(_edition(world.edition), badge.payload, now=DURING).serial == 2


def test_a_badge_expires_a_day_after_the_edition_ends_at_the_venue(app_ctx, world):
    edition = _edition(world.edition)
    payload = badge_payload(world.edition.id, world.person.id, 1)
    # The edition's last day is 13 September; the day after (take-down) still opens doors.
    last_moment = datetime(2027, 9, 14, 23, 59, tzinfo=UTC) - timedelta(hours=8)
    assert verify_badge(edition, payload, now=last_moment).id == world.badge.id
    with pytest.raises(BadgeRefused, match="expired") as refused:
        verify_badge(edition, payload, now=datetime(2027, 9, 14, 16, 0, tzinfo=UTC))  # 15 Sep 00:00 in Nanning
    assert refused.value.status == 409
    assert valid_until(edition) == datetime(2027, 9, 14, 16, 0, tzinfo=UTC)


def test_the_offline_list_holds_each_valid_badges_digest_and_what_to_show(app_ctx, world, factory):
    revoked_person = factory.user()
    factory.badge(world.edition, revoked_person, revoked_at=DURING)
    reprinted_person = factory.user(name="Somchai Jaidee")
    factory.badge(world.edition, reprinted_person, serial=3, company="Bangkok Foods", role=Badge.Role.EXHIBITOR)
    factory.badge(world.other, factory.user())

    codes = {code.user_id: code for code in valid_codes(_edition(world.edition), now=DURING)}

    assert set(codes) == {world.person.id, reprinted_person.id}
    somchai = codes[reprinted_person.id]
    assert somchai.digest == code_digest(badge_payload(world.edition.id, reprinted_person.id, 3))
    assert somchai.digest != code_digest(badge_payload(world.edition.id, reprinted_person.id, 2))
    assert (somchai.name, somchai.company, somchai.role, somchai.role_label) == (
        "Somchai Jaidee",
        "Bangkok Foods",
        "exhibitor",
        "Exhibitor",
    )
    assert somchai.valid_until == datetime(2027, 9, 14, 16, 0, tzinfo=UTC)
    assert somchai.as_json()["valid_until"].startswith("2027-09-15T00:00:00+08:00")
    # Once the edition has expired there is nothing left to load.
    assert valid_codes(_edition(world.edition), now=datetime(2027, 9, 20, tzinfo=UTC)) == []
