"""The BLE transport: a pole's service port over PROTOCOL.md's GATT service, through bleak.

The byte stream is the same as on serial; only the pipe differs. Bytes to the pole
go to characteristic 6c2a0002 as writes without response, chunked to
min(ATT_MTU − 3, 512); bytes from the pole arrive as notifications on 6c2a0003 in
arbitrary chunks, which the framing reassembles (frame boundaries are only the
``0x00`` delimiters). Notifications go through one queue so their order survives.

bleak is imported only when BLE is used. With ``PAALWERK_BLE_TRANSPORT`` set (e.g.
``tcp-client:127.0.0.1:9922``, printed by ``paalwerk sim --ble``) bleak runs on the
bumble backend in `pole_link.ble_bumble` and reaches virtual poles; unset, bleak
uses the platform's Bluetooth (BlueZ, WinRT, CoreBluetooth).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pole_link.errors import ConnectError, LinkLost
from pole_link.protocol.binary import payload_fitting
from pole_link.transports.base import PoleAddress
from pole_link.transports.framed import LOCAL_CALL_TIMEOUT, FramedLink

if TYPE_CHECKING:
    from bleak import BleakClient
    from bleak.backends.characteristic import BleakGATTCharacteristic

LOGGER = logging.getLogger(__name__)

SERVICE_UUID = "6c2a0001-5d6e-4f3b-9a51-7061616c7772"
WRITE_CHAR_UUID = "6c2a0002-5d6e-4f3b-9a51-7061616c7772"
"""Write without response, client → pole."""
NOTIFY_CHAR_UUID = "6c2a0003-5d6e-4f3b-9a51-7061616c7772"
"""Notify, pole → client."""
MAX_CHUNK = 512
"""ATT's longest attribute value: a GATT server drops longer writes."""
PREFERRED_MTU = 247
"""PROTOCOL.md: the client asks for an ATT MTU of 247 (244-byte chunks)."""
TRANSPORT_ENV = "PAALWERK_BLE_TRANSPORT"
_MIN_CHUNK = 20  # ATT_MTU 23 − 3: what every link carries
FIRMWARE_FRAME_BYTES = 4096
"""Firmware data frames of about this size on the wire: 16 writes at ATT MTU 247."""


@dataclass(frozen=True)
class BleOptions:
    """How to scan and connect."""

    scan_timeout: float = 3.0
    """Seconds `discover()` listens for advertisements."""
    connect_timeout: float = 10.0
    call_timeout: float = LOCAL_CALL_TIMEOUT
    mtu: int = PREFERRED_MTU
    """ATT MTU to ask for where the stack lets us ask (platform stacks negotiate by themselves)."""
    bumble_transport: str | None = None
    """A virtual radio's HCI transport; default ``$PAALWERK_BLE_TRANSPORT``, else real Bluetooth."""

    def virtual_transport(self) -> str | None:
        return self.bumble_transport or os.environ.get(TRANSPORT_ENV) or None


def _backend_args(options: BleOptions, *, client: bool) -> dict[str, Any]:
    """``backend=`` and its options for bleak: the bumble backend, or nothing (platform)."""
    spec = options.virtual_transport()
    if spec is None:
        return {}
    if client:
        from pole_link.ble_bumble.client import BumbleClient

        return {"backend": BumbleClient, "bumble": {"transport": spec, "mtu": options.mtu}}
    from pole_link.ble_bumble.scanner import BumbleScanner

    return {"backend": BumbleScanner, "bumble": {"transport": spec}}


class BleStream:
    """A `ByteStream` over a connected `BleakClient` and the pole's two characteristics."""

    RECENT_CHUNKS = 256

    def __init__(self, client: BleakClient, write_char: BleakGATTCharacteristic) -> None:
        self.client = client
        self._write_char = write_char
        self._chunks: asyncio.Queue[bytes | BaseException] = asyncio.Queue()
        self._write_lock = asyncio.Lock()
        self._closed = False
        self.received_chunks: collections.deque[int] = collections.deque(
            maxlen=self.RECENT_CHUNKS)
        """Sizes of the latest notifications: shows the link really carries MTU-sized chunks."""
        self.sent_chunks: collections.deque[int] = collections.deque(maxlen=self.RECENT_CHUNKS)

    @property
    def chunk_size(self) -> int:
        """Bytes per write: min(ATT_MTU − 3, 512).

        Read from the characteristic, not ``client.mtu_size``: BlueZ's backend reports
        23 there whatever was negotiated, its characteristic knows better.
        """
        size = self._write_char.max_write_without_response_size
        return max(_MIN_CHUNK, min(size, MAX_CHUNK))

    @property
    def mtu(self) -> int:
        """The negotiated ATT MTU, as far as the platform lets us know it."""
        return self._write_char.max_write_without_response_size + 3

    def on_notification(self, _sender: Any, data: bytearray) -> None:
        """bleak's notify callback: runs inside the stack's packet handling, so only queue."""
        self.received_chunks.append(len(data))
        self._chunks.put_nowait(bytes(data))

    def on_disconnected(self, _client: Any = None) -> None:
        if not self._closed:
            self._chunks.put_nowait(LinkLost(f"{self.client.address}: the pole dropped the "
                                             "BLE link (out of range, switched off or busy)"))

    async def read(self) -> bytes:
        item = await self._chunks.get()
        if isinstance(item, BaseException):
            self._chunks.put_nowait(item)  # every later read ends the same way
            raise item
        return item

    async def write(self, data: bytes) -> None:
        """Write ``data`` in chunks, each awaited before the next.

        A write without response has no acknowledgement, so pacing is the stack's:
        each bleak backend returns only once the chunk is queued in the controller
        (CoreBluetooth waits for ``canSendWriteWithoutResponse``, WinRT and BlueZ for
        the write operation, the bumble backend for free ACL buffers). Awaiting each
        chunk therefore never overruns the link, however large the frame.
        """
        from bleak.exc import BleakError

        async with self._write_lock:  # one frame's chunks are never interleaved
            size = self.chunk_size
            for start in range(0, len(data), size):
                if self._closed or not self.client.is_connected:
                    raise LinkLost(f"{self.client.address}: BLE link is down")
                chunk = data[start:start + size]
                try:
                    await self.client.write_gatt_char(self._write_char, chunk, response=False)
                except (BleakError, OSError) as exc:
                    raise LinkLost(f"{self.client.address}: BLE write failed ({exc})") from None
                self.sent_chunks.append(len(chunk))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._chunks.put_nowait(LinkLost(f"{self.client.address}: closed"))
        with contextlib.suppress(Exception):
            await self.client.disconnect()


