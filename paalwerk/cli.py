"""``paalwerk …``: one entry point, each subcommand imported only when it runs.

Lazy imports keep ``paalwerk sim`` free of Qt and ``paalwerk gui`` free of the
database stack, and keep start-up fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: paalwerk [COMMAND] [OPTIONS]

commands:
  (none)          the desktop app on the demo: a local service and virtual poles
  gui             the desktop app (paalwerk gui --help; --service URL for a real one)
  demo            the demo without a window: virtual poles on serial pseudo-terminals
  sim             run virtual poles (paalwerk sim --help)
  watch PATH      show a pole's live data over its serial service port
  service         the CSMS: OCPP 1.6J central system (paalwerk service --help)
  firmware        signed firmware packages: keygen, sign, inspect, upload
  commission      run a commissioning checklist without a window (--help)
  --self-test     start the demo headless, read live values over serial and through the
                  service; print one line, exit 0 (passed) or 1 (failed)
"""


def _sim(argv: Sequence[str]) -> int:
    from pole_link.sim.cli import main

    return main(argv)


def _demo(argv: Sequence[str]) -> int:
    from paalwerk.demo import main

    return main(argv)


def _watch(argv: Sequence[str]) -> int:
    from paalwerk.watch import main

    return main(argv)


def _service(argv: Sequence[str]) -> int:
    from service.cli import main

    return main(argv)


def _firmware(argv: Sequence[str]) -> int:
    from paalwerk.firmware_cli import main

    return main(argv)


def _commission(argv: Sequence[str]) -> int:
    from paalwerk.commission_cli import main

    return main(argv)


def _self_test(argv: Sequence[str]) -> int:
    from gui.self_test import main

    return main(argv)


def _gui(argv: Sequence[str]) -> int:
    from gui.app import main

    return main(argv)


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "sim": _sim,
    "demo": _demo,
    "watch": _watch,
    "gui": _gui,
    "service": _service,
    "firmware": _firmware,
    "commission": _commission,
    "--self-test": _self_test,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _gui([])
    if args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"paalwerk: unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return command(args[1:])
    except KeyboardInterrupt:
        return 130
