"""What a virtual pole tells the outside world, and whom it asks about cards.

The pole knows nothing of OCPP connections; its OCPP side subscribes here. Keeping
these as small protocols lets the service port, the OCPP client and tests observe
the same pole without the pole importing any of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ocpp.v16.enums import ChargePointErrorCode, ChargePointStatus

from pole_link.sim.sockets import EndedTransaction, Socket, Transaction


class PoleObserver(Protocol):
    def transaction_started(self, socket: Socket, transaction: Transaction) -> None:
        """A transaction began (card, remote start); StartTransaction is owed."""

    def transaction_ended(self, socket: Socket, ended: EndedTransaction) -> None:
        """A transaction ended for ``ended.reason``; StopTransaction is owed."""

    def status_changed(self, connector_id: int, status: ChargePointStatus,
                       error_code: ChargePointErrorCode, at: datetime) -> None:
        """A connector's OCPP status changed (connector 0 is the pole itself)."""

    def report(self, message_id: str, data: dict[str, Any], at: datetime) -> None:
        """A vendor report for the CSMS: ``Overrule`` made at the pole, ``LowCurrentVehicle``."""

    def notify(self, action: str, payload: dict[str, Any], at: datetime) -> None:
        """A standard OCPP message for the CSMS (``FirmwareStatusNotification`` of a local
        update), to be queued like a report."""


class CardAuthoriser(Protocol):
    def authorise(self, connector_id: int, id_tag: str) -> None:
        """Ask the CSMS about ``id_tag``; answer later with ``VirtualPole.card_answer``."""

    def trigger(self, message: str, connector_id: int | None) -> bool:
        """Send ``message`` to the CSMS now (TriggerMessage); False if it cannot."""


class MeterSampler(Protocol):
    def sample_now(self, connector_id: int | None) -> bool:
        """Queue a meter reading of ``connector_id`` (all when None) for the CSMS now."""
