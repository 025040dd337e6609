"""``paalwerk watch PATH``: a pole's live Mode 3 state in a terminal, over its service port."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pole_link.errors import PoleLinkError
from pole_link.live import LiveSample
from pole_link.session import PoleSession
from pole_link.transports.serial import SerialLink


def describe(sample: LiveSample) -> str:
    parts = [sample.timestamp.astimezone().strftime("%H:%M:%S"), f"limit {sample.limit_a:g} A"]
    for s in sample.sockets:
        amps = "/".join(f"{a:.1f}" for a in s.current_a)
        parts.append(f"| {s.connector_id}: {s.cp_state.value:<2} {s.status.value:<13} "
                     f"offer {s.offered_current_a:4.1f} A  {amps} A  "
                     f"{s.energy_wh / 1000:7.3f} kWh  LED {s.led.colour.value}"
                     f"{' blinking' if s.led.blinking else ''}")
    return " ".join(parts)


async def _watch(path: str, interval_ms: int, count: int | None) -> None:
    async with PoleSession(SerialLink(path)) as session:
        identity = session.identity
        assert identity is not None
        print(f"{identity.pole_id} — {identity.vendor} {identity.model}, firmware "
              f"{identity.firmware_version}, {identity.sockets} sockets", flush=True)
        async with session.live(interval_ms) as samples:
            seen = 0
            async for sample in samples:
                print(describe(sample), flush=True)
                seen += 1
                if count is not None and seen >= count:
                    return


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="paalwerk watch",
                                     description="Show a pole's live data over its serial port.")
    parser.add_argument("path", help="serial port or pseudo-terminal, e.g. /dev/ttyUSB0")
    parser.add_argument("--interval-ms", type=int, default=1000)
    parser.add_argument("--count", type=int, help="stop after this many samples")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_watch(args.path, args.interval_ms, args.count))
    except PoleLinkError as exc:
        print(f"paalwerk watch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
