"""Stand scans: a badge scanned at a booth's stand is recorded once, joins its visitor's one lead,
names the visitor only with their consent, and refuses what is not a valid badge at this stand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from expo.accounts.models import User
from expo.badges.codes import badge_payload
from expo.booths.models import Booth
from expo.extensions import db
from expo.leads import scoring
from expo.leads.models import StandScan
from expo.leads.stand_scans import (
    ALREADY_RECORDED,
    MAX_BATCH,
    RECORDED,
    REFUSED,
    StandScanInput,
    TooManyScans,
    record_stand_scans,
)
from expo.permissions import NotAllowed
from tests.conftest import recorded_statements

SCANNED = datetime(2027, 9, 11, 3, 0, tzinfo=UTC)
NOW = datetime(2027, 9, 11, 5, 0, tzinfo=UTC)


class BadgeWorld:
    """A stand-scan test's world, here and over HTTP: each sets its own ``edition``, people and booth,
    and badges are issued the first time their code is asked for."""

    def __init__(self, app, factory):
        self.app = app
        self.factory = factory
        self.issued: set[tuple[int, int]] = set()

    def badge(self, user, edition=None, serial=1) -> str:
        """The code of ``user``'s badge for the edition (issued the first time it is asked for)."""
        edition = edition or self.edition
        if (edition.id, user.id) not in self.issued:
            self.factory.badge(edition, user, serial=serial)
            self.issued.add((edition.id, user.id))
        with self.app.app_context():
            return badge_payload(edition.id, user.id, serial)


class World(BadgeWorld):
    def __init__(self, app, factory):
        super().__init__(app, factory)
        self.edition = factory.edition()  # 10-13 Sep 2027
        self.other_edition = factory.edition(slug="next-year", name="Next year")
        self.owner = factory.user(name="Chen Yuehe")
        self.staff = factory.user(name="Nguyen Thi Lan")
        self.company = factory.company(owner=self.owner, staff=[self.staff], name="Nanning Masks")
        self.booth = factory.booth(self.company)
        self.mask = factory.product(self.booth, name="KN95 respirator")
        self.gloves = factory.product(self.booth, name="Nitrile gloves")
        factory.placement(self.booth, factory.pavilion(self.edition, name="Public Health"), stand="A-12")
        other = factory.company(owner=factory.user(name="Other Owner"), name="Other Co")
        self.other_booth = factory.booth(other)
        self.foreign_product = factory.product(self.other_booth, name="Not ours")
        self.sharing = factory.user(
            name="Somchai Prasert", organisation="Bangkok Mart", country="TH", share_contact_on_badge_scan=True
        )
        self.private = factory.user(name="Siti Rahma", organisation="Maju Bhd", country="MY")

    def scan(self, payload, *, scan_id=None, rating=None, notes="", tags=(), products=(), at=SCANNED):
        return StandScanInput(
            scan_id=scan_id or str(uuid.uuid4()),
            payload=payload,
            scanned_at=at,
            rating=rating,
            notes=notes,
            tags=tuple(tags),
            product_ids=tuple(product.id for product in products),
        )

    def record(self, items, actor=None, now=NOW):
        """Record as the request would: the actor and booth loaded, one commit."""
        with self.app.test_request_context():
            outcomes = record_stand_scans(
                db.session.get(User, (actor or self.staff).id), db.session.get(Booth, self.booth.id), items, now=now
            )
            db.session.commit()
            return outcomes

    def scans(self):
        with self.app.app_context():
            rows = db.session.scalars(select(StandScan).order_by(StandScan.id)).all()
            for row in rows:
                _ = row.products
            db.session.expunge_all()
            return rows


@pytest.fixture()
def world(app, factory):
    return World(app, factory)


def test_a_scan_is_recorded_with_its_rating_notes_tags_and_the_booths_products(world):
    [outcome] = world.record(
        [
            world.scan(
                world.badge(world.sharing),
                rating=5,
                notes="  Wants 20,000 masks a month  ",
                tags=["distributor", " Distributor ", "", "Thailand"],
                products=[world.mask, world.foreign_product],
            )
        ]
    )
    assert outcome.result == RECORDED
    assert outcome.message == "Recorded: a new lead for your booth."
    assert outcome.visitor_label == "Somchai Prasert, Bangkok Mart"
    [scan] = world.scans()
    assert (scan.booth_id, scan.edition_id, scan.visitor_id, scan.scanned_by_id) == (
        world.booth.id,
        world.edition.id,
        world.sharing.id,
        world.staff.id,
    )
    assert (scan.rating, scan.notes, scan.tags) == (5, "Wants 20,000 masks a month", ["distributor", "Thailand"])
    assert [product.name for product in scan.products] == ["KN95 respirator"]  # another booth's product is left out
    assert (scan.visitor_organisation, scan.visitor_country, scan.scanned_at) == ("Bangkok Mart", "TH", SCANNED)
    assert scan.received_at == NOW


