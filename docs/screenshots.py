"""Takes the README's screenshots from the running product: `python -m docs.screenshots`.

Starts the embedded stack on a throwaway instance with the demo data (as `make run` would, without
the worker), signs in as each demo role in Debian's chromium and saves what that person sees first
into docs/screenshots/, at a desktop width and on a 390-pixel phone. Run it again after changing a
page that the README shows.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.page_weight import embedded_stack

OUTPUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    account: tuple[str, str] | None = None
    phone: bool = False


SHOTS = (
    Shot("home", "/"),
    Shot("home-phone", "/", phone=True),
    Shot("search", "/search?q=mask"),
    Shot("booth", "/booths/nanning-mask-machinery"),
    Shot("buyer-dashboard", "/dashboard", ("buyer@example.com", "demo-buyer-2026")),
    Shot("buyer-agenda-phone", "/my/agenda", ("buyer@example.com", "demo-buyer-2026"), phone=True),
    Shot("exhibitor-dashboard", "/dashboard", ("exhibitor@example.com", "demo-exhibitor-2026")),
    Shot("exhibitor-inbox", "/booths/nanning-mask-machinery/leads/", ("exhibitor@example.com", "demo-exhibitor-2026")),
    Shot("organizer-dashboard", "/dashboard", ("organizer@example.com", "demo-organizer-2026")),
    Shot(
        "checkin-phone", "/editions/18th-caexpo/checkin/", ("organizer@example.com", "demo-organizer-2026"), phone=True
    ),
)


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def take(base_url: str, shots: Sequence[Shot], output: Path) -> list[Path]:
    output.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for shot in shots:
                context = browser.new_context(
                    base_url=base_url,
                    viewport=PHONE if shot.phone else DESKTOP,
                    locale="en-US",
                    timezone_id="Asia/Shanghai",
                    device_scale_factor=1,
                )
                page = context.new_page()
                if shot.account:
                    log_in(page, *shot.account)
                page.goto(shot.path)
                # Lazy pictures load once scrolled past; the shot is the first screen.
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(300)
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_timeout(200)
                target = output / f"{shot.name}.png"
                page.screenshot(path=str(target))
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="expo-screenshots-") as folder:
        instance = Path(folder) / "instance"
        with embedded_stack(instance, Path(folder) / "access.log") as base_url:
            for path in take(base_url, SHOTS, options.output):
                print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
