"""A visitor on booth pages kept in the page cache (expo/page_cache.py): the language picker's token
works on a page answered from the cache, and after logging in the visitor sees their own header and
favourite button, never the visitors' copy; after logging out, no trace of them is left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in, navbar

pytestmark = pytest.mark.browser

BOOTH = "/booths/nanning-mask-machinery"
PHONE = {"width": 390, "height": 844}


def test_a_visitor_on_cached_booth_pages_switches_language_logs_in_and_saves_the_booth(page: Page, screenshot_dir):
    for _ in range(3):  # the first is rendered, the others come from the cache
        response = page.goto(BOOTH)
        assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name=re.compile("Log in to save"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "cached-booth-1280-en.png"))

    # The picker's CSRF token on a page answered from the cache is this visitor's own.
    navbar(page).get_by_label("Language").select_option(label="简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(re.compile(BOOTH + "$"))
    page.reload()  # from the cache, in Chinese
    expect(page.get_by_label("语言")).to_have_value("zh")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"
    page.screenshot(path=str(screenshot_dir / "cached-booth-390-zh.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("语言").select_option(label="English")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    log_in(page, "buyer@example.com", "demo-buyer-2026")
    page.goto(BOOTH)
    expect(navbar(page).get_by_role("button", name="Somchai Prasert")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Log in to save"))).to_have_count(0)
    save = page.get_by_role("button", name=re.compile("(Save|Saved).*favourites"))
    expect(save.first).to_be_visible()
    if "Save" in (save.first.text_content() or "") and "Saved" not in (save.first.text_content() or ""):
        save.first.click()  # a signed-in form: its token is the person's, not a cached one
        expect(page.get_by_role("button", name=re.compile("Saved.*remove"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "cached-booth-1280-signed-in.png"))

    navbar(page).get_by_role("button", name="Log out").click()
    page.goto(BOOTH)
    expect(navbar(page).get_by_role("button", name="Somchai Prasert")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Log in to save"))).to_be_visible()
