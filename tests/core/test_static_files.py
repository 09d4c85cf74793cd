"""Static files: pages link fingerprinted names that browsers keep until the content
changes, and every file comes compressed when the browser accepts it."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
import pytest

from avvik.core.static_files import MANIFEST, build, fingerprinted

STATIC = Path(__file__).resolve().parents[2] / "avvik" / "static"
STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')
A_YEAR = 365 * 24 * 3600


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))


def test_pages_link_fingerprinted_files_kept_for_a_year(client):
    links = STATIC_LINK.findall(client.get("/auth/login").get_data(as_text=True))
    assert len(links) >= 4  # the icon and three style sheets
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", link), link
        with client.get(link) as response:
            assert response.status_code == 200, link
            assert "immutable" in response.headers["Cache-Control"]
            assert max_age(response) >= A_YEAR


def test_a_plain_name_is_served_but_kept_only_briefly(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert max_age(response) <= 60


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("br", "br", brotli.decompress),
    ("gzip, deflate, br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("", None, lambda data: data),
])
def test_files_come_compressed_as_the_browser_accepts(app, client, accept, encoding, decode):
    name = "vendor/designsystemet/designsystemet.css"
    url = "/static/" + app.extensions["static_manifest"][name]
    with client.get(url, headers={"Accept-Encoding": accept}) as response:
        assert response.headers.get("Content-Encoding") == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        body = response.get_data()
    assert decode(body) == (STATIC / name).read_bytes()
    if encoding:
        assert len(body) < (STATIC / name).stat().st_size / 4


def test_an_unknown_file_in_a_template_is_an_error(app):
    with app.test_request_context(), pytest.raises(LookupError, match=r"no-such\.css"):
        app.jinja_env.globals["static_url"]("css/no-such.css")


def test_a_changed_file_gets_a_new_name_and_old_builds_go(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    app_css = source / "css" / "app.css"
    app_css.write_text("body { color: black; }\n" * 50)
    (source / "LICENSE").write_text("text")
    builds = tmp_path / "builds"

    def build_at(moment: int) -> Path:
        """A build, dated ``moment`` seconds into the epoch (builds age by that date)."""
        made = build(source, builds)
        os.utime(made / MANIFEST, (moment, moment))
        return made

    first = build_at(1)
    assert build(source, builds) == first  # unchanged: the same build, not made again
    first_name = fingerprinted("css/app.css", app_css.read_bytes())
    assert (first / MANIFEST).read_text().count(first_name) == 1
    assert (first / "files" / first_name).is_file()
    assert (first / "files" / (first_name + ".br")).is_file()
    assert (first / "files" / (first_name + ".gz")).is_file()
    assert (first / "files" / "LICENSE").is_file()

    app_css.write_text("body { color: navy; }\n" * 50)
    second = build_at(2)
    second_name = fingerprinted("css/app.css", app_css.read_bytes())
    assert second != first and second_name != first_name
    assert (second / "files" / second_name).is_file()
    # A server started before the change still finds its files; the oldest builds go.
    assert sorted(builds.iterdir()) == sorted([first, second])
    newer = []
    for moment, color in enumerate(("red", "blue", "green"), start=3):
        app_css.write_text(f"body {{ color: {color}; }}\n" * 50)
        newer.append(build_at(moment))
    assert sorted(builds.iterdir()) == sorted(newer)


def test_fingerprints_keep_every_part_of_the_name():
    assert re.fullmatch(r"vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js",
                        fingerprinted("vendor/chartjs/chart.umd.min.js", b"x"))
    assert re.fullmatch(r"LICENSE\.[0-9a-f]{12}", fingerprinted("LICENSE", b"x"))
    assert re.fullmatch(r"\.hidden\.[0-9a-f]{12}", fingerprinted(".hidden", b"x"))
