from collections.abc import Iterator

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def english(request: pytest.FixtureRequest) -> Iterator[None]:
    """Labels and messages in English (the source language), whatever the catalogue says.

    Outside a request the app speaks bokmål; the tests compare with the English strings.
    """
    if "db_session" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("db_session")  # its app context first, then the locale in it
    with force_locale("en"):
        yield


