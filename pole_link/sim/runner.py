"""Runs a fleet of virtual poles in one process until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from pole_link.protocol.connection import FramedConnection
from pole_link.sim.certificate_store import keep_certificates_in
from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox, default_state_dir
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.security import keep_in
from pole_link.sim.service_access import keep_access_in
from pole_link.sim.service_port import ServicePortEnd
from pole_link.sim.vehicles import EvType

if TYPE_CHECKING:
    from pole_link.ble_bumble.radio import VirtualRadio
    from pole_link.sim.ble_port import BlePolePort

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetOptions:
    poles: int = 1
    id_prefix: str = "PW-"
    serial: bool = False
    ble: bool = False
    """Serve each pole over BLE on a virtual radio (bumble) that this process owns."""
    csms: str | None = None
    """Base URL: each pole connects to ``<csms>/<pole-id>``."""
    speed: float = 1.0
    start: datetime | None = None
    plugs: Sequence[tuple[int, EvType]] = field(default_factory=tuple)
    trusted_roots: Sequence[str] = field(default_factory=tuple)
    """PEM manufacturer roots every pole trusts for firmware (``--trust``)."""
    security_extension: bool = True
    """False (``--legacy-ocpp``): poles without the OCPP 1.6 security extension."""
    security_profile: int = 0
    """OCPP security profile the poles start at (``--security-profile``)."""
    password: str | None = field(default=None, repr=False)
    """Every pole's AuthorizationKey (``--password``)."""
    ca_pem: str | None = None
    """The CSMS's CA the poles trust for ``wss://`` (``--ca``)."""
    service_token_keys: str | None = None
    """``ServiceTokenKeys`` every pole starts with (``--service-token-keys``, eis 69)."""


def pole_ids(count: int, prefix: str) -> list[str]:
    """``PW-0001``, ``PW-0002``, … (ARCHITECTURE.md)."""
    return [f"{prefix}{number:04d}" for number in range(1, count + 1)]


class Fleet:
    """Virtual poles with their ports, started and stopped together."""

    def __init__(self, options: FleetOptions) -> None:
        self.options = options
        self.poles: list[VirtualPole] = []
        self.ports: dict[str, PtyPort] = {}
        self.ble_ports: dict[str, BlePolePort] = {}
        self.radio: VirtualRadio | None = None
        self.ble_transport: str | None = None
        """The HCI transport a client process opens to join the virtual radio."""
        self.clients: dict[str, PoleOcppClient] = {}
        self._outboxes: list[Outbox] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, out: TextIO = sys.stdout) -> None:
        options = self.options
        ble_lines: list[str] = []
        for index, pole_id in enumerate(pole_ids(options.poles, options.id_prefix), start=1):
            pole = VirtualPole(pole_id, clock=SimClock(options.start, options.speed),
                               security_extension=options.security_extension)
            self.poles.append(pole)
            for root in options.trusted_roots:
                pole.firmware.install_root(root)
            pole.security.profile = options.security_profile
            pole.security.authorization_key = options.password
            pole.security.ca_pem = options.ca_pem
            if options.service_token_keys is not None:
                pole.service_access.change(options.service_token_keys)
            self._tasks.append(asyncio.create_task(pole.scheduler.run(), name=f"{pole_id} clock"))
            if options.serial:
                port = PtyPort()
                self.ports[pole_id] = port
                end = ServicePortEnd(pole, FramedConnection(port))
                self._tasks.append(asyncio.create_task(end.serve(), name=f"{pole_id} serial"))
                print(f"{pole_id} serial {port.path}", file=out, flush=True)
            if options.ble:
                ble_lines.append(await self._serve_ble(pole, index))
            if options.csms:
                keep_in(pole.security, default_state_dir(pole_id))  # key survives restarts
                keep_certificates_in(pole.certificates, default_state_dir(pole_id))
                keep_access_in(pole.service_access, default_state_dir(pole_id))
                outbox = Outbox(default_state_dir(pole_id) / "outbox.sqlite")
                self._outboxes.append(outbox)
                client = PoleOcppClient(pole, options.csms, outbox,
                                        adopt_csms_time=options.start is None)
                self.clients[pole_id] = client
                self._tasks.append(asyncio.create_task(client.run(), name=f"{pole_id} ocpp"))
            for connector_id, ev_type in options.plugs:
                pole.plug(connector_id, ev_type)
        # ARCHITECTURE.md: the serial lines first, then one BLE line per pole.
        for line in ble_lines:
            print(f"{line} {self.ble_transport}", file=out, flush=True)

    async def _serve_ble(self, pole: VirtualPole, index: int) -> str:
        """The pole's GATT server on the virtual radio; returns ``<pole-id> ble <address>``."""
        from pole_link.ble_bumble.radio import VirtualRadio
        from pole_link.sim.ble_port import BlePolePort, pole_address

        if self.radio is None:
            self.radio = VirtualRadio()
            # One controller for the client side (the GUI or a test in another process).
            self.ble_transport = await self.radio.expose()
        port = await BlePolePort.start(self.radio, pole.pole_id, pole_address(index))
        self.ble_ports[pole.pole_id] = port
        end = ServicePortEnd(pole, FramedConnection(port))
        port.on_disconnect.append(lambda: end.end_session("BLE central left"))
        self._tasks.append(asyncio.create_task(end.serve(), name=f"{pole.pole_id} ble"))
        return f"{pole.pole_id} ble {port.address}"

    async def stop(self) -> None:
        for pole in self.poles:
            pole.shut_down()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for port in self.ports.values():
            await port.close()
        for ble_port in self.ble_ports.values():
            await ble_port.close()
        if self.radio is not None:
            await self.radio.close()
        for outbox in self._outboxes:
            outbox.close()


async def run_until_stopped(options: FleetOptions, out: TextIO = sys.stdout) -> None:
    """Start the fleet, then wait for Ctrl-C or SIGTERM and stop it cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C still interrupts
            loop.add_signal_handler(sig, stop.set)
    fleet = Fleet(options)
    try:
        await fleet.start(out)
        await stop.wait()
    finally:
        await fleet.stop()
