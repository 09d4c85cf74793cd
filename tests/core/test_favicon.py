"""The site's icon: linked from every page, and at /favicon.ico for whoever asks there."""

from __future__ import annotations

import re


def test_favicon_ico_answers_without_a_login(client):
    with client.get("/favicon.ico") as response:  # a file: closed when read
        assert response.status_code == 200
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an icon, not the login page


def test_every_page_links_an_icon_that_loads(client):
    html = client.get("/auth/login").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert link is not None
    with client.get(link.group(1)) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data
