"""Why a pole is down, from its recent history: the outage board's rules (issue 19).

The helpdesk's question is not *that* a pole is down but *why*, and what to do next. Each
rule below reads the same inputs — a pole's (and, for the grid, its area's) recent
connection sessions, status notifications with error codes, transaction stops, low-current
vehicles, security events and firmware statuses — and, when it recognises its pattern,
makes a `BoardEntry` that says so with the evidence: sentences a helpdesk can read out,
plus the facts behind them (times, counts, error codes).

Pure code: no storage, no clock of its own (``now`` is given), so every rule is tested
from scripted histories (`tests/service/test_outage_rules.py`). The thresholds are named
constants with the reason for their value; they are a helpdesk's rules of thumb, not the
tender's, so they live here and nowhere else.

One pole may be on the board for more than one cause (a faulted socket *and* failed
logins); where one pattern explains another it wins: a boot loop after an update also
looks like a flaky modem, and an area's power cut also looks like one pole dropping, so
the telecom rule stands back for the firmware and grid rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from service.reports.uptime import SERVICE_RESTART_GRACE as SERVICE_RESTART_GRACE
from service.reports.uptime import SERVICE_STOPPED as SERVICE_STOPPED
from service.reports.uptime import (
    UPTIME_TARGET_PERCENT,
    UptimeReport,
)

LOCAL = ZoneInfo("Europe/Amsterdam")

BOARD_WINDOW = timedelta(days=7)
"""How far back the rules look: a week shows a pattern that repeats every evening, and
keeps the fleet-wide read bounded (the year is read only for uptime, per pole on the
board)."""
GRID_SAME_MINUTE = timedelta(seconds=60)
"""Poles of one area that drop within a minute of each other lost power together: a
modem fails alone, a medium-voltage cable takes the street."""
GRID_MIN_POLES = 3
"""At least this many poles of one area dropping together: two could be chance (two
modems on one mast), three in a minute is the grid."""
POWER_LOSS_AFTER = timedelta(minutes=30)
"""A ``PowerLoss`` stop timestamped within this long of a drop explains it (the pole
stamps it when power went, eis 43; its clock may be a little off)."""
TELECOM_MIN_DROPS = 3
"""Connections lost without a goodbye in the window before a pole that is online again
counts as having a flaky link; one or two are the network's ordinary weather."""
TELECOM_SHORT_SESSION = timedelta(minutes=15)
"""A connection that ends this soon after it began is a short one: a modem that keeps
losing its carrier."""
HARDWARE_REPEATED_TRIPS = 3
"""The same error code on a socket this often in the window is a repeating fault (a pole
tripping every evening), even if the socket is Available right now."""
BOOT_LOOP_BOOTS = 3
"""Boots (new sessions) within `BOOT_LOOP_SPAN` that make a boot loop."""
BOOT_LOOP_SPAN = timedelta(minutes=30)
"""A healthy pole boots once after a power cut or an update, not three times in half an
hour."""
AFTER_UPDATE = timedelta(hours=24)
"""Faults or boot loops within a day of an installed update are blamed on the update."""
CAPACITY_MIN_OFFER_A = 6.0
"""IEC 61851: no vehicle charges on an offer below 6 A (SPEC: such a socket is paused)."""
CAPACITY_PAUSED_PEAK = timedelta(minutes=30)
"""Sockets paused for this long in the week's peaks (summed) means drivers got no charge
when they came home: the capacity profile or the connection is too tight for the street."""
CAPACITY_LOW_CURRENT_VEHICLES = 2
"""eis 30 low-current vehicles in the peaks of the window: one is a visitor, two or more
mean the pole's peak limit keeps meeting cars that cannot charge on it."""
PEAK_START_HOUR, PEAK_END_HOUR = 17, 21
"""The evening peak, Europe/Amsterdam wall clock (SPEC "Decisions: Time")."""

