"""Secrets out of logs and message logs: the AuthorizationKey, Basic credentials and
service tokens.

A pole's password crosses the wire in two places: the ``Authorization: Basic`` header of
its WebSocket handshake and the ``value`` of a ChangeConfiguration ``AuthorizationKey``;
a technician's service token crosses the service port as the ``token`` of the ``Auth``
vendor message.
Frames and headers are logged for diagnosis (the message log, ``--verbose``, the
``ocpp`` and ``websockets`` libraries' debug output), so every such text passes through
`redact` first, and `SecretFilter` does it for log records of the loggers that carry
frames (`install_log_filter`).
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_VALUE = r'"(?:[^"\\]|\\.)*"'
_KEY_THEN_VALUE = re.compile(
    r'("key"\s*:\s*"AuthorizationKey"[^{}]*?"value"\s*:\s*)' + _VALUE, re.IGNORECASE)
_VALUE_THEN_KEY = re.compile(
    r'("value"\s*:\s*)' + _VALUE + r'(?=[^{}]*?"key"\s*:\s*"AuthorizationKey")', re.IGNORECASE)
_BASIC = re.compile(r"(Authorization\s*[:=]\s*['\"]?Basic\s+)[A-Za-z0-9+/=]+", re.IGNORECASE)
_TOKEN = re.compile(r'((?:\\*")token(?:\\*")\s*:\s*(?:\\*"))[^"\\]+', re.IGNORECASE)
"""A ``"token": "..."`` field, also inside a JSON string (the service port's ``Auth``
vendor message carries ``{"token": ...}`` as its escaped ``data``)."""
_MARKER = re.compile(r"authorizationkey|basic|token", re.IGNORECASE)

FRAME_LOGGERS = ("pole_link.protocol.routing", "ocpp", "websockets.client",
                 "websockets.server", "websockets")


def redact(text: str) -> str:
    """``text`` with any AuthorizationKey value and Basic credentials replaced by ``***``."""
    if text.isascii():
        # The same test as `_MARKER` for ASCII text (nearly every frame), without the
        # case-blind regex: 40 µs on a MeterValues frame, this 3 µs (issue 20).
        lowered = text.lower()
        if "authorizationkey" not in lowered and "basic" not in lowered \
                and "token" not in lowered:
            return text
    elif _MARKER.search(text) is None:
        return text
    text = _KEY_THEN_VALUE.sub(rf'\g<1>"{MASK}"', text)
    text = _VALUE_THEN_KEY.sub(rf'\g<1>"{MASK}"', text)
    text = _TOKEN.sub(rf"\g<1>{MASK}", text)
    return _BASIC.sub(rf"\g<1>{MASK}", text)


class SecretFilter(logging.Filter):
    """Rewrites a record's message with `redact` (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned is not message and cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = SecretFilter()


def install_log_filter() -> None:
    """Put `SecretFilter` on every logger that logs frames or handshake headers."""
    for name in FRAME_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
