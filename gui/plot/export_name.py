"""The name "Export CSV…" proposes: which pole, and when by the pole's own clock.

A technician exports from several poles in a day and finds the files later in a download
folder, so the name carries the pole id and the time of the newest sample shown, in the
same local time as the plot's axis (``PW-001_2026-12-04_1630.csv``). The pole's clock, not
the laptop's: the file must line up with the rows inside it and with the pole's own logs.

Pole ids come from the pole and may hold anything; the name must still open on Windows, the
strictest of the file systems a technician's laptop runs, so unsafe characters become ``-``.
No Qt here: a rule, tested on its own.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

FALLBACK_STEM = "currents"
"""The name's start when no pole is known (a plot fed by hand, a demo)."""
MAX_ID_CHARS = 64
"""Pole ids are short; a longer one is cut so that the whole path stays well within
Windows' 260-character limit."""
TIME_FORMAT = "%Y-%m-%d_%H%M"

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\s]+')
"""Forbidden on Windows (and ``/`` everywhere), control characters, and whitespace: a
name without spaces survives being pasted into a command line or a mail."""
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
"""Device names Windows refuses as a file's name, whatever the extension."""


def safe_stem(text: str) -> str:
    """``text`` as part of a file name that Windows, macOS and Linux all accept."""
    stem = _UNSAFE.sub("-", text.strip())[:MAX_ID_CHARS].strip("-. ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


def export_file_name(pole_id: str | None, pole_time: float | None,
                     zone: tzinfo | None = None) -> str:
    """``<pole id>_<YYYY-MM-DD>_<HHMM>.csv`` at ``pole_time`` (seconds since the epoch).

    ``zone`` defaults to the laptop's own, as on the plot's time axis. Without a time (no
    samples yet) the name is the pole id alone; without a usable id it starts with
    ``currents``.
    """
    stem = safe_stem(pole_id or "") or FALLBACK_STEM
    if pole_time is None:
        return f"{stem}.csv"
    moment = datetime.fromtimestamp(pole_time, zone)
    return f"{stem}_{moment.strftime(TIME_FORMAT)}.csv"
