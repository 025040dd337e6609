"""``paalwerk sim``: the virtual-pole command line, a contract outside scripts rely on.

The options and the first lines printed are fixed in ARCHITECTURE.md; change
them only together with that page.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pole_link.sim.runner import FleetOptions, run_until_stopped
from pole_link.sim.vehicles import parse_plug
from pole_link.timeutil import parse_time


def build_parser(prog: str = "paalwerk sim") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run virtual tender poles: a pseudo-terminal service port per pole "
                    "(--serial), BLE (--ble) or OCPP 1.6J to a CSMS (--csms).")
    parser.add_argument("--poles", type=int, default=1, metavar="N",
                        help="how many poles (default 1)")
    parser.add_argument("--id-prefix", default="PW-", metavar="PREFIX",
                        help="pole ids are PREFIX0001, PREFIX0002, … (default PW-)")
    parser.add_argument("--serial", action="store_true",
                        help="a pseudo-terminal service port per pole; prints "
                             "'<pole-id> serial <device path>' per pole first")
    parser.add_argument("--ble", action="store_true",
                        help="serve the local protocol over BLE on a virtual radio (bumble); "
                             "prints '<pole-id> ble <address> <transport>' per pole, after "
                             "any --serial lines; a client joins with "
                             "PAALWERK_BLE_TRANSPORT=<transport>")
    parser.add_argument("--csms", metavar="URL",
                        help="connect each pole over OCPP 1.6J to URL/<pole-id>; queued "
                             "messages live in $PAALWERK_STATE_DIR/<pole-id>")
    parser.add_argument("--speed", type=float, default=1.0, metavar="X",
                        help="simulated time runs X times faster than real time")
    parser.add_argument("--start", metavar="ISO-8601",
                        help="the simulated clock's start, with offset (default now)")
    parser.add_argument("--plug", action="append", default=[], metavar="CONNECTOR:EVTYPE",
                        help="a vehicle plugged in at start: ev3, ev1 or zoe (repeatable)")
    parser.add_argument("--trust", action="append", default=[], metavar="ROOT.pem",
                        help="a manufacturer root certificate every pole trusts for "
                             "firmware (as OCPP InstallCertificate would install it; "
                             "repeatable)")
    parser.add_argument("--legacy-ocpp", action="store_true",
                        help="poles without the OCPP 1.6 security extension: they answer "
                             "NotImplemented to SignedUpdateFirmware and send no security "
                             "events (as older field poles do)")
    parser.add_argument("--security-profile", type=int, default=0, choices=range(4),
                        metavar="N",
                        help="OCPP security profile 0-3 the poles start at: 1 HTTP Basic, "
                             "2 TLS + Basic (wss://), 3 TLS with a client certificate "
                             "(default 0)")
    parser.add_argument("--password", default=None, metavar="P",
                        help="the poles' AuthorizationKey (HTTP Basic password, 16-40 "
                             "characters) for profiles 1 and 2; a key the CSMS hands a pole "
                             "later is kept in its state directory and wins over this")
    parser.add_argument("--ca", default=None, metavar="CA.pem",
                        help="the CSMS's CA certificate the poles trust for wss:// "
                             "(default: the system's trusted roots)")
    parser.add_argument("--service-token-keys", default=None, metavar="B64[,B64]",
                        help="ServiceTokenKeys every pole starts with: comma-separated base64 "
                             "Ed25519 public keys; the poles then refuse the PIN and accept "
                             "only service tokens signed by these keys (eis 69)")
    parser.add_argument("--verbose", action="store_true", help="log frames")
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "paalwerk sim") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.poles < 1:
        parser.error("--poles must be at least 1")
    if args.speed <= 0:
        parser.error("--speed must be positive")
    if not (args.serial or args.ble or args.csms):
        parser.error("choose how the poles are reached: --ble, --serial and/or --csms URL")
    if args.csms and not args.csms.startswith(("ws://", "wss://")):
        parser.error(f"--csms takes a ws:// or wss:// URL, not {args.csms!r}")
    try:
        plugs = [parse_plug(text) for text in args.plug]
        start = parse_time(args.start) if args.start else None
    except ValueError as exc:
        parser.error(str(exc))
    roots = tuple(_read_root(parser, path) for path in args.trust)
    ca_pem = _read_ca(parser, args.ca) if args.ca else None
    _check_security(parser, args)
    if args.service_token_keys is not None:
        from pole_link.service_tokens import parse_keys

        try:
            if not parse_keys(args.service_token_keys):
                raise ValueError("no key given")
        except ValueError as exc:
            parser.error(f"--service-token-keys: {exc}")
    for connector_id, _ in plugs:
        if connector_id not in (1, 2):
            parser.error(f"--plug: connector {connector_id} does not exist (1 or 2)")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if args.verbose:
        logging.getLogger("ocpp").setLevel(logging.INFO)
        logging.getLogger("ocpp").addFilter(mask_tokens)
    options = FleetOptions(poles=args.poles, id_prefix=args.id_prefix, serial=args.serial,
                           ble=args.ble,
                           csms=args.csms, speed=args.speed, start=start, plugs=tuple(plugs),
                           trusted_roots=roots, security_extension=not args.legacy_ocpp,
                           security_profile=args.security_profile, password=args.password,
                           ca_pem=ca_pem, service_token_keys=args.service_token_keys)
    asyncio.run(run_until_stopped(options))
    return 0


_TOKEN_FIELD = re.compile(r'(\\?"token\\?"\s*:\s*\\?")[^"\\]*')


def mask_tokens(record: logging.LogRecord) -> bool:
    """Logged frames show ``Auth``'s token as ``***``: a service token is a secret, and
    ``--verbose`` output ends up in bug reports."""
    message = record.getMessage()
    masked = _TOKEN_FIELD.sub(r"\1***", message)
    if masked != message:
        record.msg, record.args = masked, ()
    return True


def _read_root(parser: argparse.ArgumentParser, path: str) -> str:
    """A root certificate file's PEM text; a usage error when it is not one."""
    from pole_link.firmware.signing import load_certificates

    try:
        text = Path(path).read_text(encoding="ascii")
        if not load_certificates(text):
            raise ValueError("no certificate in it")
    except (OSError, ValueError) as exc:
        parser.error(f"--trust {path}: not a PEM certificate file ({exc})")
    return text


def _check_security(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors for security options that cannot work together, said in words."""
    from pole_link.sim.security import key_problem

    if args.password is not None:
        problem = key_problem(args.password)
        if problem is not None:
            parser.error(f"--password: {problem}")
    if args.security_profile in (1, 2) and args.password is None:
        parser.error(f"--security-profile {args.security_profile} logs in with HTTP Basic: "
                     f"give --password")
    if args.security_profile >= 2 and args.csms and not args.csms.startswith("wss://"):
        parser.error(f"--security-profile {args.security_profile} needs TLS: --csms wss://…")


def _read_ca(parser: argparse.ArgumentParser, path: str) -> str:
    """The ``--ca`` file's PEM text; a usage error when it holds no certificate."""
    from pole_link.firmware.signing import load_certificates

    try:
        text = Path(path).read_text(encoding="ascii")
        if not load_certificates(text):
            raise ValueError("no certificate in it")
    except (OSError, ValueError) as exc:
        parser.error(f"--ca {path}: not a PEM certificate file ({exc})")
    return text
