"""Trade inquiries in a real browser: a buyer asks a booth for a price, the exhibitor's team replies
and quotes, and the buyer reads the reply and accepts the quotation."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in, navbar, open_account_menu

pytestmark = pytest.mark.browser

BUYER = ("buyer@example.com", "demo-buyer-2026", "Somchai Prasert")
EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026", "Chen Yuehe")
BOOTH = "/booths/nanning-mask-machinery"


def test_a_buyer_inquires_the_team_replies_and_quotes_and_the_buyer_accepts(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    question = f"Can you ship 200 boxes of surgical masks to Laem Chabang? Ref {uuid.uuid4().hex[:6]}"
    log_in(page, *BUYER[:2])
    page.goto(BOOTH)
    page.get_by_role("link", name="Send inquiry").first.click()
    page.get_by_label("Quantity").fill("200")
    page.get_by_label("Unit", exact=True).fill("boxes")
    page.get_by_label("Incoterm (2020)").select_option("FOB")
    page.get_by_label("Destination port or city").fill("Laem Chabang")
    page.get_by_label("Message").fill(question)
    page.get_by_role("button", name="Send to the exhibitor").click()
    expect(page.get_by_text(question)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "inquiry-sent.png"), full_page=True)

    team = browser.new_context(
        base_url=expo_server.base_url,
        locale="en-US",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    team.set_default_timeout(10_000)
    try:
        exhibitor = team.new_page()
        log_in(exhibitor, *EXHIBITOR[:2])
        open_account_menu(exhibitor, EXHIBITOR[2]).get_by_role("link", name="Leads").click()
        exhibitor.get_by_role("row").filter(has_text=BUYER[2]).first.get_by_role("link", name=BUYER[2]).click()
        expect(exhibitor.get_by_text(question)).to_be_visible()
        exhibitor.get_by_label("Your reply").fill("Yes: FOB Fangchenggang, three weeks from your order.")
        exhibitor.get_by_role("button", name="Send", exact=True).click()
        expect(exhibitor.get_by_text("Yes: FOB Fangchenggang, three weeks from your order.")).to_be_visible()
        exhibitor.get_by_role("textbox", name="Internal note").fill("Known buyer, pays on time.")
        exhibitor.get_by_role("button", name="Add note").click()
        exhibitor.get_by_text("Send a quotation").click()  # the form is folded away until asked for
        exhibitor.get_by_label("Unit price").fill("2.40")
        exhibitor.get_by_label("Lead time (days)").fill("21")
        exhibitor.get_by_role("button", name="Send quotation").click()
        expect(exhibitor.get_by_text("Quoted").first).to_be_visible()
        exhibitor.screenshot(path=str(screenshot_dir / "inquiry-team.png"), full_page=True)
    finally:
        team.close()

    open_account_menu(page, BUYER[2]).get_by_role("link", name="My inquiries").click()
    page.get_by_role("link", name="Nanning Mask Machinery").first.click()
    expect(page.get_by_text("Yes: FOB Fangchenggang, three weeks from your order.")).to_be_visible()
    expect(page.get_by_text("Known buyer, pays on time.")).to_have_count(0)  # the team's note stays the team's
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Won").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "inquiry-accepted.png"), full_page=True)
    expect(navbar(page)).to_be_visible()
