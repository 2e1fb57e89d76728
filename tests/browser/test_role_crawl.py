"""Every page each demo role can reach, in a real browser: nothing wider than a phone (390 px) or a
desktop (1,280 px), nothing cut off on a desktop, and no serious or critical axe-core findings.

For anonymous visitors and each demo account, one logged-in context crawls same-origin links
breadth-first from the landing page (GET only; downloads, pictures, feeds and the dev outbox are
skipped), routes not yet seen first, a few pages per route, so the crawl stays bounded and still
reaches every route the role is linked to; a route an earlier role's crawl checked gets one page.
Each page is checked at 1,280 px and then at 390 px without loading it twice; axe-core runs on
every crawled page at 1,280 px, and on each role's landing page (its navigation) at 390 px too.

The focused tests at the end pin the defects reported in issue #14 to their pages, so a failure
names the page even if the crawl's route changes.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.exceptions import HTTPException

from tests.browser.conftest import _CALL_REPORT as CALL_REPORT
from tests.browser.test_journeys import log_in, navbar

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

ROLES = {
    "anonymous": None,
    "attendee": ("buyer@example.com", "demo-buyer-2026"),
    "exhibitor owner": ("exhibitor@example.com", "demo-exhibitor-2026"),
    "exhibitor staff": ("staff@example.com", "demo-staff-2026"),
    "organizer": ("organizer@example.com", "demo-organizer-2026"),
    "admin": ("admin@example.com", "demo-admin-2026"),
    "check-in staff": ("checkin@example.com", "demo-checkin-2026"),
}
ROLE_NAMES = {
    "attendee": "Somchai Prasert",
    "exhibitor owner": "Chen Yuehe",
    "exhibitor staff": "Nguyen Thi Lan",
    "organizer": "Li Wei",
    "admin": "Ada Admin",
    "check-in staff": "Wang Fang",
}

EDITION = "18th-caexpo"
DEMO_BOOTH = "nanning-mask-machinery"
DEMO_COMPANY = "nanning-mask-machinery"

MAX_PAGES = 80  # per role
MAX_PER_ROUTE = 2  # distinct URLs of one route (another booth, another product...)
MAX_QUERY_VARIANTS = 1  # of those, with a query string (a filter, a page, a sort)

# Endpoints that answer with something other than a page, or change state on GET.
NOT_PAGES = {
    "static",
    "core.dev_outbox",
    "core.dev_outbox_message",
    "core.healthz",
    "booths.booth_banner",
    "booths.booth_video",
    "booths.download_document",
    "catalog.import_template",
    "catalog.product_image",
    "catalog.product_thumbnail",
    "engagement.export_booth_analytics",
    "exhibitors.company_logo",
    "forums.speaker_photo",
    "forums.forum_calendar",
    "forums.session_calendar",
    "registrations.agenda_feed",
    "registrations.my_calendar",
    "lead_reports.download_report",
    "organize_lead_reports.download",
    "inquiries.download_attachment",
    "lead_reports.report_progress",
    "organize_lead_reports.progress",
    "organize.export_registrants",
    "checkin.counts",
    "broadcasts.broadcast_progress",
    "exhibition.robots_txt",
    "exhibition.sitemap_index",
    "exhibition.sitemap_section",
    "notifications.open_notification",
    "accounts.confirm_email",
    "accounts.reset_password",
    "exhibitors.show_invitation",
}
DOWNLOAD = re.compile(r"\.(csv|xlsx|ics|pdf|json|xml|txt|png|jpe?g|webp|svg|mp4)$|/attachments/", re.I)

# An element as a failure message names it: tag#id.classes "its first words".
DESCRIBE_JS = """(el) => {
  let text = el.tagName.toLowerCase();
  if (el.id) text += '#' + el.id;
  const classes = [...el.classList].slice(0, 4);
  if (classes.length) text += '.' + classes.join('.');
  const words = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  return words ? `${text} "${words}"` : text;
}"""

# The element that makes a page too wide: the ones sticking out furthest, innermost first, outside any
# scrolling box (a `.table-responsive` that scrolls is the intended layout on a phone).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const describe = DESCRIBE;
  // Inside a box that scrolls and fits the screen. An absolutely positioned element (Bootstrap's
  // .visually-hidden) escapes every scrolling box below its containing block, the nearest positioned one.
  const scrollsItself = (el) => {
    const outOfFlow = (style) => style.position === 'absolute' || style.position === 'fixed';
    let free = outOfFlow(getComputedStyle(el));
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      const contains = !free || style.position !== 'static';
      if (contains && style.overflowX !== 'visible' && node.getBoundingClientRect().right <= width + 0.5) return true;
      if (free && style.position !== 'static') free = outOfFlow(style);
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5 || scrollsItself(el)) continue;
    const depth = (() => { let d = 0; for (let n = el; n; n = n.parentElement) d++; return d; })();
    offenders.push({element: describe(el), right: Math.round(box.right), width: Math.round(box.width), depth});
  }
  offenders.sort((a, b) => (b.right - a.right) || (b.depth - a.depth));
  return {scrollWidth, width, offenders: offenders.slice(0, 4)};
}"""

