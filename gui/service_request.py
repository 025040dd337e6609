"""One request to the operator API from a widget, without blocking and without losing its
failure: the widget gets the answer, or the exception to say in words.

Every page that talks to the service (Cards, the pole register, the rollout panel, the
commissioning reports) asks the same way: open a `ServiceClient`, make one call, hand the
outcome back on the GUI thread. Returning the exception (rather than raising it into the
task runner) lets each page show it where the user is looking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

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


def failure_text(what: str, error: BaseException) -> str:
    """"<what was being done>: <why it failed, in words>"."""
    return f"{what}: {explain(error).sentence.text(QCoreApplication.translate)}"
