"""The demo's signed release, made fresh at each start: nothing secret is committed.

A new user should be able to try a firmware update on the demo's virtual poles without
keys of their own. So the demo makes a manufacturer root and a signing key in its own
temporary folder (private keys 0600), signs a small image as a newer release for the
virtual pole model, and starts its poles and service trusting that root (``--trust``).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from pole_link.firmware.package import build_package
from pole_link.firmware.signing import make_root, make_signing_cert, pem_of

DEMO_VERSION = "sim-0.2.0"
DEMO_IMAGE_BYTES = 1 << 20


@dataclass(frozen=True)
class DemoRelease:
    root: Path
    """The demo manufacturer root (PEM): what the demo's poles and service trust."""
    package: Path
    """A signed package of `DEMO_VERSION` for every pole model."""


def make_demo_release(folder: Path, now: datetime) -> DemoRelease:
    folder.mkdir(parents=True, exist_ok=True)
    root_key, root = make_root("Paalwerk demo manufacturer root", now)
    key, cert = make_signing_cert(root_key, root, "Paalwerk demo release signing", now)
    _write_private(folder / "signing.key", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    root_path = folder / "demo-root.pem"
    root_path.write_text(pem_of(root))
    image = random.Random(DEMO_VERSION).randbytes(DEMO_IMAGE_BYTES)
    package = build_package(image, version=DEMO_VERSION, models=(), key=key,
                            signing_cert=cert)  # every model: the demo's poles are all one
    package_path = folder / f"demo-{DEMO_VERSION}.fwpkg"
    package_path.write_bytes(package.to_bytes())
    return DemoRelease(root_path, package_path)


def _write_private(path: Path, data: bytes) -> None:
    """Created 0600 from the start: no moment at which another user could read it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
