"""The command lines ``avvik serve`` starts its Celery processes with."""

from __future__ import annotations

import pytest

from avvik.serving.children import beat_argv, worker_argv


def _log_level(argv: list[str]) -> str:
    return argv[argv.index("--loglevel") + 1]


def test_worker_and_beat_log_only_warnings_on_the_console_by_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVVIK_LOG_LEVEL", raising=False)
    assert _log_level(worker_argv()) == "warning"
    assert _log_level(beat_argv()) == "warning"


def test_avvik_log_level_shows_every_task(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVVIK_LOG_LEVEL", "INFO")
    assert _log_level(worker_argv()) == "info"
    assert _log_level(beat_argv()) == "info"
