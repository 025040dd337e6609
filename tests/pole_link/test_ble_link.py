"""A technician's laptop talking to a pole over BLE: bleak's public API on a bumble radio.

The pole serves PROTOCOL.md's GATT service on bumble; the client is
`BleLink` → ``BleakClient``/``BleakScanner`` with the bumble backend. Nothing is
mocked: advertising, scan responses, the MTU exchange, GATT writes and
notifications all cross bumble's virtual link and an HCI transport over TCP.
"""

from __future__ import annotations

import asyncio

import pytest
from bleak import BleakClient, BleakScanner
from ocpp.v16.enums import ConfigurationStatus

from pole_link.ble_bumble.client import BumbleClient
from pole_link.ble_bumble.scanner import BumbleScanner
from pole_link.errors import ConnectError, LinkLost, NotAuthorised
from pole_link.live import LiveSample
from pole_link.session import PoleSession
from pole_link.transports import discover, open_link
from pole_link.transports.ble import (
    NOTIFY_CHAR_UUID,
    SERVICE_UUID,
    TRANSPORT_ENV,
    WRITE_CHAR_UUID,
    BleLink,
    BleOptions,
)
from tests.ble_support import BleRadio, ble, ble_radio, ble_session

__all__ = ["ble", "ble_session"]  # fixtures used by name below


async def next_sample(session: PoleSession, interval_ms: int = 50) -> LiveSample:
    async with session.live(interval_ms) as samples:
        async with asyncio.timeout(5):
            return await anext(samples)


async def test_scan_lists_poles_by_pole_id_with_rssi() -> None:
    async with ble_radio(2) as radio:
        found = await BleLink.discover(radio.options(scan_timeout=1.0))
        assert sorted(p.pole_id or "" for p in found) == ["PW-0001", "PW-0002"]
        first = next(p for p in found if p.pole_id == "PW-0001")
        assert first.transport == "ble"
        assert first.target == radio.poles[0].address
        assert first.label == f"PW-0001 (RSSI {first.details['rssi']} dBm)"
        assert isinstance(first.details["rssi"], int) and first.details["rssi"] < 0


async def test_bleak_scanner_sees_service_uuid_in_data_and_name_in_scan_response(
    ble: BleRadio,
) -> None:
    async with BleakScanner(service_uuids=[SERVICE_UUID], backend=BumbleScanner,
                            bumble={"transport": ble.transport}) as scanner:
        device = None
        async with asyncio.timeout(5):
            while device is None:
                await asyncio.sleep(0.1)
                seen = scanner.discovered_devices_and_advertisement_data
                device = seen.get(ble.poles[0].address)
    _, adv = device
    assert adv.local_name == "PW-0001"
    assert adv.service_uuids.count(SERVICE_UUID) == 1  # data + scan response, de-duplicated


async def test_discover_of_all_transports_includes_ble_poles(
    ble: BleRadio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TRANSPORT_ENV, ble.transport)
    found = await discover("ble")
    assert [p.pole_id for p in found] == ["PW-0001"]
    link = open_link(found[0])
    assert isinstance(link, BleLink)
    async with PoleSession(link) as session:
        assert session.identity is not None and session.identity.pole_id == "PW-0001"


async def test_discover_without_adapter_or_virtual_radio_returns_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No Bluetooth here and no PAALWERK_BLE_TRANSPORT: bleak's platform backend fails."""
    monkeypatch.delenv(TRANSPORT_ENV, raising=False)
    assert await BleLink.discover(BleOptions(scan_timeout=0.5)) == []


async def test_gatt_service_has_the_protocol_characteristics(ble: BleRadio) -> None:
    async with BleakClient(ble.poles[0].address, backend=BumbleClient,
                           bumble={"transport": ble.transport}) as client:
        assert client.mtu_size == 247
        service = client.services.get_service(SERVICE_UUID)
        assert service is not None
        write = service.get_characteristic(WRITE_CHAR_UUID)
        notify = service.get_characteristic(NOTIFY_CHAR_UUID)
        assert write is not None and write.properties == ["write-without-response"]
        assert notify is not None and "notify" in notify.properties
        assert write.max_write_without_response_size == 244


async def test_hello_over_ble(ble_session: PoleSession) -> None:
    identity = await ble_session.hello()
    assert identity.pole_id == "PW-0001"
    assert identity.protocol_version == 1 and identity.sockets == 2


