"""The one client of the service's operator API (``/api/v1``) and its live feed.

Why one module: the operator API is a contract between two programs, and every place
that spoke it by hand (the ``csms`` transport, the Fleet, the message log, the demo)
parsed the same JSON its own way. Here each reply and each live event becomes a typed
value once, with the service's refusals mapped onto `pole_link.errors` the way a link's
own errors are: 409 (pole not connected) is `LinkLost`, 504 is `LinkTimeout`, 502 is
a `CallError` with the pole's OCPP code, a refused token is `NotAuthorised`, an
unreachable service `ConnectError`.

The live events are dataclasses with ``to_json``/`parse_event`; the service's event
builders (``service/live/events.py``) build the same dataclasses, so both ends of the
feed hold to one definition and a test round-trips every kind.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, ClassVar, Literal
from urllib.parse import quote

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from pole_link.errors import (
    CallError,
    ConnectError,
    LinkLost,
    LinkTimeout,
    NotAuthorised,
    PoleLinkError,
)
from pole_link.live import LiveSample
from pole_link.service_accounts import AccountRequests
from pole_link.service_cards import CardRequests
from pole_link.service_ocpi import OcpiRequests
from pole_link.service_oscp import OscpRequests
from pole_link.service_outages import OutageRequests
from pole_link.service_reports import ReportRequests
from pole_link.service_tariffs import TariffRequests
from pole_link.service_token_requests import ServiceTokenRequests
from pole_link.service_values import json_float as _float
from pole_link.service_values import json_int as _int
from pole_link.service_values import json_records as _records
from pole_link.service_values import json_str as _str
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time, parse_time

__all__ = [
    "CertificateRecord",
    "CommissioningReportRecord",
    "ConnectionEvent",
    "ConnectionRecord",
    "ConnectorRecord",
    "EndReason",
    "FirmwarePackageRecord",
    "LiveEvent",
    "LiveFeed",
    "LogRequestRecord",
    "MessageRecord",
    "MeterValuesEvent",
    "PoleRecord",
    "RolloutEvent",
    "RolloutPoleEvent",
    "SecurityEventRecord",
    "SecurityEventReported",
    "ServiceClient",
    "ServiceEndpoint",
    "ServiceEvent",
    "ServiceRefused",
    "StatusEvent",
    "TechnicianKeyRecord",
    "TransactionEvent",
    "TransactionRecord",
    "WatchingEvent",
    "parse_event",
]

CONNECT_TIMEOUT_S = 10.0
"""Reaching the service (TCP, TLS, the feed's handshake)."""
READ_TIMEOUT_S = 60.0
"""A read of storage: a large fleet's listing with uptime takes seconds."""
HTTP_MARGIN_S = 5.0
NAMED_ROUTES: dict[str, tuple[str, str, frozenset[str]]] = {
    "Reset": ("POST", "/reset", frozenset({"type"})),
    "UnlockConnector": ("POST", "/unlock", frozenset({"connectorId"})),
    "RemoteStartTransaction": ("POST", "/remote-start", frozenset({"connectorId", "idTag"})),
    "RemoteStopTransaction": ("POST", "/remote-stop", frozenset({"transactionId"})),
    "ChangeAvailability": ("POST", "/availability", frozenset({"connectorId", "type"})),
    "ChangeConfiguration": ("PUT", "/configuration", frozenset({"key", "value"})),
    "GetConfiguration": ("GET", "/configuration", frozenset({"key"})),
    "GetCompositeSchedule": ("GET", "/composite-schedule",
                             frozenset({"connectorId", "duration", "chargingRateUnit"})),
    "TriggerMessage": ("POST", "/trigger", frozenset({"requestedMessage", "connectorId"})),
    "SetChargingProfile": ("POST", "/charging-profiles",
                           frozenset({"connectorId", "csChargingProfiles"})),
    "ClearChargingProfile": ("POST", "/charging-profiles/clear",
                             frozenset({"id", "connectorId", "chargingProfilePurpose",
                                        "stackLevel"})),
}
"""OCPP actions with a route of their own (method, path under the pole, the payload fields
it takes); `ServiceClient.send` uses it, so each is checked against its own least role."""
"""A pole call may take its full timeout at the service; HTTP waits this much longer."""
FEED_MAX_BYTES = 2**22


@dataclass(frozen=True)
class ServiceEndpoint:
    """A running ``paalwerk service``: its base URL and an operator API token."""

    url: str
    """e.g. ``http://127.0.0.1:8180`` (no path)."""
    token: str

    @property
    def api(self) -> str:
        return self.url.rstrip("/") + "/api/v1"

    @property
    def live_url(self) -> str:
        base = self.api
        scheme = "wss" if base.startswith("https:") else "ws"
        return scheme + base[base.index(":"):] + "/live"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @classmethod
    def from_env(cls) -> ServiceEndpoint | None:
        """``PAALWERK_SERVICE_URL`` + ``PAALWERK_SERVICE_TOKEN``, when both are set."""
        url = os.environ.get("PAALWERK_SERVICE_URL")
        token = os.environ.get("PAALWERK_SERVICE_TOKEN")
        return cls(url, token) if url and token else None


# ---------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class ConnectorRecord:
    """One connector as storage last knew it (0 = the pole as a whole)."""

    connector_id: int
    status: str
    error_code: str = "NoError"
    since: datetime | None = None
    transaction_id: int | None = None
    transaction_started: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ConnectorRecord:
        connector_id = _int(item.get("connector_id"))
        if connector_id is None:
            raise ValueError(f"a connector without a connector_id: {dict(item)!r}")
        return cls(connector_id, str(item.get("status") or "Unknown"),
                   str(item.get("error_code") or "NoError"), _time(item.get("since")),
                   _int(item.get("transaction_id")), _time(item.get("transaction_started")))


@dataclass(frozen=True, slots=True)
class PoleRecord:
    """A pole as ``GET /api/v1/poles`` lists it."""

    id: str
    connected: bool = False
    vendor: str = ""
    model: str = ""
    serial: str = ""
    firmware: str = ""
    last_seen: datetime | None = None
    auto_registered: bool = False
    grid_operator: str = ""
    connection_size: str = ""
    connectors: tuple[ConnectorRecord, ...] = ()
    uptime_percent: float | None = None
    clock_offset_s: float | None = None
    clock_checked_at: datetime | None = None
    registered: bool = False
    """In the service's pole register (issue 16), not only auto-registered by a boot."""
    security_profile: int = 0
    """OCPP security profile 0–3 the register holds for it (0 when not registered)."""
    service_restarted: datetime | None = None
    """When the service last came back after being down (None: never down, or an older
    service that does not say)."""
    reconnecting_until: datetime | None = None
    """Connected when the service stopped: reconnecting, not offline, until this moment."""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> PoleRecord:
        """One element of the listing; `ValueError` when it has no id. Missing fields stay
        unknown, connectors that make no sense are left out."""
        if not item.get("id"):
            raise ValueError(f"a pole without an id: {dict(item)!r}")
        connectors = []
        for connector in item.get("connectors") or ():
            with contextlib.suppress(ValueError, AttributeError):
                connectors.append(ConnectorRecord.from_json(connector))
        return cls(
            id=str(item["id"]), connected=bool(item.get("connected")),
            vendor=str(item.get("vendor") or ""), model=str(item.get("model") or ""),
            serial=str(item.get("serial") or ""), firmware=str(item.get("firmware") or ""),
            last_seen=_time(item.get("last_seen")),
            auto_registered=bool(item.get("auto_registered")),
            grid_operator=str(item.get("grid_operator") or ""),
            connection_size=str(item.get("connection_size") or ""),
            connectors=tuple(connectors),
            uptime_percent=_float(item.get("uptime_percent")),
            clock_offset_s=_float(item.get("clock_offset_s")),
            clock_checked_at=_time(item.get("clock_checked_at")),
            registered=bool(item.get("registered")),
            security_profile=_int(item.get("security_profile")) or 0,
            service_restarted=_time(item.get("service_restarted")),
            reconnecting_until=_time(item.get("reconnecting_until")))

    @property
    def sockets(self) -> tuple[ConnectorRecord, ...]:
        """The charging sockets (connector 0 is the pole)."""
        return tuple(c for c in self.connectors if c.connector_id > 0)


class EndReason(StrEnum):
    """How a pole's OCPP connection ended, as the service stores and reports it."""

    CLOSED = "closed"
    """The pole closed the connection with a proper goodbye (code 1000/1001)."""
    DROPPED = "dropped"
    """The connection broke without a goodbye: network or power lost at the pole."""
    SILENT = "silent"
    """Nothing arrived for longer than missed heartbeats allow; the service hung up."""
    SERVICE_STOPPED = "service-stopped"
    """The service stopped (or crashed) while the pole was connected."""


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """One OCPP connection session of a pole: from its boot to its end (None: still on)."""

    started: datetime
    ended: datetime | None = None
    end_reason: EndReason | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ConnectionRecord:
        started = _time(item.get("started"))
        if started is None:
            raise ValueError(f"a connection session without a start: {dict(item)!r}")
        reason = str(item.get("end_reason") or "")
        known = reason in EndReason._value2member_map_
        return cls(started, _time(item.get("ended")), EndReason(reason) if known else None)


@dataclass(frozen=True, slots=True)
class PoleSecurityRecord:
    """A pole's place in the register (issue 16): its profile, never its password."""

    pole_id: str
    security_profile: int
    has_password: bool
    key_change_pending: bool
    registered_at: datetime | None
    decommissioned_at: datetime | None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> PoleSecurityRecord:
        profile = _int(item.get("securityProfile"))
        if not item.get("id") or profile is None:
            raise ValueError(f"an incomplete register entry: {dict(item)!r}")
        return cls(str(item["id"]), profile, bool(item.get("hasPassword")),
                   bool(item.get("keyChangePending")), _time(item.get("registeredAt")),
                   _time(item.get("decommissionedAt")))


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """A root certificate installed on a pole, as GetInstalledCertificateIds names it."""

    certificate_type: str
    """``CentralSystemRootCertificate`` or ``ManufacturerRootCertificate``."""
    serial_number: str
    issuer_name_hash: str
    issuer_key_hash: str
    hash_algorithm: str = "SHA256"

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> CertificateRecord:
        return cls(str(item["certificateType"]), str(item["serialNumber"]),
                   str(item["issuerNameHash"]), str(item["issuerKeyHash"]),
                   str(item.get("hashAlgorithm", "SHA256")))


@dataclass(frozen=True, slots=True)
class LogRequestRecord:
    """One GetLog the service sent a pole, and how its upload went."""

    request_id: int
    log_type: str
    status: str
    """The newest: Requested, NotSent, the pole's answer, then LogStatusNotification's."""
    statuses: tuple[str, ...]
    """Every status so far, oldest first."""
    status_at: datetime | None
    requested_at: datetime | None
    file_name: str | None
    uploaded: bool
    """The file is at the service (`ServiceClient.download_log`)."""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> LogRequestRecord:
        request_id = _int(item.get("requestId"))
        if request_id is None:
            raise ValueError(f"a log request without requestId: {dict(item)!r}")
        return cls(request_id, str(item.get("logType")), str(item.get("status")),
                   tuple(str(s) for s in item.get("statuses") or ()),
                   _time(item.get("statusAt")), _time(item.get("requestedAt")),
                   item.get("fileName"), bool(item.get("download")))


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """One charging transaction as the service stored it."""

    id: int
    connector_id: int
    id_tag: str
    started: datetime
    stopped: datetime | None = None
    energy_wh: float | None = None
    stop_reason: str | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> TransactionRecord:
        transaction_id, connector = _int(item.get("id")), _int(item.get("connector_id"))
        started = _time(item.get("started"))
        if transaction_id is None or connector is None or started is None:
            raise ValueError(f"an incomplete transaction: {dict(item)!r}")
        meter_start, meter_stop = _float(item.get("meter_start")), _float(item.get("meter_stop"))
        energy = (meter_stop - meter_start if meter_start is not None and meter_stop is not None
                  else None)
        return cls(transaction_id, connector, str(item.get("id_tag") or ""), started,
                   _time(item.get("stopped")), energy,
                   str(item["stop_reason"]) if item.get("stop_reason") else None)


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One OCPP message of a pole's log, newest first in `ServiceClient.messages`."""

    time: datetime | None
    direction: str
    action: str
    unique_id: str
    payload: Any
    latency_ms: float | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> MessageRecord:
        return cls(_time(item.get("time") or item.get("timestamp")),
                   str(item.get("direction") or ""), str(item.get("action") or ""),
                   str(item.get("unique_id") or ""), item.get("payload"),
                   _float(item.get("latency_ms")))


@dataclass(frozen=True, slots=True)
class FirmwarePackageRecord:
    """A signed firmware package the service verified and keeps (``/firmware/packages``).

    ``sha256`` is the image's (the manifest's, which the signature covers): give it as
    ``firmware`` to ``POST …/update-firmware`` to send the image to a pole over OCPP.
    """

    sha256: str
    version: str
    models: tuple[str, ...] = ()
    """The pole models it fits; empty: every model."""
    size: int = 0
    """The image's size in bytes."""
    signer: str = ""
    """The signing certificate's subject."""
    root: str = ""
    """The trusted manufacturer root that issued the signing certificate."""
    uploaded_at: datetime | None = None
    location: str | None = None
    """Where poles fetch the image (no token needed); None once the image was deleted."""

    def fits(self, model: str) -> bool:
        return not self.models or model in self.models

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> FirmwarePackageRecord:
        sha256, version = item.get("sha256"), item.get("version")
        if not isinstance(sha256, str) or not sha256 or not isinstance(version, str):
            raise ValueError(f"a firmware package without sha256 or version: {dict(item)!r}")
        models = item.get("models") or ()
        location = item.get("location")
        return cls(sha256, version,
                   tuple(str(m) for m in models) if isinstance(models, list) else (),
                   _int(item.get("size")) or 0, str(item.get("signer") or ""),
                   str(item.get("root") or ""), _time(item.get("uploaded_at")),
                   location if isinstance(location, str) and location else None)


@dataclass(frozen=True, slots=True)
class FirmwareUpdateSent:
    """What ``POST …/update-firmware`` did with one pole (`ServiceClient.update_firmware`)."""

    update_id: int
    """The update in ``…/firmware-updates``; also the ``requestId`` of a signed one."""
    action: str
    """``SignedUpdateFirmware`` (a signed package's image) or ``UpdateFirmware``."""
    signed: bool
    """False: the pole got the image without a signature to check (``note`` says why)."""
    status: str | None
    """The pole's answer (``Accepted``, ``InvalidCertificate``, …); None for
    ``UpdateFirmware``, whose answer has no status."""
    refused: str | None
    """Why the pole refused the signed update, in words; None when it took it."""
    note: str | None
    location: str
    retrieve_date: datetime | None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> FirmwareUpdateSent:
        result = item.get("result")
        status = result.get("status") if isinstance(result, Mapping) else None
        update_id, action, location = (_int(item.get("updateId")), _str(item.get("action")),
                                       _str(item.get("location")))
        if update_id is None or action is None or location is None:
            raise ValueError(f"a firmware update answer without updateId, action or "
                             f"location: {dict(item)!r}")
        return cls(update_id=update_id, action=action, signed=item.get("signed") is True,
                   status=_str(status), refused=_str(item.get("refused")),
                   note=_str(item.get("note")), location=location,
                   retrieve_date=_time(item.get("retrieveDate")))


@dataclass(frozen=True, slots=True)
class RolloutRequest:
    """A firmware rollout to ask for (``POST /firmware/rollouts``): one accepted package
    to the poles named in ``pole_ids`` (default: every pole), narrowed by
    ``version_below`` (only poles running an older version)."""

    sha256: str
    pole_ids: tuple[str, ...] | None = None
    version_below: str | None = None
    concurrency: int = 1
    """At most this many poles updating at once."""
    window: tuple[str, str] | None = None
    """``("02:00", "05:00")``: poles are only started then (Europe/Amsterdam)."""
    avoid_peak: bool = True
    """Never start a pole in the 17:00–21:00 evening peak."""
    halt_after_failures: int | None = None
    halt_after_percent: float | None = None
    offline_limit_s: int = 86400
    """A pending pole offline longer than this fails (``offline too long``)."""
    step_timeout_s: int = 3600
    """A sent pole that makes no progress this long fails (``timeout``)."""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sha256": self.sha256, "concurrency": self.concurrency,
            "avoid_peak": self.avoid_peak, "offline_limit_s": self.offline_limit_s,
            "step_timeout_s": self.step_timeout_s}
        if self.pole_ids is not None:
            body["pole_ids"] = list(self.pole_ids)
        if self.version_below is not None:
            body["version_below"] = self.version_below
        if self.window is not None:
            body["window_start"], body["window_end"] = self.window
        if self.halt_after_failures is not None:
            body["halt_after_failures"] = self.halt_after_failures
        if self.halt_after_percent is not None:
            body["halt_after_percent"] = self.halt_after_percent
        return body