HARDWARE_ERRORS = frozenset({
    "GroundFailure", "OverCurrentFailure", "ConnectorLockFailure", "PowerMeterFailure",
    "HighTemperature", "InternalError", "PowerSwitchFailure", "ReaderFailure",
    "ResetFailure", "OverVoltage", "UnderVoltage", "EVCommunicationError", "OtherError"})
"""OCPP 1.6 ChargePointErrorCodes that point at the pole's hardware (``WeakSignal`` is the
modem's: telecom)."""
SECURITY_ALERTS = frozenset({
    "CredentialsMissing", "CredentialsWrong", "TlsRequired", "CertificateRefused",
    "SecondConnectionRefused", "AuthorizationKeyChangeRefused", "CertificateChangeRefused",
    "DecommissionedPole", "InvalidFirmwareSignature", "InvalidFirmwareSigningCertificate",
    "InvalidCentralSystemCertificate", "InvalidChargePointCertificate",
    "InvalidTLSVersion", "InvalidTLSCipherSuite", "TamperDetectionActivated",
    "FailedToAuthenticateAtCentralSystem", "InvalidMessages", "AttemptedReplayAttacks",
    "MemoryExhaustion", "SecurityLogWasCleared"})
"""Security events that need a person (the service's own refusals and the OCPP security
whitepaper's critical types); informational ones (a certificate installed, a pole
registered) are not outages."""
FIRMWARE_FAILURES = frozenset({"DownloadFailed", "InstallationFailed", "InstallFailed",
                               "InvalidSignature", "SignatureError"})
SILENT, DROPPED = "silent", "dropped"


class Cause(StrEnum):
    """Probable causes, in the order the board shows them (widest first)."""

    GRID = "grid"
    TELECOM = "telecom"
    HARDWARE = "hardware"
    FIRMWARE = "firmware"
    CAPACITY = "capacity"
    SECURITY = "security"


NEXT_STEPS: Mapping[Cause, str] = {
    Cause.GRID: "Call the grid operator's outage line for the area; nothing to send to "
                "the poles: they restart by themselves when power returns (eis 43).",
    Cause.TELECOM: "Reset the modem remotely if the pole answers; otherwise send a "
                   "technician with a spare modem and SIM and check the signal.",
    Cause.HARDWARE: "Reset the socket remotely once; if it trips again, send a technician "
                    "to test the socket and its protection.",
    Cause.FIRMWARE: "Hold the firmware rollout and install the previous release on this "
                    "pole; report the failure to the manufacturer.",
    Cause.CAPACITY: "Check the pole's capacity profile and connection size (eis 24, 33); "
                    "ask the grid operator whether the peak limit can be raised.",
    Cause.SECURITY: "Check the pole's credentials and security profile; if nobody changed "
                    "them, treat it as an attack: rotate the key and inform security.",
}
HARDWARE_STEPS: Mapping[str, str] = {
    "GroundFailure": "Send a technician to test the earth-fault protection "
                     "(aardlekschakelaar) and the charging cable of the socket; a trip every "
                     "evening often is one vehicle with a leaking charger.",
    "ConnectorLockFailure": "Send a technician to replace the socket's lock actuator.",
    "OverCurrentFailure": "Send a technician to check the socket's overcurrent protection "
                          "and the load balancing settings (eis 31).",
    "PowerMeterFailure": "Send a technician to replace the MID meter (eis 56).",
}


@dataclass(frozen=True)
class Session:
    """One OCPP connection session: boot to disconnect (``end_reason`` as stored)."""

    started: datetime
    ended: datetime | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class Status:
    """A StatusNotification (connector 0 = the pole)."""

    at: datetime
    connector_id: int
    status: str
    error_code: str = "NoError"


@dataclass(frozen=True)
class Stop:
    """A transaction stop, as the pole stamped it (``PowerLoss``, ``Reboot``, …)."""

    at: datetime
    connector_id: int
    reason: str | None


@dataclass(frozen=True)
class LowCurrent:
    """An eis 30 low-current vehicle detected on a transaction."""

    at: datetime
    connector_id: int


