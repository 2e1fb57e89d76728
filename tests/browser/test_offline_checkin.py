"""The check-in door with the network switched off, in a real browser: two phones load the codes,
lose the network, scan tickets by typing them (as hand-held scanners do), reload the app from its
service worker, then sync; the database holds one check-in per ticket and the second phone hears
that its scan was a duplicate."""

from __future__ import annotations

import json
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import BIN, PROJECT_ROOT, ExpoServer, _stack_env

pytestmark = pytest.mark.browser

CHECKIN_STAFF = ("checkin@example.com", "demo-checkin-2026", "Wang Fang")
ORGANIZER = ("organizer@example.com", "demo-organizer-2026", "Li Wei")
APP = "/editions/18th-caexpo/checkin/"
PHONE = {"width": 390, "height": 844}


def in_the_app(server: ExpoServer, script: str):
    """Run ``script`` inside the server's own application (its database and key); it prints JSON."""
    env = _stack_env(server.instance_path, urlsplit(server.base_url).port)
    program = "import json\nfrom wsgi import app\nwith app.test_request_context():\n" + "".join(
        f"    {line}\n" for line in script.strip().splitlines()
    )
    for _attempt in range(5):
        done = subprocess.run(
            [str(BIN / "python"), "-c", program], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        # The running server and worker write to the same SQLite file; a moment later it is free.
        if done.returncode == 0 or "database is locked" not in done.stderr:
            break
        time.sleep(1)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def tickets_not_checked_in(server: ExpoServer, count: int) -> list[dict]:
    return in_the_app(
        server,
        f"""
from sqlalchemy import select
from expo.extensions import db
from expo.forums.models import ProgrammeSession, Forum
from expo.registrations.models import Registration
from expo.registrations.tickets import ticket_payload
rows = db.session.scalars(
    select(Registration).join(ProgrammeSession, Registration.session_id == ProgrammeSession.id)
    .where(Registration.status == "confirmed", Registration.checked_in_at.is_(None))
    .order_by(Registration.id).limit({count})
).all()
print(json.dumps([{{"id": r.id, "payload": ticket_payload(r), "name": r.user.name}} for r in rows]))
""",
    )


def check_ins(server: ExpoServer, ids: list[int]) -> dict:
    return in_the_app(
        server,
        f"""
from sqlalchemy import select
from expo.extensions import db
from expo.accounts.models import User
from expo.checkin.models import CheckinScan
from expo.registrations.models import Registration
ids = {ids!r}
done = {{}}
for registration in db.session.scalars(select(Registration).where(Registration.id.in_(ids))):
    by = db.session.get(User, registration.checked_in_by_id) if registration.checked_in_by_id else None
    done[registration.id] = {{"at": registration.checked_in_at and registration.checked_in_at.isoformat(), "by": by and by.email}}
scans = db.session.scalars(select(CheckinScan).where(CheckinScan.registration_id.in_(ids))).all()
print(json.dumps({{"registrations": done, "scans": sorted(str(s.outcome) for s in scans)}}))
""",
    )


def phone(browser: Browser, server: ExpoServer) -> BrowserContext:
    # localhost, not 127.0.0.1: a secure context by name, where service workers run.
    base = server.base_url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=base, locale="en-US", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    return context


def open_app(context: BrowserContext, email: str, password: str) -> Page:
    page = context.new_page()
    page.goto("/login?next=" + APP)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    # Ready for the doors: the codes are on the device and the service worker controls the page.
    expect(page.locator("#offline-codes")).to_contain_text("codes for offline checking, loaded")
    wait_until_the_service_worker_controls(page)
    expect(page.locator("#offline-connection")).to_have_text("Connected")
    return page


def wait_until_the_service_worker_controls(page: Page) -> None:
    # A function, not an expression: Playwright evaluates an expression with eval() on every poll,
    # which the page's Content-Security-Policy (no 'unsafe-eval') refuses once the first check fails;
    # a function is evaluated once and then called.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def scan(page: Page, code: str, label: str = "Ticket code") -> None:
    """A hand-held scanner: it types the code into the focused field and presses Enter."""
    field = page.get_by_label(label)
    field.focus()
    page.keyboard.insert_text(code)
    page.keyboard.press("Enter")


def test_two_phones_check_in_offline_then_sync_one_check_in_and_one_duplicate(
    browser: Browser, expo_server: ExpoServer, screenshot_dir
) -> None:
    first_ticket, second_ticket = tickets_not_checked_in(expo_server, 2)
    forged = first_ticket["payload"][:-4] + ("AAAA" if not first_ticket["payload"].endswith("AAAA") else "BBBB")

    door, side_door = phone(browser, expo_server), phone(browser, expo_server)
    try:
        staff = open_app(door, *CHECKIN_STAFF[:2])
        staff.screenshot(path=str(screenshot_dir / "offline-checkin-390-online.png"), full_page=True)
        organizer = open_app(side_door, *ORGANIZER[:2])

        # The network goes down at the first door.
        door.set_offline(True)
        expect(staff.locator("#offline-connection")).to_contain_text("No network")

        scan(staff, first_ticket["payload"])
        expect(staff.locator("#checkin-result")).to_contain_text(
            f"Checked in (waiting to sync): {first_ticket['name']}"
        )
        expect(staff.locator("#offline-pending")).to_have_text("1 scan waiting to be sent")

        scan(staff, first_ticket["payload"])
        expect(staff.locator("#checkin-result")).to_contain_text("Already checked in on this device at")

        scan(staff, forged)
        expect(staff.locator("#checkin-result")).to_contain_text("Not valid here")
        scan(staff, "https://example.com/menu")
        expect(staff.locator("#checkin-result")).to_have_text("This is not an Expo ticket.")

        scan(staff, second_ticket["payload"])
        expect(staff.locator("#offline-pending")).to_have_text("2 scans waiting to be sent")
        staff.screenshot(path=str(screenshot_dir / "offline-checkin-390-offline.png"), full_page=True)
        assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"

        # Still offline, the app opens again: the service worker answers for the server.
        response = staff.reload()
        assert response is not None and response.from_service_worker
        expect(staff.locator("#offline-pending")).to_have_text("2 scans waiting to be sent")
        expect(staff.locator("#offline-connection")).to_contain_text("No network")
        expect(staff.locator("#device-scans [data-scan-state=pending]")).to_have_count(2)
        assert check_ins(expo_server, [first_ticket["id"]])["registrations"][str(first_ticket["id"])]["at"] is None

        # The second door scans the first ticket offline too.
        side_door.set_offline(True)
        expect(organizer.locator("#offline-connection")).to_contain_text("No network")
        scan(organizer, first_ticket["payload"])
        expect(organizer.locator("#offline-pending")).to_have_text("1 scan waiting to be sent")

        # The network returns at the first door: the queue is sent and the answers replace it.
        door.set_offline(False)
        expect(staff.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")
        expect(staff.locator("#device-scans [data-scan-state=checked_in]")).to_have_count(2)
        expect(staff.locator("#offline-last-sync")).to_contain_text("Last sent:")

        side_door.set_offline(False)
        expect(organizer.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")
        duplicate = organizer.locator("#device-scans [data-scan-state=duplicate]")
        expect(duplicate).to_contain_text(f"Duplicate: {first_ticket['name']} was already checked in at")
        expect(duplicate).to_contain_text(f"by {CHECKIN_STAFF[2]}.")
        organizer.screenshot(path=str(screenshot_dir / "offline-checkin-390-duplicate.png"), full_page=True)

        found = check_ins(expo_server, [first_ticket["id"], second_ticket["id"]])
        for ticket in (first_ticket, second_ticket):
            assert found["registrations"][str(ticket["id"])]["at"] is not None
            assert found["registrations"][str(ticket["id"])]["by"] == CHECKIN_STAFF[0]
        assert found["scans"] == ["checked_in", "checked_in", "duplicate"]

        # Both sync again (a lost answer, a new page): nothing changes.
        staff.get_by_role("button", name="Send now and refresh the codes").click()
        expect(staff.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")
        assert check_ins(expo_server, [first_ticket["id"], second_ticket["id"]]) == found
    finally:
        door.close()
        side_door.close()


def test_the_app_on_a_desk_screen(page: Page, screenshot_dir) -> None:
    page.goto("/login?next=" + APP)
    page.get_by_label("E-mail address").fill(CHECKIN_STAFF[0])
    page.get_by_label("Password", exact=True).fill(CHECKIN_STAFF[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#offline-codes")).to_contain_text("codes for offline checking")
    page.screenshot(path=str(screenshot_dir / "offline-checkin-1280.png"), full_page=True)
    # Nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# --- the same app at a stand ------------------------------------------------------------------------

EXHIBITOR_STAFF = ("staff@example.com", "demo-staff-2026")


def stand_world(server: ExpoServer) -> dict:
    """Badges issued for the demo edition; the booth of the demo staff member's company; two visitors."""
    return in_the_app(
        server,
        """
from sqlalchemy import select
from expo.accounts.models import User
from expo.badges.models import Badge
from expo.badges.services import issue_badges
from expo.booths.models import Booth
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
edition = db.session.scalar(select(Edition).where(Edition.slug == "18th-caexpo"))
issue_badges(None, edition)
db.session.commit()
staff = db.session.scalar(select(User).where(User.email == "staff@example.com"))
company_id = db.session.scalar(select(CompanyMember.company_id).where(CompanyMember.user_id == staff.id))
booth = db.session.scalar(select(Booth).where(Booth.company_id == company_id))
buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
badge = db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == buyer.id))
print(json.dumps({"booth": booth.slug, "payload": badge.payload, "organisation": buyer.organisation}))
""",
    )


def stand_scans_of(server: ExpoServer, booth_slug: str) -> list[dict]:
    return in_the_app(
        server,
        f"""
from sqlalchemy import select
from expo.booths.models import Booth
from expo.extensions import db
from expo.leads.models import StandScan
booth = db.session.scalar(select(Booth).where(Booth.slug == {booth_slug!r}))
rows = db.session.scalars(select(StandScan).where(StandScan.booth_id == booth.id)).all()
print(json.dumps([{{"outcome": str(r.outcome), "rating": r.rating, "notes": r.notes, "tags": r.tags,
                   "products": len(r.products)}} for r in rows]))
""",
    )


def test_a_stand_scans_a_badge_offline_with_rating_notes_and_a_product_then_syncs(
    browser: Browser, expo_server: ExpoServer, screenshot_dir
) -> None:
    world = stand_world(expo_server)
    before = len(stand_scans_of(expo_server, world["booth"]))
    context = phone(browser, expo_server)
    try:
        page = context.new_page()
        page.goto(f"/login?next=/booths/{world['booth']}/leads/scan")
        page.get_by_label("E-mail address").fill(EXHIBITOR_STAFF[0])
        page.get_by_label("Password", exact=True).fill(EXHIBITOR_STAFF[1])
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Scan a badge")).to_be_visible()
        expect(page.locator("#offline-codes")).to_contain_text("for offline checking, loaded")
        wait_until_the_service_worker_controls(page)

        context.set_offline(True)
        expect(page.locator("#offline-connection")).to_have_text("No network")
        # The scanner types the badge and Enter: the app says who it is and waits for the details.
        page.get_by_label("Badge code").focus()
        page.keyboard.insert_text(world["payload"])
        page.keyboard.press("Enter")
        expect(page.locator("#stand-visitor")).to_contain_text("Visitor: ")
        expect(page.locator("#stand-visitor")).to_contain_text(world["organisation"])
        page.locator("label[for=rating-3]").click()  # the fourth choice: 4 stars
        page.get_by_label("Notes").fill("Wants samples of the KN95 line")
        page.get_by_label("Tags").fill("distributor, samples")
        page.locator("input[name=products]").first.check()
        page.get_by_role("button", name="Record the scan").click()
        expect(page.locator("#stand-result")).to_contain_text("Recorded (waiting to sync):")
        expect(page.locator("#offline-pending")).to_have_text("1 scan waiting to be sent")
        page.screenshot(path=str(screenshot_dir / "offline-stand-390-offline.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"

        # A forged badge is refused at once, with no network.
        page.get_by_label("Badge code").fill(world["payload"][:-4] + "AAAA")
        page.get_by_role("button", name="Record the scan").click()
        expect(page.locator("#stand-result")).to_contain_text("Not valid here")

        response = page.reload()
        assert response is not None and response.from_service_worker
        expect(page.locator("#offline-pending")).to_have_text("1 scan waiting to be sent")
        assert len(stand_scans_of(expo_server, world["booth"])) == before

        context.set_offline(False)
        expect(page.locator("#offline-pending")).to_have_text("Nothing waiting to be sent.")
        expect(page.locator("#device-scans [data-scan-state=recorded]")).to_have_count(1)
        page.screenshot(path=str(screenshot_dir / "offline-stand-390-synced.png"), full_page=True)
    finally:
        context.close()
    scans = stand_scans_of(expo_server, world["booth"])
    assert len(scans) == before + 1
    assert scans[-1] == {
        "outcome": "recorded",
        "rating": 4,
        "notes": "Wants samples of the KN95 line",
        "tags": ["distributor", "samples"],
        "products": 1,
    }


def test_the_app_speaks_the_staffs_language_offline_too(browser: Browser, expo_server: ExpoServer, screenshot_dir):
    """The status card and the scan answers come from the page in the staff's language (offline.js
    has no English of its own)."""
    context = phone(browser, expo_server)
    try:
        page = open_app(context, *CHECKIN_STAFF[:2])
        page.locator("#language-select").select_option("zh")
        expect(page.locator("#offline-connection")).to_have_text("已联网")
        expect(page.locator("#offline-codes")).to_contain_text("个离线核验编码")
        wait_until_the_service_worker_controls(page)
        page.reload()  # the kept copy is now the Chinese page
        context.set_offline(True)
        expect(page.locator("#offline-connection")).to_have_text("无网络")
        scan(page, "https://example.com/menu", label="门票编码")
        expect(page.locator("#checkin-result")).to_have_text("这不是 Expo 门票。")
        page.screenshot(path=str(screenshot_dir / "offline-checkin-390-zh-offline.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
    finally:
        context.close()
        # The picker saved Chinese on the staff member's account; the other tests sign in as them in English.
        in_the_app(
            expo_server,
            f"""
from sqlalchemy import update
from expo.accounts.models import User
from expo.extensions import db
db.session.execute(update(User).where(User.email == {CHECKIN_STAFF[0]!r}).values(language="en"))
db.session.commit()
print(json.dumps(True))
""",
        )
