"""A buyer who reads Chinese, on a phone, finds the demo's gloves (written in English only) by typing
手套, and narrows the results by the language they are available in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser


def test_a_chinese_word_finds_english_gloves_on_a_phone(browser: Browser, expo_server, screenshot_dir) -> None:
    context = browser.new_context(
        base_url=expo_server.base_url,
        locale="en-US",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/search")
        page.get_by_role("main").get_by_role("searchbox").fill("手套")
        page.get_by_role("main").get_by_role("searchbox").press("Enter")
        # Through the category tree: 手套 is among Protective equipment's words in Chinese.
        expect(page.get_by_role("link", name="Nitrile Examination Gloves, powder-free")).to_be_visible()
        expect(page.get_by_role("link", name="Latex Examination Gloves, powder-free")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(screenshot_dir / "search-chinese-phone.png"), full_page=False)
        # The language filter: every demo product is written in English.
        page.goto("/search?q=%E6%89%8B%E5%A5%97&language=en")
        expect(page.get_by_role("link", name="Nitrile Examination Gloves, powder-free")).to_be_visible()
        # No demo product is written or translated in Khmer.
        page.goto("/search?q=%E6%89%8B%E5%A5%97&language=km")
        expect(page.get_by_role("link", name="Nitrile Examination Gloves, powder-free")).to_have_count(0)
    finally:
        context.close()
