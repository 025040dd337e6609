"""Fixtures shared by the service's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.server import RunningService, start_service
from tests.firmware_support import NOW, Manufacturer


@pytest.fixture
def manufacturer() -> Manufacturer:
    """A manufacturer whose root the firmware tests' services and poles trust."""
    return Manufacturer.make(NOW, "Demo")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[RunningService]:
    """A service on a SQLite file with its own token file (a module may define its own)."""
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens")
    yield running
    await running.stop()
