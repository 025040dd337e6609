"""`PoleSession`: the typed conversation with one pole, whatever the link.

The GUI and the commissioning checklist only ever see this class. It speaks the
same OCPP actions locally and through the CSMS, uses the ``ocpp`` library's v16
dataclasses for standard payloads, and owns the two things a technician should
never have to think about: re-authorising after the pole's 60 s idle timeout, and
fanning the pole's ``Live`` calls out to whoever is watching.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.v16 import call, call_result
from ocpp.v16.enums import (
    AvailabilityType,
    ChargingRateUnitType,
    ConfigurationStatus,
    DataTransferStatus,
    MessageTrigger,
    ResetType,
)

from pole_link.cancel import cancel_and_wait
from pole_link.errors import (
    CallError,
    ConnectError,
    FrameError,
    LinkLost,
    LinkTimeout,
    NotAuthorised,
)
from pole_link.live import LiveSample
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data, encode_data
from pole_link.queues import drain, put_dropping_oldest
from pole_link.timeutil import parse_time
from pole_link.transports.base import PoleLink

if TYPE_CHECKING:
    from pole_link.firmware.local_update import FirmwareResult, Progress
    from pole_link.firmware.package import FirmwarePackage

LOGGER = logging.getLogger(__name__)

CLIENT_NAME = "paalwerk/0.1"
MIN_LOCAL_LIVE_MS = 50

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class PoleIdentity:
    """The ``Hello`` answer: who the pole is."""

    pole_id: str
    vendor: str
    model: str
    serial_number: str
    firmware_version: str
    protocol_version: int
    sockets: int
    max_frame: int
    time: datetime


@dataclass(frozen=True)
class AuthGrant:
    role: str
    expires: datetime | None


@dataclass(frozen=True)
class LinkStats:
    """The pole's own frame counters (``LinkStats``)."""

    frames_in: int
    frames_out: int
    dropped: int
    crc_errors: int


SelfTestName = Literal["rcd", "led", "lock", "meter", "modem"]
"""PROTOCOL.md ``SelfTest`` tests: earth-fault (RCD), LEDs, socket lock, energy meter, and
the modem (whether the pole reaches its back office)."""


@dataclass(frozen=True)
class SelfTestResult:
    """A ``SelfTest`` answer: passed or not, with the pole's own words."""

    test: str
    connector_id: int
    passed: bool
    detail: str


@dataclass(frozen=True)
class ConfigurationEntry:
    key: str
    value: str | None
    readonly: bool


@dataclass(frozen=True)
class Configuration:
    """A ``GetConfiguration`` answer, by key."""

    entries: dict[str, ConfigurationEntry]
    unknown: tuple[str, ...]

    def __getitem__(self, key: str) -> str | None:
        return self.entries[key].value