@dataclass(frozen=True)
class Offer:
    """A current the pole offered a socket (A), when a reader has it."""

    at: datetime
    connector_id: int
    amps: float


@dataclass(frozen=True)
class Security:
    at: datetime
    type: str
    tech_info: str | None = None


@dataclass(frozen=True)
class FirmwareStatus:
    at: datetime
    status: str


@dataclass(frozen=True)
class PoleHistory:
    """What the rules know of one pole over the window (lists oldest first)."""

    pole_id: str
    area: str | None = None
    """Grid operator area code (with the operator), or None when no location is set."""
    connected: bool = False
    sessions: Sequence[Session] = ()
    statuses: Sequence[Status] = ()
    """Including, per connector, the last one before the window (the opening state)."""
    stops: Sequence[Stop] = ()
    low_current: Sequence[LowCurrent] = ()
    offers: Sequence[Offer] = ()
    security: Sequence[Security] = ()
    firmware: Sequence[FirmwareStatus] = ()


EVIDENCE_CODES = frozenset({
    "grid.shared_drop", "grid.back_power_loss", "grid.back_no_stop",
    "telecom.offline_alone", "telecom.offline_no_location",
    "telecom.offline_service_stopped", "telecom.drops", "telecom.weak_signal",
    "telecom.kept_power", "telecom.power_unknown", "telecom.not_back_after_restart",
    "hardware.trips",
    "firmware.boot_loop", "firmware.after_update", "firmware.failed",
    "capacity.paused", "capacity.low_offers", "capacity.low_current_vehicles",
    "security.alert",
})
"""Every kind of finding the rules make. The English sentence is for the API's scripts
and CSV users; the app words a finding from its code and parameters in the helpdesk's
language (`gui.outages.evidence_words`, held equal to this set by a test), so a code is
a contract: add one, never change what one means."""


@dataclass(frozen=True)
class Evidence:
    """One finding: a sentence in words, the facts it rests on, and its ``code`` with the
    ``params`` that word it again (times as ISO 8601 UTC, counts as numbers)."""

    text: str
    facts: Mapping[str, str | int | float] = field(default_factory=dict)
    code: str = ""
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in EVIDENCE_CODES:
            raise ValueError(f"evidence code {self.code!r} is not in EVIDENCE_CODES")


@dataclass(frozen=True)
class UptimeBudget:
    """eis 48 for the year so far: how much of the 2 % downtime is spent."""

    percent: float
    """Up this year so far (since the pole's registration when later)."""
    down_hours: float
    allowed_hours: float
    """2 % of the whole year."""

    @property
    def hours_left(self) -> float:
        """Hours the pole may still be down this year and meet 98 % (negative: missed)."""
        return self.allowed_hours - self.down_hours


@dataclass(frozen=True)
class BoardEntry:
    """One pole under one probable cause."""

    pole_id: str
    cause: Cause
    since: datetime
    sockets: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    next_step: str
    area: str | None = None
    uptime: UptimeBudget | None = None


def _t(at: datetime) -> str:
    """A time as the helpdesk reads it: Amsterdam wall clock."""
    return at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def uptime_budget(report: UptimeReport, year_start: datetime, year_end: datetime
                  ) -> UptimeBudget:
    """The year's 2 % (eis 48) against the downtime of ``report`` (the year so far)."""
    allowed = (year_end - year_start).total_seconds() * (100 - UPTIME_TARGET_PERCENT) / 100
    down = report.period_seconds - report.up_seconds
    return UptimeBudget(report.percent, down / 3600, allowed / 3600)


