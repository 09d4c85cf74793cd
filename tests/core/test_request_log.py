"""One JSON line per request, with a request id that reaches the tasks it sets off."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from celery.signals import before_task_publish

from avvik.core.logs import log_handler
from avvik.core.request_ids import HEADER, current
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the JSON handler, as production installs it, writes for every logger."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parsed(stream: io.StringIO, logger: str = "avvik.access") -> list[dict[str, object]]:
    found = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in found if line["logger"] == logger]


def test_a_request_is_one_json_line_with_the_rule_not_the_path(client, lines):
    response = client.get("/reports/123456?q=Kari+Nordmann+f%C3%B8dt+010180",
                          headers={HEADER: "abc-123-def-456"})
    [line] = parsed(lines)
    assert line["method"] == "GET" and line["status"] == response.status_code
    assert line["path"] == "/reports/<int:report_id>"
    assert line["endpoint"] == "reports.detail"
    assert line["request_id"] == "abc-123-def-456"
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method",
                         "path", "endpoint", "status", "duration_ms", "user_id"}
    text = lines.getvalue()
    assert "Kari" not in text and "123456" not in text and "010180" not in text


def test_an_unknown_path_is_logged_without_it(client, lines):
    assert client.get("/no/such/page/Kari-Nordmann").status_code == 404
    [line] = parsed(lines)
    assert line["path"] == "<unmatched>" and line["status"] == 404
    assert "Kari" not in lines.getvalue()


def test_the_line_names_the_signed_in_user(client, db_session, lines):
    user = make_user()
    db_session.flush()
    login(client, user.username, DEFAULT_PASSWORD)
    client.get("/reports/")
    line = parsed(lines)[-1]
    assert line["endpoint"] == "reports.index" and line["user_id"] == user.id


def test_the_request_id_round_trips_and_a_bad_one_is_replaced(client):
    assert client.get("/health/live", headers={HEADER: "lb-7f3a9c1e"}
                      ).headers[HEADER] == "lb-7f3a9c1e"
    for bad in ("short", "has space in it", "x" * 200, "quote\"d-123456", "Kari Nordmann"):
        answered = client.get("/health/live", headers={HEADER: bad}).headers[HEADER]
        assert answered != bad and len(answered) == 32
    assert client.get("/health/live").headers[HEADER] != client.get(
        "/health/live").headers[HEADER]


def test_the_request_id_goes_with_a_task_and_onto_its_log_lines(app, lines):
    celery = app.extensions["celery"]

    @celery.task(name="tests.log_a_line", shared=False)
    def log_a_line() -> None:
        logging.getLogger("avvik.tests.task").warning("a task's line")

    published: list[dict[str, object]] = []

    def keep(headers: dict[str, object] | None = None, **_kwargs: object) -> None:
        published.append(dict(headers or {}))

    before_task_publish.connect(keep, weak=False)
    try:
        token = current.set("req-0042-0042")
        try:
            celery.send_task("tests.log_a_line")  # the memory broker of the tests
        finally:
            current.reset(token)
    finally:
        before_task_publish.disconnect(keep)
    [headers] = published
    assert headers["avvik_request_id"] == "req-0042-0042"

    # The worker's side: Celery's trace runs task_prerun, the task, task_postrun.
    log_a_line.apply(headers=headers)
    [line] = parsed(lines, "avvik.tests.task")
    assert line["request_id"] == "req-0042-0042" and line["message"] == "a task's line"
    assert current.get() is None  # the next task in this process starts without it
