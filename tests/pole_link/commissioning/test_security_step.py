"""eis 69 in the tender checklist: the pole's security profile and its service-token keys,
read over its serial service port (GetConfiguration needs no Auth), the keys compared
with the public key of the running service the technician's laptop is connected to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.commissioning.checklist import find_checklist
from pole_link.commissioning.checks import CHECKS, CheckContext, CheckResult
from pole_link.commissioning.record import Outcome
from pole_link.commissioning.words import dutch, shown
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.service_tokens import public_key_text
from pole_link.session import PoleSession
from tests.conftest import ServedPole
from tests.pole_link.commissioning.support import site
from tests.support import running_service


async def _security_step(session: PoleSession, service: ServiceClient,
                         clock: Callable[[], datetime]) -> CheckResult:
    """The tender checklist's security step, as a run would call it."""
    step = find_checklist("tender").step("security")
    return await CHECKS["security"].run(CheckContext(
        session=session, step=step, clock=clock, pole_id="PW-0001", service=service))


def _evidence(result: CheckResult) -> dict[str, str]:
    return {shown(label): shown(value) for label, value in result.evidence.items()}


async def test_eis69_keys_provisioned_by_the_running_service_pass_the_security_step(
        tmp_path: Path) -> None:
    async with site(tmp_path) as here:
        assert await here.service.service_token_key() == \
            here.pole.service_access.keys_text  # what the service gave the pole at boot
        result = await _security_step(here.session, here.service, here.clock)
    assert result.outcome is Outcome.PASSED, (result.message, result.evidence)
    evidence = _evidence(result)
    assert evidence["Security profile"] == "1"
    assert evidence["Required"] == "at least 1"
    assert evidence["ServiceTokenKeys"] == "1 key(s)"
    assert evidence["Service's key"] == "on the pole"


async def test_eis69_a_factory_fresh_pole_fails_the_security_step_saying_what_to_do(
        tmp_path: Path, served_pole: ServedPole, session: PoleSession) -> None:
    async with running_service(tmp_path) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
        result = await _security_step(session, service, served_pole.pole.clock.now)
    assert result.outcome is Outcome.FAILED
    evidence = _evidence(result)
    assert evidence["Security profile"] == "0"
    assert evidence["ServiceTokenKeys"] == "(not set)"
    assert result.message is not None
    message = shown(result.message)
    assert "security profile 0; at least 1 is required" in message
    assert "no service-token keys" in message and "Connect the pole to the service" in message
    in_dutch = shown(result.message, dutch)
    assert "beveiligingsprofiel 0" in in_dutch and "geen servicetokensleutels" in in_dutch


async def test_eis69_a_pole_holding_another_services_key_fails_the_security_step(
        tmp_path: Path, served_pole: ServedPole, session: PoleSession) -> None:
    """A pole first booted against another back office (a test service, the previous
    operator): its keys are set, but this service's tokens would not open it."""
    pole = served_pole.pole
    other = public_key_text(Ed25519PrivateKey.generate().public_key())
    pole.security.profile = 1
    assert str(pole.service_access.change(other)).endswith("ccepted")
    async with running_service(tmp_path) as api, \
            ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
        result = await _security_step(session, service, pole.clock.now)
    assert result.outcome is Outcome.FAILED
    evidence = _evidence(result)
    assert evidence["ServiceTokenKeys"] == "1 key(s)"
    assert evidence["Service's key"] == "missing"
    assert result.message is not None
    assert "not this service's" in shown(result.message)
    assert "CSMS URL" in shown(result.message)


async def test_a_checklist_asking_for_a_profile_that_does_not_exist_is_not_checked(
        tmp_path: Path, served_pole: ServedPole, session: PoleSession) -> None:
    """A typo in an operator's checklist (``min_profile: 4``) is no verdict on the pole."""
    step = replace(find_checklist("tender").step("security"), params={"min_profile": 4})
    result = await CHECKS["security"].run(CheckContext(
        session=session, step=step, clock=served_pole.pole.clock.now, pole_id="PW-0001"))
    assert result.outcome is Outcome.NOT_AVAILABLE
    assert result.message is not None
    assert "security profile 4, which does not exist" in shown(result.message)
