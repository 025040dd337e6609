"""From a grid group's forecast to its poles (eis 32): the split of `service.oscp.split`
sent to each pole as a ``ChargePointMaxProfile`` valid for the forecast block.

The group profile sits one stack level above the tender capacity profile, so on the pole
it wins (OCPP 1.6: the highest stack level of a purpose prevails); its periods are
therefore the *lower* of the pole's share and the tender profile over the block (peak
17:00–21:00 included), so the pole's composite schedule is never above either. When the
block ends the profile's ``validTo`` has passed and the tender profile governs again; we
also clear it, so a pole does not keep a stale group profile.

Re-split when the forecast changes, a block begins or ends, a session starts or stops, a
pole of the group connects or drops. A pole offline counts with what it may still draw
(its last offer of this block, else its maximum); that pole, or one refusing the profile,
means the group cannot be guaranteed to comply: a ``group_capacity_compliance_error``
says why. Each accepted profile is checked with ``GetCompositeSchedule``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
)

from pole_link.errors import PoleLinkError
from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    SchedulePeriod,
)
from pole_link.profiles.composite import parse_composite_answer, profile_limit_at
from pole_link.profiles.tender import TenderProfileSettings, build_capacity_profile
from service.oscp.demand import DemandWindow, currents
from service.oscp.forecasts import Limit
from service.oscp.provider import FlexibilityProvider
from service.oscp.split import PoleNeed, Split, split

LOGGER = logging.getLogger(__name__)

GROUP_PROFILE_ID = 3263
"""The chargingProfileId of the group profile (eis 32/63), apart from the tender's."""
GROUP_PROFILE_IDS = (GROUP_PROFILE_ID, GROUP_PROFILE_ID + 1)
"""Two slots, used in turn: the next block's profile is on the pole before the block in
force ends (each its own id and stack level, so neither replaces the other)."""
POLE_CONNECTOR = 0
DEFAULT_DEMAND_A = 32.0
"""A charging pole whose current we have not seen in the last quarter-hour, or whose
vehicle takes all it is offered, is taken to want the most (its own maximum caps it)."""
STEP_S = 60
ROTATE_S = 900
"""Poles paused because the cap cannot give every charging pole 6 A swap this often."""
LEAD_S = 30

RunningSessions = Callable[[], Awaitable[Iterable[tuple[str, int]]]]
"""(pole, transaction id) of every session running now, read from storage."""


@dataclass
class GroupState:
    """What the GUI shows of one group: its cap, and per pole what it got."""

    group_id: str
    limit: Limit | None = None
    split: Split = field(default_factory=Split)
    problems: list[str] = field(default_factory=list)
    at: datetime | None = None
    ahead: datetime | None = None
    """The start of the next block, once its shares are on the poles ahead of it."""


