"""Venue badges in a real browser: a visitor shows theirs on a phone from the agenda; an organizer
finds them at the help desk and reprints the badge, after which the phone shows the new code."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

BUYER = ("buyer@example.com", "demo-buyer-2026", "Somchai Prasert")
ORGANIZER = ("organizer@example.com", "demo-organizer-2026")
EDITION = "18th-caexpo"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _context(browser: Browser, expo_server, viewport):
    context = browser.new_context(
        base_url=expo_server.base_url, locale="en-US", timezone_id="Asia/Shanghai", viewport=viewport
    )
    context.set_default_timeout(15_000)
    return context


def _log_in(page: Page, email: str, password: str, then: str) -> None:
    page.goto(f"/login?next={then}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def _no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _decoded(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def _badge_code_on_phone(page: Page) -> str:
    qr = page.get_by_role("img", name="Badge QR code")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR image did not render"
    code = page.locator(".user-select-all").inner_text().strip()
    assert code.startswith("EXPOB1.")
    assert _decoded(qr.screenshot()) == [code]
    return code


def test_a_visitor_shows_their_badge_on_the_phone_and_a_reprint_replaces_it(
    browser: Browser, expo_server, screenshot_dir
) -> None:
    phone = _context(browser, expo_server, PHONE)
    desk = _context(browser, expo_server, DESKTOP)
    try:
        visitor = phone.new_page()
        _log_in(visitor, BUYER[0], BUYER[1], "/my/agenda")
        expect(visitor.get_by_role("heading", name="Your agenda")).to_be_visible()
        visitor.get_by_role("link", name="Your badge").click()
        expect(visitor.get_by_role("heading", name=BUYER[2])).to_be_visible()
        first_code = _badge_code_on_phone(visitor)
        assert _no_sideways_scroll(visitor)
        visitor.screenshot(path=str(screenshot_dir / "badge-phone.png"), full_page=True)

        organizer = desk.new_page()
        _log_in(organizer, *ORGANIZER, f"/editions/{EDITION}/organize/badges")
        expect(organizer.get_by_role("heading", name="Badges", exact=True)).to_be_visible()
        organizer.screenshot(path=str(screenshot_dir / "badges-organizer.png"), full_page=True)
        organizer.get_by_role("link", name="Help desk").click()
        organizer.get_by_label("Name or e-mail address").fill("Somchai")
        organizer.get_by_role("button", name="Find").click()
        card = organizer.locator(".card").filter(has_text=BUYER[0])
        expect(card.get_by_text("Badge number 1")).to_be_visible()
        card.locator("summary").filter(has_text="Reprint (lost badge)").click()
        expect(card.get_by_text("stops working at every door at once")).to_be_visible()
        organizer.screenshot(path=str(screenshot_dir / "badge-desk.png"), full_page=True)
        card.get_by_role("button", name="Yes, issue a new badge").click()
        expect(organizer.get_by_text("reissued as number 2")).to_be_visible()

        visitor.reload()
        second_code = _badge_code_on_phone(visitor)
        assert second_code != first_code
    finally:
        phone.close()
        desk.close()
