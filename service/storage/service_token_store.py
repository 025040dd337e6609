"""Issued service tokens in storage (issue 17, eis 69): who got which, and which are revoked.

The token text itself is never stored (it is shown once, when issued): only its claims,
so the helpdesk can list and revoke tokens, and so a pole that reconnects after a
revocation still hears of it. Apart from `service.storage.repository` like the card
register: one job of its own, synchronous short transactions, awaited through threads.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from service.storage.database import storage_errors
from service.storage.models import _time


class ServiceTokenRow(SQLModel, table=True):
    """One issued token's claims, and its revocation."""

    __tablename__ = "service_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=128)
    role: str = Field(max_length=16)
    poles: str
    """JSON list of pole ids, or ``["*"]``."""
    issued_at: datetime = _time()
    expires_at: datetime = _time(index=True)
    revoked_at: datetime | None = _time(nullable=True)
    revoked_by: str | None = Field(default=None, max_length=128)

    @property
    def pole_list(self) -> list[str]:
        return [str(pole) for pole in json.loads(self.poles)]

    def covers(self, pole_id: str) -> bool:
        poles = self.pole_list
        return "*" in poles or pole_id in poles


class ServiceTokenRepository:
    """Synchronous storage of issued service tokens."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def add(self, row: ServiceTokenRow) -> None:
        with storage_errors(self.engine.url), self._session() as session:
            session.add(row)
            session.commit()

    def get(self, jti: str) -> ServiceTokenRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(ServiceTokenRow, jti)

    def listed(self, since: datetime) -> list[ServiceTokenRow]:
        """Tokens still valid at ``since`` (revoked ones too), newest issued first."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(ServiceTokenRow).where(col(ServiceTokenRow.expires_at) > since)
                .order_by(col(ServiceTokenRow.issued_at).desc(),
                          col(ServiceTokenRow.jti))).all())

    def revoke(self, jti: str, by: str, at: datetime) -> ServiceTokenRow | None:
        """Mark ``jti`` revoked (the first revocation's time and name are kept)."""
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(ServiceTokenRow, jti)
            if row is None:
                return None
            if row.revoked_at is None:
                row.revoked_at, row.revoked_by = at, by
                session.add(row)
                session.commit()
                session.refresh(row)
            return row

    def revoked_for(self, pole_id: str, now: datetime) -> list[str]:
        """Revoked ids a pole must keep refusing: not yet expired, covering ``pole_id``."""
        with storage_errors(self.engine.url), self._session() as session:
            rows = session.exec(
                select(ServiceTokenRow).where(col(ServiceTokenRow.revoked_at).is_not(None),
                                              col(ServiceTokenRow.expires_at) > now)).all()
        return [row.jti for row in rows if row.covers(pole_id)]


class AsyncServiceTokenRepository:
    """`ServiceTokenRepository` for the event loop: the same methods, run in a thread."""

    def __init__(self, engine: Engine) -> None:
        self.sync = ServiceTokenRepository(engine)

    async def add(self, row: ServiceTokenRow) -> None:
        await asyncio.to_thread(self.sync.add, row)

    async def get(self, jti: str) -> ServiceTokenRow | None:
        return await asyncio.to_thread(self.sync.get, jti)

    async def listed(self, since: datetime) -> list[ServiceTokenRow]:
        return await asyncio.to_thread(self.sync.listed, since)

    async def revoke(self, jti: str, by: str, at: datetime) -> ServiceTokenRow | None:
        return await asyncio.to_thread(self.sync.revoke, jti, by, at)

    async def revoked_for(self, pole_id: str, now: datetime) -> Sequence[str]:
        return await asyncio.to_thread(self.sync.revoked_for, pole_id, now)
