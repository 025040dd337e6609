"""``paalwerk commission``: the checklist without a window, one line per step, a summary,
the record in --out, and an exit status a script can branch on."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from paalwerk.commission_cli import EXIT_FAILED, EXIT_PASSED, EXIT_PROBLEM, main
from pole_link.ble_bumble.host import close_shared_hosts
from pole_link.commissioning.checklist import find_checklist
from pole_link.commissioning.record import Outcome
from pole_link.session import PoleSession
from pole_link.transports.ble import BleLink, BleOptions
from pole_link.transports.serial import SerialLink
from tests.ble_support import BleSimProcess
from tests.pole_link.commissioning.support import ANSWERS, T0, site
from tests.support import SimProcess


def _run(argv: list[str], clock: Callable[[], datetime]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err, clock=clock)
    return status, out.getvalue(), err.getvalue()


async def _pole_clock(path: str) -> Callable[[], datetime]:
    """A clock that follows a sim process's pole clock (read once through Hello)."""
    session = PoleSession(SerialLink(path))
    identity = await session.open()
    read_at = time.monotonic()
    await session.close()
    return lambda: identity.time + timedelta(seconds=time.monotonic() - read_at)


async def test_commission_end_to_end_over_serial_with_an_answers_file_passes(
        tmp_path: Path) -> None:
    sim = SimProcess("--poles", "1", "--start", T0.isoformat())
    try:
        path = sim.read_ports(1)["PW-0001"]
        clock = await _pole_clock(path)
        answers = tmp_path / "answers.yaml"
        answers.write_text(yaml.safe_dump(
            {**ANSWERS, "csms": {"skip": "end-of-line bench: no back office"},
             "security": {"skip": "end-of-line bench: the keys come from the back office"}}),
            encoding="utf-8")
        out_dir = tmp_path / "out"
        status, out, err = await asyncio.to_thread(_run, [
            "--serial", path, "--pole", "PW-0001", "--answers", str(answers),
            "--out", str(out_dir), "--store", str(tmp_path / "store"),
            "--technician", "Test Technician", "--key-dir", str(tmp_path / "keys")], clock)
    finally:
        sim.stop()
    lines = out.splitlines()
    assert status == EXIT_PASSED, out + err
    assert lines[0].split()[:2] == ["passed", "pole-id"]
    assert any(line.startswith("skipped") and "csms" in line for line in lines)
    assert any(line.startswith("skipped") and "security" in line for line in lines)
    assert any(line.startswith("PW-0001: PASSED") for line in lines)
    record = json.loads((out_dir / "record.json").read_text(encoding="utf-8"))
    assert record["passed"] is True and record["finished"] is not None
    assert len(record["steps"]) == 16
    assert record["technician"] == "Test Technician"
    if importlib.util.find_spec("pole_link.commissioning.report") is None:
        assert "only the record was written" in err
    else:  # with the report work merged: the signed report beside the record
        assert f"report: {out_dir / 'report.pdf'}" in lines
        assert (out_dir / "report.json").is_file()


async def test_commission_resumes_a_run_and_exits_1_when_a_required_step_failed(
        tmp_path: Path) -> None:
    store = tmp_path / "store"
    async with site(tmp_path) as here:
        here.pole.fault(2, "rcd")
        here.store.root = store
        run = here.begin()  # the wizard was started, then the laptop closed
        await run.answer("PW-0001")
        answers = tmp_path / "answers.json"
        answers.write_text(json.dumps({k: v for k, v in ANSWERS.items()
                                       if k != "led-colours"}), encoding="utf-8")
        await here.session.close()  # the port is the command's now
        status, out, err = await asyncio.to_thread(_run, [
            "--serial", here.path, "--pole", "PW-0001", "--answers", str(answers),
            "--store", str(store), "--key-dir", str(tmp_path / "keys"),
            "--token", here.token], here.clock)
    lines = out.splitlines()
    assert status == EXIT_FAILED, out + err
    assert f"resuming run {run.record.run_id} at clock" in err
    assert lines[0].startswith("passed") and lines[0].endswith("(earlier)")
    assert sum("pole-id" in line for line in lines) == 1
    earth = next(line for line in lines if " earth-fault " in line)
    assert earth.startswith("FAILED") and "socket 2" in earth
    assert next(line for line in lines if " led-colours " in line).startswith("not confirmed")
    assert any(line.startswith("PW-0001: NOT PASSED: required step earth-fault failed")
               for line in lines)
    record = here.store.load(run.record.run_id)
    assert record.finished is not None and not record.passed
    assert {s.step_id: s.outcome for s in record.steps}["earth-fault"] is Outcome.FAILED


