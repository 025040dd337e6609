"""Security events (eis 69 security logging) the service itself sees: every refused or
replaced pole connection and every credential change, where an operator reads it.

They go to the same table as the events poles report with ``SecurityEventNotification``
(``security_events``; ``GET /api/v1/poles/{id}/security-events``, the fleet-wide route and
the live feed), with the service's clock as their moment, so the helpdesk reads one list
per pole. Each is also an audit-log row (actor ``security``): a refusal is part of the
trail of who tried what. Nothing secret is ever part of an event: a refused password is
not repeated, only that it was wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from pole_link.service_api import SecurityEventRecord
from service.storage.models import SecurityEvent as SecurityEventRow
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
ACTOR = "security"
TECH_INFO_LENGTH = 255


class SecurityEvent(StrEnum):
    """The kinds of event the service records; the words are part of the API's contract."""

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
    CERTIFICATE_INSTALLED = "CertificateInstalled"
    CERTIFICATE_DELETED = "CertificateDeleted"
    CERTIFICATE_REFUSED_BY_POLE = "CertificateChangeRefused"
    OPERATOR_REFUSED = "OperatorActionRefused"
    """An operator's request about this pole that their role may not make (issue 17)."""


Publish = Callable[[SecurityEventRecord], None]


class SecurityEvents:
    """Writes the service's own security events through its repository."""

    def __init__(self, repository: AsyncRepository, publish: Publish | None = None) -> None:
        self.repository = repository
        self.publish = publish
        """Sends a stored event on the live feed (set once the hub exists)."""

    async def record(self, pole_id: str, kind: SecurityEvent, detail: str,
                     at: datetime) -> None:
        """Log and store one event; a storage failure is logged, never raised (a refusal
        must still be answered)."""
        LOGGER.warning("%s: %s: %s", pole_id, kind.value, detail)
        try:
            if await self.repository.get_pole(pole_id) is None:
                # A registered pole that never booted: it joins the fleet list, so its
                # events have a pole to belong to.
                await self.repository.upsert_pole(pole_id)
            row = await self.repository.add_security_event(SecurityEventRow(
                pole_id=pole_id, type=kind.value, tech_info=detail[:TECH_INFO_LENGTH],
                timestamp=at, received_at=at))
            await self.repository.audit(ACTOR, f"{kind.value} {pole_id}", detail, at,
                                        pole_id=pole_id, result="recorded")
        except Exception:
            LOGGER.exception("%s: security event not stored", pole_id)
            return
        if self.publish is not None:
            self.publish(SecurityEventRecord(pole_id, row.type, row.tech_info, row.timestamp,
                                             row.received_at, row.id))
