"""The laptop's service tokens (issue 17, eis 69): fetched online, used offline on site.

A technician prepares a site visit while connected to the service; the tokens must then
survive closing the app and a day without signal. They are bearer secrets, so they go to
the OS keyring (one entry holding the list), like the service API token; where no
keyring backend exists (a headless box, CI) they are kept in a file readable by this user
only (0600) in the app's data directory — unlike the API token, because a technician on
site without them cannot write on any pole. Expired tokens are dropped whenever the
wallet is saved. Qt-free: the GUI and the command line use the same wallet.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from pole_link.service_tokens import ALL_POLES, Claims, peek

LOGGER = logging.getLogger(__name__)

# Said after a token is kept; the GUI translates them (context "SiteVisit").
STORED_IN_KEYRING = "kept in your system keyring"
STORED_IN_FILE = "kept in a file only you can read (no system keyring here)"
STORED_FOR_THIS_RUN = "kept until the app closes"

KEYRING_SERVICE = "paalwerk"
KEYRING_ENTRY = "service-tokens"
FALLBACK_FILE = "service-tokens.json"


class TokenStore(Protocol):
    """Where the wallet keeps its token texts between runs."""

    def load(self) -> list[str]: ...

    def save(self, tokens: list[str]) -> str:
        """Store ``tokens``; returns where they went, in words."""
        ...


def default_fallback_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("paalwerk"))


class KeyringTokenStore:
    """The OS keyring, or a 0600 file in ``fallback_dir`` when there is none."""

    def __init__(self, fallback_dir: Path | None = None) -> None:
        self.fallback_dir = fallback_dir

    @property
    def _file(self) -> Path:
        return (self.fallback_dir or default_fallback_dir()) / FALLBACK_FILE

    def load(self) -> list[str]:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError

        try:
            text = keyring.get_password(KEYRING_SERVICE, KEYRING_ENTRY)
        except NoKeyringError:
            text = self._read_file()
        except (KeyringError, RuntimeError) as exc:
            LOGGER.info("no service tokens from the keyring: %s", exc)
            text = self._read_file()
        return _parse(text)

    def save(self, tokens: list[str]) -> str:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError

        text = json.dumps(tokens)
        try:
            keyring.set_password(KEYRING_SERVICE, KEYRING_ENTRY, text)
        except (NoKeyringError, KeyringError, RuntimeError):
            self._write_file(text)
            return STORED_IN_FILE
        return STORED_IN_KEYRING

    def _read_file(self) -> str | None:
        try:
            return self._file.read_text(encoding="utf-8")
        except OSError:
            return None

    def _write_file(self, text: str) -> None:
        path = self._file
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(path.name + ".tmp")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        scratch.replace(path)


class MemoryTokenStore:
    """Keeps tokens for this run only (tests, or a laptop that must not store any)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def load(self) -> list[str]:
        return list(self.tokens)

    def save(self, tokens: list[str]) -> str:
        self.tokens = list(tokens)
        return STORED_FOR_THIS_RUN


def _parse(text: str | None) -> list[str]:
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return []
    return [item for item in data if isinstance(item, str)] if isinstance(data, list) else []


@dataclass(frozen=True)
class WalletEntry:
    token: str
    claims: Claims

    def time_left(self, now: datetime) -> float:
        """Seconds until it expires (≤ 0: expired)."""
        return self.claims.exp - now.timestamp()


class TokenWallet:
    """The tokens this laptop holds, and which one opens a given pole."""

    def __init__(self, store: TokenStore | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        from pole_link.timeutil import utc_now

        self.store: TokenStore = store or KeyringTokenStore()
        self.now = now or utc_now
        self._entries: list[WalletEntry] | None = None

    def entries(self) -> list[WalletEntry]:
        """The tokens still valid now, longest-lived first."""
        if self._entries is None:
            self._entries = [entry for entry in map(_entry, self.store.load()) if entry]
        now = self.now()
        return sorted((e for e in self._entries if e.time_left(now) > 0),
                      key=lambda e: -e.claims.exp)

    def add(self, tokens: Iterable[str]) -> str:
        """Keep ``tokens`` (a malformed one raises ValueError, nothing kept); returns where
        they are kept, in words."""
        new = [WalletEntry(token, peek(token)) for token in tokens]
        known = {entry.token for entry in self.entries()}
        self._entries = self.entries() + [entry for entry in new if entry.token not in known]
        return self.store.save([entry.token for entry in self._entries])

    def token_for(self, pole_id: str) -> WalletEntry | None:
        """The valid token for ``pole_id``: one naming it before a wildcard, then the one
        that lasts longest."""
        fitting = [entry for entry in self.entries() if entry.claims.covers(pole_id)]
        fitting.sort(key=lambda e: (ALL_POLES in e.claims.poles, -e.claims.exp))
        return fitting[0] if fitting else None


def _entry(token: str) -> WalletEntry | None:
    try:
        return WalletEntry(token, peek(token))
    except ValueError:
        return None
