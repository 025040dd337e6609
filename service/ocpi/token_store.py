"""eMSPs' tokens (mod_tokens, our Receiver interface) in storage: the whole OCPI object,
per partner, beside the card register that the poles' answers and local lists come from.

The register (`service.storage.id_tags`) holds the tokens that may be whitelisted
(``ALWAYS``, ``ALLOWED``, ``ALLOWED_OFFLINE``) as ordinary cards, so the existing
Authorize answers and local-list sync serve them; a ``NEVER`` token stays out of it and
is authorised in real time only (`service.ocpi.tokens_auth`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from service.storage.batched_reads import BatchedReads
from service.storage.database import single_reads, storage_errors
from service.storage.models import _time


class OcpiTokenRow(SQLModel, table=True):
    __tablename__ = "ocpi_tokens"

    key: str = Field(primary_key=True, max_length=48)
    """``CC*PID*UID`` upper case: tokens are unique per eMSP, not across eMSPs."""
    uid_key: str = Field(max_length=36, index=True)
    """The uid upper case, as a pole reports it (OCPP compares id tags without case)."""
    partner_id: int = Field(index=True)
    token: str
    """The OCPI Token object as JSON."""
    whitelist: str = Field(max_length=16)
    last_updated: datetime = _time()


class OcpiTokenRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = single_reads(engine)
        table = OcpiTokenRow.__table__  # type: ignore[attr-defined]
        self._whitelists = sa.select(table.c.uid_key, table.c.whitelist).where(
            table.c.uid_key.in_(sa.bindparam("uids", expanding=True))).order_by(
            table.c.last_updated)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def save(self, row: OcpiTokenRow) -> None:
        with storage_errors(self.engine.url), self._session() as session:
            session.merge(row)
            session.commit()

    def get(self, key: str) -> OcpiTokenRow | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(OcpiTokenRow, key)

    def whitelist_of(self, uid: str) -> str | None:
        """The whitelist of the token `by_uid` finds, None if no eMSP's token has this
        uid: one column by a statement built once, no ORM object. Most cards are the
        operator's own, and every transaction's start and stop asks (issue 20: a reconnect
        storm's backlog is thousands of each; the ORM read was 0.4 ms of CPU a time):
        `whitelists_of`'s, for one uid."""
        key = uid.upper()
        return self.whitelists_of([key]).get(key)

    def whitelists_of(self, uid_keys: Sequence[str]) -> dict[str, str]:
        """`whitelist_of` for many upper-case uids in one read, each the newest token's
        (`AsyncOcpiTokenRepository.whitelist_of`); a uid no eMSP holds is left out. Rows
        come oldest first, so a newer token of a uid overwrites an older one."""
        with storage_errors(self.engine.url), self._reads.connect() as connection:
            rows = connection.execute(self._whitelists, {"uids": list(uid_keys)}).all()
        return {str(uid): str(whitelist) for uid, whitelist in rows}

    def by_uid(self, uid: str) -> OcpiTokenRow | None:
        """The newest token with this uid (one eMSP's, normally)."""
        with storage_errors(self.engine.url), Session(self._reads) as session:
            return session.exec(select(OcpiTokenRow).where(
                col(OcpiTokenRow.uid_key) == uid.upper()).order_by(
                col(OcpiTokenRow.last_updated).desc())).first()


class AsyncOcpiTokenRepository:
    def __init__(self, engine: Engine) -> None:
        self.sync = OcpiTokenRepository(engine)
        self._whitelists: BatchedReads[str, str | None] = BatchedReads(
            self.sync.whitelists_of, None)
        """Asked for every card a pole presents or reports: a reconnect storm's backlog
        asks thousands at once, one read for those asked meanwhile (issue 20)."""

    async def save(self, row: OcpiTokenRow) -> None:
        await asyncio.to_thread(self.sync.save, row)

    async def get(self, key: str) -> OcpiTokenRow | None:
        return await asyncio.to_thread(self.sync.get, key)

    async def by_uid(self, uid: str) -> OcpiTokenRow | None:
        return await asyncio.to_thread(self.sync.by_uid, uid)

    async def whitelist_of(self, uid: str) -> str | None:
        """`OcpiTokenRepository.whitelist_of`, read with the other uids asked at the moment.
        """
        return await self._whitelists.get(uid.upper())
