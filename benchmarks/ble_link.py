"""Local protocol over the virtual BLE link: payload bytes/s at ATT MTU 23, 185 and 247,
beside the raw GATT write-without-response rate of the same link in the same run.

The virtual link has no radio timing, so these figures are our CPU cost per byte
(bleak's public API, the bumble backend and host, HCI over TCP, COBS + CRC-32 and
the chunking): they must stay well above what a real link carries (~100–200 KB/s)
so that the radio, not we, sets the pace in the field.

    .venv/bin/python benchmarks/ble_link.py [--kilobytes 1024] [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from bleak import BleakClient

from pole_link.ble_bumble.client import BumbleClient
from pole_link.ble_bumble.host import close_shared_hosts
from pole_link.ble_bumble.radio import VirtualRadio
from pole_link.protocol.binary import FirmwareData
from pole_link.protocol.connection import FramedConnection
from pole_link.protocol.frames import FrameDecoder, encode_frame
from pole_link.session import PoleSession
from pole_link.sim.ble_port import BlePolePort, pole_address
from pole_link.sim.pole import VirtualPole
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.ble import (
    NOTIFY_CHAR_UUID,
    WRITE_CHAR_UUID,
    BleLink,
    BleOptions,
    BleStream,
)

MTUS = (23, 185, 247)
FRAME_PAYLOAD = 4096
"""Firmware-chunk-sized frames: many ATT packets each, as an image transfer sends them."""


async def _frames_rate(frames: list[bytes], payload_bytes: int,
                       write: Callable[[bytes], Awaitable[None]],
                       read: Callable[[], Awaitable[bytes]]) -> float:
    """Payload bytes/s of ``frames`` written on one end and decoded, all of them, on the other."""
    decoder = FrameDecoder()
    bodies = 0

    def count_bodies(data: bytes) -> None:
        nonlocal bodies
        bodies += len(decoder.feed(data))

    started = time.perf_counter()
    reader = asyncio.create_task(_drain(read, sum(map(len, frames)), count_bodies))
    for frame in frames:
        await write(frame)
    await reader
    assert bodies == len(frames), f"lost frames: {bodies}/{len(frames)}"
    return len(frames) * payload_bytes / (time.perf_counter() - started)


async def _drain(read: Callable[[], object], expected: int, consume: Callable[[bytes], None]
                 ) -> None:
    received = 0
    while received < expected:
        data: bytes = await read()  # type: ignore[misc]
        received += len(data)
        consume(data)


async def one_mtu(radio: VirtualRadio, transport: str, port: BlePolePort, mtu: int,
                  total: int) -> None:
    client = BleakClient(port.address, backend=BumbleClient,
                         bumble={"transport": transport, "mtu": mtu})
    await client.connect()
    try:
        write_char = client.services.get_characteristic(WRITE_CHAR_UUID)
        assert write_char is not None
        stream = BleStream(client, write_char)
        await client.start_notify(NOTIFY_CHAR_UUID, stream.on_notification)
        chunk = stream.chunk_size

        # raw GATT writes without response: bytes the pole's characteristic received
        block = bytes(range(256)) * (chunk // 256 + 1)
        count = total // chunk
        started = time.perf_counter()
        reader = asyncio.create_task(_drain(port.read, count * chunk, lambda _: None))
        for _ in range(count):
            await client.write_gatt_char(write_char, block[:chunk], response=False)
        await reader
        raw_rate = count * chunk / (time.perf_counter() - started)

        # the local protocol, client → pole: COBS + CRC frames through BleStream
        payload = bytes(range(256)) * (FRAME_PAYLOAD // 256)
        frames = [encode_frame(FirmwareData(1, i * len(payload), payload).pack())
                  for i in range(max(1, total // len(payload)))]
        up = await _frames_rate(frames, len(payload), stream.write, port.read)  # client → pole
        down = await _frames_rate(frames, len(payload), port.write, stream.read)  # pole → client
        print(f"ATT MTU {client.mtu_size:3d} ({chunk:3d} B chunks): "
              f"raw GATT write {raw_rate / 1e3:8.1f} KB/s | protocol payload "
              f"client→pole {up / 1e3:8.1f} KB/s ({up / raw_rate:.0%} of raw), "
              f"pole→client {down / 1e3:8.1f} KB/s")
    finally:
        await client.disconnect()


async def throughput(kilobytes: int) -> None:
    radio = VirtualRadio()
    transport = await radio.expose()
    port = await BlePolePort.start(radio, "PW-BENCH", pole_address(1))
    try:
        for mtu in MTUS:
            await one_mtu(radio, transport, port, mtu, kilobytes * 1024)
    finally:
        await close_shared_hosts()
        await port.close()
        await radio.close()


async def calls(count: int) -> None:
    radio = VirtualRadio()
    transport = await radio.expose()
    port = await BlePolePort.start(radio, "PW-BENCH", pole_address(1))
    end = ServicePortEnd(VirtualPole("PW-BENCH"), FramedConnection(port))
    serving = asyncio.create_task(end.serve())
    try:
        async with PoleSession(BleLink(port.address, BleOptions(bumble_transport=transport))
                               ) as session:
            started = time.perf_counter()
            for _ in range(count):
                await session.call("GetConfiguration", {"key": ["LightIntensity"]})
            elapsed = time.perf_counter() - started
        print(f"request/response calls at MTU 247: {count / elapsed:7,.0f} calls/s "
              f"({elapsed / count * 1e3:.2f} ms per call)")
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await close_shared_hosts()
        await port.close()
        await radio.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kilobytes", type=int, default=1024,
                        help="bytes per measurement, in KiB (default 1024)")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(throughput(args.kilobytes))
    asyncio.run(calls(args.calls))


if __name__ == "__main__":
    main()
