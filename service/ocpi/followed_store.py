"""The sessions an eMSP shapes, in storage (`service.ocpi.active_profiles`, eis 62).

OCPI 2.2.1 asks the CPO to keep telling the eMSP of every change of a session's active
charging profile once it set one; a session runs for hours, a service restarts in
minutes. Without a row the restarted service would forget the session and the eMSP would
stop hearing of the peak or a grid cap lowering it.

One row per followed session: the eMSP (partner), the limit it asked and the party it
routed through. What the eMSP was last told is not kept: after a restart it is told the
limit in force once more (an OCPI PUT of the same profile changes nothing for it).
No foreign keys: a removed partner or a pruned transaction just ends the following.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from service.storage.database import storage_errors


class FollowedRow(SQLModel, table=True):
    __tablename__ = "ocpi_followed_sessions"

    transaction_id: int = Field(primary_key=True)
    partner_id: int
    asked: float | None = None
    """The eMSP's limit (A) at its profile's start; None: not in amperes."""
    to_country: str | None = Field(default=None, max_length=2)
    to_party: str | None = Field(default=None, max_length=3)


class FollowedStore:
    """Short synchronous transactions, awaited through threads (as `TariffStore`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _listed(self) -> list[FollowedRow]:
        with storage_errors(self.engine.url), Session(self.engine,
                                                      expire_on_commit=False) as session:
            return list(session.exec(select(FollowedRow).order_by(
                col(FollowedRow.transaction_id))).all())

    def _save(self, row: FollowedRow) -> None:
        with storage_errors(self.engine.url), Session(self.engine) as session:
            session.merge(row)
            session.commit()

    def _delete(self, transaction_id: int) -> None:
        with storage_errors(self.engine.url), Session(self.engine) as session:
            row = session.get(FollowedRow, transaction_id)
            if row is not None:
                session.delete(row)
                session.commit()

    async def listed(self) -> list[FollowedRow]:
        return await asyncio.to_thread(self._listed)

    async def save(self, row: FollowedRow) -> None:
        await asyncio.to_thread(self._save, row)

    async def delete(self, transaction_id: int) -> None:
        await asyncio.to_thread(self._delete, transaction_id)
