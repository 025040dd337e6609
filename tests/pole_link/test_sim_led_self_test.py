"""``SelfTest led`` on a virtual pole shows every eis 47 colour in turn, as a technician
commissioning the pole confirms them, then the socket's own colour again."""

from __future__ import annotations

from datetime import UTC, datetime

from pole_link.model.led import TEST_SEQUENCE, LedColour
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import LED_TEST_STEP_S, VirtualPole
from pole_link.sim.vendor_handlers import self_test

T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


def _led(pole: VirtualPole, connector: int) -> tuple[LedColour, bool]:
    led = pole.live_sample().socket(connector).led
    return led.colour, led.blinking


def test_the_led_self_test_cycles_every_colour_on_that_socket_only() -> None:
    pole = VirtualPole("PW-0001", clock=SimClock(T0))
    pole.configuration.change("LightIntensity", "40")
    assert self_test(pole, {"test": "led", "connectorId": 2})["result"] == "Passed"
    shown = [_led(pole, 2)]
    for _ in TEST_SEQUENCE:
        pole.scheduler.advance(LED_TEST_STEP_S)
        shown.append(_led(pole, 2))
        assert _led(pole, 1) == (LedColour.OFF, False)
    assert shown == [*TEST_SEQUENCE, (LedColour.OFF, False)]  # then Available's own colour
    assert pole.live_sample().socket(2).led.intensity_percent == 40


def test_a_faulted_socket_shows_the_cycle_and_then_blinks_red_again() -> None:
    pole = VirtualPole("PW-0001", clock=SimClock(T0))
    pole.fault(1, "rcd")
    self_test(pole, {"test": "led", "connectorId": 1})
    assert _led(pole, 1) == (LedColour.OFF, False)
    pole.scheduler.advance(LED_TEST_STEP_S * len(TEST_SEQUENCE))
    assert _led(pole, 1) == (LedColour.RED, True)
