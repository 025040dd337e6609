"""What a pole may resend is stored once (issue 20), on SQLite and on PostgreSQL.

A pole deletes a queued message only once it has the answer, so a service that stored a
message and died before answering gets it again. These tests store the same reports twice
through the same paths the OCPP side uses (the group-committing writer, whose batches go
to PostgreSQL with COPY) and count the rows; `test_crash_before_answer` kills a real
service between storing and answering.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from websockets.asyncio.client import connect

from service.ocpp.repository_store import RepositoryStore
from service.security.log_requests import LogRequests
from service.storage.database import alembic_config, create_engine_for, migrate
from service.storage.models import UTCDateTime
from service.storage.repository import AsyncRepository, Repository
from tests.service.test_csms_ocpp import BOOT, OCPP, call
from tests.support import Api, postgres_schema

POLE = "PW-0001"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file, or a fresh PostgreSQL schema when ``$PAALWERK_TEST_PG`` is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'once.sqlite'}"
        return
    with postgres_schema() as scoped:
        yield scoped


@pytest.fixture
def store(url: str) -> Iterator[RepositoryStore]:
    engine = create_engine_for(url)
    migrate(engine)
    repository = Repository(engine)
    repository.upsert_pole(POLE, registered_at=T0)
    yield RepositoryStore(AsyncRepository(repository))
    engine.dispose()


def _sample(at: datetime) -> list[dict[str, object]]:
    """One OCPP meterValue with the tender's measurands, a phase-less register and two
    temperatures that differ only by location."""
    stamp = at.isoformat().replace("+00:00", "Z")
    values: list[dict[str, object]] = [
        {"value": "1200", "measurand": "Energy.Active.Import.Register", "unit": "Wh",
         "context": "Sample.Periodic"}]
    values += [{"value": "16.0", "measurand": "Current.Import", "phase": phase, "unit": "A",
                "context": "Sample.Periodic"} for phase in ("L1", "L2", "L3")]
    values += [{"value": "31", "measurand": "Temperature", "location": location,
                "unit": "Celsius"} for location in ("Outlet", "Body")]
    return [{"timestamp": stamp, "sampled_value": values}]


async def test_a_meter_value_resent_is_stored_once(store: RepositoryStore) -> None:
    await store.add_meter_values(POLE, 1, 7, _sample(T0))
    # Resent alone, then in one batch with a new sample and with itself (two poles'
    # writes grouped in one commit can carry the same row twice).
    await store.add_meter_values(POLE, 1, 7, _sample(T0))
    later = T0 + timedelta(minutes=15)
    await asyncio.gather(store.add_meter_values(POLE, 1, 7, _sample(T0) + _sample(later)),
                         store.add_meter_values(POLE, 1, 7, _sample(later)))
    repository = store.repository.sync
    rows = repository.meter_values(POLE, T0, T0 + timedelta(hours=1))
    assert len(rows) == 2 * 6
    assert sorted({(row.measurand, row.phase, row.location) for row in rows},
                  key=str) == sorted({("Energy.Active.Import.Register", None, None),
                                      ("Current.Import", "L1", None),
                                      ("Current.Import", "L2", None),
                                      ("Current.Import", "L3", None),
                                      ("Temperature", None, "Outlet"),
                                      ("Temperature", None, "Body")}, key=str)


async def test_a_meter_values_with_many_samples_is_stored_once_as_sent(
        store: RepositoryStore) -> None:
    """A call's samples go to storage as one write of tuples (issue 20): more of them than
    one multi-row statement takes, resent, and in one batch with rows written the older way
    (one mapping per row), each stored once with every value as the pole sent it."""
    stamps = [T0 + timedelta(seconds=n) for n in range(150)]
    meter_value: list[dict[str, Any]] = [
        {"timestamp": at.isoformat().replace("+00:00", "Z"), "sampled_value": [
            {"value": f"{n}.25", "measurand": "Current.Import", "phase": phase, "unit": "A",
             "context": "Sample.Periodic", "location": "Outlet"}
            for phase in ("L1", "L2", "L3")]} for n, at in enumerate(stamps)]
    meter_value[0]["sampled_value"].append({"value": "not a number", "format": "SignedData"})
    old_way = {"pole_id": POLE, "connector_id": 2, "transaction_id": None,
               "timestamp": T0, "measurand": "Voltage", "phase": "L1-N", "value": 229.5,
               "unit": "V", "context": None, "location": None}
    await asyncio.gather(store.add_meter_values(POLE, 1, 9, meter_value),
                         store.repository.add_meter_values([old_way]))
    await asyncio.gather(store.add_meter_values(POLE, 1, 9, meter_value),  # resent
                         store.add_meter_values(POLE, 1, 9, meter_value[:1]))

    rows = store.repository.sync.meter_values(POLE, T0, T0 + timedelta(hours=1))
    assert len(rows) == 3 * len(stamps) + 1
    stored = {(row.connector_id, row.timestamp, row.measurand, row.phase): row
              for row in rows}
    for n, at in enumerate(stamps):
        for phase in ("L1", "L2", "L3"):
            row = stored[(1, at, "Current.Import", phase)]
            assert (row.value, row.unit, row.context, row.location, row.transaction_id) == \
                (n + 0.25, "A", "Sample.Periodic", "Outlet", 9)
    voltage = stored[(2, T0, "Voltage", "L1-N")]
    assert (voltage.value, voltage.unit, voltage.transaction_id) == (229.5, "V", None)


async def test_a_sample_of_another_connector_or_context_is_not_a_repeat(
        store: RepositoryStore) -> None:
    await store.add_meter_values(POLE, 1, 7, _sample(T0))
    await store.add_meter_values(POLE, 2, None, _sample(T0))
    clock = _sample(T0)
    for value in clock[0]["sampled_value"]:  # type: ignore[attr-defined]
        value["context"] = "Sample.Clock"
    await store.add_meter_values(POLE, 1, 7, clock)
    assert len(store.repository.sync.meter_values(POLE, T0, T0 + timedelta(1))) == 3 * 6


async def test_a_status_notification_resent_is_stored_once(store: RepositoryStore) -> None:
    for _ in range(2):
        await store.record_status(POLE, 1, "Faulted", "GroundFailure", T0)
    await store.record_status(POLE, 1, "Available", "NoError", T0 + timedelta(minutes=1))
    await store.record_status(POLE, 1, "Faulted", "GroundFailure", T0)  # late repeat
    events = store.repository.sync.status_events(POLE, T0, T0 + timedelta(hours=1))
    assert [(e.status, e.error_code) for e in events] == [("Faulted", "GroundFailure"),
                                                         ("Available", "NoError")]
    # …and the late repeat did not move the connector back.
    assert [c.status for c in store.repository.sync.connectors(POLE)] == ["Available"]


async def test_eis48_a_status_without_timestamp_resent_is_stored_once(
        store: RepositoryStore) -> None:
    """Stamped on arrival, a resend carries a later time than the first copy: it is
    recognised by repeating the state the connector is already in (README "Nothing lost,
    nothing stored twice"), while a real change without a timestamp is kept."""
    minute = timedelta(minutes=1)
    await store.record_status(POLE, 1, "Faulted", "GroundFailure", T0,
                              stamped_on_arrival=True)
    await store.record_status(POLE, 1, "Faulted", "GroundFailure", T0 + minute,
                              stamped_on_arrival=True)  # the resend after a lost answer
    await asyncio.gather(  # a change, in one batch with another connector's repeat
        store.record_status(POLE, 1, "Available", "NoError", T0 + 2 * minute,
                            stamped_on_arrival=True),
        store.record_status(POLE, 2, "Available", "NoError", T0 + 2 * minute,
                            stamped_on_arrival=True))
    await store.record_status(POLE, 2, "Available", "NoError", T0 + 3 * minute,
                              stamped_on_arrival=True)
    await store.record_status(POLE, 1, "Faulted", "OverCurrentFailure", T0 + 4 * minute,
                              stamped_on_arrival=True)  # same status, other error: kept
    events = store.repository.sync.status_events(POLE, T0, T0 + timedelta(hours=1))
    assert [(e.connector_id, e.status, e.error_code, e.timestamp) for e in events] == [
        (1, "Faulted", "GroundFailure", T0),
        (1, "Available", "NoError", T0 + 2 * minute),
        (2, "Available", "NoError", T0 + 2 * minute),
        (1, "Faulted", "OverCurrentFailure", T0 + 4 * minute)]
    connectors = {c.connector_id: (c.status, c.since)
                  for c in store.repository.sync.connectors(POLE)}
    assert connectors == {1: ("Faulted", T0 + 4 * minute),
                          2: ("Available", T0 + 2 * minute)}


async def test_a_security_event_resent_is_stored_once_and_keeps_its_first_record(
        store: RepositoryStore) -> None:
    first = await store.security_event(POLE, "FirmwareUpdated", None, T0, T0)
    again = await store.security_event(POLE, "FirmwareUpdated", None, T0,
                                       T0 + timedelta(seconds=40))
    other = await store.security_event(POLE, "FirmwareUpdated", "v2", T0, T0)
    assert again.id == first.id and again.received_at == first.received_at
    assert other.id != first.id
    assert len(store.repository.sync.security_events(POLE)) == 2


async def test_a_firmware_status_resent_starts_no_second_update(
        store: RepositoryStore) -> None:
    for status in ("Downloading", "Downloading", "Installed", "Installed"):
        await store.firmware_status(POLE, status, T0)
    updates = store.repository.sync.firmware_updates(POLE)
    assert [u.status for u in updates] == ["Installed"]
    await store.firmware_status(POLE, "Downloading", T0 + timedelta(days=1))
    assert len(store.repository.sync.firmware_updates(POLE)) == 2  # a new update does start


async def test_a_log_status_resent_is_kept_once_in_the_upload_history(
        store: RepositoryStore) -> None:
    logs = LogRequests(store.repository.sync)
    request = logs.requested(POLE, "SecurityLog", None, None, T0)
    logs.update(request, "Accepted", T0, answer=True)
    for status in ("Uploading", "Uploading", "Uploaded", "Uploaded"):
        assert logs.update(request, status, T0, pole_id=POLE)
    row = logs.get(request)
    assert row is not None and row.history == "Requested,Accepted,Uploading,Uploaded"


async def test_a_transaction_resent_is_stored_once(store: RepositoryStore) -> None:
    started = await store.start_transaction(POLE, 1, "CARD", 100, T0)
    assert await store.start_transaction(POLE, 1, "CARD", 100, T0) == started
    for _ in range(2):
        await store.stop_transaction(started, 900, T0 + timedelta(hours=1), "Local")
        await store.mark_overrule(started, T0 + timedelta(minutes=5), "pole")
    await store.mark_overrule(started, T0 + timedelta(minutes=9), "pole")
    rows = store.repository.sync.transactions(POLE, T0, T0 + timedelta(days=1))
    assert len(rows) == 1 and rows[0].overruled_at == T0 + timedelta(minutes=5)


# -- the migration ---------------------------------------------------------------------


def _old_rows(engine: Engine) -> None:
    """What a service before revision 0016 could leave: every report stored twice."""
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO poles (id, auto_registered, connection_size, connected) "
            "VALUES (:pole, false, '3x35', false)"), {"pole": POLE})
        for value in (1.0, 2.0):  # the second copy's value differs: the first one stays
            for phase in (None, "L1"):
                connection.execute(_sql(
                    "INSERT INTO meter_values (pole_id, connector_id, timestamp, measurand, "
                    "phase, value, context) VALUES (:pole, 1, :at, 'Current.Import', :phase, "
                    ":value, NULL)"), {"pole": POLE, "at": T0, "phase": phase,
                                       "value": value})
            connection.execute(_sql(
                "INSERT INTO status_events (pole_id, connector_id, status, error_code, "
                "timestamp) VALUES (:pole, 1, 'Charging', 'NoError', :at)"),
                {"pole": POLE, "at": T0})
            connection.execute(_sql(
                "INSERT INTO security_events (pole_id, type, tech_info, timestamp, "
                "received_at) VALUES (:pole, 'FirmwareUpdated', NULL, :at, :at)"),
                {"pole": POLE, "at": T0})
        connection.execute(_sql(
            "INSERT INTO status_events (pole_id, connector_id, status, error_code, "
            "timestamp) VALUES (:pole, 2, 'Charging', 'NoError', :at)"),
            {"pole": POLE, "at": T0})


