"""What we send a Capacity Provider: one POST per message to its OSCP 2.0 base URL, with
its token, a fresh ``X-Request-ID`` and, for an answer to its request, its id as
``X-Correlation-ID``. Failures are logged by endpoint and status, never with the token."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
from pydantic import BaseModel

from service.oscp.partners import Partner

LOGGER = logging.getLogger(__name__)


class SendFailed(Exception):
    """The partner could not be reached or did not answer 2xx."""


class OscpClient:
    def __init__(self, http: httpx.AsyncClient | None = None, timeout_s: float = 10.0) -> None:
        self.http = http or httpx.AsyncClient(timeout=timeout_s)

    async def send(self, partner: Partner, endpoint: str, message: BaseModel, *,
                   base_url: str | None = None, token: str | None = None,
                   correlation_id: str | None = None) -> None:
        url = (base_url or partner.base_url or "").rstrip("/")
        token = token or partner.their_token
        if not url or not token:
            raise SendFailed(f"{partner.name}: not registered: no URL or token to reach it")
        headers: dict[str, Any] = {"Authorization": f"Token {token}",
                                   "Content-Type": "application/json",
                                   "X-Request-ID": uuid.uuid4().hex}
        if correlation_id:
            headers["X-Correlation-ID"] = correlation_id
        try:
            answer = await self.http.post(f"{url}/{endpoint}", headers=headers,
                                          content=message.model_dump_json(exclude_none=True))
        except httpx.HTTPError as exc:
            LOGGER.warning("OSCP %s to %s failed: %s", endpoint, partner.name, type(exc).__name__)
            raise SendFailed(f"{partner.name}: {endpoint}: unreachable") from exc
        if not answer.is_success:
            LOGGER.warning("OSCP %s to %s answered %s", endpoint, partner.name,
                           answer.status_code)
            raise SendFailed(f"{partner.name}: {endpoint}: HTTP {answer.status_code}")

    async def close(self) -> None:
        await self.http.aclose()
