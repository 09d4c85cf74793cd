from tests.reports.conftest import world  # noqa: F401  (the shared case world)
