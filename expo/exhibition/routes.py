"""The online exhibition for visitors: its front door, search across booths and products, and
what search engines read (the sitemap and robots.txt)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.numbers import format_decimal
from flask import Blueprint, Response, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from expo.content_languages import language_name
from expo.db_types import utcnow
from expo.editions.services import featured_edition
from expo.exhibition import services, sitemap
from expo.exhibition.filter_options import filter_options
from expo.exhibition.forms import SORT_LABELS, SearchForm
from expo.exhibition.front_door import front_door
from expo.i18n import catalogue, catalogue_of
from expo.lib.pagination import requested_page
from expo.page_cache import cached_page

bp = Blueprint("exhibition", __name__)

# A sitemap changes when exhibitors publish; crawlers and proxies may keep it this long (seconds).
SITEMAP_MAX_AGE = 3600


@bp.route("/exhibition")
def show_exhibition():
    today = date.today()
    edition = featured_edition(today)
    door = front_door(edition, today, utcnow()) if edition else None
    return render_template(
        "exhibition/exhibition.html",
        edition=edition,
        door=door,
        live=door is not None and door.live,
        today=today,
        countries=filter_options().countries,
        newest=services.newest_booths(),
        top_categories=services.top_categories(),
    )


@bp.app_template_filter("result_count")
def result_count(count: services.ResultCount | int) -> str:
    """'1,234', or '1,000+' when there are more than the search counts."""
    value, more = (count, False) if isinstance(count, int) else (count.value, count.more)
    _translations, locale = catalogue()
    return _count_text(value, more, str(locale))


@lru_cache(maxsize=4096)
def _count_text(value: int, more: bool, language: str) -> str:
    # A search page shows some 25 counts, none past RESULT_LIMIT: Babel took some 0.5 ms of its CPU
    # to format them. Kept while the process runs, as catalogues and Babel's data never change.
    number = format_decimal(value, locale=language)
    return catalogue_of(language).ugettext("%(number)s+") % {"number": number} if more else number


@bp.app_template_filter("language_name")
def language_name_filter(code: str) -> str:
    return language_name(code)


@bp.route("/search")
@cached_page
def search():
    options = filter_options()
    form = SearchForm(options, formdata=request.args if request.args else MultiDict())
    form.validate()
    results = services.search(form.criteria(page=requested_page()))
    return render_template(
        "exhibition/search.html",
        form=form,
        results=results,
        sort_labels=SORT_LABELS,
        tab_links={kind: _tab_link(kind) for kind in services.KINDS},
        filter_link=_filter_link,
    )


def _tab_link(kind: str) -> str:
    """The same search on the other tab: filters kept, page reset, a sort the tab lacks dropped."""
    args = {key: value for key, value in request.args.items() if key not in ("page", "type") and value}
    if args.get("sort") not in services.SORTS[kind]:
        args.pop("sort", None)
    return url_for("exhibition.search", type=kind, **args)


def _filter_link(name: str, value: str | None) -> str:
    """The same search with the filter ``name`` set to ``value`` (or removed: None), from page one."""
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    args.pop(name, None)
    if value:
        args[name] = value
    return url_for("exhibition.search", **args)


@bp.route("/sitemap.xml")
def sitemap_index():
    return _xml(sitemap.index_document())


@bp.route("/sitemaps/<any(pages, booths, products, programme):section>-<int:number>.xml")
def sitemap_section(section: str, number: int):
    document = sitemap.section_document(section, number)
    if document is None:
        abort(404)
    return _xml(document)


@bp.route("/robots.txt")
def robots_txt():
    return Response(
        sitemap.robots_txt(), mimetype="text/plain", headers={"Cache-Control": f"public, max-age={SITEMAP_MAX_AGE}"}
    )


def _xml(document: str) -> Response:
    return Response(
        document, mimetype="application/xml", headers={"Cache-Control": f"public, max-age={SITEMAP_MAX_AGE}"}
    )
