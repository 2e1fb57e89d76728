"""Translated content in a real browser: the exhibitor fills a product's name in another language side
by side with the English, and a visitor reading that language sees it; a visitor whose language a
product lacks is told which language is shown. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from expo.i18n import LANGUAGES, language_tag
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026")
PRODUCT = "/booths/nanning-mask-machinery/products/spare-parts-kit-for-one-year"
# (language, its own name, the browser locale, a new name for the spare parts kit). Vietnamese is the
# journey of the issue; it runs as soon as the Vietnamese interface ships (written in parallel), and
# Chinese runs meanwhile and after.
JOURNEYS = [
    journey
    for journey in (
        ("vi", "Tiếng Việt", "vi-VN", "Bộ phụ tùng thay thế cho một năm"),
        ("zh", "简体中文", "zh-CN", "全年备件套装"),
    )
    if journey[0] in LANGUAGES
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def reader(browser: Browser, expo_server, locale: str, viewport: dict) -> Page:
    context = browser.new_context(
        base_url=expo_server.base_url, locale=locale, timezone_id="Asia/Ho_Chi_Minh", viewport=viewport
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.mark.parametrize("language, own_name, locale, new_name", JOURNEYS)
def test_the_exhibitor_translates_a_product_and_a_reader_of_that_language_sees_it(
    page: Page, browser, expo_server, screenshot_dir, language, own_name, locale, new_name
) -> None:
    tag = uuid.uuid4().hex[:4]
    name = f"{new_name} {tag}"
    log_in(page, *EXHIBITOR)
    page.goto("/booths/nanning-mask-machinery/catalogue")
    page.get_by_role("row").filter(has_text="Spare Parts Kit for One Year").get_by_role("link", name="Edit").click()
    page.get_by_role("link", name="Translations").click()
    chips = page.get_by_role("navigation", name="Languages")
    expect(chips.get_by_text("English · written in")).to_be_visible()
    chips.get_by_role("link", name=own_name).click()

    # The English on the left, read-only; the language's fields on the right, found by their labels.
    expect(page.get_by_text("Spare Parts Kit for One Year", exact=True)).to_be_visible()
    field = page.get_by_label(f"Name in {own_name}")
    expect(field).to_have_attribute("lang", language_tag(language))
    field.fill(name)
    page.screenshot(path=str(screenshot_dir / f"translations-editor-{language}-1280.png"), full_page=True)
    page.get_by_role("button", name="Save translation").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).filter(has_text="saved").first).to_be_visible()
    expect(chips.get_by_role("link", name=own_name)).to_have_attribute("data-coverage", "filled")
    page.set_viewport_size(PHONE)
    page.reload()
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"translations-editor-{language}-390.png"), full_page=True)

    visitor = reader(browser, expo_server, locale, PHONE)
    try:
        visitor.goto(PRODUCT)
        heading = visitor.get_by_role("heading", level=1)
        expect(heading).to_have_text(name)
        expect(heading).not_to_have_attribute("lang", "en")
        no_sideways_scroll(visitor)
    finally:
        visitor.context.close()


def test_a_reader_is_told_when_a_text_is_shown_in_another_language(browser, expo_server, screenshot_dir) -> None:
    """The demo's paracetamol has a Chinese name but only an English description."""
    for viewport, width in ((DESKTOP, 1280), (PHONE, 390)):
        visitor = reader(browser, expo_server, "zh-CN", viewport)
        try:
            visitor.goto("/booths/manila-generic-pharma-laboratories-inc/products/paracetamol-500-mg-tablets")
            expect(visitor.get_by_role("heading", level=1)).to_have_text("对乙酰氨基酚片 500 毫克")
            note = visitor.locator(".expo-translation-note")
            expect(note).to_have_count(1)
            expect(note).to_contain_text("English")
            expect(visitor.locator("div[lang=en]").filter(has_text="Analgesic")).to_have_count(1)
            no_sideways_scroll(visitor)
            visitor.screenshot(path=str(screenshot_dir / f"product-fallback-note-{width}.png"), full_page=True)
        finally:
            visitor.context.close()
