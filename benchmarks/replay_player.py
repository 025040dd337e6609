"""A replay's cost: parsing a full window (5,000 messages, the most one replay reads) and
formatting its jump list (both on a worker thread), then on the GUI thread a jump backwards
(rebuilt from the lead-in) and one 600× tick.

A jump rebuilds the state from the window's start, so it is the slowest control; it must
stay well under a frame's worth of a click (~100 ms) for the Jump to list to feel instant.

    .venv/bin/python benchmarks/replay_player.py [--messages 5000]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    count = parser.parse_args().messages
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


if __name__ == "__main__":
    main()
