"""A bumble host (our side of the virtual radio) opened on an HCI transport string.

One host per event loop and transport: an exposed controller serves one host at a
time, and bumble's objects belong to the loop that made them. The scanner and every
client in that loop share it, like applications share the laptop's one adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import weakref

from bumble import hci
from bumble.device import Device
from bumble.transport import open_transport
from bumble.transport.common import Transport

from pole_link.ble_bumble import TRANSPORT_ENV

LOGGER = logging.getLogger(__name__)

OPEN_TIMEOUT_S = 10.0


class BumbleHost:
    """A powered-on bumble `Device` on an HCI transport, and whether that transport lives."""

    def __init__(self, spec: str, transport: Transport, device: Device) -> None:
        self.spec = spec
        self.transport = transport
        self.device = device
        self.connect_lock = asyncio.Lock()
        """bumble allows one pending LE connection at a time."""
        self.closed = False

    @property
    def lost(self) -> bool:
        """The transport ended (the process that owns the virtual radio went away)."""
        terminated = getattr(self.transport.source, "terminated", None)
        return self.closed or (terminated is not None and terminated.done())

    async def wait_lost(self) -> None:
        terminated: asyncio.Future[None] | None = getattr(self.transport.source, "terminated",
                                                          None)
        if terminated is None:
            await asyncio.Event().wait()  # cannot tell: wait forever (cancelled by the caller)
            return
        with contextlib.suppress(Exception):
            await asyncio.shield(terminated)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            await self.device.power_off()
        with contextlib.suppress(Exception):
            await self.transport.close()


async def open_host(spec: str, name: str = "paalwerk") -> BumbleHost:
    """Open ``spec`` (e.g. ``tcp-client:127.0.0.1:9922``) and power a host on it."""
    async with asyncio.timeout(OPEN_TIMEOUT_S):
        transport = await open_transport(spec)
        try:
            # A random static address: unique on the link without coordination.
            device = Device.with_hci(name, hci.Address.generate_static_address(),
                                     transport.source, transport.sink)
            await device.power_on()
        except BaseException:
            await transport.close()
            raise
    return BumbleHost(spec, transport, device)


_HOSTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, BumbleHost]] = \
    weakref.WeakKeyDictionary()
_OPENING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = \
    weakref.WeakKeyDictionary()


def transport_spec(spec: str | None = None) -> str:
    """The HCI transport to use: ``spec`` or ``$PAALWERK_BLE_TRANSPORT``."""
    chosen = spec or os.environ.get(TRANSPORT_ENV)
    if not chosen:
        raise ValueError(f"no bumble HCI transport: set {TRANSPORT_ENV}")
    return chosen


async def shared_host(spec: str | None = None) -> BumbleHost:
    """This loop's host on ``spec`` (opened on first use, reopened once its transport died)."""
    chosen = transport_spec(spec)
    loop = asyncio.get_running_loop()
    lock = _OPENING.setdefault(loop, asyncio.Lock())
    async with lock:
        hosts = _HOSTS.setdefault(loop, {})
        host = hosts.get(chosen)
        if host is not None and not host.lost:
            return host
        if host is not None:
            await host.close()
        host = await open_host(chosen)
        hosts[chosen] = host
        return host


async def close_shared_hosts() -> None:
    """Close this loop's hosts (tests do this at the end; an app may simply exit)."""
    hosts = _HOSTS.pop(asyncio.get_running_loop(), {})
    for host in hosts.values():
        await host.close()
