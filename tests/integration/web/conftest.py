from __future__ import annotations

import pytest
from tests.web_support import World, build_world

from mpdesk.bootstrap import App


@pytest.fixture
def world(app: App) -> World:
    return build_world(app)
