"""Scanning badges at the stand with a network, in a real browser: the booth's staff types (as a
hand-held scanner does) a visitor's badge code into "Scan a badge", rates the talk, and finds the
scan on the visitor's one lead; a visitor who did not consent is shown by organisation and country."""

from __future__ import annotations

import subprocess
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BIN, PROJECT_ROOT, _stack_env
from tests.browser.test_journeys import log_in, open_account_menu

pytestmark = pytest.mark.browser

STAFF = ("staff@example.com", "demo-staff-2026", "Nguyen Thi Lan")
PRODUCT = "Fully Automatic Flat Mask Production Line"

# Run inside the stack's own instance (its database and signing key): a badge for the person with
# this e-mail address (made first if missing, without consent to share on badge scans) for the demo
# edition, printed as its QR code's text, as the help desk would hand it over.
ISSUE_BADGE = """
import sys
from sqlalchemy import select
from expo import create_app
from expo.extensions import db
from expo.accounts.models import User
from expo.accounts.services import hash_password
from expo.badges.models import Badge
from expo.editions.models import Edition

email, name, organisation, country = sys.argv[1:5]
app = create_app()
with app.app_context():
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, organisation=organisation, country=country, password_hash=hash_password("x" * 20))
        db.session.add(user)
        db.session.flush()
    edition = db.session.scalar(select(Edition).where(Edition.slug == "18th-caexpo"))
    badge = db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == user.id))
    if badge is None:
        badge = Badge(edition_id=edition.id, user_id=user.id, role=Badge.Role.DELEGATE, name=user.name,
                      company=user.organisation, country=user.country)
        db.session.add(badge)
    db.session.commit()
    print(badge.payload)
"""


def issue_badge(expo_server, email: str, name: str = "", organisation: str = "", country: str = "") -> str:
    env = _stack_env(expo_server.instance_path, urlsplit(expo_server.base_url).port)
    done = subprocess.run(
        [str(BIN / "python"), "-c", ISSUE_BADGE, email, name, organisation, country],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_staff_scans_badges_and_finds_them_on_the_visitors_lead(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    somchai = issue_badge(expo_server, "buyer@example.com")
    stranger = f"dewi.{uuid.uuid4().hex[:6]}@example.com"
    dewi = issue_badge(expo_server, stranger, "Dewi Lestari", "PT Sehat Sentosa", "ID")

    log_in(page, *STAFF[:2])
    open_account_menu(page, STAFF[2]).get_by_role("link", name="Leads").click()
    page.get_by_role("link", name="Scan a badge").first.click()
    expect(page.locator("#offline-codes")).to_contain_text("for offline checking, loaded")
    # A hand-held scanner types the code and presses Enter: the visitor as the team may see them.
    page.get_by_label("Badge code").fill(dewi)
    page.get_by_label("Badge code").press("Enter")
    expect(page.locator("#stand-visitor")).to_contain_text("PT Sehat Sentosa")
    expect(page.locator("#stand-visitor")).not_to_contain_text("Dewi")
    page.get_by_role("button", name="Record the scan").click()
    expect(page.locator("#stand-result")).to_contain_text("Recorded")
    expect(page.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")

    # Somchai wrote to the booth online: the scan joins his lead, named.
    page.get_by_label("Badge code").fill(somchai)
    page.get_by_label("Badge code").press("Enter")
    expect(page.locator("#stand-visitor")).to_contain_text("Somchai Prasert")
    page.locator("label[for=rating-4]").click()  # the fifth choice: 5 stars
    page.get_by_label(PRODUCT).check()
    page.get_by_label("Tags").fill("distributor, wants samples")
    page.get_by_label("Notes").fill("Wants two lines for Bangkok before March.")
    page.screenshot(path=str(screenshot_dir / "stand-scan-form.png"), full_page=True)
    page.get_by_role("button", name="Record the scan").click()
    expect(page.locator("#stand-result")).to_contain_text("Recorded")
    expect(page.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")
    page.goto("/booths/nanning-mask-machinery/leads/ranking?days=all")
    page.get_by_role("link", name="Somchai Prasert").click()

    expect(page.get_by_role("heading", name="Scans at your stand")).to_be_visible()
    expect(page.get_by_text("scanned by Nguyen Thi Lan").first).to_be_visible()
    expect(page.get_by_text("Rated 5 out of 5").first).to_be_attached()
    expect(page.get_by_text("Wants two lines for Bangkok before March.").first).to_be_visible()
    expect(page.get_by_text("wants samples", exact=True)).to_be_visible()
    expect(page.get_by_text(PRODUCT).first).to_be_visible()
    expect(page.get_by_text("buyer@example.com")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "stand-scan-lead.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "stand-scan-lead-phone.png"), full_page=True)

    # One lead each in the ranking; Dewi without her name.
    page.goto("/booths/nanning-mask-machinery/leads/ranking?days=all")
    expect(page.get_by_role("row").filter(has_text="PT Sehat Sentosa")).to_have_count(1)
    expect(
        page.get_by_role("row").filter(has_text="PT Sehat Sentosa").get_by_text("Scanned at your stand")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Somchai Prasert")).to_have_count(1)
    page.goto("/booths/nanning-mask-machinery/leads/scan")
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "stand-scan-form-phone.png"), full_page=True)


def test_a_visitor_chooses_badge_scan_sharing_and_an_organizer_sets_the_retention_period(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    log_in(page, "buyer@example.com", "demo-buyer-2026")
    page.goto("/account")
    consent = page.get_by_label("Share my contact details when an exhibitor scans my badge")
    expect(page.get_by_text("Two separate choices")).to_be_visible()
    was_on = consent.is_checked()
    consent.check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Share my contact details when an exhibitor scans my badge")).to_be_checked()
    page.screenshot(path=str(screenshot_dir / "consent-profile.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "consent-profile-phone.png"), full_page=True)
    if not was_on:  # the demo stack is shared by the other browser tests: leave it as it was
        page.get_by_label("Share my contact details when an exhibitor scans my badge").uncheck()
        page.get_by_role("button", name="Save profile").click()

    organizer = browser.new_context(
        base_url=expo_server.base_url, locale="en-US", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    organizer.set_default_timeout(10_000)
    try:
        editor = organizer.new_page()
        log_in(editor, "organizer@example.com", "demo-organizer-2026")
        editor.goto("/editions/18th-caexpo/edit")
        expect(editor.get_by_text("Personal data of leads scanned at the stands")).to_be_visible()
        editor.get_by_label("Keep the personal data of stand scans for").fill("6")
        editor.get_by_label("Unit of the retention period").select_option("months")
        editor.get_by_role("button", name="Save edition").click()
        editor.goto("/editions/18th-caexpo/edit")
        expect(editor.get_by_text("With this period, the data is removed on")).to_be_visible()
        editor.screenshot(path=str(screenshot_dir / "edition-retention.png"), full_page=True)
        editor.set_viewport_size({"width": 390, "height": 844})
        no_sideways_scroll(editor)
        editor.screenshot(path=str(screenshot_dir / "edition-retention-phone.png"), full_page=True)
        editor.get_by_label("Keep the personal data of stand scans for").fill("")
        editor.get_by_role("button", name="Save edition").click()
        editor.goto("/editions/18th-caexpo/organize/audit")
        expect(
            editor.get_by_role("cell", name="Retention period of leads' personal data changed").first
        ).to_be_visible()
    finally:
        organizer.close()
