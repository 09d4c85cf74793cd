"""The embedded broker of `avvik serve`: Valkey from its wheel, on a private unix socket,
keeping queued work across a restart."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import redis

import config
from avvik.app import create_app
from avvik.serving import broker
from avvik.serving.children import ROOT_WARNING_FILTER, worker_environment
from avvik.serving.supervisor import Supervisor
from config import MAX_SOCKET_PATH, embedded_broker_socket, embedded_broker_url


class EmbeddedBroker:
    """valkey-server as `avvik serve` runs it, under the same supervisor."""

    def __init__(self, instance: Path) -> None:
        self.socket = embedded_broker_socket(instance)
        self.data_dir = instance / "broker"
        self.supervisor = Supervisor(os.environ, grace_seconds=10, say=lambda _line: None)

    def start(self) -> None:
        broker.prepare(self.socket, self.data_dir)
        self.supervisor.start("broker", broker.server_argv(self.socket, self.data_dir))
        self.supervisor.wait_until(lambda: broker.answers(self.socket), 30, "the broker")

    def stop(self) -> None:
        self.supervisor.stop_all()  # SIGTERM, as Ctrl-C on `make run` sends it
        self.supervisor.children.clear()

    def queue(self, name: str) -> list[dict[str, object]]:
        client = redis.Redis(unix_socket_path=str(self.socket))
        try:
            return [json.loads(raw) for raw in client.lrange(name, 0, -1)]
        finally:
            client.close()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    running = EmbeddedBroker(tmp_path / "instance")
    running.start()
    yield running
    running.stop()


@pytest.mark.slow
def test_work_queued_in_the_embedded_broker_survives_its_restart(
        embedded: EmbeddedBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVVIK_BROKER_URL", embedded_broker_url(embedded.data_dir.parent))
    monkeypatch.setenv("AVVIK_CELERY_QUEUE", "celery")
    app = create_app(config.TestingConfig())
    app.extensions["celery"].send_task("mail.send_test", args=["a@example.org", "<t@avvik>"])

    embedded.stop()
    embedded.start()

    queued = embedded.queue("celery")
    assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in queued] == [
        ("mail.send_test", "['a@example.org', '<t@avvik>']")]


@pytest.mark.slow
def test_the_broker_listens_only_on_a_socket_closed_to_others(
        embedded: EmbeddedBroker) -> None:
    client = redis.Redis(unix_socket_path=str(embedded.socket))
    try:
        config = client.config_get("*")
    finally:
        client.close()

    assert config["port"] == "0"
    assert (config["appendonly"], config["maxmemory-policy"]) == ("yes", "noeviction")
    assert stat.S_IMODE(embedded.socket.stat().st_mode) == 0o700
    assert stat.S_IMODE(embedded.data_dir.stat().st_mode) == 0o700


@pytest.mark.slow
def test_a_second_serve_on_the_same_instance_folder_is_refused(
        embedded: EmbeddedBroker) -> None:
    with pytest.raises(click.ClickException, match="a broker already answers"):
        broker.prepare(embedded.socket, embedded.data_dir)


def test_a_deep_instance_folder_gets_a_short_private_socket_path(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    shallow = Path("/srv/avvik/instance")

    assert embedded_broker_socket(shallow) == shallow / "broker" / "valkey.sock"
    moved = embedded_broker_socket(deep)
    assert len(str(moved)) <= MAX_SOCKET_PATH
    assert moved == embedded_broker_socket(deep)  # every process finds the same one
    assert moved != embedded_broker_socket(deep / "other")


def test_a_socket_folder_that_is_no_folder_of_this_users_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "not-a-folder"
    elsewhere.write_text("")

    with pytest.raises(click.ClickException, match="is not a folder of this user's"):
        broker.prepare(elsewhere / "valkey.sock", tmp_path / "broker")


@pytest.mark.parametrize("euid", [0, 1000])
def test_celerys_root_warning_is_filtered_only_for_root(
        euid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: euid)

    found = worker_environment({"PYTHONWARNINGS": "default", "PATH": "/bin"})

    expected = f"default,{ROOT_WARNING_FILTER}" if euid == 0 else "default"
    assert found == {"PYTHONWARNINGS": expected, "PATH": "/bin"}
