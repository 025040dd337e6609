"""Operator accounts, roles and the audit trail (issue 17, eis 69), over real HTTP against
the running service, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from sqlalchemy.engine import Engine

from service.accounts.cli import main as accounts_cli
from service.accounts.permissions import PERMISSIONS, PUBLIC, Role, markdown_table
from service.accounts.store import AccountStore
from service.storage.database import create_engine_for, migrate
from service.storage.repository import Repository
from tests.support import Api, ManualClock, postgres_schema

README = Path(__file__).resolve().parents[2] / "README.md"
API_ROUTES = sorted((key for key in PERMISSIONS if key[1].startswith("/api/v1")),
                    key=lambda key: (key[1] == "/api/v1/auth/logout", key))
"""Every operator route; signing out last (it ends the token the others are called with)."""


async def make_user(api: Api, name: str, role: str) -> str:
    """An account made by the admin (the token file's token); its one-time password."""
    made = await api.client.post("/api/v1/users", json={"name": name, "role": role})
    assert made.status_code == 201, made.text
    assert made.json()["role"] == role
    return str(made.json()["password"])


async def signed_in(api: Api, name: str, role: str) -> httpx.AsyncClient:
    password = await make_user(api, name, role)
    answer = await api.client.post("/api/v1/auth/login",
                                   json={"name": name, "password": password},
                                   headers={"Authorization": ""})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user"] == {"name": name, "role": role, "created": body["user"]["created"],
                            "disabled": False}
    return httpx.AsyncClient(base_url=api.url, timeout=20,
                             headers={"Authorization": f"Bearer {body['token']}"})


def audit_rows(api: Api) -> list[dict[str, object]]:
    engine = create_engine_for(api.db_url)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(
                sa.text("SELECT * FROM audit_log ORDER BY id")).mappings()]
    finally:
        engine.dispose()


# -- the permission table ---------------------------------------------------------------

