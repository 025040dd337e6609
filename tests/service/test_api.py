"""The operator API over real HTTP, against the running service and real (virtual) poles."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from service.api.tokens import TokenStore, ensure_admin_token
from service.server import RunningService
from tests.support import Api, connected_pole, until

OCPP = [Subprotocol("ocpp1.6")]
T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


@asynccontextmanager
async def virtual_pole(service: RunningService, tmp_path: Path,
                       pole_id: str = "PW-0001") -> AsyncIterator[tuple[VirtualPole, Outbox]]:
    async with connected_pole(service.ocpp_url, tmp_path, pole_id, start=T0) as connected:
        yield connected.pole, connected.outbox


def test_tokens_are_stored_hashed_and_made_only_once(tmp_path: Path) -> None:
    path = tmp_path / "config" / "tokens.json"
    token = ensure_admin_token(path)
    assert token is not None and len(token) >= 40
    assert token not in path.read_text()
    assert ensure_admin_token(path) is None
    store = TokenStore(path)
    assert store.verify(token) and not store.verify(token + "x")


async def test_without_or_with_a_wrong_token_every_route_is_401(api: Api) -> None:
    async with httpx.AsyncClient(base_url=str(api.client.base_url)) as anonymous:
        for method, url in [("GET", "/api/v1/poles"), ("GET", "/api/v1/poles/X"),
                            ("POST", "/api/v1/poles/X/call")]:
            missing = await anonymous.request(method, url)
            assert missing.status_code == 401
            assert missing.json()["error"] == "Unauthorized"
            assert "Bearer" in missing.json()["description"]
            assert missing.headers["www-authenticate"] == "Bearer"
        wrong = await anonymous.get("/api/v1/poles",
                                    headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401 and "not valid" in wrong.json()["description"]


async def test_openapi_lists_the_routes(api: Api) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]
    for path in ("/api/v1/poles", "/api/v1/poles/{pole_id}", "/api/v1/poles/{pole_id}/call",
                 "/api/v1/poles/{pole_id}/meter-values", "/api/v1/poles/{pole_id}/overrule",
                 "/api/v1/poles/{pole_id}/configuration"):
        assert path in paths
    assert set(paths["/api/v1/poles/{pole_id}/configuration"]) == {"get", "put"}


async def test_a_connected_pole_is_read_and_commanded(api: Api, tmp_path: Path) -> None:
    http = api.client
    async with virtual_pole(api.service, tmp_path) as (pole, outbox):
        poles = (await http.get("/api/v1/poles")).json()
        assert [p["id"] for p in poles] == ["PW-0001"]
        listed = poles[0]
        assert listed["connected"] and listed["auto_registered"]
        assert listed["vendor"] == "Paalwerk" and listed["last_seen"] is not None
        assert {c["connector_id"]: (c["status"], c["error_code"])
                for c in listed["connectors"]} == {
            0: ("Available", "NoError"), 1: ("Available", "NoError"),
            2: ("Available", "NoError")}
        assert (await http.get("/api/v1/poles/PW-0001")).json()["id"] == "PW-0001"

        got = await http.post("/api/v1/poles/PW-0001/call", json={
            "action": "GetConfiguration", "payload": {"key": ["LightIntensity"]}})
        assert got.status_code == 200
        assert got.json()["result"]["configurationKey"][0]["value"] == "100"

        changed = await http.put("/api/v1/poles/PW-0001/configuration",
                                 json={"key": "LightIntensity", "value": "40"})
        assert changed.json() == {"result": {"status": "Accepted"}}
        assert pole.configuration.int_value("LightIntensity") == 40
        read = await http.get("/api/v1/poles/PW-0001/configuration",
                              params={"keys": "LightIntensity"})
        assert read.json()["result"]["configurationKey"][0]["value"] == "40"

        coffee = await http.post("/api/v1/poles/PW-0001/call",
                                 json={"action": "MakeCoffee", "payload": {}})
        assert coffee.status_code == 502
        assert coffee.json()["error"] == "NotImplemented" and coffee.json()["description"]

        pole.plug(1, EvType.EV3)
        started = await http.post("/api/v1/poles/PW-0001/remote-start",
                                  json={"connectorId": 1, "idTag": "CARD-1"})
        assert started.json() == {"result": {"status": "Accepted"}}
        await until(lambda: pole.socket(1).transaction is not None
                    and pole.socket(1).transaction.csms_id is not None)
        window = {"start": "2026-11-25T10:00:00+00:00", "end": "2026-11-25T14:00:00+01:00"}
        found = (await http.get("/api/v1/poles/PW-0001/transactions", params=window)).json()
        assert [(t["connector_id"], t["id_tag"], t["stopped"]) for t in found] == [
            (1, "CARD-1", None)]

        pole.scheduler.advance(3600)
        # An hour of samples reaches the service; a busy database may take a while.
        await until(lambda: len(outbox) == 0, timeout=60)
        values = await http.get("/api/v1/poles/PW-0001/meter-values",
                                params={**window, "connector": 1})
        rows = values.json()
        periodic = [r for r in rows if r["context"] == "Sample.Periodic"
                    and r["measurand"] == "Energy.Active.Import.Register"]
        assert len(periodic) == 4 and {r["connector_id"] for r in rows} == {1}
        later = await http.get("/api/v1/poles/PW-0001/meter-values", params={
            "start": "2026-11-25T13:00:00+01:00", "end": "2026-11-25T13:00:01+01:00"})
        # 13:00+01:00 is 12:00Z: the offset counts, and the end is exclusive.
        noon = datetime(2026, 11, 25, 12, tzinfo=UTC)
        assert later.json() and all(
            noon <= datetime.fromisoformat(r["timestamp"]) < noon + timedelta(seconds=1)
            for r in later.json())
        after = await http.get("/api/v1/poles/PW-0001/meter-values", params={
            "start": "2026-11-25T13:00:01+01:00", "end": "2026-11-25T18:00:00+01:00"})
        # The windows meet without overlap. (The pole's clock keeps running after the hour
        # it was pushed on, so a slow machine may have samples after 12:00:01Z: those
        # belong to this window, never to the one before.)
        assert not {r["id"] for r in later.json()} & {r["id"] for r in after.json()}
        assert all(datetime.fromisoformat(r["timestamp"]) >= noon + timedelta(seconds=1)
                   for r in after.json())

        overruled = await http.post("/api/v1/poles/PW-0001/overrule", json={"connectorId": 1})
        assert overruled.status_code == 200
        transaction_id = found[0]["id"]
        running = {c["connector_id"]: c for c in
                   (await http.get("/api/v1/poles/PW-0001")).json()["connectors"]}
        assert running[1]["transaction_id"] == transaction_id
        assert running[1]["transaction_started"] is not None
        assert running[2]["transaction_id"] is None
        assert overruled.json()["result"] == {"status": "Accepted",
                                              "transactionId": transaction_id}
        assert pole.socket(1).transaction.overruled  # type: ignore[union-attr]
        stored = api.service.repository.get_transaction(transaction_id)
        assert stored is not None and stored.overruled_at is not None, "eis 28: stored"
        assert stored.overrule_source == "phone"
        again = await http.post("/api/v1/poles/PW-0001/overrule", json={"connectorId": 1})
        assert again.json()["result"]["status"] == "AlreadyOverruled"
        idle = await http.post("/api/v1/poles/PW-0001/overrule", json={"connectorId": 2})
        assert idle.status_code == 409 and idle.json()["error"] == "NoTransaction"
        stopped = await http.post("/api/v1/poles/PW-0001/remote-stop",
                                  json={"transactionId": transaction_id})
        assert stopped.json() == {"result": {"status": "Accepted"}}
        await until(lambda: pole.socket(1).transaction is None and len(outbox) == 0)
        closed = (await http.get("/api/v1/poles/PW-0001/transactions", params=window)).json()
        assert closed[0]["stop_reason"] == "Remote"

        messages = (await http.get("/api/v1/poles/PW-0001/messages",
                                   params={"limit": 5})).json()
        assert isinstance(messages, list) and len(messages) <= 5


async def test_time_ranges_need_an_offset_and_unknown_poles_are_404(api: Api,
                                                                    tmp_path: Path) -> None:
    http = api.client
    async with virtual_pole(api.service, tmp_path):
        naive = await http.get("/api/v1/poles/PW-0001/meter-values", params={
            "start": "2026-11-25T10:00:00", "end": "2026-11-25T14:00:00+01:00"})
        assert naive.status_code == 422 and "timezone" in naive.json()["description"]
        garbage = await http.get("/api/v1/poles/PW-0001/transactions",
                                 params={"start": "yesterday", "end": "today"})
        assert garbage.status_code == 422 and "start" in garbage.json()["description"]
    unknown = await http.get("/api/v1/poles/NOPE")
    assert unknown.status_code == 404 and "NOPE" in unknown.json()["description"]
    unknown_rows = await http.get("/api/v1/poles/NOPE/transactions", params={
        "start": "2026-11-25T10:00:00Z", "end": "2026-11-25T14:00:00Z"})
    assert unknown_rows.status_code == 404


async def test_a_command_to_an_offline_pole_is_409_at_once(api: Api) -> None:
    began = time.monotonic()
    answer = await api.client.post("/api/v1/poles/NOWHERE/reset", json={"type": "Soft"})
    assert answer.status_code == 409 and answer.json()["error"] == "PoleOffline"
    assert time.monotonic() - began < 2


async def test_a_pole_that_never_answers_gives_504_within_the_timeout(api: Api) -> None:
    url = f"{api.service.ocpp_url}/SILENT-1"
    async with connect(url, subprotocols=OCPP) as websocket:
        await websocket.send(json.dumps([2, "b", "BootNotification", {
            "chargePointVendor": "Test", "chargePointModel": "Silent"}]))
        async with asyncio.timeout(5):
            assert json.loads(await websocket.recv())[0] == 3
        began = time.monotonic()
        first, second = await asyncio.gather(
            api.client.post("/api/v1/poles/SILENT-1/unlock", params={"timeout": 1},
                            json={"connectorId": 1}),
            api.client.post("/api/v1/poles/SILENT-1/call", params={"timeout": 1},
                            json={"action": "Heartbeat", "payload": {}}))
        elapsed = time.monotonic() - began
        assert first.status_code == 504 and second.status_code == 504
        assert first.json()["error"] == "Timeout"
        assert elapsed < 3  # the second waited behind the first, still within its own limit
        too_long = await api.client.post("/api/v1/poles/SILENT-1/reset",
                                         params={"timeout": 61}, json={"type": "Hard"})
        assert too_long.status_code == 422


async def test_eis25_compliance_report_from_stored_transactions(api: Api) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    from tests.service.test_csms_ocpp import BOOT, call

    url = f"{api.service.ocpp_url}/PW-REPORT"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as pole:
        await call(pole, [2, "b", "BootNotification", BOOT])
        api.service.repository.upsert_pole(
            "PW-REPORT", programme_start=datetime(2026, 10, 31, 23, tzinfo=UTC))  # 1 Nov local
        # 20 Nov 17:30–18:30 CET: a peak transaction.            22 Nov 18:00 CET: overruled.
        # 21 Nov 12:00–13:00 CET: outside the peak.  => baseline 2 peak, 1 overruled = 50.0 %
        sessions = [("2026-11-20T16:30:00Z", "2026-11-20T17:30:00Z", False),
                    ("2026-11-21T11:00:00Z", "2026-11-21T12:00:00Z", False),
                    ("2026-11-22T17:00:00Z", "2026-11-22T18:00:00Z", True)]
        for number, (start, stop, overrule) in enumerate(sessions):
            started = await call(pole, [2, f"s{number}", "StartTransaction", {
                "connectorId": 1, "idTag": f"T{number}", "meterStart": 0, "timestamp": start}])
            transaction_id = started[2]["transactionId"]  # type: ignore[index]
            if overrule:
                await call(pole, [2, f"o{number}", "DataTransfer", {
                    "vendorId": "paalwerk", "messageId": "Overrule", "data": json.dumps(
                        {"connectorId": 1, "transactionId": transaction_id,
                         "source": "pole", "timestamp": "2026-11-22T17:20:00Z"})}])
            await call(pole, [2, f"e{number}", "StopTransaction", {
                "transactionId": transaction_id, "meterStop": 1000, "timestamp": stop}])
    until = "2026-11-25T00:00:00Z"
    report = await api.client.get("/api/v1/poles/PW-REPORT/compliance",
                                  params={"until": until})
    assert report.status_code == 200
    baseline = report.json()[0]
    assert (baseline["peak_transactions"], baseline["overruled"]) == (2, 1)
    assert baseline["overruled_percent"] == 50.0
    csv = await api.client.get("/api/v1/poles/PW-REPORT/compliance",
                               params={"until": until, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "PW-REPORT" in csv.text
    missing = await api.client.get("/api/v1/poles/NOPE/compliance")
    assert missing.status_code == 404


async def test_eis48_uptime_of_a_pole_over_the_api(api: Api, tmp_path: Path) -> None:
    http = api.client
    before = datetime.now(UTC) - timedelta(minutes=1)
    async with virtual_pole(api.service, tmp_path):
        await asyncio.sleep(0.5)
        listed = (await http.get("/api/v1/poles")).json()
        assert listed[0]["uptime_percent"] is None, "only computed when asked for"
        asked = (await http.get("/api/v1/poles", params={"uptime_days": 1})).json()
        # Counted from the pole's registration, not from a month it did not exist.
        assert asked[0]["uptime_percent"] > 99
        assert (await http.get("/api/v1/poles/PW-0001")).json()["uptime_percent"] > 0
    repository = api.service.repository
    # The service closes the session as the pole's socket closes: wait for it to land.
    await until(lambda: all(session.ended is not None for session in
                            repository.connection_sessions("PW-0001", before,
                                                           datetime.now(UTC))))
    after = datetime.now(UTC) + timedelta(minutes=1)
    period = {"start": before.isoformat(), "end": after.isoformat()}
    report = (await http.get("/api/v1/poles/PW-0001/uptime", params=period)).json()
    assert report["period_seconds"] == (after - before).total_seconds()
    assert 0.5 <= report["connected_seconds"] < 60, "connected for the block above only"
    assert report["up_seconds"] == report["connected_seconds"], "both sockets were Available"
    assert report["percent"] == pytest.approx(
        100 * report["up_seconds"] / report["period_seconds"])
    assert report["meets_98"] is False
    csv_text = (await http.get("/api/v1/poles/PW-0001/uptime",
                               params={**period, "format": "csv"})).text
    assert csv_text.splitlines()[0].startswith("pole_id,")
    backwards = await http.get("/api/v1/poles/PW-0001/uptime",
                               params={"start": after.isoformat(), "end": before.isoformat()})
    assert backwards.status_code == 422 and "after start" in backwards.json()["description"]
    assert (await http.get("/api/v1/poles/PW-0404/uptime", params=period)).status_code == 404


async def test_the_fleet_listing_shows_each_pole_its_own_sockets_and_charges(api: Api) -> None:
    """The listing reads every pole's connectors and running transactions at once; each
    must still land on its own pole and socket."""
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    from tests.service.test_csms_ocpp import BOOT, call

    async with connect(f"{api.service.ocpp_url}/PW-A", subprotocols=[Subprotocol("ocpp1.6")]
                       ) as a, connect(f"{api.service.ocpp_url}/PW-B",
                                       subprotocols=[Subprotocol("ocpp1.6")]) as b:
        for pole in (a, b):
            await call(pole, [2, "b", "BootNotification", BOOT])
        for pole, connector, status in ((a, 1, "Available"), (a, 2, "Faulted"),
                                        (b, 1, "Charging"), (b, 2, "Available")):
            await call(pole, [2, f"s{connector}", "StatusNotification", {
                "connectorId": connector, "errorCode": "NoError", "status": status}])
        started = await call(b, [2, "t", "StartTransaction", {
            "connectorId": 1, "idTag": "T", "meterStart": 0,
            "timestamp": "2026-11-25T17:00:00Z"}])
        listed = {pole["id"]: pole for pole in (await api.client.get("/api/v1/poles")).json()}
    assert sorted(listed) == ["PW-A", "PW-B"]
    assert [(c["connector_id"], c["status"], c["transaction_id"])
            for c in listed["PW-A"]["connectors"]] == [(1, "Available", None), (2, "Faulted", None)]
    assert [(c["connector_id"], c["status"], c["transaction_id"])
            for c in listed["PW-B"]["connectors"]] == [
        (1, "Charging", started[2]["transactionId"]), (2, "Available", None)]  # type: ignore[index]


async def test_eis48_fleet_uptime_matches_each_pole_s_own(api: Api) -> None:
    """The listing computes every pole's uptime from a few fleet-wide reads; each figure
    must be the one the pole's own read gives (its registration, sessions and faults)."""
    repository = api.service.repository
    now = datetime.now(UTC)
    day = timedelta(days=1)
    # PW-OLD: registered long ago, connected for the last 20 of 30 days, one socket
    # Available, the pole Faulted for a day.  PW-NEW: registered 2 days ago, up since.
    repository.upsert_pole("PW-OLD", registered_at=now - 90 * day)
    repository.upsert_pole("PW-NEW", registered_at=now - 2 * day)
    repository.session_began("PW-OLD", now - 20 * day)
    repository.session_began("PW-NEW", now - 2 * day)
    repository.record_status("PW-OLD", 1, "Available", "NoError", now - 40 * day)
    repository.record_status("PW-OLD", 0, "Faulted", "GroundFailure", now - 5 * day)
    repository.record_status("PW-OLD", 0, "Available", "NoError", now - 4 * day)
    repository.record_status("PW-NEW", 1, "Available", "NoError", now - 2 * day)
    listed = {pole["id"]: pole["uptime_percent"] for pole in
              (await api.client.get("/api/v1/poles", params={"uptime_days": 30})).json()}
    for pole_id in ("PW-OLD", "PW-NEW"):
        own = (await api.client.get(f"/api/v1/poles/{pole_id}",
                                    params={"uptime_days": 30})).json()["uptime_percent"]
        assert listed[pole_id] == pytest.approx(own, abs=0.01)
    assert listed["PW-OLD"] == pytest.approx(100 * 19 / 30, abs=0.05)
    assert listed["PW-NEW"] == pytest.approx(100, abs=0.05)
