"""The Flexibility Provider's side of the OSCP 2.0 lifecycle.

Registration (the partner's ``register`` with the initial token; we answer 204, then
register back with a new token, which replaces the initial one), handshake (we
acknowledge with the heartbeat interval we require), heartbeats both ways, forecasts
stored, and ``update_group_measurements`` sent from the poles' meter readings.

A partner whose heartbeats stop past its ``offline_mode_at`` (or twice our interval) is
marked offline: its forecasts then apply only until they end. Everything it tells us is
stored before the 204 goes out; what we send back runs in background tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from service.oscp.client import OscpClient, SendFailed
from service.oscp.forecasts import ForecastBook, Limit
from service.oscp.messages import (
    VERSION,
    EnergyMeasurement,
    GroupCapacityComplianceError,
    GroupCapacityForecast,
    Handshake,
    HandshakeAcknowledgement,
    Heartbeat,
    MeasurementConfiguration,
    Register,
    RequiredBehaviour,
    UpdateGroupMeasurements,
    VersionUrl,
)
from service.oscp.partners import Partner, Partners, PartnerState, digest, new_token
from service.oscp.store import OscpStore

LOGGER = logging.getLogger(__name__)

PREFIX = "/oscp/fp/2.0"

Clock = Callable[[], datetime]
EnergySource = Callable[[list[str]], Awaitable[tuple[float, datetime] | None]]
"""The group's poles → (their summed import register in Wh, when read), or None."""
ForecastListener = Callable[[str], Awaitable[object]]
Share = Callable[[dict[str, Any]], None]
"""Tells the other service processes of a change (`service.cluster.Cluster.share`)."""


class Leader(Protocol):
    async def held(self) -> bool:
        """Is this the process that speaks for the fleet (now)?"""


class GridGroups:
    """Which grid group (cable, transformer) each pole belongs to."""

    def __init__(self) -> None:
        self.of_pole: dict[str, str] = {}

    def set(self, pole_id: str, group_id: str | None) -> None:
        if group_id:
            self.of_pole[pole_id] = group_id
        else:
            self.of_pole.pop(pole_id, None)

    def poles(self, group_id: str) -> list[str]:
        return sorted(p for p, g in self.of_pole.items() if g == group_id)

    def names(self) -> list[str]:
        return sorted(set(self.of_pole.values()))


