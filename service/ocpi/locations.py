"""Our poles as OCPI Locations (mod_locations): one Location per pole, one EVSE per socket,
one Type 2 socket connector per EVSE (eis 16), its power from the pole's limits.

A pole's address and coordinates come through `pole_place` from its stored location (set
in the operator API, the GUI or a CSV import, issue 19); a pole whose place is not known is
sent with ``publish: false``, so no driver's app shows it at a made-up spot.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.ocpi.identity import OcpiIdentity
from service.ocpi.models import (
    ConnectorFormat,
    ConnectorType,
    Evse,
    GeoLocation,
    Location,
    OcpiConnector,
    PowerType,
    Status,
)
from service.storage.pole_locations import LocationRepository, PoleLocation
from service.storage.repository import AsyncRepository

SOCKET_MAX_A = 32
"""Each socket is rated 32 A (eis 16)."""
LINE_TO_NEUTRAL_V = 230
TIME_ZONE = "Europe/Amsterdam"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_STATUS = {"Available": Status.AVAILABLE, "Preparing": Status.CHARGING,
           "Charging": Status.CHARGING, "SuspendedEV": Status.CHARGING,
           "SuspendedEVSE": Status.CHARGING, "Finishing": Status.CHARGING,
           "Reserved": Status.RESERVED, "Unavailable": Status.INOPERATIVE,
           "Faulted": Status.OUTOFORDER}


@dataclass(frozen=True)
class PolePlace:
    """Where a pole stands, as OCPI needs it."""

    address: str
    city: str
    country: str
    latitude: str
    longitude: str
    postal_code: str | None = None
    name: str | None = None
    known: bool = False


def pole_place(pole: Any, location: PoleLocation | None = None) -> PolePlace:
    """The pole's place from its stored location (``pole_locations``, issue 19: address,
    postcode, city, coordinates); a pole with no coordinates gives an unpublished location
    (OCPI requires coordinates, and a made-up place would send drivers astray)."""

    def text(value: object, limit: int) -> str | None:
        return str(value).strip()[:limit] or None if value is not None else None

    if location is None:
        return PolePlace(address="", city="", country="NLD", latitude="0.000000",
                         longitude="0.000000", name=text(getattr(pole, "name", None), 255))
    latitude, longitude = location.latitude, location.longitude
    known = latitude is not None and longitude is not None
    return PolePlace(
        address=text(location.address, 45) or "",
        city=text(location.city, 45) or "",
        country="NLD",  # the tender's poles stand in the Netherlands (coordinates checked)
        latitude=f"{latitude:.6f}" if latitude is not None else "0.000000",
        longitude=f"{longitude:.6f}" if longitude is not None else "0.000000",
        postal_code=text(location.postcode, 10), name=text(getattr(pole, "name", None), 255),
        known=known)


async def stored_place(repository: AsyncRepository, pole_id: str) -> PoleLocation | None:
    """The pole's stored location, read off the event loop."""
    return await asyncio.to_thread(LocationRepository(repository.sync.engine).get, pole_id)


async def stored_places(repository: AsyncRepository) -> dict[str, PoleLocation]:
    """Every stored location by pole, in one read (the Locations module's pages)."""
    rows = await asyncio.to_thread(LocationRepository(repository.sync.engine).all)
    return {row.pole_id: row for row in rows}


def connection_amps(connection_size: str | None) -> int:
    """Amps per phase of a connection like ``3x35``; the socket's rating if unreadable."""
    match = re.fullmatch(r"\s*(\d)\s*[xX]\s*(\d+)\s*", connection_size or "")
    return int(match.group(2)) if match else SOCKET_MAX_A


def evse_uid(pole_id: str, connector_id: int) -> str:
    return f"{pole_id}-{connector_id}"[:36]


def evse_status(ocpp_status: str | None) -> Status:
    return _STATUS.get(ocpp_status or "", Status.UNKNOWN)


def evse_of(identity: OcpiIdentity, pole_id: str, connector: Any, amps: int,
            tariff_ids: list[str] | None = None) -> Evse:
    """One socket as an EVSE (``connector``: a stored `Connector` row)."""
    number = int(connector.connector_id)
    plain = re.sub(r"[^A-Za-z0-9]", "", pole_id)[:30]
    return Evse(
        uid=evse_uid(pole_id, number),
        evse_id=f"{identity.country_code}*{identity.party_id}*E{plain}*{number}",
        status=evse_status(connector.status), capabilities=["REMOTE_START_STOP_CAPABLE",
                                                            "UNLOCK_CAPABLE"],
        physical_reference=str(number),
        connectors=[OcpiConnector(
            id="1", standard=ConnectorType.IEC_62196_T2, format=ConnectorFormat.SOCKET,
            power_type=PowerType.AC_3_PHASE, max_voltage=LINE_TO_NEUTRAL_V,
            max_amperage=amps, max_electric_power=3 * LINE_TO_NEUTRAL_V * amps,
            tariff_ids=tariff_ids or None, last_updated=connector.since)],
        last_updated=connector.since)


def location_of(identity: OcpiIdentity, pole: Any, connectors: Iterable[Any],
                tariff_ids: list[str] | None = None,
                location: PoleLocation | None = None) -> Location:
    """A pole (its stored row) and its connectors as one Location; connector 0 (the pole
    as a whole) is no socket and is left out."""
    place = pole_place(pole, location)
    amps = min(SOCKET_MAX_A, connection_amps(getattr(pole, "connection_size", None)))
    evses = [evse_of(identity, pole.id, connector, amps, tariff_ids)
             for connector in sorted(connectors, key=lambda item: item.connector_id)
             if connector.connector_id >= 1]
    times: list[datetime] = [evse.last_updated for evse in evses]
    for name in ("registered_at", "location_updated_at"):
        value = getattr(pole, name, None)
        if isinstance(value, datetime):
            times.append(value)
    return Location(
        country_code=identity.country_code, party_id=identity.party_id, id=pole.id[:36],
        publish=place.known, name=place.name or pole.id, address=place.address,
        city=place.city, postal_code=place.postal_code, country=place.country,
        coordinates=GeoLocation(latitude=place.latitude, longitude=place.longitude),
        evses=evses, time_zone=TIME_ZONE, last_updated=max(times) if times else
        EPOCH)
