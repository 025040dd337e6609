"""OCPP 1.6 charging profiles as immutable values, and the set installed on one pole.

Why values with validation in the constructor: a profile reaches us from three
sides (the CSMS over OCPP, the local service port, the tender profile builder),
and every one of them must be refused the same way, with a message that names
the OCPP field, the value and what would have been allowed. Error messages use
the OCPP JSON field names (``chargingSchedulePeriod[2].limit``) because that is
what the person reading a rejected SetChargingProfile has in front of them.

All datetimes are timezone-aware and are normalised to UTC on construction, so
two profiles that mean the same instants compare equal and serialise the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from pole_link.errors import PoleLinkError

__all__ = [
    "RECURRENCE_PERIOD_S",
    "ChargingProfile",
    "ChargingSchedule",
    "ProfileError",
    "ProfileStore",
    "SchedulePeriod",
    "check_limits",
    "require_aware",
]

#: How long one repetition of a Recurring profile lasts. OCPP 1.6 defines the
#: repetition in absolute time (every 24 h / 7 d from startSchedule), not in
#: wall-clock days: that is why the tender profile is re-deployed around
#: daylight-saving changes (see tender.py).
RECURRENCE_PERIOD_S: dict[RecurrencyKind, int] = {
    RecurrencyKind.daily: 86_400,
    RecurrencyKind.weekly: 7 * 86_400,
}

_PURPOSE_ORDER: dict[ChargingProfilePurposeType, int] = {
    ChargingProfilePurposeType.charge_point_max_profile: 0,
    ChargingProfilePurposeType.tx_default_profile: 1,
    ChargingProfilePurposeType.tx_profile: 2,
}

_E = TypeVar(
    "_E", ChargingProfileKindType, ChargingProfilePurposeType, ChargingRateUnitType, RecurrencyKind
)


class ProfileError(PoleLinkError, ValueError):
    """A charging profile (or a request about one) is invalid or not allowed.

    A ``ValueError`` so plain Python callers can catch it as bad input, and a
    ``PoleLinkError`` so it sits in the one exception tree of ``pole_link``.
    The message names the field, the offending value and the allowed range.
    """


# --------------------------------------------------------------------------- checks


def require_aware(value: object, name: str) -> datetime:
    """Return `value` as a UTC datetime, or raise if it is not an aware datetime.

    Naive datetimes are refused rather than guessed: a pole, the CSMS and a
    laptop running the GUI may sit in different time zones, and a profile that
    silently shifts by an hour is exactly the bug the tender's peak cannot afford.
    """
    if not isinstance(value, datetime):
        raise ProfileError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ProfileError(
            f"{name} = {value.isoformat()} is a naive datetime: give it a time zone "
            "(e.g. tzinfo=datetime.UTC)"
        )
    return value.astimezone(UTC)


def _require_int(
    value: object, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ProfileError(f"{name} = {value} is out of range: must be >= {minimum}")
    if maximum is not None and value > maximum:
        raise ProfileError(f"{name} = {value} is out of range: must be <= {maximum}")
    return value


def _require_number(value: object, name: str) -> float:
    """A finite, non-negative number (int, float or Decimal; never bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ProfileError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ProfileError(f"{name} = {value} is not a finite number")
    if number < 0:
        raise ProfileError(f"{name} = {value} is negative: must be >= 0")
    return number


def _require_enum(enum: type[_E], value: object, name: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ProfileError(f"{name} = {value!r} is not one of: {allowed}") from None


def wire_number(value: float) -> float:
    """`value` rounded *down* to a multiple of 0.1, as the OCPP 1.6 schema demands.

    Down, because these are limits: a limit must never grow on the wire. The
    value is first rounded to 6 decimals so float noise (7.3 stored as
    7.2999999999) does not cost a whole 0.1 A.
    """
    exact = Decimal(repr(round(value, 6)))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_FLOOR))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_datetime(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise ProfileError(f"{name} must be an ISO 8601 date-time string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProfileError(f"{name} = {value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise ProfileError(
            f"{name} = {value!r} has no UTC offset: OCPP date-times must end in 'Z' or '+hh:mm'"
        )
    return require_aware(parsed, name)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class SchedulePeriod:
    """One step of a schedule: from `start_period_s` after the schedule start, `limit` holds.

    `limit` is in the schedule's unit (A per phase, or W); `number_phases` is
    carried for OCPP fidelity but the tender poles are three-phase.
    """

    start_period_s: int
    limit: float
    number_phases: int | None = None

    def __post_init__(self) -> None:
        _require_int(self.start_period_s, "startPeriod", minimum=0)
        object.__setattr__(self, "limit", _require_number(self.limit, "limit"))
        if self.number_phases is not None:
            _require_int(self.number_phases, "numberPhases", minimum=1, maximum=3)


@dataclass(frozen=True)
class ChargingSchedule:
    """The periods of a profile plus the unit, an optional duration and absolute start."""

    periods: tuple[SchedulePeriod, ...]
    charging_rate_unit: ChargingRateUnitType
    duration_s: int | None = None
    start_schedule: datetime | None = None
    min_charging_rate: float | None = None

    def __post_init__(self) -> None:
        periods = tuple(self.periods)
        if not periods:
            raise ProfileError(
                "chargingSchedulePeriod is empty: a schedule needs at least one period"
            )
        for index, period in enumerate(periods):
            if not isinstance(period, SchedulePeriod):
                raise ProfileError(
                    f"chargingSchedulePeriod[{index}] must be a SchedulePeriod, got {period!r}"
                )
        if periods[0].start_period_s != 0:
            raise ProfileError(
                f"chargingSchedulePeriod[0].startPeriod = {periods[0].start_period_s}: the first "
                "period must start at 0, or the schedule would not say what holds at its start"
            )
        for index in range(1, len(periods)):
            before, here = periods[index - 1].start_period_s, periods[index].start_period_s
            if here <= before:
                what = "duplicates" if here == before else "comes before"
                raise ProfileError(
                    f"chargingSchedulePeriod[{index}].startPeriod = {here} {what} "
                    f"chargingSchedulePeriod[{index - 1}].startPeriod = {before}: start periods "
                    "must be strictly increasing"
                )
        object.__setattr__(self, "periods", periods)
        object.__setattr__(
            self,
            "charging_rate_unit",
            _require_enum(ChargingRateUnitType, self.charging_rate_unit, "chargingRateUnit"),
        )
        if self.duration_s is not None:
            _require_int(self.duration_s, "duration", minimum=1)
        if self.start_schedule is not None:
            object.__setattr__(
                self, "start_schedule", require_aware(self.start_schedule, "startSchedule")
            )
        if self.min_charging_rate is not None:
            object.__setattr__(
                self,
                "min_charging_rate",
                _require_number(self.min_charging_rate, "minChargingRate"),
            )

    def to_ocpp(self) -> dict[str, Any]:
        """The camelCase ``chargingSchedule`` object (limits rounded down to 0.1)."""
        data: dict[str, Any] = {}
        if self.duration_s is not None:
            data["duration"] = self.duration_s
        if self.start_schedule is not None:
            data["startSchedule"] = _iso(self.start_schedule)
        data["chargingRateUnit"] = self.charging_rate_unit.value
        data["chargingSchedulePeriod"] = [_period_to_ocpp(p) for p in self.periods]
        if self.min_charging_rate is not None:
            data["minChargingRate"] = wire_number(self.min_charging_rate)
        return data

    @classmethod
    def from_ocpp(cls, data: object, name: str = "chargingSchedule") -> ChargingSchedule:
        """Parse a camelCase ``chargingSchedule`` object; errors name the field path."""
        obj = _require_object(data, name, _SCHEDULE_KEYS)
        for required in ("chargingRateUnit", "chargingSchedulePeriod"):
            if required not in obj:
                raise ProfileError(f"{name}.{required} is missing (required)")
        raw_periods = obj.get("chargingSchedulePeriod")
        if not isinstance(raw_periods, list):
            raise ProfileError(f"{name}.chargingSchedulePeriod must be a list, got {raw_periods!r}")
        periods = tuple(
            _period_from_ocpp(raw, f"{name}.chargingSchedulePeriod[{index}]")
            for index, raw in enumerate(raw_periods)
        )
        start = obj.get("startSchedule")
        minimum = obj.get("minChargingRate")
        return _prefixed(
            name,
            lambda: cls(
                periods=periods,
                charging_rate_unit=_require_enum(
                    ChargingRateUnitType, obj.get("chargingRateUnit"), "chargingRateUnit"
                ),
                duration_s=obj.get("duration"),
                start_schedule=None if start is None else _parse_datetime(start, "startSchedule"),
                min_charging_rate=None
                if minimum is None
                else _require_number(minimum, "minChargingRate"),
            ),
        )


@dataclass(frozen=True)
class ChargingProfile:
    """An OCPP 1.6 ``ChargingProfile`` (``csChargingProfiles``), validated on construction.

    Beyond the JSON schema, the OCPP 1.6 rules that make a profile meaningful
    are enforced: Absolute and Recurring need a startSchedule, Relative must not
    have one; Recurring needs a recurrencyKind and nothing else may have one; a
    transactionId only on a TxProfile; a ChargePointMaxProfile is never Relative
    (connector 0 has no transaction to be relative to); validFrom < validTo; a
    Recurring profile's periods start within one repetition.
    """

    profile_id: int
    stack_level: int
    purpose: ChargingProfilePurposeType
    kind: ChargingProfileKindType
    schedule: ChargingSchedule
    recurrency_kind: RecurrencyKind | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    transaction_id: int | None = None

    def __post_init__(self) -> None:
        _require_int(self.profile_id, "chargingProfileId", minimum=0)
        _require_int(self.stack_level, "stackLevel", minimum=0)
        purpose = _require_enum(ChargingProfilePurposeType, self.purpose, "chargingProfilePurpose")
        kind = _require_enum(ChargingProfileKindType, self.kind, "chargingProfileKind")
        object.__setattr__(self, "purpose", purpose)
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.schedule, ChargingSchedule):
            raise ProfileError(
                f"chargingSchedule must be a ChargingSchedule, got {self.schedule!r}"
            )
        self._check_kind(kind, purpose)
        for attr, name in (("valid_from", "validFrom"), ("valid_to", "validTo")):
            value = getattr(self, attr)
            if value is not None:
                object.__setattr__(self, attr, require_aware(value, name))
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_from >= self.valid_to
        ):
            raise ProfileError(
                f"validFrom = {_iso(self.valid_from)} is not before validTo = "
                f"{_iso(self.valid_to)}: the profile would never be valid"
            )
        if self.transaction_id is not None:
            _require_int(self.transaction_id, "transactionId")
            if purpose is not ChargingProfilePurposeType.tx_profile:
                raise ProfileError(
                    f"transactionId = {self.transaction_id} is only allowed on a TxProfile, "
                    f"not on a {purpose.value}"
                )

    def _check_kind(
        self, kind: ChargingProfileKindType, purpose: ChargingProfilePurposeType
    ) -> None:
        start = self.schedule.start_schedule
        if kind is ChargingProfileKindType.relative:
            if start is not None:
                raise ProfileError(
                    f"chargingSchedule.startSchedule = {_iso(start)} is not allowed on a Relative "
                    "profile: it starts with the transaction"
                )
            if purpose is ChargingProfilePurposeType.charge_point_max_profile:
                raise ProfileError(
                    "chargingProfileKind = Relative is not allowed for a ChargePointMaxProfile: "
                    "connector 0 has no transaction to be relative to (use Absolute or Recurring)"
                )
        elif start is None:
            raise ProfileError(
                f"chargingSchedule.startSchedule is missing: a {kind.value} profile needs one"
            )
        if kind is ChargingProfileKindType.recurring:
            if self.recurrency_kind is None:
                raise ProfileError(
                    "recurrencyKind is missing: a Recurring profile needs Daily or Weekly"
                )
            recurrency = _require_enum(RecurrencyKind, self.recurrency_kind, "recurrencyKind")
            object.__setattr__(self, "recurrency_kind", recurrency)
            period_s = RECURRENCE_PERIOD_S[recurrency]
            last = self.schedule.periods[-1].start_period_s
            if last >= period_s:
                index = len(self.schedule.periods) - 1
                raise ProfileError(
                    f"chargingSchedulePeriod[{index}].startPeriod = {last} is out of range for a "
                    f"{recurrency.value} profile: must be < {period_s} or it never applies"
                )
        elif self.recurrency_kind is not None:
            raise ProfileError(
                f"recurrencyKind = {self.recurrency_kind!s} is only allowed on a Recurring "
                f"profile, not on a {kind.value} one"
            )

    @property
    def recurrence(self) -> timedelta | None:
        """The repetition period of a Recurring profile, else None."""
        if self.recurrency_kind is None:
            return None
        return timedelta(seconds=RECURRENCE_PERIOD_S[self.recurrency_kind])

    @classmethod
    def from_ocpp(cls, data: dict[str, Any]) -> ChargingProfile:
        """Parse the camelCase OCPP 1.6 ``csChargingProfiles`` object.

        Raises `ProfileError` naming the field on anything the schema or the
        OCPP 1.6 rules forbid. (Handlers of the ``ocpp`` library receive snake_case
        payloads by default; convert back with ``ocpp.charge_point.snake_to_camel_case``.)
        """
        obj = _require_object(data, "csChargingProfiles", _PROFILE_KEYS)
        for required in (
            "chargingProfileId",
            "stackLevel",
            "chargingProfilePurpose",
            "chargingProfileKind",
            "chargingSchedule",
        ):
            if required not in obj:
                raise ProfileError(f"csChargingProfiles.{required} is missing (required)")
        schedule = ChargingSchedule.from_ocpp(obj["chargingSchedule"])
        valid_from, valid_to = obj.get("validFrom"), obj.get("validTo")
        recurrency = obj.get("recurrencyKind")
        return cls(
            profile_id=obj["chargingProfileId"],
            stack_level=obj["stackLevel"],
            purpose=_require_enum(
                ChargingProfilePurposeType, obj["chargingProfilePurpose"], "chargingProfilePurpose"
            ),
            kind=_require_enum(
                ChargingProfileKindType, obj["chargingProfileKind"], "chargingProfileKind"
            ),
            schedule=schedule,
            recurrency_kind=None
            if recurrency is None
            else _require_enum(RecurrencyKind, recurrency, "recurrencyKind"),
            valid_from=None if valid_from is None else _parse_datetime(valid_from, "validFrom"),
            valid_to=None if valid_to is None else _parse_datetime(valid_to, "validTo"),
            transaction_id=obj.get("transactionId"),
        )

    def to_ocpp(self) -> dict[str, Any]:
        """The camelCase ``csChargingProfiles`` object, valid for OCPP 1.6 SetChargingProfile.

        Limits are rounded down to a multiple of 0.1 (the schema's ``multipleOf``);
        date-times are UTC with a ``Z``.
        """
        data: dict[str, Any] = {"chargingProfileId": self.profile_id}
        if self.transaction_id is not None:
            data["transactionId"] = self.transaction_id
        data["stackLevel"] = self.stack_level
        data["chargingProfilePurpose"] = self.purpose.value
        data["chargingProfileKind"] = self.kind.value
        if self.recurrency_kind is not None:
            data["recurrencyKind"] = self.recurrency_kind.value
        if self.valid_from is not None:
            data["validFrom"] = _iso(self.valid_from)
        if self.valid_to is not None:
            data["validTo"] = _iso(self.valid_to)
        data["chargingSchedule"] = self.schedule.to_ocpp()
        return data


_PROFILE_KEYS = frozenset(
    {
        "chargingProfileId",
        "transactionId",
        "stackLevel",
        "chargingProfilePurpose",
        "chargingProfileKind",
        "recurrencyKind",
        "validFrom",
        "validTo",
        "chargingSchedule",
    }
)
_SCHEDULE_KEYS = frozenset(
    {
        "duration",
        "startSchedule",
        "chargingRateUnit",
        "chargingSchedulePeriod",
        "minChargingRate",
    }
)
_PERIOD_KEYS = frozenset({"startPeriod", "limit", "numberPhases"})

_T = TypeVar("_T")


def _prefixed(name: str, build: Callable[[], _T]) -> _T:
    """Run `build()`, prefixing a ProfileError's field name with `name.` for context."""
    try:
        return build()
    except ProfileError as error:
        raise ProfileError(f"{name}.{error}") from None


def _require_object(data: object, name: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProfileError(f"{name} must be a JSON object, got {data!r}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ProfileError(
            f"{name} has unknown field(s) {', '.join(map(str, unknown))}; allowed: "
            f"{', '.join(sorted(allowed))}"
        )
    return data


def _period_from_ocpp(data: object, name: str) -> SchedulePeriod:
    obj = _require_object(data, name, _PERIOD_KEYS)
    for required in ("startPeriod", "limit"):
        if required not in obj:
            raise ProfileError(f"{name}.{required} is missing (required)")
    return _prefixed(
        name,
        lambda: SchedulePeriod(
            start_period_s=obj["startPeriod"],
            limit=obj["limit"],
            number_phases=obj.get("numberPhases"),
        ),
    )


def _period_to_ocpp(period: SchedulePeriod) -> dict[str, Any]:
    data: dict[str, Any] = {
        "startPeriod": period.start_period_s,
        "limit": wire_number(period.limit),
    }
    if period.number_phases is not None:
        data["numberPhases"] = period.number_phases
    return data


def check_limits(
    profile: ChargingProfile,
    *,
    max_stack_level: int,
    max_periods: int,
    allowed_units: set[ChargingRateUnitType],
) -> None:
    """Refuse a profile the pole's configuration cannot hold.

    The limits are the OCPP 1.6 configuration keys ChargeProfileMaxStackLevel,
    ChargingScheduleMaxPeriods and ChargingScheduleAllowedChargingRateUnit. The
    tender demands at least 6 stack levels (eis 65) and 20 periods (eis 66); the
    pole's defaults are set in its configuration, not here.
    """
    if profile.stack_level > max_stack_level:
        raise ProfileError(
            f"stackLevel = {profile.stack_level} is out of range: must be <= "
            f"{max_stack_level} (ChargeProfileMaxStackLevel)"
        )
    count = len(profile.schedule.periods)
    if count > max_periods:
        raise ProfileError(
            f"chargingSchedulePeriod has {count} periods, more than {max_periods} "
            "(ChargingScheduleMaxPeriods)"
        )
    unit = profile.schedule.charging_rate_unit
    if unit not in allowed_units:
        allowed = ", ".join(sorted(u.value for u in allowed_units)) or "none"
        raise ProfileError(
            f"chargingRateUnit = {unit.value} is not supported: allowed {allowed} "
            "(ChargingScheduleAllowedChargingRateUnit)"
        )


# --------------------------------------------------------------------------- store


@dataclass(frozen=True)
class _Installed:
    connector_id: int
    profile: ChargingProfile


class ProfileStore:
    """The charging profiles installed on one pole: connector 0 is the pole, 1..n its sockets.

    It applies the OCPP 1.6 SetChargingProfile / ClearChargingProfile rules and
    nothing else: the configuration limits (`check_limits`) and persistence are
    the caller's. A TxProfile belongs to the transaction running on its socket:
    `install` needs that transaction's id, and the caller must call
    `drop_transaction_profiles` when the transaction ends.
    """

    def __init__(self, connector_count: int = 2) -> None:
        self._connector_count = _require_int(connector_count, "connector_count", minimum=1)
        self._installed: list[_Installed] = []

    @property
    def connector_count(self) -> int:
        """Number of sockets (connectors 1..n); connector 0 is the pole itself."""
        return self._connector_count

    def check_connector(self, connector_id: int) -> int:
        """Return `connector_id` if it exists on this pole, else raise `ProfileError`."""
        return _require_int(connector_id, "connectorId", minimum=0, maximum=self._connector_count)

    def install(
        self, connector_id: int, profile: ChargingProfile, *, transaction_id: int | None = None
    ) -> None:
        """Install `profile` on `connector_id`, replacing what OCPP 1.6 says it replaces.

        A profile with the same chargingProfileId (anywhere on the pole) is
        replaced, and so is one on the same connector with the same stackLevel and
        purpose. A ChargePointMaxProfile goes only on connector 0; a TxProfile only
        on a socket, and only while a transaction runs there: pass its id as
        `transaction_id` (a pole's local negative id is fine). If the profile names
        a transactionId, it must be that one.
        """
        self.check_connector(connector_id)
        if not isinstance(profile, ChargingProfile):
            raise ProfileError(f"profile must be a ChargingProfile, got {profile!r}")
        purpose = profile.purpose
        if purpose is ChargingProfilePurposeType.charge_point_max_profile and connector_id != 0:
            raise ProfileError(
                f"connectorId = {connector_id}: a ChargePointMaxProfile can only be installed "
                "on connector 0"
            )
        if purpose is ChargingProfilePurposeType.tx_profile:
            if connector_id == 0:
                raise ProfileError(
                    "connectorId = 0: a TxProfile can only be installed on a socket (1.."
                    f"{self._connector_count})"
                )
            if transaction_id is None:
                raise ProfileError(
                    f"TxProfile {profile.profile_id} on connector {connector_id}: no transaction "
                    "is running there, and a TxProfile needs one"
                )
            if profile.transaction_id is not None and profile.transaction_id != transaction_id:
                raise ProfileError(
                    f"transactionId = {profile.transaction_id} does not match the transaction "
                    f"running on connector {connector_id} ({transaction_id})"
                )
        self._installed = [
            entry
            for entry in self._installed
            if entry.profile.profile_id != profile.profile_id
            and not (
                entry.connector_id == connector_id
                and entry.profile.purpose is purpose
                and entry.profile.stack_level == profile.stack_level
            )
        ]
        self._installed.append(_Installed(connector_id, profile))

    def clear(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: ChargingProfilePurposeType | None = None,
        stack_level: int | None = None,
    ) -> int:
        """Remove profiles as OCPP 1.6 ClearChargingProfile does; return how many went.

        With `profile_id` only that profile is removed and the other criteria are
        ignored. Otherwise every profile matching *all* given criteria is removed
        (connector 0 matches only profiles installed on connector 0); with no
        criteria at all, every profile goes.
        """
        if profile_id is not None:
            keep = [e for e in self._installed if e.profile.profile_id != profile_id]
        else:
            if connector_id is not None:
                self.check_connector(connector_id)

            def matches(entry: _Installed) -> bool:
                return (
                    (connector_id is None or entry.connector_id == connector_id)
                    and (purpose is None or entry.profile.purpose is purpose)
                    and (stack_level is None or entry.profile.stack_level == stack_level)
                )

            keep = [e for e in self._installed if not matches(e)]
        removed = len(self._installed) - len(keep)
        self._installed = keep
        return removed

    def profiles(self, connector_id: int | None = None) -> list[tuple[int, ChargingProfile]]:
        """``(connector_id, profile)`` pairs, ordered by connector, purpose, stack level, id.

        With `connector_id`, only profiles installed on exactly that connector
        (so connector 0's pole-wide profiles are not repeated under each socket).
        """
        if connector_id is not None:
            self.check_connector(connector_id)
        entries = [
            e for e in self._installed if connector_id is None or e.connector_id == connector_id
        ]
        entries.sort(
            key=lambda e: (
                e.connector_id,
                _PURPOSE_ORDER[e.profile.purpose],
                e.profile.stack_level,
                e.profile.profile_id,
            )
        )
        return [(e.connector_id, e.profile) for e in entries]

    def drop_transaction_profiles(self, connector_id: int) -> None:
        """Remove the TxProfiles of `connector_id`: they end with their transaction."""
        self.check_connector(connector_id)
        self._installed = [
            e
            for e in self._installed
            if not (
                e.connector_id == connector_id
                and e.profile.purpose is ChargingProfilePurposeType.tx_profile
            )
        ]

    def __len__(self) -> int:
        return len(self._installed)