def test_without_consent_the_team_sees_organisation_and_country_only(world):
    [outcome] = world.record([world.scan(world.badge(world.private))])
    assert outcome.result == RECORDED
    assert outcome.visitor_label == "Maju Bhd, Malaysia"
    assert "Siti" not in outcome.visitor_label


def test_a_scan_sent_again_is_answered_with_its_first_outcome_and_changes_nothing(world):
    first = world.scan(world.badge(world.sharing), rating=3, notes="First talk")
    [recorded] = world.record([first])
    again = world.scan(world.badge(world.sharing), scan_id=first.scan_id.upper(), rating=1, notes="Changed?")
    [repeated] = world.record([again], now=NOW + timedelta(hours=1))
    assert repeated.result == ALREADY_RECORDED
    assert repeated.visitor_label == recorded.visitor_label
    assert repeated.scan_id == recorded.scan_id
    [scan] = world.scans()
    assert (scan.rating, scan.notes, scan.received_at) == (3, "First talk", NOW)


def test_the_same_scan_twice_in_one_batch_is_stored_once(world):
    scan = world.scan(world.badge(world.sharing))
    outcomes = world.record([scan, scan])
    assert [outcome.result for outcome in outcomes] == [RECORDED, ALREADY_RECORDED]
    assert len(world.scans()) == 1


def test_a_second_scan_of_the_same_visitor_joins_the_same_lead(world, factory):
    factory.inquiry(world.booth, world.private)  # the visitor also wrote online: still one lead
    world.record([world.scan(world.badge(world.private), rating=2, notes="Busy, come back")])
    [second] = world.record(
        [world.scan(world.badge(world.private), rating=4, notes="Ready to order", at=SCANNED + timedelta(hours=1))]
    )
    assert second.result == RECORDED
    assert second.message == "Recorded: this visitor was scanned at your stand before, and the scan joins their lead."
    # Named: she wrote to the booth, so the team knows her already.
    assert second.visitor_label == "Siti Rahma, Maju Bhd"
    assert len(world.scans()) == 2
    with world.app.test_request_context():
        rows = db.session.execute(scoring.leads_query(db.session.get(Booth, world.booth.id), days=None, now=NOW)).all()
    assert [(row.User.id, row.stand_scans, row.inquiries, bool(row.named)) for row in rows] == [
        (world.private.id, 2, 1, True)
    ]


@pytest.mark.parametrize(
    "make_payload, message",
    [
        (lambda world: "EXPO1.a-session-ticket", "This is not an Expo badge."),
        (
            lambda world: world.badge(world.sharing)[:-3] + "xyz",
            "This badge is not genuine: its signature does not match.",
        ),
        (
            lambda world: world.badge(world.sharing, world.other_edition),
            "This badge is for an edition your booth is not part of.",
        ),
        (lambda world: world.badge(world.owner), "This badge belongs to a member of your own team."),
    ],
    ids=["not-a-badge", "forged", "other-edition", "own-team"],
)
def test_a_badge_that_is_not_valid_at_this_stand_is_refused_and_stays_refused(world, make_payload, message):
    scan = world.scan(make_payload(world), rating=5, notes="should not be kept")
    [outcome] = world.record([scan])
    assert (outcome.result, outcome.message, outcome.visitor_label) == (REFUSED, message, "")
    [stored] = world.scans()
    assert (stored.outcome, stored.visitor_id, stored.notes, stored.rating) == ("refused", None, "", None)
    [again] = world.record([scan])
    assert (again.result, again.message) == (REFUSED, message)
    assert len(world.scans()) == 1
    with world.app.test_request_context():
        assert db.session.execute(scoring.leads_query(db.session.get(Booth, world.booth.id), days=None)).all() == []


def test_a_badge_of_a_deleted_account_or_never_issued_is_refused(world, factory):
    payload = world.badge(world.private)
    with world.app.app_context():
        db.session.delete(db.session.get(User, world.private.id))
        db.session.commit()
        never_issued = badge_payload(world.edition.id, factory.user(name="No badge").id, 1)
    outcomes = world.record([world.scan(payload), world.scan(never_issued)])
    assert {(outcome.result, outcome.message) for outcome in outcomes} == {
        (REFUSED, "No badge of this edition has this code.")
    }


def test_a_revoked_replaced_or_expired_badge_is_refused_with_its_reason(world, factory):
    from expo.badges.models import Badge

    revoked = factory.user(name="Revoked")
    factory.badge(world.edition, revoked, revoked_at=NOW - timedelta(hours=3))
    reprinted = factory.user(name="Reprinted")
    factory.badge(world.edition, reprinted, serial=2)
    with world.app.app_context():
        old_code = badge_payload(world.edition.id, reprinted.id, 1)
        new_code = badge_payload(world.edition.id, reprinted.id, 2)
        revoked_code = badge_payload(world.edition.id, revoked.id, 1)
        assert db.session.scalar(select(func.count(Badge.id))) == 2
    after_the_edition = datetime(2027, 9, 16, 3, 0, tzinfo=UTC)
    outcomes = world.record(
        [
            world.scan(revoked_code),
            world.scan(old_code),
            world.scan(new_code),
            world.scan(world.badge(world.sharing), at=after_the_edition),
        ],
        now=after_the_edition,
    )
    assert [(outcome.result, outcome.message) for outcome in outcomes] == [
        (REFUSED, "This badge was revoked: the visitor can ask at the help desk."),
        (REFUSED, "This badge was replaced by a reprint: ask the visitor for the new one."),
        (RECORDED, "Recorded: a new lead for your booth."),
        (REFUSED, "This badge has expired: the edition is over."),
    ]