@dataclass(frozen=True, slots=True)
class RolloutPoleRecord:
    """One pole of a rollout: ``state`` is ``pending``, ``sending`` (UpdateFirmware on its
    way), ``sent`` (accepted), ``Downloading``,
    ``Downloaded``, ``Installing``, ``Installed`` (it booted the release), ``failed``
    (``reason`` says why) or ``cancelled``."""

    pole_id: str
    state: str
    reason: str | None = None
    reported: str | None = None
    """The pole's last FirmwareStatusNotification in this rollout."""
    from_version: str | None = None
    sent_at: datetime | None = None
    updated_at: datetime | None = None
    """When it reached ``state`` (the service's time; a `RolloutPoleEvent`'s ``at``)."""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> RolloutPoleRecord:
        return cls(str(item["pole_id"]), str(item["state"]), _str(item.get("reason")),
                   _str(item.get("reported")), _str(item.get("from_version")),
                   _time(item.get("sent_at")), _time(item.get("updated_at")))


@dataclass(frozen=True, slots=True)
class RolloutRecord:
    """A firmware rollout (``/firmware/rollouts``); ``state`` is ``running``, ``paused``,
    ``halted`` (too many failures; ``reason`` says how many), ``cancelled`` or
    ``finished``. ``poles`` is empty in a listing (``counts`` has the numbers)."""

    id: int
    sha256: str
    version: str
    state: str
    reason: str | None = None
    concurrency: int = 1
    counts: Mapping[str, int] = field(default_factory=dict)
    poles: tuple[RolloutPoleRecord, ...] = ()
    created_at: datetime | None = None
    window: tuple[str, str] | None = None
    avoid_peak: bool = True
    halt_after_failures: int | None = None
    halt_after_percent: float | None = None
    offline_limit_s: int | None = None
    step_timeout_s: int | None = None
    updated_at: datetime | None = None

    def pole(self, pole_id: str) -> RolloutPoleRecord:
        return next(pole for pole in self.poles if pole.pole_id == pole_id)

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> RolloutRecord:
        counts = item.get("counts") or {}
        return cls(int(item["id"]), str(item["sha256"]), str(item["version"]),
                   str(item["state"]), _str(item.get("reason")),
                   _int(item.get("concurrency")) or 1,
                   {str(k): int(v) for k, v in counts.items()} if isinstance(counts, dict)
                   else {},
                   tuple(_records(item.get("poles") or [], RolloutPoleRecord.from_json)),
                   _time(item.get("created_at")), _window(item),
                   item.get("avoid_peak") is not False, _int(item.get("halt_after_failures")),
                   _float(item.get("halt_after_percent")), _int(item.get("offline_limit_s")),
                   _int(item.get("step_timeout_s")), _time(item.get("updated_at")))


