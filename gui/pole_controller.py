"""One pole as the GUI sees it: a `PoleSession` over any link, as Qt signals.

Views never touch the session's protocol: they call this controller's methods and
listen to its signals. It owns the one reconnect policy of the app: a lost link is
shown at once ("lost"), then retried with growing pauses until it comes back or the
user disconnects, so a technician walking away from the pole with the laptop sees the
state honestly and never a frozen window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from ocpp.v16.enums import AvailabilityType, MessageTrigger
from PySide6.QtCore import QCoreApplication, QObject, Signal

from gui.error_words import explain
from gui.pole_state import LinkState
from gui.tasks import TaskRunner
from pole_link.cancel import cancel_and_wait
from pole_link.errors import (
    ConnectError,
    LinkTimeout,
    PoleLinkError,
    PoleOffline,
)
from pole_link.session import PoleIdentity, PoleSession, SelfTestName
from pole_link.site_access import PoleAccess, open_for_writing
from pole_link.token_wallet import TokenWallet
from pole_link.transports import PoleAddress, open_link

LOGGER = logging.getLogger(__name__)

RETRY_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)
"""Pauses between reconnection attempts; the last one repeats."""
LOCAL_LIVE_MS = 100
REMOTE_LIVE_MS = 1000
SILENCE_INTERVALS = 10
SILENCE_MIN_S = 5.0


class PoleController(QObject):
    """Connects to one pole, keeps the live stream running, and sends commands."""

    state_changed = Signal(str, str)
    """(`LinkState`, a sentence for the status line)"""
    identity_changed = Signal(object)
    """`PoleIdentity` of the pole just connected."""
    sample_received = Signal(object)
    """Every `LiveSample` as it arrives."""
    command_finished = Signal(str, str)
    """(what was asked, the pole's answer) — shown to the user as the result."""
    command_failed = Signal(str, object)
    """(what was asked, why it failed: the exception, or a sentence for the user)"""
    self_test_done = Signal(object)
    """A `SelfTestResult`."""
    access_changed = Signal(object)
    """`PoleAccess`: after each ``Auth``, whether writes are allowed and why not."""

    def __init__(self, parent: QObject | None = None, *, token: str | None = None,
                 wallet: TokenWallet | None = None,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS_S) -> None:
        super().__init__(parent)
        self.token = token
        """A token to use whatever the wallet holds (tests, ``--token``); None: the wallet's."""
        self.wallet = wallet or TokenWallet()
        self.access: PoleAccess | None = None
        self.retry_delays = retry_delays
        self.address: PoleAddress | None = None
        self.session: PoleSession | None = None
        self.identity: PoleIdentity | None = None
        self.state = LinkState.DISCONNECTED
        self._options: dict[str, Any] = {}
        self._runner: asyncio.Task[None] | None = None
        self._connected_once = False
        self._commands = TaskRunner(
            lambda what, error: self.command_failed.emit(what, error))

    # ------------------------------------------------------------ connection
    def connect_to(self, address: PoleAddress, **options: Any) -> None:
        """Open ``address`` (closing any earlier pole) and keep it open until `disconnect`."""
        self._stop_runner()
        self.address = address
        self._options = options
        # From now on nothing may reach or show the previous pole (its link is closing).
        self.session = None
        self._set_state(LinkState.CONNECTING, self.tr("connecting to %1…").replace(
            "%1", address.label))
        self._runner = asyncio.ensure_future(self._keep_connected(address, options))

    def close_pole(self) -> None:
        self._stop_runner()
        self.address = None
        self._set_state(LinkState.DISCONNECTED, "not connected")

    async def aclose(self) -> None:
        """Stop everything and wait for it: used when the window closes."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await cancel_and_wait(runner, Exception)
        await self._commands.cancel_all()

    def _stop_runner(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            self._runner = None

    async def _keep_connected(self, address: PoleAddress, options: dict[str, Any]) -> None:
        attempt = 0
        self._connected_once = False
        while True:
            self._set_state(LinkState.CONNECTING, self.tr("connecting to %1…").replace(
                "%1", address.label))
            try:
                await self._session_lifetime(address, options)
                attempt = 0
                reason = self.tr("the link ended")
            except PoleLinkError as exc:
                LOGGER.info("%s: %s: %s", address.label, type(exc).__name__, exc)
                if (isinstance(exc, ConnectError) and not self._connected_once
                        and address.transport != "csms"):
                    # A port or BLE address that never opened (wrong path, cable out, in
                    # use) will not heal by retrying for ever: say so and stop.
                    self._set_state(LinkState.DISCONNECTED, self.tr(
                        "%1 Check the cable or the address and connect again.").replace(
                        "%1", explain(exc).sentence.text(QCoreApplication.translate)))
                    return
                reason = explain(exc).sentence.text(QCoreApplication.translate)
                if isinstance(exc, PoleOffline):
                    reason = self.tr("%1 is offline at the service: waiting for it to come "
                                     "back").replace("%1", address.label)
            delay = self.retry_delays[min(attempt, len(self.retry_delays) - 1)]
            attempt += 1
            self._set_state(LinkState.LOST, self.tr("%1 — retrying in %2 s").replace(
                "%1", reason).replace("%2", f"{delay:g}"))
            await asyncio.sleep(delay)

    async def _session_lifetime(self, address: PoleAddress, options: dict[str, Any]) -> None:
        session = PoleSession(open_link(address, **options))
        try:
            identity = await session.open()
            await self._authorise(session, identity.pole_id, address.transport == "csms")
            self.session, self.identity = session, identity
            self._connected_once = True
            self.identity_changed.emit(identity)
            via = (self.tr("a replay of its message log")
                   if session.link.transport == "replay" else session.link.description)
            self._set_state(LinkState.CONNECTED, self.tr("%1 via %2").replace(
                "%1", identity.pole_id).replace("%2", via))
            interval = REMOTE_LIVE_MS if address.transport == "csms" else LOCAL_LIVE_MS
            silence_s = max(SILENCE_MIN_S, SILENCE_INTERVALS * interval / 1000)
            async with session.live(interval) as stream:
                while True:
                    try:
                        async with asyncio.timeout(silence_s):
                            sample = await anext(stream)
                    except TimeoutError:
                        # A pole that rebooted or ended the session stops streaming without
                        # closing the cable: silence is the only symptom, so it counts as lost.
                        raise LinkTimeout(f"no live data for {silence_s:g} s") from None
                    self.sample_received.emit(sample)
        finally:
            self.session = None
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await session.close()

    async def _authorise(self, session: PoleSession, pole_id: str, via_service: bool) -> None:
        """``Auth`` with the wallet's token for this pole (the PIN on a factory-fresh one);
        a refusal leaves the link open read-only, with the pole's reason to show."""
        self._set_access(await open_for_writing(session, pole_id, self.wallet,
                                                token=self.token, via_service=via_service))

    def _set_access(self, access: PoleAccess) -> None:
        self.access = access
        self.access_changed.emit(access)

    def _set_state(self, state: LinkState, detail: str) -> None:
        self.state = state
        self.state_changed.emit(state.value, detail)

    # ------------------------------------------------------------ commands
    def command(self, what: str,
                action: Callable[[PoleSession], Coroutine[Any, Any, Any]]) -> None:
        """Run ``action(session)``; the answer or the failure comes back as a signal."""
        self._run(what, action,
                  lambda answer: self.command_finished.emit(what, _answer_text(answer)))

    async def day_schedule(self) -> dict[str, Any]:
        """The pole's own composite schedule for the next 24 h (connector 0: the pole)."""
        session = self.session
        if session is None:
            raise ConnectError("not connected to a pole")
        return await session.composite_schedule(0, 86_400)

    @property
    def options(self) -> dict[str, Any]:
        """The `open_link` options of the current pole (e.g. ``service=``)."""
        return dict(self._options)

    @property
    def service(self) -> Any:
        """The `ServiceEndpoint` when the pole is reached through a service, else None."""
        return self._options.get("service") if self.address is not None else None

    def set_light_intensity(self, percent: int) -> None:
        self.command(f"LED intensity {percent} %",
                     lambda session: session.set_light_intensity(percent))

    def remote_start(self, connector_id: int, id_tag: str) -> None:
        self.command(f"Start charging on socket {connector_id}",
                     lambda session: session.remote_start(connector_id, id_tag))

    def remote_stop(self, transaction_id: int) -> None:
        self.command(f"Stop transaction {transaction_id}",
                     lambda session: session.remote_stop(transaction_id))

    def unlock(self, connector_id: int) -> None:
        self.command(f"Unlock socket {connector_id}",
                     lambda session: session.unlock(connector_id))

    def report_status(self, connector_id: int) -> None:
        """TriggerMessage StatusNotification: the socket tells the back office its state
        now, e.g. after a repair, instead of at its next change."""
        self.command(f"Report status of socket {connector_id}",
                     lambda session: session.trigger(MessageTrigger.status_notification,
                                                     connector_id))

    def soft_reset(self, on_accepted: Callable[[], None] | None = None) -> None:
        def accepted(answer: Any) -> None:
            self.command_finished.emit("Soft reset", _answer_text(answer))
            if on_accepted is not None and _answer_text(answer) == "Accepted":
                on_accepted()

        self._run("Soft reset", lambda session: session.reset(), accepted)

    def set_availability(self, connector_id: int, operative: bool) -> None:
        kind = AvailabilityType.operative if operative else AvailabilityType.inoperative
        what = (f"Socket {connector_id} back in service" if operative
                else f"Socket {connector_id} out of service")
        self.command(what, lambda session: session.change_availability(connector_id, kind))

    def clear_fault(self, connector_id: int) -> None:
        """Restart one socket (out of service, back in): a socket whose cause was fixed
        (an aardlekschakelaar reset) reports its state afresh; the other socket charges on."""
        async def restart(session: PoleSession) -> str:
            await session.change_availability(connector_id, AvailabilityType.inoperative)
            return await session.change_availability(connector_id, AvailabilityType.operative)

        self.command(f"Restart socket {connector_id}", restart)

    def self_test(self, test: SelfTestName, connector_id: int) -> None:
        """Run a self test quietly; the result arrives as `self_test_done`."""
        self._run(f"Self test {test}", lambda session: session.self_test(test, connector_id),
                  self.self_test_done.emit)

    def _run(self, what: str, action: Callable[[PoleSession], Coroutine[Any, Any, Any]],
             done: Callable[[Any], None]) -> None:
        session = self.session
        if session is None:
            self.command_failed.emit(what, self.tr("not connected to a pole"))
            return
        self._commands.run(what, action(session), done)


def _answer_text(answer: Any) -> str:
    if isinstance(answer, StrEnum):
        return answer.value
    if isinstance(answer, str):
        return answer
    status = getattr(answer, "status", None)
    return str(status) if status is not None else "done"
