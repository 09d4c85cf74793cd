"""Sign-in under a crowd: N people submit the sign-in form at the same moment to the
production server (gunicorn, two sync workers, argon2id at the production parameters).

The first round signs in people whose stored hashes have the old parameters (64 MiB,
3 passes, 4 lanes): each sign-in verifies at those and renews the hash. The later rounds
are ordinary sign-ins. The time is the form's POST, from sending it to the redirect; a
sign-in that gunicorn's 30 s worker timeout ends counts as failed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher

from avvik.auth.passwords import hash_password
from avvik.extensions import db
from avvik.users.models import User
from bench.load import percentile
from bench.web import CSRF, Browser

PASSWORD = "bench tre blå fugler på taket"
OLD = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)


def make_people(count: int) -> list[str]:
    """``count`` users whose hashes have the old parameters (call in an app context)."""
    old_hash = OLD.hash(PASSWORD)
    names = [f"bench.signin.{n}" for n in range(count)]
    db.session.add_all(User(username=name, full_name=f"Bench {name}",
                            email=f"{name}@bench.invalid", password_hash=old_hash,
                            is_admin=False, is_active=True) for name in names)
    db.session.commit()
    return names


def _round(port: int, names: list[str]) -> tuple[list[float], list[str]]:
    """Everyone fetches the form, then all POST at once; (seconds per POST, failures)."""
    browsers = [Browser(port) for _ in names]
    tokens = []
    for browser in browsers:
        _, page, _ = browser.request("GET", "/auth/login")
        match = CSRF.search(page)
        tokens.append(match.group(1) if match else "")
    start = threading.Barrier(len(names))
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def post(browser: Browser, name: str, token: str) -> None:
        start.wait()
        try:
            status, _, elapsed = browser.request("POST", "/auth/login", {
                "csrf_token": token, "username": name, "password": PASSWORD, "next": ""})
        except OSError as error:  # the worker was killed at its timeout
            status, elapsed = type(error).__name__, 0.0
        with lock:
            if status == 302:
                times.append(elapsed)
            else:
                failures.append(str(status))

    threads = [threading.Thread(target=post, args=args)
               for args in zip(browsers, names, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures


def run(port: int, names: list[str], rounds: int) -> dict[str, Any]:
    renewing, failed = _round(port, names)
    ordinary: list[float] = []
    for _ in range(rounds):
        time.sleep(1)
        times, failures = _round(port, names)
        ordinary += times
        failed += failures
    return {"people_at_once": len(names), "rounds": rounds,
            "failed": {why: failed.count(why) for why in sorted(set(failed))},
            "p50_s": round(percentile(ordinary, 0.5), 3),
            "p95_s": round(percentile(ordinary, 0.95), 3),
            "renewing_p50_s": round(percentile(renewing, 0.5), 3),
            "renewing_p95_s": round(percentile(renewing, 0.95), 3),
            "one_hash_ms": _median_ms(lambda: hash_password(PASSWORD)),
            "old_parameters_hash_ms": _median_ms(lambda: OLD.hash(PASSWORD))}


def _median_ms(run: Callable[[], object], repeats: int = 5) -> float:
    """One hash in this process, alone: the median of a few."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return round(percentile(times, 0.5) * 1000, 1)
