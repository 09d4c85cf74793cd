"""The administration fixtures of tests/organizations/conftest.py, shared here."""

from tests.organizations.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    admin,
    admin_client,
    sign_in,
    staff_client,
)
