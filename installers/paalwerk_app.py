"""The bundle's entry point: ``paalwerk`` as a PyInstaller one-folder program.

The same dispatch as the console script (`paalwerk.cli.main`), with two things only a
frozen program needs:

- `multiprocessing.freeze_support`: ``paalwerk service --workers N`` starts its workers
  with the *spawn* method, which in a bundle re-runs this executable; without it each
  worker would start another copy of the app instead of the worker.
- Standard streams: a windowed program (Windows ``Paalwerk.exe``, a macOS .app started
  from Finder) may have no stdout or stderr at all (``None``), and a library that
  writes to them directly would crash the app. They point at the null device instead;
  the console twin (``paalwerk-cli.exe``) and the Linux executable keep theirs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path


def _streams_guarded() -> None:
    if sys.stdout is None:
        sys.stdout = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 (lifelong)
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 (lifelong)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _streams_guarded()
    from paalwerk.cli import main

    sys.exit(main())
