"""The baseline: the ``ocpp`` library's own example central system, without storage.

A faithful copy of ``examples/v16/central_system.py`` from mobilityhouse/ocpp (a
``ChargePoint`` subclass with ``@on`` handlers, served by ``websockets.serve`` with
the ``ocpp1.6`` subprotocol), brought to the current library and ``websockets``
APIs (non-deprecated ``call_result`` names, one-argument connection handler) and
with Heartbeat and StatusNotification handlers added so it answers the same
traffic as the CSMS. The example's ``logging.basicConfig(level=INFO)`` is left out:
the library would then log every message to the terminal, which measures the
terminal rather than the central system (and would only make the baseline slower).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint as cp  # noqa: N813 (as in the example)
from ocpp.v16 import call_result
from ocpp.v16.enums import Action, AuthorizationStatus, RegistrationStatus, RemoteStartStopStatus

_transactions = 0


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ChargePoint(cp):  # type: ignore[misc]
    @on(Action.boot_notification)
    def on_boot_notification(self, charge_point_vendor: str, charge_point_model: str,
                             **kwargs: Any) -> call_result.BootNotification:
        return call_result.BootNotification(
            current_time=_now(),
            interval=10,
            status=RegistrationStatus.accepted,
        )

    @on(Action.authorize)
    def on_authorize(self, id_tag: str) -> call_result.Authorize:
        return call_result.Authorize(
            id_tag_info={"status": AuthorizationStatus.accepted, "parentIdTag": id_tag})

    @on(Action.remote_start_transaction)
    def on_remote_start_transaction(self, id_tag: str, **kwargs: Any
                                    ) -> call_result.RemoteStartTransaction:
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_end_transaction(self, transaction_id: int
                                  ) -> call_result.RemoteStopTransaction:
        return call_result.RemoteStopTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.meter_values)
    def on_meter_values(self, connector_id: int, **kwargs: Any) -> call_result.MeterValues:
        return call_result.MeterValues()

    # Added for the benchmark: the same traffic as the CSMS gets must be answered.
    @on(Action.heartbeat)
    def on_heartbeat(self) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=_now())

    # Added for the storm benchmark: a reconnecting pole's queued transactions.
    @on(Action.start_transaction)
    def on_start_transaction(self, connector_id: int, id_tag: str, meter_start: int,
                             timestamp: str, **kwargs: Any) -> call_result.StartTransaction:
        global _transactions
        _transactions += 1
        return call_result.StartTransaction(
            transaction_id=_transactions, id_tag_info={"status": AuthorizationStatus.accepted})

    @on(Action.stop_transaction)
    def on_stop_transaction(self, meter_stop: int, timestamp: str, transaction_id: int,
                            **kwargs: Any) -> call_result.StopTransaction:
        return call_result.StopTransaction()

    @on(Action.status_notification)
    def on_status_notification(self, connector_id: int, error_code: str, status: str,
                               **kwargs: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()


async def on_connect(websocket: Any) -> None:
    """For every new charge point that connects, create a ChargePoint and listen."""
    try:
        requested_protocols = websocket.request.headers["Sec-WebSocket-Protocol"]
    except KeyError:
        logging.error("Client hasn't requested any Subprotocol. Closing Connection")
        return await websocket.close()  # type: ignore[no-any-return]
    if not websocket.subprotocol:
        logging.warning("Protocols Mismatched | client supports %s | Closing connection",
                        requested_protocols)
        return await websocket.close()  # type: ignore[no-any-return]
    charge_point_id = websocket.request.path.strip("/")
    charge_point = ChargePoint(charge_point_id, websocket)
    with contextlib.suppress(websockets.ConnectionClosed):
        await charge_point.start()


async def serve(host: str = "127.0.0.1", port: int = 0, backlog: int = 100) -> Any:
    """Start serving; the caller keeps the returned server and reads its port.

    ``backlog`` is the listen queue (the example leaves asyncio's default, 100); the
    benchmark gives it the same as our service's so a reconnect storm meets equal queues.
    ``websockets.serve`` passes it on to the event loop's ``create_server``."""
    return await websockets.serve(on_connect, host, port, subprotocols=["ocpp1.6"],
                                  backlog=backlog)
