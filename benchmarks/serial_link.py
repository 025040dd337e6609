"""Local protocol over a pseudo-terminal: frames/s and bytes/s beside the raw byte rate.

All figures come from the same pseudo-terminal in the same run, so the ratio says
what framing (COBS + CRC-32) and our threads cost, independent of the machine.

    .venv/bin/python benchmarks/serial_link.py [--megabytes 64] [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import serial

from pole_link.protocol.binary import MAX_CHUNK, FirmwareData
from pole_link.protocol.connection import FramedConnection
from pole_link.protocol.frames import FrameDecoder, encode_frame
from pole_link.session import PoleSession
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink, SerialStream


async def _push(port: PtyPort, chunks: list[bytes], consume: object) -> float:
    """Write ``chunks`` from a pyserial client; return seconds until the pole side has all."""
    client = SerialStream(serial.Serial(port.path, 115200, timeout=0.1), asyncio.get_running_loop())
    try:
        expected = sum(len(c) for c in chunks)
        received = 0

        async def drain() -> None:
            nonlocal received
            while received < expected:
                data = await port.read()
                received += len(data)
                consume(data)  # type: ignore[operator]

        started = time.perf_counter()
        reader = asyncio.create_task(drain())
        for chunk in chunks:
            await client.write(chunk)
        await reader
        return time.perf_counter() - started
    finally:
        await client.close()


async def raw_and_framed(megabytes: int) -> None:
    port = PtyPort()
    try:
        payload = bytes(range(256)) * (MAX_CHUNK // 256)
        count = megabytes * 1_048_576 // len(payload)
        raw_chunks = [payload] * count
        raw_s = await _push(port, raw_chunks, lambda data: None)
        raw_rate = count * len(payload) / raw_s

        decoder = FrameDecoder()
        frames = [encode_frame(FirmwareData(1, i * len(payload), payload).pack())
                  for i in range(count)]
        bodies = 0

        def consume(data: bytes) -> None:
            nonlocal bodies
            bodies += len(decoder.feed(data))

        framed_s = await _push(port, frames, consume)
        assert bodies == count, f"lost frames: {bodies}/{count}"
        payload_rate = count * len(payload) / framed_s
        print(f"raw pty byte rate         {raw_rate / 1e6:9.1f} MB/s")
        print(f"framed payload rate       {payload_rate / 1e6:9.1f} MB/s "
              f"({count / framed_s:,.0f} frames/s of {len(payload):,} B) "
              f"= {payload_rate / raw_rate:.0%} of raw")
    finally:
        await port.close()


async def calls(count: int) -> None:
    pole = VirtualPole("PW-BENCH")
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port))
    serving = asyncio.create_task(end.serve())
    try:
        async with PoleSession(SerialLink(port.path)) as session:
            started = time.perf_counter()
            for _ in range(count):
                await session.call("GetConfiguration", {"key": ["LightIntensity"]})
            elapsed = time.perf_counter() - started
        stats = end.port.counters
        print(f"request/response calls    {count / elapsed:9,.0f} calls/s "
              f"({2 * count / elapsed:,.0f} frames/s, {elapsed / count * 1e3:.2f} ms per call); "
              f"pole counted {stats.frames_in} in / {stats.frames_out} out, "
              f"{stats.dropped} dropped")
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await port.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=64)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(raw_and_framed(args.megabytes))
    asyncio.run(calls(args.calls))


if __name__ == "__main__":
    main()
