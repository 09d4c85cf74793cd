"""The ID token's checks, on tokens made here against the real provider's published keys.

A token signed with the provider's own key passes; one that differs in a single respect
(its signature, key, algorithm, issuer, audience, nonce, expiry) is refused. The tokens go
through the very method the callback uses (``ProviderClient.parse_id_token``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from avvik.auth.oidc.client import LEEWAY_SECONDS, provider
from tests.clock import Clock
from tests.oidc_provider import Provider

NONCE = "nonce-from-the-authorization-request"


@pytest.fixture
def verify(app: Flask, sso: Provider) -> Iterator[Any]:
    def check(id_token: str) -> dict[str, Any]:
        with app.test_request_context("/auth/oidc/callback"):
            return provider().parse_id_token({"id_token": id_token, "access_token": "at"},
                                             nonce=NONCE)
    yield check


def make_token(sso: Provider, clock: Clock, key: RSAKey | None = None,
               header: dict[str, Any] | None = None, **claims: Any) -> str:
    key = key or sso.signing_key
    now = int(clock.now.timestamp())
    payload = {"iss": sso.issuer, "aud": sso.client_id, "sub": "kari", "nonce": NONCE,
               "iat": now, "exp": now + 600, "email": "kari.nordmann@example.test", **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid, **(header or {})}, payload, key)


def test_a_token_signed_by_the_provider_for_us_passes(verify: Any, sso: Provider,
                                                      clock: Clock) -> None:
    claims = verify(make_token(sso, clock))

    assert claims["sub"] == "kari"
    assert claims["email"] == "kari.nordmann@example.test"


def test_a_token_signed_with_another_key_under_the_providers_key_id_is_refused(
        verify: Any, sso: Provider, clock: Clock) -> None:
    forger = RSAKey.generate_key(2048, {"kid": sso.signing_key.kid}, private=True)

    with pytest.raises(JoseError, match="bad_signature"):
        verify(make_token(sso, clock, key=forger))


def test_a_token_signed_with_a_key_the_provider_never_published_is_refused(
        verify: Any, sso: Provider, clock: Clock) -> None:
    stranger = RSAKey.generate_key(2048, {"kid": "not-the-providers"}, private=True)

    with pytest.raises(JoseError):
        verify(make_token(sso, clock, key=stranger))


def test_a_token_whose_signature_was_altered_is_refused(verify: Any, sso: Provider,
                                                        clock: Clock) -> None:
    header, payload, signature = make_token(sso, clock).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    altered = _b64(json.dumps({**claims, "sub": "someone-else"}).encode())

    with pytest.raises(JoseError, match="bad_signature"):
        verify(f"{header}.{altered}.{signature}")


def test_an_unsigned_token_is_refused(verify: Any, sso: Provider, clock: Clock) -> None:
    _header, payload, _signature = make_token(sso, clock).split(".")
    unsigned = _b64(b'{"alg":"none"}')

    with pytest.raises(JoseError):
        verify(f"{unsigned}.{payload}.")


def test_a_token_signed_with_the_public_key_as_a_shared_secret_is_refused(
        verify: Any, sso: Provider, clock: Clock) -> None:
    """The old algorithm confusion: HS256 "signed" with the provider's public key."""
    _header, payload, _signature = make_token(sso, clock).split(".")
    header = _b64(json.dumps({"alg": "HS256", "kid": sso.signing_key.kid}).encode())
    secret = sso.signing_key.as_pem(private=False)
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()

    with pytest.raises(JoseError):
        verify(f"{header}.{payload}.{_b64(mac)}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(("claims", "error"), [
    ({"exp": -LEEWAY_SECONDS - 1}, "expired_token"),
    ({"iss": "https://idp.example.test"}, "invalid_claim"),
    ({"aud": "another-client"}, "invalid_claim"),
    ({"nonce": "a-nonce-from-another-sign-in"}, "invalid_claim"),
    ({"sub": None}, "missing_claim"),
], ids=["expired", "another-issuer", "another-audience", "another-nonce", "no-subject"])
def test_a_token_that_differs_in_one_claim_is_refused(verify: Any, sso: Provider,
                                                      clock: Clock, claims: dict[str, Any],
                                                      error: str) -> None:
    if "exp" in claims:
        claims = {"exp": int((clock.now + timedelta(seconds=claims["exp"])).timestamp())}
    token = make_token(sso, clock, **claims)

    with pytest.raises(JoseError) as refused:
        verify(token)
    assert refused.value.error == error
