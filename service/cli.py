"""``paalwerk service``: the CSMS on this machine (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from pole_link.firmware.signing import load_certificates
from service import event_loop, service_log
from service.api.firmware_packages import trust_summary
from service.api.tokens import default_token_file, ensure_admin_token
from service.listen_queue import log_listen_queue
from service.ocpp.pole_handler import CsmsSettings
from service.security.ca import CaError, ServiceCa, default_ca_dir, load_ca
from service.security.tls import TlsError, TlsFiles, server_context
from service.server import prepare_database, start_service
from service.storage.database import StorageError, database_url_default
from service.workers import WorkerConfig, can_share_a_port, supervise


async def _run(db_url: str, host: str, port: int, settings: CsmsSettings,
               token_file: Path, files_dir: Path | None = None,
               public_url: str | None = None,
               trusted_roots: Sequence[x509.Certificate] = (),
               tls: TlsFiles | None = None, ca: ServiceCa | None = None) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    _show_new_token(token_file)
    service = await start_service(db_url, host=host, port=port, settings=settings,
                                  token_file=token_file, files_dir=files_dir,
                                  public_url=public_url, trusted_roots=trusted_roots,
                                  tls=tls, ca=ca)
    print(f"Paalwerk CSMS: poles connect to {service.ocpp_url}/<pole-id> "
          f"(storage: {service.repository.engine.url.render_as_string(hide_password=True)})",
          flush=True)
    print(f"Operator API: {'https' if tls else 'http'}://{service.host}:{service.port}/api/v1 "
          f"(OpenAPI at /docs)", flush=True)
    print(trust_summary(trusted_roots), flush=True)
    log_listen_queue()
    try:
        await stop.wait()
    finally:
        await service.stop()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["ca"]:
        from service.security.ca_cli import main as ca_main

        return ca_main(argv[1:])
    if argv[:1] in (["user"], ["audit"]) or (
            argv[:1] == ["--db"] and argv[2:3] in (["user"], ["audit"])):
        from service.accounts.cli import main as accounts_main

        return accounts_main(argv)
    parser = argparse.ArgumentParser(prog="paalwerk service",
                                     description="Run the CSMS (OCPP 1.6J central system).")
    parser.add_argument("--db", metavar="URL",
                        help="database URL (default: an SQLite file in your data directory; "
                             "postgresql://user@host/db for PostgreSQL)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--token-file", type=Path, default=None, metavar="PATH",
                        help=f"where API token hashes are kept (default: {default_token_file()})")
    parser.add_argument("--files-dir", type=Path, default=None, metavar="PATH",
                        help="firmware images and diagnostics uploads (default: 'files' beside "
                             "the SQLite database, or in your data directory)")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="where poles reach this service over HTTP, e.g. "
                             "http://csms.example.net:8180 (default: the URL the operator "
                             "used for the command)")
    parser.add_argument("--trust", type=Path, default=None, metavar="ROOTS.pem",
                        help="manufacturer root certificates (a PEM bundle) that signed "
                             "firmware packages must chain to; without it every package "
                             "uploaded to POST /api/v1/firmware/packages is refused")
    parser.add_argument("--registration", choices=("open", "closed"), default="open",
                        help="open: unknown poles are registered (flagged); closed: rejected")
    parser.add_argument("--unknown-id-tags", choices=("accept", "reject"), default="accept",
                        help="a card the register does not hold: accept (default: eis 60, "
                             "every e-mobility provider's cards work) or reject (Invalid)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="service processes sharing the port and the fleet, for more than "
                             "one core's worth of poles (Linux; needs PostgreSQL)")
    parser.add_argument("--tls-cert", type=Path, default=None, metavar="CERT.pem",
                        help="serve TLS (wss:// and https://, security profiles 2 and 3) "
                             "with this certificate (chain) …")
    parser.add_argument("--tls-key", type=Path, default=None, metavar="KEY.pem",
                        help="… and this private key")
    parser.add_argument("--ca-dir", type=Path, default=None, metavar="DIR",
                        help="the service's pole CA ('paalwerk service ca init'; default: "
                             "'ca' in your configuration directory, used when it exists): "
                             "signs pole certificates and, with TLS, checks them (profile 3)")
    args = parser.parse_args(argv)
    tls, ca = _security_options(parser, args)
    trust_pem = ""
    if args.trust is not None:
        try:
            trust_pem = _trusted_roots_pem(args.trust)
        except ValueError as exc:
            parser.error(str(exc))
    service_log.configure()
    try:
        loop_choice = event_loop.choose()  # checked here: a worker would only fail later
    except ValueError as exc:
        parser.error(str(exc))
    settings = CsmsSettings(registration_open=args.registration == "open",
                            accept_unknown_id_tags=args.unknown_id_tags == "accept")
    db_url = args.db or database_url_default()
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers > 1:
        if not db_url.startswith("postgresql"):
            parser.error("--workers above 1 needs a PostgreSQL --db: the processes route "
                         "commands and live data to each other through it (LISTEN/NOTIFY)")
        if not can_share_a_port():
            parser.error("--workers above 1 needs Linux (SO_REUSEPORT spreads connections)")
        return _run_workers(db_url, args, settings, trust_pem, tls, ca)
    try:
        event_loop.run(_run(db_url, args.host, args.port, settings,
                            args.token_file or default_token_file(), args.files_dir,
                            args.public_url, load_certificates(trust_pem), tls, ca),
                       loop_choice)
    except StorageError as exc:
        print(f"paalwerk service: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"paalwerk service: cannot listen on {args.host}:{args.port}: {exc}",
              file=sys.stderr)
        return 1
    return 0


def _trusted_roots_pem(path: Path) -> str:
    """The ``--trust`` bundle's text, checked to hold certificates (`ValueError` why not)."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ValueError(f"--trust {path}: cannot read it ({reason})") from None
    try:
        roots = load_certificates(text)
    except ValueError:
        raise ValueError(f"--trust {path}: not a PEM certificate bundle") from None
    if not roots:
        raise ValueError(f"--trust {path}: holds no certificate")
    return text


