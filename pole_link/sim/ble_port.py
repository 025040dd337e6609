"""A virtual pole's BLE service port: PROTOCOL.md's GATT service on a bumble device.

The pole is a peripheral on the virtual radio (`pole_link.ble_bumble.radio`): it
advertises the service UUID (with the flags, that fills most of the 31 bytes) and
puts its pole id as the complete local name in the scan response. To the pole's
`ServicePortEnd` the port is a `ByteStream` like the pseudo-terminal: what the
client writes to 6c2a0002 comes out of ``read()``, and ``write()`` goes out as
notifications on 6c2a0003, chunked to min(ATT_MTU − 3, 512). Like a real port it
outlives its clients: a new central may connect after the last one left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bumble import data_types, gatt, hci
from bumble.core import UUID, AdvertisingData
from bumble.device import AdvertisingType, Connection, Device

from pole_link.ble_bumble.radio import VirtualRadio
from pole_link.errors import LinkLost
from pole_link.transports.ble import MAX_CHUNK, NOTIFY_CHAR_UUID, SERVICE_UUID, WRITE_CHAR_UUID

LOGGER = logging.getLogger(__name__)

ADVERTISING_INTERVAL_MS = 100.0
DRAIN_TIMEOUT_S = 2.0
"""How long a restarting pole waits for its last notifications to leave."""
"""Often enough that a 3 s scan always sees every pole."""
_FLAGS = (AdvertisingData.Flags.LE_GENERAL_DISCOVERABLE_MODE
          | AdvertisingData.Flags.BR_EDR_NOT_SUPPORTED)


def pole_address(index: int) -> str:
    """A random static address per pole (top bits 11), unique on the virtual link."""
    return f"C0:DE:00:00:{(index >> 8) & 0xFF:02X}:{index & 0xFF:02X}"


class BlePolePort:
    """One pole's GATT server as a `ByteStream`; one central at a time, as on a real pole."""

    def __init__(self, device: Device, pole_id: str) -> None:
        self.device = device
        self.pole_id = pole_id
        self.on_disconnect: list[Callable[[], None]] = []
        """Called when a central leaves (the pole ends the technician's session)."""
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._write_lock = asyncio.Lock()
        self._connection: Connection | None = None
        self._closed = False
        self.notify_char: gatt.Characteristic[bytes] = gatt.Characteristic(
            NOTIFY_CHAR_UUID, gatt.Characteristic.Properties.NOTIFY,
            gatt.Characteristic.Permissions.READABLE, b"")
        self.write_char: gatt.Characteristic[bytes] = gatt.Characteristic(
            WRITE_CHAR_UUID, gatt.Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
            gatt.Characteristic.Permissions.WRITEABLE,
            gatt.CharacteristicValue[bytes](write=self._on_write))
        device.add_service(gatt.Service(SERVICE_UUID, [self.write_char, self.notify_char]))
        device.on(Device.EVENT_CONNECTION, self._on_connection)

    @classmethod
    async def start(cls, radio: VirtualRadio, pole_id: str, address: str) -> BlePolePort:
        """Power the pole's radio on and start advertising."""
        port = cls(radio.local_device(pole_id, address), pole_id)
        await port.device.power_on()
        await port._advertise()
        return port

    @property
    def address(self) -> str:
        return str(self.device.random_address.to_string(with_type_qualifier=False))

    async def _advertise(self) -> None:
        advertising = AdvertisingData([
            data_types.Flags(_FLAGS),
            data_types.CompleteListOf128BitServiceUUIDs([UUID(SERVICE_UUID)]),
        ])
        scan_response = AdvertisingData([data_types.CompleteLocalName(self.pole_id)])
        await self.device.start_advertising(
            advertising_type=AdvertisingType.UNDIRECTED_CONNECTABLE_SCANNABLE,
            own_address_type=hci.OwnAddressType.RANDOM,
            auto_restart=True,  # advertise again as soon as the technician leaves
            advertising_data=bytes(advertising), scan_response_data=bytes(scan_response),
            advertising_interval_min=ADVERTISING_INTERVAL_MS,
            advertising_interval_max=ADVERTISING_INTERVAL_MS)

    # ---------------------------------------------------------------- connection
    def _on_connection(self, connection: Connection) -> None:
        LOGGER.info("%s: BLE central %s connected", self.pole_id, connection.peer_address)
        self._connection = connection
        connection.on(Connection.EVENT_DISCONNECTION,
                      lambda reason: self._on_disconnection(connection, reason))

    def _on_disconnection(self, connection: Connection, reason: int) -> None:
        if self._connection is connection:
            self._connection = None
        LOGGER.info("%s: BLE central left (reason 0x%02X)", self.pole_id, reason)
        # A lone delimiter: whatever half frame the central left behind is forgotten,
        # so the next central's first frame decodes.
        self._chunks.put_nowait(b"\x00")
        for callback in list(self.on_disconnect):
            callback()

    async def disconnect(self) -> None:
        """Drop the current central (as a pole does when it reboots or walks out of range)."""
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.disconnect()

    async def drop_central(self) -> None:
        """The pole restarts: let what it already sent reach the central, then drop it."""
        connection = self._connection
        if connection is None:
            return
        queue = self.device.host.le_acl_packet_queue or self.device.host.acl_packet_queue
        if queue is not None:
            with contextlib.suppress(TimeoutError, ValueError):
                async with asyncio.timeout(DRAIN_TIMEOUT_S):
                    while (queue.pending and self._connection is connection
                           and connection.handle in self.device.connections):
                        await queue.drain(connection.handle)
        if self._connection is connection:
            await self.disconnect()

    @property
    def connected(self) -> bool:
        return self._connection is not None

    # ---------------------------------------------------------------- ByteStream
    def _on_write(self, connection: Connection, value: bytes) -> None:
        # Called inside bumble's packet handling: just queue, in arrival order.
        self._chunks.put_nowait(bytes(value))

    async def read(self) -> bytes:
        if self._closed:
            raise LinkLost(f"{self.pole_id}: BLE port closed")
        return await self._chunks.get()

    async def write(self, data: bytes) -> None:
        if self._closed:
            raise LinkLost(f"{self.pole_id}: BLE port closed")
        async with self._write_lock:  # one frame's chunks are never interleaved
            connection = self._connection
            if connection is None:
                return  # nobody listens: like a radio, the pole sends into the void
            size = min(connection.att_mtu - 3, MAX_CHUNK)
            for start in range(0, len(data), size):
                if self._connection is not connection:
                    return
                await self.device.notify_subscriber(connection, self.notify_char,
                                                    data[start:start + size])
                await _wait_for_room(self.device, connection)

    def discard_output(self) -> None:
        """The pole lost power: nothing queued survives (notifications already sent do)."""

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            await self.device.stop_advertising()
        await self.disconnect()
        with contextlib.suppress(Exception):
            await self.device.power_off()


async def _wait_for_room(device: Device, connection: Connection) -> None:
    """Do not queue more notifications than the controller has buffers for."""
    queue = device.host.le_acl_packet_queue or device.host.acl_packet_queue
    if queue is None:
        return
    while queue.pending > queue.max_in_flight and connection.handle in device.connections:
        await queue.drain(connection.handle)

