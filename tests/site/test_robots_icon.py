"""robots.txt and the service's icon (issue 20)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_robots_txt_lets_search_engines_see_the_public_pages_and_nothing_of_a_person_s(
    client: FlaskClient,
) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Allow: /courses\n" in text and text.rstrip().endswith("Disallow: /")


def test_every_page_names_the_service_s_own_icon(client: FlaskClient) -> None:
    page = client.get("/courses").get_data(as_text=True)

    # By its versioned address (trainhub.asset_urls), which browsers keep.
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})"', page)
    assert icon is not None
    assert client.get("/favicon.ico").location.endswith(icon.group(1))
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