class GroupBalancer:
    def __init__(self, provider: FlexibilityProvider, connections: Any,
                 settings_for: Callable[[str], TenderProfileSettings], *,
                 clock: Callable[[], datetime], verify: bool = True,
                 call_timeout_s: float = 30.0, raise_delay_s: float = 5.0) -> None:
        self.provider = provider
        self.connections = connections
        self.settings_for = settings_for
        self.clock = clock
        self.verify = verify
        self.call_timeout_s = call_timeout_s
        self.raise_delay_s = raise_delay_s
        """IEC 61851's longest vehicle response to a new offer (virtual EVs: 2 s)."""
        self.charging: dict[str, set[int]] = {}
        self.demand = DemandWindow()
        """Each pole's currents of the last quarter-hour (`service.oscp.demand`)."""
        self.actual: dict[str, dict[int, float]] = {}
        """pole → socket → the highest phase current of its latest meter values (by pole:
        every meter value of a reconnect storm reads its pole's sockets, never the fleet's —
        a scan of the whole dict per sample was a sixth of the service's time, issue 20)."""
        self.deployed: dict[str, tuple[datetime, float]] = {}
        """pole → (the block's start, the offer it holds) while a group profile is on it."""
        self.states: dict[str, GroupState] = {}
        self.sent: dict[tuple[str, datetime], float] = {}
        """(pole, block start) → the offer on the pole for that block."""
        self.slots: dict[str, dict[int, tuple[datetime, datetime]]] = {}
        """pole → slot → the (start, end) of the block its group profile holds."""
        self.rotation = 0
        self.limits_changed: Callable[[str], None] | None = None
        """Told the pole whose group share changed (OCPI: the eMSPs shaping its sessions
        are kept told, `service.ocpi.active_profiles`)."""
        self._rotated_at: datetime | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._tender_cache: dict[tuple[TenderProfileSettings, datetime, datetime],
                                 list[tuple[int, float]]] = {}
        provider.listeners.append(self.rebalance)
        provider.balanced = self.adopt

    # -- events --------------------------------------------------------------------------

    def session_started(self, pole_id: str, transaction_id: int) -> None:
        self.charging.setdefault(pole_id, set()).add(transaction_id)
        self.demand.reset(pole_id)
        self._soon(pole_id)

    def session_stopped(self, pole_id: str, transaction_id: int) -> None:
        self.charging.get(pole_id, set()).discard(transaction_id)
        self.demand.reset(pole_id)
        if not self.charging.get(pole_id):
            sockets = self.actual.get(pole_id, {})
            for connector in sockets:
                sockets[connector] = 0.0
        self._soon(pole_id)

    def connection_changed(self, pole_id: str) -> None:
        self._soon(pole_id)

    def on_event(self, event: dict[str, Any]) -> None:
        """A live-hub event (`service.live.events`): sessions, connections, currents."""
        kind, pole_id = event.get("type"), str(event.get("poleId"))
        if kind == "transaction":
            transaction_id = int(event.get("transactionId") or 0)
            if event.get("event") == "started":
                self.session_started(pole_id, transaction_id)
            else:
                self.session_stopped(pole_id, transaction_id)
        elif kind == "connection":
            self.connection_changed(pole_id)
        elif kind == "meterValues":
            imported, offered = currents(event.get("meterValue", []))
            connector = int(event.get("connectorId") or 0)
            if imported is not None:
                self.actual.setdefault(pole_id, {})[connector] = imported
            if self.charging.get(pole_id):
                self.demand.record(pole_id, connector, self.clock(), imported, offered)

    def actual_a(self, pole_id: str) -> float:
        """What the pole's vehicles drew at its latest meter values (per phase, summed
        over its sockets)."""
        return sum(self.actual.get(pole_id, {}).values())

    def _soon(self, pole_id: str) -> None:
        group_id = self.provider.groups.of_pole.get(pole_id)
        if group_id is not None:
            self.provider.background(self.rebalance(group_id), f"re-split {group_id}")

    # -- the split, deployed --------------------------------------------------------------

    def needs(self, group_id: str, limit: Limit) -> tuple[float, list[PoleNeed], list[str]]:
        """The cap left for connected poles, their needs, and the problems (offline)."""
        cap, needs, problems = limit.amps, [], []
        now = self.clock()
        for pole_id in self.provider.groups.poles(group_id):
            settings = self.settings_for(pole_id)
            if self.connections.get(pole_id) is None:
                held = self.deployed.get(pole_id)
                reserve = held[1] if held and held[0] == limit.start \
                    else settings.normal_limit_a
                cap -= reserve
                problems.append(f"pole {pole_id} is offline: it may draw up to {reserve:g} A "
                                "without our profile")
                continue
            charging = bool(self.charging.get(pole_id))
            demand = self.demand.demand_a(pole_id, now) if charging else 0.0
            needs.append(PoleNeed(pole_id, charging,
                                  DEFAULT_DEMAND_A if demand is None else demand,
                                  settings.normal_limit_a))
        return cap, needs, problems

    async def rebalance(self, group_id: str) -> GroupState:
        if not await self.provider.leads():  # another process balances
            return self.states.setdefault(group_id, GroupState(group_id))
        lock = self._locks.setdefault(group_id, asyncio.Lock())
        async with lock:
            return await self._rebalance(group_id)

    async def _rebalance(self, group_id: str) -> GroupState:
        now = self.clock()
        state = self.states.setdefault(group_id, GroupState(group_id))
        limit = self.effective_limit(group_id, now)
        state.limit, state.at = limit, now
        # A pole taken out of every group no longer follows a group's cap.
        await asyncio.gather(*(self._clear(p) for p in list(self.deployed)
                               if p not in self.provider.groups.of_pole))
        if limit is None:
            state.split, state.problems = Split(), []
            self._tell(state)
            await asyncio.gather(*(self._clear(p) for p in self.provider.groups.poles(group_id)
                                   if p in self.deployed))
            return state
        cap, needs, problems = self.needs(group_id, limit)
        result = split(cap, needs, self.rotation)
        state.split = result
        # Lower before raising (as the pole does between its sockets): vehicles follow a
        # lower offer only after their response delay, so a raise waits that long.
        for p, o in result.offers.items():  # sent ahead of its start: already in force
            if self.sent.get((p, limit.start)) == o:
                self.deployed[p] = (limit.start, o)
        changed = {p: o for p, o in result.offers.items()
                   if self.deployed.get(p) != (limit.start, o)}
        rising = {p: o for p, o in changed.items()
                  if (held := self.deployed.get(p)) is not None and held[0] == limit.start
                  and o > held[1]}
        falling = {p: o for p, o in changed.items() if p not in rising}
        outcomes = list(await asyncio.gather(*(
            self._deploy(p, o, limit, now) for p, o in falling.items())))
        if rising:
            if falling and limit.start <= now:
                await asyncio.sleep(self.raise_delay_s)
            outcomes += await asyncio.gather(*(
                self._deploy(p, o, limit, now) for p, o in rising.items()))
        problems += [problem for problem in outcomes if problem]
        if cap < 0:
            problems.append(f"the cap of {limit.amps:g} A is below what offline poles may draw")
        problems += await self._ahead(group_id, state, limit, now)
        state.problems = problems
        self._tell(state)
        if problems:
            await self.provider.report_noncompliance(group_id, "; ".join(problems))
        return state

    def upcoming(self, group_id: str, limit: Limit | None, now: datetime) -> Limit | None:
        """The next block, when it starts within `LEAD_S` while ``limit`` is in force."""
        if limit is None or limit.start > now:
            return None
        start = self.provider.forecasts.next_start(group_id, now,
                                                   now + timedelta(seconds=LEAD_S))
        if start is None or start <= limit.start:
            return None
        return self.provider.limit(group_id, start)

    async def _ahead(self, group_id: str, state: GroupState, limit: Limit,
                     now: datetime) -> list[str]:
        """The next block's shares on the poles before it starts (their other slot), so a
        lower cap is in force at its first second, not a re-split later."""
        following = self.upcoming(group_id, limit, now)
        state.ahead = None if following is None else following.start
        if following is None:
            return []
        cap, needs, _offline = self.needs(group_id, following)
        offers = split(cap, needs, self.rotation).offers
        outcomes = await asyncio.gather(*(
            self._deploy(p, o, following, now) for p, o in offers.items()
            if self.sent.get((p, following.start)) != o))
        return [problem for problem in outcomes if problem]

    def _tell(self, state: GroupState) -> None:
        """The split to the processes that follow, so each one's Grid groups answer shows
        what the poles got."""
        self.provider.tell({"balanced": state.group_id, "offers": state.split.offers,
                            "paused": state.split.paused, "problems": state.problems})

    def adopt(self, data: dict[str, Any]) -> None:
        """The leader's split of a group (this process follows)."""
        state = self.states.setdefault(str(data["balanced"]), GroupState(str(data["balanced"])))
        state.split = Split({str(p): float(a) for p, a in (data.get("offers") or {}).items()},
                            [str(p) for p in data.get("paused") or []])
        state.problems = [str(p) for p in data.get("problems") or []]

    def effective_limit(self, group_id: str, now: datetime) -> Limit | None:
        """The block in force, or else one starting within `LEAD_S`: deployed ahead (its
        validFrom holds it back), the pole lowers its offers before the step."""
        current = self.provider.limit(group_id, now)
        if current is not None:
            return current
        start = self.provider.forecasts.next_start(group_id, now,
                                                   now + timedelta(seconds=LEAD_S))
        return None if start is None else self.provider.limit(group_id, start)

    def slot(self, pole_id: str, limit: Limit, now: datetime) -> int:
        """The pole's slot for ``limit``'s block: the one holding it, else a free one or
        one whose block is over; never the block in force while another is free."""
        held = self.slots.setdefault(pole_id, {})
        for number, (start, _end) in held.items():
            if start == limit.start:
                return number
        free = [n for n in range(len(GROUP_PROFILE_IDS)) if n not in held]
        over = [n for n, (_start, end) in held.items() if end <= now]
        if free or over:
            return (free or over)[0]
        return max(held, key=lambda n: held[n][0])  # a later plan, not the one in force

    def group_profile(self, pole_id: str, offer: float, limit: Limit,
                      slot: int = 0) -> ChargingProfile:
        settings = self.settings_for(pole_id)
        steps = [(s, min(offer, a)) for s, a in self._tender_steps(settings, limit)]
        return ChargingProfile(
            profile_id=GROUP_PROFILE_IDS[slot], stack_level=settings.stack_level + 1 + slot,
            purpose=ChargingProfilePurposeType.charge_point_max_profile,
            kind=ChargingProfileKindType.absolute, valid_from=limit.start,
            valid_to=limit.end,
            schedule=ChargingSchedule(
                periods=tuple(SchedulePeriod(start_period_s=s, limit=a) for s, a in steps),
                charging_rate_unit=ChargingRateUnitType.amps,
                duration_s=int((limit.end - limit.start).total_seconds()),
                start_schedule=limit.start))

    def _tender_steps(self, settings: TenderProfileSettings, limit: Limit
                      ) -> list[tuple[int, float]]:
        """The tender profile over the block, as (seconds from its start, amps) steps."""
        key = (settings, limit.start, limit.end)
        cached = self._tender_cache.get(key)
        if cached is not None:
            return cached
        steps: list[tuple[int, float]] = []
        span = int((limit.end - limit.start).total_seconds())
        for offset in range(0, max(span, 1), STEP_S):
            at = limit.start + timedelta(seconds=offset)
            tender = build_capacity_profile(settings, at.astimezone(settings.zone).date())
            amps = profile_limit_at(tender, at)
            amps = settings.normal_limit_a if amps is None else amps
            if not steps or steps[-1][1] != amps:
                steps.append((offset, amps))
        if len(self._tender_cache) > 256:
            self._tender_cache.clear()
        self._tender_cache[key] = steps
        return steps

    async def _deploy(self, pole_id: str, offer: float, limit: Limit,
                      now: datetime) -> str | None:
        handler = self.connections.get(pole_id)
        if handler is None:
            return f"pole {pole_id} is offline"
        slot = self.slot(pole_id, limit, now)
        payload = self.group_profile(pole_id, offer, limit, slot).to_ocpp()
        try:
            answer = await handler.call_action("SetChargingProfile", {
                "connectorId": POLE_CONNECTOR, "csChargingProfiles": payload},
                timeout=self.call_timeout_s)
        except PoleLinkError as exc:
            return f"pole {pole_id} did not take its share: {exc}"
        if answer.get("status") != "Accepted":
            return f"pole {pole_id} refused its share of {offer:g} A ({answer.get('status')})"
        if self.limits_changed is not None:
            self.limits_changed(pole_id)
        self.slots.setdefault(pole_id, {})[slot] = (limit.start, limit.end)
        self.sent[(pole_id, limit.start)] = offer
        for key in [k for k in self.sent if k[0] == pole_id and k[1] < limit.start
                    and k[1] not in {s for s, _e in self.slots[pole_id].values()}]:
            del self.sent[key]
        if limit.start <= now or pole_id not in self.deployed or \
                self.deployed[pole_id][0] > now:
            self.deployed[pole_id] = (limit.start, offer)
        if self.verify:
            ahead = max(0, int((limit.start - now).total_seconds()))
            return await self._verified(handler, pole_id, offer, ahead)
        return None

    async def _verified(self, handler: Any, pole_id: str, offer: float,
                        ahead_s: int) -> str | None:
        """The pole's composite, ``ahead_s`` from now (the block may not have begun),
        is at most the offer."""
        try:
            answer = await handler.call_action("GetCompositeSchedule", {
                "connectorId": POLE_CONNECTOR, "duration": ahead_s + 60,
                "chargingRateUnit": "A"}, timeout=self.call_timeout_s)
            _start, schedule = parse_composite_answer(answer)
        except Exception as exc:  # a pole that cannot show its schedule is not verified
            return f"pole {pole_id}: composite schedule unreadable: {exc}"
        shown = [p.limit for p in schedule.periods if p.start_period_s <= ahead_s + 1]
        if not shown or shown[-1] > offer + 0.05:
            return (f"pole {pole_id} shows {shown[-1] if shown else None} A, above its "
                    f"share of {offer:g} A")
        return None

    async def _clear(self, pole_id: str) -> None:
        handler = self.connections.get(pole_id)
        if handler is None:
            return  # its profile's validTo ends it on the pole itself
        used = {GROUP_PROFILE_IDS[n] for n in self.slots.get(pole_id, {})} | {GROUP_PROFILE_ID}
        with contextlib.suppress(PoleLinkError):
            for profile_id in sorted(used, reverse=True):
                await handler.call_action("ClearChargingProfile", {"id": profile_id},
                                          timeout=self.call_timeout_s)
            self.deployed.pop(pole_id, None)
            self.slots.pop(pole_id, None)
            if self.limits_changed is not None:
                self.limits_changed(pole_id)
            for key in [k for k in self.sent if k[0] == pole_id]:
                del self.sent[key]

    async def tick(self) -> None:
        """Block boundaries: a group whose cap began, changed or ended is re-split; every
        `ROTATE_S` the poles paused for lack of capacity take their turn."""
        if not await self.provider.leads():
            return
        now = self.clock()
        if self._rotated_at is None:
            self._rotated_at = now
        elif (now - self._rotated_at).total_seconds() >= ROTATE_S:
            self._rotated_at = now
            self.rotation += 1
            for turning, last in list(self.states.items()):
                if last.split.paused:
                    await self.rebalance(turning)
        for group_id in self.provider.groups.names():
            limit = self.effective_limit(group_id, now)
            state = self.states.get(group_id)
            held = state.limit if state is not None else None
            following = self.upcoming(group_id, limit, now)
            if (limit is None) != (held is None) or (
                    limit is not None and held is not None
                    and (limit.start, limit.amps) != (held.start, held.amps)) or (
                    following is not None and state is not None
                    and state.ahead != following.start):
                await self.rebalance(group_id)

    async def run(self, hub: Any, tick_s: float = 1.0,
                  running: RunningSessions | None = None) -> None:
        """Follow the live hub's events (sessions, connections, currents) and the block
        boundaries, until cancelled.

        The hub's events are followed only while some pole is in a grid group: they tell
        the split of a group and the currents its answer shows, nothing else. A balancer
        that follows is a feed client, and with several processes a feed client anywhere
        makes every process send every event of its poles over the bus (`service.cluster`):
        in a reconnect storm of a fleet without grid groups, building, sending, reading and
        handling those was a quarter of each process's time (issue 20). When it starts to
        follow, it reads the sessions already running from ``running`` (storage), as the
        events of their starts came before it listened."""
        client: Any = None
        try:
            while True:
                client = await self._follow(hub, client, running)
                if client is None:
                    await asyncio.sleep(tick_s)
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(tick_s):
                            while True:
                                self.on_event(await client.queue.get())
                try:
                    await self.tick()
                except Exception:
                    LOGGER.exception("grid group tick failed; retrying")
        finally:
            if client is not None:
                hub.leave(client)

    async def _follow(self, hub: Any, client: Any, running: RunningSessions | None) -> Any:
        """The hub client while events are wanted (`run`), None while not."""
        wanted = bool(self.provider.groups.of_pole)
        if wanted and client is None:
            client = hub.join("grid groups")  # first, so no start or stop falls between
            if running is not None:
                await self._learn_running(running)
        elif not wanted and client is not None:
            hub.leave(client)
            client = None
            self.charging, self.actual, self.demand = {}, {}, DemandWindow()
        return client

    async def _learn_running(self, running: RunningSessions) -> None:
        """The sessions running now, from storage; each group with a charging pole is
        split again with them."""
        try:
            sessions = list(await running())
        except Exception:
            LOGGER.exception("grid groups: the running sessions could not be read; "
                             "each pole counts as charging from its next start")
            return
        for pole_id, transaction_id in sessions:
            self.charging.setdefault(pole_id, set()).add(transaction_id)
        groups = {self.provider.groups.of_pole.get(pole_id) for pole_id, _ in sessions}
        for group_id in sorted(group for group in groups if group is not None):
            self.provider.background(self.rebalance(group_id), f"re-split {group_id}")
