"""The one interface every way of reaching a pole implements.

Like bleak's ``BaseBleakClient``: the GUI and `PoleSession` hold a `PoleLink` and
never learn whether it is a serial cable, a BLE radio or the CSMS on the other side.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar

from pole_link.protocol.vendor import VENDOR_ID, decode_data


@dataclass(frozen=True)
class PoleAddress:
    """Where a pole can be reached, as `discover()` finds it and `open_link()` takes it."""

    transport: str
    """``serial``, ``ble`` or ``csms``."""
    target: str
    """Device path, BLE address, or the pole id on a service."""
    label: str
    """What a technician should read in a list, e.g. ``PW-0001 (/dev/ttyUSB0)``."""
    pole_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class PoleMessage:
    """A call the pole made to us (``Live`` and friends), already answered.

    `decoded` is the vendor message's data when the transport already has it as a value
    (the ``csms`` transport gets Live samples decoded from the service's feed): nobody
    encodes it again just to decode it once more.
    """

    action: str
    payload: dict[str, Any]
    decoded: Any = None

    @property
    def vendor_message(self) -> str | None:
        """The ``messageId`` of a ``paalwerk`` DataTransfer, else None."""
        if self.action == "DataTransfer" and self.payload.get("vendorId") == VENDOR_ID:
            message_id = self.payload.get("messageId")
            return message_id if isinstance(message_id, str) else None
        return None

    @property
    def data(self) -> Any:
        if self.decoded is not None:
            return self.decoded
        return decode_data(self.payload.get("data"))


class PoleLink(ABC):
    """A connection to one pole that can make calls and receive the pole's calls."""

    transport: ClassVar[str]
    read_only_reason: ClassVar[str | None] = None
    """Set by a link that can never write (a replay of the message log): the session is
    opened read only with this `PoleAccess` reason, without any ``Auth``."""

    @classmethod
    @abstractmethod
    async def discover(cls) -> list[PoleAddress]:
        """Poles (or ports) this transport can reach right now."""

    @abstractmethod
    async def connect(self) -> None:
        """Open the link; raise `ConnectError` with a reason a technician can act on."""

    @abstractmethod
    async def call(
        self, action: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """One OCPP call with camelCase payloads; errors as in `pole_link.errors`."""

    @abstractmethod
    def pole_messages(self) -> AsyncIterator[PoleMessage]:
        """The pole's own calls as they arrive; ends with `LinkLost` when the link goes."""

    @abstractmethod
    async def close(self) -> None:
        """Close the link; safe to call twice."""

    @property
    @abstractmethod
    def connected(self) -> bool: ...

    @property
    def description(self) -> str:
        return type(self).transport

    async def __aenter__(self) -> PoleLink:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
