"""A secret file (a signing key, an encryption key) made once, 0600, by whichever process
starting at the same moment writes it first.

With ``paalwerk service --workers N`` every worker starts at once and each looks for the
service's key files; the first to find none makes them. Written through one fixed scratch
name, two workers truncated and renamed each other's scratch file, and one failed to start
(``FileNotFoundError: service-token-key.pem.tmp -> service-token-key.pem``, seen in CI on
2026-12-06). Each writer therefore gets a scratch file of its own (`tempfile.mkstemp`:
created exclusively, 0600) and hard-links it to the final name, which fails if the name is
taken: the first key written is the one every process then reads.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["create_once"]


def create_once(path: Path, secret: bytes) -> None:
    """Write ``secret`` to ``path`` (0600) unless it exists by now; whoever wrote first
    wins, and a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                           suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secret)
        with contextlib.suppress(FileExistsError):
            os.link(scratch, path)  # another process made it first: theirs is kept
    finally:
        Path(scratch).unlink(missing_ok=True)
