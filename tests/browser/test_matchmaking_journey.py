"""Matchmaking in a real browser, on the demo data: a buyer writes a sourcing profile and finds the
exhibitor the worker recommends, with reasons; the exhibitor finds the buyer; the organizers run the
hosted-buyer programme from invitation to a published plan whose meeting is in the buyer's agenda.
Every page is also looked at on a phone."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in, navbar, open_account_menu

pytestmark = pytest.mark.browser

BUYER = ("buyer@example.com", "demo-buyer-2026", "Somchai Prasert")
EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026", "Chen Yuehe")
ORGANIZER = ("organizer@example.com", "demo-organizer-2026")
COMPANY = "Nanning Mask Machinery"
EDITION = "/editions/18th-caexpo"
WAIT_SECONDS = 60


def reload_until(page: Page, text: str) -> None:
    """The worker computes after a short delay: reload until ``text`` shows (or fail at the deadline)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while page.get_by_text(text).count() == 0:
        assert time.monotonic() < deadline, f"{text!r} did not appear on {page.url}"
        time.sleep(1)
        page.reload()


def shoot(page: Page, screenshot_dir, name: str) -> None:
    """The page at 1280 px and at 390 px (a phone), where nothing may scroll sideways."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(screenshot_dir / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / f"{name}-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 900})


def log_out(page: Page) -> None:
    navbar(page).get_by_role("button", name="Log out").click()


def test_sourcing_profile_recommendations_and_the_hosted_buyer_plan(page: Page, screenshot_dir) -> None:
    log_in(page, *BUYER[:2])
    open_account_menu(page, BUYER[2]).get_by_role("link", name="Sourcing profile").click()
    page.get_by_label("Production machinery").check()
    page.get_by_label("Quantity wanted per order").fill("2")
    page.get_by_label("Unit", exact=True).select_option("set")
    page.get_by_label("Lowest target price per unit").fill("20000")
    page.get_by_label("Highest target price per unit").fill("40000")
    page.get_by_label("FOB (Free On Board)").check()
    page.get_by_label("Delivery countries").select_option(["TH"])
    page.get_by_label("Thai").check()
    page.get_by_label("Certifications").fill("CE")
    page.get_by_label("Let exhibitors whose offer fits find me and my profile").check()
    shoot(page, screenshot_dir, "matchmaking-profile")
    page.get_by_role("button", name="Save sourcing profile").click()
    expect(page.get_by_role("heading", name="Recommended for you")).to_be_visible()
    reload_until(page, COMPANY)
    card = page.get_by_role("listitem").filter(has_text=COMPANY)
    expect(card.get_by_text("makes Fully Automatic Flat Mask Production Line you source")).to_be_visible()
    expect(card.get_by_role("link", name="Request a meeting")).to_be_visible()
    shoot(page, screenshot_dir, "matchmaking-recommendations")
    log_out(page)

    log_in(page, *EXHIBITOR[:2])
    page.goto("/booths/nanning-mask-machinery/buyers-who-fit")
    reload_until(page, BUYER[2])
    expect(page.get_by_text("sources Fully Automatic Flat Mask Production Line you make").first).to_be_visible()
    shoot(page, screenshot_dir, "matchmaking-buyers")
    log_out(page)

    # The hosted-buyer programme: invite, both sides choose, the worker plans on the edition's meeting
    # rules and tables, the organizers publish, and the meeting is in the buyer's own agenda.
    log_in(page, *ORGANIZER)
    page.goto(f"{EDITION}/organize/hosted-buyers")
    expect(page.get_by_text("10 meeting tables: as many meetings at once.")).to_be_visible()
    page.get_by_label("E-mail addresses").fill(BUYER[0])
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_text("Invited: 1.")).to_be_visible()
    log_out(page)

    log_in(page, *BUYER[:2])
    page.goto(f"{EDITION}/hosted-buyers/invitation")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_text("Your meetings are planned in your free times at the venue:")).to_be_visible()
    shoot(page, screenshot_dir, "hosted-buyer-choices")
    page.get_by_role("listitem").filter(has_text=COMPANY).get_by_label("Must meet").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    log_out(page)

    log_in(page, *EXHIBITOR[:2])
    page.goto(f"{EDITION}/hosted-buyers/teams/nanning-mask-machinery")
    buyer_row = page.get_by_role("listitem").filter(has_text=BUYER[2])
    expect(buyer_row.get_by_text("Wants to meet you")).to_be_visible()
    buyer_row.get_by_label("Must meet").check()
    shoot(page, screenshot_dir, "hosted-team-choices")
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    log_out(page)

    log_in(page, *ORGANIZER)
    page.goto(f"{EDITION}/organize/hosted-buyers")
    page.get_by_role("button", name="Build the plan").click()
    reload_until(page, "Mutual “must meet” pairs with a meeting: 1 of 1")
    expect(page.get_by_role("row").filter(has_text=BUYER[2]).filter(has_text=COMPANY)).to_be_visible()
    shoot(page, screenshot_dir, "matchmaking-plan")
    page.locator("summary", has_text="Move").first.click()  # the organizer's adjustment, as a phone shows it
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / "matchmaking-plan-move-390.png"))
    page.get_by_role("button", name="Keep as it is").first.click()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{EDITION}/organize/hosted-buyers")
    shoot(page, screenshot_dir, "hosted-programme")
    page.goto(f"{EDITION}/organize/hosted-buyers/plan")
    page.get_by_role("button", name="Publish the plan").click()
    expect(
        page.get_by_text("The plan is being published: 1 meeting is being booked in everyone's agenda.")
    ).to_be_visible()
    reload_until(page, "The plan is published: every meeting is in the buyer's and the exhibitor's agenda.")
    expect(page.get_by_role("row").filter(has_text=COMPANY).get_by_role("link", name="Accepted")).to_be_visible()
    shoot(page, screenshot_dir, "matchmaking-plan-published")
    log_out(page)

    log_in(page, *BUYER[:2])
    page.goto(f"{EDITION}/hosted-buyers/my-meetings")
    expect(page.get_by_role("heading", name=re.compile("Your hosted-buyer meetings at"))).to_be_visible()
    programme_meeting = page.get_by_role("listitem").filter(has_text="Hosted-buyer programme")
    expect(programme_meeting.get_by_role("link", name=COMPANY)).to_be_visible()
    shoot(page, screenshot_dir, "hosted-my-meetings")
    page.goto("/my/agenda")
    in_agenda = page.locator(".card").filter(has_text="Hosted-buyer programme")
    expect(in_agenda.get_by_role("link", name=f"Meeting with {COMPANY}")).to_be_visible()
    expect(in_agenda.get_by_role("link", name="Add to your calendar (.ics)")).to_be_visible()
    shoot(page, screenshot_dir, "hosted-agenda")
