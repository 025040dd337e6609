"""The commissioning wizard in the window: a technician on site with a cable to a virtual
pole that is online at its service. Steps run by themselves until one needs an answer; a
failed step says why; a run interrupted by a closed laptop resumes where it stopped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from gui.commissioning.page import CommissioningPage
from gui.commissioning.wizard_view import CommissioningView
from gui.i18n import switch_language
from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.tasks import TaskRunner
from gui.views.main_window import MainWindow, Page
from pole_link.commissioning.record import Outcome, StepKind
from pole_link.commissioning.report import read_report, verify_report
from pole_link.commissioning.store import RunStore
from pole_link.commissioning.technician_key import keep_key
from pole_link.protocol.connection import FramedConnection
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.token_wallet import TokenWallet
from pole_link.transports import PoleAddress
from tests.commissioning_support import MemoryKeyring
from tests.gui.qt_support import shown
from tests.pole_link.commissioning.support import ANSWERS, POLE_PASSWORD, T0, register_pole
from tests.support import connected_pole, running_service, technician_token, wallet_with


@dataclass
class OnSite:
    page: CommissioningPage
    controller: PoleController
    pole: VirtualPole
    path: str
    service: ServiceEndpoint
    store: RunStore
    key_dir: Path

    @property
    def view(self) -> CommissioningView:
        return self.page.wizard


@asynccontextmanager
async def pole_on_the_cable(tmp_path: Path) -> AsyncIterator[tuple[VirtualPole, str,
                                                                   ServiceEndpoint,
                                                                   TokenWallet]]:
    """A virtual pole online at a running service, its service port on a pseudo-terminal,
    and the technician's wallet with a token for it."""
    async with running_service(tmp_path, clock=SimClock(T0).now) as api:
        await register_pole(api)  # security profile 1: the tender's security step passes
        async with connected_pole(api.service.ocpp_url, tmp_path, start=T0, profile=1,
                                  password=POLE_PASSWORD) as connected, \
                _served(connected.pole) as path:
            wallet = wallet_with(await technician_token(api.service, connected.pole),
                                 connected.pole)
            yield connected.pole, path, ServiceEndpoint(api.url, api.token), wallet


@asynccontextmanager
async def _served(pole: VirtualPole) -> AsyncIterator[str]:
    """``pole``'s service port on a pseudo-terminal: its path."""
    port = PtyPort()
    task = asyncio.create_task(ServicePortEnd(pole, FramedConnection(port)).serve())
    try:
        yield port.path
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await port.close()


async def open_page(qtbot: QtBot, pole: VirtualPole, path: str, service: ServiceEndpoint,
                    store: RunStore, key_dir: Path, wallet: TokenWallet
                    ) -> tuple[CommissioningPage, PoleController]:
    """The Commissioning page as the window holds it (wizard and reports), on the pole's
    clock, following the service, connected over the cable and ready to start; the
    technician's wallet holds a service token for the pole."""
    controller = PoleController(retry_delays=(0.2,), wallet=wallet)
    page = CommissioningPage(controller, TaskRunner(), store=store, key_dir=key_dir)
    page.wizard.clock = pole.clock.now
    page.follow(service)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    controller.connect_to(PoleAddress("serial", path, path))
    await shown(lambda: controller.state == LinkState.CONNECTED
                and page.wizard.start_button.isEnabled())
    return page, controller


@pytest.fixture
async def on_site(qtbot: QtBot, tmp_path: Path) -> AsyncIterator[OnSite]:
    async with pole_on_the_cable(tmp_path) as (pole, path, service, wallet):
        store, key_dir = RunStore(tmp_path / "runs"), tmp_path / "keys"
        page, controller = await open_page(qtbot, pole, path, service, store, key_dir, wallet)
        yield OnSite(page, controller, pole, path, service, store, key_dir)
        await page.aclose()
        await controller.aclose()


async def waiting_for(view: CommissioningView, step_id: str) -> None:
    """Until the run stops at `step_id`, waiting for the technician."""
    await shown(lambda: view.run is not None and view.run.current is not None
                and view.run.current.id == step_id and not view._running
                and view.panel.step is not None and view.panel.step.id == step_id,
                timeout=60)


