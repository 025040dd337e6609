"""A technician's laptop talking to a pole's service port: real pty, real pyserial."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import pytest
from ocpp.v16.enums import ConfigurationStatus

from pole_link.errors import CallError, ConnectError, LinkLost, LinkTimeout, NotAuthorised
from pole_link.live import LiveSample
from pole_link.protocol.frames import encode_frame
from pole_link.session import PoleSession
from pole_link.sim.configuration import STANDARD_KEYS
from pole_link.transports.serial import SerialLink
from tests.conftest import ServedPole, serve_pole, stop_tasks
from tests.support import RawPort, SimProcess


async def next_sample(session: PoleSession, interval_ms: int = 50,
                      until: object = None, timeout: float = 5.0) -> LiveSample:
    """The first Live sample (matching ``until`` if given)."""
    async with session.live(interval_ms) as samples:
        async with asyncio.timeout(timeout):
            async for sample in samples:
                if until is None or until(sample):  # type: ignore[operator]
                    return sample
    raise AssertionError("live stream ended")


async def test_hello_identifies_the_pole(session: PoleSession) -> None:
    identity = await session.hello()
    assert identity.pole_id == "PW-0001"
    assert identity.protocol_version == 1
    assert identity.sockets == 2
    assert identity.max_frame == 65_536
    assert identity.time.tzinfo is not None


async def test_eis57_every_standard_configuration_key_readable(session: PoleSession) -> None:
    configuration = await session.get_configuration()
    for spec in STANDARD_KEYS:
        assert spec.name in configuration.entries
    assert configuration["ConnectionTimeOut"] == "120"
    assert configuration.entries["NumberOfConnectors"].readonly


async def test_configuration_write_after_auth_is_kept(session: PoleSession) -> None:
    await session.authenticate("demo")
    assert await session.change_configuration("MeterValueSampleInterval", "300") == \
        ConfigurationStatus.accepted
    assert (await session.get_configuration(["MeterValueSampleInterval"]))[
        "MeterValueSampleInterval"] == "300"
    assert await session.change_configuration("MeterValueSampleInterval", "soon") == \
        ConfigurationStatus.rejected
    assert await session.change_configuration("NoSuchKey", "1") == \
        ConfigurationStatus.not_supported
    configuration = await session.get_configuration(["MeterValueSampleInterval", "Nope"])
    assert configuration["MeterValueSampleInterval"] == "300"
    assert configuration.unknown == ("Nope",)


async def test_write_before_auth_refused_with_security_error(
    session: PoleSession, served_pole: ServedPole
) -> None:
    with pytest.raises(NotAuthorised) as caught:
        await session.change_configuration("LightIntensity", "10")
    assert caught.value.code == "SecurityError"
    assert served_pole.pole.configuration.value("LightIntensity") == "100"
    with pytest.raises(NotAuthorised):
        await session.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    assert served_pole.pole.sockets[0].ev_type is None


async def test_wrong_token_is_rejected(session: PoleSession) -> None:
    with pytest.raises(NotAuthorised, match="rejected"):
        await session.authenticate("letmein")


async def test_hello_forgets_auth(session: PoleSession) -> None:
    await session.authenticate("demo")
    assert await session.set_light_intensity(80) == ConfigurationStatus.accepted
    await session.hello()
    with pytest.raises(NotAuthorised):
        await session.set_light_intensity(60)


async def test_eis46_light_intensity_visible_in_live(session: PoleSession) -> None:
    await session.authenticate("demo")
    assert await session.set_light_intensity(35) == ConfigurationStatus.accepted
    sample = await next_sample(session)
    assert [s.led.intensity_percent for s in sample.sockets] == [35, 35]
    assert await session.light_intensity() == 35
    with pytest.raises(ValueError, match="0–100"):
        await session.set_light_intensity(120)


async def test_live_carries_every_field_and_follows_the_pole(session: PoleSession) -> None:
    await session.authenticate("demo")
    await session.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    assert (await session.data_transfer(
        "SimPresentCard", {"connectorId": 1, "idTag": "CARD-1"}))["status"] == "Accepted"
    await session.data_transfer("SimClock", {"advanceSeconds": 3})  # the car responds
    sample = await next_sample(session)
    socket = sample.socket(1)
    assert socket.cp_state == "C2"
    assert socket.offered_current_a == 30.0
    assert socket.current_a == (30.0, 30.0, 30.0)
    assert socket.voltage_v == (230.0, 230.0, 230.0)
    assert socket.pwm_duty_percent == 50.0
    assert socket.transaction_id is not None and socket.transaction_id < 0
    assert socket.led.colour == "blue"
    assert sample.limit_a == 30.0
    idle = sample.socket(2)
    assert (idle.cp_state, idle.status, idle.led.colour) == ("A", "Available", "off")


async def test_live_subscription_stops_when_the_block_ends(
    session: PoleSession, served_pole: ServedPole
) -> None:
    await next_sample(session)
    await asyncio.sleep(0.2)
    assert not served_pole.end.live.running


async def test_link_stats_count_both_directions(session: PoleSession) -> None:
    stats = await session.link_stats()
    assert stats.frames_in >= 2  # Hello and this LinkStats
    assert stats.frames_out >= 1
    assert stats.dropped == 0 and stats.crc_errors == 0


async def test_garbage_bad_crc_and_overlong_frames_are_counted_while_session_goes_on(
    served_pole: ServedPole,
) -> None:
    raw = await asyncio.to_thread(RawPort, served_pole.path)
    try:
        hello = await asyncio.to_thread(raw.vendor, "Hello", {"client": "raw"})
        assert hello[0] == 3
        bad_crc = bytearray(encode_frame(b'[2,"x","Heartbeat",{}]'))
        bad_crc[3] ^= 0x20
        await asyncio.to_thread(raw.write, b"\x05\x01\x00")  # broken COBS
        await asyncio.to_thread(raw.write, bytes(bad_crc))
        await asyncio.to_thread(raw.write, b"\x01" * 70_000 + b"\x00")  # over-long
        await asyncio.to_thread(raw.write, encode_frame(b"[not json"))
        stats = await asyncio.to_thread(raw.vendor, "LinkStats", {})
        counts = json.loads(stats[2]["data"])
        assert counts["crcErrors"] == 1
        assert counts["dropped"] == 3
        assert counts["framesIn"] == 3  # Hello, [not json (decoded, then dropped), LinkStats
    finally:
        raw.close()


@pytest.mark.parametrize(("payload", "code"), [
    ({"key": 12, "value": "1"}, "TypeConstraintViolation"),
    ({"value": "1"}, "OccurenceConstraintViolation"),
    ({"key": "LightIntensity", "value": "1", "colour": "red"}, "FormationViolation"),
])
async def test_schema_violations_answered_with_ocpp16_codes(
    served_pole: ServedPole, payload: dict[str, object], code: str
) -> None:
    raw = await asyncio.to_thread(RawPort, served_pole.path)
    try:
        answer = await asyncio.to_thread(raw.request, "ChangeConfiguration", payload)
        assert answer[0] == 4 and answer[2] == code
        assert "ChangeConfiguration" in answer[3]
        # the session goes on
        assert (await asyncio.to_thread(raw.vendor, "Hello", {}))[0] == 3
    finally:
        raw.close()


async def test_unknown_and_unsupported_actions_get_their_codes(served_pole: ServedPole) -> None:
    raw = await asyncio.to_thread(RawPort, served_pole.path)
    try:
        unknown = await asyncio.to_thread(raw.request, "MakeCoffee", {})
        assert unknown[2] == "NotImplemented"
        reservation = await asyncio.to_thread(raw.request, "ReserveNow", {
            "connectorId": 1, "expiryDate": "2026-11-25T13:00:00Z", "idTag": "A",
            "reservationId": 1})
        assert reservation[2] == "NotSupported"  # eis 49: reservations excluded
        not_object = await asyncio.to_thread(raw.request, "Reset", [])  # type: ignore[arg-type]
        assert not_object[2] == "FormationViolation"
        out_of_range = await asyncio.to_thread(raw.request, "GetCompositeSchedule", {
            "connectorId": 9, "duration": 60})
        assert out_of_range[2] == "PropertyConstraintViolation"
    finally:
        raw.close()


async def test_vendor_message_errors_are_explained(session: PoleSession) -> None:
    await session.authenticate("demo")
    with pytest.raises(CallError) as unknown:
        await session.data_transfer("Teleport", {})
    assert unknown.value.code == "UnknownMessageId"
    with pytest.raises(CallError) as bad:
        await session.data_transfer("SimPlug", {"connectorId": 1, "evType": "tesla"})
    assert bad.value.code == "Rejected" and "evType must be one of" in bad.value.description
    answer = await session.call("DataTransfer", {"vendorId": "acme", "messageId": "Hello"})
    assert answer["status"] == "UnknownVendorId"
    answer = await session.call("DataTransfer", {"vendorId": "paalwerk", "messageId": "Hello",
                                                 "data": "{not json"})
    assert answer["status"] == "Rejected" and "not a JSON string" in answer["data"]


async def test_idle_session_ends_and_forgets_auth() -> None:
    served, tasks = await serve_pole(idle_timeout_s=0.4)
    try:
        async with PoleSession(SerialLink(served.path)) as session:
            await session.authenticate("demo")
            await asyncio.sleep(1.5)
            assert not served.end._session.authorised(datetime.now(UTC))
            # the session re-authorises by itself with the token it was given
            assert await session.set_light_intensity(50) == ConfigurationStatus.accepted
    finally:
        await stop_tasks(tasks)
        await served.port.close()


async def test_power_cut_silences_the_port_and_needs_a_new_session(
    session: PoleSession, served_pole: ServedPole
) -> None:
    await session.authenticate("demo")
    await session.data_transfer("SimPowerCut", {"seconds": 3600})
    with pytest.raises(LinkTimeout):
        await session.link.call("GetConfiguration", {"key": ["PoleId"]}, timeout=0.5)
    served_pole.pole.scheduler.advance(3600)
    assert served_pole.pole.powered
    with pytest.raises(NotAuthorised):
        await session.link.call("ChangeConfiguration", {"key": "LightIntensity", "value": "5"})


async def test_missing_port_is_a_clear_connect_error() -> None:
    with pytest.raises(ConnectError, match="no serial port at /dev/does-not-exist"):
        await SerialLink("/dev/does-not-exist").connect()


async def test_vanished_port_ends_in_an_error_not_a_hang(sim_process: SimProcess) -> None:
    path = sim_process.read_ports(1)["PW-0001"]
    session = PoleSession(SerialLink(path))
    await session.open()
    try:
        async with session.live(100) as samples:
            first = await anext(samples)
            assert first.sockets
            sim_process.kill()
            started = time.monotonic()
            with pytest.raises(LinkLost):
                async with asyncio.timeout(5):
                    async for _ in samples:
                        pass
            assert time.monotonic() - started < 5
        with pytest.raises(LinkLost):
            await session.hello()
    finally:
        await session.close()


async def test_open_link_builds_the_transport_for_an_address(served_pole: ServedPole) -> None:
    from pole_link.transports import PoleAddress, open_link

    link = open_link(PoleAddress("serial", served_pole.path, "virtual pole"))
    async with PoleSession(link) as session:
        assert session.identity is not None and session.identity.pole_id == "PW-0001"
    with pytest.raises(ValueError, match="unknown transport 'pigeon'"):
        open_link(PoleAddress("pigeon", "loft", "bird"))


async def test_stray_firmware_data_is_aborted_by_the_pole(session: PoleSession) -> None:
    from pole_link.protocol.binary import AckStatus, FirmwareAck, FirmwareData
    from pole_link.transports.framed import FramedLink

    link = session.link
    assert isinstance(link, FramedLink)
    await link.send_binary(FirmwareData(transfer_id=9, offset=0, data=b"\x7fELF" * 100))
    ack = await link.binary_frame(timeout=5)
    assert ack == FirmwareAck(transfer_id=9, next_offset=0, status=AckStatus.ABORTED)
    await session.authenticate("demo")
    with pytest.raises(CallError, match="missing field 'sha256'"):
        await session.data_transfer("FirmwareBegin", {"size": 1})
