"""A virtual serial cable at a real baud rate, between a client and a pole's pseudo-terminal.

A pseudo-terminal has no baud rate: it moves bytes as fast as both ends' CPUs copy
them, so a protocol measured on one is measured against the CPU, not a line. A real
service cable (USB-serial at 115200 … 3,000,000 baud, 8N1) carries baud ÷ 10 bytes/s
each way, whatever the CPUs can do. `SerialLine` stands in for that cable: it opens
the pole's pseudo-terminal as the far end, makes a new pseudo-terminal whose path a
client opens with pyserial, and relays bytes both ways at the line's rate, each
byte arriving one character time after the one before (plus the time of the slice it
travels in, `SLICE_SECONDS`, as a UART FIFO's interrupt would deliver it).

Like a cable, the line keeps no more than the kernel's buffers on either side: a sender
that outruns it blocks, as it would on a real driver's buffer.

Run it in its own process so it shares no interpreter lock with either end::

    python -m pole_link.sim.serial_line /dev/pts/7 --baud 921600
    # prints "serial line 921600 baud: /dev/pts/9" and relays until stopped
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import signal
import sys
import threading
import time
import tty

BITS_PER_BYTE = 10
"""8N1: a start bit, eight data bits and a stop bit on the wire for every byte."""
SLICE_SECONDS = 0.002
"""Line time moved per relay step: small enough that the latency it adds is well under
a millisecond or two, large enough that 3 Mbaud needs only ~500 steps a second."""
_POLL_S = 0.1
"""How soon a relay thread notices `SerialLine.close`."""


def line_rate(baud: int) -> float:
    """Bytes per second a line at ``baud`` carries each way (8N1)."""
    return baud / BITS_PER_BYTE


class SerialLine:
    """Relays bytes between a new pseudo-terminal (the client's end) and ``pole_path``.

    `path` is the client's end; `start` runs one thread per direction; `close` stops
    them and closes every descriptor.
    """

    def __init__(self, pole_path: str, baud: int) -> None:
        if baud <= 0:
            raise ValueError(f"a serial line needs a positive baud rate, not {baud}")
        self.baud = baud
        self.rate = line_rate(baud)
        self._pole = os.open(pole_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self._pole)
        self._master, self._slave = os.openpty()
        # The line keeps its own client-side descriptor open, so the master never reads
        # end-of-file while a client closes and reopens the port (a session reopened
        # after the pole rebooted).
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._closing = threading.Event()
        self._threads = [
            threading.Thread(target=self._relay, args=(self._master, self._pole),
                             name="line to pole", daemon=True),
            threading.Thread(target=self._relay, args=(self._pole, self._master),
                             name="line to client", daemon=True)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _relay(self, source: int, sink: int) -> None:
        """One direction: read at most a slice, hold it for its line time, pass it on."""
        slice_bytes = max(1, min(65_536, int(self.rate * SLICE_SECONDS)))
        free_at = time.monotonic()  # when the line finishes the bytes handed to it
        while not self._closing.is_set():
            try:
                waiting, _, _ = select.select([source], [], [], 0)
                ready = waiting or select.select([source], [], [], _POLL_S)[0]
                data = os.read(source, slice_bytes) if ready else None
            except OSError:  # EIO: the other end is closed for now
                data = b""
            if data is None:
                continue
            if not data:  # a closed far end reads as end-of-file or EIO at once
                if self._closing.wait(_POLL_S):
                    return
                continue
            if not waiting:
                # The line was idle until now: it starts now. Bytes that were already
                # waiting keep the line's schedule instead, even when this thread wakes
                # late on a loaded machine, since a real line never pauses for that.
                free_at = max(free_at, time.monotonic())
            free_at += len(data) / self.rate
            delay = free_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            view = memoryview(data)
            while view and not self._closing.is_set():
                try:
                    view = view[os.write(sink, view):]
                except OSError:
                    if self._closing.wait(0.01):
                        return

    def close(self) -> None:
        """Stop relaying, then close every descriptor."""
        self._closing.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(1 + 2 * _POLL_S)
        for fd in (self._master, self._slave, self._pole):
            with contextlib.suppress(OSError):
                os.close(fd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pole_tty", help="the pole's serial port (a virtual pole's pty)")
    parser.add_argument("--baud", type=int, default=115_200)
    args = parser.parse_args(argv)
    line = SerialLine(args.pole_tty, args.baud)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    line.start()
    print(f"serial line {line.baud} baud: {line.path}", flush=True)
    stopped.wait()
    line.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