def year_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar year around ``now``, Amsterdam time (eis 48 counts per year)."""
    local = now.astimezone(LOCAL)
    return (datetime(local.year, 1, 1, tzinfo=LOCAL).astimezone(UTC),
            datetime(local.year + 1, 1, 1, tzinfo=LOCAL).astimezone(UTC))


# -- helpers over one pole -------------------------------------------------------------------

def _sockets(history: PoleHistory) -> tuple[int, ...]:
    known = sorted({s.connector_id for s in history.statuses if s.connector_id >= 1})
    return tuple(known) or (1, 2)


def _current(history: PoleHistory) -> dict[int, Status]:
    latest: dict[int, Status] = {}
    for status in sorted(history.statuses, key=lambda s: s.at):
        latest[status.connector_id] = status
    return latest


def _drops(history: PoleHistory, start: datetime) -> list[Session]:
    """Sessions in the window that ended without a goodbye (network or power gone)."""
    return [s for s in history.sessions if s.ended is not None and s.ended >= start
            and s.end_reason in (DROPPED, SILENT, None)]


def _offline_since(history: PoleHistory) -> datetime | None:
    """When the pole's last session ended, if it is offline now."""
    if history.connected:
        return None
    ended = [s.ended for s in history.sessions if s.ended is not None]
    return max(ended) if ended else None


def _power_loss_near(history: PoleHistory, at: datetime) -> list[Stop]:
    return [stop for stop in history.stops if stop.reason == "PowerLoss"
            and abs(stop.at - at) <= POWER_LOSS_AFTER]


def _in_peak(at: datetime) -> bool:
    return PEAK_START_HOUR <= at.astimezone(LOCAL).hour < PEAK_END_HOUR


def _peak_overlap(lo: datetime, hi: datetime) -> timedelta:
    """How much of ``[lo, hi)`` falls in evening peaks (local time, day by day)."""
    total = timedelta()
    day = lo.astimezone(LOCAL).date()
    while True:
        peak_lo = datetime(day.year, day.month, day.day, PEAK_START_HOUR, tzinfo=LOCAL)
        if peak_lo >= hi:
            return total
        peak_hi = datetime(day.year, day.month, day.day, PEAK_END_HOUR, tzinfo=LOCAL)
        a, b = max(lo, peak_lo), min(hi, peak_hi)
        if a < b:
            total += b - a
        day += timedelta(days=1)


# -- the rules -------------------------------------------------------------------------------

def grid_outages(histories: Sequence[PoleHistory], now: datetime) -> list[BoardEntry]:
    """Offline poles whose drop was shared, within a minute, by `GRID_MIN_POLES` or more
    poles of the same area; the area's poles that came back with ``PowerLoss`` stops
    are the proof it was power, not the network."""
    start = now - BOARD_WINDOW
    by_area: dict[str, list[tuple[datetime, PoleHistory]]] = defaultdict(list)
    for history in histories:
        if history.area is None:
            continue
        for session in _drops(history, start):
            assert session.ended is not None
            by_area[history.area].append((session.ended, history))
    entries: list[BoardEntry] = []
    for area, drops in by_area.items():
        drops.sort(key=lambda d: d[0])
        clusters: list[list[tuple[datetime, PoleHistory]]] = []
        for drop in drops:
            if clusters and drop[0] - clusters[-1][0][0] <= GRID_SAME_MINUTE:
                clusters[-1].append(drop)
            else:
                clusters.append([drop])
        for cluster in clusters:
            poles = {h.pole_id: (at, h) for at, h in cluster}
            if len(poles) < GRID_MIN_POLES:
                continue
            first, last = cluster[0][0], cluster[-1][0]
            back = [h for _at, h in poles.values() if h.connected]
            power_loss = sum(len(_power_loss_near(h, at)) for at, h in poles.values())
            apart = round((last - first).total_seconds())
            shared = Evidence(
                f"{len(poles)} poles in area {area} lost their connection between "
                f"{_t(first)} and {_t(last)} ({apart} s apart).",
                {"area": area, "poles": len(poles), "first": _iso(first), "last": _iso(last)},
                "grid.shared_drop", {"poles": len(poles), "area": area, "first": _iso(first),
                                     "last": _iso(last), "apart_s": apart})
            came_back = Evidence(
                f"{len(back)} of them are back; their transactions stopped with reason "
                f"PowerLoss {power_loss} times: the power went, not the network.",
                {"back": len(back), "power_loss_stops": power_loss}, "grid.back_power_loss",
                {"back": len(back), "power_loss_stops": power_loss}) if power_loss else \
                Evidence(
                f"{len(back)} of them are back; none had a transaction running to report "
                "a PowerLoss stop, so the shared minute is the evidence.",
                {"back": len(back), "power_loss_stops": power_loss}, "grid.back_no_stop",
                {"back": len(back)})
            for at, history in poles.values():
                if history.connected or _offline_since(history) != at:
                    continue
                evidence = [shared]
                if back:
                    evidence.append(came_back)
                entries.append(BoardEntry(
                    history.pole_id, Cause.GRID, at, _sockets(history), tuple(evidence),
                    NEXT_STEPS[Cause.GRID], history.area))
    return entries


