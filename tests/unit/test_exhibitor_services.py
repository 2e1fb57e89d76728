"""The rules of exhibitor onboarding: applications, review decisions, invitations and the team."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.exhibitors import services
from expo.exhibitors.models import CompanyInvitation, CompanyMember, ExhibitorCompany
from expo.exhibitors.services import ApplicationData
from expo.extensions import db
from expo.notifications.models import OutboxMessage
from expo.permissions import NotAllowed


def get(model, row):
    """The test's own copy of a factory row (arrange every row with the factory first)."""
    return db.session.get(model, row.id)


def data(**fields) -> ApplicationData:
    return ApplicationData(
        **{
            "name": "Acme Trading",
            "country": "CN",
            "sector": "Machinery",
            "website": "https://acme.example.com",
            "description": "We make things.",
            **fields,
        }
    )


def error_of(call, *args, **kwargs) -> services.ExhibitorError:
    with pytest.raises(services.ExhibitorError) as caught:
        call(*args, **kwargs)
    return caught.value


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture()
def people(factory):
    return {
        "applicant": factory.user(email="chen@example.com"),
        "organizer": factory.organizer(),
        "edition_organizer": factory.organizer(factory.edition()),
        "stranger": factory.user(),
    }


# --- applying ------------------------------------------------------------------------------------


def test_slug_keeps_letters_of_every_script_and_folds_case_and_punctuation():
    assert services.company_slug("Nanning Mask Machinery Co., Ltd.") == "nanning-mask-machinery-co-ltd"
    assert services.company_slug("  ACME__Trading  ") == "acme-trading"
    assert services.company_slug("广西医疗器械有限公司") == "广西医疗器械有限公司"
    assert services.company_slug("ＡＣＭＥ") == "acme"  # full-width letters read the same
    assert services.company_slug("!!!") == ""


def test_application_creates_a_pending_company_owned_by_the_applicant(app_ctx, people):
    applicant = get(User, people["applicant"])
    company = services.apply_for_exhibitor(applicant, data(), logo=png())
    assert company.status == ExhibitorCompany.Status.PENDING and company.slug == "acme-trading"
    assert company.logo_path.startswith("logos/") and company.logo_path.endswith(".png")
    assert [(member.user_id, member.role) for member in company.members] == [(applicant.id, "owner")]
    assert company.submitted_at is not None and company.reviewed_at is None


def test_application_rules(app_ctx, people, factory):
    factory.company(owner=people["stranger"], name="Acme Trading", slug="acme-trading")
    applicant = get(User, people["applicant"])
    cases = {
        "name": [data(name="  "), data(name="!!!"), data(name="Review"), data(name="acme  TRADING!")],
        "country": [data(country=None), data(country="XX")],
        "sector": [data(sector=" ")],
        "website": [data(website="javascript:alert(1)"), data(website="www.acme.com"), data(website="http://a b")],
    }
    for field, attempts in cases.items():
        for attempt in attempts:
            assert error_of(services.apply_for_exhibitor, applicant, attempt).field == field, attempt
    assert isinstance(error_of(services.apply_for_exhibitor, applicant, data()), services.NameTaken)
    assert services.apply_for_exhibitor(applicant, data(name="Acme Trading Nanning", website="")).id


def test_the_unique_slug_refuses_a_duplicate_even_when_the_check_is_raced(app_ctx, people, factory, monkeypatch):
    factory.company(owner=people["stranger"], name="Acme Trading", slug="acme-trading")
    applicant = get(User, people["applicant"])
    stored, original = [], services.uploads.store_image

    def remembering_store(*args, **kwargs):
        stored.append(original(*args, **kwargs))
        return stored[-1]

    monkeypatch.setattr(services.uploads, "store_image", remembering_store)
    # As if the other application arrived between our check and our insert.
    monkeypatch.setattr(services, "_check_application", lambda data, editing: "acme-trading")
    error = error_of(services.apply_for_exhibitor, applicant, data(), logo=png())
    assert isinstance(error, services.NameTaken) and error.field == "name"
    assert not (current_app.config["STORAGE_PATH"] / stored[0]).exists()  # the refused upload is not kept
    db.session.rollback()


