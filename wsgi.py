"""WSGI entry point: `gunicorn wsgi:app`."""

from expo import create_app, freeze_startup_objects

app = create_app()
freeze_startup_objects()
