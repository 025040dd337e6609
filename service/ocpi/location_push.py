"""EVSE status pushed to every registered partner's Locations receiver when a socket's
status changes (mod_locations, Receiver interface: PATCH of the EVSE, or PUT of the
whole location when the partner does not know it yet); transaction and meter events go
on to `SessionPusher` for sessions and CDRs.

`PoleEvents` sits between the pole handlers and the live hub: each event goes on to the
hub as before, and status changes of this process's poles also start a push — so with
``--workers N`` each status change is pushed once, by the process holding the pole.
Pushing never holds up the pole's OCPP exchange: it runs as a background task, and a
partner that does not answer is logged, not retried for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from service.live.hub import LiveHub
from service.ocpi.active_profiles import ActiveProfiles
from service.ocpi.client import PartnerCallError
from service.ocpi.locations import evse_uid, location_of, stored_place
from service.ocpi.models import dumped
from service.ocpi.registry import Registry
from service.ocpi.sessions import SessionPusher
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)


class LocationPusher:
    def __init__(self, registry: Registry, repository: AsyncRepository) -> None:
        self.registry, self.repository = registry, repository
        self.partners = registry.registered
        self._tasks: set[asyncio.Task[None]] = set()

    def status_changed(self, pole_id: str, connector_id: int) -> None:
        if connector_id < 1:
            return
        task = asyncio.create_task(self.push(pole_id, connector_id),
                                   name=f"OCPI push {pole_id}/{connector_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def push(self, pole_id: str, connector_id: int) -> None:
        """The socket's EVSE to every registered partner with a Locations receiver."""
        try:
            partners = [row for row in await self.partners.registered()
                        if row.endpoint("locations", "RECEIVER")]
            if not partners:
                return
            pole = await self.repository.get_pole(pole_id)
            if pole is None:
                return
            location = location_of(self.registry.identity, pole,
                                   await self.repository.connectors(pole_id),
                                   location=await stored_place(self.repository, pole_id))
            uid = evse_uid(pole_id, connector_id)
            evse = next((item for item in location.evses or [] if item.uid == uid), None)
            if evse is None:
                return
            identity = self.registry.identity
            patch = {"status": evse.status,
                     "last_updated": dumped(evse)["last_updated"]}
            for partner, to in [(row, to) for row in partners
                                for to in row.receiving_parties()]:
                base = partner.endpoint("locations", "RECEIVER")
                url = (f"{base}/{identity.country_code}/{identity.party_id}/"
                       f"{location.id}")
                client = self.registry.client_for(partner, to)
                try:
                    await client.call("PATCH", f"{url}/{uid}", patch)
                except PartnerCallError as exc:
                    LOGGER.info("OCPI: EVSE %s patch refused by %s (%s); sending the whole "
                                "location", uid, partner.name, exc)
                    try:
                        await client.call("PUT", url, dumped(location))
                    except PartnerCallError as again:
                        LOGGER.warning("OCPI: location %s not pushed to %s: %s",
                                       location.id, partner.name, again)
        except Exception:
            LOGGER.exception("OCPI: status of %s/%s not pushed", pole_id, connector_id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class PoleEvents:
    """The pole handlers' event sink: the live hub, plus OCPI pushes."""

    def __init__(self, hub: LiveHub, pusher: LocationPusher,
                 sessions: SessionPusher | None = None,
                 profiles: ActiveProfiles | None = None) -> None:
        self.hub, self.pusher, self.sessions = hub, pusher, sessions
        self.profiles = profiles

    def publish(self, event: dict[str, Any]) -> None:
        self.hub.publish(event)
        kind = event.get("type")
        if kind == "status":
            self.pusher.status_changed(str(event.get("poleId")),
                                       int(event.get("connectorId") or 0))
        elif kind in ("transaction", "meterValues"):
            if self.sessions is not None:
                self.sessions.offer(event)
            if self.profiles is not None:
                self.profiles.offer(event)

    def relay_live(self, pole_id: str, data: Any) -> None:
        self.hub.relay_live(pole_id, data)

    @property
    def listened_to(self) -> bool:
        """Does a pole's status or meter event interest anyone: a live-feed client (here
        or in another process, the grid balancer included), a registered roaming partner
        (status pushes, sessions), or an eMSP following a session's limits? On most
        services none of them, and the storm's backlog is then stored without building
        an event per reading (issue 20)."""
        return (self.hub.listened_to
                or not self.pusher.partners.none_for_sure()
                or (self.profiles is not None and bool(self.profiles.followed)))
