"""The asyncio task that drives every rollout, and what it hears from poles.

Everything a rollout knows is stored (`FirmwareRollout`, `FirmwareRolloutPole`); this
object keeps nothing a restart would lose, so a new service on the same database picks
up where the old one stopped (only which poles are legacy is remembered in memory, and
asked again after a restart). A pole is marked ``sent`` *before* the release goes
out (SignedUpdateFirmware, or UpdateFirmware to a legacy pole: `ReleaseSender`), so a
restart never sends it twice: it is followed up (its statuses, its boot) and
times out if nothing comes.

Pole state moves by compare-and-set (`Repository.move_rollout_pole`), so what a pole
reports (its FirmwareStatusNotification, its BootNotification) and what the runner
decides (send, time out, cancel) never overwrite each other's newer state, and the
pole's reports need no lock: its OCPP reader never waits on the runner.

Time: every decision (start window, peak, offline too long, step timeout) is taken on
the injected service clock; only how often the runner looks is wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pole_link.timeutil import format_time
from service.api.routes import ApiError, PoleConnections
from service.files.store import FileStore
from service.live.events import Event, rollout_event, rollout_pole_event
from service.ocpp.pole_handler import Clock
from service.rollouts.leader import Leader
from service.rollouts.plan import may_start, version_below
from service.rollouts.send import ReleaseSender
from service.storage.models import FirmwareRollout, FirmwareRolloutPole
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

PENDING = "pending"
SENDING = "sending"
"""Stored before UpdateFirmware goes out: a restart follows it up, never sends again."""
SENT = "sent"
"""The pole accepted UpdateFirmware."""
INSTALLED = "Installed"
FAILED = "failed"
CANCELLED = "cancelled"
IN_FLIGHT = (SENDING, SENT, "Downloading", "Downloaded", "Installing")
"""A pole the release was sent to and that has not ended either way."""
REPORTED_STEPS = ("Downloading", "Downloaded", "Installing")
SIGNED_STEPS = {"DownloadScheduled": SENT, "DownloadPaused": "Downloading",
                "SignatureVerified": "Downloaded", "InstallScheduled": "Downloaded",
                "InstallRebooting": "Installing"}
"""The security whitepaper's further steps (SignedFirmwareStatusNotification), as the
rollout state they amount to; ``reported`` keeps the pole's own word."""
FAILURES = {
    "DownloadFailed": "DownloadFailed",
    "InstallationFailed": "InstallationFailed",
    "InvalidSignature": "InvalidSignature: the pole found the image's signature invalid "
                        "and keeps its firmware",
    "InstallVerificationFailed": "InstallVerificationFailed: the pole could not verify the "
                                 "image for installing and keeps its firmware",
}
"""A status that ends the pole's update, and the rollout's reason for it."""

RUNNING, PAUSED, HALTED, FINISHED = "running", "paused", "halted", "finished"
ROLLOUT_OPEN = (RUNNING, PAUSED, HALTED)

TICK_S = 1.0
"""How often (wall time) the runner looks for timeouts and free places without a nudge."""
SEND_TIMEOUT_S = 30.0


