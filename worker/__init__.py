"""Background work: the Celery app lives in worker.app, the tasks in worker.tasks."""
