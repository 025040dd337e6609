"""The tender's reports at fleet size on PostgreSQL (issue 19; eis 25, 30, 48).

    N poles (default 10,000) with a year of history, generated inside PostgreSQL:
      - every evening a transaction plugged in 17:30–19:29 local, gone at 06:30–08:29 the next
        morning (a peak transaction; 1 in 10 overruled, 3 in 5 on every tenth pole, over the limit;
        1 in 50 a low-current vehicle), and on every third day a daytime one (09:00–12:00);
      - a StatusNotification at each transaction's start and stop (Charging, Available);
      - one connection session a month, with up to 19.5 h offline at its end (poles with
        more than 14.6 h a month miss eis 48's 98 %).
    Targets (issue 19): one pole's report ≤ 200 ms; the fleet's yearly summary ≤ 10 s.

Measured: one pole's report (its compliance and its year's uptime, the two routes the
Reports page asks when a pole is clicked), in process, median over ``--rounds`` poles;
the fleet's yearly summary in process (compliance and uptime separately) and over HTTP
through `ServiceClient` as the Reports page asks it (both routes at once).

    PYTHONPATH=. .venv/bin/python benchmarks/reports.py [--poles 10000] [--days 365]
        [--rounds 5] [--db postgresql://postgres@127.0.0.1:5432/test] [--keep SCHEMA]
        [--no-http]

A fresh schema is created and dropped afterwards (``--keep NAME`` keeps and reuses it, so
a second run skips the generation; a schema generated before revision 0021 gets its
compliance tally back-filled by the migration, whose time is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.api.compliance import pole_compliance
from service.api.reports import fleet_compliance, fleet_uptime
from service.api.tokens import ensure_admin_token
from service.api.uptime import pole_uptime
from service.server import start_service
from service.storage.database import create_engine_for, migrate, normalise_url
from service.storage.repository import AsyncRepository, Repository

ZONE = ZoneInfo("Europe/Amsterdam")
YEAR = 2026
PROGRAMME = "2025-07-01 00:00"
"""Local programme start: the year 2026 is the second half of the baseline and subperiod 2."""

GENERATE = [
    """INSERT INTO poles (id, vendor, model, auto_registered, connection_size, connected,
                          programme_start, registered_at)
       SELECT 'BR-' || lpad(p::text, 5, '0'), 'Paalwerk', 'PW2', false, '3x35', false,
              timestamp '{programme}' AT TIME ZONE 'Europe/Amsterdam',
              timestamp '{programme}' AT TIME ZONE 'Europe/Amsterdam'
       FROM generate_series(1, {poles}) AS p""",
    # Every evening: a peak transaction (17:30 + p mod 120 minutes, 13 hours long).
    """INSERT INTO transactions (pole_id, connector_id, id_tag, meter_start, meter_stop,
                                 started, stopped, overruled_at, overrule_source,
                                 low_current_vehicle)
       SELECT 'BR-' || lpad(p::text, 5, '0'), 1, 'TAG' || (p * 7 + d) % 997, 0, 10000, s,
              s + interval '13 hours',
              CASE WHEN o THEN s + interval '10 minutes' END, CASE WHEN o THEN 'pole' END,
              (p + d) % 50 = 0
       FROM generate_series(1, {poles}) AS p, generate_series(0, {days} - 1) AS d,
            LATERAL (SELECT (timestamp '{year}-01-01 17:30' + d * interval '1 day'
                             + (p % 120) * interval '1 minute')
                            AT TIME ZONE 'Europe/Amsterdam' AS s,
                            CASE WHEN p % 10 = 0 THEN (p * 7 + d) % 5 < 3
                                 ELSE (p * 7 + d) % 10 = 0 END AS o) AS t""",
    # Every third day a daytime transaction on the other socket: never in the peak.
    """INSERT INTO transactions (pole_id, connector_id, id_tag, meter_start, meter_stop,
                                 started, stopped, low_current_vehicle)
       SELECT 'BR-' || lpad(p::text, 5, '0'), 2, 'DAY' || p % 991, 0, 5000, s,
              s + interval '3 hours', false
       FROM generate_series(1, {poles}) AS p, generate_series(0, {days} - 1, 3) AS d,
            LATERAL (SELECT (timestamp '{year}-01-01 09:00' + d * interval '1 day')
                            AT TIME ZONE 'Europe/Amsterdam' AS s) AS t""",
    # The sockets' state at the programme start, then Charging/Available per transaction.
    """INSERT INTO status_events (pole_id, connector_id, status, error_code, timestamp)
       SELECT 'BR-' || lpad(p::text, 5, '0'), c, 'Available', 'NoError',
              timestamp '{programme}' AT TIME ZONE 'Europe/Amsterdam'
       FROM generate_series(1, {poles}) AS p, generate_series(0, 2) AS c""",
    """INSERT INTO status_events (pole_id, connector_id, status, error_code, timestamp)
       SELECT pole_id, connector_id, e.status, 'NoError', e.at
       FROM transactions, LATERAL (VALUES ('Charging', started), ('Available', stopped))
            AS e(status, at)
       WHERE pole_id LIKE 'BR-%'""",
    # The sockets' current state, as the CSMS keeps it beside the events.
    """INSERT INTO connectors (pole_id, connector_id, status, error_code, since)
       SELECT 'BR-' || lpad(p::text, 5, '0'), c, 'Available', 'NoError',
              timestamp '{programme}' AT TIME ZONE 'Europe/Amsterdam'
       FROM generate_series(1, {poles}) AS p, generate_series(0, 2) AS c""",
    # A session a month, offline (p mod 40) / 2 hours at its end.
    """INSERT INTO connection_sessions (pole_id, started, ended, end_reason)
       SELECT 'BR-' || lpad(p::text, 5, '0'), m0,
              m1 - (p % 40) * interval '30 minutes', 'dropped'
       FROM generate_series(1, {poles}) AS p, generate_series(0, 11) AS m,
            LATERAL (SELECT (timestamp '{year}-01-01' + m * interval '1 month')
                            AT TIME ZONE 'Europe/Amsterdam' AS m0,
                            (timestamp '{year}-01-01' + (m + 1) * interval '1 month')
                            AT TIME ZONE 'Europe/Amsterdam' AS m1) AS t""",
    "ANALYZE",
]


def schema_url(base: str, schema: str) -> str:
    url = normalise_url(base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def generate(url: str, poles: int, days: int) -> None:
    engine = create_engine_for(url)
    began = time.perf_counter()
    migrate(engine)
    with engine.connect() as connection:
        if connection.execute(sa.text("SELECT count(*) FROM poles")).scalar_one():
            print(f"history already generated: reused (migrated in "
                  f"{time.perf_counter() - began:.1f} s, the tally's back-fill included "
                  "when the schema predates revision 0021)")
            engine.dispose()
            return
    began = time.perf_counter()
    for statement in GENERATE:
        with engine.begin() as connection:
            connection.execute(sa.text(statement.format(
                poles=poles, days=days, year=YEAR, programme=PROGRAMME)))
    with engine.connect() as connection:
        counts = {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")
                                            ).scalar_one()
                  for table in ("poles", "transactions", "status_events",
                                "connection_sessions")}
    print(f"generated in {time.perf_counter() - began:.1f} s: "
          + ", ".join(f"{count:,} {table}" for table, count in counts.items()))
    # Written around the repository: the eis 25/30 tally counted afresh, as migration 0021
    # back-fills an existing database.
    began = time.perf_counter()
    Repository(engine).rebuild_compliance_tally()
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    print(f"compliance tally back-filled in {time.perf_counter() - began:.1f} s")
    engine.dispose()


def period(days: int) -> tuple[datetime, datetime]:
    start = datetime(YEAR, 1, 1, tzinfo=ZONE)
    return start, min(start + timedelta(days=days), datetime(YEAR + 1, 1, 1, tzinfo=ZONE))


async def measure(url: str, poles: int, days: int, rounds: int, http: bool) -> None:
    start, end = period(days)
    engine = create_engine_for(url)
    repository = Repository(engine)
    async_repository = AsyncRepository(repository)
    pole_ms = []
    for number in range(rounds):
        pole_id = f"BR-{1 + number * max(poles // rounds, 1):05d}"
        began = time.perf_counter()
        subperiods = await pole_compliance(async_repository, pole_id, end)
        uptime = await pole_uptime(async_repository, pole_id, start, end)
        pole_ms.append((time.perf_counter() - began) * 1000)
    print(f"one pole's report (compliance + uptime, {days} days): median "
          f"{statistics.median(pole_ms):.0f} ms, max {max(pole_ms):.0f} ms "
          f"(target <= 200 ms) — e.g. {pole_id}: {subperiods[-1].name} "
          f"{subperiods[-1].overruled}/{subperiods[-1].peak_transactions} overruled, "
          f"uptime {uptime.percent:.2f} %")

    began = time.perf_counter()
    compliance = await asyncio.to_thread(fleet_compliance, repository, end)
    compliance_s = time.perf_counter() - began
    over = sum(1 for r in compliance if r.target_met is False)
    print(f"fleet in process: compliance {compliance_s:.1f} s ({len(compliance):,} "
          f"subperiod rows, {over:,} over the limit)")
    began = time.perf_counter()
    uptimes = await asyncio.to_thread(fleet_uptime, repository, start, end)
    uptime_s = time.perf_counter() - began
    missed = sum(1 for r in uptimes if not r.meets_98)
    print(f"fleet in process: uptime {uptime_s:.1f} s ({len(uptimes):,} poles, {missed:,} "
          f"below 98 %); together {compliance_s + uptime_s:.1f} s (target <= 10 s)")
    engine.dispose()
    if not http:
        return

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as scratch:
        token_file = Path(scratch) / "tokens.json"
        token = ensure_admin_token(token_file)
        assert token is not None
        service = await start_service(url, token_file=token_file,
                                      files_dir=Path(scratch) / "files")
        try:
            async with ServiceClient(ServiceEndpoint(
                    f"http://127.0.0.1:{service.port}", token), timeout=300) as client:
                began = time.perf_counter()
                await client.compliance("BR-00001", end)
                await client.uptime("BR-00001", start, end)
                one_http = (time.perf_counter() - began) * 1000
                began = time.perf_counter()
                ups, subs = await asyncio.gather(client.fleet_uptime(start, end),
                                                 client.fleet_compliance(end))
                fleet_http = time.perf_counter() - began
        finally:
            await service.stop()
    print(f"over HTTP (ServiceClient, as the Reports page asks): one pole {one_http:.0f} ms; "
          f"the fleet's year {fleet_http:.1f} s ({len(ups):,} uptime rows, "
          f"{len(subs):,} compliance rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default=os.environ.get(
        "PAALWERK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--keep", default=None, help="schema to keep and reuse")
    parser.add_argument("--no-http", action="store_true", help="in process only")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures as measured
    schema = args.keep or f"bench_reports_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_url(args.db))
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    url = schema_url(args.db, schema)
    try:
        generate(url, args.poles, args.days)
        asyncio.run(measure(url, args.poles, args.days, args.rounds, not args.no_http))
    finally:
        if args.keep is None:
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
