"""uvicorn's WebSocket protocol with read flow control that does not cost two syscalls a message.

uvicorn's sans-I/O protocol pauses reading the socket after *every* received message and
resumes it when the application takes that message. For an OCPP connection that is one
``epoll_ctl`` to remove the socket and one to add it back per call: about a tenth of the
event loop's time under load, for a back-pressure that one message in the queue never needs.
Here reading pauses only once `HIGH_WATER` messages wait unread (a client flooding faster
than its handler keeps up), and resumes, as before, when the queue is empty again.
"""

from __future__ import annotations

import contextlib
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

from service.receive_queue import Flag, ReceiveQueue
from service.security.tls import tls_extension

DEFLATE_WINDOW_BITS = 11
DEFLATE_MEM_LEVEL = 4
"""permessage-deflate for a pole that offers it (the `ocpp` library's clients and our
virtual poles do): a 2 KB window instead of uvicorn's 4 KB and a smaller hash table.
Measured with `benchmarks/connection_memory.py`: uvicorn's settings cost 50 KB per
compressing connection (more than everything else a connection holds), these 31 KB; a
pole's day of OCPP (boot, statuses, a MeterValues per socket every 15 minutes) is 165 KB of
text and 8.1 KB deflated with either (a 1 KB window: 35 KB). Compression stays on: many
poles pay for mobile data by the megabyte."""

DEFLATE_OFFER = (ServerPerMessageDeflateFactory(
    server_max_window_bits=DEFLATE_WINDOW_BITS, client_max_window_bits=DEFLATE_WINDOW_BITS,
    compress_settings={"memLevel": DEFLATE_MEM_LEVEL}),)
"""One offer for every connection: a factory only holds the settings (each accepted
connection gets its own compressor from it), so it is built once, not per pole."""


class BufferedWebSocketProtocol(WebSocketsSansIOProtocol):
    """Pauses reading at `HIGH_WATER` queued messages instead of at one; compresses with a
    smaller window (`DEFLATE_WINDOW_BITS`); keeps less per connection (`release_handshake`,
    `service.receive_queue`)."""

    HIGH_WATER = 16

    __slots__ = (
        # Every attribute the parent sets (uvicorn 0.55), stored in slots instead of the
        # instance's dict: 37 keys are too many for a key-sharing dict (Python 3.11 shares
        # at most 30), so each connection had a dict of its own, 1.5 KB (issue 20). An
        # attribute a later uvicorn adds goes to the dict as before.
        "app", "app_state", "asgi_version", "client", "close_sent", "close_timeout",
        "close_timer", "config", "conn", "connections", "curr_msg_data_type",
        "default_headers", "disconnected", "frames", "handshake_complete",
        "handshake_initiated", "initial_response", "last_ping_rtt", "logger", "loop",
        "pending_ping_payload", "ping_interval", "ping_sent_at", "ping_timeout",
        "ping_timer", "pong_timer", "queue", "read_paused", "request", "response",
        "root_path", "scheme", "scope", "server", "tasks", "transport", "writable")

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if config.ws_per_message_deflate:  # nothing has used the parent's protocol yet
            # The parent's sans-I/O protocol kept, only its offer swapped: a second
            # `ServerProtocol` per connection (a UUID from the OS's random source, a
            # logger adapter, a parser) was a tenth of a handshake's CPU (issue 20).
            self.conn.available_extensions = DEFLATE_OFFER
        # The same jobs as the parent's asyncio.Queue and asyncio.Event without their
        # eager deques (3.8 KB a connection, issue 20); only the methods the parent calls.
        self.queue = ReceiveQueue()  # type: ignore[assignment]
        self.writable = Flag(True)  # type: ignore[assignment]

    def start_keepalive(self) -> None:
        """As uvicorn's, then `release_handshake`: the parent calls this once, right after
        the accepting response went out, the last time it reads the handshake's objects."""
        super().start_keepalive()
        self.release_handshake()

    def release_handshake(self) -> None:
        """Let go of the upgrade's request and response (their headers, about 4 KB a
        connection, issue 20): the parent keeps both for the connection's whole life but
        reads them only until it has sent the accepting response.

        The request's headers are also emptied (``Headers.clear``): websockets' parser
        generator keeps the request in a local variable while the connection lasts,
        although it reads it only before handing it over as the upgrade's event."""
        with contextlib.suppress(AttributeError):  # set by the parent's upgrade only
            self.request.headers.clear()
            del self.request
        with contextlib.suppress(AttributeError):
            del self.response

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