def test_only_the_owner_edits_and_a_rejected_application_goes_back_to_the_queue(app_ctx, people, factory):
    staff = factory.user()
    row = factory.company(
        owner=people["applicant"],
        staff=[staff],
        status="rejected",
        rejection_reason="Missing licence",
        submitted_at=utcnow() - timedelta(days=2),
    )
    company, owner = get(ExhibitorCompany, row), get(User, people["applicant"])
    for outsider in (get(User, staff), get(User, people["organizer"])):
        with pytest.raises(NotAllowed):
            services.update_application(outsider, company, data())
    before = company.submitted_at
    assert services.update_application(owner, company, data(name="Acme Licensed")) is True
    assert company.status == "pending" and company.slug == "acme-licensed" and company.submitted_at > before
    assert company.rejection_reason == "Missing licence"  # the reviewer sees why it came back
    assert services.update_application(owner, company, data(name="Acme Licensed")) is False  # a pending edit
    company.status = ExhibitorCompany.Status.APPROVED
    assert isinstance(error_of(services.update_application, owner, company, data()), services.ApplicationLocked)


def test_a_new_logo_replaces_the_old_file_after_commit(app, app_ctx, people):
    owner = get(User, people["applicant"])
    company = services.apply_for_exhibitor(owner, data(), logo=png())
    db.session.commit()
    old = app.config["STORAGE_PATH"] / company.logo_path
    services.update_application(owner, company, data(), logo=png())
    assert old.exists()  # a rollback would still need it
    db.session.commit()
    assert not old.exists() and (app.config["STORAGE_PATH"] / company.logo_path).exists()


# --- review --------------------------------------------------------------------------------------


def test_only_global_organizers_review(app_ctx, people, factory):
    row = factory.company(owner=people["applicant"], status="pending")
    admin = factory.admin()
    for outsider in ("applicant", "edition_organizer", "stranger"):
        with pytest.raises(NotAllowed):
            services.approve_application(get(User, people[outsider]), get(ExhibitorCompany, row))
        with pytest.raises(NotAllowed):
            services.reject_application(get(User, people[outsider]), get(ExhibitorCompany, row), "No")
    services.approve_application(get(User, admin), get(ExhibitorCompany, row))
    assert get(ExhibitorCompany, row).status == "approved"


def test_approval_records_the_reviewer_and_queues_one_email(app_ctx, people, factory, recorded_tasks):
    row = factory.company(owner=people["applicant"], status="pending")
    company, organizer = get(ExhibitorCompany, row), get(User, people["organizer"])
    services.approve_application(organizer, company)
    assert company.status == "approved" and company.reviewed_by_id == organizer.id and company.reviewed_at
    [message] = messages()
    assert message.recipient == "chen@example.com" and message.kind == "exhibitor.approved"
    assert message.dedupe_key.startswith(f"exhibitor-decision:{company.id}:approved:")
    assert recorded_tasks == []  # published only once the view commits
    db.session.commit()
    assert recorded_tasks == [("notifications.deliver_email", (message.id,))]
    with pytest.raises(services.AlreadyReviewed):
        services.approve_application(organizer, company)


def test_approval_opens_a_draft_booth_at_the_company_address_and_rejection_does_not(app_ctx, people, factory):
    from expo.booths.models import Booth

    approved = factory.company(owner=people["applicant"], status="pending", name="Mekong Rice", country="VN")
    rejected = factory.company(owner=people["stranger"], status="pending")
    organizer = get(User, people["organizer"])
    services.approve_application(organizer, get(ExhibitorCompany, approved))
    services.reject_application(organizer, get(ExhibitorCompany, rejected), "Not a trading company.")
    [booth] = db.session.scalars(select(Booth))
    assert (booth.company_id, booth.slug, booth.status, booth.country) == (approved.id, approved.slug, "draft", "VN")