async def test_eis69_every_route_has_an_explicit_permission(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    routes = {(method.upper(), path) for path, operations in spec["paths"].items()
              for method in operations}
    assert routes - set(PERMISSIONS) == set(), "routes without an entry in the table"
    assert set(PERMISSIONS) - routes == set(), "entries for routes that do not exist"


def test_eis69_the_readme_shows_the_permission_table_of_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    shown = text.split("<!-- permissions:begin -->\n", 1)[1].split("\n<!-- permissions:end", 1)[0]
    assert shown.strip() == markdown_table()


@pytest.mark.parametrize("role", list(Role))
async def test_eis69_each_role_is_refused_exactly_what_it_may_not_do(api: Api,
                                                                      role: Role) -> None:
    """Every API route, called with this role's login token: 403 with a sentence where the
    table says so, and never 401/403 where it allows."""
    async with await signed_in(api, f"user-{role.value}", role.value) as client:
        refused, allowed = set(), set()
        for method, path in API_ROUTES:
            url = re.sub(r"\{[^}]+\}", "NO-SUCH-1", path)
            answer = await client.request(method, url, json=None if method == "GET" else {})
            assert answer.status_code != 401, (method, path, answer.text)
            if answer.status_code == 403:
                refused.add((method, path))
                assert answer.json()["detail"].startswith(f"Your role {role.value} may not")
            else:
                allowed.add((method, path))
    need = {key: PERMISSIONS[key] for key in API_ROUTES}
    assert refused == {key for key, least in need.items()
                       if least != PUBLIC and not role.may(Role(least))}
    assert ("GET", "/api/v1/poles") in allowed


async def test_eis69_helpdesk_reads_the_public_token_key_and_nothing_of_the_private_one(
        api: Api) -> None:
    """``GET /service-tokens/key``: what a commissioning run compares with the pole's
    ServiceTokenKeys — the public half only, which every role may read."""
    issuer = api.service.service_tokens
    assert issuer is not None
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        answer = await helpdesk.get("/api/v1/service-tokens/key")
    assert answer.status_code == 200
    assert answer.json() == {"publicKey": issuer.keys_value}
    assert len(base64.b64decode(answer.json()["publicKey"], validate=True)) == 32
    private = issuer.key.private_bytes(serialization.Encoding.Raw,
                                       serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
    assert base64.b64encode(private).decode() not in answer.text


async def test_eis69_a_refusal_reads_as_a_sentence_and_is_recorded(api: Api) -> None:
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        answer = await helpdesk.put("/api/v1/poles/PW-0001/configuration",
                                    json={"key": "LightIntensity", "value": "40"})
        assert answer.status_code == 403
        assert answer.json()["detail"] == ("Your role helpdesk may not change configuration; "
                                           "ask an engineer or admin.")
        reset = await helpdesk.post("/api/v1/poles/PW-0001/reset", json={"type": "Soft"})
        assert reset.status_code == 409  # allowed; the pole is not connected
    rows = audit_rows(api)
    refusal = [r for r in rows if r["result"] == "403"]
    assert [(r["actor"], r["role"], r["action"], r["pole_id"]) for r in refusal] == [
        ("henk", "helpdesk", "PUT /api/v1/poles/{pole_id}/configuration", "PW-0001")]
    written = [r for r in rows if r["action"] == "POST /api/v1/poles/{pole_id}/reset"]
    assert [(r["actor"], r["role"], r["pole_id"], r["result"]) for r in written] == [
        ("henk", "helpdesk", "PW-0001", "409")]


# -- signing in, tokens -------------------------------------------------------------------

async def test_eis69_login_me_and_logout(api: Api) -> None:
    client = await signed_in(api, "eva", "engineer")
    async with client:
        me = (await client.get("/api/v1/auth/me")).json()
        assert (me["name"], me["role"]) == ("eva", "engineer")
        assert "PUT /api/v1/poles/{pole_id}/configuration" in me["permissions"]
        assert "POST /api/v1/users" not in me["permissions"]
        assert (await client.post("/api/v1/auth/logout")).json() == {"revoked": True}
        after = await client.get("/api/v1/auth/me")
        assert after.status_code == 401 and "sign in again" in after.json()["description"]


async def test_eis69_the_admin_token_file_still_works_as_admin(api: Api) -> None:
    me = (await api.client.get("/api/v1/auth/me")).json()
    assert (me["name"], me["role"]) == ("admin", "admin")
    assert (await api.client.get("/api/v1/users")).status_code == 200


async def test_eis69_personal_tokens_work_until_revoked(api: Api) -> None:
    async with await signed_in(api, "tom", "technician") as tom:
        made = await tom.post("/api/v1/auth/tokens", json={"name": "monitoring script"})
        assert made.status_code == 201
        token, token_id = made.json()["token"], made.json()["id"]
        listed = (await tom.get("/api/v1/auth/tokens")).json()
        assert [t["name"] for t in listed if t["kind"] == "personal"] == ["monitoring script"]
        assert all(t["token"] is None for t in listed)
        script = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=api.url, headers=script) as by_script:
            assert (await by_script.get("/api/v1/auth/me")).json()["name"] == "tom"
            assert (await tom.delete(f"/api/v1/auth/tokens/{token_id}")).status_code == 200
            assert (await by_script.get("/api/v1/auth/me")).status_code == 401


async def test_eis69_a_disabled_user_is_signed_out(api: Api) -> None:
    async with await signed_in(api, "leaver", "engineer") as leaver:
        assert (await leaver.get("/api/v1/poles")).status_code == 200
        changed = await api.client.put("/api/v1/users/leaver", json={"disabled": True})
        assert changed.json()["disabled"] is True
        assert (await leaver.get("/api/v1/poles")).status_code == 401


async def test_eis69_wrong_password_refused_recorded_and_locked(api: Api) -> None:
    password = await make_user(api, "pim", "helpdesk")
    anonymous = {"Authorization": ""}
    for _ in range(5):
        wrong = await api.client.post("/api/v1/auth/login",
                                      json={"name": "pim", "password": "raden"},
                                      headers=anonymous)
        assert wrong.status_code == 401
        assert wrong.json()["description"] == "the user name or password is wrong"
    locked = await api.client.post("/api/v1/auth/login",
                                   json={"name": "pim", "password": password},
                                   headers=anonymous)
    assert locked.status_code == 401 and "locked" in locked.json()["description"]
    assert int(locked.headers["retry-after"]) > 0
    refusals = [r for r in audit_rows(api) if r["action"] == "POST /api/v1/auth/login"]
    assert [(r["actor"], r["result"]) for r in refusals] == [("pim", "401")] * 6
    assert "locked" in str(refusals[4]["detail"]) and "locked" in str(refusals[5]["detail"])


async def test_eis69_no_password_or_token_in_log_or_audit(api: Api,
                                                          caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    caplog.set_level(logging.DEBUG)
    password = await make_user(api, "sara", "admin")
    login = await api.client.post("/api/v1/auth/login",
                                  json={"name": "sara", "password": password},
                                  headers={"Authorization": ""})
    token = login.json()["token"]
    wrong = await api.client.post("/api/v1/auth/login",
                                  json={"name": "sara", "password": password + "x"},
                                  headers={"Authorization": ""})
    assert wrong.status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    personal = (await api.client.post("/api/v1/auth/tokens", json={"name": "cron"},
                                      headers=headers)).json()["token"]
    csv_text = (await api.client.get("/api/v1/audit.csv")).text
    secrets = (password, password + "x", token, personal, api.token)
    everything = caplog.text + csv_text + repr(audit_rows(api))
    for secret in secrets:
        assert secret not in everything


# -- the audit trail ------------------------------------------------------------------------

async def test_eis69_audit_is_read_and_filtered_by_admins_only(api: Api) -> None:
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        await helpdesk.post("/api/v1/poles/PW-0009/unlock", json={"connectorId": 1})
        assert (await helpdesk.get("/api/v1/audit")).status_code == 403
    found = (await api.client.get("/api/v1/audit", params={"pole": "PW-0009"})).json()
    assert [(e["actor"], e["role"], e["action"], e["poleId"]) for e in found] == [
        ("henk", "helpdesk", "POST /api/v1/poles/{pole_id}/unlock", "PW-0009")]
    by_action = (await api.client.get("/api/v1/audit",
                                      params={"action": "unlock", "actor": "henk"})).json()
    assert [e["id"] for e in by_action] == [e["id"] for e in found]
    csv_text = (await api.client.get("/api/v1/audit.csv", params={"pole": "PW-0009"})).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,time,actor,role,action,pole,result")
    assert len(lines) == 2 and ",henk,helpdesk," in lines[1]


async def test_eis69_audit_verify_finds_a_changed_and_a_removed_entry(
        api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        for pole in ("PW-0001", "PW-0002", "PW-0003"):
            await helpdesk.post(f"/api/v1/poles/{pole}/reset", json={"type": "Soft"})
    assert accounts_cli(["audit", "verify", "--db", api.db_url]) == 0
    assert "intact" in capsys.readouterr().out
    rows = audit_rows(api)
    resets = [r for r in rows if r["action"] == "POST /api/v1/poles/{pole_id}/reset"]
    engine = create_engine_for(api.db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone-else' "
                                       "WHERE id = :id"), {"id": resets[0]["id"]})
        assert accounts_cli(["audit", "verify", "--db", api.db_url]) == 1
        out = capsys.readouterr().out
        assert f"entry #{resets[0]['id']}" in out and "changed" in out
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_log WHERE id = :id"),
                               {"id": resets[1]["id"]})
        assert accounts_cli(["audit", "verify", "--db", api.db_url]) == 1
        out = capsys.readouterr().out
        assert f"#{resets[1]['id']}" in out and "removed" in out
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_log WHERE id = :id"),
                               {"id": rows[-1]["id"]})
        assert accounts_cli(["audit", "verify", "--db", api.db_url]) == 1
        assert f"entry #{rows[-1]['id']}, the newest" in capsys.readouterr().out
    finally:
        engine.dispose()


