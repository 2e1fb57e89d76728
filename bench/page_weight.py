"""What a visitor's browser downloads for a booth page: bytes on the first load, static requests on a repeat view.

The embedded stack as `make run` serves it (migrations, demo data, gunicorn with one process and
eight threads; no Celery worker, the page needs none) in a throwaway instance folder, visited by
Debian's chromium through Playwright. The first load starts with an empty cache; every response's
size on the wire (headers included) comes from the DevTools protocol (`Network.loadingFinished`'s
encodedDataLength). The repeat view is a second visit to the same booth in the same browser
context, after the home page: what it asks the server for static files is read from gunicorn's
access log, so a revalidation (304) counts as a request.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import results

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = PROJECT_ROOT / ".venv" / "bin"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "page_weight.json"
CHROMIUM = "/usr/bin/chromium"
FIRST_LOAD_TARGET_BYTES = 200 * 1024
STATIC_REQUEST = re.compile(r'"((?:GET|HEAD) /static/\S+) HTTP/[\d.]+" (\d+)')
BOOTH_LINK = re.compile(r'href="(/booths/[a-z0-9-]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def embedded_stack(instance: Path, access_log: Path) -> Iterator[str]:
    """gunicorn on the embedded default with demo data; yields its base URL."""
    port = _free_port()
    own = {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "EXPO_ENV", "SECRET_KEY", "STORAGE_PATH", "MAIL_OUTBOX_PATH"}
    env = {key: value for key, value in os.environ.items() if key not in own}
    env.update(INSTANCE_PATH=str(instance), FLASK_APP="wsgi", BASE_URL=f"http://127.0.0.1:{port}", PYTHONUNBUFFERED="1")
    for command in (["flask", "db", "upgrade"], ["flask", "expo", "seed-demo", "--if-empty"]):
        subprocess.run(
            [str(BIN / command[0]), *command[1:]],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--access-logfile",
            str(access_log),
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # Not /healthz: with no worker beside it, it rightly answers 503 ("worker": "missing").
                with urllib.request.urlopen(f"{base_url}/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start (see the access log and run `make run` by hand)")
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _a_booth(base_url: str) -> str:
    """The first booth the online exhibition's front door links to."""
    with urllib.request.urlopen(f"{base_url}/exhibition", timeout=30) as response:
        found = BOOTH_LINK.search(response.read().decode())
    if not found:
        raise RuntimeError("the exhibition page links to no booth: are the demo exhibitors seeded?")
    return found.group(1)


def _static_requests(access_log: Path) -> list[str]:
    """Each static request the server answered, as `GET /static/... 304`."""
    found = (STATIC_REQUEST.search(line) for line in access_log.read_text().splitlines())
    return [" ".join(match.groups()) for match in found if match]


def measure(base_url: str, booth_path: str, access_log: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(base_url=base_url, locale="en-US")
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        urls: dict[str, str] = {}
        encodings: dict[str, str] = {}
        sizes: dict[str, int] = {}
        devtools.on(
            "Network.requestWillBeSent", lambda event: urls.__setitem__(event["requestId"], event["request"]["url"])
        )
        devtools.on(
            "Network.responseReceived",
            lambda event: encodings.__setitem__(
                event["requestId"],
                {key.lower(): value for key, value in event["response"]["headers"].items()}.get("content-encoding", ""),
            ),
        )
        devtools.on(
            "Network.loadingFinished",
            lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])),
        )
        page.goto(booth_path, wait_until="networkidle")
        first = [
            {"url": urls[request_id].removeprefix(base_url), "bytes": size, "encoding": encodings.get(request_id, "")}
            for request_id, size in sizes.items()
        ]
        static_before_repeat = len(_static_requests(access_log))
        page.goto("/", wait_until="networkidle")
        static_after_home = len(_static_requests(access_log))
        page.goto(booth_path, wait_until="networkidle")
        repeat_static = _static_requests(access_log)[static_after_home:]
        browser.close()
    first_bytes = sum(row["bytes"] for row in first)
    static_bytes = sum(row["bytes"] for row in first if row["url"].startswith("/static/"))
    return {
        "booth": booth_path,
        "first_load": {
            "requests": len(first),
            "bytes": first_bytes,
            "static_bytes": static_bytes,
            "target_bytes": FIRST_LOAD_TARGET_BYTES,
            "met": first_bytes <= FIRST_LOAD_TARGET_BYTES,
            "responses": sorted(first, key=lambda row: -row["bytes"]),
        },
        "home_after_booth_static_requests": static_after_home - static_before_repeat,
        "repeat_view": {"static_requests": len(repeat_static), "met": not repeat_static, "requests": repeat_static},
    }


def format_table(report: dict[str, Any]) -> str:
    first, repeat = report["first_load"], report["repeat_view"]
    lines = [
        f"booth page {report['booth']}, first load with an empty cache:",
        "| response | encoding | KB on the wire |",
        "| --- | --- | ---: |",
    ]
    lines += [
        f"| {row['url'][:70]} | {row['encoding'] or '-'} | {row['bytes'] / 1024:.1f} |" for row in first["responses"]
    ]
    lines.append(
        f"| **{first['requests']} responses** (static {first['static_bytes'] / 1024:.1f} KB) | | "
        f"**{first['bytes'] / 1024:.1f}** |"
    )
    lines.append(f"target <= {first['target_bytes'] // 1024} KB: {'met' if first['met'] else 'NOT met'}")
    lines.append(
        f"home page after the booth: {report['home_after_booth_static_requests']} static requests; "
        f"repeat view of the booth: {repeat['static_requests']} static requests "
        f"({'met' if repeat['met'] else 'target 0 NOT met'})"
    )
    lines += [f"  {line}" for line in repeat["requests"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench page_weight", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--booth", help="a booth's path such as /booths/some-slug (default: the first the exhibition page links to)"
    )
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-page-weight-") as folder:
        access_log = Path(folder) / "access.log"
        with embedded_stack(Path(folder) / "instance", access_log) as base_url:
            report = measure(base_url, args.booth or _a_booth(base_url), access_log)
    report["machine"] = results.machine(load_before)
    results.write(RESULTS_PATH, report)
    print(format_table(report))
    print(f"written to {RESULTS_PATH}")
    # Bytes and requests are reported against their targets; only a page that failed to load fails.
    return 0


if __name__ == "__main__":
    sys.exit(main())
