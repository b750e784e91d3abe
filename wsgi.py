"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from segapp import create_app

app = create_app()
