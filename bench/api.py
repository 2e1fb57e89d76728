"""The JSON API's public product list and search at volume (10,000 booths, 100,000 products), on
SQLite and on PostgreSQL, and what an ETag revalidation saves.

The volume is exhibition_search's (the same generator, seed and searches, asked of /api/v1/search
and /api/v1/products instead of /search). Requests are timed inside the Flask app through the test
client (server-side: routing, token-less public reads, queries, serialising; no network). Then, for
a few of them, the same request with the ETag it was answered with in If-None-Match: a 304 is
decided from the ids found and their last-change times, before any product card is loaded or any
JSON written, and the benchmark reports both. Answers are checked (200, only published booths'
products, the filters obeyed, 304 with no body); a wrong answer fails the run, a slow one is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask

from bench.database import DEFAULT_DATABASE_URL, bench_database_url
from bench.exhibition_search import (
    BOOTHS,
    PRODUCTS,
    SEED,
    Case,
    Timings,
    build_app,
    load_volume_elsewhere,
    search_cases,
    summary,
)
from bench.results import machine, write
from expo import freeze_startup_objects
from expo.extensions import db

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "api.json"
REPEAT = 40
TARGET_MS = 50.0
PER_PAGE = 24  # the search's page: expo.exhibition.services.PER_PAGE


def api_cases(app: Flask) -> list[Case]:
    """exhibition_search's searches as API requests (a page number becomes the cursor the API would
    have handed out), and the product list with the same filters."""
    from expo.api.core import encode_cursor

    cases = []
    with app.test_request_context():
        for case in search_cases(app):
            args = dict(case.args)
            page = args.pop("page", None)
            if page:
                args["cursor"] = encode_cursor([int(page)])
            cases.append(Case(f"search: {case.name}", args))
            if "q" not in args and args.get("type") != "booths":
                cases.append(Case(f"product list: {case.name}", {**args, "list": "1"}))
    return cases


def path_of(case: Case) -> str:
    args = dict(case.args)
    if args.pop("list", None):
        return "/api/v1/products?" + urlencode(args)
    return "/api/v1/search?" + urlencode(args)


def check(app: Flask, case: Case, path: str) -> list[str]:
    from expo.booths.models import Booth
    from expo.catalog.models import Product

    client = app.test_client()
    response = client.get(path)
    if response.status_code != 200:
        return [f"{case.name}: answered {response.status_code}"]
    body = response.get_json()
    products = body.get("items") if "items" in body else body.get("products")
    problems = []
    if products is not None:
        if not products:
            problems.append(f"{case.name}: no products")
        with app.app_context():
            rows = db.session.execute(
                db.select(Product.id, Booth.status, Booth.country)
                .join(Booth, Booth.id == Product.booth_id)
                .where(Product.id.in_([item["id"] for item in products]))
            ).all()
            db.session.remove()
        if len(rows) != len(products) or any(status != Booth.Status.PUBLISHED for _id, status, _c in rows):
            problems.append(f"{case.name}: an unpublished booth's product was listed")
        if case.args.get("country") and any(country != case.args["country"] for _id, _s, country in rows):
            problems.append(f"{case.name}: a product from another country")
    elif not body.get("booths"):
        problems.append(f"{case.name}: no booths")
    etag = response.headers.get("ETag")
    again = client.get(path, headers={"If-None-Match": etag or ""})
    if not etag or again.status_code != 304 or again.get_data():
        problems.append(f"{case.name}: revalidating with its ETag answered {again.status_code}, not an empty 304")
    return problems


def time_paths(app: Flask, paths: Sequence[str], repeat: int, *, revalidate: bool = False) -> list[Timings]:
    """Each path ``repeat`` times in interleaved rounds; ``revalidate``: with the ETag of its first answer."""
    import time

    client = app.test_client()
    headers = []
    for path in paths:
        first = client.get(path)  # warm, and the ETag to send back
        headers.append({"If-None-Match": first.headers["ETag"]} if revalidate else {})
    timings = [Timings([], []) for _path in paths]
    expected = 304 if revalidate else 200
    for _round in range(repeat):
        for path, timing, sent in zip(paths, timings, headers):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path, headers=sent)
            timing.wall_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != expected:
                raise AssertionError(f"{path} answered {response.status_code}, not {expected}")
    return timings


def measure(app: Flask, repeat: int) -> dict[str, Any]:
    cases = api_cases(app)
    paths = [path_of(case) for case in cases]
    problems = [problem for case, path in zip(cases, paths) for problem in check(app, case, path)]
    rows, every = [], Timings([], [])
    for case, path, timings in zip(cases, paths, time_paths(app, paths, repeat)):
        every.wall_ms.extend(timings.wall_ms)
        every.cpu_ms.extend(timings.cpu_ms)
        rows.append({"case": case.name, "path": path, **summary(timings)})
    # Revalidation: the same requests, answered 304 from the ETag.
    chosen = [
        i
        for i, case in enumerate(cases)
        if case.name
        in (
            "search: popular word",
            "search: two words",
            "search: no words, a country",
            "product list: no words, everything",
            "product list: no words, a category by order",
        )
    ]
    fresh = time_paths(app, [paths[i] for i in chosen], repeat)
    revalidated = time_paths(app, [paths[i] for i in chosen], repeat, revalidate=True)
    etags = [
        {"case": cases[i].name, "200": summary(full), "304": summary(short)}
        for i, full, short in zip(chosen, fresh, revalidated)
    ]
    overall = summary(every)
    return {
        "requests": rows,
        "overall": overall,
        "target_met": overall["p95"] <= TARGET_MS,
        "slowest_case_p95": max(row["p95"] for row in rows),
        "etag": etags,
        "problems": problems,
    }


def run_one(url: str, *, booths: int, products: int, seed: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="expo-bench-api-") as instance:
        if url == "sqlite":
            url = f"sqlite:///{Path(instance) / 'bench.sqlite'}"
        app = build_app(url, instance)
        # Many requests from one address: the per-address limit is not what is measured here.
        app.config["API_RATE_LIMIT"] = "1000000 per minute"
        freeze_startup_objects()
        with app.app_context():
            engine = db.engine
            with engine.connect():
                server = f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"
        generate_seconds = load_volume_elsewhere(url, instance, booths, products, seed)
        result = measure(app, repeat)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {"database": server, "generate_seconds": round(generate_seconds, 1), **result}


def run(
    database_url: str | None = None,
    *,
    databases: Sequence[str] = ("sqlite", "postgresql"),
    booths: int = BOOTHS,
    products: int = PRODUCTS,
    seed: int = SEED,
    repeat: int = REPEAT,
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    before_load = os.getloadavg()[0]
    reports = []
    for database in databases:
        if database == "sqlite":
            url = "sqlite"
        else:
            url = bench_database_url(database_url)
        reports.append(run_one(url, booths=booths, products=products, seed=seed, repeat=repeat))
    report = {
        "benchmark": "api",
        **machine(before_load),
        "booths": booths,
        "products": products,
        "repeat": repeat,
        "target_ms": TARGET_MS,
        "databases": reports,
        "correct": all(not r["problems"] for r in reports),
    }
    write(results_path, report)
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        (
            f"api: {report['booths']} booths, {report['products']} products, {report['repeat']} requests a case, "
            f"{report['cpus']} CPUs"
        )
    ]

    def cells(row):
        return f"{row['p50']:.1f}", f"{row['p95']:.1f}", f"{row['max']:.1f}", f"{row['cpu_p50']:.1f}"

    for database in report["databases"]:
        lines += ["", f"{database['database']}: generated in {database['generate_seconds']} s"]
        rows = [("case", "p50 ms", "p95 ms", "max ms", "CPU p50 ms", "target")]
        for row in database["requests"]:
            rows.append((row["case"], *cells(row), "met" if row["p95"] <= TARGET_MS else "MISSED"))
        rows.append(("every request", *cells(database["overall"]), "met" if database["target_met"] else "MISSED"))
        for row in database["etag"]:
            rows.append((f"{row['case']}: 200", *cells(row["200"]), ""))
            rows.append((f"{row['case']}: 304 (If-None-Match)", *cells(row["304"]), ""))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        table = [
            " ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))
            )
            for row in rows
        ]
        table.insert(1, " ".join("-" * width for width in widths))
        lines.extend(table)
        lines.extend(f"WRONG: {problem}" for problem in database["problems"])
    lines += [
        "",
        (
            f"target: p95 <= {TARGET_MS:.0f} ms server-side; load average {report['load_average'][0]:.1f} "
            f"before, {report['load_average'][1]:.1f} after"
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.splitlines()[0])
    parser.add_argument("--booths", type=int, default=BOOTHS)
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed requests per case")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both (default)")
    parser.add_argument("--database-url", help=f"PostgreSQL; default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}")
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
    )
    print(format_report(report))
    print(f"written to {RESULTS_PATH}")
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