class RolloutError(Exception):
    """A request the runner refuses: ``status``/``code`` as the API answers them."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True)
class RolloutPlan:
    """What an operator asks for (`service.api.rollouts` validates it)."""

    sha256: str
    pole_ids: Sequence[str] | None = None
    version_below: str | None = None
    concurrency: int = 1
    window_start: str | None = None
    window_end: str | None = None
    avoid_peak: bool = True
    halt_after_failures: int | None = None
    halt_after_percent: float | None = None
    offline_limit_s: int = 86400
    step_timeout_s: int = 3600


class RolloutRunner:
    """Starts poles as places free up, follows them, halts, finishes."""

    def __init__(self, repository: AsyncRepository, connections: PoleConnections,
                 files: FileStore, location: Callable[[str, str], str], *,
                 clock: Clock, tick_s: float = TICK_S, leader: Leader | None = None,
                 events: Callable[[Event], None] | None = None,
                 sender: ReleaseSender | None = None) -> None:
        self.repository = repository
        self.connections = connections
        self.files = files
        self.location = location
        """The URL poles fetch an image from, by SHA-256 and file name."""
        self.clock = clock
        self.tick_s = tick_s
        self.leader = leader
        """Several processes on one database: only the leader starts poles."""
        self.sender = sender or ReleaseSender(connections, repository, files,
                                              timeout_s=SEND_TIMEOUT_S)
        """SignedUpdateFirmware to poles that know it, UpdateFirmware to legacy ones."""
        self.events = events
        """Where each stored change goes out to operators (`LiveHub.publish`: the live
        feed, of every process of a cluster)."""
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    def nudge(self) -> None:
        """Look again now (a pole reported, an operator changed a rollout)."""
        self._wake.set()

    async def run(self) -> None:
        """The service's background task: one step per nudge or tick, for ever."""
        while True:
            self._wake.clear()  # before the step: a nudge during it means look again
            try:
                if self.leader is None or await self.leader.held():
                    await self.step()
            except Exception:
                LOGGER.exception("rollout step failed; trying again")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.tick_s):
                    await self._wake.wait()

    # ------------------------------------------------------------ stored, then told
    async def _move_pole(self, rollout_id: int, pole_id: str, state: str, at: datetime, *,
                         only_from: Sequence[str], reason: str | None = None,
                         reported: str | None = None, sent: bool = False) -> bool:
        """`Repository.move_rollout_pole`; a move that happened goes on the live feed, so
        operators see it at once instead of at their next read."""
        moved = await self.repository.move_rollout_pole(
            rollout_id, pole_id, state, at, only_from=only_from, reason=reason,
            reported=reported, sent=sent)
        if moved and self.events is not None:
            self.events(rollout_pole_event(rollout_id, pole_id, state, reason, reported, at))
        return moved

    async def _set_state(self, rollout_id: int, state: str, reason: str | None, at: datetime,
                         *, only_from: Sequence[str], failures_acknowledged: int | None = None
                         ) -> bool:
        """`Repository.set_rollout_state`, and on the live feed when it moved."""
        moved = await self.repository.set_rollout_state(
            rollout_id, state, reason, at, only_from=only_from,
            failures_acknowledged=failures_acknowledged)
        if moved and self.events is not None:
            self.events(rollout_event(rollout_id, state, reason, at))
        return moved

    # ------------------------------------------------------------ operator requests
    async def create(self, plan: RolloutPlan) -> FirmwareRollout:
        package = await self.repository.firmware_package(plan.sha256)
        if package is None:
            raise RolloutError(404, "UnknownPackage",
                               f"no accepted firmware package has the image SHA-256 "
                               f"{plan.sha256!r}: upload it to POST /api/v1/firmware/packages")
        poles = {pole.id: pole for pole in await self.repository.list_poles()}
        if plan.pole_ids is not None:
            unknown = [pole_id for pole_id in plan.pole_ids if pole_id not in poles]
            if unknown:
                raise RolloutError(404, "UnknownPole",
                                   f"no pole with id {', '.join(map(repr, unknown))} is "
                                   "registered")
            chosen = list(dict.fromkeys(plan.pole_ids))
        else:
            chosen = sorted(poles)
        models = json.loads(package.models)
        if models:  # a release only goes to the models it was built (and signed) for
            unfit = [pole_id for pole_id in chosen if poles[pole_id].model not in models]
            if plan.pole_ids is not None and unfit:
                raise RolloutError(422, "WrongModel",
                                   f"{', '.join(unfit)} is not a {' or '.join(models)}: "
                                   f"this release is not for it")
            chosen = [pole_id for pole_id in chosen if pole_id not in unfit]
        if plan.version_below is not None:
            limit = plan.version_below
            chosen = [pole_id for pole_id in chosen
                      if version_below(poles[pole_id].firmware, limit)]
        async with self._lock:
            # A pole waiting for or updating in another rollout is left to that one:
            # named, the request is refused; chosen by a filter, it is skipped. (Checked
            # under this process's lock; two processes of a cluster creating rollouts of
            # the same pole at the same instant are not kept apart.)
            busy = await self.repository.poles_in_open_rollouts(ROLLOUT_OPEN,
                                                                (PENDING, *IN_FLIGHT))
            if plan.pole_ids is not None and busy.intersection(chosen):
                raise RolloutError(422, "PoleInRollout",
                                   f"{', '.join(sorted(busy.intersection(chosen)))} already "
                                   "wait(s) for or run(s) an update in another rollout")
            chosen = [pole_id for pole_id in chosen if pole_id not in busy]
            if not chosen:
                raise RolloutError(422, "NoPoles", "no pole matches: nothing to roll out")
            now = self.clock()
            rollout = await self.repository.add_rollout(FirmwareRollout(
                sha256=package.sha256, version=package.version, state=RUNNING,
                concurrency=plan.concurrency, window_start=plan.window_start,
                window_end=plan.window_end, avoid_peak=plan.avoid_peak,
                halt_after_failures=plan.halt_after_failures,
                halt_after_percent=plan.halt_after_percent,
                offline_limit_s=plan.offline_limit_s, step_timeout_s=plan.step_timeout_s,
                created_at=now, updated_at=now),
                [(pole_id, poles[pole_id].firmware) for pole_id in chosen])
        if self.events is not None:
            assert rollout.id is not None
            self.events(rollout_event(rollout.id, RUNNING, None, now))
        await self.repository.audit("api", "firmware rollout created",
                                    f"#{rollout.id} {package.version} {package.sha256} to "
                                    f"{len(chosen)} pole(s)", at=now)
        self.nudge()
        return rollout

    async def pause(self, rollout_id: int) -> FirmwareRollout:
        return await self._operator(rollout_id, PAUSED, (RUNNING,), "paused by the operator")

    async def resume(self, rollout_id: int) -> FirmwareRollout:
        """Paused or halted → running. Resuming a halt acknowledges the failures so far:
        the threshold then counts only new ones."""
        failed = sum(entry.state == FAILED
                     for entry in await self.repository.rollout_poles(rollout_id))
        return await self._operator(rollout_id, RUNNING, (PAUSED, HALTED), None,
                                    failures_acknowledged=failed)

    async def cancel(self, rollout_id: int) -> FirmwareRollout:
        """No pole is started any more; poles already sent are still followed."""
        async with self._lock:
            rollout = await self._known(rollout_id)
            if not await self._set_state(
                    rollout_id, CANCELLED, "cancelled by the operator", self.clock(),
                    only_from=ROLLOUT_OPEN):
                raise RolloutError(422, "RolloutEnded", f"rollout {rollout_id} is "
                                                        f"{rollout.state}: nothing to cancel")
            now = self.clock()
            for entry in await self.repository.rollout_poles(rollout_id):
                if entry.state == PENDING:
                    await self._move_pole(
                        rollout_id, entry.pole_id, CANCELLED, now, only_from=(PENDING,),
                        reason="rollout cancelled before this pole was sent")
        await self.repository.audit("api", "firmware rollout cancelled", f"#{rollout_id}",
                                    at=self.clock())
        return await self._known(rollout_id)

    async def _operator(self, rollout_id: int, state: str, only_from: Sequence[str],
                        reason: str | None, *, failures_acknowledged: int | None = None
                        ) -> FirmwareRollout:
        async with self._lock:
            rollout = await self._known(rollout_id)
            acknowledged = failures_acknowledged if rollout.state == HALTED else None
            if not await self._set_state(
                    rollout_id, state, reason, self.clock(), only_from=only_from,
                    failures_acknowledged=acknowledged):
                raise RolloutError(422, "WrongState",
                                   f"rollout {rollout_id} is {rollout.state}, not "
                                   f"{' or '.join(only_from)}")
        await self.repository.audit("api", f"firmware rollout {state}", f"#{rollout_id}",
                                    at=self.clock())
        self.nudge()
        return await self._known(rollout_id)

    async def _known(self, rollout_id: int) -> FirmwareRollout:
        rollout = await self.repository.rollout(rollout_id)
        if rollout is None:
            raise RolloutError(404, "UnknownRollout", f"no rollout {rollout_id}")
        return rollout

    # ------------------------------------------------------------ what poles report
    async def firmware_status(self, pole_id: str, status: str, at: datetime) -> None:
        """A FirmwareStatusNotification (stored before the pole gets its answer)."""
        now = self.clock()
        for entry, _ in await self.repository.pole_in_rollouts(pole_id, IN_FLIGHT):
            if status in REPORTED_STEPS or status in SIGNED_STEPS:
                await self._move_pole(
                    entry.rollout_id, pole_id, SIGNED_STEPS.get(status, status), now,
                    only_from=IN_FLIGHT, reported=status)
            elif status in FAILURES:
                await self._move_pole(
                    entry.rollout_id, pole_id, FAILED, now, only_from=IN_FLIGHT,
                    reported=status, reason=FAILURES[status])
            elif status == "Installed":
                # Not yet: only the version the pole boots with confirms it.
                await self._move_pole(
                    entry.rollout_id, pole_id, "Installing", now, only_from=IN_FLIGHT,
                    reported=status, reason="installed; waiting for the pole to boot it")
        self.nudge()

    async def pole_booted(self, pole_id: str, firmware: str | None, at: datetime) -> None:
        """A BootNotification: the version it runs confirms (or refutes) an install."""
        now = self.clock()
        for entry, rollout in await self.repository.pole_in_rollouts(pole_id, IN_FLIGHT):
            if firmware == rollout.version:
                await self._move_pole(
                    entry.rollout_id, pole_id, INSTALLED, now, only_from=IN_FLIGHT)
            elif entry.state == "Installing":
                await self._move_pole(
                    entry.rollout_id, pole_id, FAILED, now, only_from=("Installing",),
                    reason=f"version did not change: the pole booted {firmware!r}, not "
                           f"{rollout.version!r} (rolled back)")
        self.nudge()

    # ------------------------------------------------------------ the step
    async def step(self) -> None:
        async with self._lock:
            # Cancelled ones too, while poles sent before the cancel are still followed.
            for rollout in await self.repository.rollouts_to_follow(
                    ROLLOUT_OPEN, (CANCELLED,), IN_FLIGHT):
                await self._step(rollout)

    async def _step(self, rollout: FirmwareRollout) -> None:
        assert rollout.id is not None
        now = self.clock()
        entries = await self.repository.rollout_poles(rollout.id)
        limit = timedelta(seconds=rollout.step_timeout_s)
        for entry in entries:  # follow-up: a pole that stays silent times out
            if entry.state not in IN_FLIGHT or now - entry.updated_at <= limit:
                continue
            reason = f"timeout: no progress for {rollout.step_timeout_s} s after {entry.state}"
            if self.connections.get(entry.pole_id) is None:
                reason = f"offline too long: not connected {rollout.step_timeout_s} s " \
                         f"after {entry.state}"
            if await self._move_pole(
                    rollout.id, entry.pole_id, FAILED, now, only_from=(entry.state,),
                    reason=reason):
                entry.state = FAILED
        if rollout.state == CANCELLED:
            return
        failed = sum(entry.state == FAILED for entry in entries)
        if all(entry.state not in (PENDING, *IN_FLIGHT) for entry in entries):
            await self._set_state(
                rollout.id, FINISHED, f"{failed} of {len(entries)} poles failed"
                if failed else None, now, only_from=(RUNNING, HALTED))
            return
        if self._past_threshold(rollout, entries):
            if rollout.state != HALTED:
                await self._set_state(
                    rollout.id, HALTED, f"halted: {failed} of {len(entries)} poles failed",
                    now, only_from=(RUNNING,))
                await self.repository.audit("service", "firmware rollout halted",
                                            f"#{rollout.id}: {failed} failed", at=now)
            return
        if rollout.state != RUNNING:
            return
        if not may_start(now, rollout.window_start, rollout.window_end, rollout.avoid_peak):
            return
        free = rollout.concurrency - sum(entry.state in IN_FLIGHT for entry in entries)
        pending = [entry for entry in entries if entry.state == PENDING]
        # The free places' UpdateFirmwares go out together, not one answer after another:
        # over modems each answer takes a second or more (up to SEND_TIMEOUT_S), and one
        # slow pole must not keep the others waiting.
        while free > 0 and pending:
            batch, pending = pending[:free], pending[free:]
            started = await asyncio.gather(*(self._start(rollout, entry, now)
                                             for entry in batch))
            free -= sum(started)

    @staticmethod
    def _past_threshold(rollout: FirmwareRollout, entries: list[FirmwareRolloutPole]
                        ) -> bool:
        failed = sum(entry.state == FAILED for entry in entries)
        failed -= rollout.failures_acknowledged
        if rollout.halt_after_failures is not None and failed >= rollout.halt_after_failures:
            return True
        return (rollout.halt_after_percent is not None and entries != []
                and 100.0 * failed / len(entries) >= rollout.halt_after_percent)

    async def _start(self, rollout: FirmwareRollout, entry: FirmwareRolloutPole,
                     now: datetime) -> bool:
        """Send the release to one pole: True if it took a place (sent, or tried)."""
        assert rollout.id is not None
        pole_id = entry.pole_id
        if self.connections.get(pole_id) is None:
            pole = await self.repository.get_pole(pole_id)
            since = max(rollout.created_at, pole.last_seen) if pole and pole.last_seen \
                else rollout.created_at
            if now - since > timedelta(seconds=rollout.offline_limit_s):
                await self._move_pole(
                    rollout.id, pole_id, FAILED, now, only_from=(PENDING,),
                    reason=f"offline too long: not connected for more than "
                           f"{rollout.offline_limit_s} s")
            return False
        image = await self.files.firmware(rollout.sha256)
        if image is None:
            await self._move_pole(
                rollout.id, pole_id, FAILED, now, only_from=(PENDING,),
                reason="the release's image is no longer stored")
            return False
        location = self.location(image.sha256, image.name)
        now = self.clock()  # the send's own time (`sent_at`), not the step's start
        # Stored before it is sent: a restart follows this pole up and never sends twice.
        if not await self._move_pole(rollout.id, pole_id, SENDING, now,
                                                       only_from=(PENDING,), sent=True):
            return False
        update_id = await self.repository.firmware_requested(pole_id, location, now)
        try:
            refused = await self.sender.send(pole_id, rollout.sha256, location,
                                             format_time(now), update_id)
        except ApiError as error:
            await self.repository.firmware_not_sent(update_id, self.clock())
            await self._move_pole(
                rollout.id, pole_id, PENDING, self.clock(), only_from=(SENDING,),
                reason=f"not sent: {error.description}")
            LOGGER.info("rollout #%s: %s not sent: %s", rollout.id, pole_id, error.description)
            return False
        if refused is not None:
            await self.repository.firmware_not_sent(update_id, self.clock())
            await self._move_pole(rollout.id, pole_id, FAILED, self.clock(),
                                  only_from=(SENDING,), reason=refused)
            LOGGER.warning("rollout #%s: %s refused %s: %s", rollout.id, pole_id,
                           rollout.version, refused)
            return False
        # Accepted (unless the pole already reported progress, which says as much).
        await self._move_pole(rollout.id, pole_id, SENT, self.clock(), only_from=(SENDING,))
        LOGGER.info("rollout #%s: %s sent %s", rollout.id, pole_id, rollout.version)
        return True


