"""The event loop and HTTP parser the service runs on: uvloop and httptools where installed.

Why (issue 20): in a reconnect storm the service's CPU per reconnecting pole decides how
many boots are answered within OCPP's 30 s. cProfile of a 10,000-pole storm on the standard
loop put asyncio's own machinery high (``_run_once``, ``call_soon``, ``create_task``,
``Handle._run``: about a tenth of the loop's time) and every handshake in h11, uvicorn's
pure-Python HTTP parser. uvloop (libuv, in C) and httptools (llhttp) are uvicorn's own
"standard" choice for the same work, and most asyncio servers run on them.

Where: `run` is how ``paalwerk service`` runs its loop, in one process and in each
``--workers`` process (and how ``benchmarks/csms_load.py`` runs ours, so it measures the
same); `service.server.serve` asks uvicorn for `LoopChoice.http` and says once, at INFO,
what the running process got (`describe`). The desktop app's demo service is a
``paalwerk service`` child process, so it runs the same; the app's own loop stays qasync's
(Qt's event loop: uvloop cannot drive it), and the service never runs inside it.

Fallback: uvloop has no Windows build, and either may be missing from an installation
(both are optional in ``pyproject.toml``): then the standard asyncio loop and h11, as before.
``PAALWERK_EVENT_LOOP=asyncio`` asks for that pair even where both are installed — for an
operator who suspects the C parts, and for measuring what they are worth.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import Any, TypeVar

__all__ = ["ENVIRONMENT", "LoopChoice", "choose", "describe", "loop_name", "run"]

ENVIRONMENT = "PAALWERK_EVENT_LOOP"
"""``asyncio``: the standard loop and h11 even where uvloop and httptools are installed."""

T = TypeVar("T")


@dataclass(frozen=True)
class LoopChoice:
    """What a service process runs on."""

    loop: str
    """``uvloop`` or ``asyncio``."""
    http: str
    """uvicorn's HTTP parser: ``httptools`` or ``h11``."""
    factory: Callable[[], asyncio.AbstractEventLoop] | None
    """Makes the loop (None: the standard one)."""


def _importable(name: str, importer: Callable[[str], ModuleType]) -> ModuleType | None:
    try:
        return importer(name)
    except ImportError:
        return None


def choose(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
           importer: Callable[[str], ModuleType] = importlib.import_module) -> LoopChoice:
    """uvloop and httptools where they are installed (uvloop not on Windows) and not turned
    off with ``PAALWERK_EVENT_LOOP=asyncio``; the standard loop and h11 otherwise."""
    wanted = environ.get(ENVIRONMENT, "").strip().lower()
    if wanted not in ("", "auto", "uvloop", "asyncio"):
        raise ValueError(f"{ENVIRONMENT}={wanted!r}: use 'asyncio' (the standard loop and "
                         "h11) or leave it unset (uvloop and httptools where installed)")
    if wanted == "asyncio":
        return LoopChoice("asyncio", "h11", None)
    uvloop = None if platform == "win32" else _importable("uvloop", importer)
    http = "httptools" if _importable("httptools", importer) is not None else "h11"
    if uvloop is None:
        return LoopChoice("asyncio", http, None)
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return LoopChoice("uvloop", http, factory)


def run(main: Coroutine[Any, Any, T], choice: LoopChoice | None = None) -> T:
    """``asyncio.run(main)`` on the chosen loop (`choose`)."""
    factory = (choice or choose()).factory
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """The package whose loop this is: ``uvloop``, ``asyncio``, ``qasync``…"""
    return type(loop).__module__.split(".", 1)[0]


def _version(package: str) -> str:
    try:
        return " " + metadata.version(package)
    except metadata.PackageNotFoundError:  # the standard library's, or a frozen bundle
        return ""


def describe(loop: asyncio.AbstractEventLoop, http: str) -> str:
    """One line for the start-up log: the running loop and uvicorn's parser, with versions."""
    name = loop_name(loop)
    return (f"event loop: {name}{_version(name) if name != 'asyncio' else ''}; "
            f"HTTP parser: {http}{_version(http)}")
