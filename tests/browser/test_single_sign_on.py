"""Single sign-on in Chromium, following the real redirects: the sign-in page's button, the
provider (oidc-provider, started here) and its sign-in form, back to Avvik signed in; then
sign-out, which ends the session at the provider too and comes back to the sign-in page.

The app's pages forbid forms to send anywhere but Avvik (CSP ``form-action``); Chromium
holds the sign-out form's redirect to the provider to that too, so this is where the
provider's origin in the policy is proven.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from avvik.extensions import db
from avvik.users.models import User
from tests.browser.conftest import LiveServer
from tests.oidc_provider import Provider, running_provider, single_sign_on

pytestmark = pytest.mark.slow

#: A demo user (avvik/demo/people.py), known to the provider by the same e-mail.
DEMO_USER = "melder.kommune"


@pytest.fixture(scope="module")
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Provider]:
    with live_server.app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=DEMO_USER)).scalar_one()
        accounts = {"melder": {"email": user.email.upper(), "email_verified": True,
                               "name": user.full_name},
                    "ukjent": {"email": "ukjent.person@example.test", "email_verified": True}}
        db.session.remove()
    with running_provider(tmp_path_factory.mktemp("oidc-browser"), accounts=accounts,
                          redirect_uris=[f"{live_server.url}/auth/oidc/callback"],
                          post_logout_redirect_uris=[f"{live_server.url}/auth/login"]
                          ) as running, \
            single_sign_on(live_server.app, running, OIDC_NAME="HelseID"):
        yield running


def sign_in_with_helseid(page: Any, account: str) -> None:
    page.goto("/auth/login")
    page.get_by_role("link", name="Sign in with HelseID").click()
    expect(page.get_by_role("heading", name="Sign in at the test provider")).to_be_visible()
    page.get_by_label("User name").fill(account)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_a_person_signs_in_through_the_provider_and_out_of_both(
        new_page: Callable[..., Any], provider: Provider, live_server: LiveServer) -> None:
    page = new_page()

    sign_in_with_helseid(page, "melder")

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    page.goto("/auth/profile")
    expect(page.get_by_text(DEMO_USER, exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign out at the test provider?")).to_be_visible()
    assert page.url.startswith(provider.metadata["end_session_endpoint"])
    page.get_by_role("button", name="Yes, sign me out").click()

    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.url == f"{live_server.url}/auth/login"
    page.goto("/auth/profile")
    expect(page.get_by_role("heading", name="Sign in to Avvik")).to_be_visible()


def test_an_unknown_person_is_told_so_and_not_signed_in(
        new_page: Callable[..., Any], provider: Provider) -> None:
    page = new_page()

    sign_in_with_helseid(page, "ukjent")

    expect(page.get_by_role("heading", name="No access to Avvik")).to_be_visible()
    expect(page.get_by_text("you are not a user of Avvik")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