def test_rejection_needs_a_reason_and_each_submission_gets_its_own_decision_email(app_ctx, people, factory):
    row = factory.company(owner=people["applicant"], status="pending")
    company, organizer = get(ExhibitorCompany, row), get(User, people["organizer"])
    owner = get(User, people["applicant"])
    assert error_of(services.reject_application, organizer, company, " \n ").field == "reason"
    services.reject_application(organizer, company, "  Add your licence.  ")
    assert company.status == "rejected" and company.rejection_reason == "Add your licence."
    services.update_application(owner, company, data(name=company.name))
    services.reject_application(organizer, company, "Still no licence.")
    first, second = messages()
    assert first.dedupe_key != second.dedupe_key
    assert "Add your licence." in first.body_text and "Still no licence." in second.body_text
    assert "/application" in second.body_text


def test_a_decision_lost_to_a_concurrent_one_changes_nothing(app_ctx, people, factory):
    row = factory.company(owner=people["applicant"], status="pending")
    company, organizer = get(ExhibitorCompany, row), get(User, people["organizer"])
    # Another organizer's approval lands after this one loaded the (still pending) company.
    db.session.execute(
        ExhibitorCompany.__table__.update().where(ExhibitorCompany.id == row.id).values(status="approved")
    )
    assert company.status == "pending"
    with pytest.raises(services.AlreadyReviewed):
        services.reject_application(organizer, company, "Too late")
    assert messages() == []


def test_the_database_refuses_a_rejection_without_reason(app_ctx, people, factory):
    row = factory.company(owner=people["applicant"], status="pending")
    get(ExhibitorCompany, row).status = ExhibitorCompany.Status.REJECTED
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_review_queue_holds_pending_applications_oldest_submission_first(app_ctx, people, factory):
    now = utcnow()
    newer = factory.company(owner=people["applicant"], status="pending", submitted_at=now)
    older = factory.company(owner=people["applicant"], status="pending", submitted_at=now - timedelta(hours=1))
    factory.company(owner=people["applicant"], status="approved")
    assert [c.id for c in db.session.scalars(services.pending_applications_query())] == [older.id, newer.id]
    assert services.count_pending_applications() == 2


# --- the team ------------------------------------------------------------------------------------


@pytest.fixture()
def team(factory):
    owner = factory.user(email="owner@example.com", language="en")
    staff = factory.user(email="staff@example.com")
    row = factory.company(owner=owner, staff=[staff])
    return owner, staff, row


def test_only_the_owner_invites_and_the_team_cannot_be_invited_again(app_ctx, team, people):
    owner, staff, row = team
    company = get(ExhibitorCompany, row)
    for outsider in (get(User, staff), get(User, people["organizer"])):
        with pytest.raises(NotAllowed):
            services.invite_staff(outsider, company, "new@example.com")
    for address in ("staff@example.com", " OWNER@example.com"):
        assert error_of(services.invite_staff, get(User, owner), company, address).field == "email"


def test_invitation_is_stored_hashed_valid_fourteen_days_and_emailed_in_the_invitees_language(app_ctx, team, factory):
    owner, _staff, row = team
    invitee = factory.user(email="li@example.cn", language="zh")
    now = utcnow()
    invitation, token = services.invite_staff(get(User, owner), get(ExhibitorCompany, row), "Li@Example.cn", now=now)
    assert invitation.email == "li@example.cn" and token not in invitation.token_hash
    assert invitation.expires_at - now == timedelta(days=14)
    [message] = messages()
    assert message.recipient == "li@example.cn" and message.user_id == invitee.id
    assert f"/exhibitors/invitations/{token}" in message.body_text
    assert 'lang="zh-Hans"' in message.body_html


def test_inviting_again_replaces_the_old_invitation(app_ctx, team):
    owner, _staff, row = team
    company = get(ExhibitorCompany, row)
    _first, old_token = services.invite_staff(get(User, owner), company, "new@example.com")
    second, new_token = services.invite_staff(get(User, owner), company, "new@example.com")
    assert db.session.scalar(select(func.count(CompanyInvitation.id))) == 1
    with pytest.raises(services.InvitationNotFound):
        services.invitation_for_token(old_token)
    assert services.invitation_for_token(new_token).id == second.id
    assert len(messages()) == 2


