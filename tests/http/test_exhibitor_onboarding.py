"""Exhibitor onboarding over HTTP: applying, the organizers' review, the team and its invitations."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.exhibitors.models import CompanyInvitation, CompanyMember, ExhibitorCompany
from expo.extensions import db
from tests.conftest import count_queries, first_link, log_in, outbox_messages, run_recorded_tasks

APPLICATION = {
    "name": "Nanning Mask Machinery Co.",
    "country": "CN",
    "sector": "Protective equipment",
    "website": "https://masks.example.cn",
    "description": "Machines that make surgical masks.",
}


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 94, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def apply(client, logo: tuple[bytes, str] | None = None, **fields):
    data = {**APPLICATION, **fields}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo[0]), logo[1])
    return client.post("/exhibitors/apply", data=data, content_type="multipart/form-data")


def company_named(app, name: str) -> ExhibitorCompany:
    with app.app_context():
        company = db.session.scalar(select(ExhibitorCompany).where(ExhibitorCompany.name == name))
        db.session.expunge(company)
        return company


def members_of(app, company) -> dict[str, str]:
    """{e-mail: role} of the company's team."""
    with app.app_context():
        rows = db.session.execute(
            select(CompanyMember.role, CompanyMember.user_id).where(CompanyMember.company_id == company.id)
        ).all()
        return {db.session.get(User, user_id).email: role for role, user_id in rows}


def mail_to(app, address: str) -> list[str]:
    run_recorded_tasks(app)
    return [message for message in outbox_messages(app) if f"To: {address}" in message]


@pytest.fixture()
def applicant(factory):
    return factory.user(name="Chen Yuehe", email="chen@example.com")


@pytest.fixture()
def organizer(factory):
    return factory.organizer(name="Olivia Organizer")


# --- applying ------------------------------------------------------------------------------------


def test_apply_creates_a_pending_company_owned_by_the_applicant(app, applicant):
    client = signed_in(app, applicant)
    assert "Apply to exhibit" in client.get("/exhibitors/mine").get_data(as_text=True)
    form = client.get("/exhibitors/apply").get_data(as_text=True)
    for label in ("Company name", "Country or region", "Sector", "Website", "About the company", "Logo"):
        assert f">{label}</label>" in form

    response = apply(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/exhibitors/nanning-mask-machinery-co/team"
    company = company_named(app, "Nanning Mask Machinery Co.")
    assert company.status == "pending" and company.logo_path is None
    assert members_of(app, company) == {"chen@example.com": "owner"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Application under review" in page and "Edit the application" in page
    mine = client.get("/exhibitors/mine").get_data(as_text=True)
    assert "Nanning Mask Machinery Co." in mine and "Owner" in mine


def test_one_person_can_apply_for_several_companies(app, applicant):
    client = signed_in(app, applicant)
    assert apply(client).status_code == 302
    assert apply(client, name="Guangxi Sugar Group").status_code == 302
    mine = client.get("/exhibitors/mine").get_data(as_text=True)
    assert "Nanning Mask Machinery Co." in mine and "Guangxi Sugar Group" in mine


def test_a_name_that_reads_the_same_as_an_existing_one_is_a_form_error(app, applicant, factory):
    factory.company(owner=factory.user(), name="Nanning Mask Machinery Co.", slug="nanning-mask-machinery-co")
    client = signed_in(app, applicant)
    response = apply(client, name="NANNING mask machinery, co")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "A company called “NANNING mask machinery, co” already exists." in page
    assert 'value="Protective equipment"' in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ExhibitorCompany.id))) == 1


