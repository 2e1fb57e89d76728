"""The log-in and mail throttle on Redis, the production rate-limit store (the other tests use
memory://): the same counts, locks, growing waits and mail slots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from expo.accounts import throttle
from tests.integration.conftest import REDIS_URL


class RedisLimiter:
    """What the throttle uses of Flask-Limiter, over its own Redis storage (Flask-Limiter keeps
    one storage for every app, and the other tests keep theirs in memory)."""

    enabled = True

    def __init__(self, url: str):
        self.storage = storage_from_string(url)
        self.limiter = MovingWindowRateLimiter(self.storage)


@pytest.fixture()
def redis_throttle(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisLimiter]:
    redis_limiter = RedisLimiter(REDIS_URL)
    redis_limiter.storage.reset()
    monkeypatch.setattr(throttle, "limiter", redis_limiter)
    with app.test_request_context():
        yield redis_limiter
    redis_limiter.storage.reset()


def test_failures_lock_the_pair_and_slow_the_account_on_redis(redis_throttle: RedisLimiter) -> None:
    account = "organizer@example.com"
    for _ in range(10):
        assert throttle.lockout_seconds(account, "192.0.2.1") == 0
        throttle.record_login_failure(account, "192.0.2.1")
    assert 0 < throttle.lockout_seconds(account, "192.0.2.1") <= 15 * 60
    assert throttle.lockout_seconds(account, "192.0.2.2") == 0
    assert throttle.slowdown_seconds(account) == 0

    for number in range(10):
        throttle.record_login_failure(account, f"198.51.100.{number}")
    waits = []
    for number in range(3):
        waits.append(throttle.slowdown_seconds(account))
        throttle.record_login_failure(account, f"198.51.101.{number}")
    assert waits == [2, 4, 8]

    assert throttle.device_in_good_standing(account, "laptop")
    for _ in range(10):
        throttle.record_login_failure(account, "192.0.2.9", device_id="laptop")
    assert not throttle.device_in_good_standing(account, "laptop")


def test_mail_slots_per_address_on_redis(redis_throttle: RedisLimiter) -> None:
    assert [throttle.take_mail_slot("reset", "someone@example.com") for _ in range(3)] == [0, 0, 0]
    assert 0 < throttle.take_mail_slot("reset", "someone@example.com") <= 3600
    assert throttle.take_mail_slot("confirm", "someone@example.com") == 0
    assert throttle.take_mail_slot("reset", "someone.else@example.com") == 0
