"""After the service was down, its poles are reconnecting, not offline (issue 19, eis 48):
the service keeps its own runs, the board leaves poles dark since the service stopped off
until a grace after the restart, and the service's down window is not the poles'
downtime in the uptime figure. Over the real service on SQLite and PostgreSQL, with an
injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.reports.uptime import (
    SERVICE_RESTART_GRACE,
    ConnectionInterval,
    StatusChange,
    service_downtime,
    uptime,
)
from service.storage.service_runs import Run, ServiceRuns, down_windows, restart_at
from tests.support import Api, ManualClock, postgres_schema, running_service

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 6, 12, 12, 0, tzinfo=AMS)
YEAR = datetime(2026, 1, 1, tzinfo=AMS)
STOPPED = NOW - timedelta(hours=2)


@pytest.fixture(params=["sqlite", "postgresql"])
async def restarted(request: pytest.FixtureRequest, tmp_path: Path
                    ) -> AsyncIterator[tuple[Api, ManualClock]]:
    """The service started at NOW after a run that crashed two hours before."""
    clock = ManualClock(NOW)
    if request.param == "sqlite":
        async with running_service(tmp_path, clock=clock.now) as api:
            yield api, clock
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url, clock=clock.now) as api:
            yield api, clock


def fleet_before_the_stop(api: Api) -> None:
    """PW-0001…0003 connected when the service stopped (their sessions closed by its
    start, as `close_dangling_sessions` does); PW-0004 dropped an hour before that."""
    repository = api.service.repository
    runs = ServiceRuns(repository.engine)
    earlier = runs.started(YEAR)
    runs.alive(earlier, STOPPED)  # then it crashed: no stop noted
    for i in range(1, 5):
        pole_id = f"PW-000{i}"
        repository.upsert_pole(pole_id, registered_at=YEAR, connected=False)
        repository.session_began(pole_id, YEAR)
        for connector in (0, 1, 2):
            repository.record_status(pole_id, connector, "Available", "NoError", YEAR)
        if i < 4:
            repository.session_ended(pole_id, STOPPED, "service-stopped")
        else:
            repository.session_ended(pole_id, STOPPED - timedelta(hours=1), "dropped")


async def test_eis48_after_a_two_hour_service_outage_poles_reconnect_before_they_count(
        restarted: tuple[Api, ManualClock]) -> None:
    api, clock = restarted
    fleet_before_the_stop(api)
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
        board = await service.outages()
        assert [(e.pole_id, e.cause) for e in board.entries] == [("PW-0004", "telecom")], \
            "only the pole that dropped before the service stopped: the rest reconnect"

        repository = api.service.repository
        for pole_id in ("PW-0001", "PW-0002"):  # back within a minute of the restart
            repository.session_began(pole_id, NOW + timedelta(minutes=1))
            repository.upsert_pole(pole_id, connected=True)
        clock.set(NOW + SERVICE_RESTART_GRACE - timedelta(seconds=1))
        assert [e.pole_id for e in (await service.outages()).entries] == ["PW-0004"]

        clock.set(NOW + SERVICE_RESTART_GRACE + timedelta(minutes=1))
        board = await service.outages()
    assert [e.pole_id for e in board.entries] == ["PW-0004", "PW-0003"]  # longest down first
    entry = board.entries[1]
    assert (entry.cause, entry.since) == ("telecom", NOW)
    evidence = entry.evidence[0]
    assert evidence.code == "telecom.not_back_after_restart"
    assert evidence.text == ("Not reconnected since the service restarted at 2026-06-12 "
                             "12:00; it was connected when the service stopped "
                             "(2026-06-12 10:00).")
    # eis 48: 2026 allows 175.2 h down. PW-0003 is down one minute (since the grace
    # ended), not the service's two hours; PW-0004 carries its own three hours and more.
    assert entry.hours_left == pytest.approx(175.2)
    assert board.entries[0].hours_left == pytest.approx(175.2 - 3.3, abs=0.1)


async def test_the_service_notes_its_own_runs(restarted: tuple[Api, ManualClock]) -> None:
    api, _clock = restarted
    runs = ServiceRuns(api.service.repository.engine).runs(YEAR, NOW)
    assert [run.start for run in runs] == [NOW], "this start is noted before any pole"


def test_the_restart_is_the_start_of_the_runs_reaching_now() -> None:
    t = datetime(2026, 6, 12, 10, tzinfo=UTC)
    h = timedelta(hours=1)
    assert restart_at([Run(t - 5 * h, t - 5 * h)], t) is None, "a first start: no restart"
    runs = [Run(t - 9 * h, t - 4 * h), Run(t - 2 * h, t - h),
            Run(t - h - timedelta(seconds=30), t)]  # a second worker overlapping
    assert restart_at(runs, t) == t - 2 * h
    assert down_windows(runs, t) == [Run(t - 4 * h, t - 2 * h)]


def test_eis48_the_service_s_down_window_is_not_measured_for_a_pole_it_dropped() -> None:
    """Connected all day but for the service's two hours and the pole's 30 s reconnect:
    100 %; a pole that never came back is down from the grace's end."""
    day = datetime(2026, 6, 12, tzinfo=UTC)
    stopped, back = day + timedelta(hours=10), day + timedelta(hours=12)
    statuses = [StatusChange(day, c, "Available") for c in (0, 1, 2)]
    sessions = [(day, stopped, "service-stopped"),
                (back + timedelta(seconds=30), None, None)]
    gaps = service_downtime(sessions, [back])
    assert gaps == [(stopped, back + timedelta(seconds=30))]
    report = uptime("PW-1", [ConnectionInterval(s, e) for s, e, _r in sessions], statuses,
                    day, day + timedelta(days=1), gaps)
    assert report.percent == 100.0
    assert report.period_seconds == 86400 - 2 * 3600 - 30

    gone = service_downtime(sessions[:1], [back])
    assert gone == [(stopped, back + SERVICE_RESTART_GRACE)]
    report = uptime("PW-1", [ConnectionInterval(day, stopped)], statuses, day,
                    day + timedelta(days=1), gone)
    assert report.period_seconds - report.up_seconds == 12 * 3600 - 15 * 60
    assert service_downtime(sessions, []) == [], "no runs known: measured as before"