def rollout_json(rollout: FirmwareRollout, entries: list[FirmwareRolloutPole], *,
                 poles: bool = True) -> dict[str, Any]:
    """A rollout as the API shows it (`pole_link.service_api.RolloutRecord`); ``poles``:
    with each pole's state, not only the counts per state."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
    item: dict[str, Any] = {
        "id": rollout.id, "sha256": rollout.sha256, "version": rollout.version,
        "state": rollout.state, "reason": rollout.reason, "concurrency": rollout.concurrency,
        "window_start": rollout.window_start, "window_end": rollout.window_end,
        "avoid_peak": rollout.avoid_peak, "halt_after_failures": rollout.halt_after_failures,
        "halt_after_percent": rollout.halt_after_percent,
        "failures_acknowledged": rollout.failures_acknowledged,
        "offline_limit_s": rollout.offline_limit_s, "step_timeout_s": rollout.step_timeout_s,
        "created_at": rollout.created_at.isoformat(),
        "updated_at": rollout.updated_at.isoformat(), "counts": counts}
    if poles:
        item["poles"] = [{
            "pole_id": entry.pole_id, "state": entry.state, "reason": entry.reason,
            "reported": entry.reported, "from_version": entry.from_version,
            "sent_at": entry.sent_at.isoformat() if entry.sent_at else None,
            "updated_at": entry.updated_at.isoformat()} for entry in entries]
    return item
