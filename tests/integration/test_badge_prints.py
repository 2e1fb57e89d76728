"""Badges through the real stack: "Prepare badges" and a bulk print asked for in a request → Redis →
the worker → the page and the PDF, on PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from expo.audit.models import AuditAction, AuditEntry
from expo.badges import prints
from expo.badges.models import Badge, BadgePrint
from expo.extensions import db
from tests.conftest import log_in
from tests.integration.conftest import wait_for

if TYPE_CHECKING:
    from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration


def _scalar(app: Flask, statement):
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def test_the_worker_prepares_badges_and_makes_a_big_print(
    app: Flask, factory, celery_worker: WorkerProcess, monkeypatch
) -> None:
    # The worker writes the PDF where the web app reads it, as they share a volume in production.
    monkeypatch.setitem(app.config, "STORAGE_PATH", Path(celery_worker.env["INSTANCE_PATH"]) / "uploads")
    monkeypatch.setattr(prints, "DIRECT_LIMIT", 3)
    edition = factory.edition(name="CAEXPO 2027")
    session = factory.programme_session(factory.forum(edition))
    names = ["王小明", "สมชาย ใจดี", "Nguyễn Thị Minh", "Siti Aminah", "Ahmad Fauzi"]
    for name in names:
        factory.registration(factory.user(name=name), session)
    organizer = factory.organizer(edition, name="Olga Organizer")
    client = app.test_client()
    log_in(client, organizer)
    base = f"/editions/{edition.slug}/organize/badges"

    assert client.post(f"{base}/prepare").status_code == 302
    wait_for(
        lambda: _scalar(app, select(func.count()).select_from(Badge)) == 6,
        what=lambda: f"six badges issued by the worker, {_scalar(app, select(func.count()).select_from(Badge))} so far",
    )

    response = client.post(f"{base}/print", data={"layout": "a6"})
    assert response.status_code == 302
    print_id = int(response.headers["Location"].rsplit("/", 1)[1])

    def done():
        progress = client.get(f"{base}/prints/{print_id}/progress").get_json()
        return progress if progress["finished"] else None

    progress = wait_for(done, what="the worker to make the PDF", timeout=120)
    assert (progress["status"], progress["percent"], progress["rows_label"]) == ("done", 100, "6 of 6 badges")
    download = client.get(f"{base}/prints/{print_id}/badges.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(download.data))
    assert len(reader.pages) == 6
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert "Olga Organizer" in text and "Siti Aminah" in text
    assert _scalar(app, select(BadgePrint.status)) == BadgePrint.Status.DONE
    entry = _scalar(app, select(AuditEntry).where(AuditEntry.action == AuditAction.BADGES_PRINTED))
    assert entry.after["people"] == 6 and entry.object_id == print_id
    celery_worker.wait_until_idle()
