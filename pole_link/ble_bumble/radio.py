"""The virtual radio: one bumble link, its controllers, and controllers lent to other processes.

bumble's `LocalLink` connects controllers that live in one process (the cross-process
link relay of older bumble versions is gone). So the process that runs the virtual
poles owns the link; a client in another process (the GUI, a test) joins by opening
a host on an extra controller that this process exposes as an HCI transport over
TCP on 127.0.0.1 (bumble's ``tcp-server:``, opened there as ``tcp-client:``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
from typing import Any

from bumble import hci, ll
from bumble.controller import Controller
from bumble.device import Device
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink, Transport
from bumble.transport.tcp_server import open_tcp_server_transport_with_socket

LOGGER = logging.getLogger(__name__)

LE_DATA_LENGTH = 251
"""ACL payload per packet: what controllers with Data Length Extension (BT 4.2+) carry,
instead of bumble's default 27, so a 247-byte ATT PDU is one packet as on a laptop."""

_CLIENT_GONE_POLL_S = 0.25


class VirtualController(Controller):
    """A bumble controller that forgets its links on ``HCI_Reset``, as real ones do.

    When a client process exits and a new one opens a host on the same exposed
    controller, the pole must not stay connected to the host that is gone (it would
    stop advertising and never be found again).
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.le_acl_data_packet_length = LE_DATA_LENGTH
        self.supported_max_tx_octets = LE_DATA_LENGTH
        self.supported_max_rx_octets = LE_DATA_LENGTH

    def drop_le_connections(self) -> None:
        """Terminate every LE link as if the radio had been switched off."""
        for connection in list(self.le_connections.values()):
            with contextlib.suppress(Exception):  # the peer may already be gone
                connection.send_ll_control_pdu(
                    ll.TerminateInd(hci.HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR))
            self.le_connections.pop(connection.peer_address, None)

    def on_hci_reset_command(self, command: hci.HCI_Reset_Command) -> Any:
        self.drop_le_connections()
        return super().on_hci_reset_command(command)

    def on_hci_le_create_connection_cancel_command(
        self, command: hci.HCI_LE_Create_Connection_Cancel_Command
    ) -> Any:
        """End a cancelled connection attempt with the event a real controller sends.

        bumble's host waits for that LE Connection Complete (status Unknown Connection
        Identifier) after a timed-out connect; without it, connecting to a pole that is
        not there would hang instead of failing after the timeout.
        """
        pending, self.pending_le_connection = self.pending_le_connection, None
        if pending is not None:
            event = hci.HCI_LE_Connection_Complete_Event(
                status=hci.HCI_UNKNOWN_CONNECTION_IDENTIFIER_ERROR, connection_handle=0,
                role=hci.Role.CENTRAL, peer_address_type=pending.peer_address.address_type,
                peer_address=pending.peer_address, connection_interval=0,
                peripheral_latency=0, supervision_timeout=0, central_clock_accuracy=0)
            # after the command's own Command Complete, as on a real controller
            loop = asyncio.get_running_loop()
            loop.call_soon(self.send_hci_packet, event)
        return super().on_hci_le_create_connection_cancel_command(command)

    def send_advertising_pdu(self, packet: ll.AdvertisingPdu) -> None:
        """Carry the scan response along with the advertisement.

        bumble's virtual scanner answers an active scan with the advertising data
        itself as the "scan response"; a pole's name lives in its real scan
        response, so it rides along here. The scanner's host merges both reports,
        so the receiving side sees data + scan response (and de-duplicates UUIDs).
        """
        scan_response = self._scan_response_for(packet)
        if scan_response and isinstance(packet, ll.AdvInd | ll.AdvExtInd):
            packet = dataclasses.replace(packet, data=bytes(packet.data) + scan_response)
        super().send_advertising_pdu(packet)

    def _scan_response_for(self, packet: ll.AdvertisingPdu) -> bytes:
        address = getattr(packet, "advertiser_address", None)
        for adv_set in self.advertising_sets.values():
            if adv_set.enabled and adv_set.address == address:
                return bytes(adv_set.scan_response_data)
        legacy = self.le_legacy_advertiser
        return bytes(legacy.scan_response_data) if legacy.enabled else b""


class VirtualRadio:
    """Owns the link; makes in-process hosts and TCP-exposed controllers on it."""

    def __init__(self) -> None:
        self.link = LocalLink()  # type: ignore[no-untyped-call]
        self._exposed: list[tuple[Transport, VirtualController, asyncio.Task[None]]] = []
        self._controllers = 0

    def _name(self) -> str:
        self._controllers += 1
        return f"C{self._controllers}"

    def local_device(self, name: str, address: str) -> Device:
        """A bumble device in this process on its own controller (each needs its own address)."""
        controller = VirtualController(self._name(), link=self.link)
        host = Host(controller, AsyncPipeSink(controller))
        return Device(name=name, address=hci.Address(address), host=host)

    async def expose(self, host: str = "127.0.0.1") -> str:
        """A new controller served over TCP on a free port; returns its ``tcp-client:`` spec."""
        # proto=IPPROTO_TCP matters: asyncio only switches Nagle off (TCP_NODELAY) on
        # sockets that say they are TCP, and with Nagle every small HCI event waits
        # for the peer's delayed ACK (~40 ms per ATT round trip).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        port = sock.getsockname()[1]
        transport = await open_tcp_server_transport_with_socket(sock)
        controller = VirtualController(self._name(), host_source=transport.source,
                                       host_sink=transport.sink, link=self.link)
        watch = asyncio.create_task(self._watch_client(transport, controller),
                                    name=f"radio client watch {port}")
        self._exposed.append((transport, controller, watch))
        return f"tcp-client:{host}:{port}"

    async def _watch_client(self, transport: Transport, controller: VirtualController) -> None:
        """A client process that exits leaves its links up: drop them so the poles advertise.

        bumble's TCP server transport has no hook for a lost client, so look.
        """
        had_client = False
        while True:
            await asyncio.sleep(_CLIENT_GONE_POLL_S)
            has_client = getattr(transport.sink, "transport", None) is not None
            if had_client and not has_client:
                LOGGER.info("BLE client process went away; dropping its links")
                controller.drop_le_connections()
            had_client = has_client

    async def close(self) -> None:
        for transport, _, watch in self._exposed:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            server = getattr(transport, "server", None)
            tcp = getattr(transport.sink, "transport", None)
            if tcp is not None:
                tcp.close()
            await transport.close()
            if server is not None:
                server.close()
                await server.wait_closed()
        self._exposed.clear()
