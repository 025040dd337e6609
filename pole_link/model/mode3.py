"""IEC 61851-1 Mode 3: control-pilot states and the PWM duty cycle <-> current rule (eis 41).

The pole and the vehicle talk over one wire: the pole sets a +/-12 V square wave whose
high level the vehicle pulls down through resistors (that level is the state letter),
and whose duty cycle tells the vehicle how much current it may draw (IEC 61851-1,
Annex A, table A.7/A.8). Everything that shows, simulates or checks Mode 3 (the virtual
pole, the live view, the commissioning checks) uses these definitions so that a duty
cycle never means two different currents in two places.
"""

from __future__ import annotations

import math
from enum import StrEnum

__all__ = [
    "DIGITAL_DUTY",
    "MAX_CURRENT_A",
    "MIN_CURRENT_A",
    "NO_PWM_DUTY",
    "CPState",
    "current_for_duty",
    "duty_for_current",
]

NO_PWM_DUTY = 100.0
"""A steady +12 V (no oscillator): the vehicle is not allowed to charge."""

DIGITAL_DUTY = 5.0
"""5 % means "use digital communication (ISO 15118)", not a current."""

MIN_CURRENT_A = 6.0
"""The smallest current IEC 61851-1 lets a pole offer over PWM (10 % duty)."""

MAX_CURRENT_A = 80.0
"""The largest current expressible over PWM (96 % duty)."""

_LOW_FORMULA_MAX_A = 51.0  # 85 % duty: the last current of the "duty x 0.6" formula
_HIGH_FORMULA_MIN_A = 52.5  # "(duty - 64) x 2.5" at 85 %; the formula applies above it


class CPState(StrEnum):
    """Control-pilot state: the letter is the vehicle's side, the digit the pole's PWM.

    x1 means the pole holds a steady +12 V (no PWM, charging not allowed); x2 means the
    oscillator runs and the duty cycle offers a current. A, E and F have no digit:
    with no vehicle (A), a short or pilot fault (E) or a pole that is not available (F)
    there is nobody to offer current to.
    """

    A = "A"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    D1 = "D1"
    D2 = "D2"
    E = "E"
    F = "F"

    @property
    def letter(self) -> str:
        """The vehicle-side state without the PWM digit ("C" for C1 and C2)."""
        return self.value[0]

    @property
    def voltage_v(self) -> float:
        """The pilot's high level in this state (what a live view or a scope shows).

        E is 0 V (pilot shorted to earth or the pole's supply is gone) and F is the
        steady -12 V a pole drives when it is not available.
        """
        return _VOLTAGE_V[self.letter]

    @property
    def vehicle_connected(self) -> bool:
        """A vehicle is on the cable (B, C or D), whether or not it wants energy."""
        return self.letter in ("B", "C", "D")

    @property
    def pwm_on(self) -> bool:
        """The pole is offering a current (the oscillator runs)."""
        return self.value.endswith("2")

    @property
    def energy_flowing_allowed(self) -> bool:
        """The vehicle asks for energy (C: charging, D: with ventilation) and is offered it."""
        return self in (CPState.C2, CPState.D2)

    @staticmethod
    def from_parts(letter: str, pwm: bool) -> CPState:
        """Combine the vehicle's state letter with whether the pole runs its PWM.

        A, E and F carry no PWM digit, so `pwm` is ignored for them: the pole may keep
        its oscillator running while nobody is plugged in, and the state is still A.
        """
        upper = letter.strip().upper()
        if upper in ("A", "E", "F"):
            return CPState(upper)
        if upper in ("B", "C", "D"):
            return CPState(f"{upper}{2 if pwm else 1}")
        raise ValueError(f"not a control-pilot state letter: {letter!r}")


_VOLTAGE_V: dict[str, float] = {
    "A": 12.0,
    "B": 9.0,
    "C": 6.0,
    "D": 3.0,
    "E": 0.0,
    "F": -12.0,
}


def duty_for_current(amps: float) -> float:
    """The PWM duty cycle (percent) that offers `amps` to the vehicle.

    * 0 A -> 100 % (no PWM): the pole pauses the vehicle rather than offering a
      current the standard does not define.
    * 6 A ..51 A -> amps / 0.6 (6 A = 10 %, 30 A = 50 %, 51 A = 85 %).
    * above 52.5 A .. 80 A -> amps / 2.5 + 64 (80 A = 96 %).
    * Above 51 A up to 52.5 A the standard has a gap (85 % reads as 51 A and the high
      formula only starts above 85 %); such a request is rounded *down* to 51 A (85 %),
      so the vehicle never gets more than asked.

    Raises `ValueError` for anything between 0 and 6 A (IEC 61851-1 never offers it:
    the load balancer pauses such a socket instead), above 80 A, negative or NaN.
    """
    if math.isnan(amps) or amps < 0.0:
        raise ValueError(f"current must be a non-negative number, got {amps!r}")
    if amps == 0.0:
        return NO_PWM_DUTY
    if amps < MIN_CURRENT_A:
        raise ValueError(
            f"{amps} A cannot be offered: below {MIN_CURRENT_A} A the pole must pause (0 A)"
        )
    if amps > MAX_CURRENT_A:
        raise ValueError(f"{amps} A cannot be offered over PWM (maximum {MAX_CURRENT_A} A)")
    if amps <= _LOW_FORMULA_MAX_A:
        # Multiply then divide (rather than / 0.6) so the anchor points come out exact.
        return amps * 10.0 / 6.0
    if amps <= _HIGH_FORMULA_MIN_A:
        return 85.0
    return amps / 2.5 + 64.0


def current_for_duty(duty: float) -> float | None:
    """The current (A) a vehicle may draw when it measures `duty` percent.

    The bands follow IEC 61851-1:2017 table A.8 (the vehicle's side, with tolerances):

    * duty < 3 %: not allowed to charge -> 0.0
    * 3 % <= duty <= 7 %: digital communication (nominally 5 %) -> None; the current is
      then agreed over ISO 15118, not over the pilot
    * 7 % < duty < 8 %: not allowed to charge -> 0.0
    * 8 % <= duty < 10 %: 6 A (so a pole whose PWM is slightly low still reads as 6 A)
    * 10 % <= duty <= 85 %: duty x 0.6
    * 85 % < duty <= 96 %: (duty - 64) x 2.5
    * 96 % < duty <= 97 %: 80 A (the table's tolerance above the top anchor)
    * duty > 97 %, including 100 % (no PWM): not allowed to charge -> 0.0
    """
    if math.isnan(duty) or duty < 0.0 or duty > 100.0:
        raise ValueError(f"duty cycle must be within 0..100 %, got {duty!r}")
    if 3.0 <= duty <= 7.0:
        return None
    if 8.0 <= duty < 10.0:
        return MIN_CURRENT_A
    if 10.0 <= duty <= 85.0:
        return duty * 6.0 / 10.0
    if 85.0 < duty <= 96.0:
        return (duty - 64.0) * 2.5
    if 96.0 < duty <= 97.0:
        return MAX_CURRENT_A
    return 0.0
