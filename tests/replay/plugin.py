"""The replay fixtures as a pytest plugin: a test module that crawls the replay portals says
``pytest_plugins = ["replay.plugin"]`` (one definition of the fixture, not a copy per module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from replay.portals import Portals, mount
from replay.server import ReplayServer


@pytest.fixture
def portals() -> Iterator[Portals]:
    """Every portal of :func:`replay.portals.mount` on a fresh replay server, stopped after the test."""
    server = ReplayServer()
    mount(server)
    server.start()
    yield Portals(server)
    server.stop()
