"""The embedded default under a crowd: 100 visitors and 20 log-ins at once against `make run`'s stack.

The stack is started as ``make run`` starts it (``python -m expo.embedded``: gunicorn with one
process of 8 threads, one Celery worker, one beat, SQLite database and broker) on a throwaway
instance folder, migrated and seeded with the demo data. Then, released together by a barrier:

- ``--visitors`` threads, each reading the public pages a visitor reads (home, exhibition, a
  booth, a product, the programme, a search) ``--rounds`` times;
- ``--logins`` threads, each logging in with a demo account (its log-in page, then the form),
  opening a booth, saving it as a favourite (a write), and reading its favourites.

Every answer's status is counted; the target is no 5xx and no failed connection. Latencies are
from sending a request to reading its whole answer. Redirects are not followed (a log-in's 302
is its success). The log-in rate limit is lifted for the run: twenty log-ins from one address
would otherwise meet it (a 429, by design).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.results import machine, write

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "embedded_load.json"
STARTUP_TIMEOUT = 120.0
REQUEST_TIMEOUT = 60.0
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Settings of the developer's shell that would take the stack away from the embedded default.
_NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_SERVER",
    "EXPO_ENV",
    "SECRET_KEY",
    "MAIL_OUTBOX_PATH",
    "STORAGE_PATH",
    "TRUSTED_PROXIES",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "LOGIN_SLOWDOWN_AFTER",
    "ACCOUNT_MAIL_LIMIT",
    "SIGNUP_RATE_LIMIT",
    "RESET_RATE_LIMIT",
    "BASE_URL",
    "INSTANCE_PATH",
    "HOST",
    "PORT",
    "EXPO_SOLE_WORKER",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedStack:
    """`make run` on a throwaway instance folder: migrate, seed, then the supervisor and its children."""

    def __init__(self, instance: Path, port: int | None = None, **settings: str) -> None:
        self.instance = instance
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = instance.parent / f"{instance.name}-stack.log"
        self.env = {name: value for name, value in os.environ.items() if name not in _NOT_INHERITED}
        self.env.update(
            INSTANCE_PATH=str(instance),
            FLASK_APP="wsgi",
            HOST="127.0.0.1",
            PORT=str(self.port),
            BASE_URL=self.base_url,
            PYTHONUNBUFFERED="1",
            **settings,
        )
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        for args in (["db", "upgrade"], ["expo", "seed-demo", "--if-empty"]):
            result = subprocess.run(
                [sys.executable, "-m", "flask", *args],
                cwd=PROJECT_ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "expo.embedded"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        problem = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the supervisor exited with {self.process.returncode}:\n{self.log_tail()}")
            status, _ = self.get("/healthz")
            if status == 200:
                return
            problem = f"/healthz answered {status}"
            time.sleep(0.3)
        raise RuntimeError(
            f"the stack did not become healthy in {STARTUP_TIMEOUT:.0f} s ({problem}):\n{self.log_tail()}"
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    def stop(self, timeout: float = 30.0) -> float:
        """SIGTERM the supervisor as Ctrl-C would reach it; seconds until it has exited."""
        if self.process is None or self.process.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise RuntimeError(f"the supervisor did not stop in {timeout:.0f} s:\n{self.log_tail()}") from None
        return time.monotonic() - started

    def children(self) -> dict[str, list[int]]:
        """The supervisor's live child processes by kind ("celery worker", "celery beat", "gunicorn")."""
        found: dict[str, list[int]] = {"celery worker": [], "celery beat": [], "gunicorn": []}
        if self.process is None:
            return found
        for pid, parent, command in _processes():
            if parent != self.process.pid:
                continue
            for kind in found:
                program, _, role = kind.partition(" ")
                if f"-m {program}" in command and (not role or f" {role} " in command + " "):
                    found[kind].append(pid)
        return found

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every live process (Linux /proc); zombies left out."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            yield int(entry.name), int(parent), command


@contextmanager
def running_stack(instance: Path | None = None, **settings: str) -> Iterator[EmbeddedStack]:
    instance = instance or Path(tempfile.mkdtemp(prefix="expo-embedded-")) / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    stack = EmbeddedStack(instance, **settings)
    stack.prepare()
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


