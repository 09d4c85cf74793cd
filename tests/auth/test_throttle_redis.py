"""The sign-in throttle on a real Redis, as production runs it: the broker's Redis.

Each test has an app of its own with a key prefix of its own, so that runs sharing the
Redis never count each other's failures; its keys are deleted afterwards.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from flask import Flask
from limits.storage import RedisStorage

from avvik.app import create_app
from avvik.auth.throttle import (
    Attempt,
    client_key,
    record_failure,
    seconds_to_wait,
    throttle_key,
)
from avvik.extensions import db
from avvik.serving.broker import answers, prepare, server_argv
from config import DevelopmentConfig, embedded_broker_socket, limits_storage_url
from tests.conftest import login, make_test_config, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.services import REDIS_URL, free_port, missing_service

WRONG = "feil-passord-123"
HOME, STRANGER = "198.51.100.7", "203.0.113.66"


@pytest.fixture
def redis_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose rate limits are in Redis under a prefix of this test's own."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        missing_service(f"Redis not reachable at {REDIS_URL}: {error}")
    prefix = f"avvik-test-{uuid.uuid4().hex[:12]}"
    config = make_test_config(f"sqlite:///{tmp_path / 'app.sqlite3'}", tmp_path)
    config.RATELIMIT_STORAGE_URI = REDIS_URL
    config.RATELIMIT_KEY_PREFIX = prefix
    app = create_app(config)
    with app.app_context():
        db.create_all()
        make_user("kari")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def browser_at(app: Flask, address: str):
    browser = new_browser(app)
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_the_rate_limits_are_kept_in_redis(redis_app):
    assert isinstance(redis_app.extensions["avvik.limiter"].storage, RedisStorage)
    login(browser_at(redis_app, STRANGER), "kari", WRONG)
    prefix = redis_app.config["RATELIMIT_KEY_PREFIX"]
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*"))
    assert keys and all(b"kari" not in key for key in keys)  # a digest, never the name


def test_a_stranger_on_redis_cannot_lock_the_real_user_out(redis_app, clock):
    stranger = browser_at(redis_app, STRANGER)
    for _ in range(3):
        assert "wrong" in login(stranger, "kari", WRONG).get_data(as_text=True)
    for wait in (1, 2, 4):
        refused = login(stranger, "kari", DEFAULT_PASSWORD)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == str(wait)
        clock.shift(timedelta(seconds=wait, milliseconds=1))
        assert "wrong" in login(stranger, "kari", WRONG).get_data(as_text=True)
    assert login(stranger, "kari", DEFAULT_PASSWORD).headers["Retry-After"] == "8"
    # Kari, on her own address, is let in at once.
    assert login(browser_at(redis_app, HOME), "kari", DEFAULT_PASSWORD).status_code == 302


def test_the_embedded_brokers_socket_is_named_for_limits():
    assert limits_storage_url("redis+socket:///srv/avvik/broker/valkey.sock") == \
        "redis+unix:///srv/avvik/broker/valkey.sock"
    assert limits_storage_url("redis://10.0.0.5:6379/1") == "redis://10.0.0.5:6379/1"
    assert limits_storage_url("memory://") == "memory://"


def test_the_embedded_broker_keeps_the_limits_too(tmp_path, monkeypatch, clock):
    """The default configuration, with no broker named: the embedded valkey-server of
    ``avvik serve``, on its unix socket, holds the rate limits as well as the queue."""
    monkeypatch.setenv("AVVIK_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("AVVIK_BROKER_URL", raising=False)
    monkeypatch.delenv("AVVIK_RATELIMIT_STORAGE_URL", raising=False)
    config = DevelopmentConfig()
    socket = embedded_broker_socket(tmp_path)
    storage_uri = config.RATELIMIT_STORAGE_URI
    assert storage_uri == f"redis+unix://{socket}"
    prepare(socket, tmp_path / "broker")
    server = subprocess.Popen(server_argv(socket, tmp_path / "broker"))
    try:
        for _ in range(100):
            if answers(socket):
                break
            time.sleep(0.05)  # the server's start-up, not the app's clock
        app = create_app(config)
        with app.test_request_context(environ_base={"REMOTE_ADDR": STRANGER}):
            attempt = Attempt(throttle_key("kari"), client_key(STRANGER))
            for _ in range(3):
                record_failure(attempt)
            assert seconds_to_wait(attempt) == 1
        assert isinstance(app.extensions["avvik.limiter"].storage, RedisStorage)
        assert redis.Redis(unix_socket_path=str(socket)).dbsize() > 0
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_without_its_redis_sign_in_goes_on_unthrottled(tmp_path, caplog, clock):
    config = make_test_config(f"sqlite:///{tmp_path / 'app.sqlite3'}", tmp_path)
    config.RATELIMIT_STORAGE_URI = f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    app = create_app(config)
    with app.app_context():
        db.create_all()
        make_user("kari")
        db.session.commit()
    browser = new_browser(app)
    for _ in range(4):
        assert "wrong" in login(browser, "kari", WRONG).get_data(as_text=True)
    assert login(browser, "kari", DEFAULT_PASSWORD).status_code == 302
    assert "rate limit storage is unreachable" in caplog.text
    with app.app_context():
        db.engine.dispose()
