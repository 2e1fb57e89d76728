"""Every public page, with the demo data, in every shipped language, without an untranslated message.

The pages are found by walking the site's links as a visitor who is not signed in, from the home
page (at most a few addresses per kind of page), so a new public page is covered once something links
to it. Each page is then fetched in every language of expo.i18n.LANGUAGES but English, and each text
on it (text nodes and the title, placeholder, aria-label and alt attributes) is compared with that
language's catalogue: a text that is exactly an English msgid (placeholders standing for anything)
whose translation differs means a message went out untranslated. Text inside an element marked
with another lang="" (a record shown in its own language, the language picker's own names) is
content, not interface, and is skipped.
"""

from __future__ import annotations

import re
from collections import deque
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from expo.demo.seed import load_demo_data
from expo.extensions import db
from expo.i18n import LANGUAGES, language_tag
from tests.conftest import empty_the_database
from tests.unit.test_translations import HOW_TO_FIX, NAMED_PLACEHOLDER, po_file

PAGES_PER_ENDPOINT = 2
MAX_PAGES = 80
SKIPPED_PREFIXES = ("/static/", "/media/", "/uploads/", "/healthz", "/dev/")
CHECKED_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return SPACE.sub(" ", text).strip()


class _Texts(HTMLParser):
    """The page's texts in its own language, and its same-site links."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_tag = page_tag
        self.stack: list[tuple[str, bool]] = []  # (tag, is foreign or script)
        self.texts: list[str] = []
        self.links: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "html":
            self.page_tag = attributes.get("lang", self.page_tag)
        foreign = "lang" in attributes and attributes["lang"] != self.page_tag
        skip = foreign or tag in ("script", "style")
        if not (skip or self._skipping()):
            self.texts.extend(_normal(attributes[name]) for name in CHECKED_ATTRIBUTES if attributes.get(name))
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(_normal(attributes["value"]))
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = _normal(data)
        if text and not self._skipping():
            self.texts.append(text)


def _parse(html: str, page_tag: str) -> _Texts:
    parser = _Texts(page_tag)
    parser.feed(html)
    return parser


@cache
def _untranslated_patterns(language: str):
    """English msgids whose translation differs: exact texts, and patterns for those with placeholders."""
    with po_file(language).open("rb") as fileobj:
        catalog = read_po(fileobj, locale=language)
    exact: set[str] = set()
    patterns: list[tuple[str, re.Pattern]] = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for msgid in ids:
            english = _normal(msgid.replace("%%", "%"))
            if not re.search(r"[A-Za-z]{2}", english) or english in (_normal(s) for s in strings):
                continue
            if NAMED_PLACEHOLDER.search(english) or "%(" in english:
                parts = NAMED_PLACEHOLDER.split(english)
                literal = max(parts, key=len)
                if len(literal.strip()) < 12 or len(literal.split()) < 3:
                    # "%(low)s – %(high)s", "from %(price)s": too little English to tell a message
                    # from a company's own words that happen to start the same way.
                    continue
                regex = ".+?".join(re.escape(part) for part in parts)
                patterns.append((literal, re.compile(regex)))
            else:
                exact.add(english)
    return frozenset(exact), tuple(patterns)


def untranslated(html: str, language: str) -> list[str]:
    exact, patterns = _untranslated_patterns(language)
    found = []
    for text in _parse(html, language_tag(language)).texts:
        if text in exact:
            found.append(text)
            continue
        for literal, pattern in patterns:
            if literal in text and pattern.fullmatch(text):
                found.append(text)
                break
    return found


def public_pages(app, client) -> list[str]:
    """Same-site pages a visitor reaches by following links from the home page."""
    adapter = app.url_map.bind("expo.test")
    per_endpoint: dict[str, int] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    pages = []
    while queue and len(pages) < MAX_PAGES:
        address = queue.popleft()
        if address in seen:
            continue
        seen.add(address)
        try:
            endpoint, _values = adapter.match(urlsplit(address).path, method="GET")
        except Exception:  # noqa: BLE001 - not a page of ours (or not a GET)
            continue
        if per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
            continue
        response = client.get(address)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        pages.append(address)
        for link in _parse(response.get_data(as_text=True), "en").links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith(SKIPPED_PREFIXES):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


@pytest.fixture(scope="module")
def demo_site(app):
    with app.test_request_context("/"):
        load_demo_data()
        db.session.commit()
    client = app.test_client()
    yield client, public_pages(app, client)
    empty_the_database(app)


@pytest.fixture(autouse=True)
def _clean_state(app):
    """The demo data is loaded once for the module (demo_site empties the tables after its last
    test): the suite's cleaning after every test would remove it."""
    app.extensions["expo.recorded_tasks"].clear()
    yield


def test_the_walk_reaches_the_public_pages(demo_site):
    _client, pages = demo_site
    paths = {urlsplit(page).path for page in pages}
    assert {"/", "/exhibition", "/editions/", "/login"} <= paths, paths
    assert any(path.startswith("/booths/") for path in paths), paths
    assert len(pages) >= 15, pages


def test_the_check_finds_english_on_an_english_page(demo_site):
    """Guards the check itself: English pages are full of msgids a Chinese page must translate."""
    client, _pages = demo_site
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert len(untranslated(english, "zh")) >= 10


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_public_page_in_every_language(demo_site, language):
    client, pages = demo_site
    problems = []
    for page in pages:
        response = client.get(page, headers={"Accept-Language": language})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert f'<html lang="{language_tag(language)}"' in html, page
        for text in sorted(set(untranslated(html, language))):
            problems.append(f"  {page}: {text!r}")
    assert not problems, (
        f"{len(problems)} English message(s) on {LANGUAGES[language]} ({language}) public pages: each is "
        f"a catalogue msgid whose translation differs, so the page did not translate it (a string not "
        f"marked for translation, or translated before the language was chosen):\n"
        + "\n".join(problems)
        + "\n\n"
        + HOW_TO_FIX
    )
