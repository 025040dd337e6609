"""The kernel's accept queue in front of the service: how many connections it holds at once.

After a restart every pole reconnects within seconds. Each new TCP connection waits in the
listening socket's accept queue until the service takes it; when that queue is full the
kernel drops the pole's SYN, and the pole retries 1, 3, 7, 15 s later — measured at 10,000
poles against uvicorn's default backlog (2,048), half of the boots then missed OCPP's 30 s.
The service therefore asks for `LISTEN_BACKLOG`; Linux silently caps it at
``net.core.somaxconn``, so the effective queue is said once at start (`describe`), with what
to raise when it is small for a fleet.

`listening_backlog` reads the queue a listening socket really got back from the kernel
(Linux's sock_diag, what ``ss -ltn`` shows as Send-Q), for diagnosis and tests.
"""

from __future__ import annotations

import logging
import socket
import struct
from pathlib import Path

__all__ = ["FLEET_STORM", "LISTEN_BACKLOG", "describe", "effective_backlog",
           "listening_backlog", "log_listen_queue", "somaxconn"]

#: The accept queue the service asks for (one place: `service.server.serve` for one
#: process and for each ``--workers`` socket). The most ``listen()`` takes on Linux.
LISTEN_BACKLOG = 65_535
#: Poles reconnecting at once that the queue should hold without a retry (issue 20's fleet).
FLEET_STORM = 10_000

SOMAXCONN = Path("/proc/sys/net/core/somaxconn")
LOGGER = logging.getLogger("service.listen_queue")


def somaxconn(path: Path = SOMAXCONN) -> int | None:
    """``net.core.somaxconn``, the kernel's cap on any listen backlog; None where unknown
    (not Linux, or /proc unreadable)."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def effective_backlog(backlog: int = LISTEN_BACKLOG, cap: int | None = None) -> int:
    """The accept queue a ``listen(backlog)`` gets under the kernel's cap ``cap``."""
    return backlog if cap is None else min(backlog, cap)


def describe(backlog: int = LISTEN_BACKLOG, cap: int | None = None,
             fleet: int = FLEET_STORM) -> tuple[int, str]:
    """(log level, sentence for the operator) about the accept queue ``listen(backlog)``
    gets under ``cap`` (``net.core.somaxconn``): a warning with the remedy when fewer than
    ``fleet`` poles reconnecting at once would fit."""
    queue = effective_backlog(backlog, cap)
    if cap is None:
        return logging.INFO, (f"accept queue: {backlog} connections asked (the kernel's cap, "
                              "net.core.somaxconn, is unknown here)")
    if queue >= fleet:
        return logging.INFO, (f"accept queue: {queue} connections at once "
                              f"(asked {backlog}, net.core.somaxconn = {cap})")
    return logging.WARNING, (
        f"accept queue: only {queue} connections at once, because net.core.somaxconn = "
        f"{cap} caps the {backlog} the service asks for. When more poles than that "
        "reconnect at once (after a restart or an outage), the kernel drops the rest and "
        "they retry 1 to 15 s later, so their boots may miss OCPP's 30 s. For a fleet of more "
        f"than {queue} poles raise net.core.somaxconn (and net.ipv4.tcp_max_syn_backlog) to "
        f"{backlog}: 'sysctl -w net.core.somaxconn={backlog} "
        f"net.ipv4.tcp_max_syn_backlog={backlog}', kept in /etc/sysctl.d/, then restart the "
        "service")


def log_listen_queue(backlog: int = LISTEN_BACKLOG, logger: logging.Logger = LOGGER) -> None:
    """Say once, at start, what accept queue the service got and whether it is enough."""
    level, sentence = describe(backlog, somaxconn())
    logger.log(level, "%s", sentence)


# sock_diag (linux/inet_diag.h): dump the listening TCP sockets of one address family.
_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST_DUMP = 0x1 | 0x300
_NLMSG_DONE, _NLMSG_ERROR = 3, 2
_TCP_LISTEN = 10
_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port id
_REQUEST = struct.Struct("=BBBxI48x")  # family, protocol, extensions, states, any socket id
_PORT_AT, _WQUEUE_AT = 4, 60  # in inet_diag_msg: the local port; sk_max_ack_backlog


def listening_backlog(port: int, family: socket.AddressFamily = socket.AF_INET
                      ) -> int | None:
    """The accept queue (``listen`` backlog as capped) the kernel holds for the TCP socket
    listening on ``port``; the largest if several share it (``SO_REUSEPORT``); None if
    none listens there or the kernel cannot say (not Linux)."""
    if not hasattr(socket, "AF_NETLINK"):
        return None
    request = _REQUEST.pack(family, socket.IPPROTO_TCP, 0, 1 << _TCP_LISTEN)
    message = _HEADER.pack(_HEADER.size + len(request), _SOCK_DIAG_BY_FAMILY,
                           _NLM_F_REQUEST_DUMP, 1, 0) + request
    found: list[int] = []
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as diag:
            diag.sendall(message)
            while True:
                data = diag.recv(65_536)
                offset = 0
                while offset + _HEADER.size <= len(data):
                    length, kind = _HEADER.unpack_from(data, offset)[:2]
                    if kind in (_NLMSG_DONE, _NLMSG_ERROR) or length < _HEADER.size:
                        return max(found, default=None)
                    body = offset + _HEADER.size
                    if struct.unpack_from("!H", data, body + _PORT_AT)[0] == port:
                        found.append(struct.unpack_from("=I", data, body + _WQUEUE_AT)[0])
                    offset += (length + 3) & ~3
    except OSError:
        return None