# At 1,280 px: the navigation on one line, and nothing cut off by its card, table box or button.
DESKTOP_JS = """() => {
  const problems = [];
  const describe = DESCRIBE;
  // Shown on screen: a closed <details> (a confirmation not yet opened) keeps boxes for its content.
  const visible = (el) => { const b = el.getBoundingClientRect();
                            return b.width > 0 && b.height > 0 && (!el.checkVisibility || el.checkVisibility()); };
  // One line: as high as the brand plus the bar's padding, and no item's text on two lines.
  const nav = document.querySelector('nav.navbar');
  const brand = nav && nav.querySelector('.navbar-brand');
  if (brand) {
    const style = getComputedStyle(nav);
    const oneLine = brand.offsetHeight + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const items = [...nav.querySelectorAll('.nav-link, .btn, input, select')].filter(visible);
    const wrapped = items.filter(el => {
      const lines = el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight);
      return el.getBoundingClientRect().top >= brand.getBoundingClientRect().bottom || lines > 1.9;
    });
    if (nav.offsetHeight > oneLine + 2 || wrapped.length)
      problems.push(`the navigation takes ${nav.offsetHeight} px, not one line of ${oneLine} px: ` +
                    (wrapped.map(describe).slice(0, 4).join(', ') || 'no item on a second line'));
    const bar = brand.parentElement;
    const edge = bar.getBoundingClientRect().right - parseFloat(getComputedStyle(bar).paddingRight);
    const beyond = items.filter(el => el.getBoundingClientRect().right > edge + 1);
    if (beyond.length)
      problems.push(`the navigation runs past the page's edge (${Math.round(edge)} px): ` +
                    beyond.map(describe).slice(0, 4).join(', '));
  }
  for (const box of document.querySelectorAll('main .table-responsive')) {
    if (visible(box) && box.scrollWidth > box.clientWidth + 1)
      problems.push(`${describe(box.querySelector('table') || box)} needs sideways scrolling ` +
                    `(${box.scrollWidth} px in ${box.clientWidth} px)`);
  }
  for (const card of document.querySelectorAll('main .card')) {
    if (!visible(card)) continue;
    const right = card.getBoundingClientRect().right;
    for (const el of card.querySelectorAll('table, .btn, time, dd, dt, li, p, a')) {
      if (!visible(el) || el.closest('.table-responsive, .dropdown-menu')) continue;
      if (el.getBoundingClientRect().right > right + 1) {
        problems.push(`${describe(el)} runs out of its card (${describe(card).slice(0, 60)})`);
        break;
      }
    }
  }
  for (const button of document.querySelectorAll('main .btn')) {
    if (visible(button) && button.scrollWidth > button.clientWidth + 1)
      problems.push(`${describe(button)} is cut off (${button.scrollWidth} px of text in ${button.clientWidth} px)`);
  }
  return problems;
}"""
OVERFLOW_JS, DESKTOP_JS = (
    script.replace("const describe = DESCRIBE;", f"const describe = {DESCRIBE_JS};")
    for script in (OVERFLOW_JS, DESKTOP_JS)
)


AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""
FAILING_IMPACTS = {"serious", "critical"}
# Moderate findings the issue reported; they must stay fixed too.
FAILING_RULES = {
    "heading-order",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "landmark-main-is-top-level",
    "dlitem",
    "definition-list",
}


