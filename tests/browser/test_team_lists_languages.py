"""The booth team reads its own catalogue list in Chinese and in Thai, on a desktop and on a phone:
the demo products' names in the page's language, nothing scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026")
CATALOGUE = "/booths/nanning-mask-machinery/catalogue"
# The demo's "KN95 Mask Production Line" in each language (expo/demo/translations.py).
PRODUCT = {"zh": "KN95 口罩生产线", "th": "สายการผลิตหน้ากาก KN95"}
COMPANY = {"zh": "南宁口罩机械有限公司", "th": "บริษัท หนานหนิง แมสก์ แมชชีนเนอรี่"}


@pytest.mark.parametrize("language", ["zh", "th"])
def test_the_team_reads_its_catalogue_list_in_its_language_on_a_desktop_and_a_phone(
    page: Page, screenshot_dir, language
) -> None:
    log_in(page, *EXHIBITOR)
    page.goto(f"{CATALOGUE}?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if language == "zh" else "th")
    table = page.get_by_role("main").get_by_role("table")
    expect(table.get_by_role("link", name=PRODUCT[language], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMPANY[language])
    page.screenshot(path=str(screenshot_dir / f"team-catalogue-{language}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{CATALOGUE}?lang={language}")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(screenshot_dir / f"team-catalogue-{language}-390.png"), full_page=True)
