"""Waiting in GUI tests: a condition checked while Qt gets to run its events and timers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from tests.support import until


def pumped(condition: Callable[[], bool]) -> Callable[[], bool]:
    """`condition`, after letting Qt handle its pending events."""
    def check() -> bool:
        QApplication.processEvents()
        return condition()
    return check


async def shown(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait until the widgets show ``condition`` (state the test does not own)."""
    await until(pumped(condition), timeout)
