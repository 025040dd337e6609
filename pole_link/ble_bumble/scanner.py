"""bleak's scanner interface on a bumble host: ``BleakScanner(backend=BumbleScanner)``.

bumble already merges a scannable advertisement with its scan response into one
`Advertisement` (so the pole's service UUID and its name arrive together); this
only translates it into bleak's `AdvertisementData`.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bumble.core import UUID, AdvertisingData
from bumble.device import Advertisement, Device

from pole_link.ble_bumble.host import BumbleHost, shared_host

_UUID_LISTS = (
    AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
)
_SERVICE_DATA = (
    AdvertisingData.SERVICE_DATA_16_BIT_UUID,
    AdvertisingData.SERVICE_DATA_32_BIT_UUID,
    AdvertisingData.SERVICE_DATA_128_BIT_UUID,
)


def bleak_uuid(value: UUID) -> str:
    """bleak's spelling of a bumble UUID (bumble keeps the bytes little-endian)."""
    return str(uuid.UUID(bytes=bytes(reversed(value.to_bytes(force_128=True)))))


def bleak_address(address: Any) -> str:
    return str(address.to_string(with_type_qualifier=False))


def advertisement_data(advertisement: Advertisement) -> AdvertisementData:
    """bumble's merged advertisement + scan response as bleak's `AdvertisementData`."""
    data = advertisement.data
    get_all: Any = data.get_all  # its overloads want literal types; these are read at runtime
    service_uuids: list[str] = []
    for kind in _UUID_LISTS:
        for entry in get_all(kind):
            for value in entry if isinstance(entry, list) else [entry]:
                text = bleak_uuid(value)
                if text not in service_uuids:  # data and scan response may repeat one
                    service_uuids.append(text)
    names = get_all(AdvertisingData.COMPLETE_LOCAL_NAME) or \
        get_all(AdvertisingData.SHORTENED_LOCAL_NAME)
    manufacturer = {int(company): bytes(payload) for company, payload in
                    get_all(AdvertisingData.MANUFACTURER_SPECIFIC_DATA)}
    service_data = {bleak_uuid(key): bytes(payload) for kind in _SERVICE_DATA
                    for key, payload in get_all(kind)}
    tx_power = get_all(AdvertisingData.TX_POWER_LEVEL)
    return AdvertisementData(
        local_name=str(names[0]) if names else None,
        manufacturer_data=manufacturer,
        service_data=service_data,
        service_uuids=service_uuids,
        tx_power=int(tx_power[0]) if tx_power else None,
        rssi=int(advertisement.rssi),
        platform_data=(advertisement,),
    )


class BumbleScanner(BaseBleakScanner):
    """Active scanning on the loop's shared bumble host (``PAALWERK_BLE_TRANSPORT``)."""

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: Literal["active", "passive"] = "active",
        *,
        bumble: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._active = scanning_mode == "active"
        self._spec: str | None = (bumble or {}).get("transport")
        self._host: BumbleHost | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        host = await shared_host(self._spec)
        self._host = host
        host.device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await host.device.start_scanning(active=self._active, filter_duplicates=False)

    async def stop(self) -> None:
        host, self._host = self._host, None
        if host is None:
            return
        host.device.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        if not host.lost:
            await host.device.stop_scanning()

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        adv = advertisement_data(advertisement)
        if not self.is_allowed_uuid(adv.service_uuids):
            return
        address = bleak_address(advertisement.address)
        device = self.create_or_update_device(address, address, adv.local_name,
                                              advertisement.address, adv)
        self.call_detection_callbacks(device, adv)
