"""A real OpenID provider for the sign-in tests: panva's oidc-provider (tests/oidc/, Node).

``running_provider(folder, redirect_uris=..., post_logout_redirect_uris=..., accounts=...)``
starts it on http://127.0.0.1:<free port> with one client as HelseID would have it
(``private_key_jwt`` with the public key of a key made here, PKCE required, pushed
authorization requests offered) and stops it afterwards. Without Node or without
``npm ci`` in tests/oidc the test skips, or fails when AVVIK_TEST_REQUIRE_SERVICES=1.

``single_sign_on(app, provider)`` points an app at it for a while (the AVVIK_OIDC_*
settings, as the environment would give them) and puts the app back afterwards.

``sign_in_at_provider(http, url, account)`` follows the app's redirect to the provider
with a ``requests`` session, signs ``account`` in there (the provider's one-field form)
and returns the address the provider sends the browser back to.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from joserfc.jwk import RSAKey

from avvik.auth.oidc.client import init_oidc
from avvik.auth.oidc.keys import public_jwk
from tests.services import free_port, missing_service

NODE_PROJECT = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "avvik-test"
#: Fictional people known to the provider. Whether they are users of Avvik is the test's.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "kari": {"email": "Kari.Nordmann@example.test", "email_verified": True,
             "name": "Kari Nordmann", "helseid://claims/hpr/hpr_number": "9144900"},
    "ukjent": {"email": "ukjent.person@example.test", "email_verified": True,
               "name": "Ukjent Person", "helseid://claims/hpr/hpr_number": "9100001"},
}
STARTUP_SECONDS = 20


@dataclass
class Provider:
    issuer: str
    client_id: str
    #: The client's private key (PEM), as AVVIK_OIDC_CLIENT_KEY_FILE names it.
    client_key_file: Path
    #: The provider's own private key for ID tokens, so that a test can make one that is
    #: right in every way but the one it checks.
    signing_key: RSAKey

    @property
    def metadata(self) -> dict[str, Any]:
        response = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5)
        response.raise_for_status()
        return response.json()


def _require_node_project() -> str:
    node = shutil.which("node")
    if node is None:
        missing_service("node is not installed (apt-get install nodejs npm)")
    if not (NODE_PROJECT / "node_modules" / "oidc-provider").is_dir():
        missing_service("the test OpenID provider is not installed "
                        "(cd tests/oidc && npm ci --ignore-scripts)")
    return str(node)


def write_client_key(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


@contextmanager
def running_provider(folder: Path, *, redirect_uris: list[str],
                     post_logout_redirect_uris: list[str],
                     accounts: dict[str, dict[str, Any]] | None = None
                     ) -> Iterator[Provider]:
    node = _require_node_project()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    client_key_file = write_client_key(folder / "client-key.pem")
    signing_key = RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256"}, private=True)
    signing_key.ensure_kid()
    settings = {
        "issuer": issuer, "port": port, "signingKey": signing_key.as_dict(private=True),
        "accounts": ACCOUNTS if accounts is None else accounts,
        "client": {"client_id": CLIENT_ID, "redirect_uris": redirect_uris,
                   "post_logout_redirect_uris": post_logout_redirect_uris,
                   "jwks": {"keys": [public_jwk(str(client_key_file))]}},
    }
    settings_file = folder / "provider.json"
    settings_file.write_text(json.dumps(settings))
    log_file = (folder / "provider.log").open("w")
    process = subprocess.Popen([node, str(NODE_PROJECT / "provider.mjs"), str(settings_file)],
                               cwd=NODE_PROJECT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        provider = Provider(issuer, CLIENT_ID, client_key_file, signing_key)
        _wait_until_it_answers(provider, process, folder / "provider.log")
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log_file.close()


def _wait_until_it_answers(provider: Provider, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider stopped:\n{log.read_text()}")
        try:
            provider.metadata  # noqa: B018 (asked for its answer)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"the test OpenID provider did not answer:\n{log.read_text()}")


#: The settings ``single_sign_on`` sets, and puts back afterwards.
SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_KEY_FILE", "OIDC_CLIENT_SECRET",
            "OIDC_SCOPES", "OIDC_USER_CLAIM", "OIDC_NAME", "PASSWORD_SIGNIN")


@contextmanager
def single_sign_on(app: Flask, provider: Provider, **settings: Any) -> Iterator[None]:
    """The app signs people in through ``provider`` while inside; ``settings`` override
    (``OIDC_USER_CLAIM=...``, ``PASSWORD_SIGNIN=False``)."""
    saved = {name: app.config.get(name) for name in SETTINGS}
    extensions = dict(app.extensions)
    app.config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=provider.client_id,
                      OIDC_CLIENT_KEY_FILE=str(provider.client_key_file),
                      OIDC_CLIENT_SECRET=None, OIDC_SCOPES="openid profile email",
                      OIDC_USER_CLAIM="email", OIDC_NAME=None, PASSWORD_SIGNIN=True)
    app.config.update(settings)
    init_oidc(app)
    try:
        yield
    finally:
        app.config.update(saved)
        app.extensions.clear()
        app.extensions.update(extensions)


def sign_in_at_provider(http: requests.Session, url: str, account: str) -> str:
    """Follow ``url`` (where the app sent the browser) to the provider's sign-in form,
    sign ``account`` in, and return where the provider sends the browser back to."""
    page = http.get(url, timeout=10)
    assert page.status_code == 200 and "/interaction/" in page.url, page.text[:500]
    answer = http.post(page.url, data={"login": account}, allow_redirects=False, timeout=10)
    while answer.is_redirect:
        location = urljoin(answer.url, answer.headers["Location"])
        if not location.startswith(urljoin(page.url, "/")):
            return location  # leaving the provider: back to the app
        answer = http.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {answer.text[:500]}")
