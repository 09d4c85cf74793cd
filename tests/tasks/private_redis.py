"""A redis-server of a test's own, on a free port, that the test stops and starts at will
(never the machine's shared one: stopping it would disturb every other test)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import redis as redis_client

from tests.services import free_port, missing_service
from tests.tasks.processes import wait_for


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        missing_service("redis-server is not installed (these tests run a private one)")
    return str(binary)


@dataclass
class PrivateRedis:
    tmp: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", str(self.tmp)]
        with (self.tmp / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.answers, 20, f"the private redis-server on port {self.port}")

    def answers(self) -> bool:
        client = redis_client.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis_client.RedisError:
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        self.process = None

    def connections_made(self) -> int:
        """Connections the server has taken so far (this question's own included)."""
        client = redis_client.Redis.from_url(self.url)
        try:
            return int(client.info("stats")["total_connections_received"])
        finally:
            client.close()

    def queue_length(self, queue: str) -> int:
        client = redis_client.Redis.from_url(self.url)
        try:
            return int(client.llen(queue))
        finally:
            client.close()