@dataclass(frozen=True, slots=True)
class TechnicianKeyRecord:
    """A technician's public signing key registered with the service (issue 15)."""

    technician: str
    public_key: str
    """Base64 of the 32-byte Ed25519 public key."""
    fingerprint: str
    registered_at: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> TechnicianKeyRecord:
        technician, key = item.get("technician"), item.get("public_key")
        if not isinstance(technician, str) or not isinstance(key, str):
            raise ValueError(f"a technician key without technician or key: {dict(item)!r}")
        return cls(technician, key, str(item.get("fingerprint") or ""),
                   _time(item.get("registered_at")))


@dataclass(frozen=True, slots=True)
class CommissioningReportRecord:
    """A signed commissioning report the service verified and keeps (issue 15)."""

    run_id: str
    pole_id: str
    checklist: str = ""
    checklist_version: str = ""
    technician: str = ""
    fingerprint: str = ""
    """Of the key that signed it."""
    started: datetime | None = None
    finished: datetime | None = None
    passed: bool = False
    uploaded_at: datetime | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> CommissioningReportRecord:
        run_id, pole_id = item.get("run_id"), item.get("pole_id")
        if not isinstance(run_id, str) or not isinstance(pole_id, str):
            raise ValueError(f"a commissioning report without run_id or pole_id: "
                             f"{dict(item)!r}")
        return cls(run_id, pole_id, str(item.get("checklist") or ""),
                   str(item.get("checklist_version") or ""),
                   str(item.get("technician") or ""), str(item.get("fingerprint") or ""),
                   _time(item.get("started")), _time(item.get("finished")),
                   item.get("passed") is True, _time(item.get("uploaded_at")))


def _window(item: Mapping[str, Any]) -> tuple[str, str] | None:
    start, end = item.get("window_start"), item.get("window_end")
    return (start, end) if isinstance(start, str) and isinstance(end, str) else None


