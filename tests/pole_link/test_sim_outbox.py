"""The virtual pole's outbox (eis 53): what it stores comes out in order, with the CSMS's ids."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from pole_link.errors import PoleLinkError
from pole_link.sim.outbox import (
    STATE_DIR_ENV,
    Outbox,
    OutboxEntry,
    OutboxError,
    default_state_dir,
)

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
LOCAL = -1
CSMS = 4711


def stamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def start_transaction(at: datetime = T0, connector: int = 1) -> dict[str, Any]:
    return {"connectorId": connector, "idTag": "04A2B3C4D5", "meterStart": 1000,
            "timestamp": stamp(at)}


def meter_values(at: datetime, *, connector: int = 1, transaction: int | None = LOCAL,
                 context: str = "Sample.Periodic", wh: int = 1000) -> dict[str, Any]:
    sampled = [{"value": str(wh), "context": context,
                "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]
    sampled += [{"value": "230.0", "context": context, "measurand": "Voltage",
                 "phase": f"L{n}-N", "unit": "V"} for n in (1, 2, 3)]
    sampled += [{"value": "16.0", "context": context, "measurand": "Current.Import",
                 "phase": f"L{n}", "unit": "A"} for n in (1, 2, 3)]
    payload: dict[str, Any] = {"connectorId": connector,
                               "meterValue": [{"timestamp": stamp(at), "sampledValue": sampled}]}
    if transaction is not None:
        payload["transactionId"] = transaction
    return payload


def stop_transaction(at: datetime, transaction: int = LOCAL,
                     reason: str = "PowerLoss") -> dict[str, Any]:
    return {"transactionId": transaction, "meterStop": 5000, "timestamp": stamp(at),
            "reason": reason}


def overrule_report(transaction: int = LOCAL) -> dict[str, Any]:
    data = {"connectorId": 1, "transactionId": transaction, "source": "pole"}
    return {"vendorId": "Paalwerk", "messageId": "Overrule", "data": json.dumps(data)}


def drain(outbox: Outbox) -> Iterator[OutboxEntry]:
    """Deliver everything, the way the OCPP client will: send the head, then acknowledge it."""
    while (entry := outbox.peek()) is not None:
        yield entry
        outbox.delivered(entry.seq)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "PW-0001" / "outbox.sqlite3"


@pytest.fixture
def outbox(path: Path) -> Iterator[Outbox]:
    with Outbox(path) as opened:
        yield opened


# -- order and acknowledgement ---------------------------------------------------------------


def test_entries_come_out_in_the_order_they_went_in(outbox: Outbox) -> None:
    status = {"connectorId": 1, "errorCode": "NoError", "status": "Preparing",
              "timestamp": stamp(T0)}
    outbox.append("StatusNotification", status, created=T0)
    outbox.append("StartTransaction", start_transaction(), created=T0, local_transaction_id=LOCAL)
    outbox.append("MeterValues", meter_values(T0 + timedelta(minutes=15)),
                  created=T0 + timedelta(minutes=15))
    outbox.append("StopTransaction", stop_transaction(T0 + timedelta(minutes=20)),
                  created=T0 + timedelta(minutes=20))

    assert len(outbox) == 4
    entries = list(drain(outbox))

    assert [e.action for e in entries] == [
        "StatusNotification", "StartTransaction", "MeterValues", "StopTransaction"]
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    assert entries[0].payload == status
    assert entries[0].local_transaction_id is None
    assert [e.local_transaction_id for e in entries[1:]] == [LOCAL, LOCAL, LOCAL]
    assert [e.created for e in entries] == [T0, T0, T0 + timedelta(minutes=15),
                                            T0 + timedelta(minutes=20)]
    assert len(outbox) == 0
    assert outbox.peek() is None


def test_peek_hands_out_the_head_until_it_is_delivered(outbox: Outbox) -> None:
    first = outbox.append("MeterValues", meter_values(T0, transaction=None), created=T0)
    outbox.append("MeterValues", meter_values(T0, transaction=None, connector=2), created=T0)

    assert outbox.peek() == first
    assert outbox.peek() == first  # a send that failed is simply retried
    outbox.delivered(first.seq)
    head = outbox.peek()
    assert head is not None and head.payload["connectorId"] == 2


def test_only_the_head_can_be_delivered(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="empty"):
        outbox.delivered(1)
    first = outbox.append("MeterValues", meter_values(T0, transaction=None), created=T0)
    second = outbox.append("MeterValues", meter_values(T0, transaction=None), created=T0)

    with pytest.raises(ValueError, match=f"head is entry {first.seq}"):
        outbox.delivered(second.seq)
    with pytest.raises(ValueError, match=f"head is entry {first.seq}"):
        outbox.delivered(second.seq + 100)

    assert len(outbox) == 2
    assert outbox.peek() == first
    outbox.delivered(first.seq)
    with pytest.raises(ValueError, match=f"head is entry {second.seq}"):
        outbox.delivered(first.seq)  # a duplicate acknowledgement removes nothing else


def test_payload_and_original_timestamps_are_kept_exactly(outbox: Outbox) -> None:
    amsterdam = timezone(timedelta(hours=1))
    created = datetime(2026, 11, 25, 17, 3, 12, 345678, tzinfo=amsterdam)
    payload = meter_values(created, transaction=None, context="Sample.Clock")
    payload["meterValue"][0]["sampledValue"][0]["value"] = "12345.678"

    appended = outbox.append("MeterValues", payload, created=created)
    payload["connectorId"] = 2  # the caller's dict is not the stored one

    head = outbox.peek()
    assert head == appended
    assert head is not None
    assert head.created == created and head.created.utcoffset() == timedelta(hours=1)
    assert head.payload["connectorId"] == 1
    assert head.payload["meterValue"][0]["timestamp"] == stamp(created)
    assert head.payload["meterValue"][0]["sampledValue"][0]["value"] == "12345.678"


# -- restarts and crashes --------------------------------------------------------------------


def test_restart_keeps_entries_order_and_transaction_ids(path: Path) -> None:
    with Outbox(path) as before:
        before.append("StartTransaction", start_transaction(), created=T0,
                      local_transaction_id=LOCAL)
        for n in range(1, 4):
            at = T0 + timedelta(minutes=15 * n)
            before.append("MeterValues", meter_values(at, wh=1000 + n), created=at)
        start = before.peek()
        assert start is not None
        before.delivered(start.seq)
        before.assign_transaction_id(LOCAL, CSMS)
        queued = [before.peek()]

    with Outbox(path) as after:
        assert len(after) == 3
        assert after.csms_transaction_id(LOCAL) == CSMS
        assert after.peek() == queued[0]
        entries = list(drain(after))
        later = after.append("MeterValues", meter_values(T0, transaction=None), created=T0)

    assert [e.payload["meterValue"][0]["sampledValue"][0]["value"] for e in entries] == [
        "1001", "1002", "1003"]
    assert {e.payload["transactionId"] for e in entries} == {CSMS}
    assert later.seq > entries[-1].seq


def test_sequence_numbers_are_never_reused_after_the_outbox_ran_empty(path: Path) -> None:
    with Outbox(path) as before:
        last = before.append("MeterValues", meter_values(T0, transaction=None), created=T0)
        before.delivered(last.seq)
    with Outbox(path) as after:
        assert after.append("MeterValues", meter_values(T0, transaction=None),
                            created=T0).seq > last.seq


def test_a_killed_pole_and_a_torn_last_write_lose_nothing_that_was_appended(path: Path) -> None:
    """The process dies without closing (as under SIGKILL); then the log gets a torn tail."""
    script = textwrap.dedent(f"""
        import os, signal
        from datetime import datetime, timedelta, UTC
        from pathlib import Path
        from pole_link.sim.outbox import Outbox
        outbox = Outbox(Path({str(path)!r}))
        t0 = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
        outbox.append("StartTransaction", {start_transaction()!r}, created=t0,
                      local_transaction_id=-1)
        outbox.assign_transaction_id(-1, 4711)
        for n in range(20):
            outbox.append("StopTransaction" if n == 19 else "MeterValues",
                          {{"connectorId": 1, "transactionId": -1, "n": n}},
                          created=t0 + timedelta(minutes=n))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    crashed = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=False,
                             capture_output=True, text=True, timeout=60)
    assert crashed.returncode == -9, crashed.stderr
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # not checkpointed: the entries live only in the write-ahead log
    with wal.open("ab") as log:
        log.write(os.urandom(5000))  # a half-written frame after the last commit

    with Outbox(path) as reopened:
        entries = list(drain(reopened))

    assert [e.action for e in entries] == ["StartTransaction"] + ["MeterValues"] * 19 + [
        "StopTransaction"]
    assert [e.payload.get("n") for e in entries[1:]] == list(range(20))
    assert {e.payload["transactionId"] for e in entries[1:]} == {CSMS}