async def test_configuration_read_and_write_over_ble(ble_session: PoleSession) -> None:
    configuration = await ble_session.get_configuration()
    assert configuration["PoleId"] == "PW-0001"
    await ble_session.authenticate("demo")
    assert await ble_session.change_configuration("MeterValueSampleInterval", "300") == \
        ConfigurationStatus.accepted
    assert (await ble_session.get_configuration(["MeterValueSampleInterval"]))[
        "MeterValueSampleInterval"] == "300"


async def test_light_intensity_over_ble_shows_in_live(ble_session: PoleSession) -> None:
    await ble_session.authenticate("demo")
    assert await ble_session.set_light_intensity(35) == ConfigurationStatus.accepted
    assert await ble_session.light_intensity() == 35
    sample = await next_sample(ble_session)
    assert [s.led.intensity_percent for s in sample.sockets] == [35, 35]


async def test_live_stream_over_ble_follows_a_charging_car(ble_session: PoleSession) -> None:
    await ble_session.authenticate("demo")
    await ble_session.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    await ble_session.data_transfer("SimPresentCard", {"connectorId": 1, "idTag": "CARD-1"})
    await ble_session.data_transfer("SimClock", {"advanceSeconds": 3})
    async with ble_session.live(50) as samples:
        async with asyncio.timeout(5):
            received = [await anext(samples) for _ in range(3)]
    assert all(s.socket(1).cp_state == "C2" for s in received)
    assert received[-1].socket(1).current_a == (30.0, 30.0, 30.0)


async def test_charging_profile_over_ble(ble_session: PoleSession) -> None:
    await ble_session.authenticate("demo")
    profile = {
        "chargingProfileId": 7, "stackLevel": 0,
        "chargingProfilePurpose": "ChargePointMaxProfile", "chargingProfileKind": "Absolute",
        "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": "2020-01-01T00:00:00Z",
                             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]},
    }
    assert (await ble_session.set_charging_profile(0, profile)).status == "Accepted"
    composite = await ble_session.composite_schedule(0, 3600)
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0}]


async def test_frames_longer_than_the_mtu_are_chunked_both_ways(
    ble_session: PoleSession,
) -> None:
    link = ble_session.link
    assert isinstance(link, BleLink) and link.stream is not None
    link.stream.sent_chunks.clear()
    link.stream.received_chunks.clear()
    # 3 KB to the pole (a long client name), over 3 KB back (every configuration key)
    await ble_session.data_transfer("Hello", {"client": "x" * 3000})
    configuration = await ble_session.get_configuration()
    assert len(configuration.entries) > 40
    sent, received = list(link.stream.sent_chunks), list(link.stream.received_chunks)
    assert max(sent) == 244 and sent.count(244) >= 12
    assert max(received) == 244 and received.count(244) >= 12


async def test_default_mtu_23_still_carries_everything(ble: BleRadio) -> None:
    link = ble.link(mtu=23)
    async with PoleSession(link) as session:
        assert link.mtu == 23 and link.stream is not None and link.stream.chunk_size == 20
        assert len((await session.get_configuration()).entries) > 40
        assert max(link.stream.received_chunks) == 20


async def test_pole_dropping_the_link_is_a_clear_error_then_a_clean_reconnect(
    ble: BleRadio,
) -> None:
    link = ble.link()
    session = PoleSession(link)
    await session.open()
    try:
        await session.authenticate("demo")
        async with session.live(100) as samples:
            await anext(samples)
            await ble.poles[0].port.disconnect()
            with pytest.raises(LinkLost, match="dropped the BLE link"):
                async with asyncio.timeout(5):
                    async for _ in samples:
                        pass
        assert not link.connected
        with pytest.raises(LinkLost):
            await session.hello()
        # reconnect on request: a new connection, a new session on the pole
        identity = await session.open()
        assert identity.pole_id == "PW-0001" and link.connected
        assert link.mtu == 247
        with pytest.raises(NotAuthorised):  # the pole ended the old session with the link
            await session.set_light_intensity(40)
        await session.authenticate("demo")
        assert await session.set_light_intensity(40) == ConfigurationStatus.accepted
        assert ble.poles[0].pole.configuration.value("LightIntensity") == "40"
    finally:
        await session.close()


async def test_a_second_technician_can_connect_after_the_first_leaves(ble: BleRadio) -> None:
    for _ in range(2):
        async with PoleSession(ble.link()) as session:
            assert session.identity is not None and session.identity.pole_id == "PW-0001"


async def test_unknown_address_is_a_connect_error(ble: BleRadio) -> None:
    link = BleLink("C0:DE:00:00:99:99", ble.options(connect_timeout=1.0))
    with pytest.raises(ConnectError, match="cannot connect to pole C0:DE:00:00:99:99"):
        await link.connect()
