"""A local card's transaction is nobody's OCPI session: after a reconnect storm its pole's
queued meter values must not each cost the session pusher two database reads (issue 20),
yet a token an eMSP pushes mid-transaction is still noticed. Real storage, SQLite and
PostgreSQL; the clock the pusher waits by is injected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import Engine

from service.ocpi.identity import OcpiIdentity
from service.ocpi.partner_store import AsyncPartnerRepository
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
