"""AVVIK_LOG_FORMAT, AVVIK_LOG_LEVEL, AVVIK_METRICS_ALLOW: defaults per environment, and a
wrong value refused in one line."""

from __future__ import annotations

import json
import logging
from ipaddress import ip_network

import pytest

import config
from avvik.core.logs import JsonFormatter, TextFormatter
from tests.test_config import ALL_REQUIRED


def test_development_logs_text_for_people_and_production_json(monkeypatch):
    for name in ("AVVIK_LOG_FORMAT", "AVVIK_LOG_LEVEL", "AVVIK_METRICS_ALLOW"):
        monkeypatch.delenv(name, raising=False)
    development = config.load_config("development")
    assert (development.LOG_FORMAT, development.LOG_LEVEL) == ("text", "WARNING")
    this_host = (ip_network("127.0.0.1/32"), ip_network("::1/128"))
    allowed = development.METRICS_ALLOW
    assert allowed == this_host
    assert development.METRICS_TOKEN is None
    for name, value in ALL_REQUIRED.items():
        monkeypatch.setenv(name, value)
    production = config.load_config("production")
    assert (production.LOG_FORMAT, production.LOG_LEVEL) == ("json", "INFO")


def test_the_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("AVVIK_LOG_FORMAT", "JSON")
    monkeypatch.setenv("AVVIK_LOG_LEVEL", "debug")
    monkeypatch.setenv("AVVIK_METRICS_ALLOW", " 10.0.0.0/8 , fd00::1 ")
    monkeypatch.setenv("AVVIK_METRICS_TOKEN", "t0ken")
    loaded = config.load_config("development")
    assert (loaded.LOG_FORMAT, loaded.LOG_LEVEL, loaded.METRICS_TOKEN) == (
        "json", "DEBUG", "t0ken")
    expected = (ip_network("10.0.0.0/8"), ip_network("fd00::1/128"))
    allowed = loaded.METRICS_ALLOW
    assert allowed == expected


@pytest.mark.parametrize(("name", "value", "said"), [
    ("AVVIK_LOG_FORMAT", "xml", "AVVIK_LOG_FORMAT='xml' is unknown"),
    ("AVVIK_LOG_LEVEL", "loud", "AVVIK_LOG_LEVEL='loud' is unknown"),
    ("AVVIK_METRICS_ALLOW", "127.0.0.1,intranet", "'intranet' is not an address"),
])
def test_a_wrong_value_is_refused_in_one_line(name, value, said, monkeypatch):
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=said):
        config.load_config("development")


def record(**fields: object) -> logging.LogRecord:
    made = logging.LogRecord("avvik.access", logging.INFO, __file__, 1, "request", None, None)
    made.__dict__.update(fields)
    return made


def test_only_the_named_fields_reach_a_line():
    line = json.loads(JsonFormatter().format(record(
        request_id="r-1", method="GET", status=200, patient_identity="01018012345",
        description="Kari fell")))
    assert line["method"] == "GET" and line["status"] == 200 and line["request_id"] == "r-1"
    assert "patient_identity" not in line and "Kari" not in json.dumps(line)


def test_the_text_line_is_short_for_a_console():
    text = TextFormatter().format(record(request_id="0123456789abcdef", method="GET",
                                         path="/reports/<int:report_id>", status=200))
    assert text.endswith("INFO avvik.access [01234567] request method=GET "
                         "path=/reports/<int:report_id> status=200")
