"""The service's secret files made once when several processes start together
(``--workers``): whoever writes first wins, everyone reads that one, nobody fails to start,
the file is 0600 and no scratch file is left behind."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives import serialization

from service.ocpi.secrets_box import load_or_create_box
from service.oscp.store import load_or_create_key as load_or_create_oscp_key
from service.security.private_file import create_once
from service.security.service_tokens import load_or_create_key

T = TypeVar("T")
STARTERS = 16


def all_at_once(make: Callable[[], T]) -> list[T]:
    """``make`` called by `STARTERS` threads released together (the workers' start)."""
    gate = threading.Barrier(STARTERS)

    def starter() -> T:
        gate.wait()
        return make()

    with ThreadPoolExecutor(STARTERS) as pool:
        return list(pool.map(lambda _n: starter(), range(STARTERS)))


def test_workers_starting_together_agree_on_one_signing_key(tmp_path: Path) -> None:
    path = tmp_path / "service-token-key.pem"
    for _round in range(20):  # a fresh race each round
        path.unlink(missing_ok=True)
        keys = all_at_once(lambda: load_or_create_key(path))
        public = {key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
                  for key in keys}
        assert len(public) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["service-token-key.pem"]


def test_workers_starting_together_agree_on_one_partner_secrets_key(tmp_path: Path) -> None:
    path = tmp_path / "ocpi-secrets.key"
    boxes = all_at_once(lambda: load_or_create_box(path))
    sealed = boxes[0].seal("credentials token of a roaming partner")
    assert {box.open(sealed) for box in boxes} == {"credentials token of a roaming partner"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_workers_starting_together_agree_on_one_oscp_sealing_key(tmp_path: Path) -> None:
    path = tmp_path / "oscp.key"
    for _round in range(20):  # a fresh race each round
        path.unlink(missing_ok=True)
        assert len(set(all_at_once(lambda: load_or_create_oscp_key(path)))) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oscp.key"]


def test_a_key_already_made_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "key"
    create_once(path, b"first")
    create_once(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
