"""Service tokens on the virtual pole's service port (issue 17, eis 69), over a real
pseudo-terminal and pyserial: what a technician on site meets with a good, a wrong or
no token, and the lockout that stops someone guessing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ocpp.v16.enums import ConfigurationStatus

from pole_link.errors import NotAuthorised
from pole_link.service_tokens import (
    Accepted,
    Claims,
    Rejected,
    RejectReason,
    issue,
    public_key_text,
)
from pole_link.session import PoleSession
from pole_link.sim.service_access import INVALID_SERVICE_TOKEN, ServiceAccess, keep_access_in
from tests.conftest import ServedPole

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
KEYS = public_key_text(KEY.public_key())


@pytest.fixture
def pole_start() -> datetime:
    return NOW


@pytest.fixture
async def keyed(served_pole: ServedPole, session: PoleSession) -> AsyncIterator[PoleSession]:
    """The pole with the service's key set, as the CSMS provisions it over OCPP."""
    assert served_pole.pole.service_access.change(KEYS) == ConfigurationStatus.accepted
    yield session


def token(*, role: str = "technician", poles: tuple[str, ...] = ("PW-0001",),
          iat: datetime = NOW, hours: float = 8, jti: str = "t-1",
          key: Ed25519PrivateKey = KEY) -> str:
    return issue(key, Claims("paalwerk", "jan", role, poles, int(iat.timestamp()),
                             int((iat + timedelta(hours=hours)).timestamp()), jti))


