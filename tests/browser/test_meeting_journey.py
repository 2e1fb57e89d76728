"""A 1:1 meeting in a real browser: a buyer asks for one from a booth page, the exhibitor accepts it
from the team's meeting inbox, and both find it in their agenda; screenshots at desktop and phone
widths, which must not scroll sideways."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_journeys import log_in, open_account_menu

pytestmark = pytest.mark.browser

BUYER = ("buyer@example.com", "demo-buyer-2026", "Somchai Prasert")
EXHIBITOR = ("exhibitor@example.com", "demo-exhibitor-2026", "Chen Yuehe")
BOOTH = "/booths/nanning-mask-machinery"
WIDTHS = (1280, 390)


def shoot(browser: Browser, base_url: str, account: tuple[str, str, str], path: str, name: str, screenshot_dir) -> None:
    """The page at each width, for a person signed in; it must not scroll sideways on a phone."""
    for width in WIDTHS:
        context = browser.new_context(
            base_url=base_url, locale="en-US", timezone_id="UTC", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            page.goto("/login")  # on a phone the navigation is folded away
            page.get_by_label("E-mail address").fill(account[0])
            page.get_by_label("Password", exact=True).fill(account[1])
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(re.compile(r"^(?!.*/login)"))
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(screenshot_dir / f"meetings-{name}-{width}.png"), full_page=True)
        finally:
            context.close()


def test_a_buyer_requests_a_meeting_the_exhibitor_accepts_and_both_have_it_in_their_agenda(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    message = f"Can we talk about 200,000 KN95 a month? Ref {uuid.uuid4().hex[:6]}"
    log_in(page, *BUYER[:2])
    page.goto(BOOTH)
    page.get_by_role("link", name="Request a meeting").first.click()
    expect(page.get_by_role("heading", name="Request a meeting with Nanning Mask Machinery")).to_be_visible()
    slot = page.get_by_label("Time")
    first_online = slot.locator("optgroup[label='Online'] option").first.get_attribute("value")
    slot.select_option(first_online)
    page.get_by_label("Message").fill(message)
    page.get_by_role("button", name="Send the meeting request").click()
    expect(page.get_by_text("Your meeting request is with Nanning Mask Machinery")).to_be_visible()
    meeting_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/meetings/\d+", meeting_path), page.url

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
        exhibitor.get_by_role("link", name="Meetings", exact=True).click()
        exhibitor.locator(f'a[href="{meeting_path}"]').click()
        expect(exhibitor.get_by_text(message)).to_be_visible()
        accept = exhibitor.get_by_role("region", name="Accept")
        expect(accept.get_by_label(EXHIBITOR[2])).to_be_checked()  # who attends: the one answering
        accept.get_by_role("button", name="Accept").click()
        expect(exhibitor.get_by_text("The meeting is confirmed. It is on both agendas.")).to_be_visible()
        exhibitor.goto("/my/agenda")
        expect(exhibitor.locator(f'a[href="{meeting_path}"]')).to_have_text(f"Meeting with {BUYER[2]}")
    finally:
        team.close()

    open_account_menu(page, BUYER[2]).get_by_role("link", name="My agenda").click()
    expect(page.locator(f'a[href="{meeting_path}"]')).to_have_text("Meeting with Nanning Mask Machinery Co.")
    page.locator(f'a[href="{meeting_path}"]').click()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add to your calendar (.ics)")).to_be_visible()

    shoot(browser, expo_server.base_url, BUYER, f"{BOOTH}/meetings/request", "request-form", screenshot_dir)
    shoot(browser, expo_server.base_url, BUYER, "/my/agenda", "agenda", screenshot_dir)
    shoot(browser, expo_server.base_url, BUYER, meeting_path, "meeting", screenshot_dir)
    shoot(browser, expo_server.base_url, EXHIBITOR, f"{BOOTH}/meetings?tab=upcoming", "team-inbox", screenshot_dir)
    shoot(browser, expo_server.base_url, BUYER, "/my/availability", "availability", screenshot_dir)
    shoot(
        browser,
        expo_server.base_url,
        ("organizer@example.com", "demo-organizer-2026", "Li Wei"),
        "/editions/18th-caexpo/organize/meetings",
        "organize",
        screenshot_dir,
    )
