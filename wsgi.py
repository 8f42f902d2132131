"""WSGI entry point: ``gunicorn wsgi:app``."""

from trainhub import create_app

app = create_app()
