"""eis 69 on site: signed firmware over a pole's serial service port, with resume.

Real parts only: a virtual pole on a pseudo-terminal, pyserial on the other end,
PROTOCOL.md's FirmwareBegin / binary data frames / FirmwareCommit in between; keys are
made in the test. The pole checks the signature itself and keeps running its old
firmware whenever it refuses.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

import pytest

from pole_link.errors import FirmwareRejected, LinkLost, NotAuthorised
from pole_link.firmware.package import FirmwarePackage
from pole_link.firmware.signing import pem_of
from pole_link.protocol.binary import AckStatus, FirmwareAck, FirmwareData
from pole_link.session import PoleSession
from pole_link.sim.pole import FIRMWARE_VERSION
from pole_link.transports.framed import FramedLink
from pole_link.transports.serial import SerialLink
from tests.conftest import ServedPole
from tests.firmware_support import (
    Manufacturer,
    Progress,
    data_after_last_begin,
    last_resume_offset,
    signed_for_another_image,
    trust,
    upload_cancelled_at,
)


@pytest.fixture
def maker(served_pole: ServedPole) -> Manufacturer:
    return Manufacturer.make(served_pole.pole.clock.now())


@pytest.fixture
async def writer(session: PoleSession, maker: Manufacturer) -> PoleSession:
    """The session, authorised, on a pole that trusts ``maker``'s root."""
    await session.authenticate("demo")
    assert await trust(session, maker) == "Accepted"
    return session


async def still_runs_the_old_firmware(session: PoleSession, served_pole: ServedPole) -> None:
    identity = await session.hello()
    assert identity.firmware_version == FIRMWARE_VERSION
    assert served_pole.pole.firmware.active == "A"
    await session.authenticate("demo")


