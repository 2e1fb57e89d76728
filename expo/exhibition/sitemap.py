"""What search engines are told: the sitemap (an index of child sitemaps of at most 50,000 URLs
each) of every public page, and robots.txt.

Built from Core selects of the few columns a URL needs, never from ORM objects: 100,000 products
are 100,000 tuples of two slugs and a date. URLs are made by filling a pattern the router built
once per section, not by asking the router for each of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy import Select, func, literal, select, union_all

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession, Speaker
from expo.lib.ranges import MAX_INT64
from expo.lib.urls import external_url

# The sitemaps protocol's limit per file.
URLS_PER_SITEMAP = 50_000
SECTIONS = ("pages", "booths", "products", "programme")
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class UrlPattern:
    """An endpoint's absolute URL, XML-escaped, with its arguments left as gaps that each call
    fills: the router's rules and BASE_URL still decide every address, at the cost of one build.

    The result goes into the XML as it is: the fixed parts are escaped once, and the arguments are
    percent-encoded, which leaves nothing to escape.
    """

    def __init__(self, endpoint: str, *names: str, numeric: Iterable[str] = ()):
        numeric = set(numeric)
        placeholders = {
            name: (str(900_000_001 + index) if name in numeric else f"zzq{index}qzz")
            for index, name in enumerate(names)
        }
        template = external_url(
            endpoint, **{name: int(value) if name in numeric else value for name, value in placeholders.items()}
        )
        # The fixed text between the arguments, in the order the URL names them.
        order = sorted(names, key=lambda name: template.index(placeholders[name]))
        self._names = order
        self._parts = [escape(part) for part in re.split("|".join(placeholders[name] for name in order), template)]

    def __call__(self, **values) -> str:
        parts = self._parts
        pieces = [parts[0]]
        for index, name in enumerate(self._names, 1):
            pieces.append(_quoted(str(values[name])))
            pieces.append(parts[index])
        return "".join(pieces)


@lru_cache(maxsize=100_000)
def _quoted(value: str) -> str:
    """One path segment, percent-encoded; slugs repeat (every product names its booth), so remembered."""
    return quote(value, safe="")


@dataclass(frozen=True)
class _Section:
    """How to count a section's URLs and list one slice of them (rows ordered for paging)."""

    count: Callable[[], tuple[int, datetime | None]]
    entries: Callable[[int, int], Iterator[tuple[str, datetime | None]]]


def _visible_editions() -> Select:
    """Editions visitors can open: published and archived ones (drafts are secret)."""
    return select(Edition.id).where(Edition.status != Edition.Status.DRAFT)


# --- booths and products -------------------------------------------------------------------------


def _count_booths() -> tuple[int, datetime | None]:
    return tuple(
        db.session.execute(
            select(func.count(Booth.id), func.max(Booth.updated_at)).where(Booth.status == Booth.Status.PUBLISHED)
        ).one()
    )


def _booth_entries(offset: int, limit: int) -> Iterator[tuple[str, datetime | None]]:
    url = UrlPattern("booths.show_booth", "slug")
    rows = db.session.execute(
        select(Booth.slug, Booth.updated_at)
        .where(Booth.status == Booth.Status.PUBLISHED)
        .order_by(Booth.id)
        .offset(offset)
        .limit(limit)
    )
    for slug, updated_at in rows:
        yield url(slug=slug), updated_at


# Booth by booth, each booth's products from the index ix_products_sitemap alone (the rows
# themselves, with their descriptions, are a hundred times larger).


def _count_products() -> tuple[int, datetime | None]:
    return tuple(
        db.session.execute(
            select(func.count(), func.max(Product.updated_at))
            .select_from(Booth)
            .join(Product, Product.booth_id == Booth.id)
            .where(Booth.status == Booth.Status.PUBLISHED)
        ).one()
    )


