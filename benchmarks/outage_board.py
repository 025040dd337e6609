"""The outage board for a large fleet on PostgreSQL (issue 19; target: the route ≤ 1 s).

    N poles (default 10,000) with a year of history, made in the database itself
    (``INSERT … SELECT`` over ``generate_series``, seconds instead of hours of
    round trips): a connection session a week each, four status changes a day,
    a transaction a day, locations in areas of 50 poles; then today's trouble: one
    area (50 poles) dark since a shared drop, 20 poles tripping GroundFailure, 10 flaky
    modems, 5 poles with failed logins. Prints the row counts, the time to make them,
    and the board route's time through HTTP and the typed client (median of
    ``--rounds``), with its parts (week read, rules, year uptime of the board's poles).

The service runs in this process (``start_service``) on a fresh schema of the database
``--db`` (default ``$PAALWERK_TEST_PG``), dropped afterwards unless ``--keep``.

    PYTHONPATH=. .venv/bin/python benchmarks/outage_board.py [--poles 10000] [--days 365]
        [--rounds 5] [--db postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.sim.clock import SimClock
from service.api.tokens import ensure_admin_token
from service.outages import rules
from service.outages.reads import BoardReads
from service.server import start_service
from service.storage.database import normalise_url

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
AREA_SIZE = 50


def pid(column: str) -> str:
    return f"'PW-' || lpad({column}::text, 5, '0')"


def generate(engine: sa.Engine, poles: int, days: int) -> dict[str, int]:
    """A year of an ordinary fleet, written by the database, then today's trouble."""
    start = NOW - timedelta(days=days)
    weeks = max(1, days // 7)
    params = {"start": start, "n": poles, "days": days, "weeks": weeks}
    spread = "((i * 7919) % 86400) * interval '1 second'"
    statements = [
        f"""INSERT INTO poles (id, auto_registered, connection_size, registered_at, connected,
                               last_seen)
            SELECT {pid('i')}, false, '3x35', :start, true, :start
            FROM generate_series(1, :n) i""",
        f"""INSERT INTO pole_locations (pole_id, address, postcode, city, latitude, longitude,
                                        grid_operator, area_code, updated_at)
            SELECT {pid('i')}, 'Straat ' || i, '7411 AB', 'Deventer',
                   52 + (i % 100) / 100.0, 6 + (i % 100) / 100.0, 'Enexis',
                   'A' || (i % {poles // AREA_SIZE or 1}), :start
            FROM generate_series(1, :n) i""",
        f"""INSERT INTO connection_sessions (pole_id, started, ended, end_reason)
            SELECT {pid('i')}, :start + w * interval '7 days' + {spread},
                   CASE WHEN w = :weeks - 1 THEN NULL
                        ELSE :start + (w + 1) * interval '7 days' + {spread}
                             - interval '2 minutes' END,
                   CASE WHEN w = :weeks - 1 THEN NULL ELSE 'dropped' END
            FROM generate_series(1, :n) i, generate_series(0, :weeks - 1) w""",
        f"""INSERT INTO status_events (pole_id, connector_id, status, error_code, timestamp)
            SELECT {pid('i')}, c, CASE WHEN k = 0 THEN 'Charging' ELSE 'Available' END,
                   'NoError', :start + d * interval '1 day'
                   + (c * 6 + k * 2 + 4) * interval '1 hour' + (i % 3600) * interval '1 second'
            FROM generate_series(1, :n) i, generate_series(0, :days - 1) d,
                 generate_series(1, 2) c, generate_series(0, 1) k""",
        f"""INSERT INTO connectors (pole_id, connector_id, status, error_code, since)
            SELECT {pid('i')}, c, 'Available', 'NoError', :start
            FROM generate_series(1, :n) i, generate_series(0, 2) c""",
        f"""INSERT INTO transactions (pole_id, connector_id, id_tag, meter_start, meter_stop,
                                      started, stopped, stop_reason, low_current_vehicle)
            SELECT {pid('i')}, 1 + d % 2, 'CARD' || (i % 500), 0, 12000,
                   :start + d * interval '1 day' + interval '17 hours'
                   + (i % 3600) * interval '1 second',
                   :start + d * interval '1 day' + interval '20 hours', 'EVDisconnected', false
            FROM generate_series(1, :n) i, generate_series(0, :days - 1) d""",
    ]
    with engine.begin() as db:
        # Bulk load without the plain indexes of the big tables, then build them once:
        # hours become minutes. Read from the schema, so the load follows the migrations.
        indexes = dict(db.execute(sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x "
            "ON x.indexrelid = (quote_ident(i.schemaname) || '.' || "
            "quote_ident(i.indexname))::regclass "
            "WHERE i.schemaname = current_schema() AND NOT x.indisunique "
            "AND i.tablename IN ('status_events', 'transactions')")).all())
        for name in indexes:
            db.execute(sa.text(f"DROP INDEX {name}"))
        for statement in statements:
            db.execute(sa.text(statement), params)
        for definition in indexes.values():
            db.execute(sa.text(definition))
        # Today's trouble. Area A7 lost power at 09:00 and stays dark.
        cut = NOW - timedelta(hours=3)
        dark = [f"PW-{i:05d}" for i in range(1, poles + 1) if i % (poles // AREA_SIZE or 1) == 7]
        cs = sa.table("connection_sessions", sa.column("pole_id"), sa.column("ended"),
                      sa.column("end_reason"))
        for n, pole_id in enumerate(dark):
            db.execute(sa.update(cs).where(cs.c.pole_id == pole_id, cs.c.ended.is_(None))
                       .values(ended=cut + timedelta(seconds=n % 40), end_reason="dropped"))
        db.execute(sa.text("UPDATE poles SET connected = false WHERE id = ANY(:ids)"),
                   {"ids": dark})
        status = sa.text("INSERT INTO status_events (pole_id, connector_id, status, "
                         "error_code, timestamp) VALUES (:p, 1, :s, :e, :t)")
        for i in range(100, 120):  # GroundFailure every evening this week
            for day in range(1, 5):
                at = NOW - timedelta(days=day, hours=-6)
                db.execute(status, [{"p": f"PW-{i:05d}", "s": "Faulted", "e": "GroundFailure",
                                     "t": at},
                                    {"p": f"PW-{i:05d}", "s": "Available", "e": "NoError",
                                     "t": at + timedelta(minutes=20)}])
        sessions = sa.text("INSERT INTO connection_sessions (pole_id, started, ended, "
                           "end_reason) VALUES (:p, :s, :e, 'silent')")
        for i in range(200, 210):  # flaky modems: short sessions
            db.execute(sessions, [{"p": f"PW-{i:05d}", "s": NOW - timedelta(hours=h),
                                   "e": NOW - timedelta(hours=h, minutes=-5)}
                                  for h in (30, 20, 10, 5)])
        security = sa.text("INSERT INTO security_events (pole_id, type, tech_info, timestamp, "
                           "received_at) VALUES (:p, 'CredentialsWrong', 'bad password', :t, :t)")
        for i in range(300, 305):
            db.execute(security, [{"p": f"PW-{i:05d}", "t": NOW - timedelta(hours=h)}
                                  for h in (1, 2, 3)])
    tables = ("poles", "connection_sessions", "status_events", "transactions",
              "security_events", "pole_locations", "connectors")
    with engine.begin() as db:  # committed first: the statistics must see the rows
        counts = {table: int(db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
                  for table in tables}
        for table in tables:  # only ours: a database-wide ANALYZE meets other schemas' locks
            db.execute(sa.text(f"ANALYZE {table}"))
    return counts


def restore(engine: sa.Engine, poles: int) -> None:
    """Undo what the service's start did to a reused history: it ended the open sessions
    at each pole's last contact (the history's first day here, so they would end before
    they began) and marked every pole offline. Open again, as `generate` left them."""
    area = poles // AREA_SIZE or 1
    with engine.begin() as db:
        db.execute(sa.text("UPDATE connection_sessions SET ended = NULL, end_reason = NULL "
                           "WHERE end_reason = 'service-stopped'"))
        db.execute(sa.text("UPDATE poles SET connected = (substr(id, 4)::int % :area <> 7) "
                           "WHERE id LIKE 'PW-%'"), {"area": area})


async def main(poles: int, days: int, rounds: int, db: str, keep: bool,
               reuse: str | None = None) -> None:
    url = normalise_url(db)
    schema = reuse or f"bench_board_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    if reuse is None:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    else:
        keep = True
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    scoped_text = scoped.render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-board-") as scratch:
            directory = Path(scratch)
            token_file = directory / "tokens.json"
            token = ensure_admin_token(token_file)
            assert token is not None
            service = await start_service(scoped_text, token_file=token_file,
                                          files_dir=directory / "files",
                                          clock=SimClock(NOW).now)
            try:
                if reuse is None:
                    began = time.perf_counter()
                    counts = await asyncio.to_thread(generate, service.repository.engine,
                                                     poles, days)
                    made = time.perf_counter() - began
                    print(f"history: {poles} poles x {days} days made in {made:.1f} s "
                          f"(schema {schema}): " +
                          ", ".join(f"{name} {count:,}" for name, count in counts.items()))
                else:
                    await asyncio.to_thread(restore, service.repository.engine, poles)
                    print(f"history: reused schema {schema}")
                reads = BoardReads(service.repository.engine)
                parts: dict[str, list[float]] = {"week read": [], "rules": [],
                                                 "year uptime": [], "route": []}
                entries = 0
                async with ServiceClient(ServiceEndpoint(
                        f"http://127.0.0.1:{service.port}", token), timeout=120) as client:
                    for _ in range(rounds):
                        t0 = time.perf_counter()
                        histories, _locations = reads.histories(NOW)
                        t1 = time.perf_counter()
                        found = rules.board(histories, NOW)
                        t2 = time.perf_counter()
                        reads.year_budgets([e.pole_id for e in found], NOW)
                        t3 = time.perf_counter()
                        board = await client.outages()
                        t4 = time.perf_counter()
                        for name, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3),
                                               strict=True):
                            parts[name].append(value)
                        entries = len(board.entries)
                by_cause: dict[str, int] = {}
                for entry in board.entries:
                    by_cause[entry.cause] = by_cause.get(entry.cause, 0) + 1
                print(f"board: {entries} entries "
                      f"({', '.join(f'{k} {v}' for k, v in sorted(by_cause.items()))})")
                for name, values in parts.items():
                    print(f"  {name:12s} median {statistics.median(values) * 1000:8.1f} ms  "
                          f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})")
                route = statistics.median(parts["route"])
                print(f"GET /api/v1/outages: {route * 1000:.0f} ms median "
                      f"({'within' if route <= 1.0 else 'OVER'} the 1 s target)")
            finally:
                await service.stop()
    finally:
        if not keep:
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default=os.environ.get("PAALWERK_TEST_PG"))
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--reuse", metavar="SCHEMA",
                        help="time the board on a schema kept by an earlier --keep run")
    arguments = parser.parse_args()
    if not arguments.db:
        parser.error("give --db postgresql://… or set PAALWERK_TEST_PG")
    asyncio.run(main(arguments.poles, arguments.days, arguments.rounds, arguments.db,
                     arguments.keep, arguments.reuse))
