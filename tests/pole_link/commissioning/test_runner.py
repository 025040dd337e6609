"""The tender checklist run against a virtual pole over its serial service port: what
passes, what fails with its evidence, and a run that resumes where it stopped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pole_link.commissioning.answers import run_with_answers
from pole_link.commissioning.checklist import find_checklist, parse_checklist
from pole_link.commissioning.checks import CHECKS, CheckContext
from pole_link.commissioning.record import Outcome
from pole_link.commissioning.runner import CommissioningRun, RunEvent
from pole_link.commissioning.store import RunStore
from pole_link.commissioning.words import Words, shown
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.sim_controls import SimControls
from pole_link.sim.vehicles import EvType
from pole_link.transports.csms import CsmsLink
from tests.conftest import ServedPole
from tests.pole_link.commissioning.support import ANSWERS, T0, site
from tests.support import connected_pole, running_service, until


async def test_full_tender_checklist_passes_on_a_virtual_pole_over_serial(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = here.begin()
        record = await run_with_answers(run, ANSWERS)
    outcomes = {s.step_id: s.outcome for s in record.steps}
    assert record.passed, [(s.step_id, s.message) for s in record.steps
                           if s.outcome is Outcome.FAILED]
    assert outcomes["sticker-photo"] is Outcome.SKIPPED
    assert all(o is Outcome.PASSED for k, o in outcomes.items() if k != "sticker-photo")
    assert [s.step_id for s in record.steps] == [s.id for s in here.checklist.steps]
    assert record.finished is not None
    evidence = {s.step_id: s.evidence for s in record.steps}
    assert evidence["test-charge"]["Mode 3 states"] == "A → B → C"
    assert evidence["pole-id"]["PoleId on the pole"] == "PW-0001"
    assert evidence["csms"]["Service"] == "connected"
    assert evidence["csms"]["BootNotification answer"].startswith("Accepted at ")
    assert evidence["security"]["Service's key"] == "on the pole"
    for socket in (1, 2):  # what Live showed of the cycle (the cycle itself: test_sim_led…)
        assert evidence["led-test"][f"Socket {socket} in Live"].startswith("off → green")
    stored = here.store.load(record.run_id)
    assert stored == record


async def test_eis12_sticker_id_unlike_the_poles_poleid_fails_with_both_ids(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = here.begin()
        result = await run.answer("PW-0002")
    assert result.outcome is Outcome.FAILED
    assert result.evidence["ID on the sticker"] == "PW-0002"
    assert result.evidence["PoleId on the pole"] == "PW-0001"
    assert "PoleId" in result.message and "sticker" in result.message


async def test_rcd_fault_on_socket_2_fails_the_earth_fault_step_with_its_evidence(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        here.pole.fault(2, "rcd")
        record = await run_with_answers(here.begin(), ANSWERS)
    earth = next(s for s in record.steps if s.step_id == "earth-fault")
    assert earth.outcome is Outcome.FAILED
    assert earth.evidence["Socket 1"].startswith("passed")
    assert earth.evidence["Socket 2"].startswith("FAILED")
    assert "socket 2" in earth.message
    assert not record.passed


async def test_an_interrupted_run_resumes_at_the_first_step_without_a_result(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = here.begin()
        await run.answer("PW-0001")
        started: list[str] = []
        run.subscribe(lambda e: started.append(e.step.id)
                      if e.kind == "step-started" and e.step else None)
        await run.run_automatic()  # clock
        await run.run_automatic()  # csms, then the laptop closes
        before = {s.step_id: s for s in run.record.steps}

        assert here.store.unfinished("PW-0001")[0].run_id == run.record.run_id
        resumed = here.resume(run.record.run_id)
        assert resumed.current is not None and resumed.current.id == "grid-connection"
        resumed.subscribe(lambda e: started.append(e.step.id)
                          if e.kind == "step-started" and e.step else None)
        events: list[RunEvent] = []
        resumed.subscribe(events.append)
        record = await run_with_answers(resumed, ANSWERS)
    assert started.count("clock") == 1 and started.count("csms") == 1
    assert len(started) == len(set(started))
    assert {s.step_id: s for s in record.steps if s.step_id in before} == before
    assert record.passed
    assert here.store.unfinished("PW-0001") == []


async def _run_to(run: CommissioningRun, step_id: str) -> None:
    """Answer and run every step before `step_id` as a technician with ANSWERS would."""
    while run.current is not None and run.current.id != step_id:
        if run.current.needs_technician:
            await run_with_one_answer(run)
        else:
            await run.run_automatic()


async def run_with_one_answer(run: CommissioningRun) -> None:
    step = run.current
    assert step is not None
    given = ANSWERS.get(step.id)
    if isinstance(given, dict):
        await run.skip(str(given["skip"]))
    elif isinstance(given, bool):
        await run.answer(confirmed=given)
    else:
        await run.answer(given)


async def test_eis24_a_pole_without_the_capacity_profile_gets_it_installed_and_verified(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        # The service deploys the tender profile after the pole's boot (paced): let that
        # happen first, or it lands after the clearing and the step finds it in force.
        await until(lambda: len(here.pole.profiles) > 0, timeout=20)
        here.pole.clear_charging_profiles()
        run = here.begin()
        await _run_to(run, "capacity-profile")
        result = await run.run_automatic()
    assert result.outcome is Outcome.PASSED, result.evidence
    assert result.evidence["Installed now"] == "tender profile of 2026-06-10: Accepted"
    assert "17:00 7 A" in result.evidence["Composite schedule (24 h)"]
    assert "21:00 30 A" in result.evidence["Composite schedule (24 h)"]


async def test_eis33_a_3x25_connection_on_a_pole_limited_to_30_a_fails(tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = here.begin()
        await _run_to(run, "grid-connection")
        result = await run.answer("3x25")
    assert result.outcome is Outcome.FAILED
    assert result.evidence["GridConnectionMaxCurrent"] == "30 A"
    assert result.evidence["Expected"] == "25 A"
    assert "GridConnectionMaxCurrent = 25 A" in result.message


async def test_a_pole_clock_10_s_behind_fails_the_clock_step_in_words(tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = CommissioningRun.begin(
            here.checklist, here.session, here.store, technician="T", link="serial",
            clock=lambda: here.pole.clock.now() + timedelta(seconds=10))
        await run.answer("PW-0001")
        result = await run.run_automatic()
    assert result.outcome is Outcome.FAILED
    assert result.evidence["Offset"].startswith("-10")
    assert "10 s behind" in result.message


async def test_without_a_service_the_csms_step_asks_the_poles_own_modem(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        run = CommissioningRun.begin(here.checklist, here.session, here.store,
                                     technician="T", link="serial", clock=here.clock)
        await _run_to(run, "csms")
        online = await run.run_automatic()
        run.reopen("csms")
        here.pole.set_network(False)
        offline = await run.run_automatic()
    assert online.outcome is Outcome.PASSED
    assert online.evidence["Checked via"].startswith("the pole's modem test")
    assert offline.outcome is Outcome.FAILED
    assert offline.evidence["Pole says"] == "no network"


async def test_on_a_real_pole_the_test_charge_asks_for_the_test_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SimControls, "handlers", lambda self: {})  # no Sim* messages: real
    async with site(tmp_path) as here:
        run = here.begin()
        await _run_to(run, "test-charge")
        asked: list[str] = []

        def technician(event: RunEvent) -> None:
            if event.kind == "message":
                asked.append(event.text)
                if event.text.startswith("Plug"):
                    here.pole.plug(1, EvType.EV3)
                else:
                    here.pole.unplug(1)

        run.subscribe(technician)
        result = await run.run_automatic()
    assert asked == ["Plug the test load into socket 1.", "Unplug the test load from socket 1."]
    assert result.outcome is Outcome.PASSED, result.message
    assert result.evidence["Vehicle"] == "test load plugged in by the technician"
    assert result.evidence["Mode 3 states"] == "A → B → C"


async def test_a_refused_test_charge_fails_and_leaves_no_simulated_car_behind(
        tmp_path: Path) -> None:
    only_charge = parse_checklist(
        "format: paalwerk-checklist/1\nname: charge\nversion: '1'\nsteps:\n"
        "  - {id: charge, kind: automatic, title: Charge, check: test_charge}\n")
    async with site(tmp_path) as here:
        here.pole.fault(1, "lock")
        run = CommissioningRun.begin(only_charge, here.session, here.store, technician="T",
                                     link="serial", clock=here.clock)
        result = await run.run_automatic()
        assert here.pole.socket(1).ev_type is None
    assert result.outcome is Outcome.FAILED
    assert result.evidence["RemoteStartTransaction"] == "Rejected"
    assert "refused to start a charge" in result.message


async def test_a_session_without_a_token_fails_writing_steps_saying_how_to_fix_it(
        tmp_path: Path, session: PoleSession, served_pole: ServedPole) -> None:
    writes = parse_checklist(
        "format: paalwerk-checklist/1\nname: w\nversion: '1'\nsteps:\n"
        "  - {id: light, kind: automatic, title: Light, check: light_intensity}\n"
        "  - {id: rcd, kind: automatic, title: RCD, check: earth_fault}\n")
    run = CommissioningRun.begin(writes, session, RunStore(tmp_path), technician="T",
                                 link="serial", clock=served_pole.pole.clock.now)
    await run.advance()
    record = run.finish()
    for result in record.steps:
        assert result.outcome is Outcome.FAILED
        assert "SecurityError" in result.evidence["Pole's answer"]
        assert "service token" in result.message


async def test_with_the_laptop_offline_the_csms_step_asks_the_poles_modem_instead(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        unreachable = ServiceClient(ServiceEndpoint("http://127.0.0.1:9", "token"))
        run = CommissioningRun.begin(here.checklist, here.session, here.store,
                                     technician="T", link="serial", clock=here.clock,
                                     service=unreachable)
        await _run_to(run, "csms")
        try:
            result = await run.run_automatic()
        finally:
            await unreachable.aclose()
    assert result.outcome is Outcome.PASSED
    assert "the service is not reachable" in result.evidence["Checked via"]


async def test_over_the_service_the_test_charge_plugs_the_virtual_poles_simulated_car(
        tmp_path: Path) -> None:
    """``--service`` on a virtual pole: the SimPlug goes through the service's relayed
    DataTransfer, so nobody is asked to plug a test load into a pole that is not there."""
    async with running_service(tmp_path, clock=SimClock(T0).now) as api, \
            connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        said: list[Words] = []
        session = PoleSession(CsmsLink("PW-0001", ServiceEndpoint(api.url, api.token)))
        async with session:
            checklist = find_checklist("tender")
            result = await CHECKS["test_charge"].run(CheckContext(
                session=session, step=checklist.step("test-charge"),
                clock=connected.pole.clock.now, pole_id="PW-0001", say=said.append))
    assert result.outcome is Outcome.PASSED, (result.message, result.evidence)
    evidence = {shown(label): shown(value) for label, value in result.evidence.items()}
    assert evidence["Vehicle"] == "simulated ev3 (virtual pole)"
    assert evidence["Mode 3 states"] == "A → B → C"
    assert not any("test load" in words.text() for words in said)
