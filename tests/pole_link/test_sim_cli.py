"""``paalwerk sim`` exactly as ARCHITECTURE.md promises it to outside scripts."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from datetime import datetime

import pytest

from pole_link.session import PoleSession
from pole_link.transports.serial import SerialLink
from tests.support import REPO, SimProcess


async def test_serial_lines_come_first_one_per_pole_and_reach_that_pole() -> None:
    sim = SimProcess("--poles", "3", "--id-prefix", "NL-UTR-")
    try:
        ports = sim.read_ports(3)
        assert list(ports) == ["NL-UTR-0001", "NL-UTR-0002", "NL-UTR-0003"]
        for line in sim.lines:
            assert re.fullmatch(r"\S+ serial /dev/\S+", line)
        for pole_id, path in ports.items():
            async with PoleSession(SerialLink(path)) as session:
                assert session.identity is not None
                assert session.identity.pole_id == pole_id
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_sigterm_and_ctrl_c(sig: int) -> None:
    sim = SimProcess()
    sim.read_ports(1)
    assert sim.stop(sig) == 0
    assert sim.process.stderr is not None
    assert "Traceback" not in sim.process.stderr.read()


async def test_plug_and_start_options() -> None:
    sim = SimProcess("--plug", "2:zoe", "--start", "2026-06-01T16:59:00+02:00", "--speed", "60")
    try:
        path = sim.read_ports(1)["PW-0001"]
        async with PoleSession(SerialLink(path)) as session:
            assert session.identity is not None
            assert session.identity.time >= datetime.fromisoformat("2026-06-01T16:59:00+02:00")
            async with session.live(100) as samples:
                sample = await anext(samples)
        assert sample.socket(2).cp_state == "B1"
        assert sample.socket(2).status == "Preparing"
        assert sample.socket(1).cp_state == "A"
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--serial", "--plug", "1:tesla"], "EVTYPE one of ev3, ev1, zoe"),
    (["--serial", "--plug", "3:ev3"], "connector 3 does not exist"),
    (["--serial", "--start", "2026-06-01T17:00:00"], "no UTC offset"),
    (["--serial", "--poles", "0"], "--poles must be at least 1"),
    ([], "--serial and/or --csms"),
    (["--csms", "http://example/ocpp"], "ws:// or wss://"),
])
def test_bad_options_exit_2_with_a_reason(args: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "paalwerk", "sim", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr


def test_paalwerk_help_lists_the_commands() -> None:
    result = subprocess.run([sys.executable, "-m", "paalwerk", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for command in ("sim", "watch", "gui", "service"):
        assert command in result.stdout


async def test_verbose_logs_frames_and_quiet_does_not() -> None:
    for verbose in (True, False):
        sim = SimProcess("--verbose") if verbose else SimProcess()
        try:
            path = sim.read_ports(1)["PW-0001"]
            async with PoleSession(SerialLink(path)):
                pass
        finally:
            assert sim.stop() == 0
        assert sim.process.stderr is not None
        logged = sim.process.stderr.read()
        assert ('"Hello"' in logged) is verbose


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_while_its_csms_is_unreachable(
    sig: int, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a shutdown racing the reconnect backoff once left the process hanging."""
    monkeypatch.setenv("PAALWERK_STATE_DIR", str(tmp_path))
    sim = SimProcess("--csms", "ws://127.0.0.1:9/ocpp")  # nothing listens on port 9
    sim.read_ports(1)
    assert sim.stop(sig, timeout=10) == 0


async def test_eis69_service_token_keys_flag_makes_the_pole_take_tokens_not_the_pin() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from pole_link.errors import NotAuthorised
    from pole_link.service_tokens import Claims, issue, public_key_text

    key = Ed25519PrivateKey.generate()
    sim = SimProcess("--service-token-keys", public_key_text(key.public_key()))
    try:
        path = sim.read_ports(1)["PW-0001"]
        async with PoleSession(SerialLink(path)) as session:
            assert session.identity is not None
            with pytest.raises(NotAuthorised):
                await session.authenticate("demo")
            issued = int(session.identity.time.timestamp())  # by the pole's own clock
            grant = await session.authenticate(issue(key, Claims(
                "paalwerk", "jan", "technician", ("PW-0001",), issued, issued + 3600, "t")))
            assert grant.role == "technician"
    finally:
        assert sim.stop() == 0


def test_a_service_token_key_that_is_no_key_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paalwerk", "sim", "--serial", "--service-token-keys", "abc="],
        capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2
    assert "--service-token-keys" in result.stderr and "32 bytes" in result.stderr