# --- the crowd -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)  # HTTP status, or "error: <kind>" for no answer
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "login": [], "write": []})
    failures: list[str] = field(default_factory=list)  # the first few 5xx and errors, for the report
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, method: str, path: str, status: int | str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies[kind].append(seconds)
            if (isinstance(status, str) or status >= 500) and len(self.failures) < 20:
                self.failures.append(f"{method} {path}: {status}")

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if isinstance(status, str) or status >= 500)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its own cookies, no redirects followed, every answer counted."""

    def __init__(self, base_url: str, tally: Tally) -> None:
        self.base_url, self.tally = base_url, tally
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects()
        )

    def request(self, kind: str, path: str, form: dict[str, str] | None = None) -> tuple[int | str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        method = "POST" if data is not None else "GET"
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Accept-Language": "en", "User-Agent": "expo-bench"},
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except (OSError, TimeoutError) as exc:
            status, body = f"error: {type(exc).__name__}", b""
        self.tally.note(kind, method, path, status, time.monotonic() - started)
        return status, body.decode(errors="replace")


@dataclass(frozen=True)
class DemoSite:
    pages: tuple[str, ...]
    booths: tuple[tuple[int, str], ...]  # (id, slug)
    accounts: tuple[tuple[str, str], ...]


def demo_site(instance: Path) -> DemoSite:
    """What a visitor reads, taken from the seeded database (read-only)."""
    from expo.demo.seed import DEMO_ACCOUNTS

    connection = sqlite3.connect(f"file:{instance / 'expo.sqlite'}?mode=ro", uri=True)
    try:
        [edition] = connection.execute("SELECT slug FROM editions ORDER BY id LIMIT 1").fetchone()
        booths = connection.execute("SELECT id, slug FROM booths WHERE status = 'published' ORDER BY id").fetchall()
        products = connection.execute(
            "SELECT b.slug, p.slug FROM products p JOIN booths b ON b.id = p.booth_id "
            "WHERE b.status = 'published' ORDER BY p.id LIMIT 40"
        ).fetchall()
    finally:
        connection.close()
    pages = ["/", "/exhibition", f"/editions/{edition}/programme", "/search?q=rice", "/search?q=mask&type=booths"]
    pages += [f"/booths/{slug}" for _, slug in booths[:20]]
    pages += [f"/booths/{booth}/products/{product}" for booth, product in products]
    return DemoSite(tuple(pages), tuple(booths), tuple((account.email, account.password) for account in DEMO_ACCOUNTS))


def visit(browser: Browser, site: DemoSite, number: int, rounds: int) -> None:
    """Home, exhibition, a booth, a product, the programme and a search, each round."""
    pages = site.pages
    booths = [page for page in pages if page.startswith("/booths/") and "/products/" not in page]
    products = [page for page in pages if "/products/" in page]
    others = [page for page in pages if not page.startswith("/booths/")]
    for round_number in range(rounds):
        step = number + round_number * 7
        for path in (*others, booths[step % len(booths)], products[step % len(products)]):
            browser.request("page", path)


def log_in_and_save(browser: Browser, site: DemoSite, number: int) -> None:
    email, password = site.accounts[number % len(site.accounts)]
    _, page = browser.request("page", "/login")
    token = _CSRF.search(page)
    status, _ = browser.request(
        "login", "/login", {"csrf_token": token.group(1) if token else "", "email": email, "password": password}
    )
    if status != 302:
        return  # counted; nothing to write without a session
    booth_id, slug = site.booths[number % len(site.booths)]
    _, page = browser.request("page", f"/booths/{slug}")  # its "Save" button carries the form's token
    token = _CSRF.search(page)
    browser.request("write", f"/favourites/booth/{booth_id}", {"csrf_token": token.group(1) if token else ""})
    browser.request("page", "/favourites")


def crowd(base_url: str, site: DemoSite, visitors: int, logins: int, rounds: int) -> tuple[Tally, float]:
    """Every visitor and log-in thread released at once; the tally and the wall time."""
    tally = Tally()
    barrier = threading.Barrier(visitors + logins + 1)

    def run(work, number: int) -> None:
        browser = Browser(base_url, tally)
        barrier.wait()
        work(browser, number)

    threads = [
        threading.Thread(target=run, args=(lambda b, n: visit(b, site, n, rounds), n), daemon=True)
        for n in range(visitors)
    ]
    threads += [
        threading.Thread(target=run, args=(lambda b, n: log_in_and_save(b, site, n), n), daemon=True)
        for n in range(logins)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def summary(tally: Tally, wall: float) -> dict[str, Any]:
    report: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items(), key=str)},
        "server_errors": tally.server_errors,
        "failures": tally.failures,
    }
    for kind, values in tally.latencies.items():
        report[kind] = {
            "count": len(values),
            "p50_ms": round(percentile(values, 0.5) * 1000),
            "p95_ms": round(percentile(values, 0.95) * 1000),
            "max_ms": round(max(values, default=0) * 1000),
        }
    return report


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench embedded_load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages per visitor")
    options = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    with running_stack() as stack:  # successful log-ins are never throttled: the real limits apply
        site = demo_site(stack.instance)
        tally, wall = crowd(stack.base_url, site, options.visitors, options.logins, options.rounds)
        stop_seconds = stack.stop()
    report = {
        "machine": machine(load_before),
        "visitors": options.visitors,
        "logins": options.logins,
        "rounds": options.rounds,
        **summary(tally, wall),
        "stop_s": round(stop_seconds, 1),
    }
    print(
        f"{options.visitors} visitors x {options.rounds} rounds + {options.logins} log-ins in {wall:.1f} s "
        f"(load average {report['machine']['load_average']})"
    )
    print("statuses:", ", ".join(f"{status}: {count}" for status, count in report["statuses"].items()))
    print(f"{'kind':<6} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("page", "login", "write"):
        row = report[kind]
        print(f"{kind:<6} {row['count']:6d} {row['p50_ms']:8d} {row['p95_ms']:8d} {row['max_ms']:8d}")
    print(f"5xx and failed connections: {tally.server_errors}; the stack stopped {stop_seconds:.1f} s after SIGTERM")
    for failure in tally.failures:
        print("  ", failure)
    write(RESULTS_PATH, report)
    print(f"written to {RESULTS_PATH}")
    return 1 if tally.server_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
