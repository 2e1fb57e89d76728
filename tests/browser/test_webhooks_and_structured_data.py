"""The owner subscribes a receiver to the booth's events and copies the secret shown once; public pages
carry JSON-LD that the strict Content-Security-Policy does not complain about."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.browser

OWNER = ("exhibitor@example.com", "demo-exhibitor-2026")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_owner_subscribes_and_copies_the_secret_shown_once(page: Page, screenshot_dir) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, *OWNER)
    page.goto("/exhibitors/mine")
    page.get_by_role("link", name="Webhooks").first.click()
    expect(page.get_by_role("heading", name="Webhooks of Nanning Mask Machinery Co.")).to_be_visible()
    page.get_by_role("link", name="New subscription").click()
    with Receiver() as receiver:
        page.get_by_label("Endpoint URL").fill(receiver.url)
        page.get_by_label("Description").fill("Our CRM")
        page.get_by_label("An inquiry or order request is received (inquiry.received)").check()
        page.get_by_label("A buyer accepts a quotation (quotation.accepted)").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", name="The subscription is created")).to_be_visible()
        secret = page.get_by_label("Signing secret").input_value()
        assert secret.startswith("whsec_")
        receiver.secret = secret
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == secret
        page.screenshot(path=str(screenshot_dir / "webhook-secret-1280.png"), full_page=True)
        page.get_by_role("link", name="Done").click()
        expect(page.get_by_text("Our CRM", exact=True)).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "webhook-list-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        _no_sideways_scroll(page)
        page.screenshot(path=str(screenshot_dir / "webhook-list-390.png"), full_page=True)
        page.get_by_role("link", name="Deliveries").first.click()
        expect(page.get_by_text("Nothing was sent to this address yet.")).to_be_visible()
        _no_sideways_scroll(page)
        page.get_by_role("link", name="Webhooks").click()
        page.get_by_role("link", name="Edit").first.click()
        expect(page.get_by_label("Enabled")).to_be_checked()
        _no_sideways_scroll(page)
        page.screenshot(path=str(screenshot_dir / "webhook-form-390.png"), full_page=True)


def test_json_ld_on_public_pages_without_csp_complaints(page: Page, screenshot_dir) -> None:
    complaints: list[str] = []
    page.on(
        "console", lambda message: complaints.append(message.text) if message.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: complaints.append(str(error)))
    page.goto("/editions/18th-caexpo")
    [event] = [json.loads(text) for text in page.locator('script[type="application/ld+json"]').all_text_contents()]
    assert event["@type"] == "ExhibitionEvent" and event["subEvent"]
    assert any(forum.get("subEvent") for forum in event["subEvent"])
    page.goto("/exhibition")
    page.locator("a[href^='/booths/']").first.click()
    [organization] = [
        json.loads(text) for text in page.locator('script[type="application/ld+json"]').all_text_contents()
    ]
    assert organization["@type"] == "Organization"
    page.locator("a[href*='/products/']").first.click()
    [product] = [json.loads(text) for text in page.locator('script[type="application/ld+json"]').all_text_contents()]
    assert product["@type"] == "Product" and product["offers"]["@type"] == "Offer"
    assert not [text for text in complaints if "Content Security Policy" in text or "Refused" in text], complaints
