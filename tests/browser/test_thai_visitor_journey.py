"""A Thai visitor on a phone switches the site to Thai from the header bar and finds a product by a
Thai word, written without spaces, as Thai is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_visitor_switches_to_thai_on_a_phone_and_finds_gloves_by_a_thai_word(
    browser: Browser, expo_server, screenshot_dir
) -> None:
    context = browser.new_context(
        base_url=expo_server.base_url,
        locale="en-US",
        timezone_id="Asia/Bangkok",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/search")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "en")
        # The picker is in the header bar: no menu to open first.
        page.get_by_role("navigation", name="Main navigation").get_by_label("Language").select_option(label="ไทย")
        expect(html).to_have_attribute("lang", "th")

        search = page.get_by_role("main").get_by_role("searchbox")
        search.fill("ถุงมือไนไตรล์")  # "nitrile gloves"
        search.press("Enter")

        # The demo's gloves are written in English with a Thai translation: the card shows the Thai name.
        expect(page.get_by_role("link", name="ถุงมือตรวจโรคไนไตรล์ ไม่มีแป้ง")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(screenshot_dir / "search-thai-phone.png"), full_page=False)
    finally:
        context.close()
