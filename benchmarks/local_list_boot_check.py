"""What a pole's boot costs the automatic local-list push (issue 16): one indexed read
(`IdTagRepository.list_behind`) per boot, and one query for the poles behind after a card
change (`poles_behind`). Prints figures for a fleet of N poles that all use local lists,
half of them behind the register; nothing is asserted.

    .venv/bin/python benchmarks/local_list_boot_check.py [--poles 10000] [--db URL]

Without ``--db`` a SQLite file in a temporary folder is used (an empty PostgreSQL
database URL works too; its tables are made by the migrations).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from service.storage.database import create_engine_for, migrate
from service.storage.id_tag_models import LocalListRow
from service.storage.id_tags import IdTagRepository, IdTagWrite
from service.storage.models import Pole

AT = datetime(2026, 12, 4, 12, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = create_engine_for(url)
        migrate(engine)
        register = IdTagRepository(engine)
        register.put_many([IdTagWrite(f"CARD-{n}", "Accepted", None, None)
                           for n in range(100)], AT)
        revision = register.revision()
        ids = [f"BENCH-{n:05d}" for n in range(args.poles)]
        poles: sa.Table = Pole.__table__  # type: ignore[attr-defined]
        lists: sa.Table = LocalListRow.__table__  # type: ignore[attr-defined]
        with engine.begin() as connection:
            connection.execute(sa.insert(poles), [
                {"id": pole_id, "registered_at": AT, "auto_registered": False}
                for pole_id in ids])
            connection.execute(sa.insert(lists), [
                {"pole_id": pole_id, "version": 1,
                 "revision": revision - 1 if n % 2 else revision,
                 "update_type": "Full", "entries": 100, "sent_at": AT}
                for n, pole_id in enumerate(ids)])
        started = time.perf_counter()
        behind = sum(register.list_behind(pole_id) for pole_id in ids)
        boots = time.perf_counter() - started
        started = time.perf_counter()
        listed = register.poles_behind()
        change = time.perf_counter() - started
        print(f"{engine.dialect.name}, {args.poles} poles with a local list")
        print(f"  boot check (list_behind): {boots / args.poles * 1e6:.0f} µs per boot, "
              f"{boots:.2f} s for all; {behind} behind")
        print(f"  card change (poles_behind): {change * 1e3:.1f} ms; {len(listed)} behind")
        engine.dispose()


if __name__ == "__main__":
    main()
