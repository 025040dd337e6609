"""bleak's client interface on a bumble host: ``BleakClient(address, backend=BumbleClient)``.

What bleak 3.x expects of a backend and bumble does not do by itself:
- ``connect()`` fills ``self.services`` (bleak 3 has no ``get_services``);
- bumble never exchanges the ATT MTU on its own, so ``connect()`` requests it once
  (``bumble={"mtu": …}``, default 247 as PROTOCOL.md asks; 23 means no exchange);
- a write without response waits while the host's ACL queue is full, as
  CoreBluetooth's ``canSendWriteWithoutResponse`` does, so a fast writer cannot
  pile up unbounded packets;
- the link ending (peer disconnect, or the radio process going away) calls bleak's
  disconnected callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from bleak.args import SizedBuffer
from bleak.assigned_numbers import CharacteristicPropertyName
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bumble import hci
from bumble.device import Connection, Peer
from bumble.gatt_client import CharacteristicProxy

from pole_link.ble_bumble.host import BumbleHost, shared_host
from pole_link.ble_bumble.scanner import bleak_uuid

LOGGER = logging.getLogger(__name__)

DEFAULT_MTU = 247
ATT_DEFAULT_MTU = 23

_PROPERTY_NAMES: tuple[tuple[int, CharacteristicPropertyName], ...] = (
    (0x01, "broadcast"), (0x02, "read"), (0x04, "write-without-response"), (0x08, "write"),
    (0x10, "notify"), (0x20, "indicate"), (0x40, "authenticated-signed-writes"),
    (0x80, "extended-properties"),
)


class BumbleClient(BaseBleakClient):
    """One GATT client connection over the loop's shared bumble host."""

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None = None,
        timeout: float = 10.0,
        bumble: dict[str, Any] | None = None,
        **kwargs: Any,  # bleak passes services=, bluez=, winrt=: meaningless here
    ) -> None:
        super().__init__(address_or_ble_device, disconnected_callback=disconnected_callback,
                         timeout=timeout)
        options = bumble or {}
        self._spec: str | None = options.get("transport")
        self._want_mtu = int(options.get("mtu", DEFAULT_MTU))
        self._device_name = address_or_ble_device.name \
            if isinstance(address_or_ble_device, BLEDevice) else None
        self._host: BumbleHost | None = None
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._watch: asyncio.Task[None] | None = None
        self._closing = False

    # ------------------------------------------------------------------ connection
    @property
    def name(self) -> str:
        return self._device_name or self.address

    @property
    def mtu_size(self) -> int:
        return int(self._connection.att_mtu) if self._connection else ATT_DEFAULT_MTU

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        host = await shared_host(self._spec)
        self._host = host
        self._closing = False
        async with host.connect_lock:
            try:
                connection = await host.device.connect(
                    hci.Address(self.address), timeout=self._timeout)
            except Exception as exc:
                raise BleakError(f"could not connect to {self.address}: {exc}") from exc
        self._connection = connection
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        self._watch = asyncio.create_task(self._watch_host(host), name=f"bumble {self.address}")
        try:
            peer = Peer(connection)
            if self._want_mtu > ATT_DEFAULT_MTU:
                await peer.request_mtu(self._want_mtu)  # one exchange per connection
            self.services = await self._discover(peer)
            self._peer = peer
        except BaseException:
            await self.disconnect()
            raise

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service in await peer.discover_services():
            bleak_service = BleakGATTService(service, service.handle, bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for char in await peer.discover_characteristics(service=service):
                names = [name for bit, name in _PROPERTY_NAMES if int(char.properties) & bit]
                bleak_char = BleakGATTCharacteristic(
                    char, char.handle, bleak_uuid(char.uuid), names,
                    lambda: self.mtu_size - 3, bleak_service)
                collection.add_characteristic(bleak_char)
                for desc in await peer.discover_descriptors(characteristic=char):
                    collection.add_descriptor(
                        BleakGATTDescriptor(desc, desc.handle, bleak_uuid(desc.type), bleak_char))
        return collection

    async def _watch_host(self, host: BumbleHost) -> None:
        """The process that owns the radio went away: that is a disconnection too."""
        await host.wait_lost()
        if self._connection is not None:
            self._lost()

    def _on_disconnection(self, reason: int) -> None:
        self._lost()

    def _lost(self) -> None:
        self._connection = None
        self._peer = None
        watch, self._watch = self._watch, None
        if watch is not None and watch is not asyncio.current_task():
            watch.cancel()
        if not self._closing and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        self._closing = True
        connection, watch = self._connection, self._watch
        self._connection, self._peer, self._watch = None, None, None
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        if connection is not None and self._host is not None and not self._host.lost:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._timeout):
                    await connection.disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("pairing is not used on the virtual radio")

    async def unpair(self) -> None:
        raise NotImplementedError("pairing is not used on the virtual radio")

    # ------------------------------------------------------------------ I/O
    def _require(self) -> tuple[Peer, Connection]:
        if self._peer is None or self._connection is None:
            raise BleakError(f"{self.address}: not connected")
        return self._peer, self._connection

    async def read_gatt_char(self, characteristic: BleakGATTCharacteristic, *,
                             use_cached: bool = False, **kwargs: Any) -> bytearray:
        peer, _ = self._require()
        return bytearray(await peer.read_value(characteristic.handle))

    async def read_gatt_descriptor(self, descriptor: BleakGATTDescriptor, *,
                                   use_cached: bool = False, **kwargs: Any) -> bytearray:
        peer, _ = self._require()
        return bytearray(await peer.read_value(descriptor.handle))

    async def write_gatt_char(self, characteristic: BleakGATTCharacteristic, data: SizedBuffer,
                              response: bool) -> None:
        peer, connection = self._require()
        await peer.write_value(characteristic.handle, bytes(data), with_response=response)
        if not response:
            await self._wait_for_room(connection)

    async def _wait_for_room(self, connection: Connection) -> None:
        """Hold a write-without-response while the controller's buffers are full."""
        host = connection.device.host
        queue = host.le_acl_packet_queue or host.acl_packet_queue
        if queue is None:
            return
        while queue.pending > queue.max_in_flight and self._connection is connection:
            await queue.drain(connection.handle)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor,
                                    data: SizedBuffer) -> None:
        peer, _ = self._require()
        await peer.write_value(descriptor.handle, bytes(data), with_response=True)

    async def start_notify(self, characteristic: BleakGATTCharacteristic,
                           callback: NotifyCallback, **kwargs: Any) -> None:
        peer, _ = self._require()
        proxy: CharacteristicProxy[bytes] = characteristic.obj
        await peer.subscribe(proxy, lambda value: callback(bytearray(value)))

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        peer, _ = self._require()
        await peer.unsubscribe(characteristic.obj)