def _product_entries(offset: int, limit: int) -> Iterator[tuple[str, datetime | None]]:
    url = UrlPattern("catalog.show_product", "slug", "product_slug")
    rows = db.session.execute(
        select(Booth.slug, Product.slug, Product.updated_at)
        .select_from(Booth)
        .join(Product, Product.booth_id == Booth.id)
        .where(Booth.status == Booth.Status.PUBLISHED)
        .order_by(Booth.id, Product.slug)
        .offset(offset)
        .limit(limit)
    )
    for booth_slug, product_slug, updated_at in rows:
        yield url(slug=booth_slug, product_slug=product_slug), updated_at


# --- the site's own pages and the programme ------------------------------------------------------


FIXED_PAGES = ("core.home", "exhibition.show_exhibition", "editions.list_editions")


def _page_rows() -> Select:
    """(edition slug, pavilion slug or "", the edition's last change) for every visible edition
    and each of its pavilions, edition by edition."""
    editions = select(
        Edition.slug.label("edition"),
        literal("").label("pavilion"),
        Edition.updated_at.label("lastmod"),
        Edition.id.label("edition_id"),
        literal(0).label("pavilion_id"),
    ).where(Edition.id.in_(_visible_editions()))
    pavilions = (
        select(Edition.slug, Pavilion.slug, Edition.updated_at, Edition.id, Pavilion.id)
        .join(Edition, Edition.id == Pavilion.edition_id)
        .where(Edition.id.in_(_visible_editions()))
    )
    return union_all(editions, pavilions)


def _count_pages() -> tuple[int, datetime | None]:
    rows = _page_rows().subquery()
    count, editions, lastmod = db.session.execute(
        select(func.count(), func.count(func.nullif(rows.c.pavilion_id, 0)), func.max(rows.c.lastmod))
    ).one()
    editions = count - editions
    # Each edition has its page, the programme and the pavilion hall; each pavilion its page.
    return len(FIXED_PAGES) + count + 2 * editions, lastmod


def _page_entries(offset: int, limit: int) -> Iterator[tuple[str, datetime | None]]:
    def every() -> Iterator[tuple[str, datetime | None]]:
        for endpoint in FIXED_PAGES:
            yield escape(external_url(endpoint)), None
        edition_url = UrlPattern("editions.show_edition", "slug")
        programme_url = UrlPattern("forums.show_programme", "slug")
        hall_url = UrlPattern("pavilions.list_pavilions", "slug")
        pavilion_url = UrlPattern("pavilions.show_pavilion", "slug", "pavilion_slug")
        rows = _page_rows().subquery()
        for edition, pavilion, lastmod, _edition_id, _pavilion_id in db.session.execute(
            select(rows).order_by(rows.c.edition_id, rows.c.pavilion_id)
        ):
            if pavilion:
                yield pavilion_url(slug=edition, pavilion_slug=pavilion), None
            else:
                yield edition_url(slug=edition), lastmod
                yield programme_url(slug=edition), None
                yield hall_url(slug=edition), None

    for index, entry in enumerate(every()):
        if index >= offset + limit:
            break
        if index >= offset:
            yield entry


def _programme_rows() -> Select:
    """(kind, edition slug, forum slug, id) for the forums, sessions and speakers of visible
    editions. None of them records its last change, so their URLs go without a lastmod."""
    visible = _visible_editions()
    forums = (
        select(
            literal(0).label("kind"),
            Edition.slug.label("edition"),
            Forum.slug.label("forum"),
            Forum.id.label("item_id"),
        )
        .join(Edition, Edition.id == Forum.edition_id)
        .where(Edition.id.in_(visible))
    )
    sessions = (
        select(literal(1), Edition.slug, literal(""), ProgrammeSession.id)
        .join(Forum, Forum.id == ProgrammeSession.forum_id)
        .join(Edition, Edition.id == Forum.edition_id)
        .where(Edition.id.in_(visible))
    )
    speakers = (
        select(literal(2), Edition.slug, literal(""), Speaker.id)
        .join(Edition, Edition.id == Speaker.edition_id)
        .where(Edition.id.in_(visible))
    )
    return union_all(forums, sessions, speakers)


def _count_programme() -> tuple[int, datetime | None]:
    return db.session.scalar(select(func.count()).select_from(_programme_rows().subquery())), None


