"""What the capacity-profile editor holds, checks and builds: no widgets, no pole.

Why a separate model: the profile a technician sends to a pole must be exactly the
one they saw previewed, and the checks that stop a wrong one must be testable
without a screen. The editor holds either the tender template (eis 20–33: peak
window, peak limit, overrule limit, connection size) or a custom profile (eis 32
experiments, eis 65 stack levels, eis 66 twenty periods and more), turns it into
OCPP 1.6 ``csChargingProfiles`` JSON with `pole_link`'s own builders, and previews
its local day with the same composite rules the pole runs.

Errors are `FieldError`: a `ProfileError` that also says *which input* is wrong
(``field``), worded with the label the technician sees on screen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason, Translate
from gui.profiles.preview import Difference, Preview, build_preview, format_amps, verify
from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    SchedulePeriod,
)
from pole_link.profiles.intent import DailyIntent, LimitIntent, ProfileIntent, tender_intent
from pole_link.profiles.tender import (
    CONNECTION_MAX_A,
    TenderProfileSettings,
    build_capacity_profile,
    local_midnight,
    peak_window,
    recurrence_origin,
    seconds_into_day,
)

__all__ = [
    "DAY_S",
    "LOCAL_ZONE",
    "MIN_OFFER_A",
    "CustomForm",
    "Difference",
    "FieldError",
    "Mode",
    "Period",
    "Preview",
    "ProfileEditorModel",
    "ScheduleKind",
    "TenderForm",
    "format_offset",
    "parse_clock",
    "parse_offset",
    "verify",
]

LOCAL_ZONE = "Europe/Amsterdam"
"""SPEC.md, "Time": the peak is Amsterdam wall-clock time, wherever the laptop is."""

DAY_S = 86_400
Connection = Literal["3x35", "3x25"]


class Mode(StrEnum):
    TENDER = "tender"
    CUSTOM = "custom"


class ScheduleKind(StrEnum):
    """The two kinds a technician needs: every day the same, or one day from its start."""

    RECURRING_DAILY = "Recurring daily"
    ABSOLUTE = "Absolute"


class FieldError(ProfileError):
    """An input the profile cannot be built from; `field` names it, the message explains.

    Messages written here carry their translatable template (`reason`); those reworded
    from `pole_link`'s checks are English only (``text`` falls back to the message).
    """

    def __init__(self, field: str, message: str | Reason) -> None:
        self.reason = message if isinstance(message, Reason) else None
        super().__init__(message.text() if isinstance(message, Reason) else message)
        self.field = field

    def text(self, translate: Translate | None = None) -> str:
        if self.reason is not None and translate is not None:
            return self.reason.text(translate)
        return str(self)


class ClockError(ValueError):
    """A typed time that is not one; `reason` says what to type, translatable."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.text())
        self.reason = reason


_NOT_A_TIME = QT_TRANSLATE_NOOP("FleetRows", "'%1' is not a time: type hours and minutes, "
                                "e.g. 17:00")
_NOT_A_TIME_OF_DAY = QT_TRANSLATE_NOOP(
    "FleetRows", "'%1' is not a time of day: hours go from 00 to 23 and minutes from 00 to 59")
_BELOW_MODE3 = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 = %2 A is below 6 A: a Mode 3 offer under 6 A charges nothing "
    "(IEC 61851), so the pole would pause charging instead. Use at least 6 A, or 0 A to "
    "pause charging on purpose")
_PERIOD_LIMIT = QT_TRANSLATE_NOOP("FleetRows", "Period %1 limit")
_TENDER_SUMMARY = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 per phase, %2 from %3 to %4 every day (overrule: %5), %6 A connection")
_CUSTOM_SUMMARY = QT_TRANSLATE_NOOP(
    "FleetRows", "%1 on connector %2, stack level %3, %4, %5 periods")


