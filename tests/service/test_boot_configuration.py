"""Fewer boot-time calls in a reconnect storm (issue 20): the pole's configuration is read
once per boot and shared by the grid limit (eis 33), the capacity profile's verification
(eis 24) and the service-token keys (eis 69); a ChangeConfiguration goes out only for a
key that differs. The real service over WebSockets on 127.0.0.1, with an `ocpp`-library
pole that keeps its configuration like a real one and counts every call it receives."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from pole_link.errors import CallError
from service.ocpp.boot_configuration import SharedConfiguration
from service.policy.pole_settings import PoleSettings
from service.server import RunningService
from tests.support import until

OCPP = [Subprotocol("ocpp1.6")]
WANTED_LIMIT = f"{PoleSettings().grid_limit_a:g}"  # eis 33, a pole with default settings


class KeepingPole(ChargePoint):  # type: ignore[misc]
    """Keeps what ChangeConfiguration sets (across its connections, like a real pole) and
    counts the service's calls; its composite schedule is Rejected (deploys end quickly)."""

    def __init__(self, pole_id: str, connection: ClientConnection,
                 configuration: dict[str, str]) -> None:
        super().__init__(pole_id, connection)
        self.configuration = configuration
        self.calls: Counter[str] = Counter()
        self.asked: list[list[str]] = []
        self.changed: list[str] = []

    @on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None
                             ) -> call_result.GetConfiguration:
        self.calls["GetConfiguration"] += 1
        self.asked.append(list(key or []))
        known = [{"key": k, "readonly": False, "value": self.configuration[k]}
                 for k in key or [] if k in self.configuration]
        return call_result.GetConfiguration(
            configuration_key=known,
            unknown_key=[k for k in key or [] if k not in self.configuration])

    @on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str
                                ) -> call_result.ChangeConfiguration:
        self.calls["ChangeConfiguration"] += 1
        self.changed.append(key)
        self.configuration[key] = value
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict[str, Any]
                                ) -> call_result.SetChargingProfile:
        self.calls["SetChargingProfile"] += 1
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, connector_id: int, duration: int, **_: Any
                                  ) -> call_result.GetCompositeSchedule:
        self.calls["GetCompositeSchedule"] += 1
        return call_result.GetCompositeSchedule(status="Rejected")


@asynccontextmanager
async def booted(service: RunningService, pole_id: str, configuration: dict[str, str]
                 ) -> AsyncIterator[KeepingPole]:
    """The pole connected and booted; it stays connected until the block ends."""
    async with connect(f"{service.ocpp_url}/{pole_id}", subprotocols=OCPP) as websocket:
        pole = KeepingPole(pole_id, websocket, configuration)
        task = asyncio.create_task(pole.start())
        try:
            answer = await pole.call(call.BootNotification(charge_point_vendor="Test",
                                                           charge_point_model="Keep"))
            assert answer.status == "Accepted"
            yield pole
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def boot_calls_done(service: RunningService, pole: KeepingPole) -> None:
    """Waits until the boot's deployment was verified (or not) and the service-token
    provisioning has ended: nothing more follows for this boot."""
    await until(lambda: pole.calls["GetCompositeSchedule"] == 1)
    await service.services.follow_ups.idle()


async def test_eis33_eis69_one_configuration_read_per_boot_and_changes_only_when_different(
        service: RunningService) -> None:
    configuration: dict[str, str] = {"HeartbeatInterval": "300"}  # a fresh pole
    async with booted(service, "PW-0101", configuration) as first:
        await boot_calls_done(service, first)
    assert first.calls["GetConfiguration"] == 1
    assert sorted(first.asked[0]) == ["GridConnectionMaxCurrent", "ServiceTokenKeys"]
    assert sorted(first.changed) == ["GridConnectionMaxCurrent", "ServiceTokenKeys"]
    assert configuration["GridConnectionMaxCurrent"] == WANTED_LIMIT
    assert configuration["ServiceTokenKeys"] == service.services.service_tokens.keys_value

    async with booted(service, "PW-0101", configuration) as again:  # it kept both
        await boot_calls_done(service, again)
    assert again.calls["GetConfiguration"] == 1
    assert again.changed == []
    assert again.calls["SetChargingProfile"] == 1  # its profile was never verified


async def test_eis33_a_pole_holding_the_wrong_limit_gets_only_that_key_changed(
        service: RunningService) -> None:
    configuration = {"GridConnectionMaxCurrent": "16",
                     "ServiceTokenKeys": service.services.service_tokens.keys_value}
    async with booted(service, "PW-0102", configuration) as pole:
        await boot_calls_done(service, pole)
    assert pole.calls["GetConfiguration"] == 1
    assert pole.changed == ["GridConnectionMaxCurrent"]
    assert configuration["GridConnectionMaxCurrent"] == WANTED_LIMIT


class Answers:
    """A stand-in pole connection answering from a dict (the sharing logic alone)."""

    def __init__(self, configuration: dict[str, str], fail_first: bool = False) -> None:
        self.configuration = configuration
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail_first = fail_first

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]:
        self.sent.append((action, payload))
        await asyncio.sleep(0)
        if self.fail_first:
            self.fail_first = False
            raise CallError("GenericError", "busy", action=action)
        if action == "GetConfiguration":
            keys = payload["key"]
            return {"configurationKey": [{"key": k, "readonly": False,
                                          "value": self.configuration[k]}
                                         for k in keys if k in self.configuration],
                    "unknownKey": [k for k in keys if k not in self.configuration]}
        self.configuration[payload["key"]] = payload["value"]
        return {"status": "Accepted"}


async def test_readers_at_once_share_one_read_and_see_an_accepted_change() -> None:
    pole = Answers({"A": "1"})
    shared = SharedConfiguration(pole, ["A", "B"])
    first, second = await asyncio.gather(
        shared.call_action("GetConfiguration", {"key": ["A"]}),
        shared.call_action("GetConfiguration", {"key": ["B"]}))
    assert first == {"configurationKey": [{"key": "A", "readonly": False, "value": "1"}],
                     "unknownKey": []}
    assert second == {"configurationKey": [], "unknownKey": ["B"]}
    await shared.call_action("ChangeConfiguration", {"key": "B", "value": "2"})
    later = await shared.call_action("GetConfiguration", {"key": ["B"]})
    assert later["configurationKey"][0]["value"] == "2"
    other = await shared.call_action("GetConfiguration", {"key": ["C"]})  # not shared
    assert other == {"configurationKey": [], "unknownKey": ["C"]}
    assert [action for action, _ in pole.sent] == [
        "GetConfiguration", "ChangeConfiguration", "GetConfiguration"]


async def test_a_failed_read_is_asked_again_by_the_next_reader() -> None:
    pole = Answers({"A": "1"}, fail_first=True)
    shared = SharedConfiguration(pole, ["A"])
    with pytest.raises(CallError):
        await shared.call_action("GetConfiguration", {"key": ["A"]})
    answer = await shared.call_action("GetConfiguration", {"key": ["A"]})
    assert answer["configurationKey"][0]["value"] == "1"
    assert shared.reads == 2
