import pytest

from tests.reports.world import World, build_world


@pytest.fixture
def world(db_session) -> World:
    return build_world()