def telecom(history: PoleHistory, now: datetime, restarted: datetime | None = None
            ) -> BoardEntry | None:
    """A pole that loses its connection on its own: offline now (however long: a pole
    dark for a month stays on the board) without its area, or online but with
    `TELECOM_MIN_DROPS` drops or more this week with no power-loss stop. An offline
    pole that lost power alone cannot tell until it is back, so its evidence says what
    is known: the pole, not its area, went quiet.

    A pole dark since the *service* stopped could not reconnect to it: it is reconnecting,
    not offline, until `SERVICE_RESTART_GRACE` after the service ``restarted`` (when the
    service's runs are known; else after its session ended), and its outage counts from
    the restart, not from the service's own down window."""
    start = now - BOARD_WINDOW
    drops = [s for s in _drops(history, start) if s.ended is not None
             and not _power_loss_near(history, s.ended)]
    offline = _offline_since(history)
    not_back: datetime | None = None
    service_gap = offline is not None and any(
        s.ended == offline and s.end_reason == SERVICE_STOPPED for s in history.sessions)
    if service_gap and offline is not None and restarted is not None and restarted >= offline:
        if now - restarted < SERVICE_RESTART_GRACE:
            offline = None  # reconnecting: the service came back a moment ago
        else:
            not_back = restarted
    elif service_gap and offline is not None and now - offline < SERVICE_RESTART_GRACE:
        offline = None  # the service's own restart: the pole is expected back any moment
    weak = [s for s in history.statuses if s.error_code == "WeakSignal" and s.at >= start]
    if offline is None and len(drops) < TELECOM_MIN_DROPS and not weak:
        return None
    evidence: list[Evidence] = []
    if offline is not None and not_back is not None:
        evidence.append(Evidence(
            f"Not reconnected since the service restarted at {_t(not_back)}; it was "
            f"connected when the service stopped ({_t(offline)}).",
            {"offline_since": _iso(offline), "restarted": _iso(not_back)},
            "telecom.not_back_after_restart",
            {"restarted": _iso(not_back), "stopped": _iso(offline)}))
    elif offline is not None:
        code, alone = (("telecom.offline_alone",
                        "no other pole of its area dropped at that minute") if history.area
                       else ("telecom.offline_no_location",
                             "no location is set, so its area cannot be compared"))
        last = max((s for s in history.sessions if s.ended == offline),
                   key=lambda s: s.started)
        if last.end_reason == SERVICE_STOPPED:
            code, alone = ("telecom.offline_service_stopped", "the service stopped while it "
                           "was connected and it has not come back")
        evidence.append(Evidence(f"Offline since {_t(offline)}; {alone}.",
                                 {"offline_since": _iso(offline)}, code,
                                 {"offline_since": _iso(offline)}))
    if drops:
        short = [s for s in drops if s.ended is not None
                 and s.ended - s.started <= TELECOM_SHORT_SESSION]
        silent = sum(1 for s in drops if s.end_reason == SILENT)
        minutes = TELECOM_SHORT_SESSION.seconds // 60
        evidence.append(Evidence(
            f"{len(drops)} connections lost without a goodbye in the last "
            f"{BOARD_WINDOW.days} days, {len(short)} of them within "
            f"{minutes} minutes of connecting; {silent} ended after missed heartbeats.",
            {"drops": len(drops), "short": len(short), "missed_heartbeats": silent},
            "telecom.drops", {"drops": len(drops), "days": BOARD_WINDOW.days,
                              "short": len(short), "minutes": minutes,
                              "missed_heartbeats": silent}))
    if weak:
        evidence.append(Evidence(f"The pole reported WeakSignal {len(weak)} times.",
                                 {"error_code": "WeakSignal", "count": len(weak)},
                                 "telecom.weak_signal", {"count": len(weak)}))
    if offline is None:
        evidence.append(Evidence("No PowerLoss stop with these drops: the pole kept its "
                                 "power.", {"power_loss_stops": 0}, "telecom.kept_power"))
    else:
        evidence.append(Evidence("If it lost power on its own, its PowerLoss stops arrive "
                                 "once it is back; until then the link is the suspect.",
                                 code="telecom.power_unknown"))
    since = (not_back or offline) if offline is not None else min(
        [s.ended for s in drops if s.ended is not None] + [w.at for w in weak])
    return BoardEntry(history.pole_id, Cause.TELECOM, since, _sockets(history),
                      tuple(evidence), NEXT_STEPS[Cause.TELECOM], history.area)


