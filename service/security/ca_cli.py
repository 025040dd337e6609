"""``paalwerk service ca init``: make the service's pole CA (once)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from service.security.ca import CaError, default_ca_dir, init_ca


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="paalwerk service ca",
                                     description="The service's own CA for pole certificates "
                                                 "(security profile 3).")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="make the CA: a key and a self-signed "
                                            "certificate")
    init.add_argument("--ca-dir", type=Path, default=None, metavar="DIR",
                      help=f"where (default: {default_ca_dir()})")
    args = parser.parse_args(argv)
    directory = args.ca_dir or default_ca_dir()
    try:
        ca = init_ca(directory, datetime.now(UTC))
    except (CaError, OSError) as exc:
        print(f"paalwerk service ca init: {exc}", file=sys.stderr)
        return 1
    print(f"CA made: {ca.cert_path} (give it to poles as their --ca / trusted CA); its key "
          f"is in {directory} (keep it private)", flush=True)
    return 0
