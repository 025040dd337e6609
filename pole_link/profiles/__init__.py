"""OCPP 1.6 charging profiles, what they allow over time, and the tender's capacity profile.

* `charging_profile`: the profile values, their OCPP JSON form, and the store of
  profiles installed on one pole (SetChargingProfile / ClearChargingProfile rules).
* `composite`: the limit in force at an instant, the next step, and the
  GetCompositeSchedule result over a window.
* `tender`: the daily 30 A / 7 A peak profile and when to re-deploy it around
  daylight-saving changes.

Pure stdlib plus the ``ocpp`` library's enums: usable by the pole, the virtual
pole, the CSMS and the GUI alike.
"""

from pole_link.profiles.charging_profile import (
    RECURRENCE_PERIOD_S,
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
    SchedulePeriod,
    check_limits,
)
from pole_link.profiles.composite import (
    WATTS_PER_AMP,
    composite_schedule,
    limit_at,
    next_change_after,
    profile_limit_at,
)
from pole_link.profiles.tender import (
    CONNECTION_MAX_A,
    TenderProfileSettings,
    build_capacity_profile,
    next_redeploy_time,
    peak_window,
    redeploy_window,
)

__all__ = [
    "CONNECTION_MAX_A",
    "RECURRENCE_PERIOD_S",
    "WATTS_PER_AMP",
    "ChargingProfile",
    "ChargingSchedule",
    "ProfileError",
    "ProfileStore",
    "SchedulePeriod",
    "TenderProfileSettings",
    "build_capacity_profile",
    "check_limits",
    "composite_schedule",
    "limit_at",
    "next_change_after",
    "next_redeploy_time",
    "peak_window",
    "profile_limit_at",
    "redeploy_window",
]
