"""Health check, error pages, language choice, the dev outbox and security headers."""

from __future__ import annotations

import os
import time

from expo import heartbeat
from tests.conftest import log_in, outbox_messages, run_recorded_tasks


def test_healthz_reports_database_broker_and_worker(client, worker_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


def test_healthz_is_503_when_no_worker_ever_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "broker": "ok", "worker": "missing"}


def test_healthz_is_503_when_the_worker_stopped_beating(app, client, worker_heartbeat):
    stale = time.time() - heartbeat.MAX_AGE_SECONDS - 5
    os.utime(app.config["WORKER_HEARTBEAT_PATH"], (stale, stale))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["worker"] == "missing"


def test_the_worker_heartbeat_thread_beats_until_stopped(app):
    path = app.config["WORKER_HEARTBEAT_PATH"]
    path.unlink(missing_ok=True)
    beating = heartbeat.Heartbeat(app, interval=0.05)
    beating.start()
    try:
        assert _eventually(lambda: heartbeat.worker_state(app) == "ok")
    finally:
        beating.stop()
        path.unlink(missing_ok=True)
    assert not beating._thread.is_alive()


def _eventually(probe, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return True
        time.sleep(0.02)
    return probe()


def test_healthz_is_503_when_the_broker_is_down(app, client, monkeypatch, worker_heartbeat):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("nothing listens")

    monkeypatch.setattr(app.extensions["celery"], "connection_for_write", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok" and body["broker"].startswith("error") and body["worker"] == "ok"


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Back to the home page" in page


def test_errors_answer_json_to_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "Page not found"


def test_too_large_upload_is_a_413_with_a_reason(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/login", data={"email": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    assert "larger than the site accepts" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_and_logged(app, caplog):
    from expo import create_app

    broken = create_app(
        {**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False}, instance_path=app.instance_path
    )

    @broken.route("/__boom")
    def boom():
        raise RuntimeError("kaboom")

    response = broken.test_client().get("/__boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)
    assert any("unhandled error on GET /__boom" in record.message for record in caplog.records)


def test_language_choice_is_remembered_for_visitors(client):
    response = client.post("/language", data={"language": "zh", "next": "/editions/"})
    assert response.status_code == 302 and response.headers["Location"] == "/editions/"
    assert '<html lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_language_choice_is_saved_on_the_account(app, client, factory):
    user = factory.user()
    log_in(client, user)
    client.post("/language", data={"language": "zh"})
    other_device = app.test_client()
    log_in(other_device, user)
    assert '<html lang="zh-Hans"' in other_device.get("/").get_data(as_text=True)


def test_unknown_language_is_refused_with_a_reason(client):
    response = client.post("/language", data={"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "Choose one of the languages in the list." in response.get_data(as_text=True)
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans"' in page


def test_times_are_shown_in_the_viewers_zone_with_the_zone_named(client, factory):
    owner = factory.user(timezone="Asia/Jakarta")
    company = factory.company(owner=owner)
    log_in(client, owner)
    page = client.get(f"/exhibitors/{company.slug}/team").get_data(as_text=True)
    assert "(Asia/Jakarta)" in page
    assert "Times are shown in Asia/Jakarta." in page


def test_visitor_time_zone_comes_from_the_browser_cookie(client):
    client.set_cookie("expo_tz", "Asia/Manila")
    assert "Times are shown in Asia/Manila." in client.get("/").get_data(as_text=True)
    client.set_cookie("expo_tz", "Asia%2FBangkok")  # as the browser's encodeURIComponent writes it
    assert "Times are shown in Asia/Bangkok." in client.get("/").get_data(as_text=True)
    client.set_cookie("expo_tz", "Not/AZone")
    assert "Times are shown in UTC." in client.get("/").get_data(as_text=True)


def test_dev_outbox_lists_and_shows_messages(app, client):
    client.post(
        "/signup",
        data={
            "email": "lan@example.com",
            "password": "a-long-enough-password",
            "confirm": "a-long-enough-password",
            "name": "Lan",
            "timezone": "UTC",
            "language": "en",
        },
    )
    run_recorded_tasks(app)
    assert outbox_messages(app)
    listing = client.get("/dev/outbox").get_data(as_text=True)
    assert "lan@example.com" in listing and "Confirm your e-mail address for Expo" in listing
    message = client.get("/dev/outbox/00000001").get_data(as_text=True)
    assert '<a href="http://expo.test/confirm/' in message


def test_dev_outbox_does_not_exist_with_a_mail_server(app, client):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    try:
        assert client.get("/dev/outbox").status_code == 404
    finally:
        app.config["MAIL_SERVER"] = None


def test_dev_outbox_answers_only_browsers_on_the_same_machine(app, client):
    from_another_machine = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get("/dev/outbox", environ_base=from_another_machine).status_code == 404
    assert client.get("/dev/outbox/00000001", environ_base=from_another_machine).status_code == 404
    home = client.get("/", environ_base=from_another_machine).get_data(as_text=True)
    assert "Mail outbox (dev)" not in home
    for loopback in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert client.get("/dev/outbox", environ_base={"REMOTE_ADDR": loopback}).status_code == 200


def test_dev_outbox_does_not_exist_when_the_server_listens_beyond_loopback(app, client):
    app.config["LISTENS_ON_LOOPBACK_ONLY"] = False  # as `make run HOST=0.0.0.0` configures it
    try:
        assert client.get("/dev/outbox").status_code == 404
        assert "Mail outbox (dev)" not in client.get("/").get_data(as_text=True)
    finally:
        app.config["LISTENS_ON_LOOPBACK_ONLY"] = True


def test_dev_outbox_rejects_path_tricks(client):
    assert client.get("/dev/outbox/..%2Fsecret_key").status_code == 404


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_policy_allows_no_inline_script_and_no_page_needs_one(client):
    import re
    from pathlib import Path

    directives = dict(
        part.strip().split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    pages = [
        path
        for path in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html")
        if "email" not in path.parts
    ]
    assert pages
    for path in pages:
        markup = path.read_text()
        # A JSON-LD data block (expo.structured_data) is never executed, so the policy does not apply to it.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', markup), (
            f"inline script in {path}"
        )
        assert not re.search(r"\son[a-z]+\s*=", markup), f"inline event handler in {path}"
        assert not re.search(r"\sstyle\s*=", markup), f"inline style in {path}"


def test_navigation_changes_with_roles(app, factory):
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "Sign up" in anonymous and "Administration" not in anonymous

    attendee_client = app.test_client()
    log_in(attendee_client, factory.user())
    attendee = attendee_client.get("/").get_data(as_text=True)
    assert "Log out" in attendee and "Organize" not in attendee and "Administration" not in attendee

    organizer_client = app.test_client()
    log_in(organizer_client, factory.organizer())
    assert "Organize" in organizer_client.get("/").get_data(as_text=True)

    admin_client = app.test_client()
    log_in(admin_client, factory.admin())
    assert "Administration" in admin_client.get("/").get_data(as_text=True)


def test_signed_in_pages_are_never_stored_by_browsers_or_proxies(app, client, factory):
    owner = factory.user()
    company = factory.company(owner=owner, name="Acme Trading", slug="acme-trading")
    booth = factory.booth(company)
    image = factory.product_image(factory.product(booth))
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")  # anonymous: a public page

    log_in(client, owner)
    for private_page in ("/", "/my/agenda", "/exhibitors/acme-trading/team", "/notifications/", "/account"):
        response = client.get(private_page)
        assert response.status_code == 200, private_page
        assert response.headers["Cache-Control"] == "no-store", private_page
    # The same files for everyone stay cacheable for everyone, signed in or not.
    picture = client.get(f"/product-images/{image.id}")
    assert picture.status_code == 200 and "public" in picture.headers["Cache-Control"]
    stylesheet = client.get("/static/css/expo.css")
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")
