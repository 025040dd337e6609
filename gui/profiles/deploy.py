"""Deploying a profile to a pole and reading back what the pole made of it.

Why its own module: the view must hold no protocol, and "deployed" means nothing
until the pole's own GetCompositeSchedule agrees (SPEC.md, "Time": every deployment
is verified). These coroutines are the whole conversation; the view only runs them
through a `TaskRunner` and shows their progress, result or error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ocpp.v16.enums import ChargingProfileStatus, ConfigurationStatus

from gui.profiles.preview import (
    Difference,
    PoleSchedule,
    Preview,
    check,
    differences_of,
    pole_steps,
)
from pole_link.errors import PoleLinkError
from pole_link.profiles.intent import IntentCheck

__all__ = [
    "VERIFY_DURATION_S",
    "DeployError",
    "DeployPlan",
    "PoleLimits",
    "ProfileSession",
    "VerifyOutcome",
    "changed_keys",
    "deploy_and_verify",
    "read_pole_limits",
    "verify_on_pole",
]

VERIFY_DURATION_S = 86_400
"""A whole day from the pole's now: every step of a daily profile is checked once."""

Progress = Callable[[str], None]
Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class ProfileSession(Protocol):
    """The part of `PoleSession` this module uses (so tests may stand in for it)."""

    async def change_configuration(self, key: str, value: str) -> ConfigurationStatus: ...

    async def set_charging_profile(self, connector_id: int, profile: dict[str, Any]) -> Any: ...

    async def composite_schedule(self, connector_id: int, duration_s: int) -> dict[str, Any]: ...

    async def get_configuration(self, keys: list[str] | None = None) -> Any: ...


class DeployError(PoleLinkError):
    """The pole answered, but refused part of the deployment."""


@dataclass(frozen=True)
class DeployPlan:
    """Everything to send, fixed when Deploy is pressed (later edits do not leak in)."""

    connector_id: int
    profile_json: dict[str, Any]
    preview: Preview
    configuration: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class VerifyOutcome:
    """The pole's answer and where it differs from what the profile is for (empty: it
    matches); `check` also says how far the pole's clock is off and whether the check
    stopped at a daylight-saving re-deployment."""

    differences: list[Difference]
    pole: PoleSchedule
    preview: Preview
    check: IntentCheck

    @property
    def matches(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class PoleLimits:
    """The pole's configured ceilings that custom profiles are checked against."""

    grid_limit_a: float | None
    max_stack_level: int | None
    values: Mapping[str, str] = field(default_factory=dict)
    """The template's configuration keys as the pole has them now (absent: unknown)."""


TEMPLATE_KEYS = ("GridConnectionMaxCurrent", "PeakLimitOverrule")
"""The configuration the tender template sets with its profile (`ProfileModel.configuration`)."""


async def read_pole_limits(session: ProfileSession) -> PoleLimits:
    """GridConnectionMaxCurrent and ChargeProfileMaxStackLevel; None where the pole has
    none; and the template's keys as the pole has them."""
    config = await session.get_configuration([*TEMPLATE_KEYS, "ChargeProfileMaxStackLevel"])

    def number(key: str) -> float | None:
        entry = config.entries.get(key)
        try:
            return float(entry.value) if entry is not None and entry.value else None
        except ValueError:
            return None

    stack = number("ChargeProfileMaxStackLevel")
    values = {key: entry.value for key in TEMPLATE_KEYS
              if (entry := config.entries.get(key)) is not None and entry.value is not None}
    return PoleLimits(number("GridConnectionMaxCurrent"), None if stack is None else int(stack),
                      values)


def changed_keys(wanted: Sequence[tuple[str, str]], current: Mapping[str, str]
                 ) -> list[tuple[str, str]]:
    """The keys whose wanted value is not what the pole has: only those are written. A key
    already right needs no ChangeConfiguration, so a technician may deploy the tender
    template on a pole whose connection and overrule limit are already set (issue 17)."""
    return [(key, value) for key, value in wanted if current.get(key, "").strip() != value]


async def verify_on_pole(session: ProfileSession, preview: Preview,
                         progress: Progress = lambda _: None,
                         clock: Clock = wall_clock) -> VerifyOutcome:
    """Ask the pole for its composite schedule and check it against the preview's intent,
    in real time by `clock` (this laptop's)."""
    progress("Reading the pole's own schedule (GetCompositeSchedule)…")
    answer = await session.composite_schedule(preview.connector_id, VERIFY_DURATION_S)
    received = clock()
    result = check(preview, answer, received)
    pole = pole_steps(answer, preview.zone, received).until(result.checked_until)
    return VerifyOutcome(differences_of(result, preview.zone), pole, preview, result)


async def deploy_and_verify(session: ProfileSession, plan: DeployPlan,
                            progress: Progress = lambda _: None,
                            clock: Clock = wall_clock) -> VerifyOutcome:
    """Set the configuration keys that differ from the pole's (read again now: another
    operator may have changed them), install the profile, then verify it on the pole."""
    configuration = list(plan.configuration)
    if configuration:
        now = await session.get_configuration([key for key, _ in configuration])
        configuration = changed_keys(configuration, {
            key: entry.value for key, entry in now.entries.items() if entry.value is not None})
    steps = len(configuration) + 2
    for number, (key, value) in enumerate(configuration, start=1):
        progress(f"Step {number} of {steps}: setting {key} = {value}…")
        status = await session.change_configuration(key, value)
        if ConfigurationStatus(status) is not ConfigurationStatus.accepted:
            raise DeployError(f"The pole did not accept {key} = {value}: it answered {status}")
    progress(f"Step {steps - 1} of {steps}: sending the profile (SetChargingProfile)…")
    result = await session.set_charging_profile(plan.connector_id, plan.profile_json)
    status = ChargingProfileStatus(result.status)
    if status is not ChargingProfileStatus.accepted:
        raise DeployError(
            f"The pole answered {status.value} to SetChargingProfile on connector "
            f"{plan.connector_id}: it keeps its previous profiles")
    return await verify_on_pole(
        session, plan.preview,
        lambda text: progress(f"Step {steps} of {steps}: {text[0].lower()}{text[1:]}"),
        clock)