@dataclass
class Crawl:
    role: str
    pages: list[str] = field(default_factory=list)
    routes: Counter = field(default_factory=Counter)
    found_routes: set[str] = field(default_factory=set)
    overflow: dict[str, list[str]] = field(default_factory=dict)  # url -> problems
    desktop: dict[str, list[str]] = field(default_factory=dict)
    axe: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def route_of(app, path: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # 404, 405, a redirect to the slash
        return None
    return endpoint


def normalised(base_url: str, href: str) -> str | None:
    """The same-origin path + query to visit, or None to skip the link."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    if parts.path.startswith(("/static/", "/dev/")) or DOWNLOAD.search(parts.path):
        return None
    query = sorted(parse_qsl(parts.query))
    return parts.path + (f"?{urlencode(query)}" if query else "")


def overflow_report(page: Page) -> str | None:
    found = page.evaluate(OVERFLOW_JS)
    if found is None:
        return None
    widest = "; ".join(f"{item['element']} (right edge {item['right']} px)" for item in found["offenders"])
    return f"{found['scrollWidth']} px wide in {found['width']} px: {widest or 'no single element'}"


def axe_report(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
        for v in page.evaluate(AXE_JS)
        if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES
    ]


def role_context(browser: Browser, base_url: str, states: dict, role: str, viewport: dict):
    """A context logged in as `role`: through the form the first time, then from the saved cookies."""
    # bypass_csp: the page's script-src 'self' would refuse the injected axe-core.
    context = browser.new_context(
        base_url=base_url,
        locale="en-US",
        timezone_id="UTC",
        viewport=viewport,
        bypass_csp=True,
        storage_state=states.get(role),
    )
    context.set_default_timeout(10_000)
    if ROLES[role] and role not in states:
        page = context.new_page()
        log_in(page, *ROLES[role])
        expect(navbar(page).get_by_role("button", name=ROLE_NAMES[role])).to_be_visible()
        states[role] = context.storage_state()
        page.close()
    return context


def crawl_role(browser: Browser, base_url: str, app, role: str, checked: Counter, states: dict) -> Crawl:
    """Crawl as `role`; routes another role's crawl already `checked` get one page (this role's navigation
    and buttons), the others up to MAX_PER_ROUTE."""
    started = time.monotonic()
    crawl = Crawl(role)
    context = role_context(browser, base_url, states, role, DESKTOP)
    page = context.new_page()
    try:
        fresh, again, queued = deque(["/"]), deque(), {"/"}
        query_variants: Counter = Counter()
        while (fresh or again) and len(crawl.pages) < MAX_PAGES:
            from_fresh = bool(fresh)
            url = fresh.popleft() if from_fresh else again.popleft()
            route = route_of(app, urlsplit(url).path)
            if route is None or route in NOT_PAGES:
                continue
            if from_fresh and crawl.routes[route]:
                again.append(url)  # its route was visited meanwhile: routes not yet seen go first
                continue
            if crawl.routes[route] >= (1 if checked[route] else MAX_PER_ROUTE):
                continue
            if "?" in url and query_variants[route] >= MAX_QUERY_VARIANTS:
                continue
            crawl.routes[route] += 1
            query_variants[route] += "?" in url
            page.set_viewport_size(DESKTOP)
            response = page.goto(url, wait_until="load")
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if response.status >= 400:  # a link this role is shown leads nowhere
                crawl.errors[url] = f"HTTP {response.status}"
            crawl.pages.append(url)
            problems = []
            if (too_wide := overflow_report(page)) is not None:
                problems.append(f"at 1280 px: {too_wide}")
            if desktop := page.evaluate(DESKTOP_JS):
                crawl.desktop[url] = desktop
            # axe on every page each role is shown: roles see other buttons, forms and notes on one route.
            if findings := axe_report(page):
                crawl.axe[url] = findings
            page.set_viewport_size(PHONE)
            if (too_wide := overflow_report(page)) is not None:
                problems.append(f"at 390 px: {too_wide}")
            if url == "/" and (findings := axe_report(page)):  # the collapsed navigation
                crawl.axe[f"{url} at 390 px"] = findings
            if problems:
                crawl.overflow[url] = problems
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                target = normalised(base_url, href)
                if target is None or target in queued:
                    continue
                target_route = route_of(app, urlsplit(target).path)
                if target_route is None or target_route in NOT_PAGES:
                    continue
                queued.add(target)
                crawl.found_routes.add(target_route)
                (again if crawl.routes[target_route] else fresh).append(target)
    finally:
        context.close()
    crawl.seconds = time.monotonic() - started
    checked.update(crawl.routes)
    print(f"\n{role}: {len(crawl.pages)} pages, {len(crawl.routes)} routes in {crawl.seconds:.1f} s")
    return crawl


@pytest.fixture(scope="session")
def role_states() -> dict:
    """Each role's cookies after its one log-in (the server allows ten log-ins per address in 15 minutes)."""
    return {}


