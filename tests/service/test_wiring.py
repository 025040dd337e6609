"""The service's one-place wiring (issue 16): every operator route behind the token guard,
the background work started with the service and stopped with it.

Real service on 127.0.0.1 (SQLite), real HTTP: a router mounted without its guard — say a
new one added to `service.app.create_app`'s list with the wrong guard — fails here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from service.accounts.permissions import PUBLIC, required_role
from service.api.routes import PREFIX
from service.api.tokens import ensure_admin_token
from service.server import RunningService, start_service


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[RunningService]:
    token_file = tmp_path / "tokens.json"
    ensure_admin_token(token_file)
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=token_file, files_dir=tmp_path / "files")
    try:
        yield running
    finally:
        await running.stop()


async def operator_routes(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    """Every ``/api/v1`` route and method the service publishes (its OpenAPI document),
    except those the permission table leaves open (signing in)."""
    paths = (await client.get("/openapi.json")).json()["paths"]
    return [(method.upper(), re.sub(r"\{[^}]+\}", "1", path))
            for path, methods in paths.items() if path.startswith(PREFIX)
            for method in methods if required_role(method.upper(), path) != PUBLIC]


async def test_every_operator_route_refuses_a_request_without_a_valid_token(
        service: RunningService) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}",
                                 timeout=20) as client:
        routes = await operator_routes(client)
        assert len(routes) > 40  # every router of the list is mounted, not only the first
        for method, path in routes:
            bare = await client.request(method, path)
            assert bare.status_code == 401, (method, path, bare.text)
            assert "Authorization: Bearer" in bare.json()["description"]
            wrong = await client.request(method, path,
                                         headers={"Authorization": "Bearer not-a-token"})
            assert wrong.status_code == 401, (method, path, wrong.text)
            assert wrong.json()["description"].startswith("the bearer token is not valid")


async def test_background_work_runs_while_serving_and_stops_with_the_service(
        tmp_path: Path) -> None:
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens.json")
    services = running.services
    tasks = [services.rollout_task, services.policy_task]
    try:
        assert all(task is not None and not task.done() for task in tasks)
    finally:
        await running.stop()
    assert all(task is not None and task.cancelled() for task in tasks)
    assert services.rollout_task is None and services.policy_task is None


async def test_a_taken_port_is_refused_in_words_before_anything_runs(tmp_path: Path) -> None:
    """``paalwerk service`` on a port something else listens on: exit 1, saying so."""
    import asyncio
    import os
    import socket
    import sys

    from tests.support import REPO

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "paalwerk", "service", "--port", str(port),
            "--db", f"sqlite:///{tmp_path / 'csms.sqlite'}",
            "--token-file", str(tmp_path / "tokens.json"), cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config")))
        async with asyncio.timeout(60):
            _out, errors = await process.communicate()
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in errors.decode()
