"""Where a process's memory is, for telling RSS growth from what it holds (issue 20).

RSS growth mixes what the process holds with what its allocators keep free: glibc's malloc
(``mallinfo2``: obtained from the kernel over every arena, in use, free inside the arenas)
and pymalloc (``sys._debugmallocstats``: its 1 MB arenas and the bytes in allocated blocks
in them; the difference is pymalloc's own fragmentation). With tracemalloc on, pymalloc's
statistics are not available (its hooks replace the allocator) and its traces themselves
cost about 100 bytes of C heap per live block, so measure these without it.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
import tempfile
from pathlib import Path


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def status_kb(field: str) -> int:
    """A field of /proc/self/status (VmRSS, Threads, …): its number."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def glibc_heap_kb() -> tuple[int, int, int] | None:
    """glibc's heap over all arenas: obtained from the kernel (heaps plus mmap'd blocks),
    in use, and free inside the arenas, in KB; None off glibc 2.33+."""
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return ((info.arena + info.hblkhd) // 1024, (info.uordblks + info.hblkhd) // 1024,
            info.fordblks // 1024)


def pymalloc_kb() -> tuple[int, int]:
    """pymalloc's arenas allocated and the bytes in allocated blocks, in KB (0, 0 while
    tracemalloc is on)."""
    with tempfile.TemporaryFile("w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()

    def number(label: str) -> int:
        found = re.search(rf"{re.escape(label)}\s*=\s*([\d,]+)", text)
        return int(found.group(1).replace(",", "")) if found else 0
    return (number("# arenas allocated current") * 1024,
            number("# bytes in allocated blocks") // 1024)


def heap_parts() -> dict[str, int]:
    """RSS and its parts, in KB (threads: a count; each thread may have a malloc arena)."""
    heap = glibc_heap_kb() or (0, 0, 0)
    arenas, blocks = pymalloc_kb()
    return {"rss": status_kb("VmRSS"), "c_heap": heap[0], "c_used": heap[1],
            "c_free": heap[2], "py_arenas": arenas, "py_blocks": blocks,
            "threads": status_kb("Threads")}


def describe(parts: dict[str, int]) -> str:
    """One line: RSS, glibc obtained/used/free, pymalloc arenas/blocks, threads."""
    return (f"RSS {parts['rss'] / 1024:.0f} MB: glibc heap {parts['c_heap'] / 1024:.0f} MB "
            f"({parts['c_used'] / 1024:.0f} in use, {parts['c_free'] / 1024:.0f} free), "
            f"pymalloc arenas {parts['py_arenas'] / 1024:.0f} MB "
            f"({parts['py_blocks'] / 1024:.0f} in blocks), {parts['threads']} threads")
