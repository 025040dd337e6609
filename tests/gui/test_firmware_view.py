"""eis 69 on site, from the window: open a signed package, see whether it is genuine and
for this pole, install it with progress, cancel and resume, and read the outcome the pole
reports after its reboot. A virtual pole on a real pseudo-terminal; keys made here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.firmware.firmware_view import FirmwareView
from gui.firmware.local_install import Phase
from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.tasks import TaskRunner
from pole_link.firmware.signing import load_certificate
from pole_link.sim.pole import FIRMWARE_VERSION
from pole_link.transports import PoleAddress
from tests.conftest import ServedPole
from tests.firmware_support import Manufacturer
from tests.gui.qt_support import shown


@pytest.fixture
async def firmware_view(qtbot: QtBot, served_pole: ServedPole) -> AsyncIterator[FirmwareView]:
    controller = PoleController(retry_delays=(0.2,))
    view = FirmwareView(controller, TaskRunner())
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    await shown(lambda: controller.state == LinkState.CONNECTED)
    yield view
    await view.aclose()
    await controller.aclose()


def trusting(served_pole: ServedPole, maker: Manufacturer) -> None:
    """The pole trusts the maker's root, as after InstallCertificate (tested elsewhere)."""
    served_pole.pole.firmware.roots.append(load_certificate(maker.root_pem))


async def open_package(view: FirmwareView, path: Path) -> None:
    view.choose_file = lambda: str(path)
    view.open_button.click()
    await shown(lambda: view.install.package is not None)


async def test_eis69_install_from_the_firmware_view_and_the_new_version_runs(
        firmware_view: FirmwareView, served_pole: ServedPole, tmp_path: Path) -> None:
    maker = Manufacturer.make(served_pole.pole.clock.now())
    trusting(served_pole, maker)
    roots = tmp_path / "roots.pem"
    roots.write_text(maker.root_pem)
    firmware_view.roots_path = roots
    package = tmp_path / "pw-2.0.0.fwpkg"
    package.write_bytes(maker.package("2.0.0", 1 << 20).to_bytes())
    await open_package(firmware_view, package)

    fields = firmware_view.fields
    assert fields["version"].text() == "2.0.0"
    assert fields["signature"].text().startswith("Signature valid: signed by Test "
                                                 "manufacturer release signing")
    assert fields["running"].text() == FIRMWARE_VERSION
    assert fields["fit"].text().startswith("Made for this pole's model")
    assert firmware_view.install_button.isEnabled()

    firmware_view.install_button.click()
    await shown(lambda: firmware_view.install.phase is Phase.RUNNING, timeout=60)
    assert firmware_view.outcome.text() == "Firmware 2.0.0 is running."
    assert fields["running"].text() == "2.0.0"
    assert served_pole.pole.firmware.active == "B"
    assert firmware_view.progress_text.text() == "1.0 MB of 1.0 MB"


async def test_eis69_a_package_from_another_manufacturer_is_refused_by_the_pole(
        firmware_view: FirmwareView, served_pole: ServedPole, tmp_path: Path) -> None:
    now = served_pole.pole.clock.now()
    trusting(served_pole, Manufacturer.make(now))
    stranger = Manufacturer.make(now, "Stranger")
    package = tmp_path / "foreign.fwpkg"
    package.write_bytes(stranger.package("9.9.9", 1 << 16).to_bytes())
    await open_package(firmware_view, package)  # no roots in the app: the pole decides
    assert "not checked here" in firmware_view.fields["signature"].text()

    firmware_view.install_button.click()
    await shown(lambda: firmware_view.install.phase is Phase.REFUSED)
    assert firmware_view.outcome.text() == (
        "The pole refused the firmware: it is not signed by a manufacturer this pole "
        f"trusts. It keeps running {FIRMWARE_VERSION}.")
    assert served_pole.pole.firmware.active == "A"


async def test_a_cancelled_install_resumes_from_where_the_pole_got_to(
        firmware_view: FirmwareView, served_pole: ServedPole, tmp_path: Path) -> None:
    maker = Manufacturer.make(served_pole.pole.clock.now())
    trusting(served_pole, maker)
    package = tmp_path / "big.fwpkg"
    package.write_bytes(maker.package("3.0.0", 8 << 20).to_bytes())
    await open_package(firmware_view, package)

    firmware_view.install_button.click()
    await shown(lambda: firmware_view.install.progress is not None
                and firmware_view.install.progress.fraction > 0.2, timeout=60)
    firmware_view.cancel_button.click()
    assert firmware_view.install.phase is Phase.INTERRUPTED
    assert firmware_view.install_button.text() == "Resume install"
    assert firmware_view.outcome.text().startswith("Stopped at ")

    firmware_view.install_button.click()
    await shown(lambda: firmware_view.install.progress is not None)
    progress = firmware_view.install.progress
    assert progress is not None and progress.start_offset > 0  # resumed, not from zero
    await shown(lambda: firmware_view.install.phase is Phase.RUNNING, timeout=60)
    assert firmware_view.fields["running"].text() == "3.0.0"


async def test_eis69_the_app_judges_a_package_against_the_roots_the_technician_chose(
        firmware_view: FirmwareView, served_pole: ServedPole, tmp_path: Path) -> None:
    from gui.settings import remember_roots_path, remembered_roots_path

    now = served_pole.pole.clock.now()
    maker, stranger = Manufacturer.make(now), Manufacturer.make(now, "Stranger")
    package = tmp_path / "pw.fwpkg"
    package.write_bytes(maker.package("2.0.0", 1 << 16).to_bytes())
    await open_package(firmware_view, package)
    assert "not checked here" in firmware_view.fields["signature"].text()
    try:
        theirs = tmp_path / "stranger.pem"
        theirs.write_text(stranger.root_pem)
        firmware_view.choose_roots = lambda: str(theirs)
        firmware_view.roots_button.click()
        assert firmware_view.fields["signature"].text().startswith("Signature NOT valid")
        assert not firmware_view.install_button.isEnabled()  # not before the pole sees it
        assert remembered_roots_path() == str(theirs)  # kept for the next start

        ours = tmp_path / "ours.pem"
        ours.write_text(maker.root_pem)
        firmware_view.choose_roots = lambda: str(ours)
        firmware_view.roots_button.click()
        assert firmware_view.fields["signature"].text().startswith("Signature valid")
        assert firmware_view.install_button.isEnabled()

        junk = tmp_path / "junk.pem"
        junk.write_text("not a certificate")
        firmware_view.choose_roots = lambda: str(junk)
        firmware_view.roots_button.click()
        assert firmware_view.outcome.text().startswith("junk.pem holds no certificate") or \
            firmware_view.outcome.text().startswith("Cannot use junk.pem")
        assert firmware_view.roots_path == ours  # the good choice stays
    finally:
        remember_roots_path("")