def test_chinese_names_get_their_own_address(app, applicant):
    client = signed_in(app, applicant)
    assert apply(client, name="广西医疗器械有限公司").status_code == 302
    assert apply(client, name="南宁口罩机械有限公司").status_code == 302
    assert company_named(app, "广西医疗器械有限公司").slug == "广西医疗器械有限公司"
    response = client.get(
        "/exhibitors/%E5%B9%BF%E8%A5%BF%E5%8C%BB%E7%96%97%E5%99%A8%E6%A2%B0%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8/team"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.example.com", "masks.example.cn"])
def test_website_must_be_an_http_address(app, applicant, website):
    response = apply(signed_in(app, applicant), website=website)
    assert response.status_code == 400
    assert "Enter a web address starting with http:// or https://." in response.get_data(as_text=True)


def test_a_fake_logo_is_refused_and_nothing_is_created(app, applicant):
    response = apply(signed_in(app, applicant), logo=(b"<?php system($_GET['c']); ?>", "logo.png"))
    assert response.status_code == 400
    assert "This is not a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ExhibitorCompany.id))) == 0


def test_a_real_png_logo_is_stored_under_a_random_name_and_served(app, applicant, organizer):
    client = signed_in(app, applicant)
    assert apply(client, logo=(png_bytes(), "my-logo.png")).status_code == 302
    company = company_named(app, "Nanning Mask Machinery Co.")
    assert company.logo_path.startswith("logos/") and "my-logo" not in company.logo_path
    assert (app.config["STORAGE_PATH"] / company.logo_path).exists()
    response = client.get(f"/exhibitors/{company.slug}/logo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == (40, 30)
    assert f"/exhibitors/{company.slug}/logo" in client.get(f"/exhibitors/{company.slug}/team").get_data(as_text=True)
    # An application's logo is not public until the company is approved.
    assert app.test_client().get(f"/exhibitors/{company.slug}/logo").status_code == 404
    assert signed_in(app, organizer).get(f"/exhibitors/{company.slug}/logo").status_code == 200


# --- the organizers' review ----------------------------------------------------------------------


def test_apply_then_organizer_approves_and_the_applicant_is_emailed(app, applicant, organizer):
    assert apply(signed_in(app, applicant)).status_code == 302
    company = company_named(app, "Nanning Mask Machinery Co.")
    reviewer = signed_in(app, organizer)
    assert "1 exhibitor application waits for review." in reviewer.get("/exhibitors/mine").get_data(as_text=True)
    queue = reviewer.get("/exhibitors/review").get_data(as_text=True)
    assert "Nanning Mask Machinery Co." in queue and "chen@example.com" in queue
    page = reviewer.get(f"/exhibitors/{company.slug}/review").get_data(as_text=True)
    assert "Machines that make surgical masks." in page and "https://masks.example.cn" in page

    response = reviewer.post(f"/exhibitors/{company.slug}/review", data={"approve": "Approve"})
    assert response.status_code == 302 and response.headers["Location"] == "/exhibitors/review"
    with app.app_context():
        decided = db.session.get(ExhibitorCompany, company.id)
        assert decided.status == "approved" and decided.reviewed_by_id == organizer.id
        assert decided.reviewed_at is not None
    assert "No applications wait for review." in reviewer.get("/exhibitors/review").get_data(as_text=True)

    assert outbox_messages(app) == []  # nothing is sent by the web request itself
    [message] = mail_to(app, "chen@example.com")
    assert "Subject: Nanning Mask Machinery Co. is approved to exhibit" in message
    assert first_link(message, "/exhibitors/") == f"/exhibitors/{company.slug}/team"
    assert "Approved exhibitor" in signed_in(app, applicant).get(f"/exhibitors/{company.slug}/team").get_data(
        as_text=True
    )
    # Anyone may see an approved exhibitor's logo route (404 here only because there is no logo).
    assert app.test_client().get(f"/exhibitors/{company.slug}/logo").status_code == 404


def test_the_decision_email_is_written_in_the_applicants_language(app, factory, organizer):
    applicant = factory.user(language="zh", email="li@example.cn")
    assert apply(signed_in(app, applicant)).status_code == 302
    company = company_named(app, "Nanning Mask Machinery Co.")
    signed_in(app, organizer).post(f"/exhibitors/{company.slug}/review", data={"approve": "Approve"})
    [message] = mail_to(app, "li@example.cn")
    assert '<html lang="zh-Hans"' in message


def test_reject_needs_a_reason_then_the_reason_is_emailed_and_the_applicant_resubmits(app, applicant, organizer):
    client = signed_in(app, applicant)
    apply(client)
    company = company_named(app, "Nanning Mask Machinery Co.")
    reviewer = signed_in(app, organizer)

    response = reviewer.post(f"/exhibitors/{company.slug}/review", data={"reject": "Reject", "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for the rejection" in response.get_data(as_text=True)
    assert company_named(app, company.name).status == "pending"

    reason = "Please add your export licence number to the description."
    response = reviewer.post(f"/exhibitors/{company.slug}/review", data={"reject": "Reject", "reason": reason})
    assert response.status_code == 302
    rejected = company_named(app, company.name)
    assert rejected.status == "rejected" and rejected.rejection_reason == reason
    [message] = mail_to(app, "chen@example.com")
    assert "Subject: Your application for Nanning Mask Machinery Co. was not approved" in message
    assert reason in message
    edit_path = first_link(message, "/exhibitors/")
    assert edit_path == f"/exhibitors/{company.slug}/application"

    team = client.get(f"/exhibitors/{company.slug}/team").get_data(as_text=True)
    assert "Application rejected" in team and reason in team and "Edit and send again" in team
    assert reason in client.get(edit_path).get_data(as_text=True)
    response = client.post(
        edit_path,
        content_type="multipart/form-data",
        data={**APPLICATION, "description": "Licence 45-1234. Machines for masks."},
    )
    assert response.status_code == 302
    resubmitted = company_named(app, company.name)
    assert resubmitted.status == "pending" and resubmitted.submitted_at > rejected.submitted_at
    assert "Sent again" in reviewer.get("/exhibitors/review").get_data(as_text=True)

    # The second decision on the new submission is e-mailed too: the dedupe key names the submission.
    reviewer.post(f"/exhibitors/{company.slug}/review", data={"approve": "Approve"})
    assert company_named(app, company.name).status == "approved"
    messages = mail_to(app, "chen@example.com")
    assert len(messages) == 2 and "is approved to exhibit" in messages[1]
    # Approved: the application is settled.
    response = client.get(edit_path)
    assert response.status_code == 302 and response.headers["Location"] == f"/exhibitors/{company.slug}/team"


def test_a_decided_application_cannot_be_decided_again(app, applicant, organizer):
    apply(signed_in(app, applicant))
    company = company_named(app, "Nanning Mask Machinery Co.")
    reviewer = signed_in(app, organizer)
    reviewer.post(f"/exhibitors/{company.slug}/review", data={"approve": "Approve"})
    response = reviewer.post(f"/exhibitors/{company.slug}/review", data={"reject": "Reject", "reason": "Oops"})
    assert response.status_code == 409
    assert company_named(app, company.name).status == "approved"
    assert len(mail_to(app, "chen@example.com")) == 1


def test_review_queue_is_paginated_oldest_first(app, factory, organizer):
    from expo.exhibitors import routes

    owner = factory.user()
    for number in range(routes.APPLICATIONS_PER_PAGE + 3):
        factory.company(
            owner=owner,
            status="pending",
            name=f"Applicant {number:02d}",
            slug=f"applicant-{number:02d}",
            submitted_at=utcnow() + timedelta(minutes=number),
        )
    reviewer = signed_in(app, organizer)
    first = reviewer.get("/exhibitors/review").get_data(as_text=True)
    assert "Applicant 00" in first and f"Applicant {routes.APPLICATIONS_PER_PAGE:02d}" not in first
    assert "Page 1 of 2" in first
    second = reviewer.get("/exhibitors/review?page=2").get_data(as_text=True)
    assert f"Applicant {routes.APPLICATIONS_PER_PAGE + 2:02d}" in second and "Applicant 00" not in second


# --- the team ------------------------------------------------------------------------------------


@pytest.fixture()
def team(factory):
    owner = factory.user(name="Olga Owner", email="owner@example.com")
    staff = factory.user(name="Sam Staff", email="staff@example.com")
    company = factory.company(owner=owner, staff=[staff], name="Acme Trading", slug="acme-trading")
    return owner, staff, company


def invite(client, company, email):
    return client.post(f"/exhibitors/{company.slug}/team/invite", data={"email": email})


def test_invitation_from_email_link_to_team_page(app, factory, team):
    owner, _staff, company = team
    invitee = factory.user(name="Ivy Invitee", email="ivy@example.com")
    owner_client = signed_in(app, owner)
    response = invite(owner_client, company, "  Ivy@Example.com ")
    assert response.status_code == 302
    assert "Invitation sent to ivy@example.com." in owner_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert "ivy@example.com" in owner_client.get("/exhibitors/acme-trading/team").get_data(as_text=True)

    [message] = mail_to(app, "ivy@example.com")
    assert "Subject: Join the team of Acme Trading on Expo" in message
    assert "Olga Owner invites you" in message
    link = first_link(message, "/exhibitors/invitations/")

    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    client = signed_in(app, invitee)
    page = client.get(link).get_data(as_text=True)
    assert "Join Acme Trading" in page and "Accept and join the team" in page
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/exhibitors/acme-trading/team"
    team_page = client.get("/exhibitors/acme-trading/team").get_data(as_text=True)
    assert "Welcome to the team of “Acme Trading”." in team_page
    assert "Ivy Invitee" in team_page
    assert members_of(app, company)["ivy@example.com"] == "staff"
    # The link worked once; following it again just leads back to the team.
    again = client.get(link)
    assert again.status_code == 302 and again.headers["Location"] == "/exhibitors/acme-trading/team"


def test_an_invitee_without_an_account_is_told_to_sign_up_with_that_address(app, team):
    owner, _staff, company = team
    invite(signed_in(app, owner), company, "newcomer@example.com")
    [message] = mail_to(app, "newcomer@example.com")
    assert "You need an Expo account with this e-mail address first." in message
    assert "http://expo.test/signup" in message


def test_accepting_with_another_account_is_a_403_naming_the_address(app, factory, team):
    owner, _staff, company = team
    factory.user(email="ivy@example.com")
    intruder = factory.user(email="mallory@example.com")
    invite(signed_in(app, owner), company, "ivy@example.com")
    link = first_link(mail_to(app, "ivy@example.com")[0], "/exhibitors/invitations/")
    client = signed_in(app, intruder)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert "This invitation was sent to ivy@example.com, but you are signed in as mallory@example.com." in page
    assert "mallory@example.com" not in members_of(app, company)


def test_expired_unknown_and_used_invitations_say_why(app, factory, team):
    owner, _staff, company = team
    invitee = factory.user(email="ivy@example.com")
    other = factory.user(email="other@example.com")
    invite(signed_in(app, owner), company, "ivy@example.com")
    link = first_link(mail_to(app, "ivy@example.com")[0], "/exhibitors/invitations/")
    client = signed_in(app, invitee)

    with app.app_context():
        invitation = db.session.scalar(select(CompanyInvitation))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "This invitation has expired." in response.get_data(as_text=True)
    assert "ivy@example.com" not in members_of(app, company)

    response = client.get("/exhibitors/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.get_data(as_text=True)

    with app.app_context():
        db.session.scalar(select(CompanyInvitation)).expires_at = utcnow() + timedelta(days=1)
        db.session.commit()
    assert client.post(link).status_code == 302
    response = signed_in(app, other).get(link)
    assert response.status_code == 400
    assert "This invitation has already been accepted." in response.get_data(as_text=True)


def test_inviting_someone_already_on_the_team_is_a_form_error(app, team):
    owner, _staff, company = team
    response = invite(signed_in(app, owner), company, "STAFF@example.com")
    assert response.status_code == 400
    assert "staff@example.com is already on the team." in response.get_data(as_text=True)
    response = invite(signed_in(app, owner), company, "not an address")
    assert response.status_code == 400
    run_recorded_tasks(app)
    assert outbox_messages(app) == []


def test_inviting_again_replaces_the_old_invitation(app, factory, team):
    owner, _staff, company = team
    invitee = factory.user(email="ivy@example.com")
    owner_client = signed_in(app, owner)
    invite(owner_client, company, "ivy@example.com")
    invite(owner_client, company, "ivy@example.com")
    first, second = (first_link(message, "/exhibitors/invitations/") for message in mail_to(app, "ivy@example.com"))
    assert first != second
    with app.app_context():
        assert db.session.scalar(select(db.func.count(CompanyInvitation.id))) == 1
    client = signed_in(app, invitee)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_owner_withdraws_an_invitation(app, factory, team):
    owner, _staff, company = team
    invitee = factory.user(email="ivy@example.com")
    owner_client = signed_in(app, owner)
    invite(owner_client, company, "ivy@example.com")
    link = first_link(mail_to(app, "ivy@example.com")[0], "/exhibitors/invitations/")
    with app.app_context():
        invitation_id = db.session.scalar(select(CompanyInvitation.id))
    response = owner_client.post(f"/exhibitors/acme-trading/invitations/{invitation_id}/cancel")
    assert response.status_code == 302
    assert signed_in(app, invitee).get(link).status_code == 404


def test_owner_removes_a_member_but_not_themself(app, team):
    owner, staff, company = team
    owner_client = signed_in(app, owner)
    with app.app_context():
        ids = {m.user_id: m.id for m in db.session.scalars(select(CompanyMember))}
    response = owner_client.post(f"/exhibitors/acme-trading/team/{ids[owner.id]}/remove")
    assert response.status_code == 302
    assert "You cannot remove yourself" in owner_client.get("/exhibitors/acme-trading/team").get_data(as_text=True)

    response = owner_client.post(f"/exhibitors/acme-trading/team/{ids[staff.id]}/remove")
    assert response.status_code == 302
    assert "Sam Staff is no longer on the team." in owner_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert members_of(app, company) == {"owner@example.com": "owner"}
    assert signed_in(app, staff).get("/exhibitors/acme-trading/team").status_code == 404


def test_hand_over_ownership_makes_the_old_owner_staff(app, team):
    owner, staff, company = team
    owner_client = signed_in(app, owner)
    with app.app_context():
        staff_member = db.session.scalar(select(CompanyMember.id).where(CompanyMember.user_id == staff.id))
    response = owner_client.post(f"/exhibitors/acme-trading/team/{staff_member}/make-owner")
    assert response.status_code == 302
    assert "Sam Staff is now the owner" in owner_client.get("/exhibitors/acme-trading/team").get_data(as_text=True)
    assert members_of(app, company) == {"owner@example.com": "staff", "staff@example.com": "owner"}
    # The roles changed with it: the former owner may no longer invite, the new one may.
    assert invite(owner_client, company, "x@example.com").status_code == 403
    assert invite(signed_in(app, staff), company, "x@example.com").status_code == 302


def test_staff_leave_but_the_owner_must_hand_over_first(app, team):
    owner, staff, company = team
    owner_client = signed_in(app, owner)
    response = owner_client.post("/exhibitors/acme-trading/leave")
    assert response.status_code == 302
    assert "hand over ownership to a staff member first" in owner_client.get(response.headers["Location"]).get_data(
        as_text=True
    )

    staff_client = signed_in(app, staff)
    response = staff_client.post("/exhibitors/acme-trading/leave")
    assert response.status_code == 302 and response.headers["Location"] == "/exhibitors/mine"
    assert members_of(app, company) == {"owner@example.com": "owner"}


def test_staff_see_the_team_without_the_owners_controls(app, team):
    owner, staff, _company = team
    staff_page = signed_in(app, staff).get("/exhibitors/acme-trading/team").get_data(as_text=True)
    assert "Olga Owner" in staff_page and "Sam Staff" in staff_page
    assert "Invite a colleague" not in staff_page and "Make owner" not in staff_page
    assert "Leave this company" in staff_page
    owner_page = signed_in(app, owner).get("/exhibitors/acme-trading/team").get_data(as_text=True)
    assert "Invite a colleague" in owner_page and "Make owner" in owner_page and "Remove" in owner_page


def test_handing_over_removing_and_leaving_say_what_will_happen_before_they_happen(app, team):
    import re

    owner, staff, _company = team
    owner_page = signed_in(app, owner).get("/exhibitors/acme-trading/team").get_data(as_text=True)
    # Each first button only opens the note; the form's own submit button says what it does.
    for first, note, confirm in (
        (
            "Make owner",
            "Sam Staff becomes the owner of Acme Trading and you become staff.",
            "Yes, make Sam Staff the owner",
        ),
        (
            "Remove",
            "Sam Staff loses access to the booth, the catalogue and the inquiries of Acme Trading at once.",
            "Yes, remove Sam Staff",
        ),
    ):
        block = re.search(
            r"<details class=\"confirm-action\">\s*<summary[^>]*>" + first + r"</summary>(.*?)</details>",
            owner_page,
            re.S,
        )
        assert block, f"{first} is not behind a confirmation"
        assert note in block.group(
            1
        ) and f'<button type="submit" class="btn btn-danger btn-sm">{confirm}</button>' in block.group(1)
    staff_page = signed_in(app, staff).get("/exhibitors/acme-trading/team").get_data(as_text=True)
    assert '<summary class="btn btn-outline-danger btn-sm">Leave this company</summary>' in staff_page
    assert "Yes, leave Acme Trading" in staff_page


def test_every_post_needs_the_csrf_token(app, team):
    owner, _staff, company = team
    client = signed_in(app, owner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = invite(client, company, "x@example.com")
        assert response.status_code == 400
        assert "The form expired" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- who may do what -----------------------------------------------------------------------------

ROLES = ("anonymous", "attendee", "other_staff", "own_staff", "own_owner", "organizer")
LOGIN = "login"  # a 302 to the log-in page
DONE = 302  # the action happened and the browser is sent on


def _everyone(status):
    return dict.fromkeys(ROLES, status)


MEMBERS_ONLY = {**_everyone(404), "anonymous": LOGIN, "own_staff": 200, "own_owner": 200, "organizer": 200}
OWNER_ACTION = {**_everyone(404), "anonymous": LOGIN, "own_staff": 403, "own_owner": DONE, "organizer": 403}

MATRIX = {
    ("GET", "/exhibitors/mine"): {**_everyone(200), "anonymous": LOGIN},
    ("GET", "/exhibitors/apply"): {**_everyone(200), "anonymous": LOGIN},
    ("POST", "/exhibitors/apply"): {**_everyone(DONE), "anonymous": LOGIN},
    ("GET", "/exhibitors/review"): {**_everyone(403), "anonymous": LOGIN, "organizer": 200},
    ("GET", "/exhibitors/{company}/team"): MEMBERS_ONLY,
    ("GET", "/exhibitors/{pending}/application"): {**MEMBERS_ONLY, "own_staff": 403, "organizer": 403},
    ("POST", "/exhibitors/{pending}/application"): {**OWNER_ACTION},
    ("GET", "/exhibitors/{pending}/review"): {**MEMBERS_ONLY, "own_staff": 403, "own_owner": 403},
    ("POST", "/exhibitors/{pending}/review"): {**MEMBERS_ONLY, "own_staff": 403, "own_owner": 403, "organizer": DONE},
    ("GET", "/exhibitors/{company}/logo"): _everyone(200),
    ("GET", "/exhibitors/{pending}/logo"): {**MEMBERS_ONLY, "anonymous": 404},
    ("POST", "/exhibitors/{company}/team/invite"): OWNER_ACTION,
    ("POST", "/exhibitors/{company}/team/{staff_member}/remove"): OWNER_ACTION,
    ("POST", "/exhibitors/{company}/team/{staff_member}/make-owner"): OWNER_ACTION,
    ("POST", "/exhibitors/{company}/invitations/{invitation}/cancel"): OWNER_ACTION,
    ("POST", "/exhibitors/{company}/leave"): {**OWNER_ACTION, "own_staff": DONE, "own_owner": DONE},
    # The invitation was sent to the attendee's address: only the attendee may use it.
    ("GET", "/exhibitors/invitations/{token}"): {**_everyone(403), "anonymous": LOGIN, "attendee": 200},
    ("POST", "/exhibitors/invitations/{token}"): {**_everyone(403), "anonymous": LOGIN, "attendee": DONE},
}

FORM_DATA = {
    "/exhibitors/apply": APPLICATION,
    "/exhibitors/{pending}/application": {**APPLICATION, "name": "Pending Co"},
    "/exhibitors/{pending}/review": {"approve": "Approve"},
    "/exhibitors/{company}/team/invite": {"email": "newcomer@example.com"},
}


@pytest.fixture()
def world(app, factory):
    owner = factory.user(name="Owner")
    own_staff = factory.user(name="Own staff")
    other_staff = factory.user(name="Other staff")
    attendee = factory.user(name="Attendee", email="attendee@example.com")
    company = factory.company(owner=owner, staff=[own_staff], name="Approved Co", slug="approved-co")
    pending = factory.company(owner=owner, staff=[own_staff], name="Pending Co", slug="pending-co", status="pending")
    factory.company(owner=factory.user(name="Other owner"), staff=[other_staff])
    with app.test_request_context():
        from expo import uploads
        from expo.exhibitors import services

        for row in (company, pending):
            db.session.get(ExhibitorCompany, row.id).logo_path = uploads.store_image(io.BytesIO(png_bytes()), "logos")
        _invitation, token = services.invite_staff(
            db.session.get(User, owner.id), db.session.get(ExhibitorCompany, company.id), attendee.email
        )
        invitation_id = _invitation.id
        staff_member = db.session.scalar(
            select(CompanyMember.id).where(
                CompanyMember.company_id == company.id, CompanyMember.user_id == own_staff.id
            )
        )
        db.session.commit()
    users = {
        "attendee": attendee,
        "other_staff": other_staff,
        "own_staff": own_staff,
        "own_owner": owner,
        "organizer": factory.organizer(name="Organizer"),
    }
    values = {
        "company": company.slug,
        "pending": pending.slug,
        "token": token,
        "invitation": invitation_id,
        "staff_member": staff_member,
    }
    return users, values


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template"), list(MATRIX))
def test_route_permission_matrix(app, world, role, method, template):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    expected = MATRIX[(method, template)][role]
    data = FORM_DATA.get(template)
    response = client.open(
        template.format(**values), method=method, data=data, content_type="multipart/form-data" if data else None
    )
    to_login = response.status_code == 302 and "/login" in response.headers["Location"]
    if expected == LOGIN:
        assert to_login, response.status_code
    else:
        assert (response.status_code, to_login) == (expected, False), response.get_data(as_text=True)[:2000]


# --- constant queries ----------------------------------------------------------------------------


def test_pages_take_the_same_number_of_queries_however_many_rows(app, factory, organizer):
    owner = factory.user()
    team = factory.company(owner=owner, staff=[factory.user()], slug="team-co", name="Team Co")
    factory.company(owner=owner, status="pending", slug="pending-0", name="Pending 0")
    owner_client, reviewer = signed_in(app, owner), signed_in(app, organizer)
    invite(owner_client, team, "one@example.com")
    paths = {"/exhibitors/review": reviewer, "/exhibitors/mine": owner_client, "/exhibitors/team-co/team": owner_client}
    for path, client in paths.items():
        client.get(path)  # warm up
    small = {path: count_queries(app, client, path) for path, client in paths.items()}

    for number in range(1, 6):
        factory.company(
            owner=owner, staff=[factory.user()], status="pending", slug=f"pending-{number}", name=f"Pending {number}"
        )
        invite(owner_client, team, f"more{number}@example.com")
    with app.app_context():
        for _ in range(4):
            user = User(email=f"extra{_}@example.com", password_hash="x", name="Extra")
            db.session.add(user)
            db.session.flush()
            db.session.add(CompanyMember(company_id=team.id, user_id=user.id, role="staff"))
        db.session.commit()
    large = {path: count_queries(app, client, path) for path, client in paths.items()}
    assert large == small


def test_invitations_are_rate_limited_per_owner(app, team):
    owner, _staff, company = team
    client = signed_in(app, owner)
    statuses = [invite(client, company, f"person{number}@example.com").status_code for number in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429