def _run_workers(db_url: str, args: argparse.Namespace, settings: CsmsSettings,
                 trust_pem: str = "", tls: TlsFiles | None = None,
                 ca: ServiceCa | None = None) -> int:
    """Storage prepared and the token made once, here; then the workers (`service.workers`)."""
    token_file = args.token_file or default_token_file()
    try:
        prepare_database(db_url)
    except StorageError as exc:
        print(f"paalwerk service: {exc}", file=sys.stderr)
        return 1
    _show_new_token(token_file)
    config = WorkerConfig(db_url, args.host, args.port, settings.shared_by(args.workers),
                          token_file, args.files_dir,
                          args.public_url, trust_pem, tls,
                          ca.directory if ca is not None else None)
    return asyncio.run(supervise(config, args.workers))


def _show_new_token(token_file: Path) -> None:
    """The first start makes the operator API token and shows it, this once only."""
    token = ensure_admin_token(token_file)
    if token is not None:
        print(f"Operator API token (shown once, store it safely): {token}", flush=True)


def _security_options(parser: argparse.ArgumentParser, args: argparse.Namespace
                      ) -> tuple[TlsFiles | None, ServiceCa | None]:
    """TLS files and the pole CA from the options, checked now (usage errors in words)."""
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    ca: ServiceCa | None = None
    ca_dir = args.ca_dir or default_ca_dir()
    if args.ca_dir is not None or (ca_dir / "ca.pem").exists():
        try:
            ca = load_ca(ca_dir)
        except CaError as exc:
            parser.error(str(exc))
    if args.tls_cert is None:
        return None, ca
    tls = TlsFiles(args.tls_cert, args.tls_key, ca.cert_path if ca is not None else None)
    try:
        server_context(tls)
    except TlsError as exc:
        parser.error(str(exc))
    return tls, ca
