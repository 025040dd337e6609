"""The Qt side every page that follows a service shares (Roaming, Grid, Audit).

Each such page follows one service at a time (`follow`), greys what the signed-in role
may not do (`watch`), asks the operator API in the background without blocking the GUI
thread, says a failure as a sentence on its status line, and — where what it shows moves
on its own — reads again on a `RefreshPolicy` (the schedule is Qt-free and tested alone;
this class only turns it into a single-shot timer). Following no service stops the timer,
which is how the window stops these pages before its event loop goes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from gui.access import Access
from gui.refresh_policy import RefreshPolicy
from gui.service_request import ask_service, ask_while_busy, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient, ServiceEndpoint

Call = Callable[[ServiceClient], Awaitable[Any]]


class ServicePage(QWidget):
    """Subclasses build their widgets, then override `forget` (clear what the last service
    showed), `refresh` (read the service) and `_redraw`.

    ``busy``: a request the user asked for runs (`ask`), buttons grey out. ``reading``: a
    background read runs (`read`); it greys nothing, and a second one is not started.
    """

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 policy: RefreshPolicy | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.service: ServiceEndpoint | None = None
        self.access = Access()
        self.busy = False
        self.reading = False
        self.policy = policy
        self.clock = clock
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.poll_timer = QTimer(self, singleShot=True)
        self.poll_timer.timeout.connect(self._due)

    # ------------------------------------------------------------ wiring
    def follow(self, service: ServiceEndpoint | None) -> None:
        """Show ``service`` (read at once), or nothing (and stop reading)."""
        self.service = service
        self.poll_timer.stop()
        if self.policy is not None:
            self.policy.forget()
        self.forget()
        if service is not None:
            self.refresh()

    def watch(self, access: Access) -> None:
        """Grey out what the signed-in role may not do, as the role becomes known."""
        self.access = access
        access.subscribe(self._redraw)
        self._redraw()

    def note_change(self, *_what: object) -> None:
        """The live feed reported a change this page shows: read again soon (the
        policy decides how soon)."""
        if self.service is not None and self.policy is not None:
            self.policy.note_change(self.clock())
            self._schedule()

    # ------------------------------------------------------------ for subclasses
    def forget(self) -> None:
        """Clear what the last service showed."""
        self.status.clear()
        self._redraw()

    def refresh(self) -> None:
        """Read the service (pages with nothing to read at once leave this)."""

    def _redraw(self) -> None:
        """Draw the page's state."""

    def say_failure(self, sentence: str) -> None:
        """How the page says a request failed (default: on its status line)."""
        self.status.setText(sentence)

    # ------------------------------------------------------------ requests
    def ask(self, what: str, call: Call, done: Callable[[Any], None], *,
            timeout: float = 60) -> None:
        """A request the user asked for: busy (buttons grey) until it is answered; a
        failure is said on the status line, only an answer reaches ``done``."""

        def answered(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.say_failure(failure_text(what, answer))
            else:
                done(answer)
        ask_while_busy(self, what, call, answered, timeout=timeout)

    def read(self, what: str, call: Call, shown: Callable[[Any], None], *,
             failed: Callable[[str], None] | None = None, timeout: float = 60) -> None:
        """A background read, one at a time, the next one scheduled by the policy. A
        failure goes to ``failed`` as a sentence (default: the status line)."""
        if self.service is None or self.reading:
            return
        self.reading = True
        if self.policy is not None:
            self.policy.read_started(self.clock())
        say = failed or self.say_failure

        def done(answer: Any) -> None:
            self.reading = False
            if isinstance(answer, BaseException):
                say(failure_text(what, answer))
            else:
                shown(answer)
            self._schedule()

        ask_service(self.tasks, self.service, what, call, done, timeout=timeout)

    def _schedule(self) -> None:
        if self.service is None or self.policy is None or self.reading:
            self.poll_timer.stop()  # a running read schedules the next when it ends
            return
        self.poll_timer.start(round(self.policy.next_read_in(self.clock()) * 1000))

    def _due(self) -> None:
        if self.service is not None and not self.reading:
            self.refresh()