async def test_eis69_each_write_is_one_audit_entry_with_the_route_s_own_words(
        api: Api) -> None:
    """Who, role, route, pole and result, and what the route said about it, in one row."""
    async with await signed_in(api, "tom", "technician") as tom:
        issued = await tom.post("/api/v1/service-tokens", json={"poles": ["PW-0001"],
                                                                "hours": 4})
        assert issued.status_code == 200, issued.text
        issued_at = audit_rows(api)[-1]["id"]
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        blocked = await helpdesk.put("/api/v1/id-tags/04AABB", json={"status": "Blocked"})
        assert blocked.status_code == 200, blocked.text
        refused = await helpdesk.put("/api/v1/poles/PW-0001/configuration",
                                     json={"key": "LightIntensity", "value": "40"})
        assert refused.status_code == 403
        offline = await helpdesk.post("/api/v1/poles/PW-0001/reset", json={"type": "Soft"})
        assert offline.status_code == 409
    rows = [r for r in audit_rows(api) if r["id"] >= issued_at]
    assert [(r["actor"], r["role"], r["action"], r["pole_id"], r["result"])
            for r in rows] == [
        ("tom", "technician", "POST /api/v1/service-tokens", None, "200"),
        ("admin", "admin", "POST /api/v1/users", None, "201"),
        ("henk", "helpdesk", "POST /api/v1/auth/login", None, "200"),
        ("henk", "helpdesk", "PUT /api/v1/id-tags/{idTag}", None, "200"),
        ("henk", "helpdesk", "PUT /api/v1/poles/{pole_id}/configuration", "PW-0001", "403"),
        ("henk", "helpdesk", "POST /api/v1/poles/{pole_id}/reset", "PW-0001", "409")]
    token, _user, _login, card, _refusal, _reset = (str(r["detail"]) for r in rows)
    assert token.startswith(f"service-token.issue: jti={issued.json()['jti']} ")
    assert "poles=PW-0001" in token and issued.json()["token"] not in token
    assert "04AABB" in card and "Blocked" in card
    assert accounts_cli(["audit", "verify", "--db", api.db_url]) == 0


