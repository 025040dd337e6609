"""Which indexes of ``status_events`` the reads use, and what each costs the writes.

Every StatusNotification is one insert into ``status_events``, and every index on it is
one more tree to update in that insert; an index no read uses is pure cost. Two parts:

``explain SCHEMA… [--rounds N]``: on schemas kept by ``benchmarks/outage_board.py --keep`` and
``benchmarks/reports.py --keep NAME`` (PostgreSQL), run every read that touches
``status_events`` — the outage board (week read and year uptime), the fleet's and one
pole's uptime report, the poles list's uptime — capture each SQL statement as it is sent,
and print each read's median time and, per statement, ``EXPLAIN (ANALYZE)``'s indexes
and time. It reads only: run it before and after a migration of the same schemas.

``writes``: on a SQLite file and a fresh PostgreSQL schema, migrated to ``--revision``
(e.g. 0020, before migration 0021 dropped indexes, and head), with ``--rows`` events
already stored, the rows per second of batches of StatusNotification writes (the event
and the connector upsert, `Repository.record_status_writes`, as `BatchWriter` commits
them), median of ``--rounds``.

    PYTHONPATH=. .venv/bin/python benchmarks/status_indexes.py explain bench_board_x tidy_r
    PYTHONPATH=. .venv/bin/python benchmarks/status_indexes.py writes --revision 0020
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command

from service.api.reports import fleet_uptime
from service.api.uptime import fleet_uptime as poles_list_uptime
from service.api.uptime import pole_uptime
from service.outages.reads import BoardReads
from service.storage.database import alembic_config, create_engine_for, normalise_url
from service.storage.repository import AsyncRepository, Repository

BOARD_NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # benchmarks/outage_board.py
REPORTS_START = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # benchmarks/reports.py, 2026
REPORTS_END = REPORTS_START + timedelta(days=90)


def scoped(base: str, schema: str) -> str:
    url = normalise_url(base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def plan_indexes(node: dict[str, Any]) -> Iterator[str]:
    if "Index Name" in node:
        yield f"{node['Node Type']} {node['Index Name']}"
    elif node.get("Relation Name") == "status_events":
        yield f"{node['Node Type']} status_events"
    for child in node.get("Plans", ()):
        yield from plan_indexes(child)


def explain(base: str, schemas: list[str], rounds: int) -> None:
    for schema in schemas:
        explain_schema(base, schema, rounds)


def explain_schema(base: str, schema: str, rounds: int) -> None:
    engine = create_engine_for(scoped(base, schema))
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any,
                _context: Any, _many: bool) -> None:
        if "status_events" in statement and statement.lstrip().upper().startswith(
                ("SELECT", "WITH", "(")):
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    with engine.connect() as db:
        board = bool(db.execute(sa.text(
            "SELECT count(*) FROM poles WHERE id LIKE 'PW-%'")).scalar_one())
        pole = db.execute(sa.text("SELECT min(id) FROM poles")).scalar_one()
    repository = Repository(engine)
    reads: list[tuple[str, Any]] = []
    if board:
        reads.append(("outage board", lambda: BoardReads(engine).board(BOARD_NOW)))
        end = BOARD_NOW
    else:
        reads.append(("fleet uptime report",
                      lambda: fleet_uptime(repository, REPORTS_START, REPORTS_END)))
        end = REPORTS_END
    pole_end = end
    async_repository = AsyncRepository(repository)
    reads.append(("one pole's uptime", lambda: asyncio.run(pole_uptime(
        async_repository, pole, pole_end - timedelta(days=90), pole_end))))

    with engine.connect() as db:
        poles = [type("P", (), {"id": row.id, "registered_at": row.registered_at})()
                 for row in db.execute(sa.text("SELECT id, registered_at FROM poles"))]
    reads.append(("poles list uptime (30 days)", lambda: asyncio.run(poles_list_uptime(
        async_repository, poles, 30, pole_end))))
    print(f"== schema {schema}")
    for name, run in reads:
        took = []
        for _ in range(rounds):
            captured.clear()
            began = time.perf_counter()
            run()
            took.append(time.perf_counter() - began)
        print(f"-- {name}: median {statistics.median(took) * 1000:.0f} ms (min "
              f"{min(took) * 1000:.0f}, {rounds} rounds), {len(captured)} statements on "
              "status_events")
        seen: set[str] = set()
        for statement, parameters in captured:
            key = " ".join(statement.split())
            if key in seen:
                continue
            seen.add(key)
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
                result = cursor.fetchone()[0]
            finally:
                raw.close()
            plan = result[0] if isinstance(result, list) else result
            used = sorted(set(plan_indexes(plan["Plan"])))
            print(f"   {plan['Execution Time']:8.1f} ms  {', '.join(used)}")
            print(f"      {key[:160]}")
    engine.dispose()


def prefill(engine: sa.Engine, rows: int) -> None:
    """``rows`` ordinary events of 1,000 poles (four a day each), like a year of a fleet."""
    days = max(1, rows // 4000)
    with engine.begin() as db:
        if engine.dialect.name == "postgresql":
            series = "generate_series(1, 1000) i, generate_series(0, :days - 1) d, " \
                     "generate_series(1, 2) c, generate_series(0, 1) k"
            db.execute(sa.text("INSERT INTO poles (id, auto_registered, connected, "
                               "connection_size) SELECT 'WB-' || lpad(i::text, 5, '0'), "
                               "false, true, '3x35' FROM generate_series(1, 1000) i"))
            db.execute(sa.text(
                f"""INSERT INTO status_events (pole_id, connector_id, status, error_code,
                                               timestamp)
                    SELECT 'WB-' || lpad(i::text, 5, '0'), c,
                           CASE WHEN k = 0 THEN 'Charging' ELSE 'Available' END, 'NoError',
                           timestamp '2025-01-01' + d * interval '1 day'
                           + (c * 6 + k * 2 + 4) * interval '1 hour'
                           + (i % 3600) * interval '1 second'
                    FROM {series}"""), {"days": days})
            db.execute(sa.text("ANALYZE status_events"))
            return
        db.execute(sa.text(
            "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 1000) "
            "INSERT INTO poles (id, auto_registered, connected, connection_size) "
            "SELECT 'WB-' || substr('0000' || n, -5), 0, 1, '3x35' FROM i"))
        db.execute(sa.text(
            """WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 1000),
                    d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < :days - 1)
               INSERT INTO status_events (pole_id, connector_id, status, error_code,
                                          timestamp)
               SELECT 'WB-' || substr('0000' || i.n, -5), c.n,
                      CASE WHEN k.n = 0 THEN 'Charging' ELSE 'Available' END, 'NoError',
                      datetime('2025-01-01', '+' || d.n || ' days',
                               '+' || (c.n * 6 + k.n * 2 + 4) || ' hours',
                               '+' || (i.n % 3600) || ' seconds') || '.000000'
               FROM i, d, (SELECT 1 AS n UNION ALL SELECT 2) c,
                    (SELECT 0 AS n UNION ALL SELECT 1) k"""), {"days": days})


def time_writes(engine: sa.Engine, batches: int, batch: int) -> list[float]:
    """Rows per second of each batch (one transaction of ``batch`` notifications)."""
    repository = Repository(engine)
    at = datetime(2026, 6, 1, tzinfo=UTC)
    rates = []
    for number in range(batches):
        writes = []
        for i in range(batch):
            pole = f"WB-{(number * batch + i) % 1000 + 1:05d}"
            writes += repository.record_status_writes(
                pole, 1 + i % 2, ("Charging", "Available")[number % 2], "NoError",
                at + timedelta(seconds=number * batch + i))
        began = time.perf_counter()
        repository._write(writes)
        rates.append(batch / (time.perf_counter() - began))
    return rates


def writes(base: str | None, revision: str, rows: int, batches: int, batch: int) -> None:
    targets: list[tuple[str, str, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="bench-status-") as scratch:
        targets.append(("sqlite", f"sqlite:///{Path(scratch) / 'w.sqlite'}", None))
        if base:
            schema = f"bench_status_{uuid.uuid4().hex[:8]}"
            targets.append(("postgresql", scoped(base, schema), schema))
        admin = sa.create_engine(normalise_url(base)) if base else None
        for name, url, schema in targets:
            if schema is not None and admin is not None:
                with admin.begin() as db:
                    db.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            engine = create_engine_for(url)
            try:
                config = alembic_config(engine)
                with engine.begin() as connection:
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                with engine.connect() as db:
                    indexes = sorted(sa.inspect(db).get_indexes("status_events"),
                                     key=lambda i: str(i["name"]))
                prefill(engine, rows)
                rates = time_writes(engine, batches, batch)
                print(f"{name} at {revision}: {len(indexes)} indexes on status_events "
                      f"({', '.join(str(i['name']) for i in indexes)}); {rows:,} rows stored; "
                      f"batches of {batch}: median {statistics.median(rates):,.0f} rows/s "
                      f"(min {min(rates):,.0f}, max {max(rates):,.0f}, {batches} batches)")
            finally:
                engine.dispose()
                if schema is not None and admin is not None:
                    with admin.begin() as db:
                        db.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        if admin is not None:
            admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("PAALWERK_TEST_PG"))
    parts = parser.add_subparsers(dest="part", required=True)
    reading = parts.add_parser("explain")
    reading.add_argument("schemas", nargs="+")
    reading.add_argument("--rounds", type=int, default=5)
    writing = parts.add_parser("writes")
    writing.add_argument("--revision", default="head")
    writing.add_argument("--rows", type=int, default=400_000)
    writing.add_argument("--batches", type=int, default=40)
    writing.add_argument("--batch", type=int, default=200)
    arguments = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    if arguments.part == "explain":
        if not arguments.db:
            parser.error("give --db postgresql://… or set PAALWERK_TEST_PG")
        explain(arguments.db, arguments.schemas, arguments.rounds)
    else:
        writes(arguments.db, arguments.revision, arguments.rows, arguments.batches,
               arguments.batch)
