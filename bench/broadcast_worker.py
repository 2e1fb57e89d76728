"""The benchmark's Celery worker: Expo's worker app plus one empty task, Celery's own baseline.

With BENCH_MAILER=library (``bench broadcast --mailer library``) the workers build each message
with the standard email package (bench/mail_library.py) instead of expo's own assembly.
"""

import os

import worker.tasks  # noqa: F401 - the real tasks, registered as in production
from worker.app import celery

if os.environ.get("BENCH_MAILER") == "library":
    from bench import mail_library
    from expo.notifications import mailer

    mailer.build_message = mail_library.build_message


@celery.task(name="bench.noop", acks_late=True)
def noop() -> None:
    """Nothing at all: what a task costs Celery and Redis alone, with the app's settings."""
