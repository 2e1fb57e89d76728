"""The benchmark's Celery worker: Expo's worker app plus one empty task, Celery's own baseline."""

from worker.app import celery

import worker.tasks  # noqa: F401 - the real tasks, registered as in production


@celery.task(name="bench.noop", acks_late=True)
def noop() -> None:
    """Nothing at all: what a task costs Celery and Redis alone, with the app's settings."""
