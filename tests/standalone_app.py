"""An app of a test's own, on a database of its own, for tests the shared session app cannot serve
(racers needing a pool of their own, a route added before the first request)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from expo import create_app


def standalone_app(database_url: str, instance_path: Path | str, **config: Any) -> Flask:
    """Nothing inherited from the environment may change this app (EXPO_ENV, DATABASE_URL, REDIS_URL);
    tasks are recorded, not sent; no mail server; the rate limits in memory. ``config`` adds or
    overrides settings."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("EXPO_ENV", "DATABASE_URL", "REDIS_URL"):
            patch.delenv(name, raising=False)
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "standalone-secret-key-that-is-long-enough",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "TASKS_RECORD_ONLY": True,
                "MAIL_SERVER": None,
                "RATELIMIT_STORAGE_URI": "memory://",
                **config,
            },
            instance_path=str(instance_path),
        )
