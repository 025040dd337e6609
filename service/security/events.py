"""Security events (eis 69 security logging): every refused or replaced pole connection and
every refused credential change, where an operator reads it.

One function writes them (`SecurityEvents.record`), so the destination can move: for now
rows of the existing ``audit_log`` (actor ``security``, action ``<kind> <pole id>``, the
words in ``detail``), read back per pole by ``GET /api/v1/poles/{id}/security-events``.
A dedicated ``security_events`` table can take over by changing this module only.
Nothing secret is ever part of an event: a refused password is not repeated, only that it
was wrong.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from service.storage.database import storage_errors
from service.storage.models import AuditLog
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
ACTOR = "security"


class SecurityEvent(StrEnum):
    """The kinds of event; the words are part of the API's contract."""

    CREDENTIALS_MISSING = "CredentialsMissing"
    CREDENTIALS_WRONG = "CredentialsWrong"
    TLS_REQUIRED = "TlsRequired"
    CERTIFICATE_REFUSED = "CertificateRefused"
    DECOMMISSIONED = "DecommissionedPole"
    IMPOSTOR_REFUSED = "SecondConnectionRefused"
    CONNECTION_REPLACED = "ConnectionReplaced"
    PROFILE_LOWERING_REFUSED = "ProfileLoweringRefused"
    PROFILE_RAISED = "ProfileRaised"
    KEY_CHANGED = "AuthorizationKeyChanged"
    KEY_CHANGE_REFUSED = "AuthorizationKeyChangeRefused"
    REGISTERED = "PoleRegistered"
    DECOMMISSIONED_BY_OPERATOR = "PoleDecommissioned"


@dataclass(frozen=True)
class RecordedEvent:
    time: datetime
    pole_id: str
    kind: str
    detail: str


class SecurityEvents:
    """Writes and reads security events through the service's repository."""

    def __init__(self, repository: AsyncRepository) -> None:
        self.repository = repository

    async def record(self, pole_id: str, kind: SecurityEvent, detail: str,
                     at: datetime) -> None:
        """Log and store one event; a storage failure is logged, never raised (a refusal
        must still be answered)."""
        LOGGER.warning("%s: %s: %s", pole_id, kind.value, detail)
        try:
            await self.repository.audit(ACTOR, f"{kind.value} {pole_id}", detail, at)
        except Exception:
            LOGGER.exception("%s: security event not stored", pole_id)

    async def of_pole(self, pole_id: str, limit: int = 200) -> list[RecordedEvent]:
        """The pole's newest events, newest first."""

        return await asyncio.to_thread(self._of_pole, pole_id, limit)

    def _of_pole(self, pole_id: str, limit: int) -> list[RecordedEvent]:
        engine = self.repository.sync.engine
        escaped = pole_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (select(AuditLog).where(AuditLog.actor == ACTOR,
                                        col(AuditLog.action).like(f"% {escaped}", escape="\\"))
                 .order_by(sa.desc(col(AuditLog.id))).limit(limit))
        with storage_errors(engine.url), Session(engine) as session:
            rows = session.exec(query).all()
            return [RecordedEvent(row.time, pole_id, row.action.rsplit(" ", 1)[0], row.detail)
                    for row in rows if row.action.rsplit(" ", 1)[-1] == pole_id]
