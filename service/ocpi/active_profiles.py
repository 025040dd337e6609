"""The ActiveChargingProfile of sessions an eMSP shapes (mod_charging_profiles, the eMSP's
Sender interface; eis 62), kept up to date with what the pole really applies.

OCPI 2.2.1: once a Sender has successfully set a profile for a session, the CPO "SHALL
keep the Sender updated with changes to the ActiveChargingProfile of that Session" —
changes the eMSP did not cause too: the tender's capacity profile stepping down at 17:00,
an operator changing the pole's settings, an OSCP group cap, an overrule. The CSMS cannot
see a pole's composite change by itself, so it reads it again (``GetCompositeSchedule``)
whenever the pole reports on the session (meter values every 15 min of the pole's time,
and transaction events) and PUTs it to the eMSP when the limit in force changed.

OCPI's ChargingProfileResult has no message field, so an eMSP learns that its profile was
capped by that ActiveChargingProfile (its limit below the one asked for); the CSMS writes
the cap in the audit trail, naming the eMSP, the session and both limits.

Followed sessions are shared with the other processes of a ``--workers`` service
(`service.cluster`, state "ocpi-profiles"): the eMSP's PUT may reach one process while the
pole's meter values reach another.

They are stored too (`service.ocpi.followed_store`) and read back at start: a session runs
for hours, and a restarted service must still tell its eMSP when the peak lowers it. The
process that follows or forgets a session writes its row; any process that sees the
session end removes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pole_link.errors import PoleLinkError
from service.api.routes import PoleConnections
from service.ocpi.client import PartnerCallError
from service.ocpi.followed_store import FollowedRow, FollowedStore
from service.ocpi.models import (
    ActiveChargingProfile,
    ActiveChargingProfileResult,
    ChargingProfilePeriod,
    ChargingProfileResultType,
    OcpiChargingProfile,
    dumped,
)
from service.ocpi.partner_store import PartnerRow, PartnerStatus
from service.ocpi.registry import Registry
from service.storage.models import Transaction
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
POLE_TIMEOUT_S = 30
ACTIVE_WINDOW_S = 24 * 3600
"""How far ahead a pushed ActiveChargingProfile reaches."""
SAME_LIMIT = 0.05
"""Limits closer than this (A or W) are the same: the pole rounds to 0.1."""


@dataclass
class Followed:
    """A session whose eMSP set a profile: what it asked, and what it was last told."""

    partner_id: int
    asked: float | None
    """The eMSP's limit at the profile's start (A), when its profile is in amperes."""
    to: tuple[str, str] | None = None
    """The party that set the profile (routing headers), for the partner's platform."""
    told: float | None = None
    """The limit in force in the last ActiveChargingProfile pushed to the eMSP."""


def limit_now(profile: ActiveChargingProfile) -> float | None:
    """The limit of the active profile's first period: what the session gets now."""
    periods = profile.charging_profile.charging_profile_period or []
    return periods[0].limit if periods else None


