"""Local lists kept up to date without an operator (issue 16).

A blocked card must stop working on the poles that judge cards offline by their local
list, without the helpdesk also pushing the list by hand. So:

* when a card changes (``PUT``/``DELETE /id-tags/…``, an import), every connected pole of
  this process whose list is behind the register gets the differential update;
* when a pole boots, it gets the update if its list is behind (a pole offline during the
  change gets it at its next boot).

"Uses local lists" means: this service has sent the pole a list before (the first one
goes by ``POST /api/v1/poles/{id}/local-list``, or the commissioning). A pole never sent
a list is left alone, so a fleet without local lists hears no extra calls.

All of it runs in background tasks, never in the OCPP handler: the boot check is one
indexed read (`IdTagRepository.list_behind`), so 10,000 poles booting after an outage do
not each load the register. Pushes to one pole never overlap: a change during a push is
sent after it (coalesced). With several service processes (``--workers``) the process
where the card changed tells the others through the cluster bus (`share`, `adopt`), and
each pushes to the poles it holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pole_link.errors import PoleLinkError
from service.cards.local_list import LocalListSender
from service.ocpp.link_loss import pole_call_failed
from service.storage.id_tags import AsyncIdTagRepository
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
ACTOR = "local-list"
CALL_TIMEOUT_S = 30.0
CONCURRENCY = 16
"""Poles pushed to at once after a card change: a large fleet is served in waves."""


class _Commandable(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float = ...) -> dict[str, Any]: ...


class _Connections(Protocol):
    def local(self, pole_id: str) -> Any: ...

    def local_ids(self) -> list[str]: ...


class LocalListPusher:
    """Sends differential local-list updates to the poles that fell behind the register."""

    def __init__(self, sender: LocalListSender, register: AsyncIdTagRepository,
                 connections: _Connections, repository: AsyncRepository) -> None:
        self.sender = sender
        self.register = register
        self.connections = connections
        self.repository = repository
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._wave = asyncio.Semaphore(CONCURRENCY)
        self.share: Callable[[dict[str, Any]], None] | None = None
        """Tells the other service processes of a card change (`service.cluster`)."""

    # -- triggers (never wait: the caller is an OCPP handler or an API route) ---------------

    def pole_booted(self, pole_id: str) -> None:
        """After an accepted boot: the update, if the pole's list is behind."""
        self._background(self._boot(pole_id))

    def register_changed(self) -> None:
        """After a card change: the update to every connected pole that is behind, here
        and (through `share`) at the other service processes."""
        self._background(self._changed())
        if self.share is not None:
            self.share({"registerChanged": True})

    def adopt(self, data: dict[str, Any]) -> None:
        """Another service process changed a card: update the poles held here."""
        self._background(self._changed())

    async def idle(self) -> None:
        """Wait for every push under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- the work ---------------------------------------------------------------------------

    def _background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _boot(self, pole_id: str) -> None:
        try:
            behind = await self.register.list_behind(pole_id)
        except Exception:
            LOGGER.exception("%s: local list version not read", pole_id)
            return
        if behind:
            await self._push(pole_id)

    async def _changed(self) -> None:
        try:
            behind = set(await self.register.poles_behind())
        except Exception:
            LOGGER.exception("local lists: the poles behind the register not read")
            return
        connected = [pole_id for pole_id in self.connections.local_ids() if pole_id in behind]
        await asyncio.gather(*(self._push(pole_id) for pole_id in connected))

    async def _push(self, pole_id: str) -> None:
        if pole_id in self._running:
            self._again.add(pole_id)  # sent once the push under way is done
            return
        self._running.add(pole_id)
        try:
            while True:
                self._again.discard(pole_id)
                async with self._wave:
                    await self._send(pole_id)
                if pole_id not in self._again:
                    return
        finally:
            self._running.discard(pole_id)

    async def _send(self, pole_id: str) -> None:
        handler = self.connections.local(pole_id)
        if handler is None:
            return  # gone meanwhile: its next boot brings it up to date
        call = _caller(handler, pole_id)
        try:
            outcome = await self.sender.send(pole_id, call, "Differential")
        except PoleLinkError as exc:
            pole_call_failed(LOGGER, pole_id, "local list not updated", exc, boot=handler)
            return
        except (TimeoutError, KeyError, ValueError) as exc:
            LOGGER.warning("%s: local list not updated: %s", pole_id, exc or type(exc).__name__)
            return
        except Exception:
            LOGGER.exception("%s: local list not updated", pole_id)
            return
        LOGGER.info("%s: local list %s: %s, version %s, %d entries", pole_id,
                    outcome.update_type, outcome.status, outcome.list_version, outcome.entries)
        await self.repository.audit(ACTOR, f"SendLocalList → {pole_id}",
                                    json.dumps(outcome.to_json(), separators=(",", ":")))


def _caller(handler: _Commandable, pole_id: str
            ) -> Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]:
    async def call(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        async with asyncio.timeout(CALL_TIMEOUT_S):
            return await handler.call_action(action, payload, timeout=CALL_TIMEOUT_S)
    return call
