"""A local card's transaction is nobody's OCPI session: after a reconnect storm its pole's
queued meter values must not each cost the session pusher two database reads (issue 20),
yet a token an eMSP pushes mid-transaction is still noticed. Real storage, SQLite and
PostgreSQL; the clock the pusher waits by is injected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import Engine

from service.ocpi.identity import OcpiIdentity
from service.ocpi.partner_store import AsyncPartnerRepository, PartnerRow, PartnerStatus
from service.ocpi.registry import Registry
from service.ocpi.secrets_box import SecretBox
from service.ocpi.sessions import LOCAL_RECHECK_S, SessionPusher
from service.ocpi.token_store import (
    AsyncOcpiTokenRepository,
    OcpiTokenRepository,
    OcpiTokenRow,
)
from service.storage.database import create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository
from tests.service.reports_support import register
from tests.support import ManualClock, postgres_schema

STARTED = datetime(2026, 12, 5, 8, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        yield (f"sqlite:///{tmp_path / 'sessions.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))


def partner(name: str, status: PartnerStatus) -> PartnerRow:
    return PartnerRow(name=name, status=status, created_at=STARTED, updated_at=STARTED)


class CountedLookups(OcpiTokenRepository):
    """The real token store, counting the look-ups of a card among the eMSPs' tokens (a
    roaming card's is then read whole, `by_uid`)."""

    looked_up = 0

    def whitelist_of(self, uid: str) -> str | None:
        self.looked_up += 1
        return super().whitelist_of(uid)


class CountedTokens(AsyncOcpiTokenRepository):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.sync = self.counted = CountedLookups(engine)

    @property
    def looked_up(self) -> int:
        return self.counted.looked_up


async def test_a_local_card_s_meter_values_are_not_looked_up_again_until_a_minute_passed(
        url: str) -> None:
    engine = create_engine_for(url)
    migrate(engine)
    repository = Repository(engine)
    register(repository, "PW-0001", registered_at=STARTED)
    transaction = repository.start_transaction("PW-0001", 1, "LOCALCARD", 0, STARTED)
    tokens, clock = CountedTokens(engine), ManualClock()
    registry = Registry(AsyncPartnerRepository(engine), SecretBox(Fernet.generate_key()),
                        OcpiIdentity(), "http://127.0.0.1", lambda: STARTED)
    pusher = SessionPusher(registry, AsyncRepository(repository), tokens, monotonic=clock)

    def meter(energy: int) -> dict[str, object]:
        return {"type": "meterValues", "poleId": "PW-0001", "transactionId": transaction,
                "energyWh": energy}

    await pusher.handle({"type": "transaction", "event": "started",
                         "transactionId": transaction, "meterWh": 0})
    for energy in range(100, 5100, 100):  # a day's backlog of one socket, and then some
        clock.advance(1)
        await pusher.handle(meter(energy))
    assert tokens.looked_up == 1  # the start's: its card is no eMSP's token

    # The eMSP pushes a token for the card: within the minute, meter values look again.
    await tokens.save(OcpiTokenRow(key="NL*EMS*LOCALCARD", uid_key="LOCALCARD",
                                   partner_id=1, token="{}", whitelist="ALWAYS",
                                   last_updated=STARTED))
    clock.advance(LOCAL_RECHECK_S)
    await pusher.handle(meter(6000))
    assert tokens.looked_up == 2
    await pusher.handle(meter(6100))  # a roaming token's session: every reading counts
    assert tokens.looked_up == 3
    engine.dispose()


@dataclass
class Storm:
    """One pole with 40 local cards' transactions running, its storage and partners."""

    engine: Engine
    repository: Repository
    transactions: list[int]
    tokens: CountedTokens
    registry: Registry


def storm(url: str) -> Storm:
    engine = create_engine_for(url)
    migrate(engine)
    repository = Repository(engine)
    register(repository, "PW-0001", registered_at=STARTED)
    transactions = [repository.start_transaction("PW-0001", 1, f"CARD{n}", 0, STARTED)
                    for n in range(40)]
    registry = Registry(AsyncPartnerRepository(engine), SecretBox(Fernet.generate_key()),
                        OcpiIdentity(), "http://127.0.0.1", lambda: STARTED)
    return Storm(engine, repository, transactions, CountedTokens(engine), registry)


