"""``paalwerk`` / ``paalwerk gui``: the desktop app on a qasync event loop.

qasync, not QtAsyncio: the app needs sockets and file-descriptor readers (websockets,
serial, bleak on BlueZ), which QtAsyncio cannot do. Qt and asyncio share one thread, so
every slot stays short and every wait is an ``await``.

Without ``--service`` the demo starts (a service and virtual poles in child processes).
Window close, Ctrl-C and SIGTERM all end in the same shutdown, which stops the children.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.demo import DemoStack

if TYPE_CHECKING:
    from gui.views.main_window import MainWindow

LANGUAGE_CODES = ("en", "nl")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paalwerk gui", description=(
        "The Paalwerk desktop app. Without --service it starts the demo: a local service "
        "and virtual poles, no configuration needed."))
    parser.add_argument("--service", metavar="URL",
                        help="a running 'paalwerk service', e.g. http://127.0.0.1:8180")
    parser.add_argument("--token", help="its API token (default: $PAALWERK_SERVICE_TOKEN, "
                                        "then the token remembered in your keyring)")
    parser.add_argument("--language", choices=LANGUAGE_CODES,
                        help="user-interface language (default: the system's)")
    return parser


STARTUP_TRACE_ENV = "PAALWERK_TRACE_STARTUP"
"""When set, print one line at the first live sample (`benchmarks/gui_startup.py` reads it)."""


def _trace_first_sample(window: MainWindow) -> None:
    def first(_sample: object) -> None:
        window.controller.sample_received.disconnect(first)
        print("paalwerk: first live sample", flush=True)

    def fleet(state: str) -> None:
        print(f"paalwerk: fleet {state} ({window.fleet_model.rowCount()} poles)", flush=True)

    window.controller.sample_received.connect(first)
    window.feed.state_changed.connect(fleet)


async def _window_ends(window: MainWindow) -> str | None:
    """None when the window closes; the language code when the user picks a language."""
    ended: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()

    def finish(result: str | None) -> None:
        if not ended.done():
            ended.set_result(result)

    window.closed.connect(lambda: finish(None))
    window.language_chosen.connect(finish)
    return await ended


async def _run(window: MainWindow) -> None:
    """Until the window closes; a language change rebuilds the window and carries on."""
    from gui.commissioning.reports_list import remove_downloads
    from gui.i18n import switch_language
    from gui.views.main_window import MainWindow

    loop = asyncio.get_running_loop()
    current = [window]
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(current[0].close))
    while True:
        language = await _window_ends(window)
        if language is None:
            await window.shutdown()
            remove_downloads()  # the reports' PDFs opened from the service
            return
        state = window.handover()
        await window.shutdown(stop_demo=False)
        window.hide()
        window.deleteLater()
        switch_language(language)
        window = MainWindow()
        current[0] = window
        window.take_over(state)
        window.show()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo's children start first, so their start-up overlaps with loading Qt here.
    demo = None if args.service else DemoStack.launch()
    try:
        return _gui(args, demo)
    finally:
        if demo is not None:
            demo.stop()


def _gui(args: argparse.Namespace, demo: DemoStack | None) -> int:
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.i18n import preferred_language, switch_language
    from gui.icons import app_icon
    from gui.settings import remembered_token
    from gui.views.main_window import MainWindow
    from pole_link.service_api import ServiceEndpoint

    if sys.platform == "win32":  # bleak's WinRT backend and Qt's COM apartment (bleak docs)
        from bleak.backends.winrt.util import allow_sta

        allow_sta()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # the shutdown coroutine ends the app, not Qt
    app.setApplicationName("Paalwerk")
    app.setOrganizationName("Paalwerk")
    app.setWindowIcon(app_icon())
    switch_language(args.language or preferred_language())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    if os.environ.get(STARTUP_TRACE_ENV):
        _trace_first_sample(window)
    if args.service:
        token = args.token or os.environ.get("PAALWERK_SERVICE_TOKEN") or remembered_token(
            args.service)
        if token:
            window.connect_view.use_service(ServiceEndpoint(args.service, token),
                                            remember=True)
        else:
            window.connect_view.url.setText(args.service)
            window.messages.show_error(
                f"No API token for {args.service}: type it in the Connect view",
                "pass --token, set PAALWERK_SERVICE_TOKEN, or let the app remember it")
    elif demo is not None:
        window.start_demo(demo)
    window.show()
    # Python handles signals only when it runs bytecode: let it look a few times a second.
    ticker = QTimer(interval=200)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    with loop:
        loop.run_until_complete(_run(window))
    return 0