def hardware(history: PoleHistory, now: datetime) -> BoardEntry | None:
    """Sockets Faulted now with a hardware error code, or the same code repeating on a
    socket (`HARDWARE_REPEATED_TRIPS`) this week."""
    start = now - BOARD_WINDOW
    current = _current(history)
    faults: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for status in history.statuses:
        if status.at >= start and status.error_code in HARDWARE_ERRORS:
            faults[(status.connector_id, status.error_code)].append(status.at)
    faulted_now = {c: s for c, s in current.items()
                   if s.status == "Faulted" and s.error_code in HARDWARE_ERRORS}
    findings = {key: times for key, times in faults.items()
                if len(times) >= HARDWARE_REPEATED_TRIPS or (key[0] in faulted_now
                and faulted_now[key[0]].error_code == key[1])}
    for connector, status in faulted_now.items():
        findings.setdefault((connector, status.error_code), [status.at])
    if not findings:
        return None
    evidence: list[Evidence] = []
    codes: list[str] = []
    for (connector, code), times in sorted(findings.items()):
        codes.append(code)
        where = "The pole" if connector == 0 else f"Socket {connector}"
        evenings = sum(1 for at in times if _in_peak(at))
        text = (f"{where} reported {code} {len(times)} times since {_t(min(times))}"
                + (f", {evenings} of them in the evening peak" if evenings else "") + ".")
        params: dict[str, str | int | float] = {
            "connector": connector, "error_code": code, "count": len(times),
            "first": _iso(min(times)), "evenings": evenings}
        if connector in faulted_now and faulted_now[connector].error_code == code:
            text += f" It is Faulted now (since {_t(faulted_now[connector].at)})."
            params["faulted_since"] = _iso(faulted_now[connector].at)
        evidence.append(Evidence(text, {"connector": connector, "error_code": code,
                                        "count": len(times), "first": _iso(min(times)),
                                        "last": _iso(max(times))}, "hardware.trips", params))
    step = next((HARDWARE_STEPS[c] for c in codes if c in HARDWARE_STEPS),
                NEXT_STEPS[Cause.HARDWARE])
    sockets = tuple(sorted({c for c, _code in findings} - {0})) or _sockets(history)
    since = min(min(t) for t in findings.values())
    return BoardEntry(history.pole_id, Cause.HARDWARE, since, sockets, tuple(evidence), step,
                      history.area)


