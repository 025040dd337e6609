"""Issue 15: the technician's signing key is kept in the OS keyring, or — where there is
none — in a file only its owner can read, and is never written to a log."""

from __future__ import annotations

import base64
import logging
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from pole_link.commissioning.technician_key import (
    KEYRING_SERVICE,
    TechnicianKey,
    TechnicianKeyError,
    fallback_file,
    keep_key,
)
from tests.commissioning_support import TECHNICIAN, MemoryKeyring


@pytest.fixture
def backend() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield keyring.get_keyring()
    keyring.set_keyring(previous)


def test_issue15_the_key_is_made_once_and_kept_in_the_keyring(
        backend: MemoryKeyring, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        first = keep_key(TECHNICIAN, fallback_dir=tmp_path)
        again = keep_key(TECHNICIAN, fallback_dir=tmp_path)
    assert first.created and first.in_keyring and not again.created
    assert first.storage == f"the key of {TECHNICIAN} is kept in your system keyring"
    assert again.key.public_bytes == first.key.public_bytes
    stored = backend.passwords[(KEYRING_SERVICE, TECHNICIAN)]
    assert base64.b64decode(stored) == first.key.private_bytes()
    assert list(tmp_path.iterdir()) == []  # no file beside the keyring
    assert stored not in caplog.text and stored not in repr(first.key)
    data = b"the canonical record"
    first.key.private_key.public_key().verify(again.key.sign(data), data)


def test_issue15_without_a_keyring_the_key_is_an_owner_only_file_and_says_so(
        no_keyring: KeyringBackend, tmp_path: Path) -> None:
    kept = keep_key(TECHNICIAN, fallback_dir=tmp_path)
    path = fallback_file(TECHNICIAN, tmp_path)
    assert not kept.in_keyring and kept.created and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in kept.storage and "no system keyring is available" in kept.storage
    again = keep_key(TECHNICIAN, fallback_dir=tmp_path)
    assert again.key.public_bytes == kept.key.public_bytes and not again.created
    with pytest.raises(TechnicianKeyError, match="'Piet' has no signing key on this computer"):
        keep_key("Piet", fallback_dir=tmp_path, create=False)


def test_a_damaged_key_and_a_bad_name_are_said_in_words(backend: MemoryKeyring,
                                                        tmp_path: Path) -> None:
    backend.passwords[(KEYRING_SERVICE, TECHNICIAN)] = "not base64!"
    with pytest.raises(TechnicianKeyError, match="is damaged"):
        keep_key(TECHNICIAN, fallback_dir=tmp_path)
    with pytest.raises(ValueError, match="is not a technician name"):
        keep_key("  ", fallback_dir=tmp_path)


def test_the_fingerprint_is_short_enough_to_read_out() -> None:
    key = TechnicianKey.generate(TECHNICIAN)
    assert re.fullmatch(r"([0-9a-f]{4} ){4}[0-9a-f]{4}", key.fingerprint)
    assert len(base64.b64decode(key.public_base64)) == 32
