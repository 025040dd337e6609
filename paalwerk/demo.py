"""The demo until the desktop app exists: two virtual poles on serial, one car charging.

A newcomer's first command should show a pole doing something, so the first pole
has a vehicle charging on socket 1 and one plugged in, waiting for a card, on socket 2.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from pole_link.sim.runner import Fleet, FleetOptions
from pole_link.sim.vehicles import EvType

DEMO_CARD = "DEMO-CARD"


async def _run() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    fleet = Fleet(FleetOptions(poles=2, serial=True))
    try:
        await fleet.start(out=sys.stdout)
        first = fleet.poles[0]
        first.plug(1, EvType.EV3)
        first.present_card(1, DEMO_CARD)
        first.plug(2, EvType.ZOE)
        path = fleet.ports[first.pole_id].path
        print(
            f"\nPaalwerk demo: {len(fleet.poles)} virtual poles are running.\n"
            f"  {first.pole_id}: socket 1 charging an ev3, socket 2 has a zoe waiting for a card.\n"
            f"Watch it live from another terminal:\n"
            f"  .venv/bin/paalwerk watch {path}\n"
            f"Any tool that speaks the service-port protocol (PROTOCOL.md) can open that port.\n"
            f"Ctrl-C stops the demo.",
            flush=True,
        )
        await stop.wait()
    finally:
        await fleet.stop()


def main(argv: Sequence[str]) -> int:
    asyncio.run(_run())
    return 0