def firmware(history: PoleHistory, now: datetime) -> BoardEntry | None:
    """A boot loop (`BOOT_LOOP_BOOTS` boots within `BOOT_LOOP_SPAN`), or a failed update,
    this week; boots and faults within `AFTER_UPDATE` of an install are tied to it."""
    start = now - BOARD_WINDOW
    boots = sorted(s.started for s in history.sessions if s.started >= start)
    loop: list[datetime] = []
    for i in range(len(boots)):
        run = [b for b in boots[i:] if b - boots[i] <= BOOT_LOOP_SPAN]
        if len(run) >= BOOT_LOOP_BOOTS and len(run) > len(loop):
            loop = run
    failed = [f for f in history.firmware if f.at >= start and f.status in FIRMWARE_FAILURES]
    if not loop and not failed:
        return None
    evidence: list[Evidence] = []
    if loop:
        span = round((loop[-1] - loop[0]).total_seconds() / 60)
        evidence.append(Evidence(
            f"Booted {len(loop)} times in {span} minutes from {_t(loop[0])}: a boot loop.",
            {"boots": len(loop), "first": _iso(loop[0]), "last": _iso(loop[-1])},
            "firmware.boot_loop", {"boots": len(loop), "minutes": span,
                                   "first": _iso(loop[0])}))
        installed = [f for f in history.firmware if f.status == "Installed"
                     and timedelta() <= loop[0] - f.at <= AFTER_UPDATE]
        if installed:
            after = round((loop[0] - installed[-1].at).total_seconds() / 60)
            evidence.append(Evidence(
                f"It began {after} minutes "
                f"after a firmware update was installed ({_t(installed[-1].at)}).",
                {"installed": _iso(installed[-1].at)}, "firmware.after_update",
                {"minutes": after, "installed": _iso(installed[-1].at)}))
    for failure in failed:
        evidence.append(Evidence(f"Firmware update failed: {failure.status} at "
                                 f"{_t(failure.at)}.",
                                 {"status": failure.status, "at": _iso(failure.at)},
                                 "firmware.failed",
                                 {"status": failure.status, "at": _iso(failure.at)}))
    since = min([*loop[:1], *(f.at for f in failed)])
    return BoardEntry(history.pole_id, Cause.FIRMWARE, since, _sockets(history),
                      tuple(evidence), NEXT_STEPS[Cause.FIRMWARE], history.area)


def capacity(history: PoleHistory, now: datetime) -> BoardEntry | None:
    """Vehicles that got no charge in the week's evening peaks: offers below 6 A,
    sockets paused by the pole (``SuspendedEVSE``) for `CAPACITY_PAUSED_PEAK` or more,
    or `CAPACITY_LOW_CURRENT_VEHICLES` eis 30 low-current vehicles."""
    start = now - BOARD_WINDOW
    paused: dict[int, timedelta] = defaultdict(timedelta)
    opened: dict[int, datetime] = {}
    first_pause: datetime | None = None
    for status in sorted(history.statuses, key=lambda s: s.at):
        c = status.connector_id
        if c in opened:
            lo = max(opened.pop(c), start)
            if lo < status.at:
                overlap = _peak_overlap(lo, status.at)
                paused[c] += overlap
                if overlap and first_pause is None:
                    first_pause = lo
        if status.status == "SuspendedEVSE":
            opened[c] = status.at
    for c, at in opened.items():
        overlap = _peak_overlap(max(at, start), now)
        paused[c] += overlap
        if overlap and first_pause is None:
            first_pause = max(at, start)
    low_offers = [o for o in history.offers if o.at >= start and _in_peak(o.at)
                  and 0 < o.amps < CAPACITY_MIN_OFFER_A]
    lcv = [v for v in history.low_current if v.at >= start and _in_peak(v.at)]
    total = sum(paused.values(), timedelta())
    if (total < CAPACITY_PAUSED_PEAK and not low_offers
            and len(lcv) < CAPACITY_LOW_CURRENT_VEHICLES):
        return None
    evidence: list[Evidence] = []
    sockets: set[int] = set()
    times: list[datetime] = []
    if total >= CAPACITY_PAUSED_PEAK and first_pause is not None:
        sockets |= {c for c, d in paused.items() if d}
        times.append(first_pause)
        minutes = round(total.total_seconds() / 60)
        evidence.append(Evidence(
            f"Sockets paused by the pole for {minutes} minutes in "
            f"the evening peaks of the last {BOARD_WINDOW.days} days: vehicles waited "
            "without charge.", {"paused_minutes": minutes},
            "capacity.paused", {"minutes": minutes, "days": BOARD_WINDOW.days}))
    if low_offers:
        sockets |= {o.connector_id for o in low_offers}
        times.append(low_offers[0].at)
        lowest = round(min(o.amps for o in low_offers), 1)
        limit = round(CAPACITY_MIN_OFFER_A)
        evidence.append(Evidence(
            f"{len(low_offers)} offers below {limit} A in the peak (lowest {lowest:.1f} A).",
            {"offers_below_6A": len(low_offers)}, "capacity.low_offers",
            {"count": len(low_offers), "limit_a": limit, "lowest_a": lowest}))
    if len(lcv) >= CAPACITY_LOW_CURRENT_VEHICLES:
        sockets |= {v.connector_id for v in lcv}
        times.append(lcv[0].at)
        evidence.append(Evidence(
            f"{len(lcv)} low-current vehicles (eis 30) could not charge on the peak limit "
            "and got the overrule automatically.", {"low_current_vehicles": len(lcv)},
            "capacity.low_current_vehicles", {"count": len(lcv)}))
    if not evidence:
        return None
    return BoardEntry(history.pole_id, Cause.CAPACITY, min(times),
                      tuple(sorted(sockets - {0})) or _sockets(history), tuple(evidence),
                      NEXT_STEPS[Cause.CAPACITY], history.area)


