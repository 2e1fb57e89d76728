"""The audit trail: every audited action leaves one entry (who, what, which object, before → after)
in the transaction of the change, and the database refuses to change or delete an entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from expo.accounts import services as accounts
from expo.accounts.models import EditionRole, User
from expo.audit.models import ACTION_LABELS, OBJECT_LABELS, AuditAction, AuditEntry, AuditObject
from expo.audit.services import AuditFilters, entries_query, record
from expo.booths import services as booths
from expo.booths.models import Booth
from expo.checkin import services as checkin
from expo.editions.models import Edition
from expo.exhibitors import services as exhibitors
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from expo.permissions import NotAllowed
from expo.registrations import services as registrations
from expo.registrations import tickets
from expo.registrations.models import Registration


def get(model, row):
    return db.session.get(model, row.id)


def entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def only_entry() -> AuditEntry:
    [entry] = entries()
    return entry


def assert_entry(
    entry: AuditEntry,
    actor,
    action: AuditAction,
    object_type: AuditObject,
    object_id: int,
    *,
    edition_id=None,
    before=None,
    after=None,
) -> None:
    assert (entry.actor_id, entry.actor_name, entry.actor_email) == (actor.id, actor.name, actor.email)
    assert (entry.action, entry.object_type, entry.object_id) == (action, object_type, object_id)
    assert entry.edition_id == edition_id
    assert (entry.before, entry.after) == (before, after)
    assert entry.occurred_at is not None and entry.occurred_at.tzinfo is not None


def test_every_action_and_object_kind_has_a_label():
    assert set(ACTION_LABELS) == set(AuditAction) and set(OBJECT_LABELS) == set(AuditObject)
    # The API (another issue) records token use with this action.
    assert AuditAction.API_TOKEN_USED.label == "API token used"


# --- roles ---------------------------------------------------------------------------------------


def test_granting_an_organizer_role_is_recorded_for_the_admin_only(app_ctx, factory):
    admin, user, edition = factory.admin(), factory.user(name="Mei"), factory.edition(name="CAEXPO 2027")
    with pytest.raises(NotAllowed):
        accounts.grant_organizer(get(User, factory.organizer()), get(User, user), edition.id)
    assert entries() == []
    accounts.grant_organizer(get(User, admin), get(User, user), edition.id)
    entry = only_entry()
    assert_entry(
        entry,
        admin,
        AuditAction.ORGANIZER_GRANTED,
        AuditObject.USER,
        user.id,
        edition_id=edition.id,
        after={"role": "organizer", "edition_id": edition.id, "edition": "CAEXPO 2027"},
    )
    assert entry.object_label == f"Mei <{user.email}>"
    # Granted again: nothing changed, nothing recorded.
    accounts.grant_organizer(get(User, admin), get(User, user), edition.id)
    assert len(entries()) == 1


def test_revoking_a_global_organizer_role_is_recorded(app_ctx, factory):
    admin, organizer = factory.admin(), factory.organizer()
    role = db.session.scalar(select(EditionRole).where(EditionRole.user_id == organizer.id))
    accounts.revoke_role(get(User, admin), role)
    assert_entry(
        only_entry(),
        admin,
        AuditAction.ORGANIZER_REVOKED,
        AuditObject.USER,
        organizer.id,
        before={"role": "organizer", "edition_id": None, "edition": None},
    )
    assert db.session.scalar(select(EditionRole).where(EditionRole.user_id == organizer.id)) is None


def test_the_entry_is_rolled_back_with_the_change(app_ctx, factory):
    admin, user = factory.admin(), factory.user()
    accounts.grant_organizer(get(User, admin), get(User, user), None)
    db.session.rollback()
    assert entries() == [] and db.session.scalar(select(EditionRole)) is None


def test_adding_and_removing_checkin_staff_is_recorded(app_ctx, factory):
    edition = factory.edition(name="CAEXPO 2027")
    organizer = factory.organizer(edition=edition)
    door = factory.user(email="door@example.com")
    role = checkin.add_checkin_staff(get(User, organizer), get(Edition, edition), "door@example.com")
    fields = {"role": "checkin", "edition_id": edition.id, "edition": "CAEXPO 2027"}
    assert_entry(
        only_entry(),
        organizer,
        AuditAction.CHECKIN_STAFF_ADDED,
        AuditObject.USER,
        door.id,
        edition_id=edition.id,
        after=fields,
    )
    checkin.add_checkin_staff(get(User, organizer), get(Edition, edition), "door@example.com")  # already there
    checkin.remove_checkin_staff(get(User, organizer), role)
    added, removed = entries()
    assert_entry(
        removed,
        organizer,
        AuditAction.CHECKIN_STAFF_REMOVED,
        AuditObject.USER,
        door.id,
        edition_id=edition.id,
        before=fields,
    )


# --- exhibitor teams and decisions ---------------------------------------------------------------


@pytest.fixture()
def team(factory):
    owner = factory.user(email="owner@example.com")
    staff = factory.user(email="staff@example.com")
    return owner, staff, factory.company(owner=owner, staff=[staff], name="Acme")


def test_joining_a_team_by_invitation_is_recorded(app_ctx, team, factory):
    owner, _staff, company = team
    newcomer = factory.user(email="new@example.com")
    _invitation, token = exhibitors.invite_staff(get(User, owner), get(ExhibitorCompany, company), "new@example.com")
    exhibitors.accept_invitation(get(User, newcomer), token)
    entry = only_entry()
    assert_entry(
        entry,
        newcomer,
        AuditAction.TEAM_MEMBER_JOINED,
        AuditObject.COMPANY,
        company.id,
        before={"member": "new@example.com", "role": None},
        after={"member": "new@example.com", "role": "staff"},
    )
    assert entry.object_label == "Acme"


def test_removing_a_member_and_leaving_are_recorded(app_ctx, team, factory):
    owner, staff, company = team
    other = factory.user(email="other@example.com")
    db.session.add(CompanyMember(company_id=company.id, user_id=other.id, role=CompanyMember.STAFF))
    db.session.commit()
    member = db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == staff.id))
    exhibitors.remove_member(get(User, owner), get(ExhibitorCompany, company), member)
    exhibitors.leave_company(get(User, other), get(ExhibitorCompany, company))
    removed, left = entries()
    assert_entry(
        removed,
        owner,
        AuditAction.TEAM_MEMBER_REMOVED,
        AuditObject.COMPANY,
        company.id,
        before={"member": "staff@example.com", "role": "staff"},
        after={"member": "staff@example.com", "role": None},
    )
    assert_entry(
        left,
        other,
        AuditAction.TEAM_MEMBER_LEFT,
        AuditObject.COMPANY,
        company.id,
        before={"member": "other@example.com", "role": "staff"},
        after={"member": "other@example.com", "role": None},
    )


def test_handing_over_ownership_is_recorded(app_ctx, team):
    owner, staff, company = team
    member = db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == staff.id))
    exhibitors.hand_over_ownership(get(User, owner), get(ExhibitorCompany, company), member)
    assert_entry(
        only_entry(),
        owner,
        AuditAction.OWNERSHIP_HANDED_OVER,
        AuditObject.COMPANY,
        company.id,
        before={"owner": "owner@example.com"},
        after={"owner": "staff@example.com"},
    )


def test_exhibitor_decisions_are_recorded(app_ctx, factory):
    reviewer = factory.organizer()
    approved = factory.company(owner=factory.user(), status=ExhibitorCompany.Status.PENDING)
    rejected = factory.company(owner=factory.user(), status=ExhibitorCompany.Status.PENDING)
    exhibitors.approve_application(get(User, reviewer), get(ExhibitorCompany, approved))
    exhibitors.reject_application(get(User, reviewer), get(ExhibitorCompany, rejected), "No licence attached.")
    approval, rejection = entries()
    assert_entry(
        approval,
        reviewer,
        AuditAction.EXHIBITOR_APPROVED,
        AuditObject.COMPANY,
        approved.id,
        before={"status": "pending"},
        after={"status": "approved"},
    )
    assert_entry(
        rejection,
        reviewer,
        AuditAction.EXHIBITOR_REJECTED,
        AuditObject.COMPANY,
        rejected.id,
        before={"status": "pending"},
        after={"status": "rejected", "rejection_reason": "No licence attached."},
    )


def test_a_decision_lost_to_another_leaves_no_entry(app_ctx, factory):
    company = factory.company(owner=factory.user(), status=ExhibitorCompany.Status.APPROVED)
    with pytest.raises(exhibitors.AlreadyReviewed):
        exhibitors.approve_application(get(User, factory.organizer()), get(ExhibitorCompany, company))
    assert entries() == []


def test_booth_publish_suspend_and_send_back_are_recorded(app_ctx, factory):
    reviewer = factory.organizer()
    booth = factory.booth(factory.company(owner=factory.user(), name="Acme"), status=Booth.Status.SUBMITTED)
    other = factory.booth(factory.company(owner=factory.user()), status=Booth.Status.SUBMITTED)
    booths.publish_booth(get(User, reviewer), get(Booth, booth))
    booths.suspend_booth(get(User, reviewer), get(Booth, booth), "Counterfeit goods reported.")
    booths.send_back_booth(get(User, reviewer), get(Booth, other), "Add a logo.")
    published, suspended, sent_back = entries()
    assert_entry(
        published,
        reviewer,
        AuditAction.BOOTH_PUBLISHED,
        AuditObject.BOOTH,
        booth.id,
        before={"status": "submitted"},
        after={"status": "published"},
    )
    assert published.object_label == "Acme"
    assert_entry(
        suspended,
        reviewer,
        AuditAction.BOOTH_SUSPENDED,
        AuditObject.BOOTH,
        booth.id,
        before={"status": "published"},
        after={"status": "suspended", "suspended_reason": "Counterfeit goods reported."},
    )
    assert_entry(
        sent_back,
        reviewer,
        AuditAction.BOOTH_SENT_BACK,
        AuditObject.BOOTH,
        other.id,
        before={"status": "submitted"},
        after={"status": "draft", "review_note": "Add a logo."},
    )


# --- the programme: capacity, cancellations, check-in --------------------------------------------


@pytest.fixture()
def programme(factory):
    edition = factory.edition()
    session = factory.programme_session(factory.forum(edition), title="Opening", capacity=10)
    return edition, session, factory.organizer(edition=edition)


def test_capacity_changes_are_recorded_and_unchanged_or_refused_ones_are_not(app_ctx, programme):
    edition, session, organizer = programme
    registrations.change_capacity(get(User, organizer), get(ProgrammeSession, session), 25)
    assert_entry(
        only_entry(),
        organizer,
        AuditAction.CAPACITY_CHANGED,
        AuditObject.SESSION,
        session.id,
        edition_id=edition.id,
        before={"capacity": 10},
        after={"capacity": 25},
    )
    registrations.change_capacity(get(User, organizer), get(ProgrammeSession, session), 25)
    assert len(entries()) == 1


def test_an_organizer_cancelling_a_registration_is_recorded_and_its_holder_cancelling_is_not(
    app_ctx, programme, factory
):
    edition, session, organizer = programme
    attendee, other = factory.user(name="Ana"), factory.user()
    by_organizer = factory.registration(attendee, session)
    own = factory.registration(other, session)
    registrations.cancel(get(User, organizer), get(Registration, by_organizer))
    registrations.cancel(get(User, other), get(Registration, own))
    entry = only_entry()
    assert_entry(
        entry,
        organizer,
        AuditAction.REGISTRATION_CANCELLED,
        AuditObject.REGISTRATION,
        by_organizer.id,
        edition_id=edition.id,
        before={"status": "confirmed"},
        after={"status": "cancelled"},
    )
    assert entry.object_label == f"Ana <{attendee.email}>: Opening"


def test_a_check_in_is_recorded_once(app_ctx, programme, factory):
    edition, session, organizer = programme
    registration = factory.registration(factory.user(), session)
    payload = tickets.ticket_payload(get(Registration, registration))
    result = checkin.check_in_ticket(get(User, organizer), get(Edition, edition), payload)
    checkin.check_in_ticket(get(User, organizer), get(Edition, edition), payload)  # scanned twice
    entry = only_entry()
    assert_entry(
        entry,
        organizer,
        AuditAction.TICKET_CHECKED_IN,
        AuditObject.REGISTRATION,
        registration.id,
        edition_id=edition.id,
        before={"checked_in_at": None},
        after={"checked_in_at": result.checked_in_at.isoformat()},
    )


# --- reading -------------------------------------------------------------------------------------


def test_filters_narrow_by_action_actor_object_and_day(app_ctx, factory):
    mei, bob = factory.user(name="Mei Lin", email="mei@example.com"), factory.user(name="Bob")
    user = get(User, mei)
    record(user, AuditAction.CAPACITY_CHANGED, user, edition_id=1)
    record(get(User, bob), AuditAction.BOOTH_PUBLISHED, get(User, bob), edition_id=2)
    record(user, AuditAction.BOOTH_PUBLISHED, user, edition_id=1)
    db.session.commit()

    def found(edition_id=None, **filters):
        return [entry.id for entry in db.session.scalars(entries_query(edition_id, AuditFilters(**filters)))]

    first, second, third = [entry.id for entry in entries()]
    assert found() == [third, second, first]
    assert found(edition_id=1) == [third, first]
    assert found(action="booth_published") == [third, second]
    assert found(actor="MEI@") == [third, first] and found(actor="lin") == [third, first]
    assert found(actor="%") == []  # a wildcard is a character like any other
    assert found(object_type="company") == []
    today = datetime.now(UTC).date()
    assert found(date_from=today, date_to=today) == [third, second, first]
    assert found(date_to=date(2020, 1, 1)) == []


# --- append-only ---------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_entry(app_ctx, factory):
    admin = factory.admin()
    record(get(User, admin), AuditAction.ORGANIZER_GRANTED, get(User, admin), after={"role": "organizer"})
    db.session.commit()
    for statement in (
        update(AuditEntry).values(action="booth_published"),
        update(AuditEntry).values(after={"role": "nothing"}),
        update(AuditEntry).values(actor_id=None, actor_name="Nobody"),
        delete(AuditEntry),
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entries"))
    db.session.rollback()
    assert only_entry().action == "organizer_granted"


def test_deleting_an_account_keeps_its_entries_readable(app_ctx, factory):
    admin = factory.admin(name="Ada", email="ada@example.com")
    record(get(User, admin), AuditAction.ORGANIZER_GRANTED, get(User, admin), after={"role": "organizer"})
    db.session.commit()
    db.session.delete(get(User, admin))
    db.session.commit()
    entry = only_entry()
    assert (entry.actor_id, entry.actor_name, entry.actor_email) == (None, "Ada", "ada@example.com")
