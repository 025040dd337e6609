"""A bleak backend on bumble, and the virtual radio it talks over: test and demo infrastructure.

Nothing here is product logic. It exists because the machines that run the tests
and the demo have no Bluetooth adapter: bumble (a complete BLE host in Python)
with its virtual controllers stands in for the radio, and a small bleak backend on
top of it lets `pole_link.transports.ble` run unchanged through bleak's public API.
On a real laptop none of this is imported; bleak uses the platform's Bluetooth.

- `radio`: one process owns the virtual link and its controllers, and exposes
  controllers for other processes as HCI transports over TCP on 127.0.0.1.
- `host`: opens a bumble host on an HCI transport string (one per event loop).
- `scanner`, `client`: the bleak backend (``BleakScanner(backend=…)``,
  ``BleakClient(backend=…)``).

``PAALWERK_BLE_TRANSPORT`` (e.g. ``tcp-client:127.0.0.1:9922``) selects it.
"""

from __future__ import annotations

TRANSPORT_ENV = "PAALWERK_BLE_TRANSPORT"
"""The HCI transport of a virtual radio; when set, the BLE transport uses this backend."""

__all__ = ["TRANSPORT_ENV"]
