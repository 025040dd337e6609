"""The audit trail's cost: chained appends per second with 1 and 4 concurrent writers
(each with its own connection, as several service processes have), the time to verify
the chain, and one sign-in's password check (scrypt, slow on purpose).

Every operator write adds one append to its answer time; writers line up on the chain's
head row, so the concurrent figure is the ceiling for the whole service.

    .venv/bin/python benchmarks/audit_chain.py [--db URL] [--entries 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from service.accounts.store import AccountStore
from service.storage.database import create_engine_for, migrate
from service.storage.repository import Repository


def appends(url: str, writers: int, per_writer: int) -> float:
    """Appends per second over all writers."""
    def write(number: int) -> None:
        engine = create_engine_for(url)
        repository = Repository(engine)
        for i in range(per_writer):
            repository.audit(f"writer-{number}", "POST /api/v1/poles/{pole_id}/reset",
                             pole_id=f"PW-{i:04d}", role="helpdesk", result="200")
        engine.dispose()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return writers * per_writer / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="database URL (default: a SQLite file)")
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'audit.sqlite'}"
    engine = create_engine_for(url)
    migrate(engine)
    print(f"database: {engine.dialect.name}")
    print(f"1 writer:  {appends(url, 1, args.entries):8.0f} appends/s")
    print(f"4 writers: {appends(url, 4, args.entries // 4):8.0f} appends/s (together)")
    repository = Repository(engine)
    start = time.perf_counter()
    problems = repository.verify_audit()
    took = time.perf_counter() - start
    total = len(repository.audit_entries(limit=10 ** 7))
    print(f"verify:    {total} entries in {took * 1000:.0f} ms "
          f"({'intact' if not problems else f'{len(problems)} breaks'})")
    store = AccountStore(engine)
    password = store.add_user(f"bench-{time.monotonic_ns()}", "helpdesk")
    name = store.users()[-1].name
    start = time.perf_counter()
    store.login(name, password)
    print(f"sign-in:   {(time.perf_counter() - start) * 1000:.0f} ms (scrypt check + token)")
    engine.dispose()


if __name__ == "__main__":
    main()
