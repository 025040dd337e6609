"""One exception tree for everything that can go wrong talking to a pole.

Callers (the GUI, the commissioning checklist, the service) catch `PoleLinkError`
and show its message; the subclasses exist so they can react differently to a
link that is gone (reconnect), a call that timed out (retry or give up) and a
pole that refused (show the pole's own reason).
"""

from __future__ import annotations

from typing import Any


class PoleLinkError(Exception):
    """Base of every error raised by `pole_link`."""


class ConnectError(PoleLinkError):
    """The link could not be opened (no such port, permission denied, pole not found)."""


class PoleOffline(ConnectError):
    """The service is reachable but does not hold the pole now: it may come back."""


class LinkTimeout(PoleLinkError):
    """The pole did not answer within the call's timeout; the link itself may still be up."""


class LinkLost(PoleLinkError):
    """The link went away (port vanished, cable pulled, connection closed)."""


class FrameError(PoleLinkError):
    """A frame could not be encoded or decoded (bad COBS, bad CRC, too long, not JSON)."""


class CallError(PoleLinkError):
    """The pole answered a call with an OCPP CALLERROR.

    `code` is the OCPP 1.6 error code exactly as the pole sent it (e.g.
    ``FormationViolation``), so callers can branch on it without parsing text.
    """

    def __init__(
        self,
        code: str,
        description: str = "",
        details: dict[str, Any] | None = None,
        *,
        action: str | None = None,
    ) -> None:
        self.code = code
        self.description = description
        self.details = details or {}
        self.action = action
        where = f"{action}: " if action else ""
        text = f"{where}{code}"
        if description:
            text += f" — {description}"
        super().__init__(text)


class NotAuthorised(CallError):
    """A write was refused because the session is not authorised (OCPP ``SecurityError``),
    or an ``Auth`` token was rejected."""

    def __init__(
        self,
        description: str = "Authenticate first (DataTransfer Auth)",
        details: dict[str, Any] | None = None,
        *,
        action: str | None = None,
    ) -> None:
        super().__init__("SecurityError", description, details, action=action)


class FirmwareError(PoleLinkError):
    """A firmware transfer could not go on (the pole aborted it, or stopped acknowledging)."""


class FirmwareRejected(FirmwareError):
    """The pole refused an image, at ``FirmwareBegin`` or ``FirmwareCommit``.

    `reason` is the pole's status word exactly as sent (``InvalidCertificate``,
    ``InvalidSignature``, ``HashMismatch``, ``Incomplete``, ``WrongModel``, …) and
    `detail` its explanation; the pole keeps running the firmware it had.
    """

    def __init__(self, reason: str, detail: str = "", *, stage: str) -> None:
        self.reason = reason
        self.detail = detail
        self.stage = stage
        text = f"{stage}: the pole refused the firmware: {reason}"
        if detail:
            text += f" — {detail}"
        super().__init__(text)
