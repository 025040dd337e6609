"""The ``csms`` transport: a `PoleSession` through the running service behaves like a cable.

One virtual pole is connected to the service over OCPP *and* served on a pseudo-terminal,
so the very same session code runs over both links against the same pole.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ocpp.v16.enums import ConfigurationStatus

from pole_link.errors import CallError, ConnectError, LinkLost
from pole_link.live import LiveSample
from pole_link.protocol.connection import FramedConnection
from pole_link.session import PoleSession
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.sim.vehicles import EvType
from pole_link.transports import PoleAddress, discover, open_link
from pole_link.transports.csms import CsmsLink, ServiceEndpoint
from tests.support import Api, ConnectedPole, connected_pole, technician_token

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


@asynccontextmanager
async def pole_on_both_links(api: Api, tmp_path: Path
                             ) -> AsyncIterator[tuple[ConnectedPole, str]]:
    """The pole on OCPP to the service, and its service port on a pseudo-terminal."""
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        port = PtyPort()
        end = ServicePortEnd(connected.pole, FramedConnection(port))
        serving = asyncio.create_task(end.serve())
        try:
            yield connected, port.path
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
            await port.close()


def endpoint(api: Api) -> ServiceEndpoint:
    return ServiceEndpoint(api.url, api.token)


def address(transport: str, api: Api, path: str) -> tuple[PoleAddress, dict[str, object]]:
    if transport == "serial":
        return PoleAddress("serial", path, path), {}
    return PoleAddress("csms", "PW-0001", "PW-0001"), {"service": endpoint(api)}


async def first_sample(session: PoleSession, interval_ms: int,
                       wanted: int = 1) -> list[LiveSample]:
    samples: list[LiveSample] = []
    async with session.live(interval_ms) as stream:
        async for sample in stream:
            samples.append(sample)
            if len(samples) == wanted:
                return samples
    return samples


@pytest.mark.parametrize("transport", ["serial", "csms"])
async def test_eis46_the_same_session_works_locally_and_through_the_service(
        api: Api, tmp_path: Path, transport: str) -> None:
    async with pole_on_both_links(api, tmp_path) as (connected, path):
        pole = connected.pole
        where, options = address(transport, api, path)
        async with PoleSession(open_link(where, **options)) as session:
            assert session.identity is not None
            assert session.identity.pole_id == "PW-0001"
            assert session.identity.vendor == "Paalwerk" and session.identity.sockets == 2
            await session.authenticate(await technician_token(api.service, pole))

            assert await session.set_light_intensity(35) == ConfigurationStatus.accepted
            assert pole.configuration.int_value("LightIntensity") == 35
            assert await session.light_intensity() == 35

            pole.plug(1, EvType.EV3)
            assert await session.remote_start(1, "TECH-1") == "Accepted"
            schedule = await session.composite_schedule(0, 86_400)
            assert schedule["status"] == "Accepted"

            sample = (await first_sample(session, 200))[-1]
            socket = sample.sockets[0]
            assert socket.connector_id == 1 and socket.led.intensity_percent == 35
            assert sample.limit_a == pole.limit_a()

            with pytest.raises(CallError) as refused:
                await session.call("CoffeeNow", {})
            assert refused.value.code == "NotImplemented"


async def test_live_samples_through_the_service_match_the_pole(api: Api,
                                                               tmp_path: Path) -> None:
    async with pole_on_both_links(api, tmp_path) as (connected, path):
        connected.pole.plug(2, EvType.EV1)
        local = PoleSession(open_link(PoleAddress("serial", path, path)))
        remote = PoleSession(CsmsLink("PW-0001", endpoint(api)))
        async with local, remote:
            await local.authenticate(await technician_token(api.service, connected.pole))
            assert await local.remote_start(2, "TECH-2") == "Accepted"
            near, far = await asyncio.gather(first_sample(local, 200),
                                             first_sample(remote, 1000))
        for one, other in zip(near[-1].sockets, far[-1].sockets, strict=True):
            assert (one.connector_id, one.status, one.cp_state) == (
                other.connector_id, other.status, other.cp_state)


async def test_discover_lists_the_poles_a_service_knows(api: Api, tmp_path: Path) -> None:
    async with pole_on_both_links(api, tmp_path):
        found = await CsmsLink.discover(endpoint(api))
    assert [(a.transport, a.target, a.details["connected"]) for a in found] == [
        ("csms", "PW-0001", True)]
    assert "online" in found[0].label
    with pytest.raises(ConnectError, match="refused the API token"):
        await CsmsLink.discover(ServiceEndpoint(api.url, "wrong"))


async def test_connect_says_why_it_cannot(api: Api, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAALWERK_SERVICE_URL", raising=False)
    with pytest.raises(ConnectError, match="no service given"):
        CsmsLink("PW-0001")
    with pytest.raises(ConnectError, match="knows no pole 'PW-0404'"):
        await CsmsLink("PW-0404", endpoint(api)).connect()
    with pytest.raises(ConnectError, match="refused the API token"):
        await CsmsLink("PW-0001", ServiceEndpoint(api.url, "nope")).connect()
    with pytest.raises(ConnectError, match="cannot reach the service"):
        await CsmsLink("PW-0001", ServiceEndpoint("http://127.0.0.1:9", "x")).connect()
    async with pole_on_both_links(api, tmp_path):
        pass
    with pytest.raises(ConnectError, match="not connected to the service"):
        await CsmsLink("PW-0001", endpoint(api)).connect()
    monkeypatch.setenv("PAALWERK_SERVICE_URL", api.url)
    monkeypatch.setenv("PAALWERK_SERVICE_TOKEN", api.token)
    found = await discover("csms")
    assert [(a.target, a.details["connected"]) for a in found] == [("PW-0001", False)]
    assert "offline" in found[0].label


async def test_a_pole_leaving_the_service_ends_the_live_stream(api: Api,
                                                               tmp_path: Path) -> None:
    async with pole_on_both_links(api, tmp_path) as (connected, _):
        session = PoleSession(CsmsLink("PW-0001", endpoint(api)))
        await session.open()
        try:
            async with session.live(1000) as stream:
                await anext(stream)
                connected.pole.set_network(False)
                with pytest.raises(LinkLost, match="disconnected from the service"):
                    async with asyncio.timeout(30):
                        async for _ in stream:
                            pass
            with pytest.raises(LinkLost):
                await session.get_configuration(["LightIntensity"])
        finally:
            with contextlib.suppress(Exception):
                await session.close()