async def test_eis69_a_fitting_token_authorises_writes_and_says_role_and_expiry(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    grant = await keyed.authenticate(token(role="engineer"))
    assert grant.role == "engineer"
    assert grant.expires == NOW + timedelta(hours=8)
    assert await keyed.change_configuration("LightIntensity", "40") == \
        ConfigurationStatus.accepted
    assert served_pole.pole.configuration.value("LightIntensity") == "40"


@pytest.mark.parametrize(("bad", "reason"), [
    ("not-a-token", "Malformed"),
    (token(key=Ed25519PrivateKey.generate()), "BadSignature"),
    (token(iat=NOW - timedelta(hours=9)), "Expired"),
    (token(poles=("PW-0002",)), "NotForThisPole"),
])
async def test_eis69_a_wrong_token_is_refused_for_its_reason_and_writes_stay_closed(
        keyed: PoleSession, served_pole: ServedPole, bad: str, reason: str) -> None:
    with pytest.raises(NotAuthorised) as refused:
        await keyed.authenticate(bad)
    assert refused.value.details == {"reason": reason}
    with pytest.raises(NotAuthorised):
        await keyed.change_configuration("LightIntensity", "10")
    assert served_pole.pole.configuration.value("LightIntensity") == "100"


async def test_eis69_a_revoked_token_is_refused_but_another_one_works(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    served_pole.pole.service_access.revoke(["t-1"], served_pole.pole.clock.now())
    with pytest.raises(NotAuthorised) as refused:
        await keyed.authenticate(token())
    assert refused.value.details == {"reason": "Revoked"}
    await keyed.authenticate(token(jti="t-2"))  # another token of the same technician


async def test_eis69_the_commissioning_pin_is_refused_once_keys_are_set(
        served_pole: ServedPole, session: PoleSession) -> None:
    await session.authenticate("demo")  # factory-fresh: the PIN opens it
    served_pole.pole.service_access.change(KEYS)
    await session.hello()
    with pytest.raises(NotAuthorised) as refused:
        await session.authenticate("demo")
    assert refused.value.details == {"reason": "BadSignature"}


async def test_eis69_five_rejects_in_ten_minutes_lock_the_port_for_five_and_report_it(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    pole = served_pole.pole
    for attempt in range(5):
        with pytest.raises(NotAuthorised):
            await keyed.authenticate(f"guess-{attempt}")
        pole.scheduler.advance(60)
    assert [kind for kind, _ in pole.security_events] == [INVALID_SERVICE_TOKEN]
    # Locked: even the right token is refused, with the lockout as the reason.
    with pytest.raises(NotAuthorised) as refused:
        await keyed.authenticate(token(hours=12))
    assert refused.value.details == {"reason": "LockedOut"}
    pole.scheduler.advance(5 * 60)
    grant = await keyed.authenticate(token(hours=12))
    assert grant.role == "technician"


async def test_eis69_rejects_spread_over_more_than_ten_minutes_do_not_lock(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    for attempt in range(6):
        with pytest.raises(NotAuthorised):
            await keyed.authenticate(f"typo-{attempt}")
        served_pole.pole.scheduler.advance(3 * 60)
    await keyed.authenticate(token(iat=served_pole.pole.clock.now()))
    assert served_pole.pole.security_events == []


async def test_eis69_only_an_admin_token_changes_the_keys_on_the_service_port(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    other = public_key_text(Ed25519PrivateKey.generate().public_key())
    await keyed.authenticate(token(role="technician"))
    assert await keyed.change_configuration("ServiceTokenKeys", other) == \
        ConfigurationStatus.rejected
    await keyed.authenticate(token(role="admin", jti="t-admin"))
    assert await keyed.change_configuration("ServiceTokenKeys", f"{KEYS},{other}") == \
        ConfigurationStatus.accepted
    configuration = await keyed.get_configuration(["ServiceTokenKeys"])
    assert configuration["ServiceTokenKeys"] == f"{KEYS},{other}"


def test_eis69_keys_and_revocations_survive_a_restart_of_the_pole(tmp_path: Path) -> None:
    before = ServiceAccess()
    keep_access_in(before, tmp_path)
    before.change(KEYS)
    before.revoke(["t-1"], NOW)
    assert (tmp_path / "service_access.json").stat().st_mode & 0o077 == 0
    after = ServiceAccess()
    keep_access_in(after, tmp_path)
    assert after.keys_text == KEYS
    assert after.authenticate(token(), "PW-0001", NOW) == Rejected(RejectReason.REVOKED)
    # Kept until no token issued before the revocation can still be valid, then dropped.
    later = NOW + timedelta(hours=73)
    assert after.authenticate(token(iat=later), "PW-0001", later) != \
        Rejected(RejectReason.REVOKED)


def test_eis69_verbose_frame_logs_never_show_a_service_token() -> None:
    import json
    import logging

    from pole_link.sim.cli import mask_tokens

    secret = token()
    frame = json.dumps([2, "1", "DataTransfer", {"vendorId": "paalwerk", "messageId": "Auth",
                                                 "data": json.dumps({"token": secret})}])
    record = logging.LogRecord("ocpp", logging.INFO, __file__, 1, "%s: receive message %s",
                               ("PW-0001", frame), None)
    assert mask_tokens(record)
    assert secret not in record.getMessage()
    assert '\\"token\\": \\"***\\"' in record.getMessage()


async def test_eis69_writes_stop_when_the_token_expires_by_the_pole_s_clock(
        keyed: PoleSession, served_pole: ServedPole) -> None:
    await keyed.authenticate(token(hours=1))
    assert await keyed.change_configuration("LightIntensity", "50") == \
        ConfigurationStatus.accepted
    served_pole.pole.scheduler.advance(3600)  # an hour on site: the token's hour is over
    with pytest.raises(NotAuthorised):
        await keyed.change_configuration("LightIntensity", "20")
    assert served_pole.pole.configuration.value("LightIntensity") == "50"


def test_eis69_a_lockout_survives_a_restart_of_the_pole(tmp_path: Path) -> None:
    before = ServiceAccess()
    keep_access_in(before, tmp_path)
    before.change(KEYS)
    for attempt in range(5):
        before.authenticate(f"guess-{attempt}", "PW-0001", NOW + timedelta(minutes=attempt))
    after = ServiceAccess()  # the power is cycled while locked out
    keep_access_in(after, tmp_path)
    locked = NOW + timedelta(minutes=6)
    assert after.authenticate(token(), "PW-0001", locked) == Rejected(RejectReason.LOCKED_OUT)
    # It ends when it would have without the restart.
    assert isinstance(after.authenticate(token(), "PW-0001", NOW + timedelta(minutes=9)),
                      Accepted)


def test_eis69_rejects_before_a_restart_still_count_towards_the_lockout(
        tmp_path: Path) -> None:
    reported: list[str] = []
    before = ServiceAccess()
    keep_access_in(before, tmp_path)
    before.change(KEYS)
    for attempt in range(4):
        before.authenticate(f"guess-{attempt}", "PW-0001", NOW + timedelta(minutes=attempt))
    after = ServiceAccess()
    after.locked_out.append(reported.append)
    keep_access_in(after, tmp_path)
    assert after.authenticate("guess-5", "PW-0001", NOW + timedelta(minutes=5)) == \
        Rejected(RejectReason.MALFORMED)
    assert len(reported) == 1  # the fifth within ten minutes, restart or not
    assert after.authenticate(token(), "PW-0001", NOW + timedelta(minutes=6)) == \
        Rejected(RejectReason.LOCKED_OUT)
