"""Firmware rollouts across the fleet (issue 14): one accepted signed package to many
virtual poles that really download it from the service over HTTP, install it and boot it,
a few at a time; confirmed only by the version each pole boots with. Through
`ServiceClient`, over real sockets, at a service time the test sets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from sqlmodel import Session

from pole_link.errors import NotAuthorised
from pole_link.service_api import (
    RolloutEvent,
    RolloutPoleEvent,
    RolloutRecord,
    RolloutRequest,
    ServiceClient,
    ServiceEndpoint,
    ServiceRefused,
)
from pole_link.sim.clock import SimClock
from service.api.tokens import ensure_admin_token
from service.rollouts.plan import may_start, version_below
from service.server import prepare_database, start_service
from tests.firmware_support import NOW, Manufacturer, fleet, trusting_service
from tests.support import (
    Api,
    eventually,
    postgres_schema,
    running_service,
)

SIZE = 64 << 10


async def finished(client: ServiceClient, rollout_id: int,
                   done: Callable[[RolloutRecord], bool], timeout: float = 60.0
                   ) -> RolloutRecord:
    """The rollout once ``done`` holds for it."""
    seen: list[RolloutRecord] = []

    async def check() -> bool:
        seen.append(await client.rollout(rollout_id))
        return done(seen[-1])
    await eventually(check, timeout)
    return seen[-1]


def in_flight_at_most(record: RolloutRecord, limit: int,
                      ended: dict[str, datetime]) -> None:
    """No moment had more than ``limit`` poles between being sent and ending."""
    spans = [(pole.sent_at, ended[pole.pole_id]) for pole in record.poles
             if pole.sent_at is not None]
    for start, _ in spans:
        overlapping = sum(1 for s, e in spans if s <= start < e)
        assert overlapping <= limit


def ended_at(api: Api, rollout_id: int) -> dict[str, datetime]:
    """When each pole reached the state it is in now."""
    return {entry.pole_id: entry.updated_at
            for entry in api.service.repository.rollout_poles(rollout_id)}


@contextlib.contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str | None]:
    """None (the SQLite file `running_service` makes) or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_release_goes_to_six_poles_two_at_a_time_and_a_rollback_fails_one(
        tmp_path: Path, manufacturer: Manufacturer, backend: str) -> None:
    with database(backend, tmp_path) as url:
        await six_poles_two_at_a_time(tmp_path, manufacturer, url)


async def six_poles_two_at_a_time(tmp_path: Path, manufacturer: Manufacturer,
                                  url: str | None) -> None:
    async with trusting_service(
            tmp_path, manufacturer, SimClock(NOW).now, url=url) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 6, manufacturer) as poles:
            poles[3].pole.firmware.fail_next_boot = True  # PW-0004's boot fails its check
            rollout = await client.create_rollout(RolloutRequest(
                record.sha256, version_below="2.0", concurrency=2))
            assert rollout.state == "running" and rollout.version == "2.0.0"
            assert (rollout.concurrency, rollout.window, rollout.avoid_peak,
                    rollout.halt_after_failures, rollout.offline_limit_s,
                    rollout.step_timeout_s, rollout.created_at) == (
                2, None, True, None, 86400, 3600, rollout.created_at)
            assert rollout.created_at is not None
            assert NOW <= rollout.created_at < NOW + timedelta(minutes=1)  # service clock
            assert [pole.state for pole in rollout.poles].count("pending") >= 4
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            by_id = {pole.pole_id: pole for pole in done.poles}
            assert {pole_id: pole.state for pole_id, pole in by_id.items()} == {
                "PW-0001": "Installed", "PW-0002": "Installed", "PW-0003": "Installed",
                "PW-0004": "failed", "PW-0005": "Installed", "PW-0006": "Installed"}
            assert by_id["PW-0004"].reason is not None
            assert by_id["PW-0004"].reason.startswith("version did not change")
            assert "'sim-0.1.0'" in by_id["PW-0004"].reason
            # Its last word before the reboot; the boot itself (old version) failed it.
            assert by_id["PW-0004"].reported == "InstallRebooting"
            assert all(pole.from_version == "sim-0.1.0" for pole in done.poles)
            assert [cp.pole.firmware_version for cp in poles] == [
                "2.0.0", "2.0.0", "2.0.0", "sim-0.1.0", "2.0.0", "2.0.0"]
            assert done.counts == {"Installed": 5, "failed": 1}
            in_flight_at_most(done, 2, ended_at(api, rollout.id))
            listed = await client.rollouts()
            assert [(r.id, r.state, r.poles) for r in listed] == [(rollout.id, "finished", ())]

            # The filter: every pole but the rolled-back one already runs 2.0.0.
            again = await client.create_rollout(RolloutRequest(
                record.sha256, version_below="2.0.0", concurrency=2))
            assert [pole.pole_id for pole in again.poles] == ["PW-0004"]
            await client.cancel_rollout(again.id)


