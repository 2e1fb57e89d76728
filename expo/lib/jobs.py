"""The lifecycle of a job the worker runs step by step while a page polls its progress (lead reports, badge prints).

queued → running → done, or failed. The worker takes a job with one conditional UPDATE (``claim``),
so a redelivered task finds a done job, or one another worker is running, and does nothing. Every
step the task commits moves the heartbeat: a job whose heartbeat stopped lost its worker, or never
reached one, and may be run again.

A model takes part by deriving from ``Job`` and declaring its ``Status`` (the four values, its own
labels), its ``status`` column and its ``percent``; what a job makes, and how far it is, stays with
its area.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db

# A running job whose heartbeat is older than this lost its worker; it may be run again.
STALLED_AFTER = timedelta(minutes=3)


class Job:
    """The columns the lifecycle reads and writes (after the model's own, as the tables always had them)."""

    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moves with every committed step: a "running" job whose heartbeat stopped has lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


def claim(model: type[Job], job_id: int, now: datetime | None = None, *, reset: dict[str, Any]) -> bool:
    """Take the job for running: queued, failed or stalled ones only; a done one is left alone.

    ``reset`` sets the model's progress back to nothing (its counter of what is done).
    """
    now = now or utcnow()
    return bool(
        db.session.execute(
            update(model)
            .where(
                model.id == job_id,
                or_(
                    model.status.in_([model.Status.QUEUED, model.Status.FAILED]),
                    and_(model.status == model.Status.RUNNING, model.heartbeat_at < now - STALLED_AFTER),
                ),
            )
            .values(
                status=model.Status.RUNNING,
                attempts=model.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                error="",
                **reset,
            )
        ).rowcount
    )


def is_stalled(job: Job, now: datetime | None = None) -> bool:
    # Queued but never picked up (the broker lost it), or running with a silent worker.
    now = now or utcnow()
    return (
        job.status in (job.Status.QUEUED, job.Status.RUNNING)
        and (job.heartbeat_at or job.created_at) < now - STALLED_AFTER
    )


def is_stuck(job: Job, now: datetime | None = None) -> bool:
    """Failed or stalled: its requester may run it again (a done one stays as it is)."""
    return job.status == job.Status.FAILED or is_stalled(job, now)


def stalled_ids(model: type[Job], now: datetime | None = None, limit: int = 100) -> list[int]:
    """The ids ``is_stalled`` says yes to, oldest first: a sweep publishes them again."""
    before = (now or utcnow()) - STALLED_AFTER
    return list(
        db.session.scalars(
            select(model.id)
            .where(
                model.status.in_([model.Status.QUEUED, model.Status.RUNNING]),
                func.coalesce(model.heartbeat_at, model.created_at) < before,
            )
            .order_by(model.id)
            .limit(limit)
        ).all()
    )


def queue_again(job: Job, *, reset: dict[str, Any]) -> None:
    """Put a stuck job back in the queue (the caller publishes its task), its progress back to nothing."""
    model = type(job)
    # The heartbeat restarts: a queued job is "stalled" only once it has waited STALLED_AFTER again.
    db.session.execute(
        update(model)
        .where(model.id == job.id)
        .values(status=model.Status.QUEUED, error="", heartbeat_at=utcnow(), **reset)
    )
    db.session.refresh(job)


def record_failure(model: type[Job], job_id: int, message: str) -> Job | None:
    """Mark the job failed with ``message`` for its requester; None when the job is gone."""
    job = db.session.get(model, job_id)
    if job is None:
        return None
    job.status = model.Status.FAILED
    job.error = message
    job.finished_at = utcnow()
    db.session.flush()
    return job


def progress(job: Job, done_label: str) -> dict:
    """What a job's page polls for; ``done_label`` says how far it is in the job's own words."""
    return {
        "id": job.id,
        "status": job.status,
        "status_label": job.Status(job.status).label,
        "percent": job.percent,
        "rows_label": done_label,
        "error": job.error if job.status == job.Status.FAILED else "",
        "finished": job.is_finished,
    }
