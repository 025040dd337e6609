"""Sessions and CDRs (mod_sessions, mod_cdrs; we are their Sender): a transaction started with
an eMSP's token is PUT to that eMSP's Sessions receiver, again as the meter advances
(``kwh`` from the transaction's meter start), completed when it stops, and then a CDR is
POSTed to its CDRs receiver.

Only the eMSP whose token started the transaction hears of it; a local card's charges stay
ours. Events are handled one after another by one worker, so a session's completion is
never overtaken by an earlier meter reading; while they wait, a transaction's newer event
replaces its waiting reading (`SessionEvents`), so a storm's backlog cannot pile up here. A
transaction found to be a local card's is remembered (`LOCAL_RECHECK_S`), so its meter
values are not looked up again each time: in a reconnect storm every pole's queued meter
values arrived here, two database reads each, on one worker, and kept the service busy long
after the poles were answered. Its start and stop are always looked up, so a token pushed
mid-transaction still gets its session completed and its CDR. Costs are 0 until tariffs are
configured (issue 21, left for later): ``total_cost`` is required by the CDR object.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from service.ocpi.client import PartnerCallError
from service.ocpi.locations import evse_uid, location_of, stored_place
from service.ocpi.models import (
    AuthMethod,
    Cdr,
    CdrDimension,
    CdrLocation,
    CdrToken,
    ChargingPeriod,
    Price,
    Session,
    SessionStatus,
    Token,
    dumped,
)
from service.ocpi.partner_store import PartnerStatus
from service.ocpi.registry import Registry
from service.ocpi.session_events import SessionEvents, is_reading
from service.ocpi.tariffs import TariffStore
from service.ocpi.token_store import AsyncOcpiTokenRepository
from service.storage.models import Transaction
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
CURRENCY = "EUR"
LOCAL_RECHECK_S = 60.0
"""A transaction found to be a local card's has its meter values skipped this long; after
that the next one looks again (a token the eMSP pushed meanwhile is noticed then)."""
DRAIN_AT_MOST = 1000
"""Waiting events taken at once: a 5,000-pole storm's queue drained whole held the event
loop for 50 ms."""


class SessionPusher:
    def __init__(self, registry: Registry, repository: AsyncRepository,
                 tokens: AsyncOcpiTokenRepository, tariffs: TariffStore | None = None,
                 *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.registry, self.repository, self.tokens = registry, repository, tokens
        self.tariffs = tariffs
        self.monotonic = monotonic
        self._local: dict[int, float] = {}
        """Transaction id → when it was found to be a local card's (`LOCAL_RECHECK_S`)."""
        self._events = SessionEvents()
        self._worker: asyncio.Task[None] | None = None
        self.registered = registry.registered
        """Whether any partner is registered at all: without one no event is worth a
        read (`_run`)."""

    @property
    def waiting(self) -> int:
        """Events not handled yet (at most one meter reading per transaction)."""
        return len(self._events)

    def offer(self, event: dict[str, Any]) -> None:
        """A transaction or meter event of this process's poles."""
        if is_reading(event) and (event.get("transactionId") is None
                                  or event.get("energyWh") is None):
            return
        self._events.put(event)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="OCPI sessions")

    async def _run(self) -> None:
        """Until nothing waits (`offer` starts it again).

        With no roaming partner registered (most services) the events taken are dropped
        unread: each would cost a read of its transaction's card on a worker thread only
        to find nobody to push it to — 40,000 such reads in a 10,000-pole storm's backlog
        (issue 20). A session pushes whole, so a partner registered later gets the
        sessions it is due from their next event on."""
        while events := self._events.take(DRAIN_AT_MOST):
            if not await self._anyone_registered():
                continue
            for event in events:
                try:
                    await self.handle(event)
                except Exception:
                    LOGGER.exception("OCPI: session event not pushed")

    async def _anyone_registered(self) -> bool:
        """Whether any partner is registered; when the list cannot be read, assume so
        (each event then finds its own partner, or fails alone, as before)."""
        try:
            return bool(await self.registered.registered())
        except Exception:
            LOGGER.exception("OCPI: the partner list could not be read; session events "
                             "are handled one by one")
            return True

    async def idle(self) -> None:
        """Once every event offered so far is handled."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def handle(self, event: dict[str, Any]) -> None:
        number = int(event["transactionId"])
        meter_values = is_reading(event)
        found_local = self._local.get(number)
        if meter_values and found_local is not None \
                and self.monotonic() - found_local < LOCAL_RECHECK_S:
            return
        card = await self._card_of(number)
        if card is None:
            return
        stopped, roaming = card
        if not roaming:  # not a roaming token
            self._remember_local(number, ended=stopped)
            return
        transaction = await self.repository.get_transaction(number)
        if transaction is None:
            return
        row = await self.tokens.by_uid(transaction.id_tag)
        if row is None:  # gone meanwhile
            self._remember_local(number, ended=transaction.stopped is not None)
            return
        self._local.pop(number, None)
        partner = await self.registry.partners.get(row.partner_id)
        if partner is None or partner.status != PartnerStatus.REGISTERED:
            return
        token = Token.model_validate_json(row.token)
        meter_now = (transaction.meter_stop if transaction.meter_stop is not None
                     else event.get("energyWh") if meter_values
                     else event.get("meterWh"))
        kwh = max(0.0, (float(meter_now or transaction.meter_start)
                        - transaction.meter_start) / 1000)
        method = (AuthMethod.WHITELIST if row.whitelist in ("ALWAYS", "ALLOWED")
                  else AuthMethod.AUTH_REQUEST)
        session = self.session_of(transaction, token, kwh, method)
        client = self.registry.client_for(partner, (token.country_code, token.party_id))
        identity = self.registry.identity
        url = partner.endpoint("sessions", "RECEIVER")
        try:
            if url:
                await client.call("PUT", f"{url}/{identity.country_code}/"
                                         f"{identity.party_id}/{session.id}", dumped(session))
            cdrs = partner.endpoint("cdrs", "RECEIVER")
            if transaction.stopped is not None and event.get("type") == "transaction" \
                    and event.get("event") == "stopped" and cdrs:
                await client.call("POST", cdrs, dumped(await self.cdr_of(
                    transaction, session)))
        except PartnerCallError as exc:
            LOGGER.warning("OCPI: session %s not pushed to %s: %s", session.id,
                           partner.name, exc)

    async def _card_of(self, number: int) -> tuple[bool, bool] | None:
        """Whether the transaction has stopped and whether its card is an eMSP's token;
        None if it is unknown. Both read in one trip to a worker thread, by statements
        built once: a local card's start and stop (nearly all of a reconnect storm's
        backlog, issue 20) cost two ORM reads on two trips before."""
        transactions, tokens = self.repository.sync, self.tokens.sync

        def read() -> tuple[bool, bool] | None:
            card = transactions.transaction_card(number)
            if card is None:
                return None
            id_tag, stopped = card
            return stopped, tokens.whitelist_of(id_tag) is not None
        return await asyncio.to_thread(read)

    def _remember_local(self, number: int, *, ended: bool) -> None:
        if ended:
            self._local.pop(number, None)
            return
        now = self.monotonic()
        self._local.pop(number, None)
        self._local[number] = now  # oldest first: what expired is dropped from the front
        while (oldest := next(iter(self._local))) != number \
                and now - self._local[oldest] >= LOCAL_RECHECK_S:
            del self._local[oldest]

    def session_of(self, transaction: Transaction, token: Token, kwh: float,
                   method: AuthMethod) -> Session:
        identity = self.registry.identity
        done = transaction.stopped is not None
        return Session(
            country_code=identity.country_code, party_id=identity.party_id,
            id=str(transaction.id), start_date_time=transaction.started,
            end_date_time=transaction.stopped, kwh=round(kwh, 3),
            cdr_token=CdrToken(country_code=token.country_code, party_id=token.party_id,
                               uid=token.uid, type=token.type,
                               contract_id=token.contract_id),
            auth_method=method, location_id=transaction.pole_id[:36],
            evse_uid=evse_uid(transaction.pole_id, transaction.connector_id),
            connector_id="1", currency=CURRENCY,
            status=SessionStatus.COMPLETED if done else SessionStatus.ACTIVE,
            last_updated=transaction.stopped or self.registry.clock())

    async def cdr_of(self, transaction: Transaction, session: Session) -> Cdr:
        pole = await self.repository.get_pole(transaction.pole_id)
        if pole is None:
            raise ValueError(f"pole {transaction.pole_id} is not registered")
        location = location_of(self.registry.identity, pole,
                               await self.repository.connectors(transaction.pole_id),
                               location=await stored_place(self.repository, transaction.pole_id))
        evse = next(item for item in location.evses or [] if item.uid == session.evse_uid)
        plug = evse.connectors[0]
        assert transaction.stopped is not None
        hours = (transaction.stopped - transaction.started).total_seconds() / 3600
        tariff = (await self.tariffs.for_location(location.id)
                  if self.tariffs is not None else None)
        currency = tariff.currency if tariff is not None else CURRENCY
        cost = tariff.cost(session.kwh, hours) if tariff is not None else 0.0
        return Cdr(
            country_code=session.country_code, party_id=session.party_id,
            id=f"CDR-{transaction.id}", start_date_time=transaction.started,
            end_date_time=transaction.stopped, session_id=session.id,
            cdr_token=session.cdr_token, auth_method=session.auth_method,
            cdr_location=CdrLocation(
                id=location.id, name=location.name, address=location.address,
                city=location.city, postal_code=location.postal_code,
                country=location.country, coordinates=location.coordinates,
                evse_uid=evse.uid, evse_id=evse.evse_id or evse.uid, connector_id=plug.id,
                connector_standard=plug.standard, connector_format=plug.format,
                connector_power_type=plug.power_type),
            currency=currency,
            tariffs=[tariff.ocpi(self.registry.identity)] if tariff is not None else None,
            charging_periods=[ChargingPeriod(
                start_date_time=transaction.started,
                dimensions=[CdrDimension(type="ENERGY", volume=session.kwh),
                            CdrDimension(type="TIME", volume=round(hours, 4))])],
            total_cost=Price(excl_vat=cost), total_energy=session.kwh,
            total_time=round(hours, 4), last_updated=transaction.stopped)

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
