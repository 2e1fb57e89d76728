"""Pages as production serves them, against a Flask hello-world on the same server settings.

The demo edition plus a generated volume (2,000 booths and 20,000 products, made in a child process)
in a disposable PostgreSQL database; the app served as production serves it (``EXPO_ENV=production``,
PostgreSQL, Redis, gunicorn with 2 sync workers: the Dockerfile's flags with ``--workers 2``), and
the six-line Flask app in ``bench/hello_world.py`` on the same gunicorn settings. Each page is
loaded by ``wrk`` (Debian's package: ``apt-get install wrk``; 2 threads, 8 connections, 10 s; a
C program, so the load generator is not what limits the rate) and reported in requests per second,
its share of the hello-world's rate in the same run, and p50/p99 latency. The hello-world is
measured first and last: the machine is shared, and its two rates show how much the run drifted.

Anonymous pages are asked as a returning visitor (the cookies of a first visit: the session with
its CSRF secret, the visitor cookie) with a browser's User-Agent, so every booth and product view is
counted as a real one would be. Signed-in pages (the buyer's agenda, the exhibitor's lead inbox) are
asked with a signed-in session. Every page is fetched once before it is loaded and must answer 200
with the text it names; any non-2xx answer under load fails the run (exit status 1).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, load_in_child
from bench.results import machine, write

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "pages.json"
BOOTHS, PRODUCTS, SEED = 2_000, 20_000, 1
DURATION, CONNECTIONS, THREADS, WORKERS = 10, 8, 2, 2
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
# The Dockerfile's command, with two workers for a two-CPU machine.
GUNICORN_FLAGS = ["--workers", str(WORKERS), "--preload", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
SECRET_KEY = "bench-pages-secret-key-that-is-long-enough-0123456789"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
STARTUP_TIMEOUT = 120.0
# Targets as shares of the hello-world's rate (issue 15).
TARGETS = {"page": 0.25, "search": 0.10, "signed in": 0.08}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    kind: str  # "hello", "page", "search" or "signed in": which target applies
    expect: str  # text the page must contain
    account: str | None = None  # e-mail of the demo account that asks, or None (a visitor)


@dataclass
class Result:
    page: Page
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: list[str] = field(default_factory=list)
    # CPU the server's workers used per request while wrk ran (user + system): what the rate costs,
    # read from /proc, so a busy machine changes it much less than it changes the rates.
    cpu_ms_per_request: float | None = None


# --- the data ------------------------------------------------------------------------------------


def _build_app(url: str, instance: str):
    from expo import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": url,
            "TASKS_RECORD_ONLY": True,
            "MAIL_SERVER": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOG_LEVEL": "WARNING",
        },
        instance_path=instance,
    )


def _load(url: str, instance: str, booths: int, products: int, seed: int, results) -> None:
    from sqlalchemy import text

    from bench.database import rebuild_schema
    from expo.demo.seed import load_demo_data
    from expo.demo.volume import generate_exhibition
    from expo.extensions import db

    app = _build_app(url, instance)
    with app.app_context():
        rebuild_schema()
        started = time.perf_counter()
        load_demo_data()
        db.session.commit()
        generate_exhibition(booths=booths, products=products, seed=seed)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        results.put(time.perf_counter() - started)


def load_data(url: str, instance: str, booths: int, products: int, seed: int) -> float:
    """The demo and the volume, made in a process of its own (no server process ever holds it)."""
    return load_in_child(_load, url, instance, booths, products, seed, what="the data")


def choose_pages(url: str, instance: str) -> list[Page]:
    """The addresses, read from the loaded data: the demo booth (8 products), a generated booth with
    50, one of its products, the demo programme, its fullest pavilion, a search."""
    from sqlalchemy import func, select

    from expo.booths.models import Booth, BoothPlacement
    from expo.catalog.models import Product
    from expo.editions.models import Edition, Pavilion
    from expo.extensions import db

    app = _build_app(url, instance)
    with app.app_context():
        demo = db.session.scalar(select(Booth).where(Booth.slug == "nanning-mask-machinery"))
        demo_products = db.session.scalar(select(func.count()).where(Product.booth_id == demo.id))
        counts = (
            select(Product.booth_id, func.count().label("n"))
            .group_by(Product.booth_id)
            .having(func.count() >= 50)
            .subquery()
        )
        big = db.session.scalars(
            select(Booth)
            .join(counts, counts.c.booth_id == Booth.id)
            .where(Booth.status == Booth.Status.PUBLISHED)
            .order_by(counts.c.n, Booth.id)
        ).first()
        big_products = db.session.scalar(select(func.count()).where(Product.booth_id == big.id))
        product = db.session.scalars(select(Product).where(Product.booth_id == big.id).order_by(Product.id)).first()
        edition = db.session.scalar(select(Edition).where(Edition.slug == "18th-caexpo"))
        pavilion = db.session.scalars(
            select(Pavilion)
            .join(BoothPlacement, BoothPlacement.pavilion_id == Pavilion.id)
            .where(Pavilion.edition_id == edition.id)
            .group_by(Pavilion.id)
            .order_by(func.count().desc(), Pavilion.id)
        ).first()
        pages = [
            Page("home", "/", "page", edition.name),
            Page(f"booth ({demo_products} products)", f"/booths/{demo.slug}", "page", demo.company.name),
            Page(f"booth ({big_products} products)", f"/booths/{big.slug}", "page", big.company.name),
            Page("product", f"/booths/{big.slug}/products/{product.slug}", "page", product.name),
            Page("programme", f"/editions/{edition.slug}/programme", "page", edition.name),
            Page("pavilion", f"/editions/{edition.slug}/pavilions/{pavilion.slug}", "page", pavilion.name),
            Page("search ?q=medical", "/search?" + urlencode({"q": "medical"}), "search", "medical"),
            Page("agenda (signed in)", "/my/agenda", "signed in", "Somchai Prasert", account="buyer@example.com"),
            Page(
                "lead inbox (signed in)",
                f"/booths/{demo.slug}/leads/",
                "signed in",
                "Chen Yuehe",
                account="exhibitor@example.com",
            ),
        ]
        db.session.remove()
        db.engine.dispose()
    return pages


# --- the servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the production flags, serving ``target`` on a port of its own."""

    def __init__(self, target: str, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.target, self.env, self.log_path = target, env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", *GUNICORN_FLAGS, self.target]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                # Any answer will do: /healthz says 503 here, as no Celery worker runs beside the server.
                status, _headers, _body = request(self.port, "GET", "/healthz" if self.target == "wsgi:app" else "/")
                if status in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn {self.target} did not answer in {STARTUP_TIMEOUT:.0f} s")

    def workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if self.process is not None and parent == self.process.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def worker_cpu_seconds(self) -> float:
        """User and system CPU the workers have used so far."""
        ticks = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> dict[str, Any]:
        """RSS, PSS and USS of the master and of each worker. With --preload RSS counts the pages a
        worker shares with the master and the other workers in full; PSS divides them among the
        processes sharing them (the PSS of all of them is the memory the server takes), USS leaves
        them out."""
        assert self.process is not None
        return {"master": memory_mb(self.process.pid), "workers": [memory_mb(pid) for pid in self.workers()]}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    megabytes = {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
    }
    return {name: round(kilobytes / 1024, 1) for name, kilobytes in megabytes.items()}


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        connection.close()


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    for name, value in headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                jar[morsel.key] = morsel.value
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def visitor_headers(port: int, page: Page) -> dict[str, str]:
    """A returning visitor's (or a signed-in person's) headers, after checking the page answers."""
    headers = {"User-Agent": BROWSER, "Accept-Language": "en"}
    jar: dict[str, str] = {}
    if page.account:
        from expo.demo.seed import DEMO_ACCOUNTS

        password = next(account.password for account in DEMO_ACCOUNTS if account.email == page.account)
        status, got, body = request(port, "GET", "/login", headers)
        _cookies(got, jar)
        token = _CSRF.search(body)
        form = urlencode({"csrf_token": token.group(1) if token else "", "email": page.account, "password": password})
        status, got, body = request(
            port,
            "POST",
            "/login",
            {**headers, "Cookie": cookie_header(jar), "Content-Type": "application/x-www-form-urlencoded"},
            form,
        )
        if status != 302:
            raise RuntimeError(f"logging in as {page.account} answered {status}")
        _cookies(got, jar)
    status, got, body = request(port, "GET", page.path, {**headers, "Cookie": cookie_header(jar)})
    _cookies(got, jar)
    if status != 200 or page.expect not in body:
        raise RuntimeError(f"{page.name} ({page.path}) answered {status} without {page.expect!r}")
    if jar:
        headers["Cookie"] = cookie_header(jar)
    return headers


# --- the load ------------------------------------------------------------------------------------


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, page: Page, headers: dict[str, str], duration: int) -> Result:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{page.path}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = []
    wrong = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if wrong:
        errors.append(f"{wrong.group(1)} non-2xx answers")
    broken = re.search(r"Socket errors: (.*)", output)
    if broken and re.search(r"(read|write|timeout) [1-9]", broken.group(1)):
        errors.append("socket errors: " + broken.group(1))
    return Result(page, rate, p50, p99, requests, errors)


