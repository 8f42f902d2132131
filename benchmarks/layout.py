"""The ceiling for any trainhub page: trainhub itself (its request hooks, session, security
headers, locale) rendering the GOV.UK layout with nothing in it and without a query, under
the same gunicorn settings as the pages."""

from flask import render_template

from trainhub import create_app

app = create_app()
EMPTY = app.jinja_env.from_string('{% extends "base.html" %}{% block content %}{% endblock %}')


@app.get("/benchmark/empty")
def empty() -> str:
    return render_template(EMPTY)
