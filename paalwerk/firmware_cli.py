"""``paalwerk firmware …``: make signing keys, sign an image into a package, inspect one.

The manufacturer's side of signed firmware (eis 69): a root key that issues signing
certificates, a signing key that signs releases, and a package a pole — or the service,
or a technician's laptop — checks before anything is installed
(`pole_link.firmware.package`). ``upload`` (sending a package to a pole over its service
port) lives in `paalwerk.firmware_upload` and is imported only when it runs.

Exit status: 0 done (inspect: the signature verifies, or no root was given and the
package reads), 1 refused (a signature that does not verify, keys that would be
overwritten), 2 a bad package, unreadable file or wrong usage. Errors are one sentence
on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from pole_link.firmware.package import (
    MAX_IMAGE_BYTES,
    FirmwarePackage,
    PackageError,
    build_package,
    read_package,
)
from pole_link.firmware.signing import (
    FirmwareRefused,
    load_certificate,
    load_certificates,
    make_root,
    make_signing_cert,
    pem_of,
    subject_of,
)

PROG = "paalwerk firmware"
OK, REFUSED, BAD = 0, 1, 2
KEY_FILES = ("root.pem", "root.key", "signing.pem", "signing.key")


class CommandError(Exception):
    """Ends a subcommand with a one-sentence message and an exit status."""

    def __init__(self, message: str, status: int = BAD) -> None:
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------- files
def _write_atomically(path: Path, data: bytes, *, private: bool, replace: bool) -> None:
    """Write ``data`` to ``path``; a private file is mode 0600 from the moment it exists.

    With ``replace``, a temporary file beside the target (made 0600 by `mkstemp`, so no
    other user can open it even for a moment) is renamed over it once complete. Without,
    the target itself is created exclusively (``O_EXCL``): a file that exists, or appears
    meanwhile, is never overwritten (`FileExistsError`); a failed write removes it again.
    """
    mode = 0o600 if private else 0o644
    if not replace:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        handle = os.open(path, flags, mode)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    temp_path = Path(temp)
    try:
        with os.fdopen(handle, "wb") as out:
            if not private:
                temp_path.chmod(mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp_path.replace(path)
    finally:
        temp_path.unlink(missing_ok=True)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None


def _load_key(path: Path) -> Ed25519PrivateKey:
    data = _read(path, "signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise CommandError(f"{path} is encrypted with a passphrase; this command signs "
                           "with an unencrypted PKCS8 key (as 'keygen' writes)") from None
    except ValueError:
        raise CommandError(f"{path} is not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CommandError(f"{path} is not an Ed25519 key; firmware is signed with Ed25519 "
                           "(make a pair with 'paalwerk firmware keygen')")
    return key


def _load_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            found = load_certificates(_read(path, "root certificate file"))
        except ValueError:
            raise CommandError(f"{path} is not a PEM certificate bundle") from None
        if not found:
            raise CommandError(f"{path} holds no certificate")
        roots.extend(found)
    return roots


def _issuer_name(cert: x509.Certificate) -> str:
    names = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.issuer.rfc4514_string()


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


# ---------------------------------------------------------------------- keygen
def keygen(args: argparse.Namespace, now: datetime) -> int:
    out: Path = args.out
    targets = [out / name for name in KEY_FILES]
    existing = [path for path in targets if path.exists()]
    if existing and not args.force:
        raise CommandError(
            f"{', '.join(str(path) for path in existing)} already exist: keygen does not "
            "replace keys (poles trust the old root, and a lost key cannot be recovered); "
            "pass --force to replace them", REFUSED)
    try:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CommandError(f"cannot create {out}: {exc.strerror or exc}") from None
    root_key, root = make_root(f"{args.name} firmware root", now)
    signing_key, signing = make_signing_cert(root_key, root, f"{args.name} firmware signing",
                                             now)

    def private(key: Ed25519PrivateKey) -> bytes:
        return key.private_bytes(serialization.Encoding.PEM,
                                 serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    files = [
        (targets[0], pem_of(root).encode(), False,
         f"manufacturer root certificate, valid until {_day(root.not_valid_after_utc)}: "
         "install it on poles, give it to the service (paalwerk service --trust)"),
        (targets[1], private(root_key), True,
         "root private key (0600): it issues signing certificates; keep it offline"),
        (targets[2], pem_of(signing).encode(), False,
         f"signing certificate, issued by the root, valid until "
         f"{_day(signing.not_valid_after_utc)}"),
        (targets[3], private(signing_key), True,
         "signing private key (0600): signs releases (paalwerk firmware sign)"),
    ]
    for path, data, is_private, _ in files:
        try:
            _write_atomically(path, data, private=is_private, replace=args.force)
        except FileExistsError:
            raise CommandError(f"{path} appeared while keygen ran: nothing replaced",
                               REFUSED) from None
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    for path, _, _, what in files:
        print(f"wrote {path}  {what}")
    print("Never commit root.key or signing.key to a repository or send them anywhere: "
          "whoever holds signing.key can sign firmware that every pole trusting root.pem "
          "installs.")
    return OK


# ---------------------------------------------------------------------- sign
def sign(args: argparse.Namespace, now: datetime) -> int:
    image_path: Path = args.image
    image = _read(image_path, "image")
    if not image:
        raise CommandError(f"{image_path} is empty: there is nothing to sign")
    if len(image) > MAX_IMAGE_BYTES:
        raise CommandError(f"{image_path} is {len(image)} bytes; a package holds at most "
                           f"{MAX_IMAGE_BYTES} (64 MiB)")
    version = args.version.strip()
    if not version:
        raise CommandError("--version must not be empty")
    key = _load_key(args.key)
    try:
        cert = load_certificate(_read(args.cert, "signing certificate"))
    except FirmwareRefused:
        raise CommandError(f"{args.cert} is not a PEM certificate") from None
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    if cert.public_key().public_bytes(*raw) != key.public_key().public_bytes(*raw):
        raise CommandError(f"{args.key} is not the key of the certificate {args.cert} "
                           f"({subject_of(cert)!r})")
    with contextlib.suppress(x509.ExtensionNotFound):
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            raise CommandError(f"{args.cert} is a CA certificate ({subject_of(cert)!r}): "
                               "sign with the signing certificate, poles refuse a root's "
                               "signature")
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise CommandError(f"the signing certificate {subject_of(cert)!r} is not valid now "
                           f"(valid {_day(cert.not_valid_before_utc)} to "
                           f"{_day(cert.not_valid_after_utc)}): poles would refuse the "
                           "package", REFUSED)
    package = build_package(image, version=version, models=args.model or [], key=key,
                            signing_cert=cert)
    data = package.to_bytes()
    try:
        _write_atomically(args.output, data, private=False, replace=True)
    except OSError as exc:
        raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    models = ", ".join(package.manifest.models) or "every model"
    print(f"wrote {args.output}: version {version} for {models}, image {len(image)} bytes, "
          f"SHA-256 {package.manifest.sha256}, signed by {subject_of(cert)!r}")
    return OK


# ---------------------------------------------------------------------- inspect
def inspect(args: argparse.Namespace, now: datetime) -> int:
    roots = _load_roots(args.root or [])
    try:
        package = read_package(args.package)
    except PackageError as exc:
        raise CommandError(f"{args.package}: {exc}") from None
    manifest = package.manifest
    print(f"package    {args.package}")
    print(f"version    {manifest.version}")
    print(f"models     {', '.join(manifest.models) or 'every model'}")
    print(f"image      {manifest.size} bytes")
    print(f"SHA-256    {manifest.sha256}")
    try:
        cert = package.signing_certificate()
    except FirmwareRefused as refused:
        print(f"signer     unreadable: {refused.detail}")
        print(f"signature  refused ({refused.reason.value}): every pole refuses this package")
        return REFUSED
    print(f"signer     {subject_of(cert)} (issued by {_issuer_name(cert)}, valid "
          f"{_day(cert.not_valid_before_utc)} to {_day(cert.not_valid_after_utc)})")
    if not roots:
        print("signature  not checked: give --root ROOT.pem to check it against a "
              "manufacturer root")
        return OK
    return _verdict(package, roots, now)


def _verdict(package: FirmwarePackage, roots: Sequence[x509.Certificate],
             now: datetime) -> int:
    try:
        root = package.verify(roots, now)
    except FirmwareRefused as refused:
        detail = refused.detail.replace("this pole trusts", "given with --root")
        print(f"signature  refused ({refused.reason.value}): {detail}")
        return REFUSED
    print(f"signature  valid: signed by {subject_of(package.signing_certificate())!r} "
          f"under the root {subject_of(root)!r}, checked at {now:%Y-%m-%d %H:%M} UTC")
    return OK


# ---------------------------------------------------------------------- upload
def upload(argv: Sequence[str]) -> int:
    """``paalwerk firmware upload``: `paalwerk.firmware_upload`, imported only now (it
    brings the pole session and its transports)."""
    try:
        module = importlib.import_module("paalwerk.firmware_upload")
    except ImportError:
        print(f"{PROG} upload: firmware upload is not available in this build",
              file=sys.stderr)
        return BAD
    upload_main: Callable[[list[str]], int] = module.main
    return upload_main(list(argv))


# ---------------------------------------------------------------------- the command
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Signed firmware packages (eis 69): make the manufacturer's keys, sign an "
                    "image into a package, check a package, send one to a pole.",
        epilog="Exit status: 0 done, 1 refused (signature, existing keys), 2 bad package, "
               "unreadable file or usage.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    keys = commands.add_parser(
        "keygen", help="make a manufacturer root and a signing certificate with their keys",
        description="Write root.pem (manufacturer root certificate), root.key, signing.pem "
                    "(signing certificate issued by the root) and signing.key to DIR. The "
                    "keys are Ed25519, PKCS8 PEM, unencrypted, mode 0600: keep them out of "
                    "any repository, and root.key offline.")
    keys.add_argument("--out", type=Path, required=True, metavar="DIR",
                      help="directory to write the four files to (created if missing)")
    keys.add_argument("--name", default="Paalwerk", metavar="NAME",
                      help="manufacturer name in the certificates (default: %(default)s)")
    keys.add_argument("--force", action="store_true",
                      help="replace existing files (poles trusting the old root will refuse "
                           "packages signed with the new keys)")

    signer = commands.add_parser(
        "sign", help="sign an image into a firmware package",
        description="Sign IMAGE as release V and write the package (a ZIP of "
                    "manifest.json and image.bin; see the README, 'Firmware packages').")
    signer.add_argument("image", type=Path, metavar="IMAGE", help="the firmware image")
    signer.add_argument("--key", type=Path, required=True, metavar="signing.key",
                        help="the signing certificate's private key")
    signer.add_argument("--cert", type=Path, required=True, metavar="signing.pem",
                        help="the signing certificate (issued by a manufacturer root)")
    signer.add_argument("--version", required=True, metavar="V",
                        help="the release's version, as poles will report it")
    signer.add_argument("--model", action="append", metavar="M",
                        help="a pole model the image fits (repeat for more; none: every "
                             "model)")
    signer.add_argument("-o", "--output", type=Path, required=True, metavar="PACKAGE",
                        help="where to write the package")

    inspector = commands.add_parser(
        "inspect", help="show a package and check its signature against manufacturer roots",
        description="Show a package's version, models, size, SHA-256 and signer and, given "
                    "roots, whether the signature verifies as a pole would check it. Exit 0 "
                    "valid (or no root given), 1 refused, 2 not a usable package.")
    inspector.add_argument("package", type=Path, metavar="PACKAGE")
    inspector.add_argument("--root", type=Path, action="append", metavar="ROOT.pem",
                           help="trusted manufacturer root certificate(s), a PEM file or "
                                "bundle (repeat for more)")

    commands.add_parser("upload", add_help=False,
                        help="send a package to a pole over its service port "
                             "(paalwerk firmware upload --help)")
    return parser


Subcommand = Callable[[argparse.Namespace, datetime], int]
SUBCOMMANDS: dict[str, Subcommand] = {"keygen": keygen, "sign": sign, "inspect": inspect}


def main(argv: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    """``now`` is the time certificates are made and checked at (tests pin it)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["upload"]:
        return upload(args_list[1:])
    try:
        args = build_parser().parse_args(args_list)
    except SystemExit as exit_:  # --help, or a usage error argparse has already printed
        return exit_.code if isinstance(exit_.code, int) else BAD
    try:
        return SUBCOMMANDS[args.command](args, now or datetime.now(UTC))
    except CommandError as error:
        print(f"{PROG} {args.command}: {error}", file=sys.stderr)
        return error.status
