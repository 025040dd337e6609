"""Reading and changing log requests (the ``log_requests`` table, OCPP ``GetLog``).

The row is made before ``GetLog`` goes out, so its id can be the ``requestId`` and a
``LogStatusNotification`` that beats the answer home still finds it. Statuses only move
forward in the order they arrive; each is also appended to ``history`` so the helpdesk
sees how the upload went (``Accepted,Uploading,Uploaded``).
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from service.security.models import LogRequest
from service.storage.database import storage_errors
from service.storage.repository import Repository


class LogRequests:
    """Synchronous access; the event loop uses the ``a…`` methods (run in a thread)."""

    def __init__(self, repository: Repository) -> None:
        self.engine: Engine = repository.engine
        self._lock = threading.Lock()

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def requested(self, pole_id: str, log_type: str, oldest: datetime | None,
                  latest: datetime | None, at: datetime) -> int:
        """A GetLog about to be sent; returns its id (the requestId)."""
        with storage_errors(self.engine.url), self._session() as session:
            row = LogRequest(pole_id=pole_id, log_type=log_type, oldest=oldest,
                             latest=latest, requested_at=at, status="Requested",
                             status_at=at, history="Requested")
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def update(self, request_id: int, status: str, at: datetime, *,
               pole_id: str | None = None, file_name: str | None = None,
               answer: bool = False) -> bool:
        """A new status (``answer``: the pole's GetLog answer; otherwise a
        LogStatusNotification from ``pole_id``, which must be the pole asked); False when
        there is no such request. The pole starts uploading once its answer is on the
        wire, so its first notification may be stored before the answer: the answer then
        takes its place after ``Requested`` and does not hide the newer status. A
        notification of the status the request already has is the pole resending one
        whose answer it lost (issue 20): kept once."""
        with self._lock, storage_errors(self.engine.url), self._session() as session:
            # The answer and the first notification race: one at a time in this process,
            # and a row lock for the other processes of a cluster (PostgreSQL).
            row = session.get(LogRequest, request_id, with_for_update=True)
            if row is None or (pole_id is not None and row.pole_id != pole_id):
                return False
            history = row.history.split(",") if row.history else []
            if not answer and status == row.status:
                return True  # the same notification resent after a lost answer (issue 20)
            if answer and row.status not in ("Requested", "NotSent"):
                history.insert(1 if history[:1] == ["Requested"] else 0, status)
            else:
                history.append(status)
                row.status, row.status_at = status, at
            row.history = ",".join(history)
            if file_name is not None:
                row.file_name = file_name
            session.add(row)
            session.commit()
            return True

    def get(self, request_id: int) -> LogRequest | None:
        with storage_errors(self.engine.url), self._session() as session:
            return session.get(LogRequest, request_id)

    def of_pole(self, pole_id: str, limit: int = 50) -> list[LogRequest]:
        """The pole's log requests, newest first."""
        with storage_errors(self.engine.url), self._session() as session:
            return list(session.exec(
                select(LogRequest).where(LogRequest.pole_id == pole_id)
                .order_by(col(LogRequest.id).desc()).limit(limit)).all())

    async def arequested(self, pole_id: str, log_type: str, oldest: datetime | None,
                         latest: datetime | None, at: datetime) -> int:
        return await asyncio.to_thread(self.requested, pole_id, log_type, oldest, latest, at)

    async def aupdate(self, request_id: int, status: str, at: datetime, *,
                      pole_id: str | None = None, file_name: str | None = None,
                      answer: bool = False) -> bool:
        return await asyncio.to_thread(self.update, request_id, status, at, pole_id=pole_id,
                                       file_name=file_name, answer=answer)

    async def aget(self, request_id: int) -> LogRequest | None:
        return await asyncio.to_thread(self.get, request_id)

    async def aof_pole(self, pole_id: str, limit: int = 50) -> list[LogRequest]:
        return await asyncio.to_thread(self.of_pole, pole_id, limit)
