"""An exhibitor makes a personal API token in their account settings, a program uses it, they
revoke it (a reload after making it makes no second one); the API documentation page, rendered from
the OpenAPI document, leads to an operation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026")


def _api_status(base_url: str, path: str, token: str) -> int:
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_make_use_and_revoke_a_personal_token(page: Page, expo_server, screenshot_dir) -> None:
    log_in(page, *EXHIBITOR)
    page.goto("/account")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    page.get_by_label("Name").fill("Warehouse sync")
    page.get_by_label("Read your registrations and agenda").check()
    page.get_by_label("Expires after").select_option(label="30 days")
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("expo_pat_")
    page.screenshot(path=str(screenshot_dir / "api-tokens.png"), full_page=True)
    assert _api_status(expo_server.base_url, "/api/v1/me/agenda", secret) == 200

    # The browser's reload repeats the GET it was redirected to, not the POST: no second token,
    # and the secret is not shown again.
    page.reload()
    expect(page.locator("li", has_text="Warehouse sync")).to_have_count(1)
    assert secret not in page.content()
    page.goto("/account/api-tokens")
    assert secret not in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.screenshot(path=str(screenshot_dir / "api-tokens-phone.png"), full_page=True)

    page.locator("li", has_text="Warehouse sync").get_by_text("Revoke", exact=True).click()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert _api_status(expo_server.base_url, "/api/v1/me/agenda", secret) == 401


def test_the_documentation_page_renders_the_operations(page: Page, screenshot_dir) -> None:
    """Rendered by us from the OpenAPI document: no script of its own, readable on a phone; a
    contents link leads to an operation with its scope, parameters and answers."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="API documentation")).to_be_visible()
    page.get_by_role("link", name="POST /api/v1/booths/{slug}/meetings").click()
    operation = page.locator("article", has=page.locator("#op-post-booths-slug-meetings"))
    expect(operation.get_by_text("meetings:write")).to_be_visible()
    expect(operation.get_by_role("link", name="MeetingRequestBody")).to_be_visible()
    operation.get_by_text("Example").first.click()
    expect(operation.locator("pre").first).to_contain_text('"starts_at"')
    assert not errors, errors
    page.screenshot(path=str(screenshot_dir / "api-docs.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "api-docs-phone.png"))
    assert _fits(page)
