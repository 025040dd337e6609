"""The laptop's token wallet (issue 17, eis 69): the right token for a pole, kept
between runs, and never left readable by other users when there is no keyring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring

from pole_link.service_tokens import Claims, issue
from pole_link.token_wallet import (
    STORED_IN_FILE,
    KeyringTokenStore,
    MemoryTokenStore,
    TokenWallet,
)
from tests.support import ManualClock

NOW = datetime(2026, 12, 4, 8, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()


def token(poles: tuple[str, ...], hours: float, jti: str, start: datetime = NOW) -> str:
    return issue(KEY, Claims("paalwerk", "jan", "technician", poles, int(start.timestamp()),
                             int((start + timedelta(hours=hours)).timestamp()), jti))


def test_eis69_the_wallet_picks_a_valid_token_that_names_the_pole_before_a_wildcard() -> None:
    clock = ManualClock(NOW)
    wallet = TokenWallet(MemoryTokenStore(), now=clock.now)
    wallet.add([token(("*",), 48, "all"), token(("PW-0001", "PW-0002"), 8, "named"),
                token(("PW-0003",), 1, "short")])
    assert wallet.token_for("PW-0001").claims.jti == "named"  # type: ignore[union-attr]
    assert wallet.token_for("PW-0009").claims.jti == "all"  # type: ignore[union-attr]
    clock.set(NOW + timedelta(hours=9))  # the named one has expired by now
    assert wallet.token_for("PW-0001").claims.jti == "all"  # type: ignore[union-attr]
    assert [e.claims.jti for e in wallet.entries()] == ["all"]
    clock.set(NOW + timedelta(hours=49))
    assert wallet.token_for("PW-0001") is None


def test_a_damaged_token_is_refused_and_nothing_is_kept() -> None:
    store = MemoryTokenStore()
    wallet = TokenWallet(store, now=lambda: NOW)
    with pytest.raises(ValueError, match="service token"):
        wallet.add([token(("PW-0001",), 8, "good"), "garbage"])
    assert store.tokens == []


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before: KeyringBackend = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(before)


def test_eis69_without_a_keyring_tokens_survive_a_restart_in_a_private_file(
        no_keyring: None, tmp_path: Path) -> None:
    wallet = TokenWallet(KeyringTokenStore(tmp_path), now=lambda: NOW)
    assert wallet.add([token(("PW-0001",), 8, "kept")]) == STORED_IN_FILE
    stored = tmp_path / "service-tokens.json"
    assert stored.stat().st_mode & 0o077 == 0
    again = TokenWallet(KeyringTokenStore(tmp_path), now=lambda: NOW)
    assert again.token_for("PW-0001").claims.jti == "kept"  # type: ignore[union-attr]