def _sql(text: str) -> sa.TextClause:
    """Raw SQL whose ``:at`` is bound as the `UTCDateTime` columns store times."""
    return sa.text(text).bindparams(sa.bindparam("at", type_=UTCDateTime()))


def test_upgrading_removes_the_repeats_already_stored_keeping_the_first(url: str) -> None:
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0014")
        _old_rows(engine)
        migrate(engine)
        repository = Repository(engine)
        samples = repository.meter_values(POLE, T0, T0 + timedelta(1))
        assert sorted((s.phase or "", s.value) for s in samples) == [("", 1.0), ("L1", 1.0)]
        assert [(e.connector_id, e.status) for e in
                repository.status_events(POLE, T0, T0 + timedelta(1))] == [(1, "Charging"),
                                                                            (2, "Charging")]
        assert len(repository.security_events(POLE)) == 1
        # From now on the database itself refuses a repeat.
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(_sql(
                "INSERT INTO status_events (pole_id, connector_id, status, error_code, "
                "timestamp) VALUES (:pole, 1, 'Charging', 'NoError', :at)"),
                {"pole": POLE, "at": T0})
        with engine.begin() as connection:  # and going back works
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0014")
            command.upgrade(config, "head")
    finally:
        with contextlib.suppress(Exception):
            engine.dispose()