def security(history: PoleHistory, now: datetime) -> BoardEntry | None:
    """Security events of the `SECURITY_ALERTS` kinds this week (failed logins, refused
    certificates, a second connection, tampering…)."""
    start = now - BOARD_WINDOW
    alerts = [e for e in history.security if e.at >= start and e.type in SECURITY_ALERTS]
    if not alerts:
        return None
    counts: dict[str, list[Security]] = defaultdict(list)
    for event in alerts:
        counts[event.type].append(event)
    evidence: list[Evidence] = []
    for kind, events in sorted(counts.items()):
        facts: dict[str, str | int | float] = {
            "type": kind, "count": len(events), "last": _iso(events[-1].at)}
        detail = events[-1].tech_info
        evidence.append(Evidence(
            f"{kind} {len(events)} times, last at {_t(events[-1].at)}"
            + (f": {detail}" if detail else "") + ".", facts, "security.alert",
            {**facts, "tech_info": detail} if detail else facts))
    return BoardEntry(history.pole_id, Cause.SECURITY, alerts[0].at, _sockets(history),
                      tuple(evidence), NEXT_STEPS[Cause.SECURITY], history.area)


def board(histories: Iterable[PoleHistory], now: datetime,
          uptime: Mapping[str, UptimeBudget] | None = None,
          restarted: datetime | None = None) -> list[BoardEntry]:
    """Every rule over every pole: the board's entries by cause, then longest down first.

    ``uptime`` (optional) adds each pole's year budget (eis 48); the caller computes it
    only for the poles that are on the board. ``restarted``: when the service last came
    back after being down (`service.storage.service_runs.restart_at`), None if never.
    """
    histories = list(histories)
    entries = grid_outages(histories, now)
    on_grid = {e.pole_id for e in entries}
    for history in histories:
        found = [rule(history, now) for rule in (hardware, firmware, capacity, security)]
        entries.extend(e for e in found if e is not None)
        if history.pole_id in on_grid or any(e is not None and e.cause == Cause.FIRMWARE
                                             for e in found):
            continue  # the area's power cut or the boot loop explains the drops
        link = telecom(history, now, restarted)
        if link is not None:
            entries.append(link)
    order = list(Cause)
    entries.sort(key=lambda e: (order.index(e.cause), e.since, e.pole_id))
    if uptime:
        entries = [BoardEntry(e.pole_id, e.cause, e.since, e.sockets, e.evidence, e.next_step,
                              e.area, uptime.get(e.pole_id)) for e in entries]
    return entries