async def test_a_storms_backlog_waits_as_one_reading_per_transaction(url: str) -> None:
    """Issue 20: the pusher's reads are slower than a storm's readings arrive (on
    PostgreSQL 61,783 events waited at 3,000 poles). What waits stays one reading per
    transaction and every start, and the newest reading is the one handled."""
    day = storm(url)
    engine, repository, transactions = day.engine, day.repository, day.transactions
    tokens, registry = day.tokens, day.registry
    await registry.partners.save(partner("eMSP", PartnerStatus.REGISTERED))
    handled: list[dict[str, object]] = []

    class Recorded(SessionPusher):
        async def handle(self, event: dict[str, Any]) -> None:
            handled.append(event)
            await super().handle(event)

    pusher = Recorded(registry, AsyncRepository(repository), tokens)
    for transaction in transactions:
        pusher.offer({"type": "transaction", "event": "started",
                      "transactionId": transaction, "meterWh": 0})
    for energy in range(100, 2700, 100):  # a day's backlog: 26 readings a socket
        for transaction in transactions:
            pusher.offer({"type": "meterValues", "poleId": "PW-0001",
                          "transactionId": transaction, "energyWh": energy})
    assert pusher.waiting == 2 * len(transactions)  # not 27 events each
    await pusher.idle()
    assert pusher.waiting == 0
    readings = [event for event in handled if event["type"] == "meterValues"]
    assert sorted(int(str(event["transactionId"])) for event in readings) == sorted(transactions)
    assert {event["energyWh"] for event in readings} == {2600}
    assert tokens.looked_up == len(transactions)  # each start's; the readings were skipped
    await pusher.close()
    engine.dispose()


async def test_without_a_registered_partner_a_storms_events_cost_no_reads(url: str) -> None:
    """Most services roam with nobody: a storm's starts, readings and stops are dropped
    unread (in a 10,000-pole storm 40,000 card reads found nobody to push to). Once an
    eMSP registers, the next events are handled again: a session pushes whole."""
    day = storm(url)
    engine, repository, transactions = day.engine, day.repository, day.transactions
    tokens, registry = day.tokens, day.registry
    await registry.partners.save(partner("invited", PartnerStatus.INVITED))
    pusher = SessionPusher(registry, AsyncRepository(repository), tokens)

    def offer_day(energy_to: int) -> None:
        for transaction in transactions:
            pusher.offer({"type": "transaction", "event": "started",
                          "transactionId": transaction, "meterWh": 0})
            for energy in range(100, energy_to, 100):
                pusher.offer({"type": "meterValues", "poleId": "PW-0001",
                              "transactionId": transaction, "energyWh": energy})

    offer_day(2_700)
    await pusher.idle()
    assert pusher.waiting == 0 and tokens.looked_up == 0  # an invited partner is nobody yet

    await registry.partners.save(partner("eMSP", PartnerStatus.REGISTERED))
    offer_day(300)
    await pusher.idle()
    assert tokens.looked_up == len(transactions)  # each start's card, once
    await pusher.close()
    engine.dispose()


async def test_when_the_partner_list_cannot_be_read_every_event_is_still_handled(
        url: str) -> None:
    """Storage trouble reading the partners must not lose sessions: the events are
    handled one by one as before (each looks its card up)."""
    day = storm(url)
    pusher = SessionPusher(day.registry, AsyncRepository(day.repository), day.tokens)

    async def unreadable() -> list[PartnerRow]:
        raise OSError("database is locked")

    pusher.registered.partners.listed = unreadable  # type: ignore[method-assign]
    for transaction in day.transactions:
        pusher.offer({"type": "transaction", "event": "started",
                      "transactionId": transaction, "meterWh": 0})
    await pusher.idle()
    assert pusher.waiting == 0 and day.tokens.looked_up == len(day.transactions)
    await pusher.close()
    day.engine.dispose()
