"""Real-browser fixtures: the embedded stack exactly as `make run` starts it, in a throwaway
instance folder, driven by Debian's chromium through Playwright.

One stack per test session (migrations, demo data, gunicorn, a Celery worker); one fresh browser
context and page per test. When a test fails, the tails of the server and worker logs are added
to its report.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_service

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = PROJECT_ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path("/tmp/expo-screens")

STARTUP_TIMEOUT = 45.0  # seconds for the worker to say "ready" and /healthz to answer 200
LOG_TAIL_LINES = 150

# Log files of the running stack, for the failure report (set by the `expo_server` fixture).
_LOG_FILES: dict[str, Path] = {}
_CALL_REPORT = pytest.StashKey()


# --- the root conftest's per-test database cleaning does not apply to a separate server --------


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Overrides the root fixture: browser tests talk to their own server, not the in-process app."""
    yield


# --- requirements --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not CHROMIUM.exists():
        require_service(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_service("the playwright Python package is not installed (pip install -e '.[dev]')")
    for tool in ("flask", "gunicorn", "celery"):
        if not (BIN / tool).exists():
            require_service(f"{BIN / tool} is missing: run `make install` first")
    return str(CHROMIUM)


# --- the stack -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpoServer:
    base_url: str
    instance_path: Path
    web_log: Path
    worker_log: Path

    @property
    def outbox(self) -> Path:
        return self.instance_path / "outbox"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stack_env(instance: Path, port: int) -> dict[str, str]:
    # The embedded defaults: none of the developer's own settings may leak into the stack under test.
    inherited = {
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
        "LOGIN_SLOWDOWN_MAX_SECONDS",
        "ACCOUNT_MAIL_LIMIT",
        "SIGNUP_RATE_LIMIT",
        "RESET_RATE_LIMIT",
    }
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(
        INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi",
        HOST="127.0.0.1",
        PORT=str(port),
        BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def _run_command(args: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(args, cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, text=True, timeout=120)
    except subprocess.CalledProcessError as exc:
        pytest.fail(
            f"`{' '.join(args)}` failed with exit code {exc.returncode}:\n{exc.stdout}\n{exc.stderr}", pytrace=False
        )


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    try:
        # A session of its own, so the worker's pool children can be stopped with it.
        return subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        handle.close()


def _stop(*processes: subprocess.Popen) -> None:
    """SIGTERM (graceful: gunicorn finishes requests, Celery does a warm shutdown) to all, then wait."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this fixture created for it
            process.wait(timeout=5)


def _wait_until_ready(
    base_url: str, web: subprocess.Popen, worker: subprocess.Popen, web_log: Path, worker_log: Path
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT

    def check_alive() -> None:
        for name, process, log in (("gunicorn", web, web_log), ("celery worker", worker, worker_log)):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode} while starting:\n{_tail(log)}")

    # The worker first: it creates the broker's tables, and /healthz would otherwise race it for them.
    while " ready." not in worker_log.read_text(errors="replace"):
        check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"the celery worker did not say 'ready' in {STARTUP_TIMEOUT:.0f} s:\n{_tail(worker_log)}"
            )
        time.sleep(0.2)

    last_problem = "no answer yet"
    while True:
        check_alive()
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
                last_problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last_problem = f"HTTP {exc.code}: {exc.read()[:300]!r}"
        except OSError as exc:
            last_problem = repr(exc)
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"/healthz did not answer 200 in {STARTUP_TIMEOUT:.0f} s ({last_problem}):\n{_tail(web_log)}"
            )
        time.sleep(0.2)


@pytest.fixture(scope="session")
def expo_server(chromium_executable, tmp_path_factory) -> Iterator[ExpoServer]:
    """Migrate, seed, then run gunicorn and a Celery worker on an isolated instance folder."""
    instance = tmp_path_factory.mktemp("expo-instance")
    logs = tmp_path_factory.mktemp("expo-logs")
    port = _free_port()
    env = _stack_env(instance, port)
    base_url = env["BASE_URL"]

    _run_command([str(BIN / "flask"), "db", "upgrade"], env)
    _run_command([str(BIN / "flask"), "expo", "seed-demo", "--if-empty"], env)

    web_log, worker_log = logs / "gunicorn.log", logs / "celery-worker.log"
    web_log.touch()
    worker_log.touch()
    _LOG_FILES.clear()
    _LOG_FILES.update({"gunicorn": web_log, "celery worker": worker_log})
    started: list[subprocess.Popen] = []
    try:
        # As bin/run-embedded starts them (minus beat, which no test needs).
        worker = _start(
            [str(BIN / "celery"), "-A", "worker.app", "worker", "--loglevel=INFO", "--concurrency=1"], env, worker_log
        )
        started.append(worker)
        web = _start(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            env,
            web_log,
        )
        started.append(web)
        try:
            _wait_until_ready(base_url, web, worker, web_log, worker_log)
        except RuntimeError as exc:
            pytest.fail(f"the Expo stack did not start: {exc}", pytrace=False)
        yield ExpoServer(base_url=base_url, instance_path=instance, web_log=web_log, worker_log=worker_log)
    finally:
        _stop(*started)  # the logs stay, for the report of a failure in teardown


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(request, browser, expo_server, screenshot_dir):
    """A fresh context (no cookies) per test, English and UTC so pages look the same everywhere.

    When the test fails, the page as it was is saved to /tmp/expo-screens/failed-<test>.png.
    """
    context = browser.new_context(
        base_url=expo_server.base_url, locale="en-US", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is not None and report.failed:
        try:
            page.screenshot(path=str(screenshot_dir / f"failed-{request.node.name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a diagnostic must not hide the real failure
            pass
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


# --- logs in the failure report -------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    if report.failed and _LOG_FILES:
        for name, path in _LOG_FILES.items():
            report.sections.append((f"{name} log ({path}, last {LOG_TAIL_LINES} lines)", _tail(path)))