async def answer_like_a_technician(view: CommissioningView, answers: dict[str, object]) -> None:
    """Answer each step that waits, through the panel's own widgets."""
    panel = view.panel
    while True:
        await shown(lambda: view.run is not None and not view._running
                    and (view.run.current is None or panel.step is view.run.current),
                    timeout=90)
        assert view.run is not None
        step = view.run.current
        if step is None:
            return
        given = answers[step.id]
        if isinstance(given, dict):
            panel.ask_reason = lambda g=given: str(g["skip"])  # type: ignore[misc]
            panel.skip_button.click()
        elif step.kind is StepKind.CONFIRM:
            for item in step.items:
                panel.set_item(item, bool(given))
            panel.submit_button.click()
        elif step.input is not None and step.input.choices:
            panel.choice_input.setCurrentText(str(given))
            panel.submit_button.click()
        else:
            panel.text_input.setText(str(given))
            panel.submit_button.click()
        await shown(lambda s=step.id: view.run is not None and view.run.result(s) is not None,
                    timeout=90)


async def test_the_tender_checklist_through_the_wizard_and_its_summary(
        on_site: OnSite) -> None:
    view = on_site.view
    view.technician.setText("Anna de Vries")
    view.start_button.click()
    await waiting_for(view, "pole-id")
    assert view.panel.text_input.isVisible()
    assert view.panel.prompt.text() == "Pole ID on the sticker"

    await answer_like_a_technician(view, ANSWERS)

    assert view.run is not None
    assert view.finish_button.isEnabled()
    assert view.summary.text().startswith("Commissioning passed")
    assert "1 skipped" in view.summary.text()
    records: list[object] = []
    view.on_finished = records.append
    view.finish_button.click()
    assert view.run.record.finished is not None
    assert records == [view.run.record]
    assert on_site.store.load(view.run.record.run_id).technician == "Anna de Vries"


async def test_eis12_a_wrong_sticker_id_is_failed_in_words_and_can_be_run_again(
        on_site: OnSite) -> None:
    view = on_site.view
    view.technician.setText("Anna de Vries")
    view.start_button.click()
    await waiting_for(view, "pole-id")
    view.panel.text_input.setText("PW-9999")
    view.panel.submit_button.click()
    await waiting_for(view, "grid-connection")

    view.steps.setCurrentRow(0)  # the technician looks back at the failed step
    panel = view.panel
    assert panel.step is not None and panel.step.id == "pole-id"
    assert panel.outcome.text() == "✗ Failed"
    assert "PW-9999" in panel.message.text() and "PW-0001" in panel.message.text()
    shown_evidence = {panel.evidence.item(r, 0).text(): panel.evidence.item(r, 1).text()
                      for r in range(panel.evidence.rowCount())}
    assert shown_evidence["ID on the sticker"] == "PW-9999"
    assert shown_evidence["PoleId on the pole"] == "PW-0001"
    assert "Failed" in view.steps.item(0).text()

    panel.again_button.click()  # the sticker was misread: type it again
    await waiting_for(view, "pole-id")
    view.panel.text_input.setText("PW-0001")
    view.panel.submit_button.click()
    await waiting_for(view, "grid-connection")
    assert view.run is not None
    result = view.run.result("pole-id")
    assert result is not None and result.outcome is Outcome.PASSED


async def test_a_run_interrupted_by_a_closed_laptop_resumes_where_it_stopped(
        qtbot: QtBot, tmp_path: Path) -> None:
    async with pole_on_the_cable(tmp_path) as (pole, path, service, wallet):
        store, key_dir = RunStore(tmp_path / "runs"), tmp_path / "keys"
        page, controller = await open_page(qtbot, pole, path, service, store, key_dir, wallet)
        view = page.wizard
        view.technician.setText("Anna de Vries")
        view.start_button.click()
        await waiting_for(view, "pole-id")
        view.panel.text_input.setText("PW-0001")
        view.panel.submit_button.click()
        await waiting_for(view, "grid-connection")
        assert view.run is not None
        run_id = view.run.record.run_id
        done_before = {s.step_id: s.at for s in view.run.record.steps}
        await page.aclose()  # the laptop is closed: nothing but the store survives
        await controller.aclose()
        page.close()

        page, controller = await open_page(qtbot, pole, path, service, store, key_dir, wallet)
        again = page.wizard
        assert again.resume_button.isEnabled()
        assert again.resume_box.currentData() == run_id
        again.resume_button.click()
        await waiting_for(again, "grid-connection")
        assert again.run is not None
        # The steps done before were not run again: their results keep their moments.
        assert {s.step_id: s.at for s in again.run.record.steps} == done_before
        assert "✓" in again.steps.item(0).text()
        await page.aclose()
        await controller.aclose()


