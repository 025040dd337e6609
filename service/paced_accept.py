"""New connections taken, and their first requests read, a few at a time between the poles'
calls.

The event loop's own listener takes every connection waiting in the kernel's accept queue in
one go: libuv (uvloop) accepts until the queue is empty, asyncio's selector loop up to the
listen backlog (16,384 here, `service.listen_queue`). For each one it builds a transport and
uvicorn's protocol, and then the HTTP upgrade is parsed, the WebSocket protocol built and the
app started up to the admission gate (`service.ocpp.call_budget.Admission`). When a fleet
reconnects at once, thousands arrive within a second or two, and that work filled whole
turns of the loop in which nothing else ran: the boot calls of the poles already admitted
waited behind it. Measured (issue 20, ``benchmarks/csms_load.py --scenario storm --poles
10000``, which prints where the loop is when it is late, and py-spy): in every run the loop
stalled 1.3–1.9 s one to two seconds in, accepting and parsing upgrades, and the boot calls
then in hand (355–562 of them) were answered about 2 s after they were sent.

Two bounds. `PacedAcceptor` takes at most `PER_TURN` connections each time the loop finds
the socket readable (once a turn); the rest wait in the kernel's accept queue, which is
sized for a fleet. Each is handed to the loop with ``connect_accepted_socket`` (a public
asyncio API that uvloop implements too), with TLS where the service has it, so it is served
as the loop's own listener would serve it. That alone left stalls of 0.9–2.0 s: a client's
connection is complete in the kernel before the client sends its request, and the requests
of connections accepted a few a turn can still arrive by the thousand at once (a load
generator catching up after a pause; a fleet behind one gateway coming back). So
`paced_reads` gives uvicorn's HTTP protocol a `TurnBudget`: at most `PER_TURN` requests read
a turn, the others' connections paused and read in later turns in arrival order. With both,
no stall over 175 ms was left in the first seconds of three 10,000-pole storms.
"""

from __future__ import annotations

import asyncio
import collections
import errno
import logging
import socket
import ssl
from collections.abc import Callable

LOGGER = logging.getLogger(__name__)

PER_TURN = 64
"""Connections taken per loop turn at most. A new pole costs the loop about 0.3 ms until it
waits at the admission gate (accept, upgrade, app), so 64 keep a turn's share of new
connections near 20 ms; at a turn every 20–50 ms that is still over 1,000 connections a
second, faster than poles are admitted in a storm (about 400 a second on two cores)."""

OUT_OF_FILES_PAUSE_S = 1.0
"""How long the listener rests when the process has no file descriptor left: the queued
connections wait in the kernel meanwhile instead of the loop spinning on the error."""

_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class PacedAcceptor:
    """Listens on ``sock`` (bound) with a queue of ``backlog``, accepts at most
    ``per_turn`` connections each time the loop finds it readable, and serves each with
    ``protocol_factory``."""

    def __init__(self, sock: socket.socket, protocol_factory: Callable[[], asyncio.Protocol],
                 *, backlog: int, ssl_context: ssl.SSLContext | None = None,
                 per_turn: int = PER_TURN) -> None:
        if per_turn < 1:
            raise ValueError(f"per_turn = {per_turn!r}: at least one connection a turn")
        self.sock = sock
        self.protocol_factory = protocol_factory
        self.ssl_context = ssl_context
        self.per_turn = per_turn
        self.backlog = backlog
        self.accepted = 0
        """Connections taken so far (for diagnosis and tests)."""
        self.turns = 0
        """Times the loop found the socket readable and connections were taken."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: set[asyncio.Task[None]] = set()
        self._resume: asyncio.TimerHandle | None = None
        self._closed = False

    def start(self) -> None:
        """Start accepting (on the running loop)."""
        self._loop = asyncio.get_running_loop()
        self.sock.listen(self.backlog)
        self.sock.setblocking(False)
        self._loop.add_reader(self.sock.fileno(), self._accept_some)

    def close(self) -> None:
        """Stop accepting and close the listening socket; connections already taken stay
        (their server closes them). Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._resume is not None:
            self._resume.cancel()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self.sock.fileno())
        self.sock.close()

    def _accept_some(self) -> None:
        loop = self._loop
        assert loop is not None
        taken = 0
        for _ in range(self.per_turn):
            try:
                connection, _address = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                break
            except ConnectionAbortedError:
                continue  # the client gave up while queued: nothing to serve
            except OSError as error:
                if error.errno in _OUT_OF_RESOURCES:
                    self._rest(error)
                    break
                raise
            taken += 1
            connection.setblocking(False)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = loop.create_task(self._serve(connection))
            self._opening.add(task)
            task.add_done_callback(self._opening.discard)
        if taken:
            self.accepted += taken
            self.turns += 1

    def _rest(self, error: OSError) -> None:
        """No file descriptor (or memory) for another connection: say so, and look again
        after a pause."""
        LOGGER.error("cannot accept more connections (%s); the waiting ones stay queued, "
                     "retrying in %g s", error.strerror, OUT_OF_FILES_PAUSE_S)
        loop = self._loop
        assert loop is not None
        loop.remove_reader(self.sock.fileno())
        self._resume = loop.call_later(OUT_OF_FILES_PAUSE_S, self._listen_again)

    def _listen_again(self) -> None:
        self._resume = None
        if not self._closed and self._loop is not None:
            self._loop.add_reader(self.sock.fileno(), self._accept_some)

    async def _serve(self, connection: socket.socket) -> None:
        loop = self._loop
        assert loop is not None
        try:
            await loop.connect_accepted_socket(self.protocol_factory, connection,
                                               ssl=self.ssl_context)
        except (OSError, ssl.SSLError, TimeoutError) as error:
            # A client that left during the TLS handshake, or spoke something else: the
            # loop has closed its transport; nothing was served, so nothing to keep.
            LOGGER.debug("a connection ended while being set up: %r", error)


