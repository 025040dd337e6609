"""``paalwerk …``: one entry point, each subcommand imported only when it runs.

Lazy imports keep ``paalwerk sim`` free of Qt and ``paalwerk gui`` free of the
database stack, and keep start-up fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: paalwerk [COMMAND] [OPTIONS]

commands:
  (none) / demo   start the demo: a virtual pole on a serial pseudo-terminal
  sim             run virtual poles (paalwerk sim --help)
  watch PATH      show a pole's live data over its serial service port
  gui             the desktop app (not available yet)
  service         the CSMS: OCPP 1.6J central system (paalwerk service --help)
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


def _not_yet(name: str) -> Callable[[Sequence[str]], int]:
    def run(argv: Sequence[str]) -> int:
        print(f"paalwerk {name} is not available yet; try 'paalwerk demo'", file=sys.stderr)
        return 2

    return run


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "sim": _sim,
    "demo": _demo,
    "watch": _watch,
    "gui": _not_yet("gui"),
    "service": _service,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _demo([])
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
