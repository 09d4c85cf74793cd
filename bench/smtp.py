"""A real SMTP server in the harness (aiosmtpd, its own thread) that notes when each
e-mail arrived, keyed by its Message-ID; it parses nothing else."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)


class _Handler:
    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        self.by_id: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        now = time.monotonic()
        head = envelope.content[:4096]
        match = MESSAGE_ID.search(head)
        key = match.group(1).decode("ascii", "replace") if match else ""
        with self.lock:
            self.arrivals.append((now, key))
            self.by_id.setdefault(key, now)
        return "250 OK"


class CountingSmtp:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port,
                                     ready_timeout=30)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def count(self) -> int:
        return len(self.handler.arrivals)

    def times_since(self, index: int) -> list[float]:
        """When each e-mail from the ``index``-th on arrived, in order: one run's share."""
        with self.handler.lock:
            return sorted(t for t, _key in self.handler.arrivals[index:])

    def first_matching(self, prefix: str) -> float | None:
        """When the first e-mail whose Message-ID starts with ``prefix`` arrived."""
        with self.handler.lock:
            hits = [t for key, t in self.handler.by_id.items() if key.startswith(prefix)]
        return min(hits, default=None)
