"""eis 69: a pole installs only firmware signed by its manufacturer, checked by itself."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from pole_link.firmware.signing import (
    FirmwareRefused,
    Refusal,
    load_certificate,
    make_root,
    make_signing_cert,
    pem_of,
    sign_digest,
    verify_signed_digest,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
IMAGE = bytes(range(256)) * 64


def test_eis69_an_image_signed_under_a_trusted_root_verifies_and_a_tampered_one_not() -> None:
    root_key, root = make_root("Demo manufacturer root", NOW)
    key, cert = make_signing_cert(root_key, root, "Demo release signing", NOW)
    digest = hashlib.sha256(IMAGE).digest()
    signature = sign_digest(key, digest)
    signing = load_certificate(pem_of(cert))
    assert verify_signed_digest(digest, signature, signing, [root], NOW) == root

    tampered = hashlib.sha256(IMAGE[:-1] + b"\x00").digest()
    with pytest.raises(FirmwareRefused) as refused:
        verify_signed_digest(tampered, signature, signing, [root], NOW)
    assert refused.value.reason is Refusal.INVALID_SIGNATURE


def test_eis69_a_signer_from_another_root_or_out_of_date_is_refused() -> None:
    root_key, root = make_root("Demo manufacturer root", NOW)
    other_key, other = make_root("Somebody else", NOW)
    key, cert = make_signing_cert(other_key, other, "Not ours", NOW)
    digest = hashlib.sha256(IMAGE).digest()
    with pytest.raises(FirmwareRefused) as refused:
        verify_signed_digest(digest, sign_digest(key, digest), cert, [root], NOW)
    assert refused.value.reason is Refusal.INVALID_CERTIFICATE
    assert "not issued by a manufacturer root this pole trusts" in refused.value.detail

    key, cert = make_signing_cert(root_key, root, "Ours", NOW)
    with pytest.raises(FirmwareRefused, match="not valid at"):
        verify_signed_digest(digest, sign_digest(key, digest), cert, [root],
                             NOW + timedelta(days=6 * 365))
    # A root itself is a CA: it may issue signers, not sign releases.
    with pytest.raises(FirmwareRefused, match="CA certificate"):
        verify_signed_digest(digest, sign_digest(root_key, digest), root, [root], NOW)
    with pytest.raises(ValueError, match="32-byte"):
        sign_digest(key, digest.hex().encode())
