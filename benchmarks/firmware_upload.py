"""Local firmware upload efficiency: image bytes/s beside the raw byte rate of the same link.

    efficiency = firmware payload bytes/s ÷ raw bytes/s of the same link, same run

The pole is a ``paalwerk sim --serial --ble --trust ROOT.pem`` child process, as a pole
is another device; this process is the technician's laptop (pyserial on the
pseudo-terminal; bleak over bumble on the virtual radio, ATT MTU 247). Per round:

* raw: plain bytes (no zero byte, so no framing at all) written through the session's
  own open link, then a lone delimiter and one ``LinkStats`` call; its answer arrives
  once the pole has read everything before it, so bytes ÷ time to that answer is what
  the link carries into the pole;
* upload: `PoleSession.upload_firmware` of a signed package, timed from
  ``FirmwareBegin`` to the ack of the image's last byte (the commit's checks and the
  reboot are not link time).

Other processes on the machine disturb single figures, so raw and upload alternate for
a few rounds; the summary gives the median of the per-round ratios and the best upload
over the best raw. Target: ≥ 90 %.

    .venv/bin/python benchmarks/firmware_upload.py [--serial-megabytes 64]
        [--ble-kilobytes 2048] [--rounds 3] [--only serial|ble]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pole_link.ble_bumble.host import close_shared_hosts
from pole_link.firmware.package import FirmwarePackage, build_package
from pole_link.firmware.signing import make_root, make_signing_cert, pem_of
from pole_link.protocol.frames import DELIMITER
from pole_link.session import PoleSession
from pole_link.transports.ble import BleLink, BleOptions
from pole_link.transports.framed import FramedLink
from pole_link.transports.serial import SerialLink

REPO = Path(__file__).resolve().parents[1]
RAW_WRITE = 65_536
"""Bytes per raw write: about what the upload's larger writes hand the port."""


@dataclass
class Figures:
    """Rounds of (raw bytes/s, firmware payload bytes/s, resends) on one link."""

    link: str
    unit: float
    unit_name: str
    rounds: list[tuple[float, float, int]] = field(default_factory=list)

    def print_round(self) -> None:
        raw, payload, resends = self.rounds[-1]
        print(f"{self.link:<22} round {len(self.rounds)}: raw {raw / self.unit:8.1f} "
              f"{self.unit_name}/s | firmware payload {payload / self.unit:8.1f} "
              f"{self.unit_name}/s | {payload / raw:5.1%} ({resends} resends)", flush=True)

    def print_summary(self) -> None:
        ratios = [payload / raw for raw, payload, _ in self.rounds]
        best_raw = max(raw for raw, _, _ in self.rounds)
        best_payload = max(payload for _, payload, _ in self.rounds)
        print(f"{self.link:<22} efficiency: median of rounds {statistics.median(ratios):.1%}, "
              f"best payload ÷ best raw {best_payload / best_raw:.1%} "
              f"(best raw {best_raw / self.unit:.1f} {self.unit_name}/s, best payload "
              f"{best_payload / self.unit:.1f} {self.unit_name}/s)", flush=True)


def signed_packages(*sizes: int) -> tuple[list[FirmwarePackage], str]:
    """Packages of random images of ``sizes`` bytes, and the root PEM that signed them."""
    now = datetime.now(UTC)
    root_key, root = make_root("Benchmark root", now)
    key, cert = make_signing_cert(root_key, root, "Benchmark signing", now)
    packages = [build_package(os.urandom(size), version=f"bench-2.0.{index}", models=[],
                              key=key, signing_cert=cert)
                for index, size in enumerate(sizes)]
    return packages, pem_of(root)


@contextlib.asynccontextmanager
async def sim_pole(root_pem: str) -> AsyncIterator[tuple[str, str, str]]:
    """A ``paalwerk sim --serial --ble`` child trusting ``root_pem``: (tty, address, hci)."""
    with tempfile.TemporaryDirectory() as folder:
        root_file = Path(folder) / "root.pem"
        root_file.write_text(root_pem)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "paalwerk", "sim", "--serial", "--ble", "--trust",
            str(root_file), stdout=asyncio.subprocess.PIPE, cwd=REPO,
            env={**os.environ, "PAALWERK_STATE_DIR": folder})
        try:
            assert process.stdout is not None
            _, _, tty = (await process.stdout.readline()).decode().split()
            _, _, address, transport = (await process.stdout.readline()).decode().split()
            yield tty, address, transport
        finally:
            process.terminate()
            await process.wait()


async def raw_rate(session: PoleSession, total: int) -> float:
    """Plain bytes through the session's link into the pole; see the module docstring."""
    link = session.link
    stream = link.byte_stream if isinstance(link, FramedLink) else None
    assert stream is not None
    block = bytes(range(1, 256)) * (RAW_WRITE // 255 + 1)
    block = block[:RAW_WRITE]
    count = max(1, total // RAW_WRITE)
    started = time.perf_counter()
    for _ in range(count):
        await stream.write(block)
    await stream.write(DELIMITER)
    await session.link_stats()
    return count * RAW_WRITE / (time.perf_counter() - started)


async def upload_rate(session: PoleSession, package: FirmwarePackage) -> tuple[float, int]:
    """Image bytes/s from FirmwareBegin to the last ack; and the resends it took."""
    await session.authenticate("demo")
    started = time.perf_counter()
    done_at = 0.0

    def progress(acked: int, total: int) -> None:
        nonlocal done_at
        if acked == total:
            done_at = time.perf_counter()

    result = await session.upload_firmware(package, progress=progress)
    assert result.status == "Installed" and result.resumed_from == 0, result
    return package.manifest.size / (done_at - started), result.resends


async def measure(figures: Figures, session: PoleSession, package: FirmwarePackage,
                  rounds: int) -> None:
    await session.open()
    try:
        for _ in range(rounds):
            raw = await raw_rate(session, package.manifest.size)
            payload, resends = await upload_rate(session, package)
            figures.rounds.append((raw, payload, resends))
            figures.print_round()
            await session.reopen()  # the pole rebooted into the image
    finally:
        await session.close()
    figures.print_summary()


async def run(serial_megabytes: int, ble_kilobytes: int, rounds: int, only: str | None
              ) -> None:
    (serial_package, ble_package), root = signed_packages(serial_megabytes * 1_048_576,
                                                          ble_kilobytes * 1024)
    async with sim_pole(root) as (tty, address, transport):
        if only != "ble":
            await measure(Figures("serial pseudo-terminal", 1e6, "MB"),
                          PoleSession(SerialLink(tty)), serial_package, rounds)
        if only != "serial":
            link = BleLink(address, BleOptions(bumble_transport=transport, mtu=247))
            try:
                await measure(Figures("virtual BLE, MTU 247", 1e3, "KB"), PoleSession(link),
                              ble_package, rounds)
            finally:
                await close_shared_hosts()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serial-megabytes", type=int, default=64)
    parser.add_argument("--ble-kilobytes", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3,
                        help="raw and upload measured alternately this many times")
    parser.add_argument("--only", choices=("serial", "ble"))
    args = parser.parse_args()
    asyncio.run(run(args.serial_megabytes, args.ble_kilobytes, args.rounds, args.only))


if __name__ == "__main__":
    main()