async def test_eis47_one_colour_not_seen_fails_the_led_step_and_names_the_colour(
        on_site: OnSite) -> None:
    view = on_site.view
    view.technician.setText("Anna de Vries")
    view.start_button.click()
    await waiting_for(view, "pole-id")
    view.panel.text_input.setText("PW-0001")
    view.panel.submit_button.click()
    await waiting_for(view, "grid-connection")
    view.panel.choice_input.setCurrentText("3x35")
    view.panel.submit_button.click()
    await waiting_for(view, "led-colours")
    step = view.panel.step
    assert step is not None
    for item in step.items:
        view.panel.set_item(item, item != "light blue")
    view.panel.submit_button.click()
    await waiting_for(view, "earth-resistance")
    assert view.run is not None
    result = view.run.result("led-colours")
    assert result is not None and result.outcome is Outcome.FAILED
    assert result.evidence["light blue"] == "NO" and result.evidence["green"] == "confirmed"
    assert "light blue" in result.message


@pytest.fixture
def memory_keyring() -> object:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


async def test_issue15_finishing_signs_the_report_and_sends_it_to_the_service(
        memory_keyring: object, on_site: OnSite) -> None:
    page, view, service, store = on_site.page, on_site.view, on_site.service, on_site.store
    opened: list[Path] = []
    page.open_file = opened.append
    # The technician's key is registered with the service beforehand ("Register my key",
    # tested with the reports list).
    kept = keep_key("Anna de Vries", fallback_dir=on_site.key_dir)
    assert kept.in_keyring
    async with ServiceClient(service) as client:
        await client.register_technician_key(kept.key.name, kept.key.public_base64)
    view.technician.setText("Anna de Vries")
    view.start_button.click()
    await answer_like_a_technician(view, ANSWERS)
    view.finish_button.click()

    await shown(lambda: view.open_report_button.isVisible(), timeout=60)
    assert view.report_state.text().startswith(
        f"Report signed by Anna de Vries (key {kept.key.fingerprint})")
    assert view.run is not None
    run_id = view.run.record.run_id
    folder = store.folder(run_id)
    assert verify_report(read_report(folder / "report.json"),
                         (folder / "report.pdf").read_bytes()) == view.run.record
    view.open_report_button.click()
    assert opened == [folder / "report.pdf"]

    await shown(lambda: page.reports.state.waiting == 0
                and [r.run_id for r in page.reports.state.reports] == [run_id], timeout=60)
    async with ServiceClient(service) as client:
        stored = await client.commissioning_reports("PW-0001")
    assert [(r.run_id, r.passed, r.technician) for r in stored] == [
        (run_id, True, "Anna de Vries")]


OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


async def test_issue15_in_dutch_a_failed_check_says_why_in_dutch(qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    """The whole window in Dutch on a small laptop screen, stopped on a failed automatic
    step: the message and the evidence read Dutch (screenshot in test-output/)."""
    assert switch_language("nl")
    try:
        async with pole_on_the_cable(tmp_path) as (pole, path, service, wallet):
            window = MainWindow()
            qtbot.addWidget(window)
            window.controller.wallet = wallet
            page = window.commissioning_page
            page.use_store(RunStore(tmp_path / "runs"))
            page.wizard.clock = pole.clock.now
            page.follow(service)
            window.resize(1366, 768)
            window.show()
            window.controller.connect_to(PoleAddress("serial", path, path))
            window.show_page(Page.COMMISSIONING)
            view = page.wizard
            await shown(lambda: view.start_button.isEnabled())
            view.technician.setText("Anna de Vries")
            view.start_button.click()
            await waiting_for(view, "pole-id")
            view.panel.text_input.setText("PW-9999")
            view.panel.submit_button.click()
            await waiting_for(view, "grid-connection")
            view.steps.setCurrentRow(0)  # back to the failed step
            panel = view.panel
            assert panel.message.text().startswith(
                "Op de sticker staat 'PW-9999', maar de PoleId van de paal is 'PW-0001'.")
            evidence = {panel.evidence.item(r, 0).text(): panel.evidence.item(r, 1).text()
                        for r in range(panel.evidence.rowCount())}
            assert evidence["ID op de sticker"] == "PW-9999"
            assert evidence["PoleId in de paal"] == "PW-0001"
            assert "The sticker says" not in panel.message.text()
            OUTPUT.mkdir(exist_ok=True)
            window.grab().save(str(OUTPUT / "commissioning_failed_step_nl_1366x768.png"))
            # While a check runs, what it asks of the technician is shown, in Dutch too.
            view.steps.setCurrentRow(3)
            view.panel.choice_input.setCurrentText("3x35")
            view.panel.submit_button.click()
            await shown(lambda: panel.busy.isVisible() and panel.busy.text()
                        == "De leds lopen nu alle kleuren door: kijk ernaar.", timeout=60)
            await waiting_for(view, "led-colours")
            await window.shutdown()
    finally:
        switch_language("en")