async def test_commission_language_nl_prints_the_step_lines_and_summary_in_dutch(
        tmp_path: Path) -> None:
    """``--language nl``: the technician reads the run in Dutch, not only the report."""
    async with site(tmp_path) as here:
        here.pole.fault(2, "rcd")
        answers = tmp_path / "answers.json"
        answers.write_text(json.dumps({k: v for k, v in ANSWERS.items()
                                       if k != "led-colours"}), encoding="utf-8")
        await here.session.close()  # the port is the command's now
        status, out, err = await asyncio.to_thread(_run, [
            "--serial", here.path, "--pole", "PW-0001", "--answers", str(answers),
            "--store", str(tmp_path / "store"), "--key-dir", str(tmp_path / "keys"),
            "--out", str(tmp_path / "out"), "--token", here.token, "--language", "nl"],
            here.clock)
    lines = out.splitlines()
    assert status == EXIT_FAILED, out + err
    dutch_titles = find_checklist("tender").in_language("nl")
    first = lines[0].split(maxsplit=2)
    assert first[:2] == ["geslaagd", "pole-id"]
    assert first[2] == dutch_titles.step("pole-id").title
    earth = next(line for line in lines if " earth-fault " in line)
    assert earth.startswith("MISLUKT")
    assert "De aardlekbeveiliging (aardlekschakelaar) van laadpunt 2 slaagde niet" in earth
    colours = next(line for line in lines if " led-colours " in line)
    assert colours.startswith("niet bevestigd") and "Er is geen antwoord gegeven" in colours
    verdict = next(line for line in lines if line.startswith("PW-0001: "))
    assert verdict.startswith("PW-0001: NIET GESLAAGD: verplichte stap earth-fault is mislukt")
    assert "niet bevestigd" in verdict and ", doorloop " in verdict
    assert not any(line.startswith(("passed", "FAILED", "not confirmed")) for line in lines)
    assert any(line.startswith("vastlegging: ") for line in lines)


def test_commission_refuses_a_malformed_checklist_naming_its_line(tmp_path: Path) -> None:
    checklist = tmp_path / "broken.yaml"
    checklist.write_text("format: paalwerk-checklist/1\nname: b\nversion: '1'\nsteps:\n"
                         "  - {id: a, kind: wish, title: A}\n", encoding="utf-8")
    status, out, err = _run(["--serial", "/dev/null", "--pole", "PW-0001",
                             "--checklist", str(checklist)], lambda: T0)
    assert status == EXIT_PROBLEM
    assert f"{checklist}:5: unknown step kind 'wish'" in err
    assert out == ""


def test_commission_refuses_answers_for_steps_the_checklist_lacks(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("pole-idd: PW-0001\n", encoding="utf-8")
    status, _, err = _run(["--serial", "/dev/null", "--pole", "PW-0001", "--answers",
                           str(answers)], lambda: T0)
    assert status == EXIT_PROBLEM
    assert "no step 'pole-idd'" in err


def _ble_pole_time(address: str, transport: str) -> tuple[datetime, float]:
    """The pole's clock read once over BLE (its Hello), and our monotonic clock then: on a
    loop of its own, like the command's."""
    async def hello() -> datetime:
        session = PoleSession(BleLink(address, BleOptions(bumble_transport=transport)))
        try:
            return (await session.open()).time
        finally:
            await session.close()
            await close_shared_hosts()
    return asyncio.run(hello()), time.monotonic()


async def test_commission_over_ble_on_a_virtual_pole_passes_and_names_the_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--ble ADDRESS``: bleak over bumble to ``paalwerk sim --ble`` (the radio in that
    process), the whole checklist, the record saying the run went over Bluetooth."""
    sim = BleSimProcess("--start", T0.isoformat())
    try:
        address, transport = sim.ble_poles(1)["PW-0001"]
        monkeypatch.setenv("PAALWERK_BLE_TRANSPORT", transport)
        pole_time, read_at = await asyncio.to_thread(_ble_pole_time, address, transport)
        answers = tmp_path / "answers.yaml"
        answers.write_text(yaml.safe_dump(
            {**ANSWERS, "csms": {"skip": "end-of-line bench: no back office"},
             "security": {"skip": "end-of-line bench: the keys come from the back office"}}),
            encoding="utf-8")
        status, out, err = await asyncio.to_thread(_run, [
            "--ble", address, "--pole", "PW-0001", "--answers", str(answers),
            "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store"),
            "--technician", "Test Technician", "--key-dir", str(tmp_path / "keys")],
            lambda: pole_time + timedelta(seconds=time.monotonic() - read_at))
    finally:
        sim.stop()
    assert status == EXIT_PASSED, out + err
    assert any(line.startswith("PW-0001: PASSED") for line in out.splitlines())
    record = json.loads((tmp_path / "out" / "record.json").read_text(encoding="utf-8"))
    assert record["link"] == "ble" and record["passed"] is True
    charge = next(s for s in record["steps"] if s["stepId"] == "test-charge")
    assert charge["evidence"]["Vehicle"] == "simulated ev3 (virtual pole)"