class TurnBudget:
    """At most `per_turn` pieces of work a loop turn, the rest in arrival order in the next
    turns. A turn ends when the loop runs what was scheduled with ``call_soon`` meanwhile."""

    def __init__(self, per_turn: int = PER_TURN) -> None:
        if per_turn < 1:
            raise ValueError(f"per_turn = {per_turn!r}: at least one piece of work a turn")
        self.per_turn = per_turn
        self._left = per_turn
        self._waiting: collections.deque[Callable[[], None]] = collections.deque()
        self._next_turn: asyncio.Handle | None = None

    def take(self) -> bool:
        """True (and counted) if this turn has room and nothing waits from earlier ones."""
        self._end_of_turn()
        if self._left > 0 and not self._waiting:
            self._left -= 1
            return True
        return False

    def defer(self, work: Callable[[], None]) -> None:
        """Run ``work`` in a later turn, after what waited before it."""
        self._waiting.append(work)
        self._end_of_turn()

    def _end_of_turn(self) -> None:
        """The next turn's start, scheduled once: the budget is refilled there."""
        if self._next_turn is None:
            self._next_turn = asyncio.get_running_loop().call_soon(self._new_turn)

    def _new_turn(self) -> None:
        self._next_turn = None
        self._left = self.per_turn
        while self._waiting and self._left > 0:
            self._left -= 1
            self._waiting.popleft()()
        if self._waiting:
            self._end_of_turn()


def paced_reads(base: type[asyncio.Protocol], budget: TurnBudget) -> type[asyncio.Protocol]:
    """``base`` (uvicorn's HTTP protocol) whose reads take a place in ``budget``: a burst
    of upgrade requests is parsed a few a turn, not all in one.

    Accepting a few a turn (`PacedAcceptor`) does not bound this by itself: a client whose
    connection the kernel completed may send its request only later, and thousands of them
    at once (measured, issue 20: after a pause of the load generator's loop, up to 400
    requests read in one turn of a 5,000-connection test; in the storm the loop spent
    0.9–2.0 s parsing upgrades while the admitted poles' boots waited). A read without a
    place pauses its connection and is handed over in a later turn. Only the HTTP phase
    passes here: an upgraded connection's frames go to the WebSocket protocol."""

    class PacedReads(base):  # type: ignore[valid-type, misc]
        def data_received(self, data: bytes) -> None:
            if budget.take():
                super().data_received(data)
                return
            transport: asyncio.Transport = self.transport
            transport.pause_reading()

            def in_turn() -> None:
                if transport.is_closing():
                    return  # the client left meanwhile: nothing to answer
                transport.resume_reading()
                super(PacedReads, self).data_received(data)
            budget.defer(in_turn)

    PacedReads.__name__ = PacedReads.__qualname__ = f"Paced{base.__name__}"
    return PacedReads