async def test_too_many_failures_halt_the_rollout_and_resume_goes_on(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        bad = await client.upload_firmware_package(
            manufacturer.package("2.1.0-unhealthy", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 5, manufacturer):
            rollout = await client.create_rollout(RolloutRequest(
                bad.sha256, concurrency=1, halt_after_failures=2))
            halted = await finished(client, rollout.id, lambda r: r.state == "halted")
            assert halted.reason == "halted: 2 of 5 poles failed"
            assert [pole.state for pole in halted.poles] == [
                "failed", "failed", "pending", "pending", "pending"]
            assert all(pole.sent_at is None for pole in halted.poles[2:])
            assert all((pole.reason or "").startswith("version did not change")
                       for pole in halted.poles[:2])
            with pytest.raises(ServiceRefused) as refused:
                await client.pause_rollout(rollout.id)
            assert (refused.value.status, refused.value.code) == (422, "WrongState")
            # The operator looked and goes on: the threshold counts new failures only.
            resumed = await client.resume_rollout(rollout.id)
            assert resumed.state in ("running", "halted")
            again = await finished(client, rollout.id, lambda r: r.state == "halted")
            assert again.reason == "halted: 4 of 5 poles failed"
            assert [pole.state for pole in again.poles] == ["failed"] * 4 + ["pending"]
            cancelled = await client.cancel_rollout(rollout.id)
            assert cancelled.state == "cancelled"
            assert [pole.state for pole in cancelled.poles] == ["failed"] * 4 + ["cancelled"]
            assert cancelled.poles[4].sent_at is None


async def test_pause_starts_no_further_pole_and_resume_finishes(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 3, manufacturer) as poles:
            rollout = await client.create_rollout(RolloutRequest(record.sha256))
            paused = await client.pause_rollout(rollout.id)
            assert paused.state == "paused"
            started = {pole.pole_id for pole in paused.poles if pole.state != "pending"}
            assert len(started) <= 1  # concurrency 1
            # What was sent before the pause finishes; nothing else starts.
            settled = await finished(client, rollout.id, lambda r: all(
                p.state in ("pending", "Installed") for p in r.poles))
            assert {p.pole_id for p in settled.poles if p.state == "Installed"} == started
            assert settled.state == "paused"
            assert await client.resume_rollout(rollout.id)
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            assert [pole.state for pole in done.poles] == ["Installed"] * 3
            assert [cp.pole.firmware_version for cp in poles] == ["2.0.0"] * 3


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_restarted_service_follows_up_what_was_sent_and_sends_nothing_twice(
        tmp_path: Path, manufacturer: Manufacturer, backend: str) -> None:
    """The poles' clocks are an hour behind the service's: they accept
    SignedUpdateFirmware but fetch only at the retrieve date, so both are still "sent"
    when the service stops; the new service (same database) sees them through."""
    with database(backend, tmp_path) as url:
        await restart_mid_rollout(tmp_path, manufacturer, url)


async def restart_mid_rollout(tmp_path: Path, manufacturer: Manufacturer,
                              url: str | None) -> None:
    service_now = NOW + timedelta(hours=1)
    async with trusting_service(
            tmp_path, manufacturer, SimClock(service_now).now, url=url) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 3, manufacturer) as poles:
            rollout = await client.create_rollout(RolloutRequest(record.sha256,
                                                                 concurrency=2))
            sent = await finished(client, rollout.id, lambda r: [
                p.state for p in r.poles] == ["sent", "sent", "pending"])
            assert sent.state == "running"
            port = api.service.port
            await api.service.stop()

            second = await start_service(api.db_url, port=port,
                                         token_file=tmp_path / "tokens.json",
                                         files_dir=tmp_path / "files",
                                         clock=SimClock(service_now).now,
                                         trusted_roots=[manufacturer.root])
            try:
                for cp in poles:  # their retrieve date comes
                    cp.pole.scheduler.advance(3601)
                done = await finished(client, rollout.id, lambda r: r.state == "finished")
                assert [pole.state for pole in done.poles] == ["Installed"] * 3
                assert [cp.pole.firmware_version for cp in poles] == ["2.0.0"] * 3
                with Session(second.repository.engine) as session:
                    sends = session.execute(sa.text(
                        "SELECT pole_id, count(*) FROM message_log WHERE direction = 'out' "
                        "AND action = 'SignedUpdateFirmware' "
                        "GROUP BY pole_id ORDER BY pole_id")).all()
                assert [tuple(row) for row in sends] == [
                    ("PW-0001", 1), ("PW-0002", 1), ("PW-0003", 1)]
            finally:
                await second.stop()


async def test_a_pole_offline_too_long_fails_and_a_bad_request_is_refused(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    clock = SimClock(NOW)
    async with trusting_service(tmp_path, manufacturer, clock.now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 2, manufacturer):
            pass  # both registered, now offline
        rollout = await client.create_rollout(RolloutRequest(
            record.sha256, pole_ids=("PW-0002", "PW-0001"), offline_limit_s=600))
        assert [pole.pole_id for pole in rollout.poles] == ["PW-0002", "PW-0001"]
        clock.jump_to(NOW + timedelta(minutes=11))
        done = await finished(client, rollout.id, lambda r: r.state == "finished")
        assert [pole.state for pole in done.poles] == ["failed", "failed"]
        assert all((pole.reason or "").startswith("offline too long") for pole in done.poles)

        busy = await client.create_rollout(RolloutRequest(
            record.sha256, pole_ids=("PW-0001",), offline_limit_s=3600))
        # PW-0001 waits in that rollout: a filter skips it, naming it is refused.
        others = await client.create_rollout(RolloutRequest(record.sha256,
                                                            offline_limit_s=3600))
        assert [pole.pole_id for pole in others.poles] == ["PW-0002"]
        with pytest.raises(ServiceRefused) as taken:
            await client.create_rollout(RolloutRequest(record.sha256, pole_ids=("PW-0001",)))
        assert (taken.value.status, taken.value.code) == (422, "PoleInRollout")
        for cancel in (busy, others):
            await client.cancel_rollout(cancel.id)

        other_model = await client.upload_firmware_package(manufacturer.package(
            "3.0.0", SIZE, models=("PW9",), seed=16).to_bytes())
        for request, status, code in [
                (RolloutRequest(other_model.sha256), 422, "NoPoles"),
                (RolloutRequest(other_model.sha256, pole_ids=("PW-0001",)), 422,
                 "WrongModel"),
                (RolloutRequest("0" * 64), 404, "UnknownPackage"),
                (RolloutRequest(record.sha256, pole_ids=("PW-9999",)), 404, "UnknownPole"),
                (RolloutRequest(record.sha256, version_below="0.0.1"), 422, "NoPoles"),
                (RolloutRequest(record.sha256, window=("02:00", "25:00")), 422, None)]:
            with pytest.raises(ServiceRefused) as refused:
                await client.create_rollout(request)
            assert refused.value.status == status
            if code is not None:
                assert refused.value.code == code
        with pytest.raises(ServiceRefused) as unknown:
            await client.rollout(999)
        assert (unknown.value.status, unknown.value.code) == (404, "UnknownRollout")


def test_versions_compare_by_their_numbers_and_starts_keep_to_the_window() -> None:
    assert version_below("1.9.3", "1.10")
    assert not version_below("1.10.0", "1.9")
    assert version_below("sim-0.1.0", "0.2") and version_below("sim-0.1.0", "2.0")
    assert version_below(None, "1.0")
    assert not version_below("2.0.0", "2.0.0")
    # 13:00 Amsterdam (winter, UTC+1); 17:30 is the peak; 02:30 inside a 02:00–05:00 window.
    assert may_start(NOW, None, None, avoid_peak=True)
    assert not may_start(NOW.replace(hour=16, minute=30), None, None, avoid_peak=True)
    assert may_start(NOW.replace(hour=16, minute=30), None, None, avoid_peak=False)
    assert not may_start(NOW, "02:00", "05:00", avoid_peak=True)
    assert may_start(NOW.replace(hour=1, minute=30), "02:00", "05:00", avoid_peak=True)
    assert may_start(NOW.replace(hour=23, minute=30), "23:00", "01:00", avoid_peak=True)


async def test_every_rollout_route_needs_the_token_and_is_documented(tmp_path: Path) -> None:
    async with running_service(tmp_path, clock=SimClock(NOW).now) as api:
        paths = (await api.client.get("/openapi.json")).json()["paths"]
        routes = [("POST", "/api/v1/firmware/rollouts"), ("GET", "/api/v1/firmware/rollouts"),
                  ("GET", "/api/v1/firmware/rollouts/{rollout_id}"),
                  ("POST", "/api/v1/firmware/rollouts/{rollout_id}/pause"),
                  ("POST", "/api/v1/firmware/rollouts/{rollout_id}/resume"),
                  ("POST", "/api/v1/firmware/rollouts/{rollout_id}/cancel")]
        async with httpx.AsyncClient(base_url=api.url) as anonymous:
            for method, path in routes:
                assert method.lower() in paths[path], path
                answer = await anonymous.request(method, path.replace("{rollout_id}", "1"),
                                                 json={"sha256": "0" * 64})
                assert answer.status_code == 401, path
        async with ServiceClient(ServiceEndpoint(api.url, "not-the-token")) as stranger:
            with pytest.raises(NotAuthorised):
                await stranger.rollouts()


async def test_poles_start_only_inside_the_window_and_never_in_the_peak(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    night = datetime(2026, 12, 5, 0, tzinfo=UTC)  # 01:00 in Amsterdam
    clock = SimClock(night)
    async with trusting_service(tmp_path, manufacturer, clock.now) as (api, client):
        runner = api.service.rollouts
        assert runner is not None
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 2, manufacturer, start=night) as poles:
            rollout = await client.create_rollout(RolloutRequest(
                record.sha256, concurrency=2, window=("02:00", "05:00")))
            assert rollout.window == ("02:00", "05:00")
            await runner.step()
            assert [p.state for p in (await client.rollout(rollout.id)).poles] == [
                "pending", "pending"]
            clock.jump_to(night + timedelta(minutes=90))  # 02:30 local
            for cp in poles:
                cp.pole.scheduler.advance(90 * 60)
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            assert [p.state for p in done.poles] == ["Installed", "Installed"]

            # The evening peak: 17:30 local is no time to start; 21:00 is.
            peak = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)
            clock.jump_to(peak)
            for cp in poles:
                cp.pole.scheduler.advance((peak - cp.pole.clock.now()).total_seconds())
            older = await client.upload_firmware_package(
                manufacturer.package("2.0.1", SIZE, seed=15).to_bytes())
            evening = await client.create_rollout(RolloutRequest(older.sha256,
                                                                 concurrency=2))
            await runner.step()
            assert [p.state for p in (await client.rollout(evening.id)).poles] == [
                "pending", "pending"]
            clock.jump_to(peak + timedelta(hours=3, minutes=31))  # 21:01 local
            for cp in poles:
                cp.pole.scheduler.advance((3 * 60 + 31) * 60)
            done = await finished(client, evening.id, lambda r: r.state == "finished")
            assert [p.state for p in done.poles] == ["Installed", "Installed"]
            assert [cp.pole.firmware_version for cp in poles] == ["2.0.1", "2.0.1"]


async def test_a_pole_that_makes_no_progress_times_out(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    """The poles' clocks are an hour behind: they accept, then wait for the retrieve date,
    silent; past the step timeout on the service's clock they fail."""
    clock = SimClock(NOW + timedelta(hours=1))
    async with trusting_service(tmp_path, manufacturer, clock.now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 2, manufacturer):
            rollout = await client.create_rollout(RolloutRequest(
                record.sha256, concurrency=2, step_timeout_s=600))
            # Their last word before the silence: DownloadScheduled (a report arriving after
            # the jump would rightly count as progress).
            await finished(client, rollout.id, lambda r: [
                (p.state, p.reported) for p in r.poles] == [("sent", "DownloadScheduled")] * 2)
            clock.jump_to(NOW + timedelta(hours=1, minutes=11))
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            assert [(p.state, p.reason) for p in done.poles] == [
                ("failed", "timeout: no progress for 600 s after sent")] * 2
            assert done.reason == "2 of 2 poles failed"


async def test_a_pole_that_reports_a_failed_download_or_install_fails_with_that_reason(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    """As a field pole would report it, over OCPP, while the rollout follows it."""
    async with trusting_service(
            tmp_path, manufacturer, SimClock(NOW + timedelta(hours=1)).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 2, manufacturer) as poles:
            rollout = await client.create_rollout(RolloutRequest(record.sha256,
                                                                 concurrency=2))
            await finished(client, rollout.id, lambda r: [
                p.state for p in r.poles] == ["sent", "sent"])
            poles[0].pole.notify_csms("FirmwareStatusNotification", {"status": "Downloading"})
            await finished(client, rollout.id, lambda r: r.poles[0].state == "Downloading")
            for cp, status in zip(poles, ("DownloadFailed", "InstallationFailed"),
                                  strict=True):
                cp.pole.notify_csms("FirmwareStatusNotification", {"status": status})
            done = await finished(client, rollout.id, lambda r: r.state == "finished")
            assert [(p.state, p.reason, p.reported) for p in done.poles] == [
                ("failed", "DownloadFailed", "DownloadFailed"),
                ("failed", "InstallationFailed", "InstallationFailed")]


async def test_a_sent_pole_that_stays_offline_fails_as_offline_too_long(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    clock = SimClock(NOW + timedelta(hours=1))  # the pole waits for its retrieve date
    async with trusting_service(tmp_path, manufacturer, clock.now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 1, manufacturer):
            rollout = await client.create_rollout(RolloutRequest(record.sha256,
                                                                 step_timeout_s=600))
            await finished(client, rollout.id, lambda r: r.poles[0].state == "sent")
        await eventually(lambda: _disconnected(client))
        clock.jump_to(NOW + timedelta(hours=1, minutes=11))
        done = await finished(client, rollout.id, lambda r: r.state == "finished")
        assert done.poles[0].reason == "offline too long: not connected 600 s after sent"


async def _disconnected(client: ServiceClient) -> bool:
    return not any(pole.connected for pole in await client.poles())


async def test_cancel_stops_what_is_pending_and_still_follows_what_was_sent(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(
            tmp_path, manufacturer, SimClock(NOW + timedelta(hours=1)).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 2, manufacturer) as poles:
            rollout = await client.create_rollout(RolloutRequest(record.sha256))
            await finished(client, rollout.id, lambda r: [
                p.state for p in r.poles] == ["sent", "pending"])
            cancelled = await client.cancel_rollout(rollout.id)
            assert cancelled.state == "cancelled"
            assert [p.state for p in cancelled.poles] == ["sent", "cancelled"]
            poles[0].pole.scheduler.advance(3601)  # its retrieve date comes
            done = await finished(client, rollout.id,
                                  lambda r: r.poles[0].state == "Installed")
            assert done.state == "cancelled"
            assert [p.state for p in done.poles] == ["Installed", "cancelled"]
            assert [cp.pole.firmware_version for cp in poles] == ["2.0.0", "sim-0.1.0"]
            with pytest.raises(ServiceRefused) as again:
                await client.cancel_rollout(rollout.id)
            assert (again.value.status, again.value.code) == (422, "RolloutEnded")


async def test_a_failure_share_halts_the_rollout(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        bad = await client.upload_firmware_package(
            manufacturer.package("2.1.0-unhealthy", SIZE).to_bytes())
        async with fleet(api.service.ocpp_url, tmp_path, 3, manufacturer):
            rollout = await client.create_rollout(RolloutRequest(
                bad.sha256, halt_after_percent=30))
            halted = await finished(client, rollout.id, lambda r: r.state == "halted")
            assert halted.reason == "halted: 1 of 3 poles failed"
            assert [p.state for p in halted.poles] == ["failed", "pending", "pending"]


# ---------------------------------------------------------------------- on the live feed
@contextlib.asynccontextmanager
async def operator_and_pole_side(tmp_path: Path, manufacturer: Manufacturer, processes: int
                                 ) -> AsyncIterator[tuple[ServiceClient, str]]:
    """A client of the service and the OCPP URL poles connect to. Two processes: as
    ``paalwerk service --workers 2`` on PostgreSQL, the operator's feed at one, the poles
    at the other (which process runs the rollouts is theirs to settle)."""
    if processes == 1:
        async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api,
                                                                                 client):
            yield client, api.service.ocpp_url
        return
    with postgres_schema() as url:
        await asyncio.to_thread(prepare_database, url)
        token = ensure_admin_token(tmp_path / "tokens.json")
        assert token is not None
        common: dict[str, Any] = {"token_file": tmp_path / "tokens.json",
                                  "files_dir": tmp_path / "files", "clustered": True,
                                  "clock": SimClock(NOW).now,
                                  "trusted_roots": [manufacturer.root]}
        poles_side = await start_service(url, **common)
        operator_side = await start_service(url, **common)
        try:
            async with ServiceClient(ServiceEndpoint(
                    f"http://127.0.0.1:{operator_side.port}", token)) as client:
                yield client, poles_side.ocpp_url
        finally:
            await operator_side.stop()
            await poles_side.stop()


@pytest.mark.parametrize("processes", [1, 2])
async def test_the_live_feed_tells_each_step_of_a_rollout_as_it_happens(
        tmp_path: Path, manufacturer: Manufacturer, processes: int) -> None:
    """Only the feed is read until the end (no polling): every pole's way to Installed or
    to a failure with its reason, the halt, the resume and the finish arrive on it, and
    the last word on each pole is what the API then says."""
    async with operator_and_pole_side(tmp_path, manufacturer, processes) as (client, ocpp), \
            contextlib.AsyncExitStack() as stack:
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE).to_bytes())
        poles = await stack.enter_async_context(fleet(ocpp, tmp_path, 3, manufacturer))
        poles[0].pole.firmware.fail_next_boot = True  # PW-0001 boots its old version again
        seen: list[RolloutEvent | RolloutPoleEvent] = []
        async with client.live() as feed, asyncio.timeout(60):
            rollout = await client.create_rollout(RolloutRequest(
                record.sha256, concurrency=1, halt_after_failures=1))
            async for event in feed:
                if not isinstance(event, RolloutEvent | RolloutPoleEvent):
                    continue
                assert event.rollout_id == rollout.id
                seen.append(event)
                if isinstance(event, RolloutEvent) and event.state == "halted":
                    await client.resume_rollout(rollout.id)
                if isinstance(event, RolloutEvent) and event.state == "finished":
                    break
        assert [(e.state, e.reason) for e in seen if isinstance(e, RolloutEvent)] == [
            ("running", None), ("halted", "halted: 1 of 3 poles failed"), ("running", None),
            ("finished", "1 of 3 poles failed")]
        steps = {pole_id: [e for e in seen if isinstance(e, RolloutPoleEvent)
                           and e.pole_id == pole_id] for pole_id in ("PW-0001", "PW-0002",
                                                                     "PW-0003")}
        # "sent" is skipped when the pole's Downloading is stored before its answer; a
        # state may repeat, moved by another word of the pole (its Installed: Installing
        # until the boot confirms it).
        states = [e.state for e in steps["PW-0002"]]
        assert [state for n, state in enumerate(states) if state != "sent" and (
            n == 0 or states[n - 1] != state)] == [
            "sending", "Downloading", "Downloaded", "Installing", "Installed"]
        assert steps["PW-0002"][0].reported is None  # the service's decisions …
        assert steps["PW-0002"][-1].reported is None
        assert all(e.reported for e in steps["PW-0002"]  # … and the pole's own words
                   if e.state in ("Downloading", "Downloaded", "Installing"))
        failure = steps["PW-0001"][-1]
        assert failure.state == "failed" and failure.reported is None
        assert (failure.reason or "").startswith("version did not change")
        # The halt came after PW-0001 failed and before PW-0002 was sent.
        order = [id(e) for e in seen]
        halt = next(e for e in seen if isinstance(e, RolloutEvent) and e.state == "halted")
        assert order.index(id(failure)) < order.index(id(halt)) < order.index(
            id(steps["PW-0002"][0]))
        done = await client.rollout(rollout.id)
        assert done.state == "finished"
        assert [(p.state, p.reason) for p in done.poles] == [
            (steps[p.pole_id][-1].state, steps[p.pole_id][-1].reason) for p in done.poles]
        assert [p.state for p in done.poles] == ["failed", "Installed", "Installed"]


# ---------------------------------------------------------------------- pacing
class GatedPole(ChargePoint):  # type: ignore[misc]
    """An ``ocpp``-library pole whose answer to UpdateFirmware waits for ``gate``, as one
    behind a slow modem; ``asked`` records every UpdateFirmware it got."""

    def __init__(self, pole_id: str, connection: Any, asked: list[str],
                 gate: asyncio.Event | None = None, told: asyncio.Event | None = None) -> None:
        super().__init__(pole_id, connection)
        self.asked, self.gate, self.told = asked, gate, told

    @on(Action.update_firmware)
    async def on_update_firmware(self, location: str, retrieve_date: str, **_: Any
                                 ) -> call_result.UpdateFirmware:
        self.asked.append(self.id)
        if self.told is not None:
            self.told.set()
        if self.gate is not None:
            await self.gate.wait()
        return call_result.UpdateFirmware()


@contextlib.asynccontextmanager
async def booted(ocpp_url: str, pole_id: str, asked: list[str], *,
                 gate: asyncio.Event | None = None, told: asyncio.Event | None = None
                 ) -> AsyncIterator[GatedPole]:
    async with websockets.connect(f"{ocpp_url}/{pole_id}",
                                  subprotocols=["ocpp1.6"]) as connection:
        pole = GatedPole(pole_id, connection, asked, gate, told)
        reader = asyncio.create_task(pole.start())
        try:
            answer = await pole.call(call.BootNotification(
                charge_point_model="PW-Light", charge_point_vendor="Test"))
            assert answer.status == "Accepted"
            yield pole
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader


async def test_a_pole_slow_to_answer_update_firmware_does_not_hold_up_the_others(
        tmp_path: Path, manufacturer: Manufacturer) -> None:
    """PW-0001 answers its UpdateFirmware only once PW-0002 got its own. Sent one after
    another, PW-0001's would time out (not sent) and go out again; sent together, as
    places free up, each pole is asked once."""
    async with trusting_service(tmp_path, manufacturer, SimClock(NOW).now) as (api, client):
        record = await client.upload_firmware_package(
            manufacturer.package("2.0.0", SIZE, models=("PW-Light",)).to_bytes())
        asked: list[str] = []
        second_asked = asyncio.Event()
        url = api.service.ocpp_url
        async with booted(url, "PW-0001", asked, gate=second_asked), \
                booted(url, "PW-0002", asked, told=second_asked):
            rollout = await client.create_rollout(RolloutRequest(
                record.sha256, pole_ids=("PW-0001", "PW-0002"), concurrency=2))
            sent = await finished(client, rollout.id, lambda r: [
                p.state for p in r.poles] == ["sent", "sent"])
            assert sorted(asked) == ["PW-0001", "PW-0002"]
            assert [p.reason for p in sent.poles] == [None, None]
