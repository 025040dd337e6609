"""A replay's cost: parsing a full window (5,000 messages, the most one replay reads) and
formatting its jump list (both on a worker thread), then on the GUI thread a jump backwards
(rebuilt from the lead-in) and one 600× tick.

A jump rebuilds the state from the window's start, so it is the slowest control; it must
stay well under a frame's worth of a click (~100 ms) for the Jump to list to feel instant.

With ``--service``, a window of that many messages (more than one 5,000-message page) is
read page by page from a real service on a temporary SQLite file over HTTP on 127.0.0.1,
as a replay reads it while playing: the figure per page says how far ahead the prefetch
must start (`pole_link.replay.load.PREFETCH_AHEAD`).

    .venv/bin/python benchmarks/replay_player.py [--messages 5000] [--service]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pole_link.replay import ReplayPlayer, ReplayWindow, replay_messages
from pole_link.replay.history import message_labels
from pole_link.service_api import MessageRecord

START = datetime(2026, 11, 24, 17, tzinfo=UTC)


def evening(count: int) -> list[MessageRecord]:
    """``count`` messages 10 s apart, newest first: meter values with statuses between."""
    records = []
    for number in range(count):
        at = START + timedelta(seconds=10 * number)
        if number % 10 == 0:
            payload = {"connectorId": 1 + number % 2, "errorCode": "NoError",
                       "status": "Charging" if number % 20 else "Available"}
            records.append(MessageRecord(at, "in", "StatusNotification", f"s{number}",
                                         json.dumps(payload)))
            continue
        sampled = [{"measurand": "Current.Import", "phase": phase, "value": "16.0"}
                   for phase in ("L1", "L2", "L3")]
        sampled.append({"measurand": "Energy.Active.Import.Register", "value": str(number)})
        records.append(MessageRecord(at, "in", "MeterValues", f"m{number}", json.dumps({
            "connectorId": 1, "meterValue": [{"timestamp": at.isoformat(),
                                              "sampledValue": sampled}]})))
    return records[::-1]


def timed(function: object, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best * 1000


async def paged_read(records: list[MessageRecord], window: ReplayWindow) -> None:
    """Every page of ``records`` read back through a real service's API."""
    import sqlalchemy as sa

    from pole_link.replay.load import ReplayPages, load_replay
    from pole_link.service_api import ServiceClient, ServiceEndpoint
    from service.api.tokens import ensure_admin_token
    from service.server import start_service
    from service.storage.models import MessageLog

    with tempfile.TemporaryDirectory() as tmp:
        token = ensure_admin_token(Path(tmp) / "tokens.json")
        assert token is not None
        service = await start_service(f"sqlite:///{tmp}/csms.sqlite",
                                      token_file=Path(tmp) / "tokens.json",
                                      files_dir=Path(tmp) / "files")
        try:
            table: sa.Table = MessageLog.__table__  # type: ignore[attr-defined]
            with service.services.repository.engine.begin() as db:
                db.execute(sa.insert(table), [
                    {"pole_id": "PW-0001", "time": r.time, "direction": r.direction,
                     "action": r.action, "unique_id": r.unique_id, "payload": r.payload}
                    for r in records])
            pages = ReplayPages(window)
            endpoint = ServiceEndpoint(f"http://127.0.0.1:{service.port}", token)
            async with ServiceClient(endpoint, timeout=60) as client:
                began = time.perf_counter()
                player = await load_replay(client, window, pages)
                first_ms = (time.perf_counter() - began) * 1000
                times = []
                while not pages.complete:
                    began = time.perf_counter()
                    player.extend(await pages.read(client), pages.complete)
                    times.append((time.perf_counter() - began) * 1000)
            assert len(player.messages) == len(records), "every message read once"
            later = f", each further page {max(times):.0f} ms at most" if times else ""
            print(f"{len(records)} messages through the service API (SQLite): first page "
                  f"and lead-in {first_ms:.0f} ms{later} ({len(times)} further pages, "
                  f"read while the replay plays)")
        finally:
            await service.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--service", action="store_true",
                        help="also read the window page by page from a real service")
    arguments = parser.parse_args()
    count = arguments.messages
    records = evening(count)
    window = ReplayWindow("PW-0001", START, START + timedelta(seconds=10 * count))
    parse_ms = timed(lambda: replay_messages(records))
    player = ReplayPlayer(window, replay_messages(records))
    labels_ms = timed(lambda: message_labels(player.messages, ZoneInfo("Europe/Amsterdam")))
    last = len(player.messages) - 1

    def jump_back() -> None:
        player.jump(last)
        player.jump(last // 2)

    jump_ms = timed(jump_back) / 2

    def tick() -> None:
        player.jump_to_time(window.start)
        player.set_speed(600)
        player.play()
        player.advance(0.1)  # one 100 ms tick at 600×: a minute of history
        player.sample()

    tick_ms = timed(tick)
    print(f"{count} messages: parse {parse_ms:.1f} ms, jump list {labels_ms:.1f} ms (both "
          f"off the GUI thread); jump (rebuild to the middle) "
          f"{jump_ms:.1f} ms, 600× tick incl. a rewind to the start {tick_ms:.2f} ms")
    if arguments.service:
        asyncio.run(paged_read(records, window))


if __name__ == "__main__":
    main()
