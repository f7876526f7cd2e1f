from __future__ import annotations

import pytest

from mpdesk.bootstrap import App
from tests.web_support import World, build_world


@pytest.fixture
def world(app: App) -> World:
    return build_world(app)
