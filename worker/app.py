"""The Celery app, built from the Flask app so every task runs inside its application context.

Start it with `celery -A worker.app worker` and `celery -A worker.app beat`.
"""

import logging

from celery.signals import worker_ready, worker_shutdown

from expo import create_app
from expo.db_types import utcnow
from expo.extensions import db
from expo.heartbeat import Heartbeat
from worker.schedule import BEAT_SCHEDULE

log = logging.getLogger(__name__)

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE

import worker.tasks  # noqa: E402,F401 - registers the tasks with this app

_heartbeat: Heartbeat | None = None


@worker_ready.connect
def _on_worker_ready(**_kwargs) -> None:
    """Beat for /healthz from the main process; as the only worker, take back what a dead one held."""
    global _heartbeat
    started_at = utcnow()
    _heartbeat = Heartbeat(flask_app)
    _heartbeat.start()
    if flask_app.config["SOLE_WORKER"]:
        from expo.notifications.services import requeue_after_worker_restart

        with flask_app.app_context():
            try:
                count = requeue_after_worker_restart(started_at)
                db.session.commit()
            finally:
                db.session.remove()
        if count:
            log.info("published %s e-mail(s) a previous worker had left unfinished", count)


@worker_shutdown.connect
def _on_worker_shutdown(**_kwargs) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