@dataclass
class TenderForm:
    """The tender template's inputs (defaults: SPEC.md, "Variable grid capacity")."""

    peak_start: time = time(17, 0)
    peak_end: time = time(21, 0)
    peak_limit_a: float = 7.0
    overrule_limit_a: float = 25.0
    normal_limit_a: float = 30.0
    connection: Connection = "3x35"


@dataclass
class Period:
    """One row of a custom profile: from `start_s` after the start, `limit_a` per phase."""

    start_s: int
    limit_a: float
    phases: int | None = None


def _tender_periods() -> list[Period]:
    return [Period(0, 30.0), Period(17 * 3600, 7.0), Period(21 * 3600, 30.0)]


@dataclass
class CustomForm:
    """A custom profile's inputs. Stack level 1 by default: above the tender's level 0."""

    purpose: ChargingProfilePurposeType = ChargingProfilePurposeType.charge_point_max_profile
    stack_level: int = 1
    connector_id: int = 0
    kind: ScheduleKind = ScheduleKind.RECURRING_DAILY
    profile_id: int = 2
    periods: list[Period] = field(default_factory=_tender_periods)


_TENDER_LABELS = {
    "normal_limit_a": QT_TRANSLATE_NOOP("FleetRows", "Normal limit"),
    "peak_start": QT_TRANSLATE_NOOP("FleetRows", "Peak start"),
    "peak_end": QT_TRANSLATE_NOOP("FleetRows", "Peak end"),
    "peak_limit_a": QT_TRANSLATE_NOOP("FleetRows", "Peak limit"),
    "overrule_limit_a": QT_TRANSLATE_NOOP("FleetRows", "Overrule limit"),
    "connection": QT_TRANSLATE_NOOP("FleetRows", "Connection"),
}
_PROFILE_FIELDS = {  # OCPP JSON field -> (our field, label)
    "stackLevel": ("stack_level", "Stack level"),
    "chargingProfileId": ("profile_id", "Profile id"),
    "chargingProfilePurpose": ("purpose", "Purpose"),
    "chargingProfileKind": ("kind", "Kind"),
    "connectorId": ("connector_id", "Connector"),
}
_PERIOD_FIELDS = {"startPeriod": ("start_s", "start"), "limit": ("limit_a", "limit"),
                  "numberPhases": ("phases", "phases")}


