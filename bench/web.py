"""Single HTTP requests for the harness: JSON posts, and a signed-in browser session
(the session cookie is Secure in production; this client sends it over loopback HTTP)."""

from __future__ import annotations

import http.client
import json
import re
import time
from typing import Any
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def post_json(port: int, path: str, body: dict[str, Any], headers: dict[str, str]
              ) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, json.dumps(body),
                           {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


class Browser:
    """Cookies kept by hand; one new connection per request, as gunicorn's sync
    workers close them anyway."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.monotonic()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            elapsed = time.monotonic() - started
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, text, elapsed
        finally:
            connection.close()

    def login(self, username: str, password: str) -> None:
        status, page, _ = self.request("GET", "/auth/login")
        match = CSRF.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"no sign-in form (HTTP {status})")
        status, _, _ = self.request("POST", "/auth/login", {
            "csrf_token": match.group(1), "username": username, "password": password,
            "next": ""})
        if status != 302:
            raise RuntimeError(f"sign-in as {username} failed (HTTP {status})")
