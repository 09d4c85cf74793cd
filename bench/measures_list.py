"""The measures list (``/measures/``, avvik/measures) through the production server, for
the people who use it: the leader of the unit with the most measures, a quality adviser,
the secretariat and an administrator. Each opens the list, its filters and a deep page.

The list shows the measures the viewer may see, and that rule reads the measures' cases
(avvik/measures/queries.py): the figure is p95 against issue 16's target of 200 ms.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select

from avvik.auth.totp import secret_of, start_enrolment
from avvik.auth.two_factor import turn_on_codes
from avvik.core.timeutil import utcnow
from avvik.demo.people import DEMO_PASSWORD
from avvik.extensions import db
from avvik.users.models import User
from bench.load import percentile
from bench.web import CSRF, Browser

VIEWERS = {"leader": "leder.sykehus", "quality_adviser": "kvalitet",
           "secretariat": "sekretariat", "administrator": "admin"}
PAGES = {"first": "/measures/", "overdue": "/measures/?overdue=1",
         "in_progress": "/measures/?status=in_progress", "page_20": "/measures/?page=20"}
TARGET_P95_MS = 200


def run(port: int, repeats: int) -> dict[str, Any]:
    """{viewer: {page: p50, p95, bytes}}, and the worst p95 of them all."""
    out: dict[str, Any] = {}
    worst = (0.0, "")
    for role, username in VIEWERS.items():
        browser = Browser(port)
        secret = _codes_on(username) if role == "administrator" else None
        browser.login(username, DEMO_PASSWORD)
        if secret is not None:
            _enter_code(browser, secret)
        out[role] = {}
        for name, path in PAGES.items():
            times = []
            for i in range(repeats + 2):
                status, body, elapsed = browser.request("GET", path)
                if status != 200:
                    raise RuntimeError(f"GET {path} as {username}: HTTP {status}")
                if i > 1:  # the first ones warm both worker processes
                    times.append(elapsed)
            p95 = round(percentile(times, 0.95) * 1000, 1)
            out[role][name] = {"p50_ms": round(percentile(times, 0.5) * 1000, 1),
                               "p95_ms": p95, "bytes": len(body)}
            worst = max(worst, (p95, f"{role}: {name}"))
    return {"worst_p95_ms": worst[0], "worst": worst[1], "target_p95_ms": TARGET_P95_MS,
            "pages": out}


def _codes_on(username: str) -> str:
    """Turn on one-time codes for ``username`` (production asks an administrator for one);
    the secret. Confirmed with the previous step's code, so that the current one signs in."""
    user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
    now = utcnow()
    secret = secret_of(start_enrolment(user, now=now))
    turn_on_codes(user, pyotp.TOTP(secret).at(now - timedelta(seconds=30)), address=None,
                  now=now)
    db.session.commit()
    return secret


def _enter_code(browser: Browser, secret: str) -> None:
    status, page, _ = browser.request("GET", "/auth/code")
    match = CSRF.search(page)
    if status != 200 or not match:
        raise RuntimeError(f"no one-time code form (HTTP {status})")
    status, _, _ = browser.request("POST", "/auth/code", {
        "csrf_token": match.group(1), "code": pyotp.TOTP(secret).now()})
    if status != 302:
        raise RuntimeError(f"the one-time code was refused (HTTP {status})")
