"""``paalwerk service --workers N``: several service processes on one port, one fleet.

One Python process serves about one core's worth of OCPP traffic. Past that, N processes
each bind their own listening socket to the same port with ``SO_REUSEPORT`` (Linux), and the
kernel spreads new connections — poles and operators alike — over them. They share the
PostgreSQL database and reach each other through it (`service.cluster`).

This process only supervises: it prepares storage once (migration, sessions a stopped
service left open), starts the workers, and stops them all on Ctrl-C or SIGTERM. If one
dies, it stops the others and exits non-zero, so a service manager restarts the whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing as mp
import queue
import signal
import socket
import sys
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from service.listen_queue import log_listen_queue
from service.ocpp.pole_handler import CsmsSettings
from service.security.tls import TlsFiles

STOP_GRACE_S = 15.0


@dataclass(frozen=True)
class WorkerConfig:
    db_url: str
    host: str
    port: int
    settings: CsmsSettings
    token_file: Path
    files_dir: Path | None
    public_url: str | None
    trusted_roots_pem: str = ""
    """The ``--trust`` bundle as text (certificates do not pickle into a new process)."""
    tls: TlsFiles | None = None
    """``--tls-cert``/``--tls-key``: every worker serves wss/https with them (each loads
    them itself, checked by the supervisor first)."""
    ca_dir: Path | None = None
    """The pole CA's directory: each worker loads it to sign poles' certificates."""

    @property
    def scheme(self) -> tuple[str, str]:
        """The poles' and the operators' URL schemes: (ws, http) or (wss, https)."""
        return ("wss", "https") if self.tls is not None else ("ws", "http")


def reuseport_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT``, not yet listening: every
    process that binds one on the same port gets its share of the new connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def can_share_a_port() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _worker_main(config: WorkerConfig, ready: Any) -> None:
    """One worker: serve until SIGTERM/SIGINT (the supervisor forwards both as SIGTERM),
    on the same loop and parser as one process (`service.event_loop`)."""
    from service import event_loop, service_log

    service_log.configure()
    try:
        event_loop.run(_serve(config, ready))
    except Exception as exc:
        ready.put(("failed", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None


async def _serve(config: WorkerConfig, ready: Any) -> None:
    from pole_link.firmware.signing import load_certificates
    from service.security.ca import load_ca
    from service.server import start_service

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sock = reuseport_socket(config.host, config.port)
    ca = load_ca(config.ca_dir) if config.ca_dir is not None else None
    service = await start_service(config.db_url, settings=config.settings,
                                  token_file=config.token_file, files_dir=config.files_dir,
                                  public_url=config.public_url, sock=sock, clustered=True,
                                  trusted_roots=load_certificates(config.trusted_roots_pem),
                                  tls=config.tls, ca=ca)
    ready.put(("ready", service.port))
    try:
        await stop.wait()
    finally:
        await service.stop()


async def supervise(config: WorkerConfig, workers: int) -> int:
    """Start ``workers`` processes; return once they have all stopped (0) or one failed (1).

    Port 0 means any free port: it is picked here, and held until every worker has bound it.
    """
    holder = None
    if config.port == 0:
        holder = reuseport_socket(config.host, 0)
        config = dataclasses.replace(config, port=int(holder.getsockname()[1]))
    context = mp.get_context("spawn")  # a fresh interpreter each: no inherited event loop
    ready = context.Queue()
    processes: list[BaseProcess] = [
        context.Process(target=_worker_main, args=(config, ready), name=f"csms worker {n}",
                        daemon=False) for n in range(workers)]
    for process in processes:
        process.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        started = 0
        while started < workers:
            try:
                kind, detail = await asyncio.to_thread(ready.get, True, 0.5)
            except queue.Empty:
                if stop.is_set():
                    return 0
                if any(not process.is_alive() for process in processes):
                    print("paalwerk service: a worker process exited while starting",
                          file=sys.stderr)
                    return 1
                continue
            if kind != "ready":
                print(f"paalwerk service: a worker could not start: {detail}",
                      file=sys.stderr)
                return 1
            started += 1
        if holder is not None:
            holder.close()
        ws, http = config.scheme
        print(f"Paalwerk CSMS: {workers} worker processes; poles connect to "
              f"{ws}://{config.host}:{config.port}/ocpp/<pole-id>", flush=True)
        print(f"Operator API: {http}://{config.host}:{config.port}/api/v1 "
              f"(OpenAPI at /docs)", flush=True)
        print(_trust_summary(config.trusted_roots_pem), flush=True)
        log_listen_queue()  # once for all: every worker's socket asks the same
        while not stop.is_set():
            if any(not process.is_alive() for process in processes):
                print("paalwerk service: a worker process died; stopping the others",
                      file=sys.stderr)
                return 1
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    await stop.wait()
        return 0
    finally:
        await asyncio.to_thread(_stop_all, processes)


def _trust_summary(pem: str) -> str:
    from pole_link.firmware.signing import load_certificates
    from service.api.firmware_packages import trust_summary

    return trust_summary(load_certificates(pem))


def _stop_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive() and process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()  # SIGTERM: the worker closes its connections cleanly
    for process in processes:
        process.join(STOP_GRACE_S)
        if process.is_alive():
            process.kill()
            process.join()
