"""``paalwerk firmware upload PACKAGE --serial PATH | --ble ADDRESS``: install on site.

A technician at the pole with a laptop: the package goes over the pole's service port
(`PoleSession.upload_firmware`), progress on stderr, the outcome in words on stdout.
The pole checks the signature itself and keeps its firmware when it refuses; after an
install it reboots, and this command reconnects to read the version it now runs, so a
release that failed its health check and rolled back is reported as such.

Exit status: 0 installed and running; 1 refused by the pole (signature, certificate,
hash, model, token) or rolled back; 2 usage, package or link problems. Interrupted
(Ctrl-C): 130, and the same command resumes where the pole stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from pole_link.errors import ConnectError, FirmwareRejected, PoleLinkError
from pole_link.firmware.package import FirmwarePackage, PackageError, read_package
from pole_link.session import PoleSession
from pole_link.site_access import open_for_writing
from pole_link.token_wallet import TokenWallet
from pole_link.transports.base import PoleLink

EXIT_INSTALLED = 0
EXIT_REFUSED = 1
EXIT_PROBLEM = 2
EXIT_INTERRUPTED = 130
TOKEN_ENV = "PAALWERK_TOKEN"
"""The commissioning PIN of a factory-fresh (and every virtual) pole."""
REBOOT_TIMEOUT_S = 60.0


def build_parser(prog: str = "paalwerk firmware upload") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Install a signed firmware package on a pole over its service port. "
                    "Run it again after an interruption: the pole resumes where it stopped.")
    parser.add_argument("package", metavar="PACKAGE", help="a firmware package (.zip)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--serial", metavar="PATH", help="serial port, e.g. /dev/ttyUSB0")
    where.add_argument("--ble", metavar="ADDRESS",
                       help="the pole's BLE address (virtual poles: set "
                            "PAALWERK_BLE_TRANSPORT as paalwerk sim --ble prints)")
    parser.add_argument("--token", metavar="T",
                        help=f"service token (default ${TOKEN_ENV}, else the one in this "
                             "laptop's token wallet that fits the pole; the commissioning "
                             "PIN on a factory-fresh pole)")
    return parser


class ProgressLine:
    """``42% 1.3/3.0 MB 210 kB/s 0:08 left`` on one terminal line, redrawn ≤ 10 times a second."""

    def __init__(self, out: TextIO, *, interval: float = 0.1) -> None:
        self.out = out
        self.interval = interval
        self._started: float | None = None
        self._first = 0
        self._shown_at = 0.0
        self._width = 0

    def __call__(self, acked: int, total: int) -> None:
        now = time.monotonic()
        if self._started is None:
            self._started, self._first = now, acked  # resumed bytes are no part of the rate
        if acked < total and now - self._shown_at < self.interval:
            return
        self._shown_at = now
        elapsed = now - self._started
        rate = (acked - self._first) / elapsed if elapsed > 0 else 0.0
        left = f"{_duration((total - acked) / rate)} left" if rate > 0 and acked < total else ""
        text = (f"{acked / total:4.0%} {_size(acked)}/{_size(total)} "
                f"{_size(rate)}/s {left}".rstrip())
        self.out.write("\r" + text.ljust(self._width))
        self.out.flush()
        self._width = len(text)

    def finish(self) -> None:
        if self._started is not None:
            self.out.write("\n")
            self.out.flush()


def _size(count: float) -> str:
    for unit in ("B", "kB", "MB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _open_link(args: argparse.Namespace) -> PoleLink:
    if args.serial:
        from pole_link.transports.serial import SerialLink

        return SerialLink(args.serial)
    from pole_link.transports.ble import BleLink

    return BleLink(args.ble)


async def upload(args: argparse.Namespace, package: FirmwarePackage, out: TextIO,
                 err: TextIO) -> int:
    manifest = package.manifest
    session = PoleSession(_open_link(args))
    progress = ProgressLine(err)
    try:
        identity = await session.open()
        before = identity.firmware_version
        print(f"{identity.pole_id} ({identity.model}) runs {before}; installing "
              f"{manifest.version} ({_size(manifest.size)}) over "
              f"{session.link.description}", file=err, flush=True)
        access = await open_for_writing(session, identity.pole_id, TokenWallet(),
                                        token=args.token or os.environ.get(TOKEN_ENV))
        if not access.writable:
            print(f"{identity.pole_id} refused the service token ({access.reason}): no "
                  "firmware was sent.", file=out)
            return EXIT_REFUSED
        try:
            result = await session.upload_firmware(package, progress=progress)
        except FirmwareRejected as refused:
            progress.finish()
            detail = f": {refused.detail}" if refused.detail else ""
            print(f"{identity.pole_id} refused {manifest.version} ({refused.reason}{detail}). "
                  f"It still runs {before}.", file=out)
            return EXIT_REFUSED
        progress.finish()
        resumed = (f", resumed at {_size(result.resumed_from)}"
                   if result.resumed_from else "")
        print(f"{identity.pole_id} accepted {manifest.version} in {result.seconds:.1f} s "
              f"({_size(result.rate)}/s{resumed}) and is rebooting…", file=err, flush=True)
        after = await session.reopen(timeout=REBOOT_TIMEOUT_S)
        if after.firmware_version == manifest.version:
            print(f"Installed {manifest.version} on {after.pole_id} (was {before}); it "
                  "rebooted and runs it.", file=out)
            return EXIT_INSTALLED
        print(f"{after.pole_id} installed {manifest.version}, but after rebooting it runs "
              f"{after.firmware_version}: the new firmware failed its health check and the "
              "pole rolled back.", file=out)
        return EXIT_REFUSED
    finally:
        await session.close()


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_PROBLEM if exit_.code else 0
    try:
        package = read_package(args.package)
    except PackageError as exc:
        print(f"paalwerk firmware upload: {exc}", file=err)
        return EXIT_PROBLEM
    try:
        return asyncio.run(upload(args, package, out, err))
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to resume where the pole stopped",
              file=err)
        return EXIT_INTERRUPTED
    except ConnectError as exc:
        print(f"paalwerk firmware upload: cannot reach the pole: {exc}", file=err)
        return EXIT_PROBLEM
    except PoleLinkError as exc:
        print(f"\npaalwerk firmware upload: {exc}\nRun the same command again to resume "
              "where the pole stopped.", file=err)
        return EXIT_PROBLEM
