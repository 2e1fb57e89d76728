"""The programme journey in a real browser: an attendee registers and sees the ticket; an organizer
checks them in at the door by typing the code (as a hand-held scanner would)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in, open_account_menu

pytestmark = pytest.mark.browser

BUYER = ("buyer@example.com", "demo-buyer-2026", "Somchai Prasert")
ORGANIZER = ("organizer@example.com", "demo-organizer-2026")
SESSION_TITLE = "Prevention and control technology: from nucleic acid testing to vaccines"


def decoded_qr_codes(png: bytes) -> list[str]:
    """What a phone's camera would read from a screenshot."""
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_attendee_registers_sees_ticket_and_organizer_checks_them_in(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    log_in(page, *BUYER[:2])
    page.goto("/editions/18th-caexpo/programme")
    page.get_by_label("Day", exact=True).select_option(index=2)  # the second day of the programme
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=SESSION_TITLE).click()
    expect(page.get_by_role("heading", name=SESSION_TITLE)).to_be_visible()
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_text("You are registered.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your agenda")).to_be_visible()
    page.get_by_role("link", name="Ticket").first.click()
    qr_image = page.get_by_role("img", name="Ticket QR code")
    expect(qr_image).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "ticket.png"), full_page=True)
    code = page.locator(".user-select-all").inner_text().strip()
    assert code.startswith("EXPO1.")
    assert qr_image.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR image did not render"
    assert decoded_qr_codes(qr_image.screenshot()) == [code]

    door = browser.new_context(
        base_url=expo_server.base_url,
        locale="en-US",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
    )  # a phone at the entrance
    try:
        staff = door.new_page()
        # On a phone the navigation is folded away: go to the log-in page directly.
        staff.goto("/login?next=/editions/18th-caexpo/checkin/")
        staff.get_by_label("E-mail address").fill(ORGANIZER[0])
        staff.get_by_label("Password", exact=True).fill(ORGANIZER[1])
        staff.get_by_role("button", name="Log in").click()
        expect(staff.get_by_role("heading", name="Check-in")).to_be_visible()
        staff.get_by_label("Ticket code").fill(code)
        staff.get_by_role("button", name="Check in").click()
        expect(staff.locator("#checkin-result").get_by_text(f"Checked in: {BUYER[2]}")).to_be_visible()
        staff.screenshot(path=str(screenshot_dir / "checkin.png"), full_page=True)

        staff.get_by_label("Ticket code").fill(code)
        staff.get_by_role("button", name="Check in").click()
        expect(staff.locator("#checkin-result").get_by_text("Already checked in")).to_be_visible()

        staff.get_by_label("Ticket code").fill(code[:-3] + "xyz")
        staff.get_by_role("button", name="Check in").click()
        expect(staff.locator("#checkin-result").get_by_text("not genuine")).to_be_visible()
    finally:
        door.close()

    page.reload()
    expect(page.get_by_text("Checked in")).to_be_visible()
    expect(open_account_menu(page, BUYER[2]).get_by_role("link", name="My agenda")).to_be_visible()
