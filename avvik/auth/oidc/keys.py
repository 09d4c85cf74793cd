"""The client's own key: ``private_key_jwt`` at the provider's token and PAR endpoints.

The private key stays in AVVIK_OIDC_CLIENT_KEY_FILE (PEM, RSA or EC); its public half is
registered at the provider as a JWK (``avvik oidc-public-key`` prints it), with the RFC 7638
thumbprint as its key id, which the assertion names in its header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from joserfc.jwk import ECKey, JWKRegistry, RSAKey

#: Seconds a client assertion is valid: it is made for one request (HelseID allows 60).
ASSERTION_SECONDS = 60
#: The signature algorithm for each kind of client key (EC: by its curve).
KEY_ALGORITHMS = {"RSA": "RS256", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


def read_client_key(path: str) -> RSAKey | ECKey:
    """The client's private key from its PEM file, its thumbprint as its key id."""
    pem = Path(path).read_bytes()
    native = load_pem_private_key(pem, password=None)
    key = JWKRegistry.import_key(pem, "EC" if isinstance(native, EllipticCurvePrivateKey)
                                 else "RSA")
    key.ensure_kid()
    return key  # type: ignore[return-value]


def public_jwk(path: str) -> dict[str, Any]:
    """The public half of the client's key as a JWK, to register at the provider."""
    key = read_client_key(path)
    return {**key.as_dict(private=False), "use": "sig", "alg": key_algorithm(key)}


def key_algorithm(key: RSAKey | ECKey) -> str:
    return KEY_ALGORITHMS["RSA" if key.key_type == "RSA" else str(key["crv"])]


class KeyAssertion(PrivateKeyJWT):
    """``private_key_jwt``: a JWT signed with the client's key proves the client.

    Its audience is the provider's issuer identifier, which every endpoint accepts (what
    HelseID asks, and what RFC 7523bis recommends against audience mix-ups); the key id
    is in the header, so that the provider picks the registered key; it lives a minute.
    """

    def __init__(self, issuer: str, key: RSAKey | ECKey) -> None:
        super().__init__(token_endpoint=issuer, alg=key_algorithm(key))
        self.key = key

    def sign(self, auth: Any, token_endpoint: str) -> str:
        return private_key_jwt_sign(self.key, client_id=auth.client_id,
                                    token_endpoint=token_endpoint, alg=self.alg,
                                    header={"kid": self.key.kid},
                                    expires_in=ASSERTION_SECONDS)