def test_eis53_a_month_of_quarter_hour_samples_survives_restart_in_order(tmp_path: Path) -> None:
    """Four connectors' clock-aligned and periodic samples for 30 days: 11,520 entries.

    ``synchronous="NORMAL"`` only so the suite does not time 23,000 fsyncs of a CI disk; close
    and reopen do not depend on fsync, so order and content are proven all the same.
    """
    path = tmp_path / "outbox.sqlite3"
    quarters, connectors = 2880, 4
    with Outbox(path, synchronous="NORMAL") as offline:
        for quarter in range(quarters):
            at = T0 + timedelta(minutes=15 * quarter)
            for connector in range(1, connectors + 1):
                offline.append("MeterValues",
                               meter_values(at, connector=connector, transaction=None,
                                            context="Sample.Clock", wh=quarter),
                               created=at)
        assert len(offline) == quarters * connectors

    with Outbox(path, synchronous="NORMAL") as reconnected:
        assert len(reconnected) == quarters * connectors
        previous = 0
        count = 0
        for entry in drain(reconnected):
            quarter, connector = divmod(count, connectors)
            at = T0 + timedelta(minutes=15 * quarter)
            assert entry.seq > previous
            assert entry.created == at
            assert entry.payload["connectorId"] == connector + 1
            assert entry.payload["meterValue"][0]["timestamp"] == stamp(at)
            assert entry.payload["meterValue"][0]["sampledValue"][0]["value"] == str(quarter)
            previous = entry.seq
            count += 1
        assert count == quarters * connectors
        assert len(reconnected) == 0


