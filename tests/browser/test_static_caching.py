"""A visitor's browser keeps the site's stylesheets, scripts and icon: coming back to a booth asks
the server for none of them, and the page still looks and works as the first time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STATIC_REQUEST = re.compile(r'"(?:GET|HEAD) (/static/\S+) HTTP/[\d.]+" (\d+)')


def static_requests(web_log) -> list[str]:
    """The static files the server has answered so far, from gunicorn's access log."""
    found = (STATIC_REQUEST.search(line) for line in web_log.read_text(errors="replace").splitlines())
    return [" ".join(match.groups()) for match in found if match]


def test_a_repeat_visit_to_a_booth_asks_the_server_for_no_static_file(page: Page, expo_server):
    log = expo_server.web_log
    page.goto("/exhibition")
    booth_link = page.locator("main a[href^='/booths/']").first
    booth_path = booth_link.get_attribute("href")
    booth_link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(booth_path)
    first_visit = static_requests(log)
    assert any("/static/vendor/bootstrap/" in line for line in first_visit), "the first visit fetched Bootstrap"

    seen = len(first_visit)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Exhibition", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.locator(f"main a[href='{booth_path}']").first.click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith(booth_path)
    assert static_requests(log)[seen:] == [], "the browser asked again for files it had been told to keep"
    # Styled and scripted from the browser's cache: Bootstrap's layout and its JavaScript are there.
    expect(page.get_by_role("navigation", name="Main navigation")).to_have_css("display", "flex")
    assert page.evaluate("typeof window.bootstrap") == "object"