def format_offset(seconds: int) -> str:
    """``17:00`` (or ``17:00:30``): offsets read as clock times from the day's start."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


_OFFSET = re.compile(r"^\s*(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?\s*$")


def parse_offset(text: str) -> int:
    """``17:00``, ``17:00:30`` or ``17`` (hours) as seconds; `ValueError` says what to type."""
    match = _OFFSET.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time: type hours and minutes, e.g. 17:00")
    hours, minutes, secs = (int(group) if group else 0 for group in match.groups())
    if minutes > 59 or secs > 59:
        raise ValueError(f"{text!r} is not a time: minutes and seconds go up to 59")
    return hours * 3600 + minutes * 60 + secs


_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*$")


def parse_clock(text: str) -> time:
    """A wall-clock time as technicians type it: ``17:00``, ``1700``, ``17.00``, ``17``.

    `ValueError` says what to type; nothing is ever rounded or guessed into another time.
    """
    match = _CLOCK.match(text)
    if match is None:
        raise ClockError(Reason(_NOT_A_TIME, (text.strip(),)))
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        raise ClockError(Reason(_NOT_A_TIME_OF_DAY, (text.strip(),)))
    return time(hours, minutes)


MIN_OFFER_A = 6.0
"""IEC 61851-1: a Mode 3 offer below 6 A is no offer; the pole pauses the socket instead."""


def _below_mode3_minimum(value: float) -> bool:
    return 0 < value < MIN_OFFER_A


def _mode3_message(label: str | Reason, value: float) -> Reason:
    return Reason(_BELOW_MODE3, (label, f"{value:g}"))


def _one_decimal(value: float) -> bool:
    return not Decimal(repr(float(value))) % Decimal("0.1")


class ProfileEditorModel:
    """The editor's state: mode, both forms, the day to build for, and the pole's ceilings.

    Plain Python with change callbacks (`subscribe`), so views and tests observe the
    same object; every mutation goes through a method that notifies.
    """

    def __init__(self, *, day: date | None = None, zone: str = LOCAL_ZONE) -> None:
        self.zone = ZoneInfo(zone)
        self._day = day or datetime.now(self.zone).date()
        self._mode = Mode.TENDER
        self.tender = TenderForm()
        self.custom = CustomForm()
        self.grid_limit_a = 30.0
        """The pole's GridConnectionMaxCurrent: ceiling of custom limits and of the preview."""
        self.max_stack_level = 8
        """The pole's ChargeProfileMaxStackLevel (the virtual pole's: 8, eis 65)."""
        self.connector_count = 2
        self.pole_configuration: dict[str, str] = {}
        """The template's configuration keys as the pole has them (empty: not read)."""
        self._listeners: list[Callable[[], None]] = []

    # ---------------------------------------------------------------- observation
    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after every change."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    # ---------------------------------------------------------------- state
    @property
    def mode(self) -> Mode:
        return self._mode

    def set_mode(self, mode: Mode) -> None:
        if mode is not self._mode:
            self._mode = Mode(mode)
            self._changed()

    @property
    def day(self) -> date:
        """The local day the profile is built for (its startSchedule is that midnight)."""
        return self._day

    def set_day(self, day: date) -> None:
        if day != self._day:
            self._day = day
            self._changed()

    def set_pole_limits(self, *, grid_limit_a: float | None = None,
                        max_stack_level: int | None = None,
                        configuration: Mapping[str, str] | None = None) -> None:
        """Adopt the pole's GridConnectionMaxCurrent / ChargeProfileMaxStackLevel, and its
        values of the template's configuration keys."""
        if configuration is not None:
            self.pole_configuration = dict(configuration)
        if grid_limit_a is not None:
            self.grid_limit_a = grid_limit_a
        if max_stack_level is not None:
            self.max_stack_level = max_stack_level
        self._changed()

    def set_tender(self, **values: Any) -> None:
        """Change template fields by name (`TenderForm` attributes)."""
        self.tender = replace(self.tender, **values)
        self._changed()

    def set_custom(self, **values: Any) -> None:
        """Change custom-profile fields by name (`CustomForm` attributes except periods)."""
        if "periods" in values:
            raise TypeError("change periods with add_period / set_period / remove_period")
        self.custom = replace(self.custom, **values, periods=self.custom.periods)
        self._changed()

    # ---------------------------------------------------------------- periods
    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(self.custom.periods)

    def add_period(self, after: int | None = None) -> int:
        """Insert a period after row `after` (default: at the end); return its row.

        It starts halfway to the next period (or an hour after the previous one) and
        keeps the previous limit, so a fresh row is valid and changes nothing yet.
        """
        rows = self.custom.periods
        index = len(rows) if after is None else max(0, min(after + 1, len(rows)))
        if not rows:
            new = Period(0, self.grid_limit_a)
        else:
            before = rows[index - 1] if index > 0 else None
            following = rows[index] if index < len(rows) else None
            if before is None:
                new = Period(0, rows[0].limit_a)
            elif following is None:
                step = 3600
                if self.custom.kind is ScheduleKind.RECURRING_DAILY:  # stay before 24:00
                    step = min(step, max(1, (DAY_S - before.start_s) // 2 // 60 * 60))
                new = Period(before.start_s + step, before.limit_a, before.phases)
            else:
                middle = (before.start_s + following.start_s) // 2 // 60 * 60
                new = Period(middle, before.limit_a, before.phases)
        rows.insert(index, new)
        self._changed()
        return index

    def remove_period(self, index: int) -> None:
        del self.custom.periods[index]
        self._changed()

    def set_period(self, index: int, **values: Any) -> None:
        """Change `start_s`, `limit_a` or `phases` of row `index`."""
        self.custom.periods[index] = replace(self.custom.periods[index], **values)
        self._changed()

    def set_periods(self, periods: list[Period]) -> None:
        self.custom.periods = list(periods)
        self._changed()

    def copy_template_to_custom(self) -> None:
        """Start a custom profile from the template's steps, the usual starting point."""
        form = self.tender
        rows = [Period(0, form.normal_limit_a),
                Period(_seconds(form.peak_start), form.peak_limit_a),
                Period(_seconds(form.peak_end), form.normal_limit_a)]
        self.set_periods([r for i, r in enumerate(rows) if i == 0 or r.start_s > 0])

    # ---------------------------------------------------------------- building
    @property
    def connector_id(self) -> int:
        """Where the profile goes: connector 0 (the pole) for the template."""
        return 0 if self._mode is Mode.TENDER else self.custom.connector_id

    def settings(self) -> TenderProfileSettings:
        """The template as `TenderProfileSettings`; `FieldError` names a wrong input."""
        form = self.tender
        for name in ("peak_limit_a", "normal_limit_a", "overrule_limit_a"):
            value = getattr(form, name)
            if _below_mode3_minimum(value):
                raise FieldError(name, _mode3_message(Reason(_TENDER_LABELS[name]), value))
        try:
            return TenderProfileSettings(
                normal_limit_a=form.normal_limit_a, peak_start=form.peak_start,
                peak_end=form.peak_end, peak_limit_a=form.peak_limit_a,
                overrule_limit_a=form.overrule_limit_a, connection=form.connection,
                timezone=str(self.zone))
        except ProfileError as error:
            raise _tender_field_error(str(error)) from None

    def profile(self) -> ChargingProfile:
        """The profile to deploy; `FieldError` says which input to fix."""
        if self._mode is Mode.TENDER:
            return build_capacity_profile(self.settings(), self._day)
        return self._custom_profile()

    def profile_json(self) -> dict[str, Any]:
        """OCPP 1.6 ``csChargingProfiles`` for SetChargingProfile."""
        return self.profile().to_ocpp()

    def configuration(self) -> list[tuple[str, str]]:
        """Configuration keys the template sets with the profile (eis 33, eis 28).

        The connection size is the pole's `GridConnectionMaxCurrent` and the overrule
        limit its `PeakLimitOverrule`: neither is part of an OCPP profile. Both are
        whole amps on the pole, so the overrule limit is rounded *down*.
        """
        if self._mode is not Mode.TENDER:
            return []
        settings = self.settings()
        return [("GridConnectionMaxCurrent", str(math.floor(settings.connection_max_a))),
                ("PeakLimitOverrule", str(math.floor(settings.overrule_limit_a)))]

    def configuration_changes(self) -> list[tuple[str, str, str | None]]:
        """``(key, wanted, the pole's value or None)`` for each template key the pole does
        not have yet: writing those is configuration (engineers); the rest is a technician's
        profile deployment (issue 17)."""
        return [(key, value, self.pole_configuration.get(key))
                for key, value in self.configuration()
                if self.pole_configuration.get(key, "").strip() != value]

    @property
    def expected_grid_limit_a(self) -> float:
        """The ceiling the pole applies beneath the profile once this is deployed."""
        if self._mode is Mode.TENDER:
            return CONNECTION_MAX_A[self.tender.connection]
        return self.grid_limit_a

    def validation_error(self) -> FieldError | None:
        """The first wrong input, or None if the profile can be built."""
        try:
            self.profile()
        except FieldError as error:
            return error
        return None

    def _day_bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self._day, time(0), tzinfo=self.zone)
        end = datetime.combine(self._day + timedelta(days=1), time(0), tzinfo=self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def intent(self) -> LimitIntent:
        """What the profile is for, the expectation a pole's answer is verified against.

        The template and a daily custom profile mean their limits at local wall-clock
        times, every day; an absolute custom profile means itself. All are capped by
        the grid limit the pole applies beneath them.
        """
        grid = self.expected_grid_limit_a
        if self._mode is Mode.TENDER:
            return tender_intent(self.settings(), grid)
        if self.custom.kind is ScheduleKind.RECURRING_DAILY:
            self._check_periods()
            return DailyIntent(self.zone, tuple((_clock_time(p.start_s), p.limit_a)
                                                for p in self.custom.periods), grid)
        return ProfileIntent(self._custom_profile(), self.connector_id, grid)

    def preview(self) -> Preview:
        """The local day of the composite schedule this profile gives on its own."""
        profile = self.profile()
        start, end = self._day_bounds()
        peak = None
        redeploy = None
        if self._mode is Mode.TENDER:
            peak = peak_window(self.settings(), self._day)
            redeploy = self.settings()
        return build_preview(profile, connector_id=self.connector_id,
                             grid_limit_a=self.expected_grid_limit_a, day_start=start,
                             day_end=end, zone=self.zone, intent=self.intent(), peak=peak,
                             redeploy=redeploy)

    def summary(self, translate: Translate | None = None) -> str:
        """One sentence of what the profile does, for the screen and the deploy log."""
        if self._mode is Mode.TENDER:
            form = self.tender
            reason = Reason(_TENDER_SUMMARY, (
                format_amps(form.normal_limit_a), format_amps(form.peak_limit_a),
                f"{form.peak_start:%H:%M}", f"{form.peak_end:%H:%M}",
                format_amps(form.overrule_limit_a), str(form.connection)))
        else:
            custom = self.custom
            reason = Reason(_CUSTOM_SUMMARY, (
                custom.purpose.value, str(custom.connector_id), str(custom.stack_level),
                custom.kind.value.lower(), str(len(custom.periods))))
        return reason.text(translate) if translate is not None else reason.text()

    # ---------------------------------------------------------------- custom checks
    def _custom_profile(self) -> ChargingProfile:
        custom = self.custom
        self._check_custom_header()
        self._check_periods()
        recurring = custom.kind is ScheduleKind.RECURRING_DAILY
        start, _ = self._day_bounds()
        starts = [p.start_s for p in custom.periods]
        if recurring:  # repeating from the first day of the period (pole_link.profiles.tender)
            origin = recurrence_origin(self.zone, self._day)
            start = local_midnight(self.zone, origin)
            starts = [seconds_into_day(self.zone, origin, _clock_time(s)) for s in starts]
        try:
            return ChargingProfile(
                profile_id=custom.profile_id,
                stack_level=custom.stack_level,
                purpose=custom.purpose,
                kind=ChargingProfileKindType.recurring if recurring
                else ChargingProfileKindType.absolute,
                recurrency_kind=RecurrencyKind.daily if recurring else None,
                schedule=ChargingSchedule(
                    periods=tuple(SchedulePeriod(s, p.limit_a, p.phases)
                                  for s, p in zip(starts, custom.periods, strict=True)),
                    charging_rate_unit=ChargingRateUnitType.amps,
                    start_schedule=start,
                ),
            )
        except ProfileError as error:
            raise _custom_field_error(str(error)) from None

    def _check_custom_header(self) -> None:
        custom = self.custom
        if not 0 <= custom.stack_level <= self.max_stack_level:
            raise FieldError("stack_level", (
                f"Stack level = {custom.stack_level} is out of range: must be between 0 and "
                f"{self.max_stack_level} (the pole's ChargeProfileMaxStackLevel)"))
        if custom.profile_id < 0:
            raise FieldError("profile_id", f"Profile id = {custom.profile_id} must be >= 0")
        if custom.purpose is ChargingProfilePurposeType.tx_profile:
            raise FieldError("purpose", (
                "Purpose = TxProfile belongs to one running transaction: use "
                "ChargePointMaxProfile or TxDefaultProfile here"))
        if custom.purpose is ChargingProfilePurposeType.charge_point_max_profile \
                and custom.connector_id != 0:
            raise FieldError("connector_id", (
                f"Connector = {custom.connector_id}: a ChargePointMaxProfile limits the whole "
                "pole and goes on connector 0"))
        if not 0 <= custom.connector_id <= self.connector_count:
            raise FieldError("connector_id", (
                f"Connector = {custom.connector_id} is out of range: must be 0 (the pole) to "
                f"{self.connector_count}"))

    def _check_periods(self) -> None:
        rows = self.custom.periods
        if not rows:
            raise FieldError("periods", "Periods: add at least one period")
        recurring = self.custom.kind is ScheduleKind.RECURRING_DAILY
        for number, row in enumerate(rows, start=1):
            name = f"periods[{number - 1}]"
            if number == 1 and row.start_s != 0:
                raise FieldError(f"{name}.start_s", (
                    f"Period 1 start = {format_offset(row.start_s)}: the first period must "
                    "start at 00:00, or the profile would not say what holds before it"))
            if number > 1 and row.start_s <= rows[number - 2].start_s:
                raise FieldError(f"{name}.start_s", (
                    f"Period {number} start = {format_offset(row.start_s)} is not after period "
                    f"{number - 1} start = {format_offset(rows[number - 2].start_s)}: start times "
                    "must increase from row to row"))
            if recurring and row.start_s >= DAY_S:
                raise FieldError(f"{name}.start_s", (
                    f"Period {number} start = {format_offset(row.start_s)} is out of range for "
                    "a daily profile: must be before 24:00"))
            if not 0 <= row.limit_a <= self.grid_limit_a:
                raise FieldError(f"{name}.limit_a", (
                    f"Period {number} limit = {row.limit_a:g} A is out of range: must be between "
                    f"0 and {self.grid_limit_a:g} A (the pole's grid connection limit)"))
            if _below_mode3_minimum(row.limit_a):
                raise FieldError(f"{name}.limit_a", _mode3_message(
                    Reason(_PERIOD_LIMIT, (str(number),)), row.limit_a))
            if not _one_decimal(row.limit_a):
                raise FieldError(f"{name}.limit_a", (
                    f"Period {number} limit = {row.limit_a} A has more than one decimal: OCPP "
                    "limits are 0.1 A steps"))
            if row.phases not in (None, 1, 2, 3):
                raise FieldError(f"{name}.phases", (
                    f"Period {number} phases = {row.phases} must be empty (all), 1, 2 or 3"))


def _clock_time(offset_s: int) -> time:
    """A daily profile's offset (under 24 h, checked) as the wall-clock time it means."""
    hours, rest = divmod(offset_s, 3600)
    return time(hours, *divmod(rest, 60))


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _tender_field_error(message: str) -> FieldError:
    """Reword a `TenderProfileSettings` error with the on-screen label of its field."""
    name = message.split(" ", 1)[0]
    field_name = name if name in _TENDER_LABELS else "tender"
    if field_name != "tender":
        message = _TENDER_LABELS[name] + message[len(name):]
    for attribute, label in _TENDER_LABELS.items():
        message = re.sub(rf"\b{attribute}(?= = )", label, message)
    return FieldError(field_name, message)


_PERIOD_ERROR = re.compile(r"chargingSchedulePeriod\[(\d+)\]\.(\w+)")


def _custom_field_error(message: str) -> FieldError:
    """Reword a `ChargingProfile` error: OCPP field names become the labels on screen."""
    match = _PERIOD_ERROR.search(message)
    if match is not None:
        index, ocpp_name = int(match.group(1)), match.group(2)
        ours, label = _PERIOD_FIELDS.get(ocpp_name, ("", ocpp_name))
        reworded = message.replace(match.group(0), f"Period {index + 1} {label}", 1)
        return FieldError(f"periods[{index}].{ours}" if ours else f"periods[{index}]", reworded)
    for ocpp_name, (ours, label) in _PROFILE_FIELDS.items():
        if message.startswith(ocpp_name):
            return FieldError(ours, label + message[len(ocpp_name):])
    return FieldError("custom", message)
