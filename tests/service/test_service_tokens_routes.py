"""Service tokens between the real service and virtual poles (issue 17, eis 69): the
service provisions its key over OCPP, issues tokens over its API, revokes them on the
poles; a technician's laptop then opens the pole's service port (real pty, pyserial)
with the token — also with the service stopped, as on a site without signal."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ocpp.v16.enums import ConfigurationStatus

from pole_link.errors import NotAuthorised
from pole_link.protocol.connection import FramedConnection
from pole_link.service_api import ServiceClient, ServiceEndpoint, ServiceRefused
from pole_link.service_tokens import peek
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_access import INVALID_SERVICE_TOKEN
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink
from tests.support import Api, eventually, running_service, until

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
POLE = "PW-0001"


@pytest.fixture
def service_now() -> datetime:
    return NOW


@dataclass
class SitePole:
    """A virtual pole on OCPP to the service and with its service port on a pty."""

    pole: VirtualPole
    client: PoleOcppClient
    port: PtyPort


@contextlib.asynccontextmanager
async def site_pole(ocpp_url: str, state_dir: Path, pole_id: str = POLE
                    ) -> AsyncIterator[SitePole]:
    pole = VirtualPole(pole_id, clock=SimClock(NOW))
    outbox = Outbox(state_dir / pole_id / "outbox.sqlite")
    client = PoleOcppClient(pole, ocpp_url, outbox)
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port))
    tasks = [asyncio.create_task(client.run()), asyncio.create_task(pole.scheduler.run()),
             asyncio.create_task(end.serve())]
    try:
        await until(lambda: client.connected)
        yield SitePole(pole, client, port)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await port.close()
        outbox.close()


@contextlib.asynccontextmanager
async def laptop(site: SitePole) -> AsyncIterator[PoleSession]:
    session = PoleSession(SerialLink(site.port.path))
    await session.open()
    try:
        yield session
    finally:
        await session.close()


def audit_rows(db_url: str, columns: str) -> list[Any]:
    """The audit log as stored, oldest first (read apart from the service, as an auditor)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(
                f"SELECT {columns} FROM audit_log ORDER BY id")).all())
    finally:
        engine.dispose()


async def provisioned(api: Api, site: SitePole) -> None:
    issuer = api.service.service_tokens
    assert issuer is not None
    await until(lambda: site.pole.service_access.keys_text == issuer.keys_value)


async def test_eis69_keys_reach_the_pole_at_boot_and_a_token_opens_its_port_with_the_service_down(
        tmp_path: Path) -> None:
    async with contextlib.AsyncExitStack() as on_site:
        service = contextlib.AsyncExitStack()
        api = await service.enter_async_context(
            running_service(tmp_path, clock=SimClock(NOW).now))
        try:
            site = await on_site.enter_async_context(site_pole(api.service.ocpp_url, tmp_path))
            await provisioned(api, site)
            async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
                issued = await client.issue_service_tokens([POLE], 8)
                listed = await client.service_tokens()
            audit = [row for row in audit_rows(api.db_url, "actor, action, detail")
                     if row[2].startswith("service-token.")]
        finally:
            await service.aclose()  # on site, no signal: the service is out of reach
        assert issued.token is not None and issued.poles == (POLE,)
        assert NOW + timedelta(hours=8) <= issued.expires < NOW + timedelta(hours=8, minutes=1)
        assert issued.subject == "admin" and issued.role == "admin"
        assert [(record.jti, record.token) for record in listed] == [(issued.jti, None)]
        assert [(actor, action) for actor, action, _ in audit] == \
            [("admin", "POST /api/v1/service-tokens")]
        assert issued.token not in audit[0][2]
        await until(lambda: not site.client.connected)
        async with laptop(site) as session:
            with pytest.raises(NotAuthorised) as refused:
                await session.authenticate("demo")
            assert refused.value.details == {"reason": "BadSignature"}
            grant = await session.authenticate(issued.token)
            assert grant.role == "admin" and grant.expires == issued.expires
            assert await session.change_configuration("LightIntensity", "30") == \
                ConfigurationStatus.accepted
        assert site.pole.configuration.value("LightIntensity") == "30"


