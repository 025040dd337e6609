"""The fleet's tender reports over the API (eis 25, 30, 48) give, pole by pole, exactly the
numbers of the hand-computed histories the pure report tests prove — from stored rows,
on SQLite and on PostgreSQL, through the typed client the GUI uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.reports.compliance import compliance_report, to_csv, to_json
from service.reports.uptime import uptime, uptime_to_json
from tests.service.reports_support import register, store_transactions, store_uptime_history
from tests.service.test_reports_compliance import HISTORY, PROGRAMME, UNTIL
from tests.service.test_reports_uptime import JUNE, POLE, june_history
from tests.support import Api

LATE = "NL-PW-0002"
"""Registered halfway through June, without a programme start: counted from then."""
UNREGISTERED_YET = "NL-PW-0003"
"""Registered after the report's period: no uptime and no compliance."""


def seed(api: Api) -> None:
    repository = api.service.repository
    register(repository, POLE, registered_at=datetime(2025, 12, 1, tzinfo=UTC),
             programme_start=PROGRAMME.start)
    register(repository, LATE, registered_at=datetime(2026, 6, 15, 22, tzinfo=UTC))
    register(repository, UNREGISTERED_YET, registered_at=datetime(2030, 1, 1, tzinfo=UTC))
    store_transactions(repository, HISTORY)
    store_uptime_history(repository, POLE, *june_history())


def _without_ids(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    for row in rows:
        del row["peak_transaction_ids"], row["overruled_transaction_ids"]
    return rows


async def test_eis25_eis30_fleet_compliance_equals_the_hand_computed_history(api: Api) -> None:
    seed(api)
    expected = compliance_report(HISTORY, PROGRAMME, until=UNTIL)
    answer = await api.client.get("/api/v1/reports/compliance",
                                  params={"until": UNTIL.isoformat()})
    assert answer.status_code == 200, answer.text
    mine = [row for row in answer.json() if row["pole_id"] == POLE]
    assert mine == _without_ids(to_json(expected))
    assert [row["subperiod"] for row in answer.json() if row["pole_id"] == LATE] == [
        "baseline", "subperiod 2"], "counted from its registration: 2026-06-16 + 18 months"
    assert all(row["pole_id"] != UNREGISTERED_YET for row in answer.json())
    csv = await api.client.get("/api/v1/reports/compliance",
                               params={"until": UNTIL.isoformat(), "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert [line for line in csv.text.splitlines() if line.startswith(POLE)] == \
        to_csv(expected).splitlines()[1:]

    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        fleet = await client.fleet_compliance(UNTIL)
        pole = await client.compliance(POLE, UNTIL)
    base, sub2, sub3 = (row for row in fleet if row.pole_id == POLE)
    assert (base.peak_transactions, base.overruled, base.target_met) == (5, 2, None)
    assert base.low_current_transactions == (6, 7)
    assert [(n.transaction_id, n.id_tag) for n in base.low_current_overruled] == [
        (6, "ZOE-0042")]
    assert (sub2.peak_transactions, sub2.overruled, sub2.target_percent,
            sub2.target_met) == (4, 2, 50, True)
    assert (sub3.peak_transactions, sub3.overruled, sub3.complete) == (5, 1, False)
    assert pole == [base, sub2, sub3], "the pole's route and the fleet's agree"


async def test_eis48_fleet_uptime_equals_the_hand_computed_history(api: Api) -> None:
    seed(api)
    start, end = JUNE
    expected = uptime(POLE, *june_history(), start, end)
    answer = await api.client.get("/api/v1/reports/uptime", params={
        "start": start.isoformat(), "end": end.isoformat()})
    assert answer.status_code == 200, answer.text
    by_pole = {row["pole_id"]: row for row in answer.json()}
    assert set(by_pole) == {POLE, LATE}, "not a pole registered after the period"
    mine = by_pole[POLE]
    want = uptime_to_json([expected])[0]
    for field in ("period_seconds", "connected_seconds", "available_seconds", "up_seconds",
                  "status_unknown_seconds", "percent", "meets_98"):
        assert mine[field] == want[field], field
    late = by_pole[LATE]
    assert late["period_seconds"] == 15 * 86400, "from its registration (06-16 00:00 local)"
    assert late["up_seconds"] == 0 and late["meets_98"] is False

    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        fleet = {record.pole_id: record for record in await client.fleet_uptime(start, end)}
        single = await client.uptime(POLE, start, end)
        csv = await client.uptime_csv(start, end)
    assert fleet[POLE].percent == pytest.approx(expected.percent)
    assert single.up_seconds == fleet[POLE].up_seconds == expected.up_seconds
    assert csv.splitlines()[0].startswith("pole_id,") and len(csv.splitlines()) == 3
    backwards = await api.client.get("/api/v1/reports/uptime", params={
        "start": end.isoformat(), "end": start.isoformat()})
    assert backwards.status_code == 422 and "after start" in backwards.json()["description"]
