"""A signed firmware package onto a pole over its service port (serial or BLE), on site.

PROTOCOL.md: ``FirmwareBegin`` (the pole refuses at once what it can, or names the
offset to resume from), binary data frames with at most ``windowBytes`` unacknowledged,
then ``FirmwareCommit``, after which the pole checks everything again, switches slots
and reboots. What this module adds is how the client keeps the link busy without
drowning it:

* Frames go out in *bursts*, several back to back in one write, sized to about
  `BURST_SECONDS` of what the link has been measured to carry: a pseudo-terminal takes
  hundreds of kilobytes per write, a 115200-baud cable a few kilobytes (so a gap or a
  cancel never waits behind seconds of queued data).
* A data frame carries min(the pole's ``chunkBytes``, what suits the link, one burst):
  large on a fast line, about a few ATT writes on BLE.
* The pole's acks move the window; a gap ack rewinds to the offset given; with no ack
  for `ACK_TIMEOUT_S` while the link is idle, everything from the last acked offset is
  sent again.

Cancelling (``asyncio`` cancellation, Ctrl-C) leaves the pole holding what it acked:
the next upload of the same image resumes there, in this session or any later one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pole_link.errors import (
    FirmwareError,
    FirmwareRejected,
    FrameError,
    LinkTimeout,
    PoleLinkError,
)
from pole_link.protocol.binary import (
    MAX_CHUNK,
    AckStatus,
    BinaryFrame,
    FirmwareAck,
    FirmwareData,
)
from pole_link.protocol.vendor import VendorMessage
from pole_link.transports.framed import FramedLink

if TYPE_CHECKING:
    from pole_link.firmware.package import FirmwarePackage
    from pole_link.session import PoleSession

LOGGER = logging.getLogger(__name__)

ACK_TIMEOUT_S = 2.0
"""PROTOCOL.md: resend from the last acked offset when no ack arrives for 2 s."""
MAX_SILENT_TIMEOUTS = 5
"""Resends in a row without any progress before the pole counts as gone."""
BURST_SECONDS = 0.05
"""A burst is about this much link time: long enough to amortise a write, short enough
that a rewind or a cancel is not stuck behind it."""
MIN_BURST = 4096
MAX_BURST = 256 * 1024

Progress = Callable[[int, int], None]
"""Called with (bytes the pole has acknowledged, image size) whenever that grows."""


@dataclass(frozen=True)
class FirmwareOffer:
    """The pole's ``FirmwareBegin`` answer when it accepts."""

    transfer_id: int
    resume_offset: int
    window_bytes: int
    chunk_bytes: int


@dataclass(frozen=True)
class FirmwareResult:
    """An installed update: the pole has switched slots and is rebooting into it."""

    status: str
    """``Installed``."""
    detail: str
    version: str
    transfer_id: int
    size: int
    resumed_from: int
    """Bytes the pole already held from an earlier, interrupted upload."""
    bytes_sent: int
    """Image bytes put on the link in this run, resends included."""
    resends: int
    """Rewinds after a gap or a silent pole."""
    seconds: float
    """From ``FirmwareBegin`` to the ``FirmwareCommit`` answer."""

    @property
    def rate(self) -> float:
        """Image bytes per second this run moved (what a technician feels)."""
        return (self.size - self.resumed_from) / self.seconds if self.seconds > 0 else 0.0


class _Pacer:
    """How much to write at once: `BURST_SECONDS` of the link's measured write rate.

    It starts at `MIN_BURST` and grows at most fourfold per write, so a driver buffer
    that swallows the first kilobytes at once never passes for a fast line (a 115200-baud
    cable settles at a few kilobytes; a pseudo-terminal reaches `MAX_BURST` in four
    writes).
    """

    def __init__(self) -> None:
        self.rate = MIN_BURST / BURST_SECONDS

    @property
    def burst(self) -> int:
        return int(min(MAX_BURST, max(MIN_BURST, self.rate * BURST_SECONDS)))

    def wrote(self, size: int, seconds: float) -> None:
        measured = size / max(seconds, 1e-6)
        self.rate = min(0.5 * self.rate + 0.5 * measured, 4 * self.rate)