class PoleSession:
    """Typed calls over any `PoleLink`."""

    def __init__(self, link: PoleLink, *, client_name: str = CLIENT_NAME) -> None:
        self.link = link
        self.client_name = client_name
        self.identity: PoleIdentity | None = None
        self._token: str | None = None
        self._watchers: set[asyncio.Queue[LiveSample | BaseException]] = set()
        self._pump: asyncio.Task[None] | None = None
        self._live_interval_ms = 0

    # ------------------------------------------------------------ lifecycle
    async def open(self) -> PoleIdentity:
        """Connect the link (if needed), say ``Hello`` and start reading the pole's calls."""
        if not self.link.connected:
            await self.link.connect()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._pump_pole_messages(), name="pole messages")
        return await self.hello()

    async def close(self) -> None:
        if self._live_interval_ms and self.link.connected:
            with contextlib.suppress(Exception):
                await self._vendor(VendorMessage.LIVE_SUBSCRIBE, {"intervalMs": 0})
        try:
            if self._pump is not None:
                await cancel_and_wait(self._pump)
        finally:  # the link closes even when the caller is cancelled meanwhile
            self._pump = None
            await self.link.close()

    async def __aenter__(self) -> PoleSession:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ------------------------------------------------------------ raw calls
    async def call(
        self, action: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Any OCPP action, camelCase in and out; re-authorises once if the pole forgot us."""
        try:
            return await self.link.call(action, payload, timeout=timeout)
        except NotAuthorised:
            if self._token is None or _is_auth(action, payload):
                raise
            LOGGER.info("session expired on the pole; authenticating again")
            await self._authenticate(self._token)
            return await self.link.call(action, payload, timeout=timeout)

    async def _ocpp(self, request: Any, result_type: type[_Result]) -> _Result:
        action = type(request).__name__
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(request)))
        answer = await self.call(action, payload)
        try:
            return result_type(**camel_to_snake_case(answer))
        except TypeError as exc:
            raise FrameError(f"{action}: unexpected answer {answer!r}: {exc}") from None

    async def data_transfer(self, message_id: str, data: Any) -> Any:
        """A ``paalwerk`` vendor message; returns the decoded ``data`` of the answer."""
        return await self._vendor(message_id, data)

    async def _vendor(self, message_id: str, data: Any) -> Any:
        answer = await self.call(
            "DataTransfer",
            {"vendorId": VENDOR_ID, "messageId": message_id, "data": encode_data(data)},
        )
        status = answer.get("status")
        if status != DataTransferStatus.accepted:
            reason = answer.get("data") or ""
            raise CallError(str(status), str(reason), action=f"DataTransfer {message_id}")
        try:
            return decode_data(answer.get("data"))
        except ValueError as exc:
            raise FrameError(f"{message_id}: {exc}") from None

    # ------------------------------------------------------------ session
    async def hello(self) -> PoleIdentity:
        """Start a new session: the pole forgets any earlier ``Auth``, and so do we."""
        self._token = None
        data = await self._vendor(VendorMessage.HELLO, {"client": self.client_name})
        try:
            self.identity = PoleIdentity(
                pole_id=str(data["poleId"]),
                vendor=str(data["vendor"]),
                model=str(data["model"]),
                serial_number=str(data["serialNumber"]),
                firmware_version=str(data["firmwareVersion"]),
                protocol_version=int(data["protocolVersion"]),
                sockets=int(data["sockets"]),
                max_frame=int(data["maxFrame"]),
                time=parse_time(data["time"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise FrameError(f"Hello: incomplete answer {data!r}: {exc}") from None
        return self.identity

    async def authenticate(self, token: str) -> AuthGrant:
        """Authorise writes; raises `NotAuthorised` when the pole rejects the token."""
        grant = await self._authenticate(token)
        self._token = token
        return grant

    async def _authenticate(self, token: str) -> AuthGrant:
        data = await self._vendor(VendorMessage.AUTH, {"token": token})
        if not isinstance(data, dict) or data.get("status") != "Accepted":
            reason = str(data.get("reason") or "") if isinstance(data, dict) else ""
            raise NotAuthorised(f"the pole rejected the token ({reason or 'no reason given'})",
                                {"reason": reason} if reason else None,
                                action="DataTransfer Auth")
        expires = data.get("expires")
        return AuthGrant(role=str(data.get("role", "")),
                         expires=parse_time(expires) if expires else None)

    async def link_stats(self) -> LinkStats:
        data = await self._vendor(VendorMessage.LINK_STATS, {})
        return LinkStats(int(data["framesIn"]), int(data["framesOut"]), int(data["dropped"]),
                         int(data["crcErrors"]))

    async def self_test(self, test: SelfTestName, connector_id: int = 1) -> SelfTestResult:
        """Run one of the pole's self tests (needs `authenticate`)."""
        data = await self._vendor(VendorMessage.SELF_TEST,
                                  {"test": test, "connectorId": connector_id})
        if not isinstance(data, dict) or data.get("result") not in ("Passed", "Failed"):
            raise FrameError(f"SelfTest: unexpected answer {data!r}")
        return SelfTestResult(test, connector_id, data["result"] == "Passed",
                              str(data.get("detail") or ""))

    # ------------------------------------------------------------ configuration
    async def get_configuration(self, keys: list[str] | None = None) -> Configuration:
        result = await self._ocpp(call.GetConfiguration(key=keys), call_result.GetConfiguration)
        entries = {
            item["key"]: ConfigurationEntry(item["key"], item.get("value"), bool(item["readonly"]))
            for item in result.configuration_key or []
        }
        return Configuration(entries, tuple(result.unknown_key or ()))

    async def change_configuration(self, key: str, value: str) -> ConfigurationStatus:
        result = await self._ocpp(call.ChangeConfiguration(key=key, value=value),
                                  call_result.ChangeConfiguration)
        return ConfigurationStatus(result.status)

    async def light_intensity(self) -> int:
        value = (await self.get_configuration(["LightIntensity"]))["LightIntensity"]
        return int(value or 0)

    async def set_light_intensity(self, percent: int) -> ConfigurationStatus:
        """eis 46: the status LEDs' intensity, 0–100 %."""
        if not 0 <= percent <= 100:
            raise ValueError(f"LED intensity must be 0–100 %, not {percent}")
        return await self.change_configuration("LightIntensity", str(percent))

    # ------------------------------------------------------------ smart charging
    async def set_charging_profile(
        self, connector_id: int, profile: dict[str, Any]
    ) -> call_result.SetChargingProfile:
        """Install a profile given as OCPP 1.6 ``csChargingProfiles`` JSON."""
        answer = await self.call("SetChargingProfile",
                                 {"connectorId": connector_id, "csChargingProfiles": profile})
        return call_result.SetChargingProfile(**camel_to_snake_case(answer))

    async def clear_charging_profile(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: str | None = None,
        stack_level: int | None = None,
    ) -> call_result.ClearChargingProfile:
        return await self._ocpp(
            call.ClearChargingProfile(id=profile_id, connector_id=connector_id,
                                      charging_profile_purpose=purpose, stack_level=stack_level),
            call_result.ClearChargingProfile,
        )

    async def composite_schedule(
        self, connector_id: int, duration_s: int,
        unit: ChargingRateUnitType = ChargingRateUnitType.amps,
    ) -> dict[str, Any]:
        """The pole's own composite schedule, as OCPP 1.6 JSON (status, scheduleStart, …)."""
        return await self.call("GetCompositeSchedule", {
            "connectorId": connector_id, "duration": duration_s, "chargingRateUnit": unit.value})

    # ------------------------------------------------------------ remote actions
    async def remote_start(self, connector_id: int, id_tag: str) -> str:
        result = await self._ocpp(
            call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector_id),
            call_result.RemoteStartTransaction)
        return str(result.status)

    async def remote_stop(self, transaction_id: int) -> str:
        result = await self._ocpp(call.RemoteStopTransaction(transaction_id=transaction_id),
                                  call_result.RemoteStopTransaction)
        return str(result.status)

    async def unlock(self, connector_id: int) -> str:
        result = await self._ocpp(call.UnlockConnector(connector_id=connector_id),
                                  call_result.UnlockConnector)
        return str(result.status)

    async def reset(self, kind: ResetType = ResetType.soft) -> str:
        result = await self._ocpp(call.Reset(type=kind), call_result.Reset)
        return str(result.status)

    async def change_availability(self, connector_id: int, kind: AvailabilityType) -> str:
        result = await self._ocpp(call.ChangeAvailability(connector_id=connector_id, type=kind),
                                  call_result.ChangeAvailability)
        return str(result.status)

    async def trigger(self, message: MessageTrigger, connector_id: int | None = None) -> str:
        """Make the pole send ``message`` to its CSMS (useful on site after a repair)."""
        result = await self._ocpp(
            call.TriggerMessage(requested_message=message, connector_id=connector_id),
            call_result.TriggerMessage)
        return str(result.status)

    # ------------------------------------------------------------ firmware
    async def upload_firmware(self, package: FirmwarePackage, *,
                              progress: Progress | None = None) -> FirmwareResult:
        """Install a signed package over the service port (needs `authenticate`).

        ``progress`` gets (bytes acknowledged, total) as the pole confirms them. Returns
        once the pole answered ``Installed``: it then reboots into the new slot, which
        ends this session (`reopen` to talk to it again). Raises `FirmwareRejected` with
        the pole's reason when it refuses the image (it keeps its firmware), `LinkLost`
        when the link goes; cancelling, or either failure, leaves the pole able to
        resume: upload the same package again.
        """
        from pole_link.firmware.local_update import FirmwareUpload

        result = await FirmwareUpload(self, package, progress=progress).run()
        self._token = None  # the pole is rebooting: its session is gone
        return result

    async def reopen(self, *, timeout: float = 30.0, pause: float = 0.25) -> PoleIdentity:
        """Close the link and open it again until the pole answers ``Hello`` (after it
        rebooted); `LinkLost`/`ConnectError` from the last attempt once ``timeout`` passes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            await self.close()
            try:
                return await self.open()
            except (ConnectError, LinkLost, LinkTimeout):
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise
            await asyncio.sleep(pause)

    # ------------------------------------------------------------ live data
    @contextlib.asynccontextmanager
    async def live(self, interval_ms: int = 200) -> AsyncIterator[AsyncIterator[LiveSample]]:
        """Subscribe to ``Live``; yields an async iterator of samples until the block ends.

        Several watchers may share one subscription; the fastest interval asked wins
        while they overlap, and the pole is told to stop when the last one leaves.
        """
        if interval_ms < MIN_LOCAL_LIVE_MS:
            raise ValueError(f"Live interval must be at least {MIN_LOCAL_LIVE_MS} ms")
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._pump_pole_messages(), name="pole messages")
        queue: asyncio.Queue[LiveSample | BaseException] = asyncio.Queue(maxsize=256)
        self._watchers.add(queue)
        try:
            if not self._live_interval_ms or interval_ms < self._live_interval_ms:
                await self._subscribe(interval_ms)
            yield drain(queue)
        finally:
            self._watchers.discard(queue)
            if not self._watchers and self.link.connected:
                with contextlib.suppress(Exception):
                    await self._vendor(VendorMessage.LIVE_SUBSCRIBE, {"intervalMs": 0})
                self._live_interval_ms = 0

    async def _subscribe(self, interval_ms: int) -> None:
        data = await self._vendor(VendorMessage.LIVE_SUBSCRIBE, {"intervalMs": interval_ms})
        if isinstance(data, dict) and data.get("status", "Accepted") != "Accepted":
            raise CallError(str(data.get("status")), "the pole refused the live subscription",
                            action="DataTransfer LiveSubscribe")
        self._live_interval_ms = interval_ms

    async def _pump_pole_messages(self) -> None:
        try:
            async for message in self.link.pole_messages():
                if message.vendor_message != VendorMessage.LIVE:
                    continue
                data = message.data
                try:
                    sample = data if isinstance(data, LiveSample) else LiveSample.from_json(data)
                except ValueError as exc:
                    LOGGER.warning("ignored a malformed Live sample: %s", exc)
                    continue
                for queue in list(self._watchers):
                    put_dropping_oldest(queue, sample)
        except LinkLost as exc:
            for queue in list(self._watchers):
                put_dropping_oldest(queue, exc)


def _is_auth(action: str, payload: dict[str, Any]) -> bool:
    return action == "DataTransfer" and payload.get("messageId") in {
        VendorMessage.AUTH, VendorMessage.HELLO}