def test_a_scan_made_during_the_edition_is_recorded_when_the_device_syncs_after_it(world):
    after_the_edition = datetime(2027, 9, 20, 3, 0, tzinfo=UTC)
    [outcome] = world.record([world.scan(world.badge(world.sharing), at=SCANNED)], now=after_the_edition)
    assert outcome.result == RECORDED


def test_only_the_booths_team_may_scan_and_nothing_is_stored_otherwise(world, factory):
    outsider = factory.user(name="Organizer Olga")
    with pytest.raises(NotAllowed):
        world.record([world.scan(world.badge(world.sharing))], actor=outsider)
    assert world.scans() == []
    # The owner is on the team too.
    assert world.record([world.scan(world.badge(world.sharing))], actor=world.owner)[0].result == RECORDED


def test_what_the_device_got_wrong_is_refused_unstored_and_can_be_sent_again_corrected(world):
    scan_id = str(uuid.uuid4())
    cases = [
        world.scan(world.badge(world.sharing), scan_id=scan_id, rating=6),
        world.scan(world.badge(world.sharing), scan_id=scan_id, notes="x" * 2001),
        world.scan(world.badge(world.sharing), scan_id=scan_id, tags=[f"tag{n}" for n in range(11)]),
        world.scan(world.badge(world.sharing), scan_id="not-a-uuid"),
    ]
    messages = [
        outcome.message for outcome in world.record(cases[:1]) + world.record(cases[1:2]) + world.record(cases[2:])
    ]
    assert messages == [
        "Give a rating from 1 to 5, or none.",
        "Keep the notes to 2000 characters at most.",
        "Give at most 10 tags of at most 40 characters each.",
        "This scan has no valid id: scan the badge again.",
    ]
    assert world.scans() == []
    assert world.record([world.scan(world.badge(world.sharing), scan_id=scan_id, rating=5)])[0].result == RECORDED


def test_a_device_clock_ahead_of_the_server_dates_the_scan_when_it_arrived(world):
    world.record([world.scan(world.badge(world.sharing), at=NOW + timedelta(days=2))])
    assert world.scans()[0].scanned_at == NOW


def test_a_scan_id_used_at_another_booth_is_not_answered_with_its_visitor(world, factory):
    scan = world.scan(world.badge(world.sharing))
    world.record([scan])
    other_owner = factory.user(name="Elsewhere")
    with world.app.app_context():
        from expo.exhibitors.models import CompanyMember

        db.session.add(CompanyMember(company_id=world.other_booth.company_id, user_id=other_owner.id, role="staff"))
        db.session.commit()
    with world.app.test_request_context():
        [outcome] = record_stand_scans(
            db.session.get(User, other_owner.id), db.session.get(Booth, world.other_booth.id), [scan], now=NOW
        )
    assert outcome.result == REFUSED and outcome.visitor_label == ""


def test_more_than_a_batch_is_refused_whole(world):
    with pytest.raises(TooManyScans) as refused:
        world.record([world.scan(world.badge(world.sharing)) for _ in range(MAX_BATCH + 1)])
    assert refused.value.status == 413
    assert world.scans() == []


def test_a_batch_of_500_runs_as_few_statements_as_a_batch_of_five(world, factory):
    visitors = [factory.user(name=f"Visitor {n}", organisation=f"Org {n}", country="VN") for n in range(40)]
    payloads = [world.badge(visitor) for visitor in visitors]

    def batch(size):
        return [
            world.scan(payloads[n % len(payloads)], rating=1 + n % 5, tags=["hot"], products=[world.mask, world.gloves])
            for n in range(size)
        ]

    small, large = batch(5), batch(MAX_BATCH)
    with recorded_statements(world.app) as statements:
        world.record(small)
    few = len(statements)
    with recorded_statements(world.app) as statements:
        outcomes = world.record(large)
    assert len(statements) == few
    assert {outcome.result for outcome in outcomes} == {RECORDED}
    with world.app.app_context():
        assert db.session.scalar(select(func.count(StandScan.id))) == 505
    # Sent again, the whole batch is answered from what is stored, in as few statements.
    with recorded_statements(world.app) as statements:
        again = world.record(large)
    assert len(statements) <= few
    assert {outcome.result for outcome in again} == {ALREADY_RECORDED}
