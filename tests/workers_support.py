"""A real ``paalwerk service --workers 2`` for the tests that need several processes.

Why a helper: three tests (TLS, service-token revocation, OSCP) start the same command,
read the same two lines it prints (the admin token, then where it serves) and stop it the
same way; here that lives once, and each test keeps only what it checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import REPO


@dataclass
class Workers:
    """Where the two processes serve, and what they printed."""

    token: str
    port: int
    scheme: str
    """``ws`` or ``wss`` (with TLS)."""
    log: Path
    line: Callable[[], Awaitable[str]]
    """Reads the next line the service prints."""

    @property
    def ocpp_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/ocpp"

    @property
    def base_url(self) -> str:
        return f"{'https' if self.scheme == 'wss' else 'http'}://127.0.0.1:{self.port}"

    def api(self, **options: object) -> httpx.AsyncClient:
        """A new client, so a new connection: either worker may take it."""
        return httpx.AsyncClient(base_url=self.base_url, timeout=30,  # type: ignore[arg-type]
                                 headers={"Authorization": f"Bearer {self.token}"},
                                 **options)


@contextlib.asynccontextmanager
async def two_workers(pg_url: str, tmp_path: Path, *extra: str) -> AsyncIterator[Workers]:
    """The service with two worker processes on ``pg_url``; stopped with SIGTERM at the
    end, which it must survive cleanly (exit status 0)."""
    environment = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [sys.executable, "-m", "paalwerk", "service", "--workers", "2", "--db", pg_url,
               "--port", "0", "--token-file", str(tmp_path / "tokens.json"),
               "--files-dir", str(tmp_path / "files"), *extra]
    log = tmp_path / "service.log"
    with log.open("wb") as errors:
        service = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=errors, cwd=REPO,
            env=environment, start_new_session=True)
    try:
        assert service.stdout is not None

        async def line() -> str:
            text = (await service.stdout.readline()).decode()  # type: ignore[union-attr]
            assert text, f"the service stopped: {log.read_text()}"
            return text

        token = (await line()).rsplit(" ", 1)[-1].strip()
        serving = await line()
        scheme = "wss" if "wss://127.0.0.1:" in serving else "ws"
        assert "2 worker processes" in serving and f"{scheme}://127.0.0.1:" in serving, serving
        port = int(serving.split(f"{scheme}://127.0.0.1:", 1)[1].split("/", 1)[0])
        yield Workers(token, port, scheme, log, line)
    finally:
        service.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await service.wait() == 0, log.read_text()
