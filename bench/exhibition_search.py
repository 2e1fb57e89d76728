"""Exhibition search at volume: 10,000 booths and 100,000 products, on SQLite and on PostgreSQL.

Builds the volume with the generator (`flask expo generate-exhibition`) in a temporary SQLite file
and in a disposable PostgreSQL database, then times requests inside the Flask app through the test
client (server-side: routing, queries, rendering; no network): searches of every kind, a booth
page with 50 products and a product page. Checks that the answers are right as well (only
published booths, filters and sorts obeyed); a wrong answer fails the run, a slow one is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, load_in_child, rebuild_schema
from bench.registration_race import percentile
from bench.results import machine, write
from expo import freeze_startup_objects
from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product
from expo.demo.volume import generate_exhibition
from expo.editions.models import Edition, Pavilion
from expo.exhibition import services
from expo.exhibition.filter_options import filter_options
from expo.extensions import db

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "exhibition_search.json"
BOOTHS, PRODUCTS, SEED = 10_000, 100_000, 1
# Enough requests that p95 is not simply the slowest one.
REPEAT = 40
SEARCH_TARGET_MS = 50.0
# Statements a search page may run whatever it matches (relevance, the other tab's count, facets,
# cards, response times, the session's user): more means a query per row crept in.
MAX_SEARCH_STATEMENTS = 12


@dataclass(frozen=True)
class Case:
    name: str
    args: dict[str, Any]


def build_app(sqlalchemy_url: str, instance_path: str) -> Flask:
    from expo import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-to-pass",
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url,
            "TASKS_RECORD_ONLY": True,
            "MAIL_SERVER": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOG_LEVEL": "WARNING",
            "BASE_URL": "https://expo.example",
            # Every request is rendered: a search asked again within the minute would otherwise be
            # answered from the anonymous page cache, and the timings would be the cache's.
            "PAGE_CACHE": False,
        },
        instance_path=instance_path,
    )


def load_volume(app: Flask, booths: int, products: int, seed: int) -> float:
    """Fresh tables, then the generated exhibition; the seconds the generator took."""
    with app.app_context():
        rebuild_schema()
        started = time.perf_counter()
        generate_exhibition(booths=booths, products=products, seed=seed)
        db.session.commit()
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon after a bulk load: visibility map and statistics current.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        db.session.remove()
    return seconds


def _load_in_child(url: str, instance: str, booths: int, products: int, seed: int, results) -> None:
    results.put(load_volume(build_app(url, instance), booths, products, seed))


def load_volume_elsewhere(url: str, instance: str, booths: int, products: int, seed: int) -> float:
    """load_volume in a process of its own: a web server never built 100,000 products in its own
    memory, and measured in the process that did, every request cost some 5 ms more CPU (a heap
    grown and fragmented by the load)."""
    return load_in_child(_load_in_child, url, instance, booths, products, seed, what="the volume")


def search_cases(app: Flask) -> list[Case]:
    """Representative searches, with filter values read from the generated data."""
    with app.app_context():
        edition = db.session.scalars(select(Edition).order_by(Edition.starts_on.desc())).first()
        pavilion = db.session.scalars(
            select(Pavilion).where(Pavilion.edition_id == edition.id, Pavilion.kind == Pavilion.THEMED)
        ).first()
        # A rare word: the model code one product mentions ("Model AB-1234.").
        rare = db.session.scalar(
            select(Product.description)
            .join(Booth)
            .where(Booth.status == Booth.Status.PUBLISHED, Product.description.like("%Model %"))
            .order_by(Product.id)
            .limit(1)
        )
        model_code = rare.split("Model ", 1)[1].split(".")[0]
        db.session.remove()
    return [
        Case("popular word", {"q": "medical"}),
        Case("popular word 2", {"q": "rice"}),
        Case("prefix while typing", {"q": "glov"}),
        Case("rare word", {"q": "moxibustion"}),
        Case("rare model code", {"q": model_code}),
        Case("two words", {"q": "nitrile gloves"}),
        Case("two related words", {"q": "tropical fruit"}),
        Case("product and country", {"q": "vietnam coffee"}),
        Case("Chinese word", {"q": "口罩"}),
        Case("Chinese category", {"q": "医疗用品"}),
        Case("Chinese: gloves", {"q": "手套"}),
        Case("Chinese: mask machine", {"q": "口罩机"}),
        Case("Chinese: two words", {"q": "冷冻 榴莲"}),
        Case("Chinese: rare", {"q": "罗汉果"}),
        Case("Thai: gloves", {"q": "ถุงมือ"}),
        Case("Thai: durian", {"q": "ทุเรียน"}),
        Case("Thai: jasmine rice", {"q": "ข้าวหอมมะลิ"}),
        Case("Thai: rare", {"q": "หล่อฮังก๊วย"}),
        Case("Thai, sorted by name", {"q": "ทุเรียน", "sort": "name"}),
        Case("language filter", {"q": "mask", "language": "th"}),
        Case("language filter, no words", {"language": "th", "country": "VN"}),
        Case("Chinese in Thailand", {"q": "榴莲", "country": "TH", "language": "zh"}),
        Case("booths: Thai word", {"q": "สมุนไพร", "type": "booths"}),
        Case("booths: Chinese word", {"q": "医疗用品", "type": "booths", "language": "zh"}),
        Case("sort newest", {"q": "medical", "sort": "newest"}),
        Case("sort name", {"q": "medical", "sort": "name"}),
        Case("sort minimum order", {"q": "medical", "sort": "min_order"}),
        Case("filters combined", {"q": "mask", "country": "CN", "moq": "1000", "category": "medical-supplies"}),
        Case("filters and edition", {"q": "durian", "country": "TH", "edition": edition.slug}),
        Case("deep page", {"q": "medical", "page": "40"}),
        Case("deep page by name", {"q": "medical", "sort": "name", "page": "42"}),
        Case("no words, a country", {"country": "VN"}),
        Case("no words, a category by order", {"category": "coffee-tea", "sort": "min_order"}),
        Case("no words, everything", {}),
        Case("booths: word", {"q": "medical", "type": "booths"}),
        Case("booths: pavilion", {"type": "booths", "pavilion": str(pavilion.id)}),
        Case("booths: by name", {"type": "booths", "sort": "name"}),
        Case("booths: category and quantity", {"type": "booths", "category": "coffee-tea", "moq": "100"}),
    ]


def check_search(app: Flask, case: Case) -> list[str]:
    """What is wrong with the page of results this search returns (empty: nothing)."""
    from werkzeug.datastructures import MultiDict

    from expo.exhibition.forms import SearchForm

    problems: list[str] = []
    with app.test_request_context("/search", query_string=case.args):
        options = filter_options()
        form = SearchForm(options, formdata=MultiDict(case.args))
        if not form.validate():
            return [f"{case.name}: the bench's own filters were refused: {form.errors}"]
        criteria = form.criteria(page=int(case.args.get("page", 1)))
        results = services.search(criteria)
        items = results.page.items
        if not items:
            problems.append(f"{case.name}: no results")
        booths = [item.booth if criteria.kind == services.PRODUCTS else item for item in items]
        if any(booth.status != Booth.Status.PUBLISHED for booth in booths):
            problems.append(f"{case.name}: an unpublished booth or its product was shown")
        if criteria.country and any(booth.country != criteria.country for booth in booths):
            problems.append(f"{case.name}: a result from another country")
        if criteria.language:
            model = Product if criteria.kind == services.PRODUCTS else Booth
            codes = db.session.scalars(select(model.language_codes).where(model.id.in_([item.id for item in items])))
            if any(criteria.language not in value.split() for value in codes):
                problems.append(f"{case.name}: a result not available in the language")
        if criteria.pavilion_id or criteria.edition_id:
            placed = {
                (row.booth_id, row.pavilion_id, row.edition_id)
                for row in db.session.execute(
                    select(BoothPlacement).where(BoothPlacement.booth_id.in_([b.id for b in booths]))
                ).scalars()
            }
            for booth in booths:
                if criteria.pavilion_id and not any(b == booth.id and p == criteria.pavilion_id for b, p, _ in placed):
                    problems.append(f"{case.name}: a booth outside the pavilion")
                if criteria.edition_id and not any(b == booth.id and e == criteria.edition_id for b, _, e in placed):
                    problems.append(f"{case.name}: a booth outside the edition")
        if criteria.kind == services.PRODUCTS:
            if criteria.category_ids and any(item.category_id not in criteria.category_ids for item in items):
                problems.append(f"{case.name}: a product outside the category")
            if criteria.order_quantity and any(
                (item.min_order_quantity or 0) > criteria.order_quantity for item in items
            ):
                problems.append(f"{case.name}: a minimum order above the quantity asked")
            keys = {
                "name": lambda p: (p.name, p.id),
                "newest": lambda p: -p.id,
                "min_order": lambda p: (p.min_order_quantity is None, p.min_order_quantity or 0, p.id),
            }
            if results.sort in keys and items != sorted(items, key=keys[results.sort]):
                problems.append(f"{case.name}: not in {results.sort} order")
            if (
                results.sort == "name"
                and criteria.page == 1
                and items
                and items[0].name != first_matching_name(criteria)
            ):
                # Past RESULT_LIMIT matches, sorting must still cover all of them, not the first found.
                problems.append(f"{case.name}: the name order skipped earlier names")
        db.session.remove()
    return problems


def first_matching_name(criteria: services.SearchCriteria) -> str | None:
    """The alphabetically first name among every published product matching the words, asked of
    the database directly (no candidate limit)."""
    from expo.exhibition.search_index import fts5_expression, parse_query, tsquery_expression

    terms = parse_query(criteria.text)
    query = (
        select(func.min(Product.name))
        .join(Booth, Booth.id == Product.booth_id)
        .where(Booth.status == Booth.Status.PUBLISHED)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.where(
            text("products.search_vector @@ to_tsquery('english'::regconfig, :q)").bindparams(
                q=tsquery_expression(terms)
            )
        )
    else:
        query = query.where(
            text("products.id IN (SELECT rowid FROM product_search WHERE product_search MATCH :q)").bindparams(
                q=fts5_expression(terms)
            )
        )
    return db.session.scalar(query)


@dataclass
class Timings:
    wall_ms: list[float]
    # CPU this process spent on each request: all of it on SQLite (the database runs in-process),
    # the app's part on PostgreSQL. On a busy machine wall time is this plus waiting for a CPU.
    cpu_ms: list[float]


def time_requests(app: Flask, path: str, repeat: int) -> Timings:
    return time_interleaved(app, [path], repeat)[0]


def statements_per_request(app: Flask, path: str) -> int:
    """How many SQL statements one request for ``path`` runs (after a warm-up request): a search's
    count stays the same whatever it matches, as tests/http/test_exhibition_pages.py asserts.

    The fewer of two requests: the filter options are read again once a minute (5 statements,
    expo/exhibition/filter_options.py), and a request that happens to be the one re-reading them
    is not what a search costs (a run failed on 8 + 5 statements)."""
    from sqlalchemy import event

    client = app.test_client()
    client.get(path)
    with app.app_context():
        engine = db.engine
    executed: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        executed.append(statement)

    counts = []
    for _request in range(2):
        executed.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(executed))
    return min(counts)


def time_interleaved(app: Flask, paths: Sequence[str], repeat: int) -> list[Timings]:
    """Each path ``repeat`` times, in rounds of one request per path: a slow spell of a shared
    machine then lands on every case a little, not on one case entirely."""
    client = app.test_client()
    for path in paths:
        client.get(path)  # warm: compiled statements, templates, the database's cache
    timings = [Timings([], []) for _path in paths]
    for _round in range(repeat):
        for path, timing in zip(paths, timings):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            timing.wall_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                raise AssertionError(f"{path} answered {response.status_code}")
    return timings


def summary(timings: Timings) -> dict[str, float]:
    wall = timings.wall_ms
    return {
        "p50": round(percentile(wall, 0.5), 1),
        "p95": round(percentile(wall, 0.95), 1),
        "max": round(max(wall), 1),
        "cpu_p50": round(percentile(timings.cpu_ms, 0.5), 1),
    }


def measure(app: Flask, repeat: int) -> dict[str, Any]:
    cases = search_cases(app)
    problems = [problem for case in cases for problem in check_search(app, case)]
    rows, every_search = [], Timings([], [])
    paths = ["/search?" + urlencode(case.args) for case in cases]
    for case, path, timings in zip(cases, paths, time_interleaved(app, paths, repeat)):
        every_search.wall_ms.extend(timings.wall_ms)
        every_search.cpu_ms.extend(timings.cpu_ms)
        with app.test_request_context():
            from werkzeug.datastructures import MultiDict

            from expo.exhibition.forms import SearchForm

            form = SearchForm(filter_options(), formdata=MultiDict(case.args))
            form.validate()
            count = services.search(form.criteria(page=int(case.args.get("page", 1)))).counts[form.kind]
            db.session.remove()
        rows.append(
            {
                "case": case.name,
                "path": path,
                "matches": f"{count.value}{'+' if count.more else ''}",
                "statements": statements_per_request(app, path),
                **summary(timings),
            }
        )
    with app.app_context():
        booth_id, slug = db.session.execute(
            select(Booth.id, Booth.slug)
            .join(Product, Product.booth_id == Booth.id)
            .where(Booth.status == Booth.Status.PUBLISHED)
            .group_by(Booth.id, Booth.slug)
            .having(func.count(Product.id) >= 50)
            .order_by(func.count(Product.id))
            .limit(1)
        ).one()
        product_slug = db.session.scalar(select(Product.slug).where(Product.booth_id == booth_id).limit(1))
        booth_products = db.session.scalar(select(func.count(Product.id)).where(Product.booth_id == booth_id))
        db.session.remove()
    pages = [
        {
            "case": f"booth page ({booth_products} products)",
            "path": f"/booths/{slug}",
            **summary(time_requests(app, f"/booths/{slug}", repeat)),
        },
        {
            "case": "product page",
            "path": f"/booths/{slug}/products/{product_slug}",
            **summary(time_requests(app, f"/booths/{slug}/products/{product_slug}", repeat)),
        },
        {"case": "sitemap index", "path": "/sitemap.xml", **summary(time_requests(app, "/sitemap.xml", 3))},
        {
            "case": "sitemap of 50,000 products",
            "path": "/sitemaps/products-1.xml",
            **summary(time_requests(app, "/sitemaps/products-1.xml", 3)),
        },
        {
            "case": "the exhibition's front door",
            "path": "/exhibition",
            **summary(time_requests(app, "/exhibition", repeat)),
        },
    ]
    overall = summary(every_search)
    most = max(row["statements"] for row in rows)
    if most > MAX_SEARCH_STATEMENTS:
        problems.append(f"a search ran {most} statements (at most {MAX_SEARCH_STATEMENTS})")
    return {
        "searches": rows,
        "pages": pages,
        "search_overall": overall,
        "search_target_met": overall["p95"] <= SEARCH_TARGET_MS,
        "slowest_case_p95": max(row["p95"] for row in rows),
        "problems": problems,
    }


def holds_volume(app: Flask, products: int) -> bool:
    """Whether the database already holds a generated volume of ``products`` products."""
    with app.app_context():
        try:
            held = db.session.scalar(select(func.count(Product.id)))
        except SQLAlchemyError:  # no tables yet
            held = None
        finally:
            db.session.remove()
    return held == products


def run_one(
    url: str, *, booths: int, products: int, seed: int, repeat: int, reuse_data: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="expo-bench-search-") as instance:
        if url == "sqlite":
            url = f"sqlite:///{Path(instance) / 'bench.sqlite'}"
        app = build_app(url, instance)
        freeze_startup_objects()  # as wsgi.py does in every server process
        with app.app_context():
            engine = db.engine
            with engine.connect():  # the version is known once connected
                server = f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"
        if reuse_data and holds_volume(app, products):
            # A million products take a quarter of an hour to make: made once, measured when quiet.
            generate_seconds = None
        else:
            generate_seconds = round(load_volume_elsewhere(url, instance, booths, products, seed), 1)
        result = measure(app, repeat)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {"database": server, "generate_seconds": generate_seconds, **result}


def run(
    database_url: str | None = None,
    *,
    databases: Sequence[str] = ("sqlite", "postgresql"),
    booths: int = BOOTHS,
    products: int = PRODUCTS,
    seed: int = SEED,
    repeat: int = REPEAT,
    reuse_data: bool = False,
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    before_load = os.getloadavg()[0]
    reports = []
    for database in databases:
        if database == "sqlite":
            url = "sqlite"
        else:
            url = bench_database_url(database_url)
        # SQLite's file lives in a temporary folder: only PostgreSQL keeps a volume between runs.
        reuse = reuse_data and database == "postgresql"
        reports.append(run_one(url, booths=booths, products=products, seed=seed, repeat=repeat, reuse_data=reuse))
    report = {
        "benchmark": "exhibition_search",
        **machine(before_load),
        "booths": booths,
        "products": products,
        "repeat": repeat,
        "search_target_ms": SEARCH_TARGET_MS,
        "databases": reports,
        "correct": all(not r["problems"] for r in reports),
    }
    write(results_path, report)
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"exhibition_search: {report['booths']} booths, {report['products']} products, "
        f"{report['repeat']} requests a case, {report['cpus']} CPUs"
    ]
    for database in report["databases"]:
        lines.append("")
        generated = database["generate_seconds"]
        lines.append(
            f"{database['database']}: "
            + (f"generated in {generated} s" if generated is not None else "the volume an earlier run made")
        )
        rows = [("case", "matches", "SQL", "p50 ms", "p95 ms", "max ms", "CPU p50 ms", "target")]

        def cells(row):
            return f"{row['p50']:.1f}", f"{row['p95']:.1f}", f"{row['max']:.1f}", f"{row['cpu_p50']:.1f}"

        for row in database["searches"]:
            rows.append(
                (
                    row["case"],
                    row["matches"],
                    str(row["statements"]),
                    *cells(row),
                    "met" if row["p95"] <= SEARCH_TARGET_MS else "MISSED",
                )
            )
        rows.append(
            (
                "every search",
                "",
                "",
                *cells(database["search_overall"]),
                "met" if database["search_target_met"] else "MISSED",
            )
        )
        for row in database["pages"]:
            rows.append((row["case"], "", "", *cells(row), ""))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        table = [
            " ".join(
                cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))
            )
            for row in rows
        ]
        table.insert(1, " ".join("-" * width for width in widths))
        lines.extend(table)
        for problem in database["problems"]:
            lines.append(f"WRONG: {problem}")
    lines.append("")
    lines.append(
        f"target: search p95 <= {SEARCH_TARGET_MS:.0f} ms server-side; load average "
        f"{report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench exhibition_search", description=__doc__.splitlines()[0])
    parser.add_argument("--booths", type=int, default=BOOTHS)
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed requests per case")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both (default)")
    parser.add_argument("--database-url", help=f"PostgreSQL; default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="PostgreSQL: measure the volume an earlier run left when it has --products products",
    )
    args = parser.parse_args(argv)
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}")
    report = run(
        args.database_url,
        databases=databases,
        booths=args.booths,
        products=args.products,
        seed=args.seed,
        repeat=args.repeat,
        reuse_data=args.reuse_data,
    )
    print(format_report(report))
    print(f"written to {RESULTS_PATH}")
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