@dataclass(frozen=True, slots=True)
class SecurityEventRecord:
    """A pole's ``SecurityEventNotification`` as the service stored it (eis 69 security
    logging): ``/poles/{id}/security-events``, ``/security-events`` and, as it arrives,
    the live feed (`SecurityEventReported`).

    ``type`` is the pole's word (``InvalidFirmwareSignature``, ``FirmwareUpdated``,
    ``FirmwareRollback``, …: an open set, poles and later versions add types);
    ``timestamp`` is when it happened by the pole's clock, ``received_at`` when the
    service stored it (an event queued while the pole was offline arrives late).
    """

    pole_id: str
    type: str
    tech_info: str | None
    timestamp: datetime
    received_at: datetime
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "pole_id": self.pole_id, "type": self.type,
                "tech_info": self.tech_info, "timestamp": format_time(self.timestamp),
                "received_at": format_time(self.received_at)}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> SecurityEventRecord:
        timestamp, received = _time(item.get("timestamp")), _time(item.get("received_at"))
        pole_id, kind = _str(item.get("pole_id")), _str(item.get("type"))
        if timestamp is None or received is None or pole_id is None or kind is None:
            raise ValueError(f"a security event needs pole_id, type, timestamp and "
                             f"received_at: {dict(item)!r}")
        return cls(pole_id, kind, _str(item.get("tech_info")), timestamp, received,
                   _int(item.get("id")))


# ---------------------------------------------------------------------- live events
@dataclass(frozen=True, slots=True)
class ConnectionEvent:
    """A pole connected to the service (after its accepted boot) or left it."""

    kind: ClassVar[str] = "connection"
    pole_id: str
    connected: bool
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "connected": self.connected,
                "at": format_time(self.at)}


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A StatusNotification, stored; `at` is the pole's timestamp."""

    kind: ClassVar[str] = "status"
    pole_id: str
    connector_id: int
    status: str
    error_code: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "connectorId": self.connector_id,
                "status": self.status, "errorCode": self.error_code,
                "at": format_time(self.at)}


@dataclass(frozen=True, slots=True)
class TransactionEvent:
    """A transaction started or stopped (the connector of a stop may be unknown)."""

    kind: ClassVar[str] = "transaction"
    pole_id: str
    event: Literal["started", "stopped"]
    connector_id: int | None
    transaction_id: int
    at: datetime
    meter_wh: int

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "event": self.event, "poleId": self.pole_id,
                "connectorId": self.connector_id, "transactionId": self.transaction_id,
                "at": format_time(self.at), "meterWh": self.meter_wh}


@dataclass(frozen=True, slots=True)
class MeterValuesEvent:
    """The newest sample of a MeterValues message, with power and energy worked out.

    `at` is the pole's timestamp as it sent it (text: the service passes it on as is);
    `meter_value` the OCPP ``meterValue`` list of that one sample, camelCase.
    """

    kind: ClassVar[str] = "meterValues"
    pole_id: str
    connector_id: int
    transaction_id: int | None
    at: str | None
    power_w: float | None
    energy_wh: float | None
    meter_value: list[dict[str, Any]] = field(default_factory=list)

    @property
    def time(self) -> datetime | None:
        try:
            return _time(self.at)
        except ValueError:
            return None

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "connectorId": self.connector_id,
                "transactionId": self.transaction_id, "at": self.at, "powerW": self.power_w,
                "energyWh": self.energy_wh, "meterValue": self.meter_value}


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """A pole's own ``Live`` sample (PROTOCOL.md), relayed to those who watch it.

    Decoded once, here; its timestamp is the pole's clock, all the way to the plot.
    """

    kind: ClassVar[str] = "live"
    pole_id: str
    sample: LiveSample

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "data": self.sample.to_json()}


@dataclass(frozen=True, slots=True)
class WatchingEvent:
    """The service's answer to a ``watch``: Accepted, or why not."""

    kind: ClassVar[str] = "watching"
    pole_id: str
    status: str
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "status": self.status,
                "description": self.description}


@dataclass(frozen=True, slots=True)
class SecurityEventReported:
    """A pole reported a security event; sent to every feed client once it is stored."""

    kind: ClassVar[str] = "securityEvent"
    pole_id: str
    event: SecurityEventRecord

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "poleId": self.pole_id, "event": self.event.to_json()}


@dataclass(frozen=True, slots=True)
class RolloutEvent:
    """A firmware rollout changed state: created (``running``), ``paused``, ``running``
    again, ``halted`` (``reason`` says how many failed), ``cancelled`` or ``finished``.

    About no single pole, so it has no ``pole_id``; `at` is the service's time. The
    feed may drop events (a slow client, a lost link between service processes): a
    client that must be exact re-reads ``GET /firmware/rollouts/{id}`` now and then.
    """

    kind: ClassVar[str] = "rollout"
    rollout_id: int
    state: str
    reason: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "rolloutId": self.rollout_id, "state": self.state,
                "reason": self.reason, "at": format_time(self.at)}


@dataclass(frozen=True, slots=True)
class RolloutPoleEvent:
    """One pole of a rollout moved (`RolloutPoleRecord.state`: ``sending``, ``sent``,
    ``Downloading`` … ``Installed``, ``failed`` with its ``reason``, ``cancelled``,
    ``pending`` again after a send that did not reach it).

    ``reported`` is the FirmwareStatusNotification that moved it, None when the service
    decided (sent, timed out, a boot confirmed it); `at` is the service's time.
    """

    kind: ClassVar[str] = "rolloutPole"
    rollout_id: int
    pole_id: str
    state: str
    reason: str | None
    reported: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "rolloutId": self.rollout_id, "poleId": self.pole_id,
                "state": self.state, "reason": self.reason, "reported": self.reported,
                "at": format_time(self.at)}


ServiceEvent = (ConnectionEvent | StatusEvent | TransactionEvent | MeterValuesEvent
                | LiveEvent | WatchingEvent | SecurityEventReported | RolloutEvent
                | RolloutPoleEvent)