class FlexibilityProvider:
    def __init__(self, public_url: str, clock: Clock, *, heartbeat_interval_s: int = 60,
                 measurement_interval_s: float = 900.0, client: OscpClient | None = None,
                 energy: EnergySource | None = None, tick_s: float = 0.5,
                 store: OscpStore | None = None) -> None:
        self.public_url = public_url.rstrip("/") + PREFIX
        self.clock = clock
        self.heartbeat_interval_s = heartbeat_interval_s
        self.measurement_interval_s = measurement_interval_s
        self.client = client or OscpClient()
        self.energy = energy
        self.tick_s = tick_s
        self.store = store
        self.partners = Partners()
        self.forecasts = ForecastBook()
        self.groups = GridGroups()
        self.listeners: list[ForecastListener] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_measured: datetime | None = None
        self.share: Share | None = None
        """Set with several service processes: each change is told to the others, which
        read it back from storage (the partner's calls may reach any process)."""
        self.leader: Leader | None = None
        """Set with several processes: only the leader beats, measures and balances."""
        self.balanced: Callable[[dict[str, Any]], None] | None = None
        """Takes the leader's split of a group (the balancer of a process that follows)."""

    # -- what partners tell us (stored before the 204) ------------------------------------

    async def registered(self, partner: Partner, message: Register) -> None:
        base_url = message.url_for(VERSION)
        if base_url is None:
            raise ValueError(f"no OSCP {VERSION} in version_url: this Flexibility Provider "
                             f"speaks OSCP {VERSION} only")
        ours = new_token()
        partner.base_url, partner.their_token = base_url, message.token
        previous = partner.token_digest
        partner.token_digest = digest(ours)
        partner.state = PartnerState.REGISTERED
        reply = Register(token=ours, version_url=[VersionUrl(version=VERSION,
                                                             base_url=self.public_url)])
        # Stored (and told) before the partner learns the new token: its next call may
        # reach another process.
        await self.save(partner)

        async def register_back() -> None:
            try:
                await self.client.send(partner, "register", reply)
            except SendFailed as exc:
                LOGGER.warning("%s; its registration is undone", exc)
                partner.token_digest, partner.state = previous, PartnerState.NEW
                await self.save(partner)

        self.background(register_back(), f"OSCP register back to {partner.name}")

    async def handshaken(self, partner: Partner, message: Handshake, request_id: str) -> None:
        partner.heartbeat_interval_s = message.required_behaviour.heartbeat_interval
        partner.state = PartnerState.HANDSHAKEN
        partner.last_heartbeat = self.clock()  # the handshake counts as a sign of life
        await self.save(partner)
        # Our group energy is the poles' import registers, which never reset: CONTINUOUS.
        ack = HandshakeAcknowledgement(required_behaviour=RequiredBehaviour(
            heartbeat_interval=self.heartbeat_interval_s,
            measurement_configuration=[MeasurementConfiguration.CONTINUOUS]))

        async def acknowledge() -> None:
            with contextlib.suppress(SendFailed):
                await self.client.send(partner, "handshake_acknowledge", ack,
                                       correlation_id=request_id)

        self.background(acknowledge(), f"OSCP handshake_acknowledge to {partner.name}")

    def acknowledged(self, partner: Partner, message: HandshakeAcknowledgement) -> None:
        partner.heartbeat_interval_s = message.required_behaviour.heartbeat_interval
        partner.state = PartnerState.HANDSHAKEN

    def heartbeat(self, partner: Partner, message: Heartbeat) -> None:
        was_offline = partner.state is PartnerState.OFFLINE
        partner.last_heartbeat = self.clock()
        partner.offline_mode_at = message.offline_mode_at
        partner.state = PartnerState.ONLINE
        self._tell({"partner": partner.partner_id, "state": partner.state.value,
                    "lastHeartbeat": partner.last_heartbeat.isoformat(),
                    "offlineModeAt": message.offline_mode_at.isoformat()
                    if message.offline_mode_at else None})
        if was_offline:
            LOGGER.info("OSCP partner %s is back online", partner.name)
            self._notify_all()

    async def forecast(self, partner: Partner, message: GroupCapacityForecast, *,
                       adjust: bool) -> None:
        """Kept in memory and in storage before the 204: a restart mid-block keeps the cap."""
        self.forecasts.forget_before(self.clock())  # what is stored stays what can apply
        kept = self.forecasts.store(partner.partner_id, message, adjust=adjust)
        if kept is not None and self.store is not None:
            book, blocks = kept
            await asyncio.to_thread(self.store.save_blocks, partner.partner_id,
                                    message.group_id, book, blocks, self.clock())
            self._tell({"forecasts": message.group_id})
        self.background(self._notify(message.group_id), f"re-split {message.group_id}")

    async def unregistered(self, partner: Partner) -> None:
        """``DELETE register``: the partner ends the registration. We forget how to reach
        it; its token now only registers again (as an initial token would)."""
        partner.base_url, partner.their_token = None, None
        partner.state = PartnerState.NEW
        await self.save(partner)

    # -- operators' changes, kept ---------------------------------------------------------

    async def load(self) -> None:
        """Partners, grid groups and the forecasts still to end, from storage (at start);
        the partners wait offline until their next beat, their blocks apply meanwhile."""
        if self.store is None:
            return
        for partner in await asyncio.to_thread(self.store.partners):
            self.partners.by_id[partner.partner_id] = partner
        for pole_id, group_id in (await asyncio.to_thread(self.store.groups)).items():
            self.groups.set(pole_id, group_id)
        for partner_id, group_id, book, blocks in await asyncio.to_thread(
                self.store.forecasts):
            self.forecasts.restore(group_id, book, partner_id, blocks)
        self.forecasts.forget_before(self.clock())

    async def save(self, partner: Partner) -> None:
        if self.store is not None:
            await asyncio.to_thread(self.store.save_partner, partner, self.clock())
            self._tell({"partner": partner.partner_id, "state": partner.state.value,
                        "lastHeartbeat": partner.last_heartbeat.isoformat()
                        if partner.last_heartbeat else None})

    # -- the other service processes' changes ---------------------------------------------

    def tell(self, data: dict[str, Any]) -> None:
        """Tell the other processes (when there are any)."""
        self._tell(data)

    def _tell(self, data: dict[str, Any]) -> None:
        if self.share is not None:
            self.share(data)

    def adopt(self, data: dict[str, Any]) -> None:
        """Another process changed something (`service.cluster` shared state "oscp"): read
        it back from storage, or take the partner's live state from the message."""
        self.background(self._adopt(data), "OSCP change of another process")

    async def _adopt(self, data: dict[str, Any]) -> None:
        if "partner" in data:
            partner_id = str(data["partner"])
            was_offline = self.is_offline(partner_id)
            partner = (self.partners.by_id.get(partner_id) if "offlineModeAt" in data
                       else await self.refresh_partner(partner_id))  # a beat: nothing stored
            if partner is not None and data.get("state"):
                partner.state = PartnerState(str(data["state"]))
                if data.get("lastHeartbeat"):
                    partner.last_heartbeat = datetime.fromisoformat(data["lastHeartbeat"])
                if "offlineModeAt" in data:
                    partner.offline_mode_at = (datetime.fromisoformat(data["offlineModeAt"])
                                               if data["offlineModeAt"] else None)
            if self.is_offline(partner_id) != was_offline:  # its fallbacks start or stop
                self._notify_all()
        if "removed" in data:
            self.partners.remove(str(data["removed"]))
        if "balanced" in data and self.balanced is not None:
            self.balanced(data)
        if "pole" in data:
            pole_id, group_id = str(data["pole"]), data.get("group")
            old = self.groups.of_pole.get(pole_id)
            self.groups.set(pole_id, None if group_id is None else str(group_id))
            for changed in {old, group_id} - {None}:
                await self._notify(str(changed))
        if "forecasts" in data and self.store is not None:
            book = ForecastBook()
            for partner_id, group_id, name, blocks in await asyncio.to_thread(
                    self.store.forecasts):
                book.restore(group_id, name, partner_id, blocks)
            book.forget_before(self.clock())
            self.forecasts = book
            await self._notify(str(data["forecasts"]))

    async def refresh_partner(self, partner_id: str) -> Partner | None:
        """The partner as storage has it now, its live state (heartbeats) kept."""
        if self.store is None:
            return self.partners.by_id.get(partner_id)
        stored = await asyncio.to_thread(self.store.partner, partner_id)
        if stored is None:
            self.partners.remove(partner_id)
            return None
        known = self.partners.by_id.get(partner_id)
        if known is None:
            self.partners.by_id[partner_id] = stored
            return stored
        known.name, known.token_digest, known.base_url = (stored.name, stored.token_digest,
                                                          stored.base_url)
        known.their_token, known.heartbeat_interval_s = (stored.their_token,
                                                         stored.heartbeat_interval_s)
        if stored.state is PartnerState.NEW:
            known.state = PartnerState.NEW
        return known

    async def refresh_partners(self) -> None:
        """Every stored partner read again (a token we do not know may be one another
        process just handed out)."""
        if self.store is None:
            return
        for partner in await asyncio.to_thread(self.store.partners):
            await self.refresh_partner(partner.partner_id)

    async def leads(self) -> bool:
        """Does this process beat, measure and balance? (Always, when it is alone.)"""
        return self.leader is None or await self.leader.held()

    async def add_partner(self, partner_id: str, name: str) -> tuple[Partner, str]:
        partner, token = self.partners.add(partner_id, name)
        await self.save(partner)
        return partner, token

    async def remove_partner(self, partner_id: str) -> bool:
        removed = self.partners.remove(partner_id)
        if removed and self.store is not None:
            await asyncio.to_thread(self.store.delete_partner, partner_id)
            self._tell({"removed": partner_id})
        return removed

    async def set_group(self, pole_id: str, group_id: str | None) -> None:
        old = self.groups.of_pole.get(pole_id)
        if self.store is not None:
            await asyncio.to_thread(self.store.set_group, pole_id, group_id)
            self._tell({"pole": pole_id, "group": group_id})
        self.groups.set(pole_id, group_id)
        for changed in {old, group_id} - {None}:
            assert changed is not None
            self.background(self._notify(changed), f"re-split {changed}")

    # -- what we ask and send -------------------------------------------------------------

    def limit(self, group_id: str, at: datetime | None = None) -> Limit | None:
        return self.forecasts.limit(group_id, at or self.clock(), self.is_offline)

    def is_offline(self, partner_id: str) -> bool:
        partner = self.partners.by_id.get(partner_id)
        return partner is None or partner.state is PartnerState.OFFLINE

    def reachable(self) -> list[Partner]:
        return [p for p in self.partners.by_id.values()
                if p.their_token and p.state in (PartnerState.HANDSHAKEN, PartnerState.ONLINE)]

    async def report_noncompliance(self, group_id: str, reason: str) -> None:
        """``group_capacity_compliance_error`` to the partners capping ``group_id``."""
        limit = self.limit(group_id)
        blocks = [limit.block] if limit is not None else []
        message = GroupCapacityComplianceError(message=f"{group_id}: {reason}",
                                               forecasted_blocks=blocks)
        for partner in self.reachable():
            if limit is None or limit.partner_id == partner.partner_id:
                with contextlib.suppress(SendFailed):
                    await self.client.send(partner, "group_capacity_compliance_error", message)

    async def send_measurements(self) -> int:
        """``update_group_measurements`` for every group, to every reachable partner."""
        if self.energy is None:
            return 0
        sent = 0
        for group_id in self.groups.names():
            reading = await self.energy(self.groups.poles(group_id))
            if reading is None:
                continue
            wh, at = reading
            message = UpdateGroupMeasurements(group_id=group_id, measurements=[
                EnergyMeasurement(value=wh, measure_time=at)])
            for partner in self.reachable():
                with contextlib.suppress(SendFailed):
                    await self.client.send(partner, "update_group_measurements", message)
                    sent += 1
        return sent

    async def tick(self) -> None:
        """Heartbeats owed, partners gone silent, measurements due (by the leader)."""
        if not await self.leads():
            return
        now = self.clock()
        for partner in list(self.partners.by_id.values()):
            await self._beat(partner, now)
            if partner.state in (PartnerState.HANDSHAKEN, PartnerState.ONLINE) \
                    and self._silent(partner, now):
                LOGGER.warning("OSCP partner %s stopped its heartbeats: offline", partner.name)
                partner.state = PartnerState.OFFLINE
                self._tell({"partner": partner.partner_id, "state": partner.state.value})
                self._notify_all()
        if self._last_measured is None or \
                (now - self._last_measured).total_seconds() >= self.measurement_interval_s:
            self._last_measured = now
            await self.send_measurements()

    async def run(self) -> None:
        """The lifecycle's clock: one tick every ``tick_s`` until cancelled."""
        while True:
            try:
                await self.tick()
            except Exception:
                LOGGER.exception("OSCP tick failed; retrying")
            await asyncio.sleep(self.tick_s)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.close()

    # -- internals ------------------------------------------------------------------------

    def _silent(self, partner: Partner, now: datetime) -> bool:
        if partner.offline_mode_at is not None and partner.state is PartnerState.ONLINE:
            return now >= partner.offline_mode_at
        last = partner.last_heartbeat
        return last is not None and now - last > timedelta(seconds=2 * self.heartbeat_interval_s)

    async def _beat(self, partner: Partner, now: datetime) -> None:
        interval = partner.heartbeat_interval_s
        if interval is None or (partner not in self.reachable() and \
                partner.state is not PartnerState.OFFLINE):
            return
        last = partner.last_sent_heartbeat
        if last is not None and (now - last).total_seconds() < interval:
            return
        partner.last_sent_heartbeat = now
        beat = Heartbeat(offline_mode_at=now + timedelta(seconds=2 * interval))
        with contextlib.suppress(SendFailed):
            await self.client.send(partner, "heartbeat", beat)

    def _notify_all(self) -> None:
        for group_id in self.groups.names():
            self.background(self._notify(group_id), f"re-split {group_id}")

    async def _notify(self, group_id: str) -> None:
        for listener in self.listeners:
            await listener(group_id)

    def background(self, work: Awaitable[object], name: str) -> None:
        """Work after the 204 (or an event), its failure logged, cancelled at close."""
        async def run() -> None:
            try:
                await work
            except Exception:
                LOGGER.exception("%s failed", name)

        task = asyncio.create_task(run(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
