"""Pages kept in Redis, as production keeps them: two web processes share them, and a change
committed anywhere (another web process, a command, the worker) shows on the next request of each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import redis
from flask import Flask
from sqlalchemy import update

from expo import page_cache
from expo.booths.models import Booth
from expo.extensions import db
from expo.page_cache import RedisPageStore, current_store
from tests.conftest import count_queries
from tests.integration.conftest import PROJECT_ROOT, REDIS_URL, _service_environment, build_app


def test_two_web_processes_share_the_pages_and_each_sees_a_change_at_once(
    app: Flask, factory, smtp_server, celery_worker, tmp_path: Path, monkeypatch
) -> None:
    standing = page_cache._now()  # one minute throughout: the page is not re-rendered at a minute's turn
    monkeypatch.setattr(page_cache, "_now", lambda: standing)
    assert isinstance(current_store(app), RedisPageStore)
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner, name="Hanoi Garments"), tagline="Shirts for export")
    factory.product(booth, name="Linen shirt", slug="linen-shirt")
    path = f"/booths/{booth.slug}"
    celery_worker.wait_until_idle()  # the new product's recommendations are written by then
    other = build_app(tmp_path / "other-instance", smtp_server)  # a second web process's app
    this_visitor, other_visitor = app.test_client(), other.test_client()

    assert "Shirts for export" in this_visitor.get(path).get_data(as_text=True)
    # The other process finds the page this one kept: no query.
    assert count_queries(other, other_visitor, path, rendered=False) == 0
    assert redis.Redis.from_url(REDIS_URL).get("expo:pages:generation") is not None

    # A change committed by the other web process shows here on the next request.
    with other.app_context():
        db.session.execute(update(Booth).values(tagline="Linen for export"))
        db.session.commit()
    assert "Linen for export" in this_visitor.get(path).get_data(as_text=True)

    # And one committed by a process of its own (a command, the worker) shows in both.
    script = (
        "from sqlalchemy import update\n"
        "from expo import create_app\n"
        "from expo.booths.models import Booth\n"
        "from expo.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.session.execute(update(Booth).values(tagline='Silk for export'))\n"
        "    db.session.commit()\n"
    )
    env = _service_environment(instance_path=tmp_path / "command-instance", smtp_port=smtp_server.port)
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, check=True, timeout=120)
    assert "Silk for export" in this_visitor.get(path).get_data(as_text=True)
    assert "Silk for export" in other_visitor.get(path).get_data(as_text=True)


def test_a_signed_in_page_kept_in_redis_shows_a_change_from_another_process(
    app: Flask, factory, smtp_server, celery_worker, tmp_path: Path, monkeypatch
) -> None:
    from expo.notifications.models import Notification
    from tests.conftest import log_in

    standing = page_cache._now()
    monkeypatch.setattr(page_cache, "_now", lambda: standing)
    buyer = factory.user(name="Somchai Prasert")
    browser = app.test_client()
    log_in(browser, buyer)
    browser.get("/account")  # "welcome back": a page with a message is never kept
    assert browser.get("/my/agenda").status_code == 200  # kept
    rendered = count_queries(app, browser, "/my/agenda", rendered=True)
    assert count_queries(app, browser, "/my/agenda", rendered=False) < rendered
    assert redis.Redis.from_url(REDIS_URL).get("expo:pages:generation:personal") is not None

    other = build_app(tmp_path / "other-instance", smtp_server)
    with other.app_context():
        db.session.add(
            Notification(user_id=buyer.id, kind="test", category="inquiries", title="New reply", dedupe_key="redis:1")
        )
        db.session.commit()
    assert "data-unread-count" in browser.get("/my/agenda").get_data(as_text=True)