def _need(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ValueError(f"{data.get('type')} event: {key} = {value!r} is missing or mistyped")
    return value


def parse_event(data: Any) -> ServiceEvent | None:
    """One feed message as a typed event; None for a kind this client does not know (a
    newer service may send more); `ValueError` naming the field for a malformed one."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a feed event must be a JSON object, not {type(data).__name__}")
    kind = data.get("type")
    if kind == RolloutEvent.kind:  # the one kind about no single pole
        return RolloutEvent(int(_need(data, "rolloutId", int)), str(_need(data, "state", str)),
                            _str(data.get("reason")), parse_time(_need(data, "at", str)))
    if kind not in _PARSERS:
        return None
    pole_id = str(_need(data, "poleId", str))
    event: ServiceEvent = _PARSERS[kind](pole_id, data)
    return event


def _connection(pole_id: str, data: Mapping[str, Any]) -> ConnectionEvent:
    return ConnectionEvent(pole_id, bool(_need(data, "connected", bool)),
                           parse_time(_need(data, "at", str)))


def _status(pole_id: str, data: Mapping[str, Any]) -> StatusEvent:
    return StatusEvent(pole_id, int(_need(data, "connectorId", int)),
                       str(_need(data, "status", str)), str(data.get("errorCode") or "NoError"),
                       parse_time(_need(data, "at", str)))


def _transaction(pole_id: str, data: Mapping[str, Any]) -> TransactionEvent:
    event = data.get("event")
    if event not in ("started", "stopped"):
        raise ValueError(f"transaction event: event = {event!r} is not started or stopped")
    return TransactionEvent(pole_id, event, _int(data.get("connectorId")),
                            int(_need(data, "transactionId", int)),
                            parse_time(_need(data, "at", str)),
                            int(_need(data, "meterWh", int)))


def _meter_values(pole_id: str, data: Mapping[str, Any]) -> MeterValuesEvent:
    at = data.get("at")
    meter_value = data.get("meterValue")
    return MeterValuesEvent(pole_id, int(_need(data, "connectorId", int)),
                            _int(data.get("transactionId")),
                            at if isinstance(at, str) else None,
                            _float(data.get("powerW")), _float(data.get("energyWh")),
                            list(meter_value) if isinstance(meter_value, list) else [])


def _live(pole_id: str, data: Mapping[str, Any]) -> LiveEvent:
    return LiveEvent(pole_id, LiveSample.from_json(data.get("data")))


def _watching(pole_id: str, data: Mapping[str, Any]) -> WatchingEvent:
    return WatchingEvent(pole_id, str(_need(data, "status", str)),
                         str(data.get("description") or ""))


def _security_event(pole_id: str, data: Mapping[str, Any]) -> SecurityEventReported:
    return SecurityEventReported(pole_id, SecurityEventRecord.from_json(
        _need(data, "event", Mapping)))
def _rollout_pole(pole_id: str, data: Mapping[str, Any]) -> RolloutPoleEvent:
    return RolloutPoleEvent(int(_need(data, "rolloutId", int)), pole_id,
                            str(_need(data, "state", str)), _str(data.get("reason")),
                            _str(data.get("reported")), parse_time(_need(data, "at", str)))


_PARSERS: dict[str, Callable[[str, Mapping[str, Any]], ServiceEvent]] = {
    SecurityEventReported.kind: _security_event,
    ConnectionEvent.kind: _connection, StatusEvent.kind: _status,
    TransactionEvent.kind: _transaction, MeterValuesEvent.kind: _meter_values,
    LiveEvent.kind: _live, WatchingEvent.kind: _watching,
    RolloutPoleEvent.kind: _rollout_pole,
}


# ---------------------------------------------------------------------- the client
class ServiceRefused(ConnectError):
    """The service answered, but refused the request (`status`, its error `code`)."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class RoleRefused(NotAuthorised):
    """The service refused because the signed-in user's role may not do this (403). The
    description is the service's sentence; ``details`` hold ``role`` and ``required``."""

    @property
    def role(self) -> str:
        return str((self.details or {}).get("role", ""))

    @property
    def required(self) -> str:
        return str((self.details or {}).get("required", ""))


def _refusal(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    """The API's ``{"error", "description", "details"}``, or the HTTP reason."""
    try:
        body = response.json()
        details = body.get("details")
        return (str(body.get("error", response.status_code)),
                str(body.get("description", "")),
                dict(details) if isinstance(details, dict) else {})
    except (ValueError, AttributeError):
        return str(response.status_code), response.reason_phrase, {}


class ServiceClient(CardRequests, AccountRequests, ServiceTokenRequests, ReportRequests,
                    OcpiRequests, OutageRequests, OscpRequests, TariffRequests):
    """The operator API of one service, as typed calls; use ``async with`` (or `aclose`).

    Every method raises a `PoleLinkError`: `ConnectError` when the service cannot be
    reached or refuses the request, `NotAuthorised` for a refused token, and for pole
    commands `LinkLost` (409: not connected), `LinkTimeout` (504) or `CallError` (502:
    the pole's OCPP error code).
    """

    def __init__(self, endpoint: ServiceEndpoint, *, timeout: float = READ_TIMEOUT_S) -> None:
        self.endpoint = endpoint
        self._http = httpx.AsyncClient(
            base_url=endpoint.api, headers=endpoint.headers,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_S))

    async def __aenter__(self) -> ServiceClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------ transport
    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        """The answer's JSON (``raw``: its bytes), or the refusal as a `PoleLinkError`."""
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise LinkTimeout(f"{what}: the service at {self.endpoint.url} did not answer "
                              "in time") from None
        except httpx.HTTPError as exc:
            raise ConnectError(f"cannot reach the service at {self.endpoint.url}: "
                               f"{exc or type(exc).__name__}") from None
        if response.status_code in (200, 201):
            return response.content if raw else response.json()
        code, text, details = _refusal(response)
        status = response.status_code
        if status == 401:
            raise NotAuthorised(f"the service at {self.endpoint.url} refused the API token"
                                + (f": {text}" if text else ""), action=what)
        if status == 403 and code == "Forbidden":
            raise RoleRefused(text or "your role may not do this", details, action=what)
        if status == 403 or code == "SecurityError":
            raise NotAuthorised(text or "not allowed", details, action=what)
        if status == 409:
            raise LinkLost(f"{what}: {text}")
        if status == 504:
            raise LinkTimeout(f"{what}: {text}")
        if status == 502:
            raise CallError(code, text, details, action=what)
        raise ServiceRefused(f"{what}: the service answered {status} {code}: {text}",
                             status, code)

    @staticmethod
    def _pole_path(pole_id: str, tail: str = "") -> str:
        return f"/poles/{quote(pole_id, safe='')}{tail}"

    # ------------------------------------------------------------ reads
    async def poles(self, *, uptime_days: int | None = None) -> list[PoleRecord]:
        """Every pole the service knows (with uptime % over ``uptime_days`` if asked)."""
        params = {"uptime_days": uptime_days} if uptime_days else None
        items = await self._request("GET", "/poles", params=params, what="list the poles")
        return _records(items, PoleRecord.from_json)

    async def pole(self, pole_id: str) -> PoleRecord:
        """One pole; `ServiceRefused` (404) saying so when the service does not know it."""
        try:
            item = await self._request("GET", self._pole_path(pole_id), what=f"read {pole_id}")
        except ServiceRefused as refused:
            if refused.status == 404:
                raise ServiceRefused(f"the service at {self.endpoint.url} knows no pole "
                                     f"{pole_id!r}", 404, refused.code) from None
            raise
        return PoleRecord.from_json(item)

    async def messages(self, pole_id: str, action: str | None = None, *, limit: int = 500,
                       start: datetime | None = None, end: datetime | None = None,
                       oldest_first: bool = False) -> list[MessageRecord]:
        """The pole's OCPP message log, newest first (at most `limit` messages); within
        ``[start, end)`` when given, from the window's start with `oldest_first` (still
        returned newest first, as every caller of this list expects)."""
        params: dict[str, Any] = {"limit": limit}
        if action:
            params["action"] = action
        if start is not None:
            params["start"] = format_time(start)
        if end is not None:
            params["end"] = format_time(end)
        if oldest_first:
            params["order"] = "oldest"
        items = await self._request("GET", self._pole_path(pole_id, "/messages"),
                                    params=params, what=f"read {pole_id}'s message log")
        records = [MessageRecord.from_json(item) for item in items if isinstance(item, dict)]
        if oldest_first:
            records.reverse()
        return records

    async def security_events(self, pole_id: str | None = None, *,
                              since: datetime | None = None, limit: int = 100
                              ) -> list[SecurityEventRecord]:
        """Security events of one pole (or, without ``pole_id``, of the whole fleet)
        the service received at or after ``since``, newest first, at most ``limit``."""
        params: dict[str, Any] = {"limit": limit}
        if since is not None:
            params["since"] = format_time(since)
        path = self._pole_path(pole_id, "/security-events") if pole_id else "/security-events"
        items = await self._request("GET", path, params=params,
                                    what=f"read {pole_id or 'the fleet'}'s security events")
        return _records(items, SecurityEventRecord.from_json)

    async def transactions(self, pole_id: str, start: datetime, end: datetime
                           ) -> list[TransactionRecord]:
        """Transactions overlapping ``[start, end)``, running ones included."""
        items = await self._request(
            "GET", self._pole_path(pole_id, "/transactions"),
            params={"start": format_time(start), "end": format_time(end)},
            what=f"read {pole_id}'s transactions")
        return _records(items, TransactionRecord.from_json)

    async def connections(self, pole_id: str, start: datetime, end: datetime
                          ) -> list[ConnectionRecord]:
        """The pole's connection sessions overlapping ``[start, end)``, oldest first."""
        items = await self._request(
            "GET", self._pole_path(pole_id, "/connections"),
            params={"start": format_time(start), "end": format_time(end)},
            what=f"read {pole_id}'s connection history")
        return _records(items, ConnectionRecord.from_json)

    async def meter_values(self, pole_id: str, start: datetime, end: datetime,
                           connector_id: int | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"start": format_time(start), "end": format_time(end)}
        if connector_id is not None:
            params["connector"] = connector_id
        return list(await self._request("GET", self._pole_path(pole_id, "/meter-values"),
                                        params=params, what=f"read {pole_id}'s meter values"))

    async def settings(self, pole_id: str) -> dict[str, Any]:
        return dict(await self._request("GET", self._pole_path(pole_id, "/settings"),
                                        what=f"read {pole_id}'s settings"))

    async def put_settings(self, pole_id: str, settings: Mapping[str, Any]) -> dict[str, Any]:
        return dict(await self._request("PUT", self._pole_path(pole_id, "/settings"),
                                        json=dict(settings), what=f"change {pole_id}'s settings"))

    # ------------------------------------------------------------ signed firmware packages
    async def upload_firmware_package(self, data: bytes) -> FirmwarePackageRecord:
        """Hand the service a signed package (``paalwerk firmware sign``). It verifies it
        against its trusted manufacturer roots first: a refused one raises `ServiceRefused`
        with status 422 and ``code`` the reason (``InvalidSignature``,
        ``InvalidCertificate``, ``HashMismatch``, ``InvalidPackage``), and is not stored."""
        item = await self._request("POST", "/firmware/packages", content=data,
                                   headers={"Content-Type": "application/zip"},
                                   what="upload a firmware package")
        return FirmwarePackageRecord.from_json(item)

    async def firmware_packages(self) -> list[FirmwarePackageRecord]:
        """Every package the service accepted, newest first."""
        items = await self._request("GET", "/firmware/packages",
                                    what="list the firmware packages")
        return _records(items, FirmwarePackageRecord.from_json)

    async def firmware_package(self, sha256: str) -> FirmwarePackageRecord:
        """One accepted package by its image's SHA-256 (`ServiceRefused` 404 if none)."""
        item = await self._request("GET", f"/firmware/packages/{quote(sha256, safe='')}",
                                   what=f"read firmware package {sha256[:12]}")
        return FirmwarePackageRecord.from_json(item)

    async def firmware_package_file(self, sha256: str) -> bytes:
        """The package file itself, to install over a pole's service port."""
        data: bytes = await self._request(
            "GET", f"/firmware/packages/{quote(sha256, safe='')}/package", raw=True,
            what=f"download firmware package {sha256[:12]}")
        return data

    # ------------------------------------------------------------ commissioning reports
    async def register_technician_key(self, technician: str, public_key: str
                                      ) -> list[TechnicianKeyRecord]:
        """Register a technician's public key (base64); answers all their keys. Earlier
        keys stay registered, so reports they signed still verify."""
        items = await self._request(
            "PUT", f"/technicians/{quote(technician, safe='')}/key",
            json={"public_key": public_key}, what=f"register the key of {technician}")
        return _records(items, TechnicianKeyRecord.from_json)

    async def technician_keys(self, technician: str) -> list[TechnicianKeyRecord]:
        items = await self._request("GET", f"/technicians/{quote(technician, safe='')}/keys",
                                    what=f"read the keys of {technician}")
        return _records(items, TechnicianKeyRecord.from_json)

    async def upload_commissioning_report(self, pole_id: str, report: Mapping[str, Any],
                                          pdf: bytes) -> CommissioningReportRecord:
        """Hand the service a signed report and its PDF. It verifies them first: a refused
        report raises `ServiceRefused` with status 422 and ``code`` the reason
        (``InvalidSignature``, ``UnknownKey``, ``UnknownTechnician``, ``HashMismatch``,
        ``WrongPole``, ``InvalidReport``, ``ReportExists``). The same report again is
        accepted (idempotent)."""
        item = await self._request(
            "POST", self._pole_path(pole_id, "/commissioning-reports"),
            json={"report": dict(report), "pdf": base64.b64encode(pdf).decode("ascii")},
            what=f"upload a commissioning report of {pole_id}")
        return CommissioningReportRecord.from_json(item)

    async def commissioning_reports(self, pole_id: str) -> list[CommissioningReportRecord]:
        """The pole's stored reports, newest run first."""
        items = await self._request("GET", self._pole_path(pole_id, "/commissioning-reports"),
                                    what=f"list {pole_id}'s commissioning reports")
        return _records(items, CommissioningReportRecord.from_json)

    async def commissioning_report(self, pole_id: str, run_id: str) -> dict[str, Any]:
        """The signed report JSON as uploaded (`pole_link.commissioning.report.
        verify_report` checks it again)."""
        return dict(await self._request(
            "GET", self._pole_path(pole_id, f"/commissioning-reports/{quote(run_id, safe='')}"),
            what=f"read commissioning report {run_id}"))

    async def commissioning_report_pdf(self, pole_id: str, run_id: str) -> bytes:
        data: bytes = await self._request(
            "GET", self._pole_path(pole_id,
                                   f"/commissioning-reports/{quote(run_id, safe='')}/pdf"),
            raw=True, what=f"download commissioning report {run_id}")
        return data

    # ------------------------------------------------------------ rollouts
    async def create_rollout(self, request: RolloutRequest) -> RolloutRecord:
        """Start a rollout across the fleet (`ServiceRefused`: 404 ``UnknownPackage`` /
        ``UnknownPole``, 422 ``NoPoles`` or an invalid request)."""
        item = await self._request("POST", "/firmware/rollouts", json=request.to_json(),
                                   what="start a firmware rollout")
        return RolloutRecord.from_json(item)

    async def rollouts(self) -> list[RolloutRecord]:
        """Every rollout, newest first, with counts per pole state."""
        items = await self._request("GET", "/firmware/rollouts", what="list the rollouts")
        return _records(items, RolloutRecord.from_json)

    async def rollout(self, rollout_id: int) -> RolloutRecord:
        """One rollout with each pole's state."""
        item = await self._request("GET", f"/firmware/rollouts/{rollout_id}",
                                   what=f"read rollout {rollout_id}")
        return RolloutRecord.from_json(item)

    async def pause_rollout(self, rollout_id: int) -> RolloutRecord:
        return await self._rollout_action(rollout_id, "pause")

    async def resume_rollout(self, rollout_id: int) -> RolloutRecord:
        return await self._rollout_action(rollout_id, "resume")

    async def cancel_rollout(self, rollout_id: int) -> RolloutRecord:
        return await self._rollout_action(rollout_id, "cancel")

    async def _rollout_action(self, rollout_id: int, action: str) -> RolloutRecord:
        item = await self._request("POST", f"/firmware/rollouts/{rollout_id}/{action}",
                                   what=f"{action} rollout {rollout_id}")
        return RolloutRecord.from_json(item)

    async def update_firmware(self, pole_id: str, sha256: str, *,
                              retrieve_date: datetime | None = None,
                              retries: int | None = None, retry_interval: int | None = None,
                              timeout: float = 30.0) -> FirmwareUpdateSent:
        """Send a stored image to one pole, outside a rollout: signed
        (``SignedUpdateFirmware``) when it is a package the service verified, else as a
        plain, unsigned ``UpdateFirmware``. A pole's refusal of a signed update is in
        the result (``refused``), not raised; offline, silent or unknown: raised."""
        body: dict[str, Any] = {"firmware": sha256}
        if retrieve_date is not None:
            body["retrieveDate"] = format_time(retrieve_date)
        if retries is not None:
            body["retries"] = retries
        if retry_interval is not None:
            body["retryInterval"] = retry_interval
        item = await self._request(
            "POST", self._pole_path(pole_id, "/update-firmware"), params={"timeout": timeout},
            json=body, what=f"update the firmware of {pole_id}",
            timeout=timeout + HTTP_MARGIN_S)
        return FirmwareUpdateSent.from_json(item)

    # ------------------------------------------------------------ commands
    async def call(self, pole_id: str, action: str, payload: Mapping[str, Any], *,
                   timeout: float = 30.0) -> dict[str, Any]:
        """Any OCPP 1.6 action passed through to the pole; its result payload."""
        answer = await self._request(
            "POST", self._pole_path(pole_id, "/call"), params={"timeout": timeout},
            json={"action": action, "payload": dict(payload)}, what=action,
            timeout=timeout + HTTP_MARGIN_S)
        result: dict[str, Any] = answer["result"]
        return result

    async def send(self, pole_id: str, action: str, payload: Mapping[str, Any], *,
                   timeout: float = 30.0) -> dict[str, Any]:
        """An OCPP action through its own route when it has one that takes this payload
        (``Reset`` → ``POST …/reset``), else through ``POST …/call``. The service checks the
        role per route, so a helpdesk user may reset or unlock a pole through the app
        while the escape hatch stays the engineers' (issue 17)."""
        named = NAMED_ROUTES.get(action)
        if named is None or not set(payload) <= named[2]:
            return await self.call(pole_id, action, payload, timeout=timeout)
        method, route, _fields = named
        if method == "GET":  # a read: the payload as the query (GetConfiguration's keys)
            params: dict[str, Any] = {"timeout": timeout}
            if action == "GetConfiguration":
                if payload.get("key"):
                    params["keys"] = list(payload["key"])
            else:
                params.update(payload)
            answer = await self._request("GET", self._pole_path(pole_id, route),
                                         params=params, what=f"{action} on {pole_id}",
                                         timeout=timeout + HTTP_MARGIN_S)
        else:
            answer = await self._request(
                method, self._pole_path(pole_id, route), params={"timeout": timeout},
                json=dict(payload), what=f"{action} on {pole_id}",
                timeout=timeout + HTTP_MARGIN_S)
        result: dict[str, Any] = answer.get("result", answer) if isinstance(answer, dict) \
            else {}
        return result

    async def _command(self, pole_id: str, command: str, body: Mapping[str, Any], *,
                       timeout: float = 30.0) -> dict[str, Any]:
        answer = await self._request(
            "POST", self._pole_path(pole_id, f"/{command}"), params={"timeout": timeout},
            json=dict(body), what=f"{command} on {pole_id}", timeout=timeout + HTTP_MARGIN_S)
        result: dict[str, Any] = answer.get("result", answer) if isinstance(answer, dict) \
            else {}
        return result

    async def remote_start(self, pole_id: str, connector_id: int, id_tag: str
                           ) -> dict[str, Any]:
        return await self._command(pole_id, "remote-start",
                                   {"connectorId": connector_id, "idTag": id_tag})

    async def remote_stop(self, pole_id: str, transaction_id: int) -> dict[str, Any]:
        return await self._command(pole_id, "remote-stop", {"transactionId": transaction_id})

    async def reset(self, pole_id: str, kind: Literal["Soft", "Hard"] = "Soft"
                    ) -> dict[str, Any]:
        return await self._command(pole_id, "reset", {"type": kind})

    async def unlock(self, pole_id: str, connector_id: int) -> dict[str, Any]:
        return await self._command(pole_id, "unlock", {"connectorId": connector_id})

    async def availability(self, pole_id: str, connector_id: int,
                           kind: Literal["Operative", "Inoperative"]) -> dict[str, Any]:
        return await self._command(pole_id, "availability",
                                   {"connectorId": connector_id, "type": kind})

    async def trigger(self, pole_id: str, message: str, connector_id: int | None = None
                      ) -> dict[str, Any]:
        body: dict[str, Any] = {"requestedMessage": message}
        if connector_id is not None:
            body["connectorId"] = connector_id
        return await self._command(pole_id, "trigger", body)

    # ------------------------------------------------------------ security extension
    async def extended_trigger(self, pole_id: str, message: str,
                               connector_id: int | None = None) -> dict[str, Any]:
        """ExtendedTriggerMessage (LogStatusNotification, SignChargePointCertificate, …)."""
        body: dict[str, Any] = {"requestedMessage": message}
        if connector_id is not None:
            body["connectorId"] = connector_id
        return await self._command(pole_id, "extended-trigger", body)

    async def install_certificate(self, pole_id: str, certificate_type: str, pem: str
                                  ) -> dict[str, Any]:
        """InstallCertificate; the pole's answer (``{"status": …}``). A PEM the service
        can tell is unusable is refused (`ServiceRefused`) before it reaches the pole."""
        return await self._command(pole_id, "certificates", {
            "certificateType": certificate_type, "certificate": pem})

    async def installed_certificates(self, pole_id: str, certificate_type: str | None = None,
                                     *, timeout: float = 30.0) -> list[CertificateRecord]:
        """GetInstalledCertificateIds (of both types unless one is given)."""
        params: dict[str, Any] = {"timeout": timeout}
        if certificate_type is not None:
            params["type"] = certificate_type
        answer = await self._request(
            "GET", self._pole_path(pole_id, "/certificates"), params=params,
            what=f"list {pole_id}'s certificates", timeout=2 * timeout + HTTP_MARGIN_S)
        return [CertificateRecord.from_json(item) for item in answer.get("certificates", [])]

    async def delete_certificate(self, pole_id: str, serial_number: str, *,
                                 timeout: float = 30.0) -> dict[str, Any]:
        """DeleteCertificate of the root with this serial number; the pole's answer."""
        answer = await self._request(
            "DELETE", self._pole_path(pole_id, f"/certificates/{quote(serial_number, safe='')}"),
            params={"timeout": timeout}, what=f"delete a certificate of {pole_id}",
            timeout=3 * timeout + HTTP_MARGIN_S)
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def request_log(self, pole_id: str, log_type: str = "SecurityLog", *,
                          oldest: datetime | None = None, latest: datetime | None = None
                          ) -> tuple[int, dict[str, Any]]:
        """GetLog: ``(requestId, the pole's answer)``; follow it with `log_requests`."""
        body: dict[str, Any] = {"logType": log_type}
        if oldest is not None:
            body["oldest"] = oldest.isoformat()
        if latest is not None:
            body["latest"] = latest.isoformat()
        answer = await self._request(
            "POST", self._pole_path(pole_id, "/logs"), params={"timeout": 30.0}, json=body,
            what=f"GetLog on {pole_id}", timeout=30.0 + HTTP_MARGIN_S)
        return int(answer["requestId"]), dict(answer.get("result", {}))

    async def log_requests(self, pole_id: str) -> list[LogRequestRecord]:
        """The pole's log requests, newest first."""
        answer = await self._request("GET", self._pole_path(pole_id, "/logs"),
                                     what=f"read {pole_id}'s log requests")
        return [LogRequestRecord.from_json(item) for item in answer]

    async def download_log(self, pole_id: str, request_id: int) -> bytes:
        """The file a GetLog uploaded."""
        content: bytes = await self._request(
            "GET", self._pole_path(pole_id, f"/logs/{request_id}/file"), raw=True,
            what=f"download log {request_id} of {pole_id}")
        return content

    # ------------------------------------------------------------ the pole register
    async def register_pole(self, pole_id: str, security_profile: int = 0,
                            password: str | None = None) -> PoleSecurityRecord:
        """Register a pole (profiles 1 and 2 need ``password``, its AuthorizationKey)."""
        body: dict[str, Any] = {"id": pole_id, "securityProfile": security_profile}
        if password is not None:
            body["basicAuthPassword"] = password
        return PoleSecurityRecord.from_json(await self._request(
            "POST", "/poles", json=body, what=f"register {pole_id}"))

    async def pole_security(self, pole_id: str) -> PoleSecurityRecord:
        return PoleSecurityRecord.from_json(await self._request(
            "GET", self._pole_path(pole_id, "/security"), what=f"read {pole_id}'s security"))

    async def set_pole_security(self, pole_id: str, security_profile: int,
                                password: str | None = None) -> PoleSecurityRecord:
        """Raise the profile and/or set the password (sent to the pole if connected)."""
        body: dict[str, Any] = {"securityProfile": security_profile}
        if password is not None:
            body["basicAuthPassword"] = password
        return PoleSecurityRecord.from_json(await self._request(
            "PUT", self._pole_path(pole_id, "/security"), json=body,
            what=f"change {pole_id}'s security"))

    async def rotate_pole_key(self, pole_id: str) -> PoleSecurityRecord:
        """A new AuthorizationKey made by the service, in force once the pole accepted it."""
        return PoleSecurityRecord.from_json(await self._request(
            "POST", self._pole_path(pole_id, "/security/rotate-key"),
            what=f"rotate {pole_id}'s key"))

    async def decommission_pole(self, pole_id: str) -> PoleSecurityRecord:
        """Take the pole out of service (it may no longer connect; history stays)."""
        return PoleSecurityRecord.from_json(await self._request(
            "DELETE", self._pole_path(pole_id), what=f"decommission {pole_id}"))

    async def configure(self, pole_id: str, key: str, value: str) -> dict[str, Any]:
        """ChangeConfiguration through ``PUT …/configuration``."""
        answer = await self._request("PUT", self._pole_path(pole_id, "/configuration"),
                                     json={"key": key, "value": value},
                                     what=f"set {key} on {pole_id}")
        result: dict[str, Any] = answer.get("result", answer)
        return result

    # ------------------------------------------------------------ service tokens (eis 69)
    async def service_token_key(self) -> str:
        """The service's public signing key as one ``ServiceTokenKeys`` entry (standard
        base64 of the raw 32 bytes): what a pole it provisioned holds."""
        answer = await self._request("GET", "/service-tokens/key",
                                     what="read the service's token key")
        key = answer.get("publicKey") if isinstance(answer, dict) else None
        if not isinstance(key, str) or not key:
            raise ServiceRefused("read the service's token key: the answer holds no "
                                 "publicKey", 200, "BadAnswer")
        return key

    # ------------------------------------------------------------ the live feed
    def live(self) -> LiveFeed:
        """The live feed (``async with client.live() as feed: async for event in feed``)."""
        return LiveFeed(self.endpoint)


class LiveFeed:
    """``/api/v1/live`` as typed events; `watch`/`unwatch` a pole's own Live data.

    Iterating ends with `LinkLost` when the service closes the feed or the connection
    drops; events of kinds this client does not know are skipped, malformed ones too
    (the feed goes on: one bad event must not blind a helpdesk).
    """

    def __init__(self, endpoint: ServiceEndpoint) -> None:
        self.endpoint = endpoint
        self._socket: ClientConnection | None = None
        self.skipped = 0
        """Events left out as malformed (for diagnosis)."""

    async def __aenter__(self) -> LiveFeed:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                self._socket = await connect(self.endpoint.live_url,
                                             additional_headers=self.endpoint.headers,
                                             max_size=FEED_MAX_BYTES)
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                raise NotAuthorised(f"the service at {self.endpoint.url} refused the API "
                                    "token for the live feed") from None
            raise ConnectError(f"cannot open the live feed at {self.endpoint.live_url}: "
                               f"{exc}") from None
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise ConnectError(f"cannot open the live feed at {self.endpoint.live_url}: "
                               f"{exc or type(exc).__name__}") from None
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await socket.close()

    async def _send(self, request: dict[str, Any]) -> None:
        if self._socket is None:
            raise LinkLost("the live feed is closed")
        try:
            await self._socket.send(json.dumps(request))
        except ConnectionClosed as exc:
            raise LinkLost(f"the live feed closed ({exc})") from None

    async def watch(self, pole_id: str, interval_ms: int) -> None:
        """Ask for the pole's Live data; the answer arrives as a `WatchingEvent`."""
        await self._send({"watch": pole_id, "intervalMs": interval_ms})

    async def unwatch(self, pole_id: str) -> None:
        await self._send({"unwatch": pole_id})

    def __aiter__(self) -> AsyncIterator[ServiceEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[ServiceEvent]:
        if self._socket is None:
            raise LinkLost("the live feed is closed")
        try:
            async for text in self._socket:
                try:
                    event = parse_event(json.loads(text))
                except (ValueError, TypeError, PoleLinkError):
                    self.skipped += 1
                    continue
                if event is not None:
                    yield event
        except (ConnectionClosed, OSError) as exc:
            raise LinkLost(f"the live feed was lost ({exc})") from None
        raise LinkLost("the service closed the live feed")
