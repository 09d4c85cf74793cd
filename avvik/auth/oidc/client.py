"""The OpenID Connect client: Authlib's Flask client, set up from the AVVIK_OIDC_* settings.

Authlib does the discovery, PKCE (S256), ``state`` and ``nonce``, the token request and
the ID token's signature against the provider's published keys. What it leaves to us
lives here: pushed authorization requests (RFC 9126) when the provider offers them, the
ID token's audience and issuer checked explicitly, the discovery document's own issuer,
the ``iss`` of the answer (RFC 9207), and every failure turned into ``SignInFailed``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, request, session
from joserfc.errors import JoseError
from requests import RequestException

from avvik.auth.oidc.keys import KeyAssertion, read_client_key
from avvik.core.errors import DomainError

log = logging.getLogger(__name__)

#: Authlib's name for the one provider.
NAME = "oidc"
#: Where the app keeps its ``KeyAssertion`` (None when the client uses a secret).
KEY_ASSERTION = "avvik.oidc_key_assertion"
#: Seconds to wait for the provider before the sign-in fails with a clear page.
TIMEOUT_SECONDS = 10
#: Seconds of clock difference forgiven in the ID token's times (exp, iat).
LEEWAY_SECONDS = 60


class SignInFailed(DomainError):
    """The sign-in at the provider did not end in a verified ID token. ``reason`` is for the
    log and names what failed (never a claim's value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderClient(FlaskOAuth2App):
    """Authlib's Flask client, with our checks (``id_token_checks``) on every ID token it
    parses, the one at the callback included."""

    def parse_id_token(self, token: dict[str, Any], nonce: str, claims_options: Any = None,
                       claims_cls: Any = None, leeway: int = LEEWAY_SECONDS) -> Any:
        return super().parse_id_token(token, nonce, claims_options=id_token_checks(),
                                      claims_cls=claims_cls, leeway=LEEWAY_SECONDS)


class ProviderRegistry(OAuth):
    oauth2_client_cls = ProviderClient


def is_configured() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def init_oidc(app: Flask) -> None:
    """Register the provider with Authlib when AVVIK_OIDC_ISSUER is set."""
    config = app.config
    if not config.get("OIDC_ISSUER"):
        return
    key_file = config["OIDC_CLIENT_KEY_FILE"]
    client_kwargs: dict[str, Any] = {"scope": config["OIDC_SCOPES"],
                                     "code_challenge_method": "S256",
                                     "default_timeout": TIMEOUT_SECONDS}
    auth_methods = []
    if key_file:
        client_kwargs["token_endpoint_auth_method"] = KeyAssertion.name
        auth_methods.append(KeyAssertion(config["OIDC_ISSUER"], read_client_key(key_file)))
    app.extensions[KEY_ASSERTION] = auth_methods[0] if auth_methods else None
    ProviderRegistry(app).register(
        NAME, client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=discovery_url(config["OIDC_ISSUER"]),
        client_kwargs=client_kwargs, client_auth_methods=auth_methods)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider() -> ProviderClient:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(NAME)


def metadata() -> dict[str, Any]:
    """The provider's discovery document, fetched once per process.

    Its ``issuer`` must be the configured one (OpenID Connect Discovery 1.0, 4.3), and an
    unsigned ID token is never accepted, whatever the document lists.
    """
    client = provider()
    try:
        document = client.load_server_metadata()
    except (RequestException, ValueError) as error:
        raise SignInFailed(f"discovery failed: {type(error).__name__}") from error
    if document.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise SignInFailed("the discovery document names another issuer")
    algorithms = document.get("id_token_signing_alg_values_supported")
    if algorithms and "none" in algorithms:
        document["id_token_signing_alg_values_supported"] = [a for a in algorithms
                                                             if a != "none"]
    return document


def authorization_url(redirect_uri: str) -> str:
    """Where to send the browser to sign in; ``state``, ``nonce`` and the PKCE verifier are
    kept in this browser's session for the callback.

    With a pushed authorization request the parameters go to the provider directly, from
    server to server and with the client's credentials; the browser carries only a
    reference to them.
    """
    client, document = provider(), metadata()
    try:
        started = client.create_authorization_url(redirect_uri)
    except AuthlibBaseError as error:
        raise SignInFailed(f"authorization request failed: {error.error}") from error
    _forget_earlier_attempts()
    client.save_authorize_data(redirect_uri=redirect_uri, state=started["state"],
                               code_verifier=started["code_verifier"],
                               nonce=started["nonce"])
    par_endpoint = document.get("pushed_authorization_request_endpoint")
    if not par_endpoint:
        return started["url"]
    return _pushed(par_endpoint, document["authorization_endpoint"], started["url"])


def _forget_earlier_attempts() -> None:
    # Authlib keeps each attempt's state in the session cookie for an hour; a person who
    # presses the button again and again would grow the cookie past what browsers keep.
    # One sign-in at a time per browser: the latest.
    for key in [key for key in session if key.startswith(f"_state_{NAME}_")]:
        session.pop(key)


def _pushed(par_endpoint: str, authorization_endpoint: str, url: str) -> str:
    config = current_app.config
    parameters = dict(parse_qsl(urlsplit(url).query))
    session = client_session()
    try:
        response = session.post(par_endpoint, data=parameters, withhold_token=True,
                                auth=session.client_auth(session.token_endpoint_auth_method))
        response.raise_for_status()
        request_uri = response.json()["request_uri"]
    except (RequestException, ValueError, KeyError) as error:
        raise SignInFailed(f"pushed authorization request failed: {error}") from error
    finally:
        session.close()
    query = urlencode({"client_id": config["OIDC_CLIENT_ID"], "request_uri": request_uri})
    separator = "&" if "?" in authorization_endpoint else "?"
    return f"{authorization_endpoint}{separator}{query}"


def client_session() -> OAuth2Session:
    """An HTTP session that authenticates as the client, as at the token endpoint."""
    config = current_app.config
    assertion = current_app.extensions[KEY_ASSERTION]
    session = OAuth2Session(config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"],
                            default_timeout=TIMEOUT_SECONDS,
                            token_endpoint_auth_method=assertion.name if assertion else None)
    if assertion:
        session.register_client_auth_method(assertion)
    return session


def id_token_checks() -> dict[str, dict[str, Any]]:
    """What the ID token's claims must say beyond a valid signature (the provider's keys,
    the algorithms it lists) and expiry: issued by our provider, to us, about someone.
    Authlib checks the nonce, and ``azp`` when there are several audiences."""
    config = current_app.config
    return {"iss": {"essential": True, "value": config["OIDC_ISSUER"]},
            "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
            "sub": {"essential": True}}


def verified_claims() -> tuple[dict[str, Any], str]:
    """Finish the sign-in the provider sent the browser back from: check ``state``, swap
    the code (with the PKCE verifier) for tokens, verify the ID token. Returns its claims
    and the ID token itself (the hint at sign-out)."""
    issuer = request.args.get("iss")
    if issuer is not None and issuer != current_app.config["OIDC_ISSUER"]:
        raise SignInFailed("the answer names another issuer")  # RFC 9207: a mix-up
    metadata()
    try:
        token = provider().authorize_access_token()
    except AuthlibBaseError as error:
        raise SignInFailed(f"{error.error}: {error.description or ''}") from error
    except JoseError as error:
        raise SignInFailed(f"the ID token failed verification: {error.error}") from error
    except RequestException as error:
        raise SignInFailed(f"the token request failed: {type(error).__name__}") from error
    if not token.get("userinfo"):
        raise SignInFailed("the provider returned no ID token")
    return dict(token["userinfo"]), token["id_token"]
