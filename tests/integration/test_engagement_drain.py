"""Page views to engagement_events in production's shape: the Redis buffer, a real Celery worker
process running the drain task, and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask_login import login_user
from sqlalchemy import func, select

from expo.accounts.models import User
from expo.background import publish
from expo.booths.services import find_booth
from expo.engagement import services
from expo.engagement.buffer import RedisBuffer, current_buffer
from expo.engagement.models import EngagementEvent
from expo.extensions import db
from tests.integration.conftest import REDIS_URL, wait_for

if TYPE_CHECKING:
    from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration

BROWSER = {"User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"}
DRAIN_TASK = "engagement.drain_events"


@pytest.fixture()
def scratch_buffer() -> RedisBuffer:
    """A Redis buffer under a key of its own, so the worker's buffer is not touched."""
    buffer = RedisBuffer(REDIS_URL, cap=3, key="expo:test:engagement-buffer")
    buffer.clear()
    yield buffer
    buffer.clear()


def event(number: int) -> dict:
    return {
        "key": f"key-{number}",
        "kind": "booth_visit",
        "booth": 1,
        "visitor": "v",
        "at": "2027-09-10T01:00:00+00:00",
    }


def test_the_redis_buffer_keeps_order_until_trimmed_and_drops_past_its_cap(scratch_buffer):
    for number in range(4):
        scratch_buffer.append(event(number))
    assert scratch_buffer.size() == 3, "the fourth was past the cap"
    batch = scratch_buffer.read_batch(2)
    assert [item["key"] for item in batch.events] == ["key-0", "key-1"]
    scratch_buffer.append(event(9))  # no room yet: reading removes nothing
    with scratch_buffer.drain_lock() as lock:
        assert lock is not None
        with scratch_buffer.drain_lock() as second:
            assert second is None, "one drainer at a time"
        assert scratch_buffer.trim(batch, lock)
    assert [item["key"] for item in scratch_buffer.read_batch().events] == ["key-2"]
    assert scratch_buffer.append(event(10))


def test_a_drainer_whose_redis_lock_expired_trims_nothing(scratch_buffer):
    scratch_buffer.append(event(0))
    batch = scratch_buffer.read_batch()
    with scratch_buffer.drain_lock() as lock:
        scratch_buffer.client.delete(scratch_buffer.lock_key)  # it expired while the batch was written
        assert not scratch_buffer.trim(batch, lock)
    assert scratch_buffer.size() == 1


def _record(app: Flask, slug: str, kind: str = EngagementEvent.BOOTH_VISIT, user_id: int | None = None) -> None:
    with app.test_request_context(f"/booths/{slug}", headers=BROWSER):
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        assert services.record(kind, find_booth(slug))


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EngagementEvent))


def test_recorded_events_reach_postgresql_through_the_worker(
    app: Flask, client, factory, engagement_buffer, celery_worker: WorkerProcess
):
    company = factory.company(owner=factory.user(), name="Bangkok Herbal")
    booth = factory.booth(company)
    buyer = factory.user()
    for _ in range(3):
        _record(app, booth.slug)
    _record(app, booth.slug, user_id=buyer.id)
    response = client.post("/engagement/track", json={"kind": "video_play", "booth": booth.slug}, headers=BROWSER)
    assert response.status_code == 204
    assert isinstance(engagement_buffer, RedisBuffer) and engagement_buffer.size() == 5

    with app.app_context():
        publish(DRAIN_TASK)
    wait_for(lambda: _stored(app) == 5, what=lambda: f"5 stored events; there are {_stored(app)}")
    celery_worker.wait_until_idle()
    assert engagement_buffer.size() == 0
    with app.app_context():
        kinds = db.session.execute(
            select(EngagementEvent.kind, func.count(), func.count(EngagementEvent.user_id))
            .group_by(EngagementEvent.kind)
            .order_by(EngagementEvent.kind)
        ).all()
    assert [tuple(row) for row in kinds] == [("booth_visit", 4, 1), ("video_play", 1, 0)]


def test_a_batch_a_dead_drainer_wrote_but_never_trimmed_is_stored_once(
    app: Flask, factory, engagement_buffer, celery_worker: WorkerProcess
):
    booth = factory.booth(factory.company(owner=factory.user()))
    for _ in range(4):
        _record(app, booth.slug)
    with app.app_context():
        # A drainer that committed its batch and died before trimming it.
        services.store_events(current_buffer().read_batch().events)
        db.session.commit()
    assert _stored(app) == 4 and engagement_buffer.size() == 4

    with app.app_context():
        publish(DRAIN_TASK)
    wait_for(lambda: engagement_buffer.size() == 0, what="the worker to trim the batch")
    celery_worker.wait_until_idle()
    assert _stored(app) == 4
