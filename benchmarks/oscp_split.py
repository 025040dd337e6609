"""Group load balancing (issue 22, eis 32): a forecast for a grid group of 1,000 poles,
re-split on every session start and stop — the split alone, and split + deploy.

Deploy goes through the balancer's real code (profile built per pole with the tender
profile folded in, OCPP payload made and JSON-encoded) to in-process stand-in poles that
answer at once, so the figure is the CSMS's own cost per re-split; a real fleet adds one
WebSocket round trip per changed pole (sent concurrently). The vehicles' response delay
the balancer waits before raising offers (5 s) is left out here (set to 0).

    .venv/bin/python benchmarks/oscp_split.py [--poles 1000] [--events 200]

``--network`` measures over real round trips instead: the service runs in a child process
(SQLite, as ``paalwerk service``), N lightweight poles connect over OCPP-J WebSockets (the
raw-frame clients of ``benchmarks/csms_load.py``: BootNotification, StatusNotification,
and they answer the CSMS's calls as a pole that accepts profiles), all in one grid group;
a capacity-provider stand-in (``tests/oscp_support.py``: its own HTTP end on 127.0.0.1)
registers and shakes hands over HTTP, then POSTs ``update_group_capacity_forecast``. The
figure is the time from that POST to the last pole's answer to its ``SetChargingProfile``
with the group's ``ChargePointMaxProfile`` (every pole has accepted its share), for each
``--group-sizes`` (default 10,100,1000). The cap gives each pole 9 A and 40 % of them are
charging (StartTransaction); the first deployment only lowers, so the vehicles' response
delay does not count.

    .venv/bin/python benchmarks/oscp_split.py --network [--group-sizes 10,100,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
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


# -- over the network ------------------------------------------------------------------

def _service_main(tmp: str, ready: Any, stop: Any) -> None:
    asyncio.run(_serve(tmp, ready, stop))


async def _serve(tmp: str, ready: Any, stop: Any) -> None:
    from service.api.tokens import ensure_admin_token
    from service.ocpp.pole_handler import CsmsSettings
    from service.server import start_service
    token_file = Path(tmp) / "tokens.json"
    token = ensure_admin_token(token_file)
    running = await start_service(f"sqlite:///{tmp}/bench.sqlite", token_file=token_file,
                                  files_dir=Path(tmp) / "files",
                                  settings=CsmsSettings(deploy_capacity_profile=False))
    ready.put((running.port, token))
    await asyncio.to_thread(stop.wait)
    await running.stop()


def _group_pole_class() -> type:
    from benchmarks.csms_load import PoleClient
    from service.oscp.balancer import GROUP_PROFILE_IDS

    class GroupPole(PoleClient):  # type: ignore[misc]
        """Keeps the profile it accepts (for GetCompositeSchedule) and when it answered
        the group's profile."""

        accepted_at: float | None = None

        def _answer(self, unique_id: str, action: str, payload: dict[str, Any]) -> None:
            if action == "SetChargingProfile":
                self.profile = json.dumps(payload["csChargingProfiles"], sort_keys=True)
            super()._answer(unique_id, action, payload)
            if action == "SetChargingProfile" and payload["csChargingProfiles"][
                    "chargingProfileId"] in GROUP_PROFILE_IDS and self.accepted_at is None:
                self.accepted_at = time.perf_counter()

    return GroupPole


async def _quiet(poles: list[Any], for_s: float = 1.0) -> None:
    """Until the CSMS has sent the poles nothing new for ``for_s`` (boot-time calls)."""
    last, since = -1, time.perf_counter()
    while time.perf_counter() - since < for_s:
        calls = sum(p.server_calls for p in poles)
        if calls != last:
            last, since = calls, time.perf_counter()
        await asyncio.sleep(0.1)


