"""Bearer tokens for the operator API, kept only as SHA-256 hashes.

A stolen token file must not give API access, so the file holds hashes and the token itself
is shown once, when it is made. Tokens are long random strings (``secrets.token_urlsafe``),
so a plain unsalted SHA-256 is enough: there is nothing to guess from a dictionary.

File format (JSON)::

    {"tokens": [{"name": "admin", "sha256": "<hex>", "created": "<ISO-8601>"}]}
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    from service.accounts.store import Accounts

TOKEN_FILE_NAME = "api-tokens.json"


def default_token_file() -> Path:
    """Where ``paalwerk service`` keeps its API tokens unless told otherwise."""
    return Path(platformdirs.user_config_dir("paalwerk")) / TOKEN_FILE_NAME


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    tokens = data.get("tokens", []) if isinstance(data, dict) else []
    return [entry for entry in tokens if isinstance(entry, dict) and "sha256" in entry]


def _write(path: Path, tokens: list[dict[str, Any]]) -> None:
    """Replace the file atomically, readable by its owner only (it guards the API)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"tokens": tokens}, handle, indent=2)
    scratch.replace(path)


def add_token(path: Path, name: str) -> str:
    """Make a new token, store its hash under ``name`` and return the token (shown once)."""
    token = secrets.token_urlsafe(32)
    tokens = _read(path)
    tokens.append({"name": name, "sha256": hash_token(token),
                   "created": datetime.now(UTC).isoformat()})
    _write(path, tokens)
    return token


def ensure_admin_token(path: Path) -> str | None:
    """On first start, make the admin token and return it so it can be printed once.

    ``None`` when the file already holds a token: the operator has (or lost) it, and a
    restart must not print or replace it.
    """
    if _read(path):
        return None
    return add_token(path, "admin")


class TokenStore:
    """Checks presented tokens against the hash file.

    The file is re-read when it changes (mtime/size), so a token added or revoked by hand
    or by another command counts without restarting the service.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._hashes: frozenset[str] = frozenset()
        self._names: dict[str, str] = {}
        self.accounts: Accounts | None = None
        """The user accounts (issue 17), when the service has storage: their login and
        personal tokens count besides this file's, which stay the first admins'."""

    def hashes(self) -> frozenset[str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._hashes = None, frozenset()
            return self._hashes
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            with contextlib.suppress(OSError, ValueError):
                entries = _read(self.path)
                self._hashes = frozenset(str(entry["sha256"]) for entry in entries)
                self._names = {str(entry["sha256"]): str(entry.get("name") or "admin")
                               for entry in entries}
                self._stamp = stamp
        return self._hashes

    def verify(self, token: str) -> bool:
        """Constant-time comparison per stored hash, so timing leaks nothing."""
        return self.name_of(token) is not None

    def name_of(self, token: str) -> str | None:
        """The file entry's name for a valid token (e.g. ``admin``), else None."""
        presented = hash_token(token)
        for known in self.hashes():
            if hmac.compare_digest(presented, known):
                return self._names.get(known, "admin")
        return None
