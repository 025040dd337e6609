"""No secret in logs (issue 17, eis 69): one scenario with every kind of secret the
product handles, logged at DEBUG to a real log file, then every log file, every stored
message-log row and every audit row searched for each secret.

test_accounts.py and test_pole_credentials.py check the account and pole passwords each on
their own (with pytest's log capture); this is the whole day in one log file: a pole at
security profile 1 with its AuthorizationKey, a key rotation, a user's login with a
password, a personal API token, and a service token issued over the API and used over a
pole's serial service port.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from pole_link.protocol.connection import FramedConnection
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink
from tests.service.security_support import PASSWORD, START, secured_pole
from tests.support import running_service, until


@contextmanager
def log_file(path: Path) -> Iterator[Path]:
    """Everything the process logs, at DEBUG, into ``path`` (as ``--log-file`` would)."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def stored_rows(db_url: str) -> str:
    """Every message-log and audit row as stored, read apart from the service."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = [*connection.execute(sa.text("SELECT * FROM message_log")).all(),
                    *connection.execute(sa.text("SELECT * FROM audit_log")).all()]
    finally:
        engine.dispose()
    assert rows
    return "\n".join(repr(tuple(row)) for row in rows)


async def test_eis69_no_secret_in_any_log_file_message_log_or_audit_row(
        tmp_path: Path) -> None:
    secrets: dict[str, str] = {"AuthorizationKey": PASSWORD}
    with log_file(tmp_path / "service.log"):
        async with running_service(tmp_path, clock=SimClock(START).now) as api, \
                ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
            secrets["admin API token"] = api.token
            await admin.register_pole("PW-0001", 1, PASSWORD)
            async with secured_pole(api.service.ocpp_url, tmp_path, profile=1,
                                    password=PASSWORD, start=START) as real:
                # a key rotation: the pole gets a new AuthorizationKey
                await admin.rotate_pole_key("PW-0001")
                new_key = real.pole.security.authorization_key
                assert new_key is not None and new_key != PASSWORD
                secrets["rotated AuthorizationKey"] = new_key
                # a user signs in with a password and makes a personal token
                made = await api.client.post("/api/v1/users",
                                             json={"name": "tess", "role": "technician"})
                secrets["user password"] = made.json()["password"]
                async with httpx.AsyncClient(base_url=api.url, timeout=20) as stranger:
                    login = await stranger.post("/api/v1/auth/login", json={
                        "name": "tess", "password": secrets["user password"]})
                    secrets["login token"] = login.json()["token"]
                    wrong = await stranger.post("/api/v1/auth/login", json={
                        "name": "tess", "password": secrets["user password"] + "!"})
                    assert wrong.status_code == 401
                    secrets["wrong password"] = secrets["user password"] + "!"
                    personal = await stranger.post(
                        "/api/v1/auth/tokens", json={"name": "cron"},
                        headers={"Authorization": f"Bearer {secrets['login token']}"})
                    secrets["personal API token"] = personal.json()["token"]
                    me = await stranger.get("/api/v1/auth/me", headers={
                        "Authorization": f"Bearer {secrets['personal API token']}"})
                    assert me.status_code == 200
                # a service token, issued over the API and used on the pole's serial port
                issuer = api.service.service_tokens
                assert issuer is not None
                await until(lambda: real.pole.service_access.keys_text == issuer.keys_value)
                issued = await admin.issue_service_tokens(["PW-0001"], 8)
                assert issued.token is not None
                secrets["service token"] = issued.token
                port = PtyPort()
                end = ServicePortEnd(real.pole, FramedConnection(port))
                serving = asyncio.create_task(end.serve())
                try:
                    session = PoleSession(SerialLink(port.path))
                    await session.open()
                    try:
                        grant = await session.authenticate(issued.token)
                        assert grant.role == "admin"
                    finally:
                        await session.close()
                finally:
                    serving.cancel()
                    await asyncio.gather(serving, return_exceptions=True)
                    await port.close()
                messages = await admin.messages("PW-0001", limit=5000)
                assert any(m.action == "ChangeConfiguration" for m in messages)
            db_url = api.db_url
    logs = {path: path.read_text(encoding="utf-8", errors="replace")
            for path in tmp_path.rglob("*.log")}  # noqa: ASYNC240 - all is done by now
    assert tmp_path / "service.log" in logs
    assert "PW-0001" in logs[tmp_path / "service.log"]  # the scenario was logged
    stored = stored_rows(db_url)
    assert "AuthorizationKey" in stored  # the key change is in the message log, masked
    leaks = [(what, where) for what, secret in secrets.items()
             for where, text in [*((str(p), t) for p, t in logs.items()),
                                 ("message_log/audit_log", stored)]
             if secret in text]
    assert leaks == []
