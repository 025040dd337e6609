"""Instructions per MB of image that the serial firmware path's own code costs, each side.

Rates and CPU seconds on a shared 2-core machine move with everyone else's load; the
number of instructions a piece of code executes does not. This runs the framing work of
a firmware upload in one process, without the port (the kernel's copies are the same
for raw bytes and the upload, so they are not the protocol's cost):

* client: `FirmwareUpload`'s burst of `FirmwareData` frames cut from the image, encoded
  one by one as the serial writer thread consumes them (`send_binary`'s parts: header,
  CRC-32, COBS, delimiter);
* pole: the wire bytes fed to `FramedConnection` in the 4 KB pieces a pseudo-terminal
  hands its reader, decoded (COBS, CRC-32 check), parsed, and stored by the pole's
  `Transfer` into its image memory, acks included.

under ``valgrind --tool=callgrind``, twice: once only preparing ``--megabytes`` of
image (and, for the pole, its wire bytes), once also doing that side's work; the
difference divided by the megabytes is what one MB costs, Python's start-up and the
preparation cancelled out. ``--direct`` runs the work once without valgrind and prints CPU ms/MB.

    .venv/bin/python benchmarks/firmware_framing_cost.py [--megabytes 8] [--side both]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pole_link.protocol.binary import MAX_CHUNK, FirmwareAck, FirmwareData
from pole_link.protocol.connection import FramedConnection, _encoded
from pole_link.sim.firmware_slots import Transfer

BURST = 256 * 1024
PTY_READ = 4096
"""Bytes a pseudo-terminal's reader gets per read at most (the kernel's n_tty buffer)."""


def image(megabytes: float) -> bytes:
    return os.urandom(int(megabytes * 1_048_576))


def client_side(data: bytes) -> int:
    """Encode ``data`` as the upload's bursts do; the wire bytes (not kept)."""
    view = memoryview(data)
    wire = 0
    for first in range(0, len(view), BURST):
        end = min(len(view), first + BURST)
        frames = [FirmwareData(1, start, view[start:min(end, start + MAX_CHUNK)])
                  for start in range(first, end, MAX_CHUNK)]
        for part in _encoded(frames):
            wire += len(part)
    return wire


def wire_of(data: bytes) -> bytes:
    view = memoryview(data)
    frames = [FirmwareData(1, start, view[start:start + MAX_CHUNK])
              for start in range(0, len(view), MAX_CHUNK)]
    return b"".join(_encoded(frames))


class _NoStream:
    async def read(self) -> bytes:
        raise EOFError

    async def write(self, data: bytes) -> None:
        return None

    async def close(self) -> None:
        return None


def pole_side(wire: bytes, size: int) -> int:
    """Receive ``wire`` as the virtual pole does; acks sent."""
    transfer = Transfer(1, size, "", b"", "", "bench", ())
    acks = 0

    def on_binary(frame: object) -> None:
        nonlocal acks
        assert isinstance(frame, FirmwareData) and frame.offset == transfer.held
        transfer.take(memoryview(frame.data), frame.offset + len(frame.data))
        if transfer.held % (512 * 1024) < MAX_CHUNK:
            FirmwareAck(1, transfer.held, 0).pack()  # type: ignore[arg-type]
            acks += 1

    connection = FramedConnection(_NoStream(), on_binary=on_binary)
    for start in range(0, len(wire), PTY_READ):  # bytes, as os.read returns them
        for body in connection._decoder.feed(wire[start:start + PTY_READ]):
            connection._accept(body)
    assert transfer.held == size
    return acks


def work(side: str, megabytes: float, prepare_only: bool) -> None:
    data = image(megabytes)
    wire = wire_of(data) if side == "pole" else b""
    if prepare_only:
        return
    if side == "client":
        client_side(data)
    else:
        pole_side(wire, len(data))


def instructions(side: str, megabytes: float, prepare_only: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             sys.executable, __file__, "--work", side, "--megabytes", str(megabytes),
             *(["--prepare-only"] if prepare_only else [])],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
            check=True)
        found = re.search(r"Collected : (\d+)", result.stderr)
        assert found, result.stderr[-2000:]
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=8)
    parser.add_argument("--side", choices=("client", "pole", "both"), default="both")
    parser.add_argument("--direct", action="store_true",
                        help="run once without valgrind; print CPU ms/MB")
    parser.add_argument("--work", choices=("client", "pole"), help=argparse.SUPPRESS)
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        work(args.work, args.megabytes, args.prepare_only)
        return
    sides = ("client", "pole") if args.side == "both" else (args.side,)
    for side in sides:
        if args.direct:
            data = image(args.megabytes)
            wire = wire_of(data)
            started = time.process_time()
            if side == "client":
                client_side(data)
            else:
                pole_side(wire, len(data))
            used = time.process_time() - started
            print(f"{side:<6} CPU {1e3 * used / (len(data) / 1e6):.2f} ms/MB", flush=True)
            continue
        base = instructions(side, args.megabytes, prepare_only=True)
        loaded = instructions(side, args.megabytes, prepare_only=False)
        per_mb = (loaded - base) / (args.megabytes * 1.048576)
        print(f"{side:<6} {per_mb / 1e6:8.2f} M instructions per MB of image "
              f"(callgrind, {args.megabytes:g} MiB)", flush=True)


if __name__ == "__main__":
    main()
