"""Fleet view over 10,000 poles: load, search keystrokes, quick filters, live events.

The helpdesk target is "fleet filter over 10,000 poles ≤ 50 ms" per keystroke or
quick-filter click, measured until the proxy has re-filtered and is in sorted order
(``rowCount()`` forces the mapping). Each figure is the worst of its runs, since a
stutter is what a user notices.

    .venv/bin/python benchmarks/gui_fleet_filter.py [--poles 10000] [--events 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from gui.fleet.filter import FleetFilter, QuickFilter
from gui.fleet.model import FleetModel
from pole_link.service_api import PoleRecord, parse_event
from pole_link.timeutil import format_time

TARGET_MS = 50.0
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
OPERATORS = ("Enexis", "Liander", "Stedin", "Coteq", "Rendo")
STATUSES = ("Available", "Charging", "SuspendedEV", "Preparing", "Finishing", "SuspendedEVSE",
            "Faulted", "Unavailable")
WEIGHTS = (50, 30, 8, 4, 3, 3, 1, 1)


def fleet(count: int, chance: random.Random) -> list[dict[str, Any]]:
    """`GET /api/v1/poles` for a fleet like the tender's: mostly idle or charging."""
    def at(minutes: float) -> str:
        return format_time(NOW - timedelta(minutes=minutes))

    def connector(connector_id: int) -> dict[str, Any]:
        state = chance.choices(STATUSES, WEIGHTS)[0] if connector_id else "Available"
        return {"connector_id": connector_id, "status": state,
                "error_code": "GroundFailure" if state == "Faulted" else "NoError",
                "since": at(chance.uniform(1, 600))}

    return [{"id": f"PW-{n:05d}", "vendor": "Paalwerk", "model": "PW2-22", "serial": f"S{n}",
             "firmware": "1.0.0", "connected": chance.random() > 0.02,
             "last_seen": at(chance.uniform(0, 20)), "auto_registered": False,
             "grid_operator": chance.choice(OPERATORS), "connection_size": "3x25",
             "connectors": [connector(c) for c in (0, 1, 2)],
             "uptime_percent": round(chance.uniform(97, 100), 1)}
            for n in range(1, count + 1)]


def events(count: int, poles: int, chance: random.Random) -> list[dict[str, Any]]:
    """A live feed's mix: mostly meter values, some status changes, a few reconnects."""
    produced: list[dict[str, Any]] = []
    for n in range(count):
        pole_id = f"PW-{chance.randint(1, poles):05d}"
        at = format_time(NOW + timedelta(seconds=n))
        kind = chance.random()
        if kind < 0.6:
            produced.append({"type": "meterValues", "poleId": pole_id,
                             "connectorId": chance.randint(1, 2), "transactionId": n, "at": at,
                             "powerW": chance.uniform(1000, 22000), "energyWh": 1000.0})
        elif kind < 0.9:
            produced.append({"type": "status", "poleId": pole_id,
                             "connectorId": chance.randint(1, 2),
                             "status": chance.choices(STATUSES, WEIGHTS)[0],
                             "errorCode": "NoError", "at": at})
        else:
            produced.append({"type": "connection", "poleId": pole_id,
                             "connected": chance.random() > 0.5, "at": at})
    return produced


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000)
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication([])
    chance = random.Random(48)
    poles = fleet(args.poles, chance)
    feed = [event for item in events(args.events, args.poles, chance)
            if (event := parse_event(item)) is not None]  # the live feed parses as it reads

    model = FleetModel(now=lambda: NOW)
    proxy = FleetFilter(model)  # sorts attention first, then pole id
    load_ms = timed(lambda: (model.set_poles([PoleRecord.from_json(p) for p in poles]),
                             proxy.rowCount()))
    print(f"{args.poles:,} poles, {args.events:,} events; target: filter ≤ {TARGET_MS:.0f} ms")
    print(f"set_poles (parse, assess, sort, first filter): {load_ms:7.1f} ms")

    def search(text: str) -> int:
        proxy.set_search(text)
        return proxy.rowCount()

    typing = ["p", "pw", "pw-", "pw-0", "pw-01", "pw-012", "pw-0123", "pw-012", "pw-01",
              "pw-0", "", "e", "en", "enexis", "enexis f", "enexis faulted", "enexis", ""]
    keystrokes = [timed(lambda text=text: search(text)) for text in typing]
    print(f"search keystroke: median {statistics.median(keystrokes):6.1f} ms, "
          f"worst {max(keystrokes):6.1f} ms over {len(typing)} keystrokes")

    quick_ms = []
    for quick in (*QuickFilter, QuickFilter.ALL, QuickFilter.ATTENTION, QuickFilter.ALL):
        quick_ms.append(timed(lambda quick=quick: (proxy.set_quick_filter(quick),
                                                   proxy.rowCount())))
    print(f"quick-filter switch: median {statistics.median(quick_ms):6.1f} ms, "
          f"worst {max(quick_ms):6.1f} ms")

    batch_ms = timed(lambda: (model.apply_events(feed), proxy.rowCount()))
    print(f"{args.events:,} events in one apply_events (sorted, filter attached): "
          f"{batch_ms:7.1f} ms")
    single_ms = timed(lambda: [(model.apply_event(event), proxy.rowCount())
                               for event in feed[: args.events // 10]])
    each_ms = single_ms / (args.events // 10)
    print(f"{args.events // 10:,} events one by one (apply_event): {each_ms:6.2f} ms each")
    refresh_ms = timed(lambda: (model.refresh(), proxy.rowCount()))
    print(f"refresh (re-assess every pole against the clock): {refresh_ms:7.1f} ms")

    worst = max(*keystrokes, *quick_ms)
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"fleet filter over {args.poles:,} poles ≤ {TARGET_MS:.0f} ms: {verdict} "
          f"(worst {worst:.1f} ms)")
    del app


if __name__ == "__main__":
    main()