async def test_a_running_service_notes_it_is_alive_and_its_clean_stop(tmp_path: Path) -> None:
    """A crash leaves the last sign of life as the guess of when the service went; a clean
    stop says when exactly."""
    from service.run_keeper import RunKeeper
    from service.storage.database import create_engine_for, migrate
    from tests.support import until

    engine = create_engine_for(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    migrate(engine)
    clock = ManualClock(NOW)
    runs = ServiceRuns(engine)
    keeper = RunKeeper(runs, clock.now, every_s=0.01)
    await keeper.start()
    try:
        clock.set(NOW + timedelta(minutes=5))
        await until(lambda: runs.runs(YEAR, clock.now())[0].end == clock.now())
    finally:
        clock.set(NOW + timedelta(minutes=6))
        await keeper.stop()
    assert runs.runs(YEAR, clock.now()) == [Run(NOW, NOW + timedelta(minutes=6))]
    engine.dispose()


async def test_the_pole_list_says_which_poles_are_reconnecting_until_the_grace_ends(
        restarted: tuple[Api, ManualClock]) -> None:
    """The Fleet page reads this: PW-0001…0003 connected when the service stopped are
    expected back until the grace after the restart; PW-0004 dropped before it."""
    api, clock = restarted
    fleet_before_the_stop(api)
    repository = api.service.repository
    repository.session_began("PW-0001", NOW + timedelta(minutes=1))  # back, then gone again
    repository.session_ended("PW-0001", NOW + timedelta(minutes=2), "dropped")
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
        clock.set(NOW + SERVICE_RESTART_GRACE - timedelta(seconds=1))
        poles = {pole.id: pole for pole in await service.poles()}
        assert {pole.service_restarted for pole in poles.values()} == {NOW}
        assert {p: pole.reconnecting_until for p, pole in poles.items()} == {
            "PW-0001": None, "PW-0002": NOW + SERVICE_RESTART_GRACE,
            "PW-0003": NOW + SERVICE_RESTART_GRACE, "PW-0004": None}
        # One pole's page says the same as the list (`GET /api/v1/poles/{id}`).
        for pole_id, listed in poles.items():
            one = await service.pole(pole_id)
            assert (one.service_restarted, one.reconnecting_until) == (
                listed.service_restarted, listed.reconnecting_until), pole_id

        clock.set(NOW + SERVICE_RESTART_GRACE)
        poles = {pole.id: pole for pole in await service.poles()}
    assert [pole.reconnecting_until for pole in poles.values()] == [None] * 4, \
        "after the grace they are offline, as the Outages board says"
    assert poles["PW-0003"].service_restarted == NOW