def _programme_entries(offset: int, limit: int) -> Iterator[tuple[str, datetime | None]]:
    forum_url = UrlPattern("forums.show_forum", "slug", "forum_slug")
    session_url = UrlPattern("forums.show_session", "slug", "session_id", numeric=["session_id"])
    speaker_url = UrlPattern("forums.show_speaker", "slug", "speaker_id", numeric=["speaker_id"])
    rows = _programme_rows().subquery()
    for kind, edition, forum, item_id in db.session.execute(
        select(rows).order_by(rows.c.kind, rows.c.item_id).offset(offset).limit(limit)
    ):
        if kind == 0:
            yield forum_url(slug=edition, forum_slug=forum), None
        elif kind == 1:
            yield session_url(slug=edition, session_id=item_id), None
        else:
            yield speaker_url(slug=edition, speaker_id=item_id), None


SECTION_SOURCES = {
    "pages": _Section(_count_pages, _page_entries),
    "booths": _Section(_count_booths, _booth_entries),
    "products": _Section(_count_products, _product_entries),
    "programme": _Section(_count_programme, _programme_entries),
}


# --- the documents -------------------------------------------------------------------------------


def _lastmod(value: datetime | None) -> str:
    return f"<lastmod>{value.isoformat(timespec='seconds')}</lastmod>" if value is not None else ""


def index_document() -> str:
    """The sitemap index: every section, in as many numbered parts as it needs."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">']
    for section in SECTIONS:
        count, lastmod = SECTION_SOURCES[section].count()
        for number in range(1, math.ceil(count / URLS_PER_SITEMAP) + 1):
            location = external_url("exhibition.sitemap_section", section=section, number=number)
            parts.append(f"<sitemap><loc>{escape(location)}</loc>{_lastmod(lastmod)}</sitemap>")
    parts.append("</sitemapindex>\n")
    return "\n".join(parts)


def section_document(section: str, number: int) -> str | None:
    """One child sitemap, or None when the section has no such part."""
    offset = (number - 1) * URLS_PER_SITEMAP
    if section not in SECTION_SOURCES or number < 1 or offset > MAX_INT64:
        return None  # a part so far on that its offset would overflow the database
    entries = list(SECTION_SOURCES[section].entries(offset, URLS_PER_SITEMAP))
    if not entries and number > 1:
        return None
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}">']
    parts.extend(f"<url><loc>{url}</loc>{_lastmod(lastmod)}</url>" for url, lastmod in entries)
    parts.append("</urlset>\n")
    return "\n".join(parts)


# --- robots.txt ----------------------------------------------------------------------------------

# A path segment that opens one of these is never for search engines: accounts and sign-in,
# organizers' and exhibitors' tools, editors, check-in, private feeds, the development pages, and
# the site search (endless combinations of one catalogue).
PRIVATE_SEGMENTS = frozenset(
    {
        "account",
        "admin",
        "login",
        "logout",
        "signup",
        "reset",
        "confirm",
        "language",
        "my",
        "calendar",
        "registrations",
        "dev",
        "organize",
        "checkin",
        "manage",
        "edit",
        "new",
        "apply",
        "mine",
        "review",
        "team",
        "application",
        "invitations",
        "register",
        "enrol",
        "leave",
        "search",
    }
)
_CONVERTER = re.compile(r"<[^>]+>")


def disallowed_paths() -> list[str]:
    """Robots patterns (``*`` for any segment) for every page whose path has a private segment:
    routes added later are covered as soon as their path says what they are."""
    patterns: set[str] = set()
    for rule in current_app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        segments = rule.rule.split("/")
        for position, segment in enumerate(segments):
            if _CONVERTER.sub("", segment).split(".")[0] in PRIVATE_SEGMENTS and not _CONVERTER.search(segment):
                patterns.add("/".join(_CONVERTER.sub("*", part) for part in segments[: position + 1]))
                break
    # A pattern already covered by a shorter one adds nothing.
    return sorted(
        pattern
        for pattern in patterns
        if not any(other != pattern and pattern.startswith(other + "/") for other in patterns)
    )


def robots_txt() -> str:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["", f"Sitemap: {external_url('exhibition.sitemap_index')}", ""]
    return "\n".join(lines)
