"""A small asyncio HTTP/1.1 client: N connections, keep-alive where the server keeps
them (gunicorn's sync workers close each one; then it reconnects), bounded in time and
count. Latency is from writing the request to having read the whole answer."""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

MAX_REQUESTS = 1_000_000  # a hard bound besides the time


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  #: seconds, successful requests
    errors: dict[str, int] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)  #: the first few answers

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _request(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    close = headers.get("connection", "").lower() == "close"
    return int(status_line.split()[1]), close, body


async def _client(port: int, requests: list[bytes], expect: int, stop_at: float,
                  result: LoadResult, budget: list[int], offset: int) -> None:
    reader = writer = None
    i = offset
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        payload = requests[i % len(requests)]
        i += 1
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            status, close, body = await _read_answer(reader)
        except (OSError, asyncio.IncompleteReadError) as error:
            result.errors[type(error).__name__] = result.errors.get(type(error).__name__, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        if status == expect:
            result.latencies.append(time.monotonic() - started)
            if len(result.bodies) < 3:
                result.bodies.append(body)
        else:
            result.errors[str(status)] = result.errors.get(str(status), 0) + 1
            if len(result.bodies) < 3:
                result.bodies.append(body)
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_load(port: int, path: str, plans: list[tuple[dict[str, str], list[dict[str, Any]]]],
             *, clients: int, seconds: float, expect: int = 201,
             warmup: float = 2.0) -> LoadResult:
    """POST JSON to ``path`` from ``clients`` connections; client i sends the bodies of
    ``plans[i % len(plans)]`` (round robin) with its headers. A warm-up run first is
    not counted."""
    prepared = [[_request("POST", path, {"Content-Type": "application/json", **headers},
                          json.dumps(body).encode()) for body in bodies]
                for headers, bodies in plans]

    async def main(duration: float) -> LoadResult:
        result = LoadResult(duration)
        budget = [MAX_REQUESTS]
        started = time.monotonic()
        stop_at = started + duration
        await asyncio.gather(*(
            _client(port, prepared[n % len(prepared)], expect, stop_at, result, budget,
                    n * 7) for n in range(clients)))
        result.seconds = time.monotonic() - started
        return result

    if warmup:
        asyncio.run(main(warmup))
    return asyncio.run(main(seconds))
