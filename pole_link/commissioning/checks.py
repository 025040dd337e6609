"""The automatic checks a checklist may name: what to ask the pole, what counts as passed.

A check is an async function of a `CheckContext` returning a `CheckResult`: the outcome,
the evidence (the values read, label → text, as the report shows them) and, when it did
not pass, a message in words saying what is wrong and what to do. Labels, word values and
messages are `Words` (template + arguments, catalogued with their Dutch in `words.py`), so
the record stays language-neutral and each reader shows them in its own language.
Checklists name checks by their registry name (`CHECKS`); `checklist.py` refuses a name
or parameter that is not here, so a typo fails when the file is read, not on site.

A check raises only for a link problem with the pole (`LinkLost`, `LinkTimeout`,
`ConnectError`): then nothing is recorded and the step runs again once the link is back. A
pole that refuses a call (`CallError`) is a failed step with the pole's answer as evidence.
A service that cannot be reached (the laptop offline) is no link problem: the CSMS check
then asks the pole's own modem.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pole_link.commissioning.record import Outcome
from pole_link.commissioning.words import Words
from pole_link.errors import CallError, ConnectError, LinkLost, LinkTimeout, NotAuthorised
from pole_link.live import LiveSample
from pole_link.model.led import TEST_SEQUENCE, LedColour
from pole_link.profiles.charging_profile import ProfileError
from pole_link.profiles.composite import parse_composite_answer
from pole_link.profiles.intent import check_against_intent, describe_offset, tender_intent
from pole_link.profiles.tender import (
    CONNECTION_MAX_A,
    TenderProfileSettings,
    build_capacity_profile,
)
from pole_link.protocol.vendor import VendorMessage
from pole_link.timeutil import format_time

if TYPE_CHECKING:
    from pole_link.commissioning.checklist import Step
    from pole_link.service_api import ServiceClient
    from pole_link.session import PoleSession

__all__ = [
    "CHECKS",
    "LED_TEST_COLOURS",
    "CheckContext",
    "CheckResult",
    "CheckSpec",
    "refused",
]

LIVE_INTERVAL_MS = 100
"""How often a check samples Live locally (over the service it gets ≥ 1000 ms anyway)."""


W = Words
"""Short: every label, word value and message below is one (catalogued in `words.py`)."""

Evidence = dict["str | Words", "str | Words"]
"""Label → value; each is data (shown as read) or words (translated). Checks use words
for labels; the runner adds the technician's input under the checklist's own label."""

PASSED_WORD, FAILED_WORD = W("passed"), W("FAILED")


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    evidence: Evidence = field(default_factory=dict)
    message: Words | None = None
    value: float | None = None
    unit: str = ""


@dataclass
class CheckContext:
    """What a check may use: the pole, the clock, the service, and earlier answers."""

    session: PoleSession
    step: Step
    clock: Callable[[], datetime]
    """The laptop's clock (injected: tests pin it to the virtual pole's)."""
    pole_id: str
    """The pole this run is for (``--pole``, or the pole's own Hello)."""
    answers: Mapping[str, str] = field(default_factory=dict)
    """Values the technician gave earlier steps' inputs, by step id."""
    value: str | None = None
    """This step's input, when the step asks for one."""
    service: ServiceClient | None = None
    say: Callable[[Words], None] = lambda words: None
    """Tell the technician something while the check runs ("plug the test load in")."""

    @property
    def params(self) -> Mapping[str, Any]:
        return self.step.params

    @property
    def sockets(self) -> list[int]:
        identity = self.session.identity
        count = identity.sockets if identity is not None else 2
        return list(range(1, count + 1))


CheckFunction = Callable[[CheckContext], Awaitable[CheckResult]]


@dataclass(frozen=True)
class CheckSpec:
    run: CheckFunction
    params: frozenset[str] = frozenset()
    needs_input: bool = False
    """The step must ask the technician for a value (its ``input``) before it runs."""


def _passed(evidence: Evidence) -> CheckResult:
    return CheckResult(Outcome.PASSED, evidence)


def _failed(evidence: Evidence, message: Words) -> CheckResult:
    return CheckResult(Outcome.FAILED, evidence, message)


def refused(evidence: Evidence, error: CallError, what: Words) -> CheckResult:
    """A failed step for a call the pole refused, with its answer and what to do."""
    evidence[W("Pole's answer")] = str(error)
    if error.code == "SecurityError":
        return _failed(evidence, W(
            "The pole refused %1. The session is not authorised for writes: connect with a "
            "service token (or the commissioning PIN of a new pole) and run the step again.",
            (what,)))
    return _failed(evidence, W("The pole refused %1. Run the step again; if the pole keeps "
                               "refusing, note its answer and call the manufacturer.", (what,)))


async def _config(ctx: CheckContext, key: str) -> str | None:
    configuration = await ctx.session.get_configuration([key])
    entry = configuration.entries.get(key)
    return None if entry is None else entry.value


async def _first_sample(ctx: CheckContext) -> tuple[LiveSample, datetime]:
    """One Live sample and our clock when it arrived."""
    async with ctx.session.live(LIVE_INTERVAL_MS) as samples:
        async for sample in samples:
            return sample, ctx.clock()
    raise LinkLost("the live stream ended")


def _amps(value: float) -> str:
    return f"{value:g} A"


# ---------------------------------------------------------------------- identity
async def pole_id(ctx: CheckContext) -> CheckResult:
    """eis 12: the ID on the sticker (typed by the technician) is the pole's PoleId."""
    identity = ctx.session.identity or await ctx.session.hello()
    sticker = (ctx.value or "").strip()
    configured = (await _config(ctx, "PoleId") or "").strip()
    evidence: Evidence = {
        W("ID on the sticker"): sticker or W("(none given)"),
        W("PoleId on the pole"): configured or W("(empty)"),
        W("Pole's Hello"): identity.pole_id,
        W("Run for pole"): ctx.pole_id,
        W("Pole"): W("%1 %2, serial %3", (identity.vendor, identity.model,
                                            identity.serial_number)),
        W("Firmware"): identity.firmware_version,
    }
    if not sticker:
        return _failed(evidence, W("No pole ID was given: type the ID printed on the pole's "
                                   "sticker and run the step again."))
    if sticker.casefold() != configured.casefold():
        return _failed(evidence, W(
            "The sticker says %1 but the pole's PoleId is %2. Either the sticker is wrong "
            "(replace it with the ID agreed with the grantor) or the pole is configured "
            "wrong (set PoleId to the sticker's ID and reboot it), then run the step again.",
            (repr(sticker), repr(configured) if configured else W("(empty)"))))
    if ctx.pole_id.casefold() != sticker.casefold():
        return _failed(evidence, W("This run is for pole %1 but this pole is %2: check the "
                                   "work order and that you are connected to the right pole.",
                                   (repr(ctx.pole_id), repr(sticker))))
    return _passed(evidence)


_OFFSET_AMOUNT = {"day": "d", "days": "d", "h": "h", "min": "min", "s": "s",
                  "behind": "%1", "ahead": "%1"}
"""`describe_offset` without its words: the amount ("3 h 5 min"), readable in any language."""


async def clock(ctx: CheckContext) -> CheckResult:
    """The pole's clock within ``max_offset_s`` (default 2 s) of ours."""
    limit = float(ctx.params.get("max_offset_s", 2.0))
    sample, ours = await _first_sample(ctx)
    offset = (sample.timestamp - ours).total_seconds()
    evidence: Evidence = {W("Pole's clock"): format_time(sample.timestamp),
                          W("Laptop's clock"): format_time(ours),
                          W("Offset"): f"{offset:+.1f} s", W("Allowed"): f"± {limit:g} s"}
    if abs(offset) > limit:
        amount = describe_offset(offset, _OFFSET_AMOUNT)
        return _failed(evidence, W(
            "The pole's clock is %1. It sets its time from the back office at "
            "BootNotification: check the CSMS connection step, then run this step again (or "
            "check the laptop's own clock if it is the one off).",
            (W("%1 behind" if offset < 0 else "%1 ahead", (amount,)),)))
    return _passed(evidence)


async def csms_connection(ctx: CheckContext) -> CheckResult:
    """The pole reaches its back office: the service's record when we have one (connected,
    BootNotification accepted), else the pole's own modem self-test."""
    via = W("the pole's modem test (no service connection given)")
    if ctx.service is not None:
        try:
            return await _csms_via_service(ctx, ctx.service)
        except (ConnectError, LinkTimeout) as exc:  # the laptop is offline: ask the pole
            via = W("the pole's modem test (the service is not reachable: %1)", (str(exc),))
    result = await ctx.session.self_test("modem")
    evidence: Evidence = {W("Modem self-test"): PASSED_WORD if result.passed else W("failed"),
                          W("Pole says"): result.detail or "-", W("Checked via"): via}
    if result.passed:
        return _passed(evidence)
    return _failed(evidence, W("The pole does not reach its back office (%1). Check the "
                               "antenna, SIM and APN and the pole's CSMS URL, then run this "
                               "step again.", (result.detail,)))


async def _csms_via_service(ctx: CheckContext, service: ServiceClient) -> CheckResult:
    from pole_link.service_api import ServiceRefused

    try:
        record = await service.pole(ctx.pole_id)
    except ServiceRefused as exc:
        if exc.status != 404:
            raise
        return _failed({W("Service"): W("does not know %1", (ctx.pole_id,))},
                       W("The service has never accepted a BootNotification from %1: check "
                         "the pole's CSMS URL and charge point id, and whether the service "
                         "accepts unknown poles, then run the step again.", (ctx.pole_id,)))
    answers = [m for m in await service.messages(ctx.pole_id, "BootNotification", limit=20)
               if m.direction == "out"]
    status = _status_of(answers[0].payload) if answers else None
    answer: str | Words = status or W("not in the service's log")
    if answers and answers[0].time:
        answer = W("%1 at %2", (answer, format_time(answers[0].time)))
    evidence: Evidence = {
        W("Service"): W("connected") if record.connected else W("not connected"),
        W("Last seen"): format_time(record.last_seen) if record.last_seen else W("never"),
        W("BootNotification answer"): answer,
        W("Firmware (service)"): record.firmware or W("unknown"),
    }
    if not record.connected:
        return _failed(evidence, W(
            "The service does not hold a connection from this pole. Check the SIM/modem and "
            "the pole's CSMS URL, then run this step again (a TriggerMessage "
            "BootNotification from here makes the pole announce itself)."))
    if status not in (None, "Accepted"):
        return _failed(evidence, W("The service answered the pole's BootNotification with "
                                   "%1: register the pole at the service (or open its "
                                   "registration) and run this step again.", (str(status),)))
    return _passed(evidence)


def _status_of(payload: Any) -> str | None:
    if isinstance(payload, str):
        with contextlib.suppress(ValueError):
            payload = json.loads(payload)
    status = payload.get("status") if isinstance(payload, dict) else None
    return str(status) if status is not None else None


async def grid_connection(ctx: CheckContext) -> CheckResult:
    """eis 33: GridConnectionMaxCurrent matches the connection size the technician picked."""
    size = (ctx.value or "").strip()
    evidence: Evidence = {W("Connection (technician)"): size or W("(none given)")}
    if size not in CONNECTION_MAX_A:
        return _failed(evidence, W("Pick the connection size on the grid operator's label: "
                                   "%1.", (" / ".join(CONNECTION_MAX_A),)))
    expected = CONNECTION_MAX_A[size]
    raw = await _config(ctx, "GridConnectionMaxCurrent")
    evidence[W("GridConnectionMaxCurrent")] = f"{raw} A" if raw is not None else W("(not set)")
    evidence[W("Expected")] = _amps(expected)
    try:
        actual = float(raw) if raw is not None else math.nan
    except ValueError:
        actual = math.nan
    if actual != expected:
        return _failed(evidence, W(
            "A %1 connection needs GridConnectionMaxCurrent = %2, the pole has %3. Set it "
            "(ChangeConfiguration, or the pole's settings in the app) and run the step again.",
            (size, _amps(expected), raw or W("none"))))
    return _passed(evidence)


async def capacity_profile(ctx: CheckContext) -> CheckResult:
    """eis 24: the pole's composite schedule does what the tender asks (7 A in the local
    peak, the normal limit otherwise); with ``install`` (default true) the tender profile
    is installed first when it does not."""
    given = ctx.answers.get(str(ctx.params.get("connection_step", "grid-connection")))
    connection = given or "3x35"
    try:
        settings = TenderProfileSettings(connection=connection)  # type: ignore[arg-type]
    except ProfileError as exc:
        return _failed({W("Connection"): connection},
                       W("No tender profile for this connection: %1", (str(exc),)))
    evidence: Evidence = {W("Connection"): connection if given else W(
        "%1 (assumed: no size given)", (connection,))}
    grid_text = await _config(ctx, "GridConnectionMaxCurrent")
    grid = float(grid_text) if grid_text else None
    verdict = await _verify_profile(ctx, settings, grid, evidence)
    if verdict is None and ctx.params.get("install", True):
        local_day = ctx.clock().astimezone(settings.zone).date()
        profile = build_capacity_profile(settings, local_day)
        try:
            answer = await ctx.session.set_charging_profile(0, profile.to_ocpp())
        except CallError as exc:
            return refused(evidence, exc, W("the tender capacity profile"))
        evidence[W("Installed now")] = W("tender profile of %1: %2",
                                         (str(local_day), str(answer.status)))
        verdict = await _verify_profile(ctx, settings, grid, evidence)
    else:
        evidence[W("Installed now")] = W("no (already in force)") if verdict else W("no")
    if verdict is None:
        return _failed(evidence, W(
            "The pole's own schedule does not follow the tender profile (see the "
            "differences). Install the capacity profile again (from the service or the "
            "Profiles view) and run this step again; if the times are off by hours, check "
            "the pole's clock."))
    return _passed(evidence)


async def _verify_profile(ctx: CheckContext, settings: TenderProfileSettings,
                          grid: float | None, evidence: Evidence) -> bool | None:
    """True when the composite schedule matches the tender; None when it does not."""
    answer = await ctx.session.composite_schedule(0, 86_400)
    received = ctx.clock()
    try:
        start, schedule = parse_composite_answer(answer)
    except ProfileError as exc:
        evidence[W("Composite schedule")] = str(exc)
        return None
    zone = settings.zone
    evidence[W("Composite schedule (24 h)")] = ", ".join(
        f"{(received + timedelta(seconds=p.start_period_s)).astimezone(zone):%H:%M} "
        f"{p.limit:g} {schedule.charging_rate_unit.value}" for p in schedule.periods)
    check = check_against_intent(tender_intent(settings, grid), schedule, start,
                                 now=received, redeploy=settings)
    evidence[W("Pole clock offset")] = f"{check.clock_offset_s:+.1f} s"
    if check.matches:
        evidence.pop(W("Differences"), None)
        return True
    evidence[W("Differences")] = _differences(check, zone)
    return None


def _differences(check: Any, zone: Any) -> Words:
    """"17:00–21:00 the pole allows 16 A, the tender 7 A; …" as nested words."""
    parts: list[str | Words] = [W("%1 the pole allows %2, the tender %3", (
        f"{d.start.astimezone(zone):%H:%M}–{d.end.astimezone(zone):%H:%M}",
        _amps(d.pole_a), _amps(d.expected_a))) for d in check.differences]
    return W("; ".join(f"%{n}" for n in range(1, len(parts) + 1)), tuple(parts))


# ---------------------------------------------------------------------- LEDs
LED_TEST_COLOURS = TEST_SEQUENCE
"""Every eis 47 colour, in the order a pole shows them on ``SelfTest led``."""


def led_name(colour: LedColour, blinking: bool) -> str:
    """The English name ("blinking green"): what technician steps and tests compare."""
    return led_words(colour, blinking).text()


def led_words(colour: LedColour, blinking: bool) -> Words:
    names = {LedColour.OFF: W("off"), LedColour.GREEN: W("green"),
             LedColour.LIGHT_BLUE: W("light blue"), LedColour.BLUE: W("blue"),
             LedColour.RED: W("red")}
    return W("blinking %1", (names[colour],)) if blinking else names[colour]


def _listed(items: list[str | Words], separator: str) -> Words:
    """Items joined by a sign every language reads the same (``, `` or `` → ``)."""
    return W(separator.join(f"%{n}" for n in range(1, len(items) + 1)), tuple(items))


async def led_test(ctx: CheckContext) -> CheckResult:
    """eis 47: ``SelfTest led`` on every socket; the pole cycles its LEDs through every
    colour, which Live shows. The technician confirms what they saw in the next step."""
    watch_s = float(ctx.params.get("watch_s", 15.0))
    evidence: Evidence = {}
    wanted = set(LED_TEST_COLOURS)
    seen: dict[int, list[tuple[LedColour, bool]]] = {c: [] for c in ctx.sockets}
    failed: list[str] = []
    async with ctx.session.live(LIVE_INTERVAL_MS) as samples:
        for connector in ctx.sockets:
            try:
                result = await ctx.session.self_test("led", connector)
            except CallError as exc:
                return refused(evidence, exc, W("the LED self-test"))
            word = PASSED_WORD if result.passed else FAILED_WORD
            evidence[W("Socket %1 self-test", (str(connector),))] = (
                W("%1 (%2)", (word, result.detail)) if result.detail else word)
            if not result.passed:
                failed.append(str(connector))
        ctx.say(W("The LEDs now cycle through every colour: watch them."))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(watch_s):
                async for sample in samples:
                    for socket in sample.sockets:
                        shown = (socket.led.colour, socket.led.blinking)
                        trail = seen.setdefault(socket.connector_id, [])
                        if not trail or trail[-1] != shown:
                            trail.append(shown)
                    if all(wanted <= set(trail) for trail in seen.values()):
                        break
    for connector, trail in seen.items():
        missing: list[str | Words] = [led_words(*c) for c in LED_TEST_COLOURS if c not in trail]
        evidence[W("Socket %1 in Live", (str(connector),))] = _listed(
            [led_words(*c) for c in trail], " → ")
        if missing:
            evidence[W("Socket %1 not seen in Live", (str(connector),))] = _listed(missing, ", ")
    if failed:
        return _failed(evidence, W("The LED self-test failed on socket %1: replace that "
                                   "socket's LED module and run the step again.",
                                   (", ".join(failed),)))
    return _passed(evidence)


async def light_intensity(ctx: CheckContext) -> CheckResult:
    """eis 46: LightIntensity set to ``percent`` (default 100) and read back."""
    percent = int(ctx.params.get("percent", 100))
    before = await ctx.session.light_intensity()
    evidence: Evidence = {W("LightIntensity before"): f"{before} %",
                          W("Wanted"): f"{percent} %"}
    try:
        status = await ctx.session.set_light_intensity(percent)
    except CallError as exc:
        return refused(evidence, exc, W("LightIntensity"))
    after = await ctx.session.light_intensity()
    evidence[W("ChangeConfiguration")] = str(status)
    evidence[W("LightIntensity after")] = f"{after} %"
    if after != percent:
        return _failed(evidence, W("The pole kept LightIntensity at %1 (%2). Set it from the "
                                   "back office and run the step again.",
                                   (f"{after} %", str(status))))
    return _passed(evidence)


# ---------------------------------------------------------------------- self-tests
_SELF_TEST_ADVICE = {
    "rcd": (W("earth-fault (RCD) protection"),
            "The %1 of socket %2 did not pass its self-test. The socket must not be used: "
            "check its RCD/RDC-DD module and wiring, replace the module if the test fails "
            "again, and run the step again."),
    "lock": (W("socket lock"),
             "The %1 of socket %2 did not pass its self-test. Check the lock actuator and "
             "that nothing blocks the shutter, replace the actuator if the test fails again, "
             "and run the step again."),
    "meter": (W("energy meter"),
              "The %1 of socket %2 did not pass its self-test. Check the meter's wiring and "
              "communication cable; a MID meter that fails must be replaced before the pole "
              "may bill."),
}
"""What each socket self-test checks, and the message when it fails (catalogued)."""


async def _self_test_every_socket(ctx: CheckContext, test: str,
                                  evidence: Evidence) -> list[int]:
    failed: list[int] = []
    for connector in ctx.sockets:
        result = await ctx.session.self_test(test, connector)  # type: ignore[arg-type]
        word = PASSED_WORD if result.passed else FAILED_WORD
        evidence[W("Socket %1", (str(connector),))] = (
            W("%1: %2", (word, result.detail)) if result.detail else word)
        if not result.passed:
            failed.append(connector)
    return failed


async def _socket_self_test(ctx: CheckContext, test: str) -> CheckResult:
    what, advice = _SELF_TEST_ADVICE[test]
    evidence: Evidence = {}
    try:
        failed = await _self_test_every_socket(ctx, test, evidence)
    except CallError as exc:
        return refused(evidence, exc, W("the %1 self-test", (what,)))
    if failed:
        sockets = ", ".join(str(c) for c in failed)
        return _failed(evidence, W(advice, (what, sockets)))
    return _passed(evidence)


async def earth_fault(ctx: CheckContext) -> CheckResult:
    """eis 18: the earth-fault protection of every socket passes its self-test."""
    return await _socket_self_test(ctx, "rcd")


async def socket_lock(ctx: CheckContext) -> CheckResult:
    return await _socket_self_test(ctx, "lock")


async def meter(ctx: CheckContext) -> CheckResult:
    """The meters pass their self-test and their registers are plausible (a number, not
    negative, below ``max_kwh``, default 1 GWh)."""
    max_wh = float(ctx.params.get("max_kwh", 1_000_000)) * 1000
    result = await _socket_self_test(ctx, "meter")
    evidence = dict(result.evidence)
    sample, _ = await _first_sample(ctx)
    implausible: list[str] = []
    for socket in sample.sockets:
        evidence[W("Socket %1 register", (str(socket.connector_id),))] = (
            f"{socket.energy_wh / 1000:.3f} kWh")
        if not (math.isfinite(socket.energy_wh) and 0 <= socket.energy_wh <= max_wh):
            implausible.append(str(socket.connector_id))
    if result.outcome is not Outcome.PASSED:
        return CheckResult(result.outcome, evidence, result.message)
    if implausible:
        return _failed(evidence, W("The meter register of socket %1 is not plausible. Check "
                                   "the meter and its configuration; a MID meter that reads "
                                   "wrong must be replaced.", (", ".join(implausible),)))
    return _passed(evidence)


# ---------------------------------------------------------------------- test charge
async def test_charge(ctx: CheckContext) -> CheckResult:
    """A charge on one socket: A→B→C seen in Live, current above 0 and within the limit in
    force, then stopped. A virtual pole plugs a simulated vehicle (SimPlug); a real pole
    asks the technician to plug the test load in."""
    connector = int(ctx.params.get("connector", 1))
    ev_type = str(ctx.params.get("ev_type", "ev3"))
    id_tag = str(ctx.params.get("id_tag", "COMMISSIONING"))
    wait_s = float(ctx.params.get("timeout_s", 120.0))
    tolerance = float(ctx.params.get("tolerance_a", 0.5))
    evidence: Evidence = {W("Socket"): str(connector)}
    letters: list[str] = []
    virtual = False
    charging: list[LiveSample] = []
    transaction: int | None = None
    async with ctx.session.live(LIVE_INTERVAL_MS) as samples:

        async def next_socket() -> Any:
            async for sample in samples:
                live = sample.socket(connector)
                letter = live.cp_state.value[0]
                if not letters or letters[-1] != letter:
                    letters.append(letter)
                return sample, live
            raise LinkLost("the live stream ended")

        _, live = await next_socket()
        if live.cp_state.value[0] != "A":
            return _failed(evidence | {W("Mode 3 state"): live.cp_state.value},
                           W("Socket %1 is not free (state %2): unplug any cable and run the "
                             "step again.", (str(connector), live.cp_state.value)))
        try:
            answer = await ctx.session.data_transfer(
                VendorMessage.SIM_PLUG, {"connectorId": connector, "evType": ev_type})
            virtual = isinstance(answer, dict) and answer.get("status") == "Accepted"
        except CallError:
            virtual = False
        evidence[W("Vehicle")] = (W("simulated %1 (virtual pole)", (ev_type,)) if virtual
                                  else W("test load plugged in by the technician"))
        refused = ""
        try:
            async with asyncio.timeout(wait_s):
                if not virtual:
                    ctx.say(W("Plug the test load into socket %1.", (str(connector),)))
                while letters[-1] == "A":
                    _, live = await next_socket()
                status = await ctx.session.remote_start(connector, id_tag)
                evidence[W("RemoteStartTransaction")] = status
                if status != "Accepted":
                    refused = status
                while not refused and len(charging) < 5:
                    sample, live = await next_socket()
                    transaction = live.transaction_id or transaction
                    if live.cp_state.value[0] == "C" and max(live.current_a) > 0:
                        charging.append(sample)
        except TimeoutError:
            pass
        finally:  # whatever happened: no charge left running, no simulated car left behind
            await _end_charge(ctx, connector, transaction, virtual)
    if refused:
        return _failed(evidence, W("The pole refused to start a charge (%1). Check the "
                                   "socket's status and faults, then run the step again.",
                                   (refused,)))
    if len(charging) < 5:
        evidence[W("Mode 3 states")] = " → ".join(letters)
        if letters[-1] == "A":
            return _failed(evidence, W("Waited %1 s for the vehicle to be plugged in. Check "
                                       "the cable and the test load and run the step again.",
                                       (f"{wait_s:g}",)))
        return _failed(evidence, W("Waited %1 s for the vehicle to draw current (state C). "
                                   "Check the cable and the test load and run the step again.",
                                   (f"{wait_s:g}",)))
    evidence[W("Mode 3 states")] = " → ".join(letters)
    peak = max(max(s.socket(connector).current_a) for s in charging)
    limit = min(s.limit_a for s in charging)
    last = charging[-1].socket(connector)
    evidence[W("Current")] = W("%1 A (L1/L2/L3)", (" / ".join(f"{a:g}"
                                                              for a in last.current_a),))
    evidence[W("Highest current")] = _amps(peak)
    evidence[W("Limit in force")] = _amps(limit)
    evidence[W("Offered (PWM)")] = W("%1 at %2 %", (_amps(last.offered_current_a),
                                                     f"{last.pwm_duty_percent:g}"))
    if transaction is not None:
        evidence[W("Transaction")] = str(transaction)
    if letters[:3] != ["A", "B", "C"]:
        return _failed(evidence, W("The Mode 3 states did not go A → B → C. Check the "
                                   "control-pilot wiring and run the step again."))
    if peak > limit + tolerance:
        return _failed(evidence, W("The vehicle drew %1 A where %2 A was in force: the pole "
                                   "does not limit the current. Do not release the pole; "
                                   "report it to the manufacturer.",
                                   (f"{peak:g}", f"{limit:g}")))
    return _passed(evidence)


async def _end_charge(ctx: CheckContext, connector: int, transaction: int | None,
                      virtual: bool) -> None:
    if transaction is not None:
        with contextlib.suppress(CallError):
            await ctx.session.remote_stop(transaction)
    if virtual:
        with contextlib.suppress(CallError):
            await ctx.session.data_transfer(VendorMessage.SIM_UNPLUG,
                                            {"connectorId": connector})
    else:
        ctx.say(W("Unplug the test load from socket %1.", (str(connector),)))


# ---------------------------------------------------------------------- firmware, security
async def firmware(ctx: CheckContext) -> CheckResult:
    """The pole runs the release the operator approved (``approved`` in the checklist, or
    the version the technician types from the work order)."""
    identity = ctx.session.identity or await ctx.session.hello()
    approved = [str(v) for v in ctx.params.get("approved", [])]
    if ctx.value:
        approved.append(ctx.value.strip())
    evidence: Evidence = {W("Running"): identity.firmware_version,
                          W("Approved"): ", ".join(approved) or W("(none given)")}
    if not approved:
        return CheckResult(Outcome.NOT_AVAILABLE, evidence, W(
            "No approved release is known: type the version on the work order."))
    if identity.firmware_version not in approved:
        return _failed(evidence, W("The pole runs %1, not the approved %2. Install the "
                                   "approved release (paalwerk firmware upload, or a rollout "
                                   "from the service) and run the step again.",
                                   (identity.firmware_version, " / ".join(approved))))
    return _passed(evidence)


SECURITY_PROFILE, SERVICE_TOKEN_KEYS = "SecurityProfile", "ServiceTokenKeys"
MIN_SECURITY_PROFILE = 1
"""eis 69 asks for secure communication: at profile 0 a pole logs in to its back office
anonymously, so anyone who knows its id can pose as it. Profile 1 (a password per pole)
is the least that authenticates it; 2 and 3 add TLS, which needs the operator's CSMS to
serve ``wss://`` with a certificate the poles trust, so a checklist raises ``min_profile``
once the operator has rolled that out."""


def _key_entries(value: str) -> list[str]:
    """``ServiceTokenKeys`` → its base64 entries, as comparable strings."""
    return [item.strip() for item in value.split(",") if item.strip()]


async def security(ctx: CheckContext) -> CheckResult:
    """eis 69: the pole's ``SecurityProfile`` is at least ``min_profile`` (default 1, see
    `MIN_SECURITY_PROFILE`) and its ``ServiceTokenKeys`` are set — with a service
    connection: they include this service's key, so its tokens open the pole's port."""
    from pole_link.service_tokens import parse_keys

    given = ctx.params.get("min_profile", MIN_SECURITY_PROFILE)
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 3:
        return CheckResult(Outcome.NOT_AVAILABLE, {W("Required"): str(given)}, W(
            "The checklist asks for security profile %1, which does not exist (0 to 3): "
            "have the checklist corrected; note the pole's profile by hand meanwhile.",
            (str(given),)))
    wanted = given
    entries = (await ctx.session.get_configuration([SECURITY_PROFILE,
                                                    SERVICE_TOKEN_KEYS])).entries
    profile_entry, keys_entry = entries.get(SECURITY_PROFILE), entries.get(SERVICE_TOKEN_KEYS)
    profile_text = (profile_entry.value or "").strip() if profile_entry is not None else ""
    keys_text = (keys_entry.value or "") if keys_entry is not None else ""
    keys = _key_entries(keys_text)
    evidence: Evidence = {
        W("Security profile"): profile_text or W("(not reported)"),
        W("Required"): W("at least %1", (str(wanted),)),
        W("ServiceTokenKeys"): W("%1 key(s)", (str(len(keys)),)) if keys else W("(not set)"),
    }
    problems: list[Words] = []
    try:
        profile: int | None = int(profile_text)
    except ValueError:
        profile = None
        problems.append(W(
            "The pole does not report its security profile (%1). Ask the manufacturer for a "
            "firmware that supports the OCPP security profiles, and do not release the pole.",
            (profile_text or W("(not reported)"),)))
    if profile is not None and profile < wanted:
        problems.append(W(
            "The pole logs in to its back office at security profile %1; at least %2 is "
            "required. Set the pole's password and profile at the service (the pole's "
            "Security settings, or PUT /api/v1/poles/ID/security) and run the step again "
            "once the pole has reconnected.", (str(profile), str(wanted))))
    if not keys:
        problems.append(W(
            "The pole has no service-token keys: it is still factory-fresh and opens its "
            "service port to the commissioning PIN. Connect the pole to the service (it "
            "gets its keys when it boots there; a TriggerMessage BootNotification will do), "
            "then run the step again."))
    else:
        try:
            parse_keys(keys_text)
        except ValueError as exc:
            problems.append(W(
                "The pole's ServiceTokenKeys cannot be read (%1): have the service set them "
                "again by rebooting the pole while it is connected, then run the step again.",
                (str(exc),)))
    if problems:  # every problem at once: one visit to the pole fixes them all
        message = problems[0]
        for more in problems[1:]:
            message = W("%1 %2", (message, more))
        return _failed(evidence, message)
    if ctx.service is None:
        evidence[W("Service's key")] = W("not checked (no service connection given)")
        return _passed(evidence)
    try:
        service_key = await ctx.service.service_token_key()
    except (ConnectError, LinkTimeout, NotAuthorised) as exc:  # offline or refused: pole only
        evidence[W("Service's key")] = W("not checked (the service is not reachable: %1)",
                                         (str(exc),))
        return _passed(evidence)
    if service_key.strip() not in keys:
        evidence[W("Service's key")] = W("missing")
        return _failed(evidence, W(
            "The pole's service-token keys are not this service's: tokens from this service "
            "will not open its service port. Check the pole's CSMS URL (it may still point "
            "at another back office), reboot it so the service sets its key, then run the "
            "step again."))
    evidence[W("Service's key")] = W("on the pole")
    return _passed(evidence)


CHECKS: dict[str, CheckSpec] = {
    "pole_id": CheckSpec(pole_id, needs_input=True),
    "clock": CheckSpec(clock, frozenset({"max_offset_s"})),
    "csms_connection": CheckSpec(csms_connection),
    "grid_connection": CheckSpec(grid_connection, needs_input=True),
    "capacity_profile": CheckSpec(capacity_profile, frozenset({"connection_step", "install"})),
    "led_test": CheckSpec(led_test, frozenset({"watch_s"})),
    "light_intensity": CheckSpec(light_intensity, frozenset({"percent"})),
    "earth_fault": CheckSpec(earth_fault),
    "socket_lock": CheckSpec(socket_lock),
    "meter": CheckSpec(meter, frozenset({"max_kwh"})),
    "test_charge": CheckSpec(test_charge, frozenset(
        {"connector", "ev_type", "id_tag", "timeout_s", "tolerance_a"})),
    "firmware": CheckSpec(firmware, frozenset({"approved"})),
    "security": CheckSpec(security, frozenset({"min_profile"})),
}
"""Registry: the name a checklist uses → the check."""