# -- storage: expiry with an injected clock, concurrent writers ---------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = create_engine_for(f"sqlite:///{tmp_path / 'accounts.sqlite'}")
        migrate(eng)
        yield eng
        eng.dispose()
        return
    with postgres_schema() as url:
        eng = create_engine_for(url)
        migrate(eng)
        try:
            yield eng
        finally:
            eng.dispose()


def test_eis69_a_login_token_expires_after_its_lifetime(engine: Engine) -> None:
    clock = ManualClock(datetime(2026, 12, 4, 8, tzinfo=UTC))
    store = AccountStore(engine, clock.now, login_lifetime=timedelta(hours=12))
    password = store.add_user("jan", "technician")
    token, info, _user = store.login("jan", password)
    assert info.expires == clock.now() + timedelta(hours=12)
    clock.advance(timedelta(hours=11, minutes=59))
    principal = store.authenticate(token)
    assert principal is not None and (principal.name, principal.role) == ("jan",
                                                                           Role.TECHNICIAN)
    clock.advance(timedelta(minutes=1))
    assert store.authenticate(token) is None


def test_eis69_concurrent_writers_do_not_fork_the_chain(engine: Engine) -> None:
    """Several writers with connections of their own (as several processes have) append
    at once; the chain stays one line."""
    import threading

    url = engine.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        own = create_engine_for(url)
        try:
            repository = Repository(own)
            for i in range(15):
                repository.audit(f"writer-{number}", f"write {i}", pole_id="PW-0001")
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    repository = Repository(engine)
    assert len(repository.audit_entries(limit=1000)) == 60
    assert repository.verify_audit() == []


def test_eis69_entries_from_before_the_chain_are_chained_by_the_migration(
        tmp_path: Path) -> None:
    from alembic import command

    from service.storage.database import alembic_config

    engine = create_engine_for(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0011")
            for i in range(3):
                connection.execute(sa.text(
                    "INSERT INTO audit_log (time, actor, action, detail) VALUES "
                    "(:time, 'api', :action, '')"),
                    {"time": datetime(2026, 11, 1, 12, i), "action": f"Reset → PW-{i}"})
        migrate(engine)
        repository = Repository(engine)
        assert repository.verify_audit() == []
        repository.audit("jan", "POST /api/v1/poles/{pole_id}/reset", role="helpdesk",
                         pole_id="PW-0001", result="200")
        assert repository.verify_audit() == []
        assert [e.actor for e in repository.audit_entries()] == ["api"] * 3 + ["jan"]
    finally:
        engine.dispose()


def test_eis69_cli_makes_lists_and_disables_users(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert accounts_cli(["user", "add", "jan", "--role", "technician", "--db", db]) == 0
    password = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert accounts_cli(["user", "add", "jan", "--role", "helpdesk", "--db", db]) == 1
    assert "exists already" in capsys.readouterr().err
    engine = create_engine_for(db)
    try:
        store = AccountStore(engine)
        token, _info, user = store.login("jan", password)
        assert user.role is Role.TECHNICIAN
        assert accounts_cli(["user", "disable", "jan", "--db", db]) == 0
        assert accounts_cli(["user", "list", "--db", db]) == 0
        assert "jan\ttechnician (disabled)" in capsys.readouterr().out
        assert store.authenticate(token) is None
        assert password not in repr(Repository(engine).audit_entries())
    finally:
        engine.dispose()


async def test_eis69_a_refusal_about_a_pole_is_among_its_security_events(api: Api) -> None:
    registered = await api.client.post("/api/v1/poles",
                                       json={"id": "PW-0100", "securityProfile": 0})
    assert registered.status_code in (200, 201), registered.text
    async with await signed_in(api, "henk", "helpdesk") as helpdesk:
        refused = await helpdesk.post("/api/v1/poles/PW-0100/security/rotate-key")
        assert refused.status_code == 403
        assert refused.json()["detail"] == ("Your role helpdesk may not manage users, poles "
                                            "and credentials; ask an admin.")
        events = (await helpdesk.get("/api/v1/poles/PW-0100/security-events")).json()
    refusals = [e for e in events if e["type"] == "OperatorActionRefused"]
    assert len(refusals) == 1
    assert refusals[0]["tech_info"].startswith("henk (helpdesk): POST ")