async def test_eis69_a_revocation_reaches_the_online_pole_and_a_pole_offline_at_its_next_boot(
        api: Api, tmp_path: Path) -> None:
    async with site_pole(api.service.ocpp_url, tmp_path / "a", POLE) as online, \
            site_pole(api.service.ocpp_url, tmp_path / "b", "PW-0002") as away:
        await provisioned(api, online)
        await provisioned(api, away)
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            issued = await client.issue_service_tokens(["*"], 4)
            assert issued.token is not None
            away.pole.set_network(False)
            await until(lambda: not away.client.connected)
            answer = await client.revoke_service_token(issued.jti)
            assert answer.poles[POLE] == "Accepted"
            # The service may not have noticed the cut yet: then it says it did not reach it.
            assert answer.poles.get("PW-0002", "not reached").startswith("not reached")
            [listed] = await client.service_tokens()
            assert listed.revoked_by == "admin" and listed.revoked_at is not None
            with pytest.raises(ServiceRefused) as unknown:
                await client.revoke_service_token("no-such-token")
            assert unknown.value.status == 404
        async with laptop(online) as session:
            with pytest.raises(NotAuthorised) as refused:
                await session.authenticate(issued.token)
            assert refused.value.details == {"reason": "Revoked"}
        # The pole that was away hears of it when it comes back (at its boot).
        assert issued.jti not in away.pole.service_access.revoked
        away.pole.set_network(True)
        await until(lambda: issued.jti in away.pole.service_access.revoked, 20)
        async with laptop(away) as session:
            with pytest.raises(NotAuthorised):
                await session.authenticate(issued.token)


async def test_eis69_a_lockout_on_site_is_reported_to_the_service(
        api: Api, tmp_path: Path) -> None:
    async with site_pole(api.service.ocpp_url, tmp_path) as site, laptop(site) as session:
        await provisioned(api, site)
        for attempt in range(5):
            with pytest.raises(NotAuthorised):
                await session.authenticate(f"guess-{attempt}")
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            async def reported() -> bool:
                return any(event.type == INVALID_SERVICE_TOKEN
                           for event in await client.security_events(POLE))
            await eventually(reported, 20)
            [event] = await client.security_events(POLE)
            assert event.tech_info is not None and "locked out" in event.tech_info


async def test_eis69_a_token_is_at_most_72_hours_and_for_named_poles(
        api: Api, tmp_path: Path) -> None:
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        with pytest.raises(ServiceRefused) as refused:
            await client.issue_service_tokens([POLE], 73)
        assert refused.value.status == 422
        issued = await client.issue_service_tokens([POLE, "PW-0002", POLE], 72)
    assert issued.token is not None
    claims = peek(issued.token)
    assert claims.poles == (POLE, "PW-0002")
    assert claims.exp - claims.iat == 72 * 3600
    assert claims.iss == "paalwerk"


async def test_eis69_revoking_a_token_for_named_poles_tells_just_those(
        api: Api, tmp_path: Path) -> None:
    async with site_pole(api.service.ocpp_url, tmp_path / "a", POLE) as named, \
            site_pole(api.service.ocpp_url, tmp_path / "b", "PW-0002") as other:
        await provisioned(api, named)
        await provisioned(api, other)
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            issued = await client.issue_service_tokens([POLE], 2)
            answer = await client.revoke_service_token(issued.jti)
        assert answer.poles == {POLE: "Accepted"} and answer.token.revoked
        assert issued.jti in named.pole.service_access.revoked
        assert issued.jti not in other.pole.service_access.revoked
        rows = [(action, detail) for action, detail in audit_rows(api.db_url, "action, detail")
                if "/service-tokens" in action]
        # One entry per write: the API's route, with the route's own words as detail.
        assert [(action, detail.split(":")[0]) for action, detail in rows] == [
            ("POST /api/v1/service-tokens", "service-token.issue"),
            ("POST /api/v1/service-tokens/{jti}/revoke", "service-token.revoke")]
        assert f"jti={issued.jti} told={POLE}" in rows[1][1]


def test_eis69_a_token_is_issued_for_the_caller_and_never_above_a_pole_role() -> None:
    from types import SimpleNamespace

    from service.api.routes import ApiError
    from service.api.service_tokens import caller_of

    def asking(principal: object) -> Any:
        return SimpleNamespace(state=SimpleNamespace(principal=principal))

    jan = SimpleNamespace(name="jan", role="technician")
    assert caller_of(asking(jan)) == ("jan", "technician")
    assert caller_of(SimpleNamespace(state=SimpleNamespace())) == ("admin", "admin")  # type: ignore[arg-type]
    with pytest.raises(ApiError) as refused:
        caller_of(asking(SimpleNamespace(name="piet", role="helpdesk")))
    assert refused.value.status == 403 and "helpdesk" in refused.value.description