def test_accepting_checks_use_expiry_and_address(app_ctx, team, factory):
    owner, _staff, row = team
    invitee = factory.user(email="new@example.com")
    intruder = factory.user(email="intruder@example.com")
    now = utcnow()
    invitation, token = services.invite_staff(get(User, owner), get(ExhibitorCompany, row), "new@example.com", now=now)
    with pytest.raises(services.InvitationNotFound):
        services.accept_invitation(get(User, invitee), "wrong-token")
    with pytest.raises(services.InvitationExpired):
        services.accept_invitation(get(User, invitee), token, now=now + timedelta(days=14))
    with pytest.raises(services.InvitationForAnotherAddress) as caught:
        services.accept_invitation(get(User, intruder), token, now=now)
    assert "new@example.com" in str(caught.value) and caught.value.status == 403

    member = services.accept_invitation(get(User, invitee), token, now=now + timedelta(days=13))
    assert (member.user_id, member.role) == (invitee.id, "staff") and invitation.accepted_at is not None
    with pytest.raises(services.InvitationUsed):
        services.accept_invitation(get(User, invitee), token, now=now)


def test_owner_removes_staff_but_not_themself(app_ctx, team, people):
    owner, staff, row = team
    company = get(ExhibitorCompany, row)
    owner_member, staff_member = company.members
    with pytest.raises(NotAllowed):
        services.remove_member(get(User, staff), company, owner_member)
    error_of(services.remove_member, get(User, owner), company, owner_member)
    services.remove_member(get(User, owner), company, staff_member)
    assert [member.user_id for member in get(ExhibitorCompany, row).members] == [owner.id]


def test_hand_over_keeps_exactly_one_owner(app_ctx, team, factory):
    owner, staff, row = team
    other_company = factory.company(owner=factory.user())
    company = get(ExhibitorCompany, row)
    owner_member, staff_member = company.members
    with pytest.raises(NotAllowed):
        services.hand_over_ownership(get(User, staff), company, staff_member)
    with pytest.raises(NotAllowed):
        services.hand_over_ownership(get(User, owner), company, get(ExhibitorCompany, other_company).members[0])
    error_of(services.hand_over_ownership, get(User, owner), company, owner_member)

    services.hand_over_ownership(get(User, owner), company, staff_member)
    db.session.commit()
    db.session.expire_all()
    roles = dict(
        db.session.execute(
            select(CompanyMember.user_id, CompanyMember.role).where(CompanyMember.company_id == row.id)
        ).all()
    )
    assert roles == {owner.id: "staff", staff.id: "owner"}


def test_a_hand_over_racing_another_changes_nothing(app_ctx, team, factory):
    owner, staff, row = team
    third = factory.user()
    company = get(ExhibitorCompany, row)
    company.members.append(CompanyMember(user_id=third.id, role="staff"))
    db.session.flush()
    owner_member, staff_member, third_member = company.members
    # The other tab's hand-over to ``third`` committed first: our owner row is no longer the owner.
    db.session.execute(CompanyMember.__table__.update().where(CompanyMember.id == owner_member.id).values(role="staff"))
    db.session.execute(CompanyMember.__table__.update().where(CompanyMember.id == third_member.id).values(role="owner"))
    with pytest.raises(services.TeamChanged):
        services.hand_over_ownership(get(User, owner), company, staff_member)


def test_the_database_allows_one_owner_per_company(app_ctx, team):
    _owner, _staff, row = team
    get(ExhibitorCompany, row).members[1].role = CompanyMember.OWNER
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_staff_leave_and_the_owner_must_hand_over_first(app_ctx, team, people):
    owner, staff, row = team
    company = get(ExhibitorCompany, row)
    with pytest.raises(NotAllowed):
        services.leave_company(get(User, people["stranger"]), company)
    error_of(services.leave_company, get(User, owner), company)
    services.leave_company(get(User, staff), company)
    assert [member.user_id for member in company.members] == [owner.id]
