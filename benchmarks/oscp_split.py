"""Group load balancing (issue 22, eis 32): a forecast for a grid group of 1,000 poles,
re-split on every session start and stop — the split alone, and split + deploy.

Deploy goes through the balancer's real code (profile built per pole with the tender
profile folded in, OCPP payload made and JSON-encoded) to in-process stand-in poles that
answer at once, so the figure is the CSMS's own cost per re-split; a real fleet adds one
WebSocket round trip per changed pole (sent concurrently). The vehicles' response delay
the balancer waits before raising offers (5 s) is left out here (set to 0).

    .venv/bin/python benchmarks/oscp_split.py [--poles 1000] [--events 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pole_link.profiles.tender import TenderProfileSettings
from service.oscp.balancer import GroupBalancer
from service.oscp.messages import GroupCapacityForecast
from service.oscp.provider import FlexibilityProvider
from service.oscp.split import PoleNeed, split

NOW = datetime(2026, 11, 25, 11, tzinfo=UTC)


class StandInPole:
    """Answers like a pole that accepts every profile; counts what it was sent."""

    def __init__(self) -> None:
        self.sent = 0
        self.limit = 30.0

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float) -> dict[str, Any]:
        json.loads(json.dumps(payload))  # the wire's encoding cost
        self.sent += 1
        if action == "SetChargingProfile":
            periods = payload["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"]
            self.limit = periods[0]["limit"]
            return {"status": "Accepted"}
        if action == "GetCompositeSchedule":
            return {"status": "Accepted", "connectorId": 0,
                    "scheduleStart": NOW.isoformat(),
                    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [
                        {"startPeriod": 0, "limit": self.limit}]}}
        return {"status": "Accepted"}


def bench_split(poles: int, events: int) -> None:
    rng = random.Random(1)
    needs = [PoleNeed(f"PW-{i:04d}", rng.random() < 0.4, rng.uniform(6, 32))
             for i in range(poles)]
    times = []
    for _ in range(events):
        i = rng.randrange(poles)
        needs[i] = PoleNeed(needs[i].pole_id, not needs[i].charging, 32.0)
        t0 = time.perf_counter()
        split(poles * 9.0, needs)
        times.append(time.perf_counter() - t0)
    print(f"split alone, {poles} poles: median {statistics.median(times) * 1e3:.2f} ms, "
          f"max {max(times) * 1e3:.2f} ms over {events} session events")


async def bench_deploy(poles: int, events: int, verify: bool) -> None:
    clock = lambda: NOW  # noqa: E731 - the block is in force throughout
    provider = FlexibilityProvider("http://127.0.0.1", clock)
    handlers = {f"PW-{i:04d}": StandInPole() for i in range(poles)}
    balancer = GroupBalancer(provider, handlers, lambda _p: TenderProfileSettings(),
                             clock=clock, verify=verify, raise_delay_s=0)
    provider.listeners.clear()
    for pole_id in handlers:
        provider.groups.set(pole_id, "transformer-1")
    provider.forecasts.store("enexis", GroupCapacityForecast.model_validate({
        "group_id": "transformer-1", "type": "CONSUMPTION", "forecasted_blocks": [{
            "capacity": poles * 9.0, "phase": "ALL", "unit": "A",
            "start_time": (NOW - timedelta(minutes=5)).isoformat(),
            "end_time": (NOW + timedelta(hours=1)).isoformat()}]}), adjust=False)
    rng = random.Random(2)
    for pole_id in handlers:
        if rng.random() < 0.4:
            balancer.charging[pole_id] = {1}
    t0 = time.perf_counter()
    await balancer.rebalance("transformer-1")
    first = time.perf_counter() - t0
    times, sent = [], []
    for n in range(events):
        pole_id = f"PW-{rng.randrange(poles):04d}"
        before = sum(h.sent for h in handlers.values())
        if balancer.charging.get(pole_id):
            balancer.charging[pole_id] = set()
        else:
            balancer.charging[pole_id] = {n + 2}
        t0 = time.perf_counter()
        await balancer.rebalance("transformer-1")
        times.append(time.perf_counter() - t0)
        sent.append(sum(h.sent for h in handlers.values()) - before)
    label = "split + deploy + verify" if verify else "split + deploy"
    print(f"{label}, {poles} poles: first deployment {first * 1e3:.0f} ms; per session "
          f"event median {statistics.median(times) * 1e3:.1f} ms, max "
          f"{max(times) * 1e3:.1f} ms, median {statistics.median(sent):.0f} calls sent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    bench_split(args.poles, args.events)
    asyncio.run(bench_deploy(args.poles, args.events, verify=False))
    asyncio.run(bench_deploy(args.poles, args.events, verify=True))


if __name__ == "__main__":
    main()
