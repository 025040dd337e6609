"""The accept queue in front of the service (issue 20): after a restart a whole fleet
connects at once, and every connection the kernel cannot queue costs its pole a SYN retry
1 to 15 s later. The real service on 127.0.0.1, read back through the kernel."""

from __future__ import annotations

import logging
import resource
import socket
import struct
import sys
from pathlib import Path

import pytest

from service.listen_queue import (
    FLEET_STORM,
    LISTEN_BACKLOG,
    describe,
    listening_backlog,
    somaxconn,
)
from service.server import RunningService, start_service
from service.workers import reuseport_socket
from tests.support import until

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernel's listen queues are read on Linux")
UVICORN_DEFAULT = 2048
"""The backlog uvicorn listens with unless told otherwise: what a storm overflowed."""
SIMULTANEOUS = 3000
"""Poles connecting at once in the test: more than uvicorn's default queue holds."""


def _cap_above(needed: int) -> int:
    cap = somaxconn()
    if cap is None or cap <= needed:
        pytest.skip(f"net.core.somaxconn = {cap}: the kernel caps every listen queue at or "
                    f"below {needed}, so a larger one cannot be seen here")
    return cap


@linux_only
async def test_the_service_listens_with_the_queue_the_kernel_allows(
        service: RunningService) -> None:
    _cap_above(UVICORN_DEFAULT)
    assert _more_than_uvicorns_default(listening_backlog(service.port))


@linux_only
async def test_each_worker_socket_gets_the_same_queue(tmp_path: Path) -> None:
    """``--workers``: every worker's own ``SO_REUSEPORT`` socket, not only the first."""
    _cap_above(UVICORN_DEFAULT)
    first = await start_service(f"sqlite:///{tmp_path / 'a.sqlite'}",
                                token_file=tmp_path / "tokens",
                                sock=reuseport_socket("127.0.0.1", 0))
    try:
        second = await start_service(f"sqlite:///{tmp_path / 'b.sqlite'}",
                                     token_file=tmp_path / "tokens",
                                     sock=reuseport_socket("127.0.0.1", first.port))
        try:
            await first.stop()  # the port's one listener is now the second worker's
            assert _more_than_uvicorns_default(listening_backlog(second.port))
        finally:
            await second.stop()
    finally:
        if not first.task.done():
            await first.stop()


def _more_than_uvicorns_default(queue: int | None) -> bool:
    """The queue asked (`LISTEN_BACKLOG`) as far as the kernel allows: more than uvicorn's
    default. (Not compared with today's somaxconn: a benchmark's ``--somaxconn`` may have
    changed it since the socket started listening.)"""
    return queue is not None and UVICORN_DEFAULT < queue <= LISTEN_BACKLOG


def _syn_retransmits(sock: socket.socket) -> int:
    """tcp_info's total_retrans: a connect whose SYN the kernel dropped has one or more."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return int(struct.unpack_from("=8B24I", info)[8 + 23])


@linux_only
async def test_a_fleet_connecting_at_once_waits_in_the_queue_without_retrying(
        service: RunningService) -> None:
    """3,000 poles connect while the service is busy (its event loop is held here, so it
    accepts none meanwhile): the kernel completes every handshake at the first SYN. With
    uvicorn's default queue the 2,050th connect hangs in SYN retries instead."""
    _cap_above(SIMULTANEOUS)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2 * SIMULTANEOUS + 200:
        pytest.skip(f"open-file limit {soft}: too low for {SIMULTANEOUS} connections")
    poles: list[socket.socket] = []
    try:
        for _ in range(SIMULTANEOUS):  # the loop does not run: nothing is accepted yet
            pole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            poles.append(pole)
            pole.settimeout(20)  # a dropped SYN fails the test instead of hanging it
            pole.connect(("127.0.0.1", service.port))
        assert [_syn_retransmits(pole) for pole in poles] == [0] * SIMULTANEOUS
        # and once the service runs again, it takes every one of them
        await until(lambda: len(service.server.server_state.connections) == SIMULTANEOUS)
    finally:
        for pole in poles:
            pole.close()


def test_a_small_kernel_cap_is_a_warning_that_says_what_to_raise() -> None:
    level, sentence = describe(LISTEN_BACKLOG, 4096)
    assert level == logging.WARNING
    assert "only 4096 connections at once" in sentence
    assert f"sysctl -w net.core.somaxconn={LISTEN_BACKLOG}" in sentence
    level, sentence = describe(LISTEN_BACKLOG, FLEET_STORM * 2)
    assert level == logging.INFO
    assert f"{FLEET_STORM * 2} connections at once" in sentence