# -- transaction ids -------------------------------------------------------------------------


def test_queued_events_of_a_transaction_are_sent_with_the_csms_id(outbox: Outbox) -> None:
    outbox.append("StartTransaction", start_transaction(), created=T0, local_transaction_id=LOCAL)
    outbox.append("MeterValues", meter_values(T0 + timedelta(minutes=15)),
                  created=T0 + timedelta(minutes=15), local_transaction_id=LOCAL)
    outbox.append("DataTransfer", overrule_report(), created=T0 + timedelta(minutes=16),
                  local_transaction_id=LOCAL)
    outbox.append("StopTransaction", stop_transaction(T0 + timedelta(minutes=20)),
                  created=T0 + timedelta(minutes=20), local_transaction_id=LOCAL)

    start = outbox.peek()
    assert start is not None and start.action == "StartTransaction"
    assert outbox.csms_transaction_id(LOCAL) is None
    outbox.assign_transaction_id(LOCAL, CSMS)  # the CSMS answered StartTransaction
    outbox.delivered(start.seq)

    meter, report, stop = list(drain(outbox))
    assert outbox.csms_transaction_id(LOCAL) == CSMS
    assert meter.payload["transactionId"] == CSMS
    assert json.loads(report.payload["data"]) == {
        "connectorId": 1, "transactionId": CSMS, "source": "pole"}
    assert report.payload["messageId"] == "Overrule"
    assert stop.payload["transactionId"] == CSMS
    assert stop.payload["timestamp"] == stamp(T0 + timedelta(minutes=20))  # untouched
    assert {meter.local_transaction_id, report.local_transaction_id,
            stop.local_transaction_id} == {LOCAL}


def test_events_appended_after_the_answer_also_get_the_csms_id(outbox: Outbox) -> None:
    outbox.assign_transaction_id(LOCAL, CSMS)
    appended = outbox.append("StopTransaction", stop_transaction(T0), created=T0)
    assert appended.payload["transactionId"] == CSMS
    head = outbox.peek()
    assert head is not None and head.payload["transactionId"] == CSMS