@pytest.fixture(scope="session")
def role_crawls(browser, expo_server, app, role_states):
    """One crawl per role, run when a test first asks for it."""
    done: dict[str, Crawl] = {}
    checked: Counter = Counter()

    def crawl(role: str) -> Crawl:
        if role not in done:
            done[role] = crawl_role(browser, expo_server.base_url, app, role, checked, role_states)
        return done[role]

    return crawl


def listing(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n    " + "\n    ".join(problems) for url, problems in found.items())


@pytest.mark.parametrize("role", ROLES)
def test_the_crawl_reaches_every_route_it_finds(role_crawls, role):
    crawl = role_crawls(role)
    assert not crawl.errors, f"pages that failed for {role}: {crawl.errors}"
    assert len(crawl.pages) >= 5, f"{role} reached only {crawl.pages}"
    unvisited = crawl.found_routes - set(crawl.routes)
    assert not unvisited, (
        f"{role}: {len(crawl.pages)} pages in {crawl.seconds:.0f} s left routes unvisited: {sorted(unvisited)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_the_screen(role_crawls, role):
    crawl = role_crawls(role)
    assert not crawl.overflow, f"{role}: pages wider than the screen:\n{listing(crawl.overflow)}"


@pytest.mark.parametrize("role", ROLES)
def test_nothing_is_cut_off_on_a_desktop(role_crawls, role):
    crawl = role_crawls(role)
    assert not crawl.desktop, f"{role}: at 1280 px:\n{listing(crawl.desktop)}"


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_violations(role_crawls, role):
    crawl = role_crawls(role)
    assert not crawl.axe, f"{role}: axe-core violations:\n{listing(crawl.axe)}"


# --- the pages issue #14 reported, one test each -------------------------------------------------


@pytest.fixture()
def as_role(request, browser, expo_server, role_states, screenshot_dir):
    """as_role(role) -> a page in a fresh context logged in as `role`, at 1,280 px."""
    contexts = []

    def open_page(role: str) -> Page:
        context = role_context(browser, expo_server.base_url, role_states, role, DESKTOP)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        if request.node.stash.get(CALL_REPORT, None) is not None and request.node.stash[CALL_REPORT].failed:
            for number, page in enumerate(context.pages):
                page.screenshot(path=str(screenshot_dir / f"failed-{request.node.name}-{number}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("exhibitor owner", f"/booths/{DEMO_BOOTH}/catalogue"),  # was 1,028 px wide
        ("organizer", f"/editions/{EDITION}/organize/sessions/1/registrants"),  # 1,025 px
        ("organizer", f"/editions/{EDITION}/pavilions/manage"),  # 700 px
        ("organizer", f"/editions/{EDITION}/organize/"),  # the programme, 624 px
        ("organizer", "/booths/review"),  # 540 px
        ("exhibitor owner", f"/exhibitors/{DEMO_COMPANY}/team"),  # 519 px
    ],
    ids=["catalogue", "registrants", "pavilion-management", "organizer-programme", "booth-review", "team"],
)
def test_a_reported_page_fits_a_phone(as_role, role, path):
    page = as_role(role)
    page.set_viewport_size(PHONE)
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert overflow_report(page) is None, f"{path} at 390 px: {overflow_report(page)}"


def test_the_registrants_buttons_are_not_cut_off_on_a_desktop(as_role):
    page = as_role("organizer")
    page.goto(f"/editions/{EDITION}/organize/sessions/1/registrants")
    table_box = page.locator("main .table-responsive")
    assert table_box.evaluate("box => box.scrollWidth <= box.clientWidth"), "the registrants table scrolls sideways"
    # The cancel button opens its confirmation (a <summary>), so it is found by its text.
    button = page.locator("main table summary", has_text="Cancel registration").first
    expect(button).to_be_visible()
    assert (
        button.bounding_box()["x"] + button.bounding_box()["width"]
        <= table_box.bounding_box()["x"] + table_box.bounding_box()["width"] + 1
    ), "the row's button is cut off by the table's edge"


def test_the_opening_hours_stay_inside_their_card(as_role):
    # The organizer's time zone (Asia/Shanghai) differs from the booth's, so the table has three columns.
    page = as_role("organizer")
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        page.goto("/booths/saigon-nonwoven-fabrics-jsc")
        card = page.locator("section.card").filter(has=page.get_by_role("heading", name="Opening hours"))
        table = card.locator("table")
        expect(table.get_by_role("columnheader", name=re.compile("Your time"))).to_be_visible()
        card_box, table_box = card.bounding_box(), table.bounding_box()
        assert table_box["x"] + table_box["width"] <= card_box["x"] + card_box["width"] + 1, (
            f"at {width['width']} px the hours table ends at {table_box['x'] + table_box['width']:.0f} px, "
            f"its card at {card_box['x'] + card_box['width']:.0f} px"
        )


def test_session_times_stay_beside_their_titles_on_the_programme(page: Page):
    page.goto(f"/editions/{EDITION}/programme")
    cards = page.locator("main .card").filter(has=page.locator("h3"))
    assert cards.count() > 5
    misplaced = page.evaluate("""() => [...document.querySelectorAll('main .card')]
        .filter(card => card.querySelector('h3')).map(card => {
          const title = card.querySelector('h3').getBoundingClientRect();
          const time = [...card.querySelectorAll('div')].find(el => /^\\d{1,2}:\\d\\d/.test(el.innerText.trim()) &&
                                                                    !el.querySelector('div'));
          const box = time.getBoundingClientRect();
          return {title: card.querySelector('h3').innerText, aside: box.left > title.right - 1,
                  level: Math.abs(box.top - title.top) < title.height};
        }).filter(found => !(found.aside && found.level)).map(found => found.title)""")
    assert not misplaced, f"at 1280 px these sessions' times are not beside their titles: {misplaced}"


@pytest.mark.parametrize("role", ["organizer", "admin", "exhibitor staff", "check-in staff"])
def test_the_signed_in_navigation_is_one_line_on_a_desktop(as_role, role):
    page = as_role(role)
    # Vietnamese and Thai have the longest labels (the check-in link names the edition).
    for language in ("en", "vi", "th"):
        page.goto(f"/?lang={language}")
        problems = [problem for problem in page.evaluate(DESKTOP_JS) if "navigation" in problem]
        assert not problems, f"{language}: {problems}"


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS_RING_JS = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {element: el.outerHTML.slice(0, 80), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          colour: style.outlineColor, inNav: !!el.closest('nav.navbar'), inHero: !!el.closest('.expo-hero'),
          inMain: !!el.closest('main')};
}"""
# The gradients' stops: the bar (--expo-primary-dark to --expo-primary) and the home page's hero.
NAVBAR_BACKGROUNDS = ("rgb(10, 68, 81)", "rgb(15, 94, 110)")
HERO_BACKGROUNDS = ("rgb(15, 94, 110)", "rgb(20, 122, 140)")


def test_the_keyboard_focus_ring_is_visible_in_the_navigation_and_on_the_page(as_role):
    page = as_role("organizer")
    page.goto("/")
    rings = []
    for _ in range(40):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING_JS)
        if ring["inNav"] or ring["inMain"]:
            rings.append(ring)
        if ring["inMain"] and not ring["inHero"]:
            break
    assert any(ring["inNav"] for ring in rings) and any(ring["inHero"] for ring in rings), rings
    assert rings[-1]["inMain"] and not rings[-1]["inHero"], rings
    for ring in rings:
        backgrounds = (
            NAVBAR_BACKGROUNDS if ring["inNav"] else HERO_BACKGROUNDS if ring["inHero"] else ("rgb(255, 255, 255)",)
        )
        assert ring["style"] != "none" and ring["width"] >= 2, f"no focus ring on {ring['element']}: {ring}"
        worst = min(contrast(ring["colour"], background) for background in backgrounds)
        assert worst >= 3, f"the focus ring of {ring['element']} is {worst:.2f}:1 against its background (3:1 needed)"
