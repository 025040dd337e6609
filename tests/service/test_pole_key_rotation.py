"""eis 69 / issue 16: key rotation and raising a pole's profile over its live connection.

The CSMS makes the key (40 hex characters), sends it with ChangeConfiguration
AuthorizationKey, and uses it only once the pole accepted; a pole that refuses keeps its
old password. A profile-0 pole is moved to profile 1 the same way, then told its new
SecurityProfile and reconnects with HTTP Basic. Real virtual pole, real service.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from pathlib import Path

from websockets.asyncio.client import ClientConnection

from pole_link.errors import CallError
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.service.security_support import (
    BOOT_AS_IMPOSTOR,
    PASSWORD,
    basic,
    raw_pole,
    refused,
    secured_pole,
)
from tests.service.test_csms_ocpp import call
from tests.support import Api, until


def client(api: Api) -> ServiceClient:
    return ServiceClient(ServiceEndpoint(api.url, api.token))


async def test_eis69_key_rotation_hands_the_pole_a_new_key_and_retires_the_old(
        api: Api, tmp_path: Path) -> None:
    url = f"{api.service.ocpp_url}/PW-0001"
    async with client(api) as service:
        await service.register_pole("PW-0001", 1, PASSWORD)
        async with secured_pole(api.service.ocpp_url, tmp_path, profile=1,
                                password=PASSWORD) as real:
            rotated = await service.rotate_pole_key("PW-0001")
            assert rotated.has_password and not rotated.key_change_pending
            key = real.pole.security.authorization_key
            assert key is not None and re.fullmatch(r"[0-9a-f]{40}", key)
            assert await refused(url, basic("PW-0001", PASSWORD)) == 401
            # The pole loses its network and comes back: it logs in with the new key.
            real.pole.set_network(False)
            await until(lambda: not real.client.connected)
            real.pole.set_network(True)
            await until(lambda: real.client.connected and real.client.connections == 2,
                        timeout=30)
        kinds = [event.type for event in await service.security_events("PW-0001")]
        assert "AuthorizationKeyChanged" in kinds


async def answer_calls(pole: ClientConnection, change_status: str) -> None:
    """A pole that answers every CSMS call; ChangeConfiguration with ``change_status``."""
    while True:
        message = json.loads(await pole.recv())
        if message[0] != 2:
            continue
        status = change_status if message[2] == "ChangeConfiguration" else "Accepted"
        await pole.send(json.dumps([3, message[1], {"status": status}]))


async def test_eis69_a_pole_that_refuses_the_new_key_keeps_its_old_one(api: Api) -> None:
    url = f"{api.service.ocpp_url}/PW-0002"
    async with client(api) as service:
        await service.register_pole("PW-0002", 1, PASSWORD)
        async with raw_pole(url, basic("PW-0002", PASSWORD)) as pole:
            await call(pole, [2, "b", "BootNotification", BOOT_AS_IMPOSTOR])
            answering = asyncio.create_task(answer_calls(pole, "Rejected"))
            try:
                try:
                    await service.rotate_pole_key("PW-0002")
                    raise AssertionError("a refused key was taken into use")
                except CallError as exc:
                    assert exc.code == "KeyNotChanged" and "Rejected" in str(exc)
            finally:
                answering.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await answering
        after = await service.pole_security("PW-0002")
        assert after.has_password and not after.key_change_pending
        kinds = [event.type for event in await service.security_events("PW-0002")]
        assert "AuthorizationKeyChangeRefused" in kinds
    async with raw_pole(url, basic("PW-0002", PASSWORD)) as pole:  # the old one still works
        answer = await call(pole, [2, "c", "BootNotification", BOOT_AS_IMPOSTOR])
        assert answer[2]["status"] == "Accepted"  # type: ignore[index]


async def test_eis69_a_connected_profile_0_pole_is_raised_to_profile_1(
        api: Api, tmp_path: Path) -> None:
    async with (secured_pole(api.service.ocpp_url, tmp_path, "PW-0003") as real,
                client(api) as service):
        raised = await service.set_pole_security("PW-0003", 1)
        assert (raised.security_profile, raised.has_password) == (1, True)
        # The pole took a key the service made, then reconnected with HTTP Basic.
        await until(lambda: real.client.connected and real.client.connections == 2,
                    timeout=30)
        assert real.pole.security.profile == 1
        key = real.pole.security.authorization_key
        assert key is not None and len(key) == 40
        assert await refused(f"{api.service.ocpp_url}/PW-0003") == 401
        kinds = [event.type for event in await service.security_events("PW-0003")]
        assert {"AuthorizationKeyChanged", "ProfileRaised"} <= set(kinds)


async def test_eis69_a_key_sent_through_the_generic_call_route_is_kept_too(
        api: Api, tmp_path: Path) -> None:
    """POST …/call with ChangeConfiguration AuthorizationKey (as an outside suite may send
    it) must not lock the pole out: the register follows once the pole accepted."""
    url = f"{api.service.ocpp_url}/PW-0004"
    new_key = "a-key-the-operator-chose-0042"
    async with client(api) as service:
        await service.register_pole("PW-0004", 1, PASSWORD)
        async with secured_pole(api.service.ocpp_url, tmp_path, "PW-0004", profile=1,
                                password=PASSWORD) as real:
            answer = await service.call("PW-0004", "ChangeConfiguration",
                                        {"key": "AuthorizationKey", "value": new_key})
            assert answer == {"status": "Accepted"}
            assert real.pole.security.authorization_key == new_key
            assert await refused(url, basic("PW-0004", PASSWORD)) == 401
            real.pole.set_network(False)
            await until(lambda: not real.client.connected)
            real.pole.set_network(True)
            await until(lambda: real.client.connected and real.client.connections == 2,
                        timeout=30)
        audit = (await service.messages("PW-0004", "ChangeConfiguration"))
        assert audit and new_key not in repr(audit)