class FirmwareUpload:
    """One upload of ``package`` over ``session``'s serial or BLE link (Auth needed)."""

    def __init__(self, session: PoleSession, package: FirmwarePackage, *,
                 progress: Progress | None = None) -> None:
        link = session.link
        if not isinstance(link, FramedLink):
            raise FirmwareError(f"{link.description}: a local firmware upload needs the "
                                "pole's service port (serial or BLE); through the CSMS use "
                                "UpdateFirmware")
        self.session = session
        self.link = link
        self.package = package
        self.progress = progress
        self._image = memoryview(package.image)  # frames are cut from it without copying
        self.bytes_sent = 0
        self.resends = 0
        self._pacer = _Pacer()
        self._acked = self._next = 0
        self._last_heard = self._last_written = 0.0
        self._silent = 0

    async def run(self) -> FirmwareResult:
        """Begin, send, commit; `FirmwareRejected` when the pole refuses the image."""
        started = time.monotonic()
        offer = await self.begin()
        await self.send(offer)
        answer = await self.commit(offer.transfer_id)
        manifest = self.package.manifest
        return FirmwareResult(
            status=str(answer["status"]), detail=str(answer.get("detail") or ""),
            version=manifest.version, transfer_id=offer.transfer_id, size=manifest.size,
            resumed_from=offer.resume_offset, bytes_sent=self.bytes_sent,
            resends=self.resends, seconds=time.monotonic() - started)

    # ------------------------------------------------------------ FirmwareBegin
    def begin_request(self) -> dict[str, Any]:
        manifest = self.package.manifest
        request: dict[str, Any] = {
            "size": manifest.size, "sha256": manifest.sha256,
            "signature": base64.b64encode(manifest.signature).decode("ascii"),
            "signingCertificate": manifest.signing_certificate, "version": manifest.version}
        if manifest.models:
            # Beyond PROTOCOL.md's fields: lets the pole refuse WrongModel at once.
            request["models"] = list(manifest.models)
        return request

    async def begin(self) -> FirmwareOffer:
        answer = await self.session.data_transfer(VendorMessage.FIRMWARE_BEGIN,
                                                  self.begin_request())
        if not isinstance(answer, dict):
            raise FrameError(f"FirmwareBegin: unexpected answer {answer!r}")
        status = answer.get("status")
        if status != "Accepted":
            raise FirmwareRejected(str(status), str(answer.get("detail") or ""),
                                   stage="FirmwareBegin")
        try:
            offer = FirmwareOffer(int(answer["transferId"]), int(answer["resumeOffset"]),
                                  int(answer["windowBytes"]), int(answer["chunkBytes"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise FrameError(f"FirmwareBegin: incomplete answer {answer!r}: {exc}") from None
        if not (0 <= offer.resume_offset <= self.package.manifest.size
                and offer.window_bytes > 0 and offer.chunk_bytes > 0):
            raise FrameError(f"FirmwareBegin: answer out of range {answer!r}")
        LOGGER.info("firmware %s: transfer %d, from byte %d, window %d, chunks ≤ %d",
                    self.package.manifest.version, offer.transfer_id, offer.resume_offset,
                    offer.window_bytes, offer.chunk_bytes)
        return offer

    # ------------------------------------------------------------ data
    async def send(self, offer: FirmwareOffer) -> None:
        """Data frames from the resume offset until the pole has acked the whole image.

        One burst may be on its way to the port while the next is handed over, so the
        line does not idle between writes; never more than one, so a rewind or a cancel
        is not stuck behind a queue. (The serial stream COBS-encodes a burst's frames on
        its writer thread as it writes them, see `PartsWriter`; BLE gets them encoded.)
        """
        size = len(self.package.image)
        link = self.link
        link.discard_binary_frames()
        self._acked = self._next = offer.resume_offset
        self._last_heard = time.monotonic()
        self._silent = 0
        self._report(self._acked, size)
        chunk_limit = min(offer.chunk_bytes, MAX_CHUNK, link.firmware_chunk_limit)
        writing: asyncio.Future[None] | None = None
        try:
            while self._acked < size:
                room = offer.window_bytes - (self._next - self._acked)
                if self._next < size and room > 0:
                    previous, writing = writing, asyncio.ensure_future(
                        self._write(self._burst(offer.transfer_id, chunk_limit, room)))
                    if previous is not None:
                        await previous
                elif writing is not None:
                    written, writing = writing, None
                    await written
                else:
                    await self._await_ack(offer, size)
                self._take_acks(offer, size)
            if writing is not None:
                written, writing = writing, None
                await written
        finally:
            if writing is not None:  # leaving on an error or a cancel: stop the last write
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError, PoleLinkError):
                    await writing

    def _burst(self, transfer_id: int, chunk_limit: int, room: int) -> list[FirmwareData]:
        image = self._image
        first = self._next
        end = min(len(image), first + min(room, self._pacer.burst))
        chunk = max(1, min(chunk_limit, end - first))
        self._next = end
        self.bytes_sent += end - first
        return [FirmwareData(transfer_id, start, image[start:min(end, start + chunk)])
                for start in range(first, end, chunk)]

    async def _write(self, frames: list[FirmwareData]) -> None:
        began = time.monotonic()
        await self.link.send_binary(*frames)
        done = time.monotonic()
        # Writes overlap by one: this one had the line from when the one before ended.
        self._pacer.wrote(sum(len(f.data) for f in frames),
                          done - max(began, self._last_written))
        self._last_written = done
        self._last_heard = max(self._last_heard, done)

    async def _await_ack(self, offer: FirmwareOffer, size: int) -> None:
        """Wait for an ack; with none for `ACK_TIMEOUT_S`, go back to the last acked byte."""
        wait = self._last_heard + ACK_TIMEOUT_S - time.monotonic()
        try:
            ack = await self.link.binary_frame(timeout=max(0.0, wait))
        except TimeoutError:
            self._silent += 1
            if self._silent > MAX_SILENT_TIMEOUTS:
                raise LinkTimeout(f"{self.link.description}: the pole stopped acknowledging "
                                  f"firmware data at byte {self._acked}") from None
            LOGGER.info("no firmware ack for %g s: resending from %d", ACK_TIMEOUT_S,
                        self._acked)
            self.resends += 1
            self._next = self._acked
            self._last_heard = time.monotonic()
            return
        self._ack(ack, offer, size)

    def _take_acks(self, offer: FirmwareOffer, size: int) -> None:
        """Every ack that has arrived, without waiting."""
        while (ack := self.link.pending_binary_frame()) is not None:
            self._ack(ack, offer, size)

    def _ack(self, ack: BinaryFrame, offer: FirmwareOffer, size: int) -> None:
        if not isinstance(ack, FirmwareAck) or ack.transfer_id != offer.transfer_id:
            return  # an earlier transfer's late ack
        self._last_heard = time.monotonic()
        if ack.status == AckStatus.ABORTED:
            raise FirmwareError(f"the pole aborted the transfer at byte {ack.next_offset} of "
                                f"{size} (another upload replaced it, or the session ended)")
        if ack.next_offset > size:
            raise FrameError(f"firmware ack for byte {ack.next_offset} of a {size}-byte image")
        if ack.next_offset > self._acked:
            self._acked = ack.next_offset
            self._silent = 0
            self._report(self._acked, size)
        if ack.status == AckStatus.GAP and ack.next_offset < self._next:
            self.resends += 1
            self._next = ack.next_offset
        self._next = max(self._next, self._acked)

    def _report(self, acked: int, size: int) -> None:
        if self.progress is not None:
            self.progress(acked, size)

    # ------------------------------------------------------------ FirmwareCommit
    async def commit(self, transfer_id: int) -> dict[str, Any]:
        answer = await self.session.data_transfer(VendorMessage.FIRMWARE_COMMIT,
                                                  {"transferId": transfer_id})
        if not isinstance(answer, dict):
            raise FrameError(f"FirmwareCommit: unexpected answer {answer!r}")
        if answer.get("status") != "Installed":
            raise FirmwareRejected(str(answer.get("status")), str(answer.get("detail") or ""),
                                   stage="FirmwareCommit")
        return answer
