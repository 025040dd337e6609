"""Fixtures shared by the service's tests."""

from __future__ import annotations

import pytest

from tests.firmware_support import NOW, Manufacturer


@pytest.fixture
def manufacturer() -> Manufacturer:
    """A manufacturer whose root the firmware tests' services and poles trust."""
    return Manufacturer.make(NOW, "Demo")
