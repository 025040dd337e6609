"""eis 28/29: a driver lifts the peak limit from a phone, via the QR code on the pole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from service.server import RunningService, start_service
from tests.support import connected_pole, until


@pytest.fixture
async def charging(tmp_path: Path) -> AsyncIterator[tuple[RunningService, VirtualPole]]:
    service = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}")
    try:
        async with connected_pole(service.ocpp_url, tmp_path, "PW-0007",
                                  start=datetime(2026, 11, 25, 17, 30, tzinfo=UTC)) as connected:
            pole, outbox = connected.pole, connected.outbox
            pole.plug(1, EvType.EV3)
            pole.present_card(1, "DRIVER")
            await until(lambda: pole.socket(1).transaction is not None
                        and pole.socket(1).transaction.csms_id is not None
                        and len(outbox) == 0)
            yield service, pole
    finally:
        await service.stop()


def base(service: RunningService) -> str:
    return f"http://127.0.0.1:{service.port}"


async def test_eis28_eis29_phone_overrule_lifts_the_limit_and_is_stored(
    charging: tuple[RunningService, VirtualPole],
) -> None:
    service, pole = charging
    async with httpx.AsyncClient(base_url=base(service)) as http:
        page = await http.get("/o/PW-0007/1")
        assert page.status_code == 200
        assert "Tussen 17:00 en 21:00" in page.text and "opheffen" in page.text  # eis 29, Dutch
        done = await http.post("/o/PW-0007/1")
        assert done.status_code == 200 and "Gelukt" in done.text
        again = await http.get("/o/PW-0007/1")
        assert "al opgeheven" in again.text
    transaction = pole.socket(1).transaction
    assert transaction is not None and transaction.overruled
    stored = service.repository.get_transaction(transaction.csms_id)  # type: ignore[arg-type]
    assert stored is not None and stored.overruled_at is not None
    assert stored.overrule_source == "phone"
    # eis 69: the driver's action is in the (hash-chained) audit trail, under its pole.
    entries = service.repository.audit_entries(pole_id="PW-0007")
    assert [(e.actor, e.action, e.result) for e in entries
            if e.actor == "driver (phone)"] == [("driver (phone)", "Overrule connector 1",
                                                 "Accepted")]
    assert service.repository.verify_audit() == []


async def test_no_running_transaction_and_unknown_pole_are_explained(
    charging: tuple[RunningService, VirtualPole],
) -> None:
    service, _ = charging
    async with httpx.AsyncClient(base_url=base(service)) as http:
        idle = await http.post("/o/PW-0007/2")
        assert idle.status_code == 409 and "geen laadsessie" in idle.text
        unknown = await http.get("/o/PW-9999/1")
        assert unknown.status_code == 404 and "niet bekend" in unknown.text


async def test_qr_codes_point_at_the_page(charging: tuple[RunningService, VirtualPole]) -> None:
    service, _ = charging
    async with httpx.AsyncClient(base_url=base(service)) as http:
        svg = await http.get("/o/PW-0007/1/qr.svg")
        png = await http.get("/o/PW-0007/1/qr.png")
        other = await http.get("/o/PW-0007/1/qr.gif")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert other.status_code == 404