async def test_eis69_a_signed_image_installs_over_serial_and_hello_shows_it_after_reconnect(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    package = maker.package("2.0.0", 3 << 20)
    progress = Progress()
    result = await writer.upload_firmware(package, progress=progress)

    assert (result.status, result.version, result.resumed_from) == ("Installed", "2.0.0", 0)
    assert result.bytes_sent == package.manifest.size and result.resends == 0
    assert progress.reports[0] == (0, package.manifest.size)
    assert progress.reports[-1] == (package.manifest.size, package.manifest.size)
    acked = [done for done, _ in progress.reports]
    assert acked == sorted(acked) and len(acked) > 2  # it moved, and only forward

    identity = await writer.reopen()
    assert identity.firmware_version == "2.0.0"
    firmware = served_pole.pole.firmware
    assert firmware.active == "B"
    assert firmware.slots["B"].sha256 == hashlib.sha256(package.image).hexdigest()
    assert firmware.slots["A"].version == FIRMWARE_VERSION  # the way back stays
    assert firmware.events[-1] == "booted 2.0.0 from slot B: healthy"


async def test_install_certificate_takes_manufacturer_roots_only_after_auth(
    session: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    install = {"certificateType": "ManufacturerRootCertificate",
               "certificate": maker.root_pem}
    with pytest.raises(NotAuthorised):
        await session.call("InstallCertificate", install)
    await session.authenticate("demo")
    signing_only = {**install, "certificate": pem_of(maker.cert)}  # not a CA
    assert (await session.call("InstallCertificate", signing_only))["status"] == "Rejected"
    garbage = {**install, "certificate": "-----BEGIN CERTIFICATE-----\nno\n"}
    assert (await session.call("InstallCertificate", garbage))["status"] == "Rejected"
    assert served_pole.pole.firmware.roots == []
    assert (await session.call("InstallCertificate", install))["status"] == "Accepted"
    assert served_pole.pole.firmware.roots == [maker.root]


async def test_eis69_an_upload_whose_link_drops_at_40_percent_resumes_without_resending(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    """The cable is pulled (the link closes under the upload) at ~40 %; a new session
    resumes at what the pole holds, and no byte below that crosses the link again."""
    package = maker.package("2.0.0", 8 << 20)
    size = package.manifest.size
    link = writer.link
    closing: list[asyncio.Task[None]] = []
    cut = Progress(at_share=0.4,
                   action=lambda _: closing.append(asyncio.ensure_future(link.close())))
    with pytest.raises(LinkLost):
        await writer.upload_firmware(package, progress=cut)
    await asyncio.gather(*closing)
    await writer.close()
    assert cut.fired_at is not None and cut.fired_at < size
    transfer = served_pole.pole.firmware.transfer
    assert transfer is not None and cut.fired_at <= transfer.held < size

    async with PoleSession(SerialLink(served_pole.path)) as again:
        await again.authenticate("demo")
        progress = Progress()
        result = await again.upload_firmware(package, progress=progress)
        assert result.status == "Installed"
        assert result.resumed_from == last_resume_offset(transfer) >= cut.fired_at
        assert progress.reports[0] == (result.resumed_from, size)
        sent_again = data_after_last_begin(transfer)
        assert sent_again and min(offset for offset, _ in sent_again) == result.resumed_from
        assert all(offset >= result.resumed_from for offset, _ in sent_again)
        assert sum(length for _, length in sent_again) == result.bytes_sent
        assert result.bytes_sent >= size - result.resumed_from
        assert (await again.reopen()).firmware_version == "2.0.0"


async def test_a_cancelled_upload_resumes_in_the_same_session(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    package = maker.package("2.0.0", 4 << 20)
    cancelled_at = await upload_cancelled_at(writer, package, 0.4)

    # The session goes on (a write cut off by the cancel does not swallow the next call).
    assert (await writer.link_stats()).frames_in > 0
    result = await writer.upload_firmware(package)
    assert result.resumed_from >= cancelled_at > 0
    assert (await writer.reopen()).firmware_version == "2.0.0"


async def test_eis69_the_bytes_received_survive_a_reboot_of_the_pole(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    package = maker.package("2.0.0", 4 << 20)
    cancelled_at = await upload_cancelled_at(writer, package, 0.4)

    served_pole.pole.reboot()  # e.g. a power dip: the session ends, the slot keeps its bytes
    await writer.reopen()
    await writer.authenticate("demo")
    result = await writer.upload_firmware(package)
    assert result.resumed_from >= cancelled_at
    assert (await writer.reopen()).firmware_version == "2.0.0"


async def test_eis69_a_signature_for_another_image_is_refused_at_begin(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    genuine = maker.package("2.0.0", 64 << 10, seed=1)
    tampered = signed_for_another_image(genuine, maker.package("2.0.0", 64 << 10, seed=2))
    with pytest.raises(FirmwareRejected) as refused:
        await writer.upload_firmware(tampered)
    assert (refused.value.reason, refused.value.stage) == ("InvalidSignature", "FirmwareBegin")
    assert "tampered" in refused.value.detail
    await still_runs_the_old_firmware(writer, served_pole)


async def test_eis69_bytes_that_do_not_match_the_signed_hash_are_refused_at_commit(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    genuine = maker.package("2.0.0", 256 << 10)
    changed = bytearray(genuine.image)
    changed[100_000] ^= 0xFF  # one flipped bit in transit or on disk
    with pytest.raises(FirmwareRejected) as refused:
        await writer.upload_firmware(FirmwarePackage(genuine.manifest, bytes(changed)))
    assert (refused.value.reason, refused.value.stage) == ("HashMismatch", "FirmwareCommit")
    assert served_pole.pole.firmware.transfer is None  # those bytes are dropped, not resumed
    await still_runs_the_old_firmware(writer, served_pole)
    assert (await writer.upload_firmware(genuine)).resumed_from == 0


async def test_eis69_a_signer_from_a_root_the_pole_does_not_trust_is_refused(
    writer: PoleSession, served_pole: ServedPole
) -> None:
    stranger = Manufacturer.make(served_pole.pole.clock.now(), "Somebody else")
    with pytest.raises(FirmwareRejected) as refused:
        await writer.upload_firmware(stranger.package())
    assert refused.value.reason == "InvalidCertificate"
    assert "not issued by a manufacturer root this pole trusts" in refused.value.detail
    await still_runs_the_old_firmware(writer, served_pole)


async def test_eis69_a_pole_without_a_manufacturer_root_refuses_every_image(
    session: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    await session.authenticate("demo")
    with pytest.raises(FirmwareRejected) as refused:
        await session.upload_firmware(maker.package())
    assert refused.value.reason == "InvalidCertificate"
    assert "no manufacturer root is installed" in refused.value.detail
    await still_runs_the_old_firmware(session, served_pole)


async def test_eis69_an_image_for_another_model_is_refused_at_begin(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    with pytest.raises(FirmwareRejected) as refused:
        await writer.upload_firmware(maker.package(models=("PW-9 street cabinet",)))
    assert (refused.value.reason, refused.value.stage) == ("WrongModel", "FirmwareBegin")
    assert "PW-9 street cabinet" in refused.value.detail
    await still_runs_the_old_firmware(writer, served_pole)


async def test_a_commit_before_the_last_byte_is_incomplete_and_the_upload_then_resumes(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    package = maker.package("2.0.0", 200_000)
    link = writer.link
    assert isinstance(link, FramedLink)
    from pole_link.firmware.local_update import FirmwareUpload

    upload = FirmwareUpload(writer, package)
    offer = await upload.begin()
    await link.send_binary(FirmwareData(offer.transfer_id, 0, package.image[:50_000]))
    await link.send_binary(FirmwareData(offer.transfer_id, 60_000,
                                        package.image[60_000:70_000]))  # a gap
    gap = await link.binary_frame(timeout=5)
    assert gap == FirmwareAck(offer.transfer_id, 50_000, AckStatus.GAP)
    with pytest.raises(FirmwareRejected) as refused:
        await upload.commit(offer.transfer_id)
    assert refused.value.reason == "Incomplete"
    assert refused.value.detail == "50000 of 200000 bytes received"
    await still_runs_the_old_firmware(writer, served_pole)

    result = await writer.upload_firmware(package)
    assert result.resumed_from == 50_000 and result.status == "Installed"


async def test_eis69_an_unhealthy_release_rolls_back_to_the_old_slot_and_says_so(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    result = await writer.upload_firmware(maker.package("2.0.0-unhealthy", 128 << 10))
    assert result.status == "Installed"  # the checks passed; the boot did not
    identity = await writer.reopen()
    assert identity.firmware_version == FIRMWARE_VERSION
    firmware = served_pole.pole.firmware
    assert firmware.active == "A"
    assert firmware.events[-1] == (f"booted 2.0.0-unhealthy from slot B: health check failed; "
                                   f"rolled back to {FIRMWARE_VERSION} in slot A")


async def test_data_from_a_session_that_did_not_begin_the_transfer_is_aborted(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    package = maker.package("2.0.0", 100_000)
    from pole_link.firmware.local_update import FirmwareUpload

    offer = await FirmwareUpload(writer, package).begin()
    link = writer.link
    assert isinstance(link, FramedLink)
    await link.send_binary(FirmwareData(offer.transfer_id, 0, package.image[:30_000]))
    await writer.hello()  # a new session: it has begun nothing, and is not authorised
    await link.send_binary(FirmwareData(offer.transfer_id, 30_000,
                                        package.image[30_000:40_000]))
    while (ack := await link.binary_frame(timeout=5)).status != AckStatus.ABORTED:
        pass
    assert ack == FirmwareAck(offer.transfer_id, 30_000, AckStatus.ABORTED)
    transfer = served_pole.pole.firmware.transfer
    assert transfer is not None and transfer.held == 30_000


async def test_a_refused_package_changes_nothing_it_should_not(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole
) -> None:
    """A begin refused for its certificate leaves an unfinished transfer where it was."""
    package = maker.package("2.0.0", 4 << 20)
    await upload_cancelled_at(writer, package, 0.3)
    held = served_pole.pole.firmware.transfer
    assert held is not None
    stranger = Manufacturer.make(served_pole.pole.clock.now(), "Somebody else")
    with pytest.raises(FirmwareRejected):
        await writer.upload_firmware(stranger.package())
    assert served_pole.pole.firmware.transfer is held
    other = replace(package.manifest, version="2.0.1")  # same image, same signature
    result = await writer.upload_firmware(FirmwarePackage(other, package.image))
    assert result.resumed_from > 0


async def test_a_frame_lost_on_the_line_is_sent_again_from_the_gap(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame that fails its CRC never reaches the pole: the next one is a gap, the pole
    says where it stands, and the client goes back there."""
    slots = served_pole.pole.firmware
    receive = slots.receive
    frames = 0

    def lose_the_fifth(frame: FirmwareData) -> FirmwareAck | None:
        nonlocal frames
        frames += 1
        return None if frames == 5 else receive(frame)

    monkeypatch.setattr(slots, "receive", lose_the_fifth)
    package = maker.package("2.0.0", 2 << 20)
    result = await writer.upload_firmware(package)
    assert result.status == "Installed" and result.resends >= 1
    assert result.bytes_sent > package.manifest.size
    assert slots.slots["B"].sha256 == package.manifest.sha256


async def test_a_silent_pole_gets_the_unacknowledged_data_again(
    writer: PoleSession, maker: Manufacturer, served_pole: ServedPole,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ack of the image's end is lost: after the ack timeout (2 s; shortened here)
    the client resends from the last offset acked, the pole acks the duplicates."""
    from pole_link.firmware import local_update

    monkeypatch.setattr(local_update, "ACK_TIMEOUT_S", 0.2)
    slots = served_pole.pole.firmware
    receive = slots.receive
    lost: list[FirmwareAck] = []

    def lose_the_final_ack(frame: FirmwareData) -> FirmwareAck | None:
        ack = receive(frame)
        if ack is not None and not lost and slots.transfer is not None \
                and ack.next_offset == slots.transfer.size:
            lost.append(ack)
            return None
        return ack

    monkeypatch.setattr(slots, "receive", lose_the_final_ack)
    package = maker.package("2.0.0", 1 << 20)
    result = await writer.upload_firmware(package)
    assert lost and result.status == "Installed" and result.resends >= 1


def test_bursts_follow_the_measured_line_rate_and_a_driver_buffer_does_not_fool_them() -> None:
    from pole_link.firmware.local_update import MAX_BURST, MIN_BURST, _Pacer

    cable = _Pacer()  # 115200 baud: ~11.5 kB/s once the driver's buffer is full
    assert cable.burst == MIN_BURST
    cable.wrote(MIN_BURST, 0.0005)  # the driver's buffer takes the first write at once
    assert cable.burst == 4 * MIN_BURST  # grows, but no further than fourfold
    for _ in range(8):
        cable.wrote(cable.burst, cable.burst / 11_520)
    assert cable.burst == MIN_BURST

    pty = _Pacer()  # a pseudo-terminal: ~100 MB/s
    bursts = []
    for _ in range(5):
        pty.wrote(pty.burst, pty.burst / 100e6)
        bursts.append(pty.burst)
    assert bursts == [4 * MIN_BURST, 16 * MIN_BURST, MAX_BURST, MAX_BURST, MAX_BURST]