class BleLink(FramedLink):
    """A `PoleLink` to one pole over BLE (by address: a MAC, or a UUID on macOS)."""

    transport: ClassVar[str] = "ble"

    def __init__(self, address: str, options: BleOptions | None = None) -> None:
        self.options = options or BleOptions()
        super().__init__(address, call_timeout=self.options.call_timeout)
        self.address = address
        self.stream: BleStream | None = None

    @classmethod
    async def discover(cls, options: BleOptions | None = None) -> list[PoleAddress]:
        """Poles advertising the service, strongest signal first; [] when BLE is unavailable.

        Discovery runs for every transport at once, so a laptop without Bluetooth
        (or with it switched off) must cost a log line, never an error or a hang.
        """
        options = options or BleOptions()
        try:
            from bleak import BleakScanner

            async with asyncio.timeout(options.scan_timeout + 5.0):
                async with BleakScanner(service_uuids=[SERVICE_UUID],
                                        **_backend_args(options, client=False)) as scanner:
                    await asyncio.sleep(options.scan_timeout)
                found = scanner.discovered_devices_and_advertisement_data
        except Exception as exc:  # any backend, any missing adapter: report and move on
            LOGGER.warning("BLE scan not available: %s", exc or type(exc).__name__)
            return []
        poles = []
        for device, adv in found.values():
            if SERVICE_UUID not in adv.service_uuids:
                continue
            pole_id = adv.local_name or device.name
            poles.append(PoleAddress(
                transport=cls.transport, target=device.address,
                label=f"{pole_id or device.address} (RSSI {adv.rssi} dBm)",
                pole_id=pole_id, details={"rssi": adv.rssi, "address": device.address}))
        return sorted(poles, key=lambda pole: -int(pole.details["rssi"]))

    async def connect(self) -> None:
        if self.connected:
            return
        if self.stream is not None:  # the stream of a link that was lost: let it go first
            await self.stream.close()
            self.stream = None
        await super().connect()

    async def _open_stream(self) -> BleStream:
        from bleak import BleakClient
        from bleak.exc import BleakError

        stream_box: list[BleStream] = []

        def disconnected(client: BleakClient) -> None:
            if stream_box:
                stream_box[0].on_disconnected(client)

        client = BleakClient(self.address, disconnected_callback=disconnected,
                             timeout=self.options.connect_timeout,
                             **_backend_args(self.options, client=True))
        try:
            async with asyncio.timeout(self.options.connect_timeout + 5.0):
                await client.connect()
        except (BleakError, OSError, TimeoutError) as exc:
            raise ConnectError(f"cannot connect to pole {self.address} over BLE: "
                               f"{exc or 'timed out'} (is it in range and not in use?)") from None
        try:
            write_char = client.services.get_characteristic(WRITE_CHAR_UUID)
            notify_char = client.services.get_characteristic(NOTIFY_CHAR_UUID)
            if write_char is None or notify_char is None:
                raise ConnectError(f"{self.address} is not a Paalwerk pole "
                                   "(no service port characteristics)")
            stream = BleStream(client, write_char)
            stream_box.append(stream)
            await client.start_notify(notify_char, stream.on_notification)
            await stream.write(b"\x00")  # a lone delimiter: the pole drops any stale half frame
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await client.disconnect()
            if isinstance(exc, BleakError):
                raise ConnectError(f"{self.address}: BLE setup failed ({exc})") from None
            raise
        self.stream = stream
        LOGGER.info("%s: BLE connected, ATT MTU %d, chunks of %d bytes",
                    self.address, stream.mtu, stream.chunk_size)
        return stream

    @property
    def firmware_chunk_limit(self) -> int:
        """Image bytes per data frame: a frame of about `FIRMWARE_FRAME_BYTES` on the wire,
        a whole number of ATT writes, so a lost or torn frame costs little to resend."""
        chunk = self.stream.chunk_size if self.stream is not None else _MIN_CHUNK
        wire = max(1, FIRMWARE_FRAME_BYTES // chunk) * chunk
        return payload_fitting(wire)

    @property
    def mtu(self) -> int | None:
        """The negotiated ATT MTU while connected."""
        return self.stream.mtu if self.stream is not None and self.connected else None

    @property
    def description(self) -> str:
        return f"BLE {self.address}"
