"""On a phone-sized screen the language picker is in the header bar: no menu to open first. A
visitor's first page is shown in the browser's time zone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide at {page.viewport_size['width']} px"


def test_switching_language_on_a_phone_without_opening_a_menu(page: Page, screenshot_dir):
    page.set_viewport_size(PHONE)
    page.goto("/editions/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("button", name="Toggle navigation")).to_be_visible()  # the menu stays shut
    picker = navigation.get_by_label("Language")
    expect(picker).to_be_visible()
    _no_sideways_scroll(page)
    page.locator("nav").screenshot(path=str(screenshot_dir / "language-picker-390-en.png"))

    picker.select_option(label="简体中文")

    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(re.compile(r"/editions/$"))
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航").get_by_label("语言")).to_have_value("zh")
    _no_sideways_scroll(page)
    page.locator("nav").screenshot(path=str(screenshot_dir / "language-picker-390-zh.png"))

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("nav").screenshot(path=str(screenshot_dir / "language-picker-1280-zh.png"))
    page.get_by_role("navigation", name="主导航").get_by_label("语言").select_option(label="English")
    expect(html).to_have_attribute("lang", "en")
    page.locator("nav").screenshot(path=str(screenshot_dir / "language-picker-1280-en.png"))


def test_a_first_visit_shows_times_in_the_browsers_zone(browser, expo_server):
    context = browser.new_context(
        base_url=expo_server.base_url, locale="en-US", timezone_id="Asia/Bangkok", viewport=PHONE
    )
    try:
        page = context.new_page()
        documents = []
        page.on(
            "request", lambda request: documents.append(request.url) if request.resource_type == "document" else None
        )
        page.goto("/")
        expect(page.locator("footer")).to_contain_text("Times are shown in Asia/Bangkok.")
        page.wait_for_timeout(1000)  # a second reload, if the page were to loop, would come now
        # The first view in UTC, reloaded once in the browser's zone, and no more.
        assert len(documents) == 2, documents
        page.goto("/editions/")
        expect(page.locator("footer")).to_contain_text("Times are shown in Asia/Bangkok.")
    finally:
        context.close()
