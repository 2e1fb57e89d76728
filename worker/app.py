"""The Celery app, built from the Flask app so every task runs inside its application context.

Start it with `celery -A worker.app worker` and `celery -A worker.app beat`.
"""

from expo import create_app
from worker.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE

import worker.tasks  # noqa: E402,F401 - registers the tasks with this app
