"""Transports behind the one `PoleLink` interface.

Each transport's module is imported only when it is used, so importing
`pole_link` never drags in a BLE stack or pyserial a caller does not need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from pole_link.transports.base import PoleAddress, PoleLink, PoleMessage

_TRANSPORTS = {
    "serial": ("pole_link.transports.serial", "SerialLink"),
    "ble": ("pole_link.transports.ble", "BleLink"),
    "csms": ("pole_link.transports.csms", "CsmsLink"),
    "replay": ("pole_link.transports.replay", "ReplayLink"),
}


def transport_class(name: str) -> type[PoleLink]:
    """The `PoleLink` class of a transport name (``serial``, ``ble``, ``csms``)."""
    try:
        module_name, class_name = _TRANSPORTS[name]
    except KeyError:
        known = ", ".join(sorted(_TRANSPORTS))
        raise ValueError(f"unknown transport {name!r} (known: {known})") from None
    cls: type[PoleLink] = getattr(importlib.import_module(module_name), class_name)
    return cls


def open_link(address: PoleAddress, **options: Any) -> PoleLink:
    """A not-yet-connected link to the pole at ``address``."""
    factory: Callable[..., PoleLink] = transport_class(address.transport)
    return factory(address.target, **options)


async def discover(*transports: str) -> list[PoleAddress]:
    """What every named transport (default: all) can reach right now."""
    found: list[PoleAddress] = []
    for name in transports or tuple(_TRANSPORTS):
        found.extend(await transport_class(name).discover())
    return found


__all__ = ["PoleAddress", "PoleLink", "PoleMessage", "discover", "open_link", "transport_class"]