def test_until_the_csms_answers_the_local_id_is_handed_out(outbox: Outbox) -> None:
    outbox.append("StopTransaction", stop_transaction(T0), created=T0, local_transaction_id=LOCAL)
    head = outbox.peek()
    assert head is not None and head.payload["transactionId"] == LOCAL


def test_other_transactions_and_clock_samples_are_left_alone(outbox: Outbox) -> None:
    outbox.assign_transaction_id(LOCAL, CSMS)
    outbox.append("MeterValues", meter_values(T0, transaction=-2), created=T0)
    outbox.append("MeterValues", meter_values(T0, transaction=None, context="Sample.Clock"),
                  created=T0)
    outbox.append("MeterValues", meter_values(T0, transaction=99), created=T0,
                  local_transaction_id=LOCAL)  # an id the pole already had from the CSMS
    low_current = {"vendorId": "Paalwerk", "messageId": "LowCurrentVehicle",
                   "data": json.dumps({"connectorId": 2})}
    outbox.append("DataTransfer", low_current, created=T0, local_transaction_id=LOCAL)

    other, clock, known, report = list(drain(outbox))
    assert other.payload["transactionId"] == -2 and other.local_transaction_id == -2
    assert "transactionId" not in clock.payload and clock.local_transaction_id is None
    assert known.payload["transactionId"] == 99
    assert report.payload == low_current


def test_the_link_is_read_from_a_local_id_in_the_payload(outbox: Outbox) -> None:
    stop = outbox.append("StopTransaction", stop_transaction(T0, transaction=-3), created=T0)
    report = outbox.append("DataTransfer", overrule_report(-3), created=T0)
    assert stop.local_transaction_id == -3
    assert report.local_transaction_id == -3


def test_a_link_that_contradicts_the_payload_is_refused(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match=r"StopTransaction.*-2.*-1"):
        outbox.append("StopTransaction", stop_transaction(T0, transaction=-2), created=T0,
                      local_transaction_id=LOCAL)
    assert len(outbox) == 0


def test_start_transaction_is_acknowledged_and_mapped_in_one_step(outbox: Outbox) -> None:
    start = outbox.append("StartTransaction", start_transaction(), created=T0,
                          local_transaction_id=LOCAL)
    stop = outbox.append("StopTransaction", stop_transaction(T0), created=T0)

    with pytest.raises(ValueError, match=f"head is entry {start.seq}"):
        outbox.delivered_start_transaction(stop.seq, CSMS)
    outbox.delivered_start_transaction(start.seq, CSMS)

    assert outbox.csms_transaction_id(LOCAL) == CSMS
    head = outbox.peek()
    assert head is not None and head.payload["transactionId"] == CSMS
    with pytest.raises(ValueError, match="not a StartTransaction"):
        outbox.delivered_start_transaction(head.seq, CSMS)
    assert len(outbox) == 1


def test_a_new_answer_for_the_same_transaction_replaces_the_old_id(outbox: Outbox) -> None:
    outbox.assign_transaction_id(LOCAL, CSMS)
    outbox.assign_transaction_id(LOCAL, CSMS + 1)
    assert outbox.csms_transaction_id(LOCAL) == CSMS + 1


