"""The language of a pole: Mode 3 states, LED colours and the two-socket load balancer.

Pure, clock-free domain code: no I/O, no asyncio, nothing of ours outside `pole_link`.
The virtual pole, the live views and the commissioning checks all import it from here.
"""

from __future__ import annotations

from pole_link.model.balancer import (
    Allocation,
    BalancerConfig,
    LimitStep,
    LoadBalancer,
    SocketDemand,
)
from pole_link.model.led import LedColour, LedState, led_for
from pole_link.model.lowcurrent import LowCurrentDetector, LowCurrentState
from pole_link.model.mode3 import (
    DIGITAL_DUTY,
    MAX_CURRENT_A,
    MIN_CURRENT_A,
    NO_PWM_DUTY,
    CPState,
    current_for_duty,
    duty_for_current,
)

__all__ = [
    "DIGITAL_DUTY",
    "MAX_CURRENT_A",
    "MIN_CURRENT_A",
    "NO_PWM_DUTY",
    "Allocation",
    "BalancerConfig",
    "CPState",
    "LedColour",
    "LedState",
    "LimitStep",
    "LoadBalancer",
    "LowCurrentDetector",
    "LowCurrentState",
    "SocketDemand",
    "current_for_duty",
    "duty_for_current",
    "led_for",
]
