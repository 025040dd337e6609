"""eis 69: ``paalwerk firmware`` makes the manufacturer's keys, signs packages and checks them
as a pole would — run in-process on real files, at a fixed time."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from paalwerk import cli
from paalwerk.firmware_cli import main
from pole_link.firmware.package import read_package

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
IMAGE = bytes(range(256)) * 300
KEY_FILES = ("root.pem", "root.key", "signing.pem", "signing.key")


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path,
        now: datetime = NOW) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv], now=now)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 0: a file made with default permissions would be world-readable."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    status, _, _ = run(capsys, "keygen", "--out", tmp_path / "keys", "--name", "Demo")
    assert status == 0
    return tmp_path / "keys"


def signed(capsys: pytest.CaptureFixture[str], keys: Path, tmp_path: Path,
           *models: str) -> Path:
    image = tmp_path / "pw2-1.4.0.bin"
    image.write_bytes(IMAGE)
    package = tmp_path / "pw2-1.4.0.fwpkg"
    model_args = [arg for model in models for arg in ("--model", model)]
    status, out, err = run(capsys, "sign", image, "--key", keys / "signing.key",
                           "--cert", keys / "signing.pem", "--version", "1.4.0",
                           *model_args, "-o", package)
    assert status == 0, err
    assert f"wrote {package}" in out and "signed by 'Demo firmware signing'" in out
    return package


def test_eis69_keygen_sign_and_inspect_a_valid_package(
        tmp_path: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = signed(capsys, keys, tmp_path, "PW2", "PW3")
    parsed = read_package(package)
    assert (parsed.manifest.version, parsed.manifest.models, parsed.image) == (
        "1.4.0", ("PW2", "PW3"), IMAGE)

    status, out, err = run(capsys, "inspect", package, "--root", keys / "root.pem")
    assert (status, err) == (0, "")
    assert "version    1.4.0" in out and "models     PW2, PW3" in out
    assert f"image      {len(IMAGE)} bytes" in out
    assert f"SHA-256    {parsed.manifest.sha256}" in out
    assert "signer     Demo firmware signing (issued by Demo firmware root" in out
    assert ("signature  valid: signed by 'Demo firmware signing' under the root "
            "'Demo firmware root', checked at 2026-12-04 12:00 UTC") in out

    # Without a root the package is shown, and said to be unchecked.
    status, out, _ = run(capsys, "inspect", package)
    assert status == 0 and "signature  not checked" in out
    # Through the `paalwerk` command as well.
    assert cli.main(["firmware", "inspect", str(package)]) == 0
    assert "signature  not checked" in capsys.readouterr().out


def test_eis69_a_package_under_another_root_or_out_of_date_is_refused(
        tmp_path: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = signed(capsys, keys, tmp_path)
    assert run(capsys, "keygen", "--out", tmp_path / "other", "--name", "Other")[0] == 0

    status, out, _ = run(capsys, "inspect", package, "--root", tmp_path / "other" / "root.pem")
    assert status == 1
    assert ("signature  refused (InvalidCertificate): the signing certificate 'Demo firmware "
            "signing' was not issued by a manufacturer root given with --root") in out

    # A bundle holding the right root among others verifies.
    bundle = tmp_path / "roots.pem"
    bundle.write_text((tmp_path / "other" / "root.pem").read_text()
                      + (keys / "root.pem").read_text())
    assert run(capsys, "inspect", package, "--root", bundle)[0] == 0

    later = NOW + timedelta(days=6 * 365)
    status, out, _ = run(capsys, "inspect", package, "--root", keys / "root.pem", now=later)
    assert status == 1 and "refused (InvalidCertificate)" in out and "not valid at" in out
    status, _, err = run(capsys, "sign", tmp_path / "pw2-1.4.0.bin", "--key",
                         keys / "signing.key", "--cert", keys / "signing.pem",
                         "--version", "2", "-o", tmp_path / "late.fwpkg", now=later)
    assert status == 1 and "is not valid now" in err
    assert not (tmp_path / "late.fwpkg").exists()


def rewritten(package: Path, image: bytes) -> bytes:
    """The package with another image and its manifest left as it was: a CRC-correct ZIP."""
    with zipfile.ZipFile(package) as archive:
        manifest = archive.read("manifest.json")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("image.bin", image)
    return buffer.getvalue()


def test_eis69_a_tampered_or_damaged_package_is_a_bad_package(
        tmp_path: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = signed(capsys, keys, tmp_path)
    root = keys / "root.pem"

    tampered = tmp_path / "tampered.fwpkg"
    tampered.write_bytes(rewritten(package, IMAGE[:100] + b"\xff" + IMAGE[101:]))
    status, out, err = run(capsys, "inspect", tampered, "--root", root)
    assert (status, out) == (2, "")
    assert err == (f"paalwerk firmware inspect: {tampered}: the image does not match the "
                   "manifest's SHA-256\n")

    damaged = tmp_path / "damaged.fwpkg"
    data = bytearray(package.read_bytes())
    data[data.index(IMAGE[:64]) + 1000] ^= 0x01  # a bit flipped in the stored image
    damaged.write_bytes(bytes(data))
    status, _, err = run(capsys, "inspect", damaged, "--root", root)
    assert status == 2 and "the package is damaged" in err and "CRC-32" in err

    status, _, err = run(capsys, "inspect", tmp_path / "pw2-1.4.0.bin")
    assert status == 2 and "not a firmware package (not a ZIP archive" in err
    status, _, err = run(capsys, "inspect", tmp_path / "missing.fwpkg")
    assert status == 2 and "cannot read" in err and "No such file" in err
    status, _, err = run(capsys, "inspect", package, "--root", tmp_path / "pw2-1.4.0.bin")
    assert status == 2 and "is not a PEM certificate bundle" in err
    assert "Traceback" not in err

    # Image and hash changed together: the package reads, its signature does not verify.
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    forged_image = IMAGE + b"!"
    other = tmp_path / "other.fwpkg"
    manifest.update(size=len(forged_image), sha256=hashlib.sha256(forged_image).hexdigest())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("image.bin", forged_image)
    other.write_bytes(buffer.getvalue())
    status, out, _ = run(capsys, "inspect", other, "--root", root)
    assert status == 1 and "signature  refused (InvalidSignature)" in out


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.usefixtures("open_umask")
def test_eis69_private_keys_are_0600_and_never_overwritten_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "keys"
    status, out, _ = run(capsys, "keygen", "--out", out_dir)
    assert status == 0
    for name in KEY_FILES:
        assert f"wrote {out_dir / name}" in out
    assert "Never commit root.key or signing.key" in out
    modes = {name: stat.S_IMODE((out_dir / name).stat().st_mode) for name in KEY_FILES}
    assert modes == {"root.pem": 0o644, "root.key": 0o600, "signing.pem": 0o644,
                     "signing.key": 0o600}
    assert (out_dir / "root.key").read_text().startswith("-----BEGIN PRIVATE KEY-----")

    before = {name: (out_dir / name).read_bytes() for name in KEY_FILES}
    status, out, err = run(capsys, "keygen", "--out", out_dir)
    assert (status, out) == (1, "")
    assert "already exist: keygen does not replace keys" in err and "--force" in err
    assert {name: (out_dir / name).read_bytes() for name in KEY_FILES} == before
    # One existing key is enough to refuse, and nothing else gets written.
    (out_dir / "root.pem").unlink()
    assert run(capsys, "keygen", "--out", out_dir)[0] == 1
    assert not (out_dir / "root.pem").exists()

    (out_dir / "signing.key").chmod(0o644)
    assert run(capsys, "keygen", "--out", out_dir, "--force")[0] == 0
    after = {name: (out_dir / name).read_bytes() for name in KEY_FILES}
    assert after["root.key"] != before["root.key"]
    assert after["signing.key"] != before["signing.key"]
    assert stat.S_IMODE((out_dir / "signing.key").stat().st_mode) == 0o600
    assert [path.name for path in out_dir.iterdir() if path.name.startswith(".")] == []


def test_sign_refuses_a_key_that_is_not_the_certificate_s_or_a_root(
        tmp_path: Path, keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "image.bin"
    image.write_bytes(IMAGE)
    package = tmp_path / "out.fwpkg"
    base = ["sign", image, "--version", "1", "-o", package]
    status, _, err = run(capsys, *base, "--key", keys / "root.key",
                         "--cert", keys / "signing.pem")
    assert status == 2 and "is not the key of the certificate" in err
    status, _, err = run(capsys, *base, "--key", keys / "root.key", "--cert", keys / "root.pem")
    assert status == 2 and "is a CA certificate" in err
    status, _, err = run(capsys, *base, "--key", keys / "signing.pem",
                         "--cert", keys / "signing.pem")
    assert status == 2 and "is not a PEM private key" in err
    (tmp_path / "empty.bin").write_bytes(b"")
    status, _, err = run(capsys, "sign", tmp_path / "empty.bin", "--version", "1", "-o",
                         package, "--key", keys / "signing.key", "--cert", keys / "signing.pem")
    assert status == 2 and "is empty" in err
    assert not package.exists()
    # Usage errors are argparse's, exit 2.
    status, _, err = run(capsys, "sign", image)
    assert status == 2 and "required" in err
    assert run(capsys, "--help")[0] == 0


def test_upload_is_the_local_update_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "upload", "--help")
    assert status == 0
    assert "--serial" in out and "--ble" in out
