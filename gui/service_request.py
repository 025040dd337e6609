"""One request to the operator API from a widget, without blocking and without losing its
failure: the widget gets the answer, or the exception to say in words.

Every page that talks to the service (Cards, the pole register, the rollout panel, the
commissioning reports) asks the same way: open a `ServiceClient`, make one call, hand the
outcome back on the GUI thread. Returning the exception (rather than raising it into the
task runner) lets each page show it where the user is looking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication

from gui.error_words import explain
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient, ServiceEndpoint


def ask_service(tasks: TaskRunner, service: ServiceEndpoint | None, what: str,
                call: Callable[[ServiceClient], Awaitable[Any]],
                done: Callable[[Any], None], *, timeout: float = 60) -> None:
    """Run ``call`` with a client of ``service``; ``done`` gets its answer or the exception.
    Without a service nothing is asked (the page says why elsewhere)."""
    if service is None:
        return

    async def ask() -> Any:
        try:
            async with ServiceClient(service, timeout=timeout) as client:
                return await call(client)
        except Exception as error:
            return error

    tasks.run(what, ask(), done)


class BusyPage(Protocol):
    """A page that sends one request at a time and greys its buttons while it runs."""

    tasks: TaskRunner
    service: ServiceEndpoint | None
    busy: bool

    def _redraw(self) -> None: ...


def ask_while_busy(page: BusyPage, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
                   done: Callable[[Any], None], *, timeout: float = 60) -> None:
    """`ask_service` for a `BusyPage`: busy (and redrawn) until ``done`` has the answer."""
    page.busy = True
    page._redraw()

    def finished(answer: Any) -> None:
        page.busy = False
        done(answer)
        page._redraw()

    ask_service(page.tasks, page.service, what, call, finished, timeout=timeout)


def failure_text(what: str, error: BaseException) -> str:
    """"<what was being done>: <why it failed, in words>"."""
    return f"{what}: {explain(error).sentence.text(QCoreApplication.translate)}"