class ActiveProfiles:
    """Reads sessions' active profiles from their poles and keeps their eMSPs told."""

    def __init__(self, registry: Registry, repository: AsyncRepository,
                 connections: PoleConnections, clock: Callable[[], datetime],
                 store: FollowedStore | None = None) -> None:
        self.registry, self.repository = registry, repository
        self.store = store
        self.connections, self.clock = connections, clock
        self.followed: dict[int, Followed] = {}
        self.share: Callable[[dict[str, Any]], None] | None = None
        self._checking: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- reading the pole ---------------------------------------------------------------
    async def pole_call(self, transaction: Transaction, action: str,
                        payload: dict[str, Any]) -> dict[str, Any]:
        connection = self.connections.get(transaction.pole_id)
        if connection is None:
            raise PoleLinkError(f"pole {transaction.pole_id} is not connected")
        return await connection.call_action(action, payload, timeout=POLE_TIMEOUT_S)

    async def active_of(self, running: Transaction, duration: int
                        ) -> ActiveChargingProfileResult:
        """The pole's composite schedule for the session, as OCPI's active profile."""
        answered = await self.pole_call(running, "GetCompositeSchedule", {
            "connectorId": running.connector_id, "duration": max(1, duration),
            "chargingRateUnit": "A"})
        schedule = answered.get("chargingSchedule")
        if answered.get("status") != "Accepted" or not isinstance(schedule, dict):
            return ActiveChargingProfileResult(result=ChargingProfileResultType.REJECTED)
        start = answered.get("scheduleStart") or schedule.get("startSchedule")
        return ActiveChargingProfileResult(
            result=ChargingProfileResultType.ACCEPTED,
            profile=ActiveChargingProfile(
                start_date_time=datetime.fromisoformat(str(start).replace("Z", "+00:00"))
                if start else self.clock(),
                charging_profile=OcpiChargingProfile(
                    charging_rate_unit=schedule.get("chargingRateUnit", "A"),
                    duration=schedule.get("duration"),
                    charging_profile_period=[
                        ChargingProfilePeriod(start_period=int(item["startPeriod"]),
                                              limit=float(item["limit"]))
                        for item in schedule.get("chargingSchedulePeriod", [])])))

    # -- which sessions ----------------------------------------------------------------
    async def load(self) -> None:
        """The sessions followed before the service (re)started, still running."""
        if self.store is None:
            return
        for row in await self.store.listed():
            transaction = await self.repository.get_transaction(row.transaction_id)
            if transaction is None or transaction.stopped is not None:
                await self.store.delete(row.transaction_id)
                continue
            to = [row.to_country, row.to_party] if row.to_country and row.to_party else None
            self.adopt({"session": row.transaction_id, "partner": row.partner_id,
                        "asked": row.asked, "to": to})

    async def follow(self, transaction_id: int, partner_id: int, asked: float | None,
                     to: tuple[str, str] | None = None) -> None:
        """The eMSP set a profile for the session: keep it told from now on, after a
        restart too."""
        data = {"session": transaction_id, "partner": partner_id, "asked": asked,
                "to": list(to) if to is not None else None}
        self.adopt(data)
        if self.share is not None:
            self.share(data)
        if self.store is not None:
            await self.store.save(FollowedRow(
                transaction_id=transaction_id, partner_id=partner_id, asked=asked,
                to_country=to[0] if to is not None else None,
                to_party=to[1] if to is not None else None))

    async def forget(self, transaction_id: int) -> None:
        """The eMSP deleted its profile: its session is no longer followed."""
        data: dict[str, Any] = {"session": transaction_id, "partner": None}
        self.adopt(data)
        if self.share is not None:
            self.share(data)
        if self.store is not None:
            await self.store.delete(transaction_id)

    def _ended(self, session: int) -> None:
        """The session stopped: nothing more to tell, here or after a restart."""
        self.followed.pop(session, None)
        if self.store is not None:
            self._background(self._unstore(session), "OCPI followed session removed")

    async def _unstore(self, session: int) -> None:
        try:
            if self.store is not None:
                await self.store.delete(session)
        except Exception:
            LOGGER.exception("OCPI: the followed session %s not removed from storage",
                             session)

    def _background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def adopt(self, data: dict[str, Any]) -> None:
        """A session followed (or, with ``partner`` None, forgotten) by any process."""
        session = int(data["session"])
        if data.get("partner") is None:
            self.followed.pop(session, None)
            return
        asked, to = data.get("asked"), data.get("to")
        known = self.followed.get(session)
        self.followed[session] = Followed(
            int(data["partner"]), None if asked is None else float(asked),
            (str(to[0]), str(to[1])) if isinstance(to, list) and len(to) == 2 else None,
            known.told if known is not None else None)

    def offer(self, event: dict[str, Any]) -> None:
        """A pole's transaction or meter event: a followed session's limits read again."""
        number = event.get("transactionId")
        if number is None or int(number) not in self.followed:
            return
        session = int(number)
        if event.get("type") == "transaction" and event.get("event") == "stopped":
            self._ended(session)
            return
        if session in self._checking:
            return
        self._checking.add(session)
        self._background(self._check(session), "OCPI active profile")

    def pole_changed(self, pole_id: str) -> None:
        """The CSMS changed the pole's limits (capacity profile, grid group share): the
        followed sessions on it are read again now, not at their next meter values."""
        if not self.followed:
            return
        self._background(self._pole_changed(pole_id), "OCPI active profiles")

    async def _pole_changed(self, pole_id: str) -> None:
        for session in list(self.followed):
            transaction = await self.repository.get_transaction(session)
            if transaction is not None and transaction.pole_id == pole_id:
                self.offer({"type": "meterValues", "transactionId": session})

    async def _check(self, session: int) -> None:
        try:
            transaction = await self.repository.get_transaction(session)
            followed = self.followed.get(session)
            if transaction is None or transaction.stopped is not None:
                self._ended(session)
                return
            if followed is None:
                return
            partner = await self.registry.partners.get(followed.partner_id)
            if partner is not None and partner.status == PartnerStatus.REGISTERED:
                await self.push(partner, transaction)
        except Exception:
            LOGGER.exception("OCPI: active charging profile of session %s not checked",
                             session)
        finally:
            self._checking.discard(session)

    # -- telling the eMSP --------------------------------------------------------------
    async def push(self, partner: PartnerRow, running: Transaction, *,
                   always: bool = False) -> None:
        """The session's ActiveChargingProfile PUT to the eMSP's Sender interface when the
        limit in force changed since it was last told (``always``: after the eMSP's own
        change); a limit below the eMSP's goes into the audit trail."""
        session = int(running.id or 0)
        followed = self.followed.get(session)
        try:
            active = await self.active_of(running, ACTIVE_WINDOW_S)
            if active.profile is None:
                return
            now = limit_now(active.profile)
            told = followed.told if followed is not None else None
            if not always and told is not None and now is not None \
                    and abs(now - told) < SAME_LIMIT:
                return
            if followed is not None:
                followed.told = now
                if followed.asked is not None and now is not None \
                        and now < followed.asked - SAME_LIMIT:
                    await self._capped(partner, running, followed.asked, now)
            url = partner.endpoint("chargingprofiles", "SENDER")
            if url is None:
                return
            await self.registry.client_for(
                partner, followed.to if followed is not None else None).call(
                "PUT", f"{url}/{session}", dumped(active.profile))
        except (PoleLinkError, PartnerCallError, ValueError) as exc:
            LOGGER.info("OCPI: active charging profile of session %s not pushed: %s",
                        session, exc)

    async def _capped(self, partner: PartnerRow, running: Transaction, asked: float,
                      now: float) -> None:
        party = (f"{partner.country_code}-{partner.party_id}" if partner.party_id
                 else f"#{partner.id}")
        detail = (f"the charging profile of eMSP {partner.name} ({party}) for session "
                  f"{running.id} asks {asked:g} A; the pole gives {now:g} A (capped by its "
                  "capacity profile, grid group or connection limit)")
        LOGGER.info("OCPI: %s", detail)
        try:
            await self.repository.audit(f"ocpi:{party}", "chargingprofiles capped",
                                        detail, self.clock(), pole_id=running.pole_id,
                                        result="capped")
        except Exception:
            LOGGER.exception("OCPI: the cap of session %s not recorded", running.id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