async def bench_network_group(size: int) -> None:
    import multiprocessing as mp
    import os
    import tempfile

    import httpx

    from tests.oscp_support import capacity_provider
    mp_ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        ready, stop = mp_ctx.Queue(), mp_ctx.Event()
        child = mp_ctx.Process(target=_service_main, args=(tmp, ready, stop))
        child.start()
        port, token = await asyncio.to_thread(ready.get, True, 120)
        base = f"http://127.0.0.1:{port}"
        pole_class = _group_pole_class()
        loop = asyncio.get_running_loop()
        poles: list[Any] = []
        try:
            async with httpx.AsyncClient(base_url=base, timeout=60, headers={
                    "Authorization": f"Bearer {token}"}) as api:
                for index in range(size):
                    pole = pole_class(f"PW-{index:04d}", "127.0.0.1", port, "/ocpp/")
                    await loop.create_connection(lambda p=pole: p, "127.0.0.1", port)
                    await pole.opened
                    poles.append(pole)
                await asyncio.gather(*(p.call("BootNotification", {
                    "chargePointVendor": "Bench", "chargePointModel": "Group"})
                    for p in poles))
                await asyncio.gather(*(p.call("StatusNotification", {
                    "connectorId": 1, "errorCode": "NoError", "status": "Available"})
                    for p in poles))
                csv = "\n".join(f"{p.pole_id},transformer-1" for p in poles)
                answer = await api.post("/api/v1/grid-groups/import", content=csv)
                assert answer.status_code == 200, answer.text
                rng = random.Random(3)
                charging = [p for p in poles if rng.random() < 0.4]
                await asyncio.gather(*(p.call("StartTransaction", {
                    "connectorId": 1, "idTag": "BENCH", "meterStart": 0,
                    "timestamp": datetime.now(UTC).isoformat()}) for p in charging))
                added = await api.post("/api/v1/oscp/partners",
                                       json={"id": "enexis", "name": "Enexis"})
                assert added.status_code == 201, added.text
                await _quiet(poles)
                async with capacity_provider(base, added.json()["token"]) as cp:
                    await cp.register()
                    await cp.handshake(heartbeat_interval=60)
                    now = datetime.now(UTC)
                    forecast = {"group_id": "transformer-1", "type": "CONSUMPTION",
                                "forecasted_blocks": [{
                                    "capacity": size * 9.0, "phase": "ALL", "unit": "A",
                                    "start_time": (now - timedelta(minutes=1)).isoformat(),
                                    "end_time": (now + timedelta(hours=1)).isoformat()}]}
                    t0 = time.perf_counter()
                    posted = await cp.call("update_group_capacity_forecast", forecast)
                    answered = time.perf_counter() - t0
                    assert posted.status_code == 204, posted.text
                    async with asyncio.timeout(300):
                        while any(p.accepted_at is None for p in poles):  # noqa: ASYNC110
                            await asyncio.sleep(0.005)
                    done = sorted(p.accepted_at - t0 for p in poles)
                    errors = len(cp.of("group_capacity_compliance_error"))
            load = os.getloadavg()
            print(f"network, {size} poles in the group ({len(charging)} charging): forecast "
                  f"POST answered 204 in {answered * 1e3:.1f} ms; every pole accepted its "
                  f"ChargePointMaxProfile {done[-1] * 1e3:.0f} ms after the POST (median pole "
                  f"{statistics.median(done) * 1e3:.0f} ms; {errors} compliance errors); "
                  "load average "
                  f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        finally:
            stop.set()  # the service first: poles dropping would be compliance errors
            await asyncio.to_thread(child.join, 60)
            for pole in poles:
                if pole.transport is not None:
                    pole.transport.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--network", action="store_true",
                        help="over real HTTP and OCPP round trips (see above)")
    parser.add_argument("--group-sizes", default="10,100,1000")
    args = parser.parse_args()
    if args.network:
        for size in (int(n) for n in args.group_sizes.split(",")):
            asyncio.run(bench_network_group(size))
        return
    bench_split(args.poles, args.events)
    asyncio.run(bench_deploy(args.poles, args.events, verify=False))
    asyncio.run(bench_deploy(args.poles, args.events, verify=True))


if __name__ == "__main__":
    main()
