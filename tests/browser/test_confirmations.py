"""Destructive buttons ask first in a real browser: the first click says what will happen, and only
the second, worded button does it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

STAFF = ("staff@example.com", "demo-staff-2026")
OPENING = "Opening plenary: building a Health Silk Road together"


def test_cancelling_a_seat_asks_first_then_cancels(page: Page, screenshot_dir) -> None:
    log_in(page, *STAFF)
    page.goto("/editions/18th-caexpo/programme")
    page.get_by_role("link", name=OPENING).first.click()
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Your agenda")).to_be_visible()

    seat = page.locator(".card", has_text=OPENING)
    note = seat.get_by_text("Your seat goes to the next person on the waiting list")
    expect(note).to_be_hidden()
    seat.get_by_text("Cancel", exact=True).click()
    expect(note).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "agenda-cancel-confirm.png"), full_page=True)

    seat.get_by_role("button", name="Keep as it is").click()
    expect(note).to_be_hidden()
    page.reload()  # nothing happened: the seat is still confirmed
    expect(seat.get_by_text("Confirmed")).to_be_visible()

    seat.get_by_text("Cancel", exact=True).click()
    seat.get_by_role("button", name="Yes, cancel my seat").click()
    expect(page.get_by_text("Cancelled or declined")).to_be_visible()
    expect(page.locator(".card", has_text=OPENING)).to_have_count(0)


def test_the_confirmation_fits_a_phone(page: Page, screenshot_dir) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    page.get_by_label("E-mail address").fill("exhibitor@example.com")
    page.get_by_label("Password", exact=True).fill("demo-exhibitor-2026")
    page.get_by_role("button", name="Log in").click()
    page.goto("/exhibitors/mine")
    page.locator("main").get_by_role("link", name="Nanning", exact=False).first.click()
    page.get_by_text("Remove", exact=True).first.click()
    confirm = page.get_by_role("button", name="Yes, remove", exact=False).first
    expect(confirm).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "team-remove-confirm-phone.png"))
    # The note sits on the screen, not off to the side of the scrolled table that holds the button.
    box = confirm.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
