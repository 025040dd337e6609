"""The driver's overrule of the peak limit (eis 28, 29): one step for every way to ask.

The phone page and the operator API both ask the pole to lift the limit for the running
transaction and, only once the pole confirms, store the overrule with that transaction —
the compliance report (eis 25) counts exactly what is stored here, so an unconfirmed
request must never be counted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pole_link.errors import PoleLinkError
from pole_link.protocol.vendor import VendorMessage, data_transfer_payload
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

OVERRULE_TIMEOUT_S = 15.0
Outcome = Literal["Accepted", "AlreadyOverruled", "NoTransaction", "PoleOffline",
                  "NotConfirmed"]


@dataclass(frozen=True)
class OverruleResult:
    outcome: Outcome
    transaction_id: int | None = None
    detail: str = ""


async def running_transaction(repository: AsyncRepository, pole_id: str,
                              connector_id: int) -> Any:
    """The newest unfinished transaction on the socket, or None."""
    running = [t for t in await repository.running_transactions(pole_id)
               if t.connector_id == connector_id]
    return running[-1] if running else None


async def overrule(connections: Any, repository: AsyncRepository, pole_id: str,
                   connector_id: int, source: str, *,
                   transaction_id: int | None = None) -> OverruleResult:
    """Ask the pole, and store the overrule with the transaction once it confirms."""
    transaction = await running_transaction(repository, pole_id, connector_id)
    if transaction is None or (transaction_id is not None and transaction.id != transaction_id):
        which = f"transaction {transaction_id}" if transaction_id else "transaction"
        return OverruleResult("NoTransaction", transaction_id,
                              f"no running {which} on socket {connector_id}")
    if transaction.overruled_at is not None:
        return OverruleResult("AlreadyOverruled", transaction.id)
    handler = connections.get(pole_id)
    if handler is None:
        return OverruleResult("PoleOffline", transaction.id,
                              f"pole {pole_id} is not connected to this service")
    payload = data_transfer_payload(VendorMessage.OVERRULE, {
        "connectorId": connector_id, "transactionId": transaction.id, "source": source})
    try:
        answer = await handler.call_action("DataTransfer", payload, timeout=OVERRULE_TIMEOUT_S)
        status = json.loads(answer.get("data") or "{}").get("status")
    except (PoleLinkError, ValueError) as exc:
        LOGGER.warning("%s: overrule failed: %s", pole_id, exc)
        return OverruleResult("NotConfirmed", transaction.id, str(exc))
    if status != "Accepted":
        return OverruleResult("NotConfirmed", transaction.id, f"the pole answered {status}")
    await repository.mark_overrule(transaction.id, datetime.now(UTC), source)
    return OverruleResult("Accepted", transaction.id)