@pytest.mark.parametrize("local_id", [0, 5, True])
def test_local_transaction_ids_are_negative(outbox: Outbox, local_id: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        outbox.assign_transaction_id(local_id, CSMS)
    with pytest.raises(ValueError, match="negative"):
        outbox.append("StopTransaction", stop_transaction(T0, transaction=CSMS), created=T0,
                      local_transaction_id=local_id)


# -- bad input -------------------------------------------------------------------------------


def test_a_naive_creation_time_is_refused(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        outbox.append("MeterValues", meter_values(T0), created=datetime(2026, 11, 25, 16, 0))
    assert len(outbox) == 0


@pytest.mark.parametrize("bad", [object(), {1, 2}, float("nan"), b"bytes"])
def test_a_payload_that_is_not_json_is_refused_naming_the_action(outbox: Outbox,
                                                                 bad: object) -> None:
    with pytest.raises(ValueError, match=r"StatusNotification.*JSON"):
        outbox.append("StatusNotification", {"connectorId": 1, "info": bad}, created=T0)
    assert len(outbox) == 0


# -- the disk --------------------------------------------------------------------------------


def test_an_unwritable_directory_raises_outbox_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    target = blocker / "PW-0001" / "outbox.sqlite3"

    with pytest.raises(OutboxError, match="not a directory") as caught:
        Outbox(target)

    assert str(target) in str(caught.value)
    assert isinstance(caught.value, PoleLinkError)


def test_a_file_that_is_not_an_outbox_raises_outbox_error(tmp_path: Path) -> None:
    garbage = tmp_path / "outbox.sqlite3"
    garbage.write_bytes(b"this is not a SQLite database, just text " * 100)
    with pytest.raises(OutboxError, match=re.escape(str(garbage))):
        Outbox(garbage)
    assert garbage.read_bytes().startswith(b"this is not")  # and left as it was


def test_eis53_a_full_disk_refuses_new_entries_and_keeps_the_stored_ones(path: Path) -> None:
    stored: list[OutboxEntry] = []
    with Outbox(path, max_bytes=64 * 1024) as full, pytest.raises(OutboxError) as caught:
        for n in range(10_000):
            at = T0 + timedelta(minutes=15 * n)
            stored.append(full.append("MeterValues", meter_values(at, wh=n), created=at))

    assert "full" in str(caught.value)
    assert str(path) in str(caught.value)
    assert "MeterValues" in str(caught.value)
    assert 10 < len(stored) < 10_000

    with Outbox(path) as after:  # e.g. once space was freed
        assert list(drain(after)) == stored


def test_a_full_outbox_still_delivers(path: Path) -> None:
    with Outbox(path, max_bytes=64 * 1024) as full:
        with pytest.raises(OutboxError):
            while True:
                full.append("MeterValues", meter_values(T0), created=T0)
        count = len(full)
        head = full.peek()
        assert head is not None
        full.delivered(head.seq)
        assert len(full) == count - 1
    with Outbox(path) as reopened:  # the backlog shown while running is what was stored
        assert len(reopened) == count - 1


def test_a_second_pole_cannot_open_the_same_outbox(outbox: Outbox, path: Path) -> None:
    with pytest.raises(OutboxError, match="same id"):
        Outbox(path)
    outbox.close()
    Outbox(path).close()


def test_a_closed_outbox_says_so(outbox: Outbox) -> None:
    outbox.close()
    outbox.close()
    with pytest.raises(OutboxError, match="closed"):
        outbox.append("MeterValues", meter_values(T0), created=T0)
    with pytest.raises(OutboxError, match="closed"):
        outbox.peek()


def test_the_in_memory_outbox_behaves_like_the_file() -> None:
    with Outbox.in_memory() as outbox:
        assert outbox.path is None
        outbox.append("StartTransaction", start_transaction(), created=T0,
                      local_transaction_id=LOCAL)
        outbox.append("StopTransaction", stop_transaction(T0), created=T0)
        start = outbox.peek()
        assert start is not None
        outbox.delivered_start_transaction(start.seq, CSMS)
        [stop] = list(drain(outbox))
        assert stop.payload["transactionId"] == CSMS


# -- where the state lives -------------------------------------------------------------------


def test_state_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path))
    assert default_state_dir("PW-0001") == tmp_path / "PW-0001"


def test_state_dir_defaults_to_the_users_state_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_DIR_ENV, raising=False)
    expected = Path(platformdirs.user_state_dir("paalwerk")) / "sim" / "PW-0001"
    assert default_state_dir("PW-0001") == expected


@pytest.mark.parametrize("pole_id", ["", "..", ".", "a/b", "../etc"])
def test_a_pole_id_cannot_escape_the_state_directory(pole_id: str) -> None:
    with pytest.raises(ValueError):
        default_state_dir(pole_id)


def test_lowest_local_transaction_id_survives_restart(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    path = tmp_path / "outbox.sqlite"
    outbox = Outbox(path)
    assert outbox.lowest_local_transaction_id() is None
    when = datetime(2026, 11, 25, 12, tzinfo=UTC)
    outbox.append("StopTransaction", {"transactionId": -3, "meterStop": 5, "timestamp":
                                      "2026-11-25T12:00:00Z"}, created=when,
                  local_transaction_id=-3)
    outbox.assign_transaction_id(-7, 4711)
    outbox.close()
    reopened = Outbox(path)
    assert reopened.lowest_local_transaction_id() == -7
    reopened.close()
