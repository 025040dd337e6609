"""Deploy the tender capacity profile to the poles and check that they obey it.

SPEC "Decisions / Time": an OCPP 1.6 Recurring Daily profile repeats every 24 h of
absolute time, so a profile is only right until the next daylight-saving change.
The CSMS therefore re-deploys it before each change (`CapacityPolicy.run`) and to
poles that were offline then as soon as they reconnect (`CapacityPolicy.on_boot`).

A pole saying ``Accepted`` proves little (it may have stored it at the wrong
stack level, a higher profile may override it, or its clock may put the profile
out of force), so every deployment is verified with GetCompositeSchedule: what
the pole will actually do over the next 24 h, compared in real time with what
the tender *means* — the peak limit from 17:00 to 21:00 Europe/Amsterdam, the
normal limit otherwise (`pole_link.profiles.intent`) — never with the profile we
built, which would agree with itself. The pole's composite also includes its own
``GridConnectionMaxCurrent`` ceiling (eis 20/31/33), so the expectation is capped
by the grid value read from the pole itself: a pole on a 3x25 A connection (eis
24/33) is right to show 25 A where the profile says 30 A. The check stops at the
next daylight-saving re-deployment, which verifies what comes after it.

The answer's scheduleStart is the pole's own now, so every verification also
measures the pole's clock; it is stored, and the pole's handler sets the time
(OCPP's Heartbeat ``currentTime``) when it is off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol

from pole_link.errors import CallError, LinkLost, LinkTimeout, PoleLinkError
from pole_link.profiles.charging_profile import ChargingProfile, ProfileError
from pole_link.profiles.composite import parse_composite_answer
from pole_link.profiles.intent import (
    IntentCheck,
    check_against_intent,
    describe_offset,
    tender_intent,
)
from pole_link.profiles.tender import (
    TenderProfileSettings,
    build_capacity_profile,
    redeploy_window,
)
from service.storage.repository import AsyncRepository

__all__ = ["CapacityPolicy", "DeployResult", "DeployStatus"]

LOGGER = logging.getLogger(__name__)
AUDIT_ACTOR = "capacity policy"

DeployStatus = Literal["Accepted", "Rejected", "Offline", "Error"]

#: Connector 0: the ChargePointMaxProfile limits the pole as a whole (SPEC "Capacity profile").
POLE_CONNECTOR = 0
#: One day of composite schedule: covers the coming peak wherever "now" is.
VERIFY_DURATION_S = 86_400
#: Longest single sleep in `run`, so new poles and clock changes are noticed.
MAX_SLEEP_S = 3_600.0
#: Pause after an unexpected error in `run` before trying again.
ERROR_PAUSE_S = 60.0


@dataclass(frozen=True)
class DeployResult:
    """The outcome of one deployment, meant for the operator's screen and the audit log.

    `differences` are human-readable, local-time lines such as
    ``"17:00–21:00: pole says 10.0 A, expected 7.0 A"`` (led by the pole's clock
    offset when that is off), or the reason there is nothing to compare (a
    CALLERROR code, a refused GetCompositeSchedule). `clock_offset_s` is the pole's
    clock minus the service's as the verification measured it.
    """

    pole_id: str
    local_day: date
    status: DeployStatus
    verified: bool
    differences: list[str] = field(default_factory=list)
    clock_offset_s: float | None = None


class _Configuration(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class _Offline(Exception):
    """The pole is not connected or stopped answering: nothing more to do now."""


def _default_settings(pole_id: str) -> TenderProfileSettings:
    return TenderProfileSettings()


class CapacityPolicy:
    """Keeps every pole's capacity profile right across daylight-saving changes.

    `connections` is the app's registry (``connections.get(pole_id)`` gives the
    pole's handler or None; ``connections.handlers`` lists the connected poles).
    It is typed `Any` so the policy does not depend on the web app module.
    """

    def __init__(
        self,
        connections: Any,
        repository: AsyncRepository,
        settings_for: Callable[[str], TenderProfileSettings] = _default_settings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        call_timeout: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pace: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.connections = connections
        self._pace = pace
        self._boot_configuration: dict[str, _Configuration] = {}
        """Per booting pole: its configuration as read once for this boot
        (`service.ocpp.boot_configuration`), so the verification asks no GetConfiguration
        of its own."""
        """Awaited before each call to a pole (`service.ocpp.call_budget.CallBudget.slot`):
        a reconnect storm's or a daylight-saving change's deployments go out at the service's
        pace, behind the poles' own calls."""
        self.repository = repository
        self.settings_for = settings_for
        self.clock = clock
        self.call_timeout = call_timeout
        self._sleep = sleep
        self.limits_changed: Callable[[str], None] | None = None
        """Told the pole whose limits a deployment may have changed (OCPI: the eMSPs
        shaping its sessions are kept told, `service.ocpi.active_profiles`)."""

    # ------------------------------------------------------------------ deploy + verify
    async def deploy(self, pole_id: str) -> DeployResult:
        """`_deploy`, recorded in the audit trail when the pole was reached (eis 69): the
        service's own actions on a pole are part of who-did-what."""
        outcome = await self._deploy(pole_id)
        if outcome.status == "Accepted" and self.limits_changed is not None:
            self.limits_changed(pole_id)
        if outcome.status != "Offline":
            detail = "; ".join(outcome.differences)[:500]
            try:
                await self.repository.audit(
                    AUDIT_ACTOR, "SetChargingProfile (capacity profile)", detail, self.clock(),
                    pole_id=pole_id, result=outcome.status + (" verified" if outcome.verified
                                                              else " not verified"))
            except Exception:
                LOGGER.exception("%s: capacity profile not recorded in the audit trail",
                                 pole_id)
        return outcome

    async def _deploy(self, pole_id: str) -> DeployResult:
        """Build today's profile, send it to connector 0, store it, and verify it.

        Never raises for pole trouble: an absent or silent pole is ``Offline`` (it
        gets the profile via `on_boot` later), a CALLERROR is ``Error`` with its
        code. Only an accepted profile is stored, since the record says what the
        pole holds; it is marked verified only when the composite matches.
        """
        settings = self.settings_for(pole_id)
        local_day = self.clock().astimezone(settings.zone).date()

        check: IntentCheck | None = None

        def result(status: DeployStatus, verified: bool = False,
                   differences: list[str] | None = None) -> DeployResult:
            return DeployResult(pole_id, local_day, status, verified, differences or [],
                                None if check is None else check.clock_offset_s)

        profile = build_capacity_profile(settings, local_day)
        payload = profile.to_ocpp()
        try:
            answer = await self._call(pole_id, "SetChargingProfile", {
                "connectorId": POLE_CONNECTOR, "csChargingProfiles": payload})
            status: DeployStatus = "Accepted" if answer.get("status") == "Accepted" \
                else "Rejected"
            record_id = None
            if status == "Accepted":
                record_id = await self.repository.add_charging_profile(
                    pole_id, POLE_CONNECTOR, payload, self.clock())
            outcome = await self._verify(pole_id, settings)
            if isinstance(outcome, IntentCheck):
                check = outcome
                differences = describe_check(outcome, settings)
            else:
                differences = outcome
        except _Offline as exc:
            LOGGER.info("%s: capacity profile not deployed: %s", pole_id, exc)
            return result("Offline", differences=[str(exc)])
        except CallError as exc:
            LOGGER.warning("%s: capacity profile: %s", pole_id, exc)
            return result("Error", differences=[f"{exc.action or 'call'}: {exc.code}"
                                                + (f" — {exc.description}"
                                                   if exc.description else "")])
        except PoleLinkError as exc:  # e.g. an answer that breaks the schema
            LOGGER.warning("%s: capacity profile: %s", pole_id, exc)
            return result("Error", differences=[str(exc)])
        if status == "Rejected":
            differences.insert(0, f"SetChargingProfile: {answer.get('status')}")
        verified = status == "Accepted" and not differences
        if verified and record_id is not None:
            await self.repository.mark_profile_verified(record_id, self.clock())
        return result(status, verified, differences)

    async def _call(self, pole_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        handler = self.connections.get(pole_id)
        if handler is None:
            raise _Offline(f"{pole_id} is not connected")
        if self._pace is not None:
            await self._pace()
            handler = self.connections.get(pole_id)  # it may have left while waiting
            if handler is None:
                raise _Offline(f"{pole_id} is not connected")
        try:
            answer: dict[str, Any] = await handler.call_action(
                action, payload, timeout=self.call_timeout)
        except (LinkLost, LinkTimeout) as exc:
            raise _Offline(str(exc)) from None
        return answer

    async def _grid_limit(self, pole_id: str) -> float | None:
        """The pole's own GridConnectionMaxCurrent, or None if it does not say."""
        asked = {"key": ["GridConnectionMaxCurrent"]}
        shared = self._boot_configuration.get(pole_id)
        try:
            if shared is None:
                answer = await self._call(pole_id, "GetConfiguration", asked)
            else:
                try:
                    answer = await shared.call_action("GetConfiguration", asked,
                                                      timeout=self.call_timeout)
                except (LinkLost, LinkTimeout) as exc:
                    raise _Offline(str(exc)) from None
        except CallError:
            return None
        for entry in answer.get("configurationKey") or []:
            if entry.get("key") == "GridConnectionMaxCurrent":
                with contextlib.suppress(TypeError, ValueError):
                    return float(entry.get("value"))
        return None

    async def _verify(self, pole_id: str,
                      settings: TenderProfileSettings) -> IntentCheck | list[str]:
        """The pole's composite schedule against the tender's intent, or why there is none."""
        grid = await self._grid_limit(pole_id)
        try:
            answer = await self._call(pole_id, "GetCompositeSchedule", {
                "connectorId": POLE_CONNECTOR, "duration": VERIFY_DURATION_S,
                "chargingRateUnit": "A"})
        except CallError as exc:  # the profile may be fine; we just cannot tell
            return [f"GetCompositeSchedule: {exc.code}"]
        received = self.clock()
        try:
            start, schedule = parse_composite_answer(answer)
        except ProfileError as exc:
            return [str(exc)]
        if schedule.charging_rate_unit.value != "A":
            return [f"GetCompositeSchedule: answered in {schedule.charging_rate_unit.value}, "
                    "asked for A"]
        check = check_against_intent(tender_intent(settings, grid), schedule, start,
                                     now=received, redeploy=settings)
        await self._clock_measured(pole_id, check.clock_offset_s, received)
        return check

    async def _clock_measured(self, pole_id: str, offset_s: float, at: datetime) -> None:
        """Store the pole's clock offset; its handler here also sets the time if it is off."""
        measured = getattr(self.connections.get(pole_id), "clock_measured", None)
        try:
            if measured is not None:
                await measured(offset_s, at)
            else:  # held by another process: store it; that process sees it in messages
                await self.repository.pole_clock(pole_id, offset_s, at)
        except Exception:
            LOGGER.exception("%s: clock offset not stored", pole_id)

    # ------------------------------------------------------------------ reconnection
    async def on_boot(self, pole_id: str, configuration: _Configuration | None = None
                      ) -> DeployResult | None:
        """Re-deploy to a (re)connected pole if its stored profile may be wrong now.

        Wrong means: none stored, never verified, or built for a day whose 24 h
        recurrence no longer lands the peak on local time today (a daylight-saving
        change since, or changed settings). Returns the deployment, or None when
        the stored profile still holds. Call it as a task after BootNotification
        has been answered, not from inside the handler, since it calls the pole.
        `configuration`: the pole's configuration as read for this boot, if shared.
        """
        if configuration is None:
            return await self._on_boot(pole_id)
        self._boot_configuration[pole_id] = configuration
        try:
            return await self._on_boot(pole_id)
        finally:
            if self._boot_configuration.get(pole_id) is configuration:
                del self._boot_configuration[pole_id]

    async def _on_boot(self, pole_id: str) -> DeployResult | None:
        settings = self.settings_for(pole_id)
        now = self.clock()
        try:
            records = await self.repository.charging_profiles(pole_id)
        except Exception:
            LOGGER.exception("%s: cannot read stored profiles; re-deploying", pole_id)
            records = []
        latest = None
        for record in records:
            with contextlib.suppress(ProfileError, ValueError, TypeError):
                stored = ChargingProfile.from_ocpp(json.loads(record.profile))
                if (record.connector_id == POLE_CONNECTOR
                        and stored.profile_id == settings.profile_id):
                    latest = (record, stored)
        if latest is not None:
            record, stored = latest
            if record.verified_at is not None and profile_still_right(stored, settings, now):
                return None
        return await self.deploy(pole_id)

    # ------------------------------------------------------------------ schedule
    async def run(self) -> None:
        """Forever: at each re-deploy time, deploy to every connected pole.

        Sleeps in slices of at most an hour so poles connecting meanwhile (with
        other settings) and clock adjustments are taken into account. Poles
        offline at the time get the profile through `on_boot`. Only cancellation
        leaves this loop; any other error is logged and retried.
        """
        checked = self.clock()
        while True:
            try:
                now = self.clock()
                due = self._next_due(checked)
                if due is None or due > now:
                    wait = MAX_SLEEP_S if due is None else (due - now).total_seconds()
                    await self._sleep(max(0.0, min(wait, MAX_SLEEP_S)))
                    continue
                await self.redeploy_due(checked, now)
                checked = now
            except asyncio.CancelledError:
                raise
            except Exception:
                LOGGER.exception("capacity policy: unexpected error; retrying")
                with contextlib.suppress(Exception):
                    await self._sleep(ERROR_PAUSE_S)

    def _connected(self) -> list[str]:
        return list(getattr(self.connections, "handlers", {}))

    def _next_due(self, after: datetime) -> datetime | None:
        windows = [redeploy_window(self.settings_for(pole_id), after)
                   for pole_id in self._connected() or [""]]
        starts = [window[0] for window in windows if window is not None]
        return min(starts, default=None)

    async def redeploy_due(self, after: datetime, now: datetime) -> list[DeployResult]:
        """Deploy, concurrently, to each connected pole with a re-deploy time in (after, now]."""
        due = []
        for pole_id in self._connected():
            window = redeploy_window(self.settings_for(pole_id), after)
            if window is not None and window[0] <= now:
                due.append(pole_id)
        results = await asyncio.gather(*(self.deploy(p) for p in due), return_exceptions=True)
        done: list[DeployResult] = []
        for pole_id, outcome in zip(due, results, strict=True):
            if isinstance(outcome, DeployResult):
                done.append(outcome)
                LOGGER.info("%s: capacity profile for %s: %s%s", pole_id, outcome.local_day,
                            outcome.status, "" if outcome.verified else " (not verified)")
            else:
                LOGGER.error("%s: capacity profile deployment failed: %r", pole_id, outcome)
        return done


# ---------------------------------------------------------------------- pure helpers
def describe_check(check: IntentCheck, settings: TenderProfileSettings) -> list[str]:
    """The differences as local-time lines, led by the pole's clock when that is off."""
    zone = settings.zone
    lines = [f"{d.start.astimezone(zone):%H:%M}–{d.end.astimezone(zone):%H:%M}: pole says "
             f"{d.pole_a:.1f} A, expected {d.expected_a:.1f} A" for d in check.differences]
    if lines and check.clock_off:
        lines.insert(0, f"the pole's clock is {describe_offset(check.clock_offset_s)}")
    return lines


def profile_still_right(stored: ChargingProfile, settings: TenderProfileSettings,
                        now: datetime) -> bool:
    """True if `stored`, repeating from its own start, equals today's freshly built profile.

    Today's profile starts at today's local midnight; the stored one matches it
    when it started a whole number of repetitions earlier with the same periods.
    After a daylight-saving change either the offset (midnight moved by an hour)
    or the period starts (the change day itself) differ.
    """
    today = now.astimezone(settings.zone).date()
    fresh = build_capacity_profile(settings, today)
    origin, fresh_origin = stored.schedule.start_schedule, fresh.schedule.start_schedule
    if origin is None or fresh_origin is None or origin > now:
        return False
    shift = (fresh_origin - origin).total_seconds()
    if shift < 0 or shift % VERIFY_DURATION_S:
        return False
    return (stored.schedule.periods == fresh.schedule.periods
            and stored.schedule.charging_rate_unit == fresh.schedule.charging_rate_unit
            and stored.stack_level == fresh.stack_level
            and stored.purpose == fresh.purpose and stored.kind == fresh.kind
            and stored.recurrency_kind == fresh.recurrency_kind)