def measure(server: Server, page: Page, duration: int, headers: dict[str, str]) -> Result:
    wrk(server.port, page, headers, 1)  # warm: imports, pools, caches
    cpu_before = server.worker_cpu_seconds()
    result = wrk(server.port, page, headers, duration)
    result.cpu_ms_per_request = (server.worker_cpu_seconds() - cpu_before) * 1000 / max(result.requests, 1)
    return result


def run(
    database_url: str | None,
    redis_url: str,
    *,
    booths: int,
    products: int,
    seed: int,
    duration: int,
    only: Sequence[str] = (),
    instance_folder: str | None = None,
    reuse_data: bool = False,
) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    import redis

    url = bench_database_url(database_url, default=DEFAULT_DATABASE_URL + "_pages")
    redis.Redis.from_url(redis_url).flushdb()
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-bench-pages-") as folder:
        instance = Path(instance_folder or folder) / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        load_seconds = 0.0
        if not reuse_data:
            print(f"loading the demo and {booths} booths / {products} products ...", flush=True)
            load_seconds = load_data(url, str(instance), booths, products, seed)
        pages = choose_pages(url, str(instance))
        if only:
            pages = [page for page in pages if any(word in page.name for word in only)]
        env = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("EXPO_", "FLASK_"))},
            "EXPO_ENV": "production",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": SECRET_KEY,
            "MAIL_SERVER": "127.0.0.1",
            "INSTANCE_PATH": str(instance),
            "STORAGE_PATH": str(instance / "uploads"),
            "LOG_LEVEL": "WARNING",
        }
        app_server = Server("wsgi:app", env, Path(folder) / "gunicorn-app.log")
        env["BASE_URL"] = f"http://127.0.0.1:{app_server.port}"
        hello = Server("bench.hello_world:app", env, Path(folder) / "gunicorn-hello.log")
        hello_page = Page("hello-world", "/", "hello", "Hello")
        results: list[Result] = []
        try:
            hello.start()
            app_server.start()
            print("measuring ...", flush=True)
            results.append(measure(hello, hello_page, duration, {"User-Agent": BROWSER}))
            for page in pages:
                results.append(measure(app_server, page, duration, visitor_headers(app_server.port, page)))
                print(f"  {page.name}: {results[-1].requests_per_second:,.0f}/s", flush=True)
            results.append(measure(hello, hello_page, duration, {"User-Agent": BROWSER}))
            memory = app_server.memory_mb()
            rss = [worker["rss"] for worker in memory["workers"]]
        finally:
            app_server.stop()
            hello.stop()
    hello_rate = min(results[0].requests_per_second, results[-1].requests_per_second)
    rows = []
    for number, result in enumerate(results):
        share = result.requests_per_second / hello_rate
        target = TARGETS.get(result.page.kind)
        rows.append(
            {
                "page": result.page.name
                if result.page.kind != "hello"
                else f"hello-world ({'start' if number == 0 else 'end'})",
                "path": result.page.path,
                "requests_per_second": round(result.requests_per_second, 1),
                "share": round(share, 4),
                "target": target,
                "met": None if target is None else share >= target,
                "p50_ms": round(result.p50_ms, 2),
                "p99_ms": round(result.p99_ms, 2),
                "cpu_ms_per_request": round(result.cpu_ms_per_request or 0.0, 3),
                "requests": result.requests,
                "errors": result.errors,
            }
        )
    return {
        "benchmark": "pages",
        **machine(before_load),
        "booths": booths,
        "products": products,
        "load_seconds": round(load_seconds, 1),
        "gunicorn": GUNICORN_FLAGS,
        "wrk": {"threads": THREADS, "connections": CONNECTIONS, "seconds": duration},
        "hello_world_rate": hello_rate,
        "pages": rows,
        "worker_rss_mb": rss,
        "memory_mb": memory,
        "correct": not any(row["errors"] for row in rows),
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"load average {report['load_average']}; {report['booths']} booths, {report['products']} products beside "
        f"the demo; wrk {report['wrk']['threads']} threads, {report['wrk']['connections']} connections, "
        f"{report['wrk']['seconds']} s per page; shares of the lower hello-world rate",
        "",
        "| page | requests/s | share of hello-world | target | p50 ms | p99 ms | worker CPU ms/request |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["pages"]:
        target = f"{row['target']:.0%} {'met' if row['met'] else 'MISSED'}" if row["target"] else ""
        errors = f" ({'; '.join(row['errors'])})" if row["errors"] else ""
        lines.append(
            f"| {row['page']}{errors} | {row['requests_per_second']:,.0f} | {row['share']:.1%} | {target} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['cpu_ms_per_request']:.2f} |"
        )
    rss = report["worker_rss_mb"]
    lines.append("")
    lines.append(
        f"web worker RSS after the run: {', '.join(f'{size:.0f} MB' for size in rss)} (target: at most 150 MB)"
    )
    memory = report.get("memory_mb")
    if memory:
        workers, master = memory["workers"], memory["master"]
        pss = ", ".join(f"{worker['pss']:.0f}" for worker in workers)
        uss = ", ".join(f"{worker['uss']:.0f}" for worker in workers)
        total = master["pss"] + sum(worker["pss"] for worker in workers)
        lines.append(
            f"workers' PSS {pss} MB, USS {uss} MB; the master's RSS {master['rss']:.0f} MB, PSS {master['pss']:.0f} MB;"
            f" the server's processes together (PSS): {total:.0f} MB"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench pages", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help=f"default $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}_pages"
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--booths", type=int, default=BOOTHS)
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds of load per page")
    parser.add_argument("--only", nargs="*", default=(), help="only the pages whose name contains one of these")
    parser.add_argument("--instance", default=None, help="instance folder to keep (uploads) for --reuse-data")
    parser.add_argument(
        "--reuse-data", action="store_true", help="serve what an earlier run with the same --instance loaded"
    )
    options = parser.parse_args(argv)
    report = run(
        options.database_url,
        options.redis_url,
        booths=options.booths,
        products=options.products,
        seed=options.seed,
        duration=options.duration,
        only=options.only,
        instance_folder=options.instance,
        reuse_data=options.reuse_data,
    )
    print(format_report(report))
    write(RESULTS_PATH, report)
    print(f"written to {RESULTS_PATH}")
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
