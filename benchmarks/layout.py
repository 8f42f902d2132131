"""The ceiling for any trainhub page: trainhub itself (its request hooks, session, security
headers, locale) rendering the GOV.UK layout with nothing in it and without a query, under
the same gunicorn settings as the pages."""

from benchmarks.pages import add_empty_page
from trainhub import create_app

app = create_app()
add_empty_page(app)
