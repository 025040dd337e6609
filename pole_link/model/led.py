"""The socket's status LED (eis 46/47): which colour, whether it blinks, how bright.

The driver reads the socket's state from one LED, so the colour has to follow the
state the pole reports to the back office (the OCPP status) and, where OCPP is too
coarse, the Mode 3 pilot state. The mapping is SPEC.md "Decisions / LED colours".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ocpp.v16.enums import ChargePointStatus

from pole_link.model.mode3 import CPState

__all__ = ["TEST_SEQUENCE", "LedColour", "LedState", "led_for"]


class LedColour(StrEnum):
    """The colours of eis 47; the values are the wire names of PROTOCOL.md Live "led"."""

    OFF = "off"
    GREEN = "green"
    LIGHT_BLUE = "lightblue"
    BLUE = "blue"
    RED = "red"


@dataclass(frozen=True)
class LedState:
    """What one socket's LED shows; `intensity_percent` is `LightIntensity` (eis 46)."""

    colour: LedColour
    blinking: bool
    intensity_percent: int

    def to_json(self) -> dict[str, Any]:
        """The Live "led" object of PROTOCOL.md."""
        return {
            "colour": self.colour.value,
            "blinking": self.blinking,
            "intensityPercent": self.intensity_percent,
        }


TEST_SEQUENCE: tuple[tuple[LedColour, bool], ...] = (
    (LedColour.OFF, False), (LedColour.GREEN, False), (LedColour.LIGHT_BLUE, False),
    (LedColour.BLUE, False), (LedColour.RED, False), (LedColour.RED, True))
"""Every eis 47 colour as (colour, blinking), in the order a pole shows them on its LED
self-test (PROTOCOL.md ``SelfTest led``), so a technician can confirm each."""


def led_for(
    status: ChargePointStatus,
    cp_state: CPState,
    *,
    replugged_in_transaction: bool = False,
    intensity_percent: int = 100,
) -> LedState:
    """The LED for a socket in OCPP `status` whose pilot is in `cp_state`.

    Precedence, highest first, so a driver is never told "go ahead" by a broken socket:

    1. Faulted -> red, blinking; a pilot in state E (short, diode missing) also blinks
       red whatever the status says, because the socket cannot charge until repaired.
    2. Unavailable, or a pilot in state F (the pole refuses service) -> red.
    3. Charging -> blue. Charging beats the B->A->B flag: once energy flows again the
       replug is over and the driver must see that the car charges.
    4. `replugged_in_transaction` (a B->A->B transition during a running transaction)
       -> green, until charging resumes (rule 3) or the status leaves the transaction
       (Available is off, Faulted/Unavailable red). The caller sets the flag on the
       replug and clears it when the transaction ends; leaving it set while charging
       is harmless.
    5. SuspendedEV -> light blue: state B/C with PWM, the vehicle does not draw ("ready
       to charge"). If the pilot shows no PWM the pole paused it, so -> green (5/6).
    6. Preparing (authorised, or plugged in and waiting), SuspendedEVSE (paused by the
       pole, no PWM) -> green.
    7. Finishing -> green: the transaction has ended but the vehicle is still on the
       cable, so the socket is still "in use by you" and not free for the next driver.
    8. Reserved -> green: reservations are excluded (eis 49) so a pole never reports it,
       but if it did the socket is held for someone, which must not look free (off).
    9. Available -> off.

    `intensity_percent` is clamped to 0..100 (a `LightIntensity` outside the range must
    not reach the LED driver).
    """
    intensity = max(0, min(100, int(intensity_percent)))

    def show(colour: LedColour, blinking: bool = False) -> LedState:
        return LedState(colour=colour, blinking=blinking, intensity_percent=intensity)

    if status == ChargePointStatus.faulted or cp_state == CPState.E:
        return show(LedColour.RED, blinking=True)
    if status == ChargePointStatus.unavailable or cp_state == CPState.F:
        return show(LedColour.RED)
    if status == ChargePointStatus.available:
        return show(LedColour.OFF)
    if status == ChargePointStatus.charging:
        return show(LedColour.BLUE)
    if replugged_in_transaction:
        return show(LedColour.GREEN)
    if status == ChargePointStatus.suspended_ev:
        return show(LedColour.LIGHT_BLUE if cp_state.pwm_on else LedColour.GREEN)
    # Preparing, SuspendedEVSE, Finishing, Reserved.
    return show(LedColour.GREEN)
