"""Issue 15: signed commissioning reports reach the service — verified on upload against
the technician's registered keys, refused with the reason when tampered with, stored per
pole and listed/fetched — also when the runs were finished offline and synced later.
Over real HTTP through `ServiceClient`, on SQLite and PostgreSQL, at a fixed service time."""

from __future__ import annotations

import copy
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.commissioning.report import read_report, verify_report, write_report
from pole_link.commissioning.sync import ReportOutbox
from pole_link.commissioning.technician_key import TechnicianKey
from pole_link.errors import NotAuthorised
from pole_link.service_api import (
    CommissioningReportRecord,
    ServiceClient,
    ServiceEndpoint,
    ServiceRefused,
)
from pole_link.sim.clock import SimClock
from tests.commissioning_support import START, TECHNICIAN, finished_run
from tests.support import Api, audited, postgres_schema, running_service

NOW = datetime(2026, 12, 4, 16, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@dataclass
class ReportsApi:
    api: Api
    client: ServiceClient

    def audit(self, action: str) -> list[str]:
        return audited(self.api.service.repository.engine, action)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
async def reports_api(tmp_path: Path, db_url: str | None) -> AsyncIterator[ReportsApi]:
    async with running_service(tmp_path / "service", db_url, clock=SimClock(NOW).now) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        yield ReportsApi(api, client)


@pytest.fixture
def key() -> TechnicianKey:
    return TechnicianKey.generate(TECHNICIAN)


def signed_run(root: Path, key: TechnicianKey, run_id: str = "run-0001",
               pole_id: str = "PW-0001", *, failed: bool = False, start: datetime = START
               ) -> tuple[dict[str, object], bytes]:
    record = finished_run(root, run_id, pole_id, technician=key.name, failed=failed,
                          start=start)
    files = write_report(record, root / run_id, key)
    return read_report(files.json_path), files.pdf_path.read_bytes()


def closed_port() -> int:
    """A port nothing listens on: the service is "not reachable"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_issue15_runs_finished_offline_sync_once_the_service_is_reachable(
        tmp_path: Path, db_url: str | None, key: TechnicianKey) -> None:
    runs = tmp_path / "runs"
    first = finished_run(runs, "run-0001", "PW-0001", failed=True)
    second = finished_run(runs, "run-0002", "PW-0001", start=START + timedelta(hours=1))
    finished_run(runs, "run-0003", "PW-0002")
    finished_run(runs, "run-0004", "PW-0001", finished=False)  # still under way
    write_report(first, runs / "run-0001", key)  # signed on site; the others at sync
    outbox = ReportOutbox(runs, key)
    assert [(p.pole_id, p.run_id, p.signed) for p in outbox.pending()] == [
        ("PW-0001", "run-0001", True), ("PW-0002", "run-0003", False),
        ("PW-0001", "run-0002", False)]  # oldest finished first

    # No service: everything stays pending, each with why.
    offline = ServiceEndpoint(f"http://127.0.0.1:{closed_port()}", "token")
    async with ServiceClient(offline) as client:
        result = await outbox.sync(client)
    assert result.uploaded == () and len(result.failed) == 3
    assert all("cannot reach the service" in f.reason and not f.refused
               for f in result.failed)
    pending = outbox.pending()
    assert [p.run_id for p in pending] == ["run-0001", "run-0003", "run-0002"]
    assert all(p.signed and "cannot reach the service" in p.last_error for p in pending)

    # The service comes up; the technician's key is registered; sync catches up.
    async with running_service(tmp_path / "service", db_url, clock=SimClock(NOW).now) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        await client.register_technician_key(TECHNICIAN, key.public_base64)
        result = await outbox.sync(client)
        assert result.complete and result.uploaded == ("run-0001", "run-0003", "run-0002")
        assert result.summary() == "3 report(s) uploaded"
        assert outbox.pending() == []
        assert (await outbox.sync(client)).uploaded == ()  # nothing twice

        listed = await client.commissioning_reports("PW-0001")  # newest run first
        assert [replace(r, uploaded_at=None) for r in listed] == [
            CommissioningReportRecord(
                "run-0002", "PW-0001", "tender", "1.0", TECHNICIAN, key.fingerprint,
                second.started, second.finished, True),
            CommissioningReportRecord(
                "run-0001", "PW-0001", "tender", "1.0", TECHNICIAN, key.fingerprint,
                START, first.finished, False)]
        assert all(r.uploaded_at is not None and NOW <= r.uploaded_at < NOW + MINUTE
                   for r in listed)  # the service's clock
        assert [r.run_id for r in await client.commissioning_reports("PW-0002")] == [
            "run-0003"]
        assert await client.commissioning_reports("PW-0009") == []
        fetched = await client.commissioning_report("PW-0001", "run-0001")
        pdf = await client.commissioning_report_pdf("PW-0001", "run-0001")
        assert fetched == read_report(runs / "run-0001" / "report.json")
        assert pdf == (runs / "run-0001" / "report.pdf").read_bytes()
        assert verify_report(fetched, pdf) == first  # anyone can check it again
        response = await api.client.get(
            "/api/v1/poles/PW-0001/commissioning-reports/run-0001/pdf")
        assert response.headers["content-type"] == "application/pdf"
        with pytest.raises(ServiceRefused) as unknown:
            await client.commissioning_report("PW-0002", "run-0001")  # another pole's run
        assert (unknown.value.status, unknown.value.code) == (404, "UnknownReport")


async def test_issue15_a_tampered_report_is_refused_with_the_reason_and_logged(
        reports_api: ReportsApi, tmp_path: Path, key: TechnicianKey,
        caplog: pytest.LogCaptureFixture) -> None:
    client = reports_api.client
    await client.register_technician_key(TECHNICIAN, key.public_base64)
    report, pdf = signed_run(tmp_path, key, failed=True)
    tampered = copy.deepcopy(report)
    steps = tampered["record"]["steps"]  # type: ignore[index]
    steps[0]["evidence"]["PoleId on the pole"] = "PW-0007"
    other_pdf = pdf + b"% one more line\n"  # still a PDF a viewer opens
    cases = [
        ("one evidence value changed", tampered, pdf, "InvalidSignature",
         "the report was changed after it was signed"),
        ("another PDF than the signed one", report, other_pdf, "HashMismatch",
         "is not the one the report signs"),
        ("another pole's URL", report, pdf, "WrongPole",
         "the report is of pole 'PW-0001', not 'PW-0002'"),
    ]
    with caplog.at_level(logging.WARNING, logger="service.api.commissioning_reports"):
        for what, body, data, code, reason in cases:
            pole = "PW-0002" if code == "WrongPole" else "PW-0001"
            with pytest.raises(ServiceRefused) as refused:
                await client.upload_commissioning_report(pole, body, data)
            assert (refused.value.status, refused.value.code) == (422, code), what
            assert reason in str(refused.value), what
    assert await client.commissioning_reports("PW-0001") == []
    refusals = reports_api.audit("commissioning report refused")
    assert [detail.split(":")[0] for detail in refusals] == [c[3] for c in cases]
    assert "commissioning report refused (InvalidSignature)" in caplog.text
    assert json.dumps(report["signature"]) not in caplog.text  # the body is not logged

    # The untouched report is accepted, then the same again is idempotent; another
    # report for the same run is not.
    stored = await client.upload_commissioning_report("PW-0001", report, pdf)
    assert await client.upload_commissioning_report("PW-0001", report, pdf) == stored
    again, again_pdf = signed_run(tmp_path / "again", key)
    with pytest.raises(ServiceRefused) as exists:
        await client.upload_commissioning_report("PW-0001", again, again_pdf)
    assert exists.value.code == "ReportExists"
    assert reports_api.audit("commissioning report accepted") == [
        f"PW-0001 run run-0001 by {TECHNICIAN} (failed)"]


async def test_issue15_a_report_is_refused_unless_signed_by_a_key_registered_for_its_technician(
        reports_api: ReportsApi, tmp_path: Path, key: TechnicianKey) -> None:
    client = reports_api.client
    report, pdf = signed_run(tmp_path, key)
    with pytest.raises(ServiceRefused) as unregistered:
        await client.upload_commissioning_report("PW-0001", report, pdf)
    assert unregistered.value.code == "UnknownTechnician"
    assert f"no signing key is registered for technician '{TECHNICIAN}'" in \
        str(unregistered.value)

    # Someone registers a key under the technician's name, then signs with it …
    impostor = TechnicianKey.generate(TECHNICIAN)
    await client.register_technician_key(TECHNICIAN, impostor.public_base64)
    with pytest.raises(ServiceRefused) as unknown_key:
        await client.upload_commissioning_report("PW-0001", report, pdf)
    assert unknown_key.value.code == "UnknownKey"
    assert key.fingerprint in str(unknown_key.value)
    # … or puts the registered key into a report another key signed: the swap is caught.
    swapped = copy.deepcopy(report)
    swapped["signature"]["publicKey"] = impostor.public_base64  # type: ignore[index]
    with pytest.raises(ServiceRefused) as swap:
        await client.upload_commissioning_report("PW-0001", swapped, pdf)
    assert swap.value.code == "InvalidSignature"
    assert await client.commissioning_reports("PW-0001") == []


async def test_issue15_a_rotated_key_still_verifies_the_older_reports(
        reports_api: ReportsApi, tmp_path: Path, key: TechnicianKey) -> None:
    client = reports_api.client
    old = await client.register_technician_key(TECHNICIAN, key.public_base64)
    assert [k.fingerprint for k in old] == [key.fingerprint]
    assert old[0].registered_at is not None and NOW <= old[0].registered_at < NOW + MINUTE
    report, pdf = signed_run(tmp_path, key)  # signed before the new laptop
    new_key = TechnicianKey.generate(TECHNICIAN)
    keys = await client.register_technician_key(TECHNICIAN, new_key.public_base64)
    assert [k.public_key for k in keys] == [key.public_base64, new_key.public_base64]
    assert await client.register_technician_key(TECHNICIAN, new_key.public_base64) == keys
    assert await client.technician_keys(TECHNICIAN) == keys
    with pytest.raises(ServiceRefused) as shared:  # one key, one person
        await client.register_technician_key("Piet Jansen", new_key.public_base64)
    assert shared.value.code == "KeyInUse"
    assert f"registered for technician '{TECHNICIAN}'" in str(shared.value)
    assert await client.technician_keys("Piet Jansen") == []
    await client.upload_commissioning_report("PW-0001", report, pdf)
    newer, newer_pdf = signed_run(tmp_path, new_key, "run-0002", start=START + MINUTE)
    await client.upload_commissioning_report("PW-0001", newer, newer_pdf)
    assert [r.fingerprint for r in await client.commissioning_reports("PW-0001")] == [
        new_key.fingerprint, key.fingerprint]
    assert reports_api.audit("technician key registered") == [
        f"{TECHNICIAN}: fingerprint {key.fingerprint}",
        f"{TECHNICIAN}: fingerprint {new_key.fingerprint}"]


async def test_bad_keys_and_bodies_are_refused_in_words(
        reports_api: ReportsApi, tmp_path: Path, key: TechnicianKey) -> None:
    http = reports_api.api.client
    for body, reason in (({"public_key": "AAAA"}, "an Ed25519 public key has 32 bytes"),
                         ({"public_key": "not base64!"}, "the public key is not base64"),
                         ({"key": "x"}, '{"public_key": ')):
        response = await http.put("/api/v1/technicians/Sanne/key", json=body)
        assert response.status_code == 422 and reason in response.json()["description"]
    response = await http.post("/api/v1/poles/PW-0001/commissioning-reports",
                               content=b"{not json")
    assert response.status_code == 422 and response.json()["error"] == "InvalidReport"
    response = await http.post("/api/v1/poles/PW-0001/commissioning-reports",
                               json={"report": {"format": "x"}, "pdf": ""})
    assert response.json()["description"].startswith("unknown report format 'x'")
    await reports_api.client.register_technician_key(TECHNICIAN, key.public_base64)
    long_run, pdf = signed_run(tmp_path, key, "run-" + "x" * 130)
    with pytest.raises(ServiceRefused) as too_long:
        await reports_api.client.upload_commissioning_report("PW-0001", long_run, pdf)
    assert too_long.value.code == "InvalidReport"
    assert "the record's run id 'run-xxx" in str(too_long.value)
    assert [detail.split(":")[0] for detail in reports_api.audit(
        "commissioning report refused")] == ["InvalidReport"] * 3


async def test_issue15_a_refused_report_stays_pending_with_the_services_reason(
        reports_api: ReportsApi, tmp_path: Path, key: TechnicianKey) -> None:
    """The technician sees why (no key registered), and the sync of the others goes on."""
    runs = tmp_path / "runs"
    finished_run(runs, "run-0001", technician="Piet Jansen")
    finished_run(runs, "run-0002")
    outbox = ReportOutbox(runs, key)
    await reports_api.client.register_technician_key(TECHNICIAN, key.public_base64)
    piet = TechnicianKey.generate("Piet Jansen")
    write_report(finished_run(runs, "run-0001", technician="Piet Jansen"), runs / "run-0001",
                 piet)
    result = await outbox.sync(reports_api.client)
    assert result.uploaded == ("run-0002",)
    [failure] = result.failed
    assert (failure.run_id, failure.refused) == ("run-0001", True)
    assert "UnknownTechnician" in failure.reason and "'Piet Jansen'" in failure.reason
    [pending] = outbox.pending()
    assert (pending.run_id, pending.refused, pending.last_error) == (
        "run-0001", True, failure.reason)


async def test_the_report_routes_need_a_token(reports_api: ReportsApi) -> None:
    async with ServiceClient(ServiceEndpoint(reports_api.api.url, "wrong")) as stranger:
        with pytest.raises(NotAuthorised):
            await stranger.commissioning_reports("PW-0001")
        with pytest.raises(NotAuthorised):
            await stranger.register_technician_key(TECHNICIAN,
                                                   TechnicianKey.generate("x").public_base64)
    paths = (await reports_api.api.client.get("/openapi.json")).json()["paths"]
    for path in ("/api/v1/technicians/{name}/key", "/api/v1/technicians/{name}/keys",
                 "/api/v1/poles/{pole_id}/commissioning-reports",
                 "/api/v1/poles/{pole_id}/commissioning-reports/{run_id}",
                 "/api/v1/poles/{pole_id}/commissioning-reports/{run_id}/pdf"):
        assert path in paths, path
    upload = paths["/api/v1/poles/{pole_id}/commissioning-reports"]["post"]
    assert "InvalidSignature" in upload["description"]
    assert upload["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "report", "pdf"]
