"""uvicorn's WebSocket protocol with read flow control that does not cost two syscalls a message.

uvicorn's sans-I/O protocol pauses reading the socket after *every* received message and
resumes it when the application takes that message. For an OCPP connection that is one
``epoll_ctl`` to remove the socket and one to add it back per call: about a tenth of the
event loop's time under load, for a back-pressure that one message in the queue never needs.
Here reading pauses only once `HIGH_WATER` messages wait unread (a client flooding faster
than its handler keeps up), and resumes, as before, when the queue is empty again.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from service.security.tls import tls_extension


class BufferedWebSocketProtocol(WebSocketsSansIOProtocol):
    """Pauses reading at `HIGH_WATER` queued messages instead of at one."""

    HIGH_WATER = 16

    def handle_connect(self, event: Any) -> None:
        """As uvicorn's, plus the ASGI TLS extension (the pole's client certificate for
        security profile 3, which uvicorn does not pass on)."""
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None and self.scheme == "wss":
            extension = tls_extension(self.transport)
            if extension is not None:
                scope["extensions"]["tls"] = extension

    def send_receive_event_to_app(self) -> None:
        if self.read_paused or self.queue.qsize() + 1 >= self.HIGH_WATER:
            super().send_receive_event_to_app()  # queues the message, pauses reading
            return
        # The parent pauses unless it believes reading already is paused; for a short
        # queue it is told so for the one call, and the truth is restored after.
        self.read_paused = True
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = False
