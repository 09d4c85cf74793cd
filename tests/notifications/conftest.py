"""The kept-open SMTP connection of the courier thread is closed when the tests end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from avvik.core.smtp import close_sessions


@pytest.fixture(scope="session", autouse=True)
def smtp_sessions_closed() -> Iterator[None]:
    yield
    close_sessions()
