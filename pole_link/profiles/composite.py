"""What the installed profiles allow: at one instant, the next step, and over a window.

The rules are OCPP 1.6's, made explicit here because the pole, the virtual pole
and the CSMS's verification after deployment must all compute the same thing:

* A profile limits only while it is valid (``validFrom <= t < validTo``) and its
  schedule is running: Absolute from startSchedule; Recurring from startSchedule,
  restarting every 24 h (Daily) or 7 d (Weekly) of *absolute* time — not wall
  clock; nothing before startSchedule; Relative from the transaction start (no
  transaction, no limit). A duration ends the schedule (each repetition, for a
  Recurring one).
* Within a purpose the highest stackLevel that limits at that instant wins; a
  TxDefaultProfile on the socket beats one on connector 0 at the same level.
* A TxProfile (only while a transaction runs) overrides the TxDefaultProfile; a
  socket gets min(ChargePointMaxProfile, Tx/TxDefault). Connector 0 — the pole's
  total — is limited by the ChargePointMaxProfile alone.

Everything is returned in amps per phase. Watt limits are converted at
**230 V x 3 phases = 690 W per ampere-per-phase**, in both directions, whatever a
period's numberPhases says: the tender poles are three-phase, and for a
one-phase vehicle this errs on the safe side (a lower current).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

from ocpp.v16.enums import ChargingProfileKindType, ChargingProfilePurposeType, ChargingRateUnitType

from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
    SchedulePeriod,
    require_aware,
)

__all__ = [
    "VOLTS_PER_PHASE",
    "WATTS_PER_AMP",
    "composite_schedule",
    "limit_at",
    "next_change_after",
    "profile_limit_at",
]

VOLTS_PER_PHASE = 230.0
PHASES = 3
#: W per A-per-phase: the one conversion factor used for every watt limit.
WATTS_PER_AMP = VOLTS_PER_PHASE * PHASES

_US = timedelta(microseconds=1)
_US_PER_S = 1_000_000

_CP_MAX = ChargingProfilePurposeType.charge_point_max_profile
_TX_DEFAULT = ChargingProfilePurposeType.tx_default_profile
_TX = ChargingProfilePurposeType.tx_profile


def _in_amps(limit: float, unit: ChargingRateUnitType) -> float:
    return limit / WATTS_PER_AMP if unit is ChargingRateUnitType.watts else limit


def _schedule_start(
    profile: ChargingProfile, when: datetime, transaction_start: datetime | None
) -> datetime | None:
    """Start of the schedule (repetition) in force at `when`, if one has started."""
    kind = profile.kind
    if kind is ChargingProfileKindType.relative:
        start = transaction_start
    else:
        start = profile.schedule.start_schedule
        recurrence = profile.recurrence
        if start is not None and recurrence is not None and when >= start:
            start += recurrence * ((when - start) // recurrence)
    if start is None or when < start:
        return None
    return start


def profile_limit_at(
    profile: ChargingProfile, when: datetime, *, transaction_start: datetime | None = None
) -> float | None:
    """The limit one profile sets at `when`, in amps per phase; None if it sets none."""
    when = require_aware(when, "when")
    if transaction_start is not None:
        transaction_start = require_aware(transaction_start, "transaction_start")
    return _profile_limit(profile, when, transaction_start)


def _profile_limit(
    profile: ChargingProfile, when: datetime, transaction_start: datetime | None
) -> float | None:
    if profile.valid_from is not None and when < profile.valid_from:
        return None
    if profile.valid_to is not None and when >= profile.valid_to:
        return None
    start = _schedule_start(profile, when, transaction_start)
    if start is None:
        return None
    schedule = profile.schedule
    elapsed_us = (when - start) // _US
    if schedule.duration_s is not None and elapsed_us >= schedule.duration_s * _US_PER_S:
        return None
    starts_us = [p.start_period_s * _US_PER_S for p in schedule.periods]
    period = schedule.periods[bisect_right(starts_us, elapsed_us) - 1]
    return _in_amps(period.limit, schedule.charging_rate_unit)


def _profile_next_boundary(
    profile: ChargingProfile, when: datetime, transaction_start: datetime | None
) -> datetime | None:
    """The first instant after `when` at which this profile's limit may change."""
    candidates = [v for v in (profile.valid_from, profile.valid_to) if v is not None and v > when]
    schedule = profile.schedule
    starts: list[datetime] = []
    if profile.kind is ChargingProfileKindType.relative:
        if transaction_start is not None:
            starts.append(transaction_start)
    elif schedule.start_schedule is not None:
        first = schedule.start_schedule
        recurrence = profile.recurrence
        if recurrence is None or when < first:
            starts.append(first)
        else:
            current = first + recurrence * ((when - first) // recurrence)
            starts += [current, current + recurrence]
    for start in starts:
        offsets = [p.start_period_s for p in schedule.periods]
        if schedule.duration_s is not None:
            offsets.append(schedule.duration_s)
        later = [start + timedelta(seconds=s) for s in offsets]
        candidates += [t for t in later if t > when]
    return min(candidates, default=None)


_Groups = tuple[list[ChargingProfile], list[ChargingProfile], list[ChargingProfile]]


def _relevant(
    store: ProfileStore,
    connector_id: int,
    transaction_start: datetime | None,
    transaction_id: int | None,
) -> _Groups:
    """(ChargePointMax, TxDefault, Tx) profiles that count for the connector, best first.

    "Best first" is the stack order: highest stackLevel first, and at the same
    level a socket's own TxDefaultProfile before the pole-wide one.
    """
    store.check_connector(connector_id)
    cp_max: list[tuple[tuple[int, int], ChargingProfile]] = []
    tx_default: list[tuple[tuple[int, int], ChargingProfile]] = []
    tx: list[tuple[tuple[int, int], ChargingProfile]] = []
    running = transaction_start is not None or transaction_id is not None
    for installed_on, profile in store.profiles():
        own = int(installed_on == connector_id and connector_id != 0)
        key = (profile.stack_level, own)
        if profile.purpose is _CP_MAX:
            cp_max.append((key, profile))
        elif connector_id == 0:
            continue
        elif profile.purpose is _TX_DEFAULT and installed_on in (0, connector_id):
            tx_default.append((key, profile))
        elif profile.purpose is _TX and installed_on == connector_id and running:
            stale = (
                profile.transaction_id is not None
                and transaction_id is not None
                and profile.transaction_id != transaction_id
            )
            if not stale:
                tx.append((key, profile))

    def ranked(items: list[tuple[tuple[int, int], ChargingProfile]]) -> list[ChargingProfile]:
        return [p for _, p in sorted(items, key=lambda item: item[0], reverse=True)]

    return ranked(cp_max), ranked(tx_default), ranked(tx)


def _winner(
    profiles: list[ChargingProfile], when: datetime, transaction_start: datetime | None
) -> float | None:
    for profile in profiles:
        limit = _profile_limit(profile, when, transaction_start)
        if limit is not None:
            return limit
    return None


def _socket_limit(groups: _Groups, when: datetime, transaction_start: datetime | None
                  ) -> float | None:
    """The socket's own limit: its TxProfile if one applies, else its TxDefaultProfile."""
    _, tx_default, tx = groups
    socket = _winner(tx, when, transaction_start)
    return socket if socket is not None else _winner(tx_default, when, transaction_start)


def _limit(groups: _Groups, when: datetime, transaction_start: datetime | None) -> float | None:
    pole = _winner(groups[0], when, transaction_start)
    socket = _socket_limit(groups, when, transaction_start)
    limits = [v for v in (pole, socket) if v is not None]
    return min(limits, default=None)


def _next_change(
    groups: _Groups, when: datetime, transaction_start: datetime | None
) -> datetime | None:
    boundaries = [
        b
        for group in groups
        for profile in group
        if (b := _profile_next_boundary(profile, when, transaction_start)) is not None
    ]
    return min(boundaries, default=None)


def _aware_or_none(value: datetime | None, name: str) -> datetime | None:
    return None if value is None else require_aware(value, name)


def limit_at(
    store: ProfileStore,
    connector_id: int,
    when: datetime,
    *,
    transaction_start: datetime | None = None,
    transaction_id: int | None = None,
) -> float | None:
    """Amps per phase the profiles allow on `connector_id` at `when`; None if none limits.

    A transaction runs on the socket when `transaction_start` or `transaction_id`
    is given; only then do TxProfiles count (a TxProfile naming another
    transactionId than `transaction_id` does not), and only a transaction start
    starts Relative profiles. The grid connection limit is not applied here.
    """
    when = require_aware(when, "when")
    transaction_start = _aware_or_none(transaction_start, "transaction_start")
    groups = _relevant(store, connector_id, transaction_start, transaction_id)
    return _limit(groups, when, transaction_start)


def transaction_limit_at(
    store: ProfileStore,
    connector_id: int,
    when: datetime,
    *,
    transaction_start: datetime | None = None,
    transaction_id: int | None = None,
) -> float | None:
    """The socket's own limit at `when`: TxProfile, else TxDefaultProfile; None if neither.

    Unlike `limit_at` it leaves out the ChargePointMaxProfile, because the load
    balancer applies the pole limit itself — and lifts it for an overruled
    transaction, which a pole-wide 7 A folded into the socket's limit would defeat.
    """
    when = require_aware(when, "when")
    transaction_start = _aware_or_none(transaction_start, "transaction_start")
    groups = _relevant(store, connector_id, transaction_start, transaction_id)
    return _socket_limit(groups, when, transaction_start)


def next_change_after(
    store: ProfileStore,
    connector_id: int,
    when: datetime,
    *,
    transaction_start: datetime | None = None,
    transaction_id: int | None = None,
) -> datetime | None:
    """The first instant after `when` at which `limit_at` may change; None if never.

    "May": every period start, schedule end and validity edge of every profile
    that counts for the connector is reported, even when a higher stack level
    hides it, so a scheduler that acts ahead of steps never misses one.
    """
    when = require_aware(when, "when")
    transaction_start = _aware_or_none(transaction_start, "transaction_start")
    groups = _relevant(store, connector_id, transaction_start, transaction_id)
    return _next_change(groups, when, transaction_start)


def composite_schedule(
    store: ProfileStore,
    connector_id: int,
    start: datetime,
    duration_s: int,
    *,
    unit: ChargingRateUnitType = ChargingRateUnitType.amps,
    grid_limit_a: float | None = None,
    transaction_start: datetime | None = None,
    transaction_id: int | None = None,
) -> ChargingSchedule:
    """The OCPP GetCompositeSchedule result for ``[start, start + duration_s)``.

    Periods start at whole seconds after `start`, equal neighbours merged.
    `grid_limit_a` (GridConnectionMaxCurrent) caps every period and fills the
    gaps where no profile limits; a gap with no grid limit raises `ProfileError`,
    since OCPP cannot express "unlimited". A step that falls between whole
    seconds (fractional `start`, validFrom, transaction start) is rounded so the
    lower limit covers that second: the composite never promises more than
    `limit_at` allows. Watts are amps x `WATTS_PER_AMP`.
    """
    start = require_aware(start, "start")
    if isinstance(duration_s, bool) or not isinstance(duration_s, int) or duration_s < 1:
        raise ProfileError(f"duration = {duration_s!r} is out of range: must be an integer >= 1")
    if grid_limit_a is not None and not grid_limit_a >= 0:
        raise ProfileError(f"grid_limit_a = {grid_limit_a} is out of range: must be >= 0")
    end = start + timedelta(seconds=duration_s)
    transaction_start = _aware_or_none(transaction_start, "transaction_start")
    groups = _relevant(store, connector_id, transaction_start, transaction_id)

    pieces: list[tuple[int, int, float]] = []  # (from_us, to_us, amps), offsets from start
    moment = start
    while moment < end:
        limit = _limit(groups, moment, transaction_start)
        following = _next_change(groups, moment, transaction_start)
        following = end if following is None else min(following, end)
        if limit is None:
            if grid_limit_a is None:
                raise ProfileError(
                    f"nothing limits connector {connector_id} from {moment.isoformat()}: "
                    "pass grid_limit_a (GridConnectionMaxCurrent) for a complete composite schedule"
                )
            limit = grid_limit_a
        elif grid_limit_a is not None:
            limit = min(limit, grid_limit_a)
        from_us, to_us = (moment - start) // _US, (following - start) // _US
        if pieces and pieces[-1][2] == limit:
            pieces[-1] = (pieces[-1][0], to_us, limit)
        else:
            pieces.append((from_us, to_us, limit))
        moment = following

    factor = WATTS_PER_AMP if unit is ChargingRateUnitType.watts else 1.0
    periods = tuple(
        SchedulePeriod(start_period_s=s, limit=amps * factor) for s, amps in _whole_seconds(pieces)
    )
    return ChargingSchedule(
        periods=periods, charging_rate_unit=unit, duration_s=duration_s, start_schedule=start
    )


def _whole_seconds(pieces: list[tuple[int, int, float]]) -> list[tuple[int, float]]:
    """Map contiguous pieces (in µs) onto whole-second periods, the lower value winning a
    second that two pieces share; return merged ``(start_s, limit)`` steps."""
    segments: list[tuple[int, float]] = []  # (start_s, limit), one per whole-second stretch
    shared: dict[int, float] = {}  # seconds cut by a fractional step -> lowest limit in them
    for from_us, to_us, limit in pieces:
        first_whole = -(-from_us // _US_PER_S)
        last_whole = to_us // _US_PER_S
        if from_us % _US_PER_S:
            second = from_us // _US_PER_S
            shared[second] = min(shared.get(second, limit), limit)
        if to_us % _US_PER_S:
            second = to_us // _US_PER_S
            shared[second] = min(shared.get(second, limit), limit)
        if first_whole < last_whole:
            segments.append((first_whole, limit))
            # the stretch ends at last_whole; whatever follows starts its own segment
    for second, limit in shared.items():
        segments.append((second, limit))
    segments.sort()
    merged: list[tuple[int, float]] = []
    for second, limit in segments:
        if merged and merged[-1][1] == limit:
            continue
        merged.append((second, limit))
    return merged


def parse_composite_answer(answer: object) -> tuple[datetime, ChargingSchedule]:
    """A ``GetCompositeSchedule`` answer as (the pole's scheduleStart, its schedule).

    The one reading of that answer for the CSMS's verification and the app's Verify, so
    both judge a pole alike. `ProfileError` says why it cannot be used: the pole refused
    (status not Accepted), the start is missing, not a date-time, or without a UTC offset
    (PROTOCOL.md: time values carry one; guessing UTC would misplace the peak by hours).
    """
    if not isinstance(answer, dict):
        raise ProfileError(f"GetCompositeSchedule: the answer is not an object ({answer!r})")
    status = answer.get("status")
    if status != "Accepted":
        raise ProfileError(
            f"GetCompositeSchedule: the pole answered status = {status!r}, not Accepted: it "
            "could not compute its schedule (no profile and no grid limit, or a bad connector)")
    raw_start = answer.get("scheduleStart")
    if not isinstance(raw_start, str):
        raise ProfileError(f"GetCompositeSchedule: scheduleStart is missing ({raw_start!r})")
    try:
        start = datetime.fromisoformat(raw_start)
    except ValueError:
        raise ProfileError(f"GetCompositeSchedule: scheduleStart = {raw_start!r} is not "
                           "an ISO 8601 date-time") from None
    if start.tzinfo is None:
        raise ProfileError(f"GetCompositeSchedule: scheduleStart = {raw_start!r} has no UTC "
                           "offset")
    return start, ChargingSchedule.from_ocpp(answer.get("chargingSchedule"))
