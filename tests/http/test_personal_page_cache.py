"""Signed-in pages kept per person (``@cached_personal_page`` in expo/page_cache.py): the buyer's
agenda and the team's lead inbox are answered without rendering when nothing changed, yet only ever
to the person they were rendered for, with their own token, and any commit that could change them
(a registration, an inquiry, a read mark, a notification, a team change) shows on the next request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from expo import page_cache
from expo.audit.models import AuditEntry
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from expo.notifications.models import Notification
from tests.conftest import count_queries, log_in

# The cache's clock stands still within a test (autouse): a minute's turn would render afresh anyway.
from tests.http.test_page_cache import _one_minute, assert_token_is_theirs, text  # noqa: F401

AGENDA = "/my/agenda"


@pytest.fixture()
def world(app, factory):
    today = date.today()
    edition = factory.edition(
        slug="caexpo", name="China-ASEAN Expo", starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=13)
    )
    forum = factory.forum(edition, title="Health Silk Road Forum")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    masks = factory.programme_session(forum, title="Masks for the region", starts_at=starts)
    vaccines = factory.programme_session(forum, title="Vaccine cold chains", starts_at=starts + timedelta(hours=2))
    ana = factory.user(name="Ana Santos")
    bao = factory.user(name="Bao Tran")
    factory.registration(ana, masks)
    factory.registration(bao, vaccines)
    owner = factory.user(name="Chen Yuehe")
    staff = factory.user(name="Li Wei")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Mask Machinery", slug="nanning-masks")
    booth = factory.booth(company)
    inquiry = factory.inquiry(booth, ana, message="Two hundred units, please.")
    return {
        "ana": ana,
        "bao": bao,
        "owner": owner,
        "staff": staff,
        "masks": masks,
        "vaccines": vaccines,
        "company": company,
        "booth": booth,
        "inquiry": inquiry,
        "inbox": "/booths/nanning-masks/leads/",
    }


def signed_in(app, person):
    browser = app.test_client()
    log_in(browser, person)
    browser.get("/account")  # where "welcome back" is shown: a page with a message is never kept
    return browser


@pytest.mark.parametrize("page", ("agenda", "inbox"))
def test_a_kept_page_is_answered_without_rendering_until_something_changes(app, world, page):
    person = world["ana"] if page == "agenda" else world["owner"]
    path = AGENDA if page == "agenda" else world["inbox"]
    browser = signed_in(app, person)
    first = text(browser.get(path))  # kept
    rendered = count_queries(app, browser, path, rendered=True)
    kept = count_queries(app, browser, path, rendered=False)
    assert kept < rendered
    assert kept == count_queries(app, browser, path, rendered=False)  # only who is signed in is read
    again = text(browser.get(path))
    assert_token_is_theirs(app, browser, again)
    assert page_cache.CSRF_PLACEHOLDER not in first


def test_people_in_turn_in_one_browser_never_get_each_others_agenda_or_token(app, world):
    browser = app.test_client()
    for person, shown, hidden in (
        (world["ana"], "Masks for the region", "Vaccine cold chains"),
        (world["bao"], "Vaccine cold chains", "Masks for the region"),
        (world["ana"], "Masks for the region", "Vaccine cold chains"),
    ):
        log_in(browser, person)
        for _ in range(2):  # the second is answered from the store
            page = text(browser.get(AGENDA))
            assert shown in page and hidden not in page
            assert person.name in page
            assert_token_is_theirs(app, browser, page)
        browser.post("/logout")
        assert browser.get(AGENDA).status_code == 302  # signed out: never the kept page


def test_the_same_person_in_two_browsers_gets_each_browsers_own_token(app, world):
    phone, laptop = signed_in(app, world["ana"]), signed_in(app, world["ana"])
    for _ in range(2):
        assert_token_is_theirs(app, phone, text(phone.get(AGENDA)))
        assert_token_is_theirs(app, laptop, text(laptop.get(AGENDA)))


def test_a_registration_shows_on_the_agenda_at_once(app, world, factory):
    browser = signed_in(app, world["ana"])
    assert "Vaccine cold chains" not in text(browser.get(AGENDA))
    factory.registration(world["ana"], world["vaccines"])
    assert "Vaccine cold chains" in text(browser.get(AGENDA))
    with app.app_context():
        db.session.execute(update(ProgrammeSession).values(title="Cold chains for vaccines"))
        db.session.commit()
    assert "Cold chains for vaccines" in text(browser.get(AGENDA))


def test_a_new_notification_shows_in_the_bell_on_a_kept_page(app, world):
    browser = signed_in(app, world["ana"])
    assert "data-unread-count" not in text(browser.get(AGENDA))
    with app.app_context():
        db.session.add(
            Notification(
                user_id=world["ana"].id, kind="test", category="inquiries", title="New reply", dedupe_key="test:1"
            )
        )
        db.session.commit()
    assert "data-unread-count" in text(browser.get(AGENDA))


def test_a_new_inquiry_and_a_read_mark_show_in_the_inbox_at_once(app, world, factory):
    owner = signed_in(app, world["owner"])
    page = text(owner.get(world["inbox"]))
    assert "Ana Santos" in page and "Bao Tran" not in page and 'class="badge text-bg-danger me-1"' in page
    factory.inquiry(world["booth"], world["bao"], message="Fifty gowns?")
    assert "Bao Tran" in text(owner.get(world["inbox"]))
    # Opening an inquiry marks it read for the owner (a table no public page shows): the inbox says so.
    inquiry_id = world["inquiry"].id
    assert owner.get(f"/booths/nanning-masks/leads/inquiries/{inquiry_id}").status_code == 200
    unread_filter = text(owner.get(world["inbox"] + "?unread=1"))
    assert "Ana Santos" not in unread_filter and "Bao Tran" in unread_filter
    # The staff member has not opened it: their inbox is their own.
    staff = signed_in(app, world["staff"])
    assert "Ana Santos" in text(staff.get(world["inbox"] + "?unread=1"))


def test_a_member_taken_off_the_team_is_refused_on_the_next_request(app, world):
    staff = signed_in(app, world["staff"])
    assert "Ana Santos" in text(staff.get(world["inbox"]))
    with app.app_context():
        db.session.execute(delete(CompanyMember).where(CompanyMember.user_id == world["staff"].id))
        db.session.commit()
    refused = staff.get(world["inbox"])
    assert refused.status_code in (403, 404)
    assert "Ana Santos" not in refused.get_data(as_text=True)


def test_each_language_and_zone_gets_its_own_kept_agenda(app, world, factory):
    # Without a zone of their own, a person's times follow the zone their browser reports.
    dewi = factory.user(name="Dewi Lestari", timezone="")
    factory.registration(dewi, world["masks"])
    browser = signed_in(app, dewi)
    for _ in range(2):  # the second round is answered from the store
        english = text(browser.get(AGENDA, headers={"Accept-Language": "en"}))
        chinese = text(browser.get(AGENDA + "?lang=zh"))
        assert '<html lang="en"' in english and '<html lang="zh-Hans"' in chinese
        assert "Times are shown in UTC." in english
    browser.set_cookie("expo_tz", "Asia%2FBangkok")
    in_bangkok = text(browser.get(AGENDA, headers={"Accept-Language": "en"}))
    assert "Asia/Bangkok" in in_bangkok and "Times are shown in UTC." not in in_bangkok


def test_a_message_after_an_action_is_shown_once_on_a_kept_page(app, world):
    browser = signed_in(app, world["ana"])
    text(browser.get(AGENDA))
    with browser.session_transaction() as session:
        session["_flashes"] = [("success", "You are registered.")]
    assert "You are registered." in text(browser.get(AGENDA))
    assert "You are registered." not in text(browser.get(AGENDA))


def test_writes_no_page_shows_keep_personal_pages_and_personal_writes_keep_public_ones(app, world, client):
    browser = signed_in(app, world["ana"])
    text(browser.get(AGENDA))
    text(client.get("/"))  # a public page, kept for visitors
    kept_agenda = count_queries(app, browser, AGENDA, rendered=False)
    with app.app_context():
        db.session.add(AuditEntry(action="test", object_type="booth", object_label="Nothing a page shows"))
        db.session.commit()
    assert count_queries(app, browser, AGENDA, rendered=False) == kept_agenda
    with app.app_context():  # a notification: personal pages render again, public ones do not
        db.session.add(
            Notification(user_id=world["bao"].id, kind="test", category="inquiries", title="Hi", dedupe_key="test:2")
        )
        db.session.commit()
    assert count_queries(app, browser, AGENDA, rendered=False) > kept_agenda
    assert count_queries(app, client, "/", rendered=False) == 0
