"""``paalwerk firmware upload``: a technician's command against a served virtual pole.

The command runs in this process (in a thread, with its own event loop, as
``asyncio.run`` needs) and reaches the pole over the real pseudo-terminal; its
output is what a technician reads.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from paalwerk.firmware_upload import EXIT_INSTALLED, EXIT_PROBLEM, EXIT_REFUSED, main
from pole_link.sim.pole import FIRMWARE_VERSION
from tests.conftest import ServedPole
from tests.firmware_support import Manufacturer


@pytest.fixture
def maker(served_pole: ServedPole) -> Manufacturer:
    return Manufacturer.make(served_pole.pole.clock.now())


async def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(main, list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def test_eis69_the_upload_command_installs_and_reports_the_version_running_after(
    served_pole: ServedPole, maker: Manufacturer, tmp_path: Path
) -> None:
    served_pole.pole.firmware.install_root(maker.root_pem)
    package = tmp_path / "pw2-2.0.0.zip"
    package.write_bytes(maker.package("2.0.0", 2 << 20).to_bytes())

    code, out, err = await run(str(package), "--serial", served_pole.path, "--token", "demo")

    assert code == EXIT_INSTALLED, err
    assert out == (f"Installed 2.0.0 on PW-0001 (was {FIRMWARE_VERSION}); it rebooted and "
                   "runs it.\n")
    assert err.startswith(f"PW-0001 (PW-2 virtual pole) runs {FIRMWARE_VERSION}; installing "
                          f"2.0.0 (2.1 MB) over serial {served_pole.path}\n")
    progress = err.split("\n")[1].split("\r")[-1]  # the last redraw of the line
    assert progress.startswith("100% 2.1 MB/2.1 MB ") and progress.rstrip().endswith("/s")
    assert served_pole.pole.firmware_version == "2.0.0"


async def test_eis69_a_refused_package_exits_1_with_the_pole_s_reason(
    served_pole: ServedPole, maker: Manufacturer, tmp_path: Path
) -> None:
    package = tmp_path / "pw2-2.0.0.zip"
    package.write_bytes(maker.package("2.0.0", 64 << 10).to_bytes())

    code, out, _ = await run(str(package), "--serial", served_pole.path)  # no root trusted

    assert code == EXIT_REFUSED
    assert out == ("PW-0001 refused 2.0.0 (InvalidCertificate: no manufacturer root is "
                   "installed on this pole (InstallCertificate ManufacturerRootCertificate)). "
                   f"It still runs {FIRMWARE_VERSION}.\n")


async def test_eis69_a_rolled_back_release_exits_1_and_says_so(
    served_pole: ServedPole, maker: Manufacturer, tmp_path: Path
) -> None:
    served_pole.pole.firmware.install_root(maker.root_pem)
    package = tmp_path / "bad.zip"
    package.write_bytes(maker.package("2.0.0-unhealthy", 64 << 10).to_bytes())

    code, out, _ = await run(str(package), "--serial", served_pole.path)

    assert code == EXIT_REFUSED
    assert out == (f"PW-0001 installed 2.0.0-unhealthy, but after rebooting it runs "
                   f"{FIRMWARE_VERSION}: the new firmware failed its health check and the "
                   "pole rolled back.\n")


async def test_a_rejected_token_exits_1_before_any_firmware_is_sent(
    served_pole: ServedPole, maker: Manufacturer, tmp_path: Path
) -> None:
    package = tmp_path / "pw2.zip"
    package.write_bytes(maker.package().to_bytes())
    code, out, _ = await run(str(package), "--serial", served_pole.path, "--token", "guess")
    assert code == EXIT_REFUSED
    assert out == "PW-0001 refused the service token (BadSignature): no firmware was sent.\n"
    assert served_pole.pole.firmware.transfer is None


async def test_usage_package_and_link_problems_exit_2(
    served_pole: ServedPole, maker: Manufacturer, tmp_path: Path
) -> None:
    package = tmp_path / "pw2.zip"
    package.write_bytes(maker.package().to_bytes())
    assert (await run(str(package)))[0] == EXIT_PROBLEM  # neither --serial nor --ble

    not_a_package = tmp_path / "notes.txt"
    not_a_package.write_text("hello")
    code, _, err = await run(str(not_a_package), "--serial", served_pole.path)
    assert code == EXIT_PROBLEM
    assert "not a firmware package (not a ZIP archive" in err

    code, _, err = await run(str(package), "--serial", str(tmp_path / "ttyNOPE"))
    assert code == EXIT_PROBLEM
    assert "cannot reach the pole: no serial port at" in err