# -- what operators read -----------------------------------------------------------------


async def test_the_meter_values_api_and_status_history_hold_a_resent_report_once(api: Api) -> None:
    """A pole that resends its MeterValues and StatusNotification (a new message id each
    time, as after a lost answer): the meter-values API lists each sample once, and the
    status history (what uptime, eis 48, is computed from) holds one fault, not two."""
    sample = {"connectorId": 1, "meterValue": [
        {"timestamp": "2026-03-01T12:00:00Z", "sampledValue": [
            {"value": "1200", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": "16.0", "measurand": "Current.Import", "phase": "L1", "unit": "A"}]}]}
    fault = {"connectorId": 1, "errorCode": "GroundFailure", "status": "Faulted",
             "timestamp": "2026-03-01T12:00:00Z"}
    async with connect(f"{api.service.ocpp_url}/{POLE}", subprotocols=OCPP) as websocket:
        await call(websocket, [2, "boot", "BootNotification", BOOT])
        for attempt in ("first", "resent"):
            assert (await call(websocket, [2, f"mv-{attempt}", "MeterValues", sample]))[0] == 3
            assert (await call(websocket, [2, f"st-{attempt}", "StatusNotification",
                                           fault]))[0] == 3
    window = {"start": "2026-03-01T11:00:00+00:00", "end": "2026-03-01T13:00:00+00:00"}
    listed = (await api.client.get(f"/api/v1/poles/{POLE}/meter-values", params=window)).json()
    assert sorted(row["measurand"] for row in listed) == ["Current.Import",
                                                          "Energy.Active.Import.Register"]
    events = api.service.repository.status_events(POLE, T0 - timedelta(hours=1),
                                                  T0 + timedelta(hours=1))
    assert [(e.status, e.error_code) for e in events] == [("Faulted", "GroundFailure")]


async def test_eis48_a_status_without_timestamp_resent_over_ocpp_is_in_the_history_once(
        api: Api) -> None:
    """The same over a real OCPP connection: a pole's fault report without a timestamp,
    resent after the pole lost the answer, reconnecting in between (a new connection, a
    new message id), is one fault in the history uptime is computed from."""
    fault = {"connectorId": 1, "errorCode": "GroundFailure", "status": "Faulted"}
    for attempt in ("first", "resent"):
        async with connect(f"{api.service.ocpp_url}/{POLE}", subprotocols=OCPP) as websocket:
            await call(websocket, [2, f"boot-{attempt}", "BootNotification", BOOT])
            assert (await call(websocket, [2, f"st-{attempt}", "StatusNotification",
                                           fault]))[0] == 3
    async with connect(f"{api.service.ocpp_url}/{POLE}", subprotocols=OCPP) as websocket:
        await call(websocket, [2, "boot-mended", "BootNotification", BOOT])
        mended = dict(fault, errorCode="NoError", status="Available")
        assert (await call(websocket, [2, "st-mended", "StatusNotification", mended]))[0] == 3
    wide = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    events = api.service.repository.status_events(POLE, *wide)
    assert [(e.status, e.error_code) for e in events] == [("Faulted", "GroundFailure"),
                                                         ("Available", "NoError")]
