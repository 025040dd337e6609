"""The virtual pole's firmware slots: PROTOCOL.md's acknowledgement rules, resume, and
what the CSMS hears of an update made on site (eis 69)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pole_link.protocol.binary import AckStatus, FirmwareAck, FirmwareData
from pole_link.protocol.connection import FramedConnection
from pole_link.session import PoleSession
from pole_link.sim.firmware_slots import WINDOW_BYTES, FirmwareSlots
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import FIRMWARE_VERSION, MODEL, VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.timeutil import format_time
from pole_link.transports.serial import SerialLink
from tests.csms_stub import CsmsStub
from tests.firmware_support import Manufacturer
from tests.support import ManualClock, SimProcess


@pytest.fixture
def wall() -> ManualClock:
    """The seconds the slots measure their pace by, moved by hand."""
    return ManualClock()


@pytest.fixture
def pole(wall: ManualClock) -> VirtualPole:
    pole = VirtualPole("PW-0001")
    pole.firmware = FirmwareSlots(pole, MODEL, wall=wall)
    return pole


@pytest.fixture
def maker(pole: VirtualPole) -> Manufacturer:
    maker = Manufacturer.make(pole.clock.now())
    assert pole.firmware.install_root(maker.root_pem)
    return maker


def begin(pole: VirtualPole, maker: Manufacturer, size: int = 3 * WINDOW_BYTES,
          version: str = "2.0.0", seed: int = 14) -> tuple[int, bytes, int]:
    """(transferId, image, resumeOffset) of an accepted FirmwareBegin."""
    package = maker.package(version, size, seed=seed)
    request = {"size": size, "sha256": package.manifest.sha256,
               "signature": package.manifest.to_json()["signature"],
               "signingCertificate": package.manifest.signing_certificate,
               "version": version}
    answer = pole.firmware.begin(request)
    assert answer["status"] == "Accepted", answer
    return int(answer["transferId"]), package.image, int(answer["resumeOffset"])


def data(transfer_id: int, image: bytes, start: int, end: int) -> FirmwareData:
    return FirmwareData(transfer_id, start, image[start:end])


def test_acks_come_at_half_a_window_on_a_gap_once_on_duplicates_and_at_the_end(
    pole: VirtualPole, maker: Manufacturer, wall: ManualClock
) -> None:
    slots = pole.firmware
    tid, image, _ = begin(pole, maker)
    chunk = WINDOW_BYTES // 8
    acks = [slots.receive(data(tid, image, i * chunk, (i + 1) * chunk)) for i in range(4)]
    assert acks == [None, None, None, FirmwareAck(tid, 4 * chunk, AckStatus.OK)]  # window/2

    beyond = data(tid, image, 6 * chunk, 7 * chunk)  # frame 5 lost
    assert slots.receive(beyond) == FirmwareAck(tid, 4 * chunk, AckStatus.GAP)
    assert slots.receive(data(tid, image, 7 * chunk, 8 * chunk)) is None  # same gap: once
    assert slots.receive(data(tid, image, 0, chunk)) == FirmwareAck(tid, 4 * chunk,
                                                                    AckStatus.OK)  # duplicate
    assert slots.receive(data(tid, image, 4 * chunk, 5 * chunk)) is None  # the resend
    wall.advance(0.3)  # a slow link still sees progress
    assert slots.receive(data(tid, image, 5 * chunk, 6 * chunk)) == FirmwareAck(
        tid, 6 * chunk, AckStatus.OK)

    transfer = slots.transfer
    assert transfer is not None
    rest = len(image) - 6 * chunk
    assert slots.receive(FirmwareData(tid, 6 * chunk, image[6 * chunk:6 * chunk + rest])) == \
        FirmwareAck(tid, len(image), AckStatus.OK)  # complete: acked at once
    assert transfer.complete and transfer.image() == image


def test_frames_of_no_transfer_or_past_the_image_are_aborted(
    pole: VirtualPole, maker: Manufacturer
) -> None:
    slots = pole.firmware
    assert slots.receive(FirmwareData(77, 0, b"x")) == FirmwareAck(77, 0, AckStatus.ABORTED)
    tid, image, _ = begin(pole, maker, size=1000)
    assert slots.receive(FirmwareData(tid, 0, image + b"!")) == FirmwareAck(
        tid, 0, AckStatus.ABORTED)
    assert slots.receive(data(tid, image, 0, 400)) is None
    assert slots.receive(FirmwareData(tid, 400, image[400:] + b"!")) == FirmwareAck(
        tid, 400, AckStatus.ABORTED)


def test_the_same_sha256_resumes_and_another_image_starts_afresh(
    pole: VirtualPole, maker: Manufacturer
) -> None:
    tid, image, resume = begin(pole, maker, size=100_000)
    assert resume == 0
    pole.firmware.receive(data(tid, image, 0, 40_000))
    pole.reboot()
    assert begin(pole, maker, size=100_000) == (tid, image, 40_000)
    other_tid, _, resume = begin(pole, maker, size=100_001, version="2.0.1")
    assert (other_tid != tid, resume) == (True, 0)
    assert pole.firmware.events[-1] == "receiving 2.0.1 (100001 bytes) as transfer 2"


def test_the_next_image_goes_into_the_memory_the_last_one_used_and_only_its_bytes_count(
    pole: VirtualPole, maker: Manufacturer
) -> None:
    """The pages an image was received into are the pole's already: the next transfer
    writes into them (no page faults while the link is busy), and what the old image
    left there is never part of the new one."""
    slots = pole.firmware
    tid, first, _ = begin(pole, maker, size=100_000)
    slots.receive(data(tid, first, 0, len(first)))
    assert slots.transfer is not None
    first_memory = slots.transfer.received
    assert slots.commit(tid)["status"] == "Installed"
    pole.reboot()

    tid, second, _ = begin(pole, maker, size=60_000, version="2.1.0", seed=15)
    assert slots.transfer is not None and slots.transfer.received is first_memory
    slots.receive(data(tid, second, 0, 30_000))
    unfinished_memory = slots.transfer.received
    tid, third, _ = begin(pole, maker, size=70_000, version="2.2.0", seed=16)  # replaces it
    transfer = slots.transfer
    assert transfer is not None and transfer.received is unfinished_memory
    assert slots.receive(data(tid, third, 0, len(third))) == FirmwareAck(
        tid, len(third), AckStatus.OK)
    assert transfer.image() == third
    assert slots.commit(tid)["status"] == "Installed"
    assert slots.slots[slots.active].image == third

    tid, bigger, _ = begin(pole, maker, size=200_000, version="2.3.0", seed=17)
    assert slots.transfer is not None and len(slots.transfer.received) == 200_000  # fresh
    slots.receive(data(tid, bigger, 0, len(bigger)))
    assert slots.transfer.image() == bigger


def test_transfer_ids_are_u16_and_never_zero(pole: VirtualPole) -> None:
    slots = pole.firmware
    slots._next_id = 0xFFFF
    assert [slots._new_transfer_id() for _ in range(3)] == [0xFFFF, 1, 2]


@pytest.mark.parametrize(("change", "reason"), [
    ({"size": 0}, "size must be an integer"),
    ({"sha256": "ABC"}, "sha256 must be 64 lowercase hex digits"),
    ({"signature": "%%%"}, "signature is not valid base64"),
    ({"version": ""}, "version must be a string of 1–50 characters"),
    ({"models": "PW-2"}, "models must be a list"),
])
def test_a_malformed_begin_says_what_is_wrong(
    pole: VirtualPole, maker: Manufacturer, change: dict[str, object], reason: str
) -> None:
    package = maker.package("2.0.0", 10)
    request = {"size": 10, "sha256": package.manifest.sha256, "signature": "AAAA",
               "signingCertificate": package.manifest.signing_certificate,
               "version": "2.0.0", **change}
    with pytest.raises(ValueError, match=reason):
        pole.firmware.begin(request)


def test_a_signing_certificate_out_of_date_on_the_pole_s_clock_is_refused(
    pole: VirtualPole, maker: Manufacturer
) -> None:
    pole.scheduler.advance(6 * 365 * 86_400)  # signing certificates live 5 years
    package = maker.package("2.0.0", 10)
    answer = pole.firmware.begin({
        "size": 10, "sha256": package.manifest.sha256,
        "signature": package.manifest.to_json()["signature"],
        "signingCertificate": package.manifest.signing_certificate, "version": "2.0.0"})
    assert answer["status"] == "InvalidCertificate"
    assert "is not valid at" in answer["detail"]


# ---------------------------------------------------------------- what the CSMS hears


@pytest.fixture
async def csms() -> AsyncIterator[CsmsStub]:
    stub = CsmsStub()
    await stub.start()
    yield stub
    await stub.stop()
    assert stub.schema_errors == []


async def test_eis69_the_csms_trusts_a_root_and_hears_of_a_local_update_and_a_rollback(
    csms: CsmsStub, tmp_path: Path
) -> None:
    pole = VirtualPole("PW-0001")
    maker = Manufacturer.make(pole.clock.now())
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port))
    outbox = Outbox(tmp_path / "outbox.sqlite")
    client = PoleOcppClient(pole, csms.url, outbox)
    tasks = [asyncio.create_task(end.serve()), asyncio.create_task(pole.scheduler.run()),
             asyncio.create_task(client.run())]
    try:
        await csms.wait_for("BootNotification")
        # The back office installs the manufacturer's root (OCPP 1.6 security extension).
        answer = await csms.call("PW-0001", "InstallCertificate", {
            "certificateType": "ManufacturerRootCertificate", "certificate": maker.root_pem})
        assert answer == {"status": "Accepted"} and pole.firmware.roots == [maker.root]
        async with PoleSession(SerialLink(port.path)) as session:
            await session.authenticate("demo")
            await session.upload_firmware(maker.package("2.0.0", 256 << 10))
            boots = await csms.wait_for("BootNotification", 2)
            assert [b.payload["firmwareVersion"] for b in boots] == [FIRMWARE_VERSION, "2.0.0"]
            statuses = await csms.wait_for("FirmwareStatusNotification", 2)
            assert [s.payload["status"] for s in statuses] == ["Installing", "Installed"]

            await session.reopen()
            await session.authenticate("demo")
            await session.upload_firmware(maker.package("2.1.0-unhealthy", 64 << 10))
            boots = await csms.wait_for("BootNotification", 3)
            assert boots[-1].payload["firmwareVersion"] == "2.0.0"  # back on the old slot
            statuses = await csms.wait_for("FirmwareStatusNotification", 4)
            assert [s.payload["status"] for s in statuses][2:] == ["Installing",
                                                                    "InstallationFailed"]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await port.close()
        outbox.close()


async def test_eis69_a_rollback_reported_while_offline_is_queued(tmp_path: Path) -> None:
    pole = VirtualPole("PW-0001")
    maker = Manufacturer.make(pole.clock.now())
    pole.firmware.install_root(maker.root_pem)
    outbox = Outbox(tmp_path / "outbox.sqlite")
    PoleOcppClient(pole, "ws://127.0.0.1:9/ocpp", outbox)  # never connected: offline
    tid, image, _ = begin(pole, maker, size=1000, version="2.1.0-unhealthy")
    pole.firmware.receive(FirmwareData(tid, 0, image))
    assert pole.firmware.commit(tid)["status"] == "Installed"
    pole.reboot()
    assert pole.firmware_version == FIRMWARE_VERSION
    assert [action for action, _ in outbox.backlog()] == [
        "FirmwareStatusNotification", "FirmwareStatusNotification", "SecurityEventNotification"]
    head = outbox.peek()
    assert head is not None and head.payload == {"status": "Installing"}
    outbox.delivered(head.seq)
    head = outbox.peek()
    assert head is not None and head.payload == {"status": "InstallationFailed"}
    outbox.delivered(head.seq)
    head = outbox.peek()
    assert head is not None and (head.action, head.payload["type"], head.payload["techInfo"]) == (
        "SecurityEventNotification", "FirmwareRollback",
        f"firmware 2.1.0-unhealthy failed its health check after booting; rolled back to "
        f"{FIRMWARE_VERSION}")
    assert head.payload["timestamp"] == format_time(head.created)  # when it happened
    outbox.close()


# ---------------------------------------------------------------- paalwerk sim --trust


async def test_paalwerk_sim_trust_installs_the_root_so_its_releases_install(
    tmp_path: Path
) -> None:
    maker = Manufacturer.make(VirtualPole("x").clock.now())
    root = tmp_path / "root.pem"
    root.write_text(maker.root_pem)
    sim = SimProcess("--trust", str(root))
    try:
        path = (await asyncio.to_thread(sim.read_ports, 1))["PW-0001"]
        async with PoleSession(SerialLink(path)) as session:
            await session.authenticate("demo")
            result = await session.upload_firmware(maker.package("2.0.0", 128 << 10))
            assert result.status == "Installed"
            assert (await session.reopen()).firmware_version == "2.0.0"
    finally:
        assert await asyncio.to_thread(sim.stop) == 0


def test_paalwerk_sim_trust_refuses_a_file_that_is_no_certificate(tmp_path: Path) -> None:
    from pole_link.sim.cli import main

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(SystemExit) as exit_:
        main(["--serial", "--trust", str(junk)])
    assert exit_.value.code == 2
