"""The Pole view's live phase-current plot: six currents and the limit, last minute to last day.

Samples go into a ``SampleHistory`` as they arrive (cheap: no drawing); one timer draws at
most ~30 frames a second from a view of that history sized to the plot's pixel width, so a
full day costs the same to draw as a minute. The curves are ``PlotCurveItem``s fed with
already decimated data: pyqtgraph's own downsampling and clipping would walk every point
again and are left off.

Time is the pole's: samples are placed by the timestamp the pole gave them and "now" is the
newest of those, so a pole whose clock is off still draws at the right edge, and the plot
lines up with the pole's own logs and with the CSV export.

Everything a reader needs beside the lines sits beside the plot, not over it (`CurveLegend`):
the checkboxes that hide a curve, what the offset phases mean, and the values under the
cursor, read from the history by binary search only when the mouse moves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.plot.export_name import export_file_name
from gui.plot.history import FloatArray, SampleHistory, ValueArray, write_csv
from gui.plot.legend import CurveLegend, LegendEntry
from gui.plot.pens import (
    BACKGROUND,
    FOREGROUND,
    GRID,
    LIMIT_COLOUR,
    PHASE_COLOURS,
    current_pen,
    cursor_pen,
    limit_pen,
)
from gui.plot.zone_axis import ZoneDateAxis
from gui.tasks import TaskRunner
from pole_link.profiles.tender import TenderProfileSettings

SOCKETS = 2
PHASES = 3
COLUMNS = (*(f"socket{s + 1}_L{p + 1}_A" for s in range(SOCKETS) for p in range(PHASES)),
           "limit_A")
"""History columns, also the CSV header: six currents, then the limit."""
POLE_ZONE = TenderProfileSettings().timezone
"""The zone of the pole's day (its peak is 17:00–21:00 there)."""
LABELS = (*(f"Socket {s + 1} L{p + 1}" for s in range(SOCKETS) for p in range(PHASES)),
          "Limit")

WINDOWS: tuple[tuple[str, float], ...] = (
    ("1 min", 60.0), ("5 min", 300.0), ("15 min", 900.0),
    ("1 h", 3600.0), ("6 h", 21600.0), ("24 h", 86400.0),
)
LIMIT = len(COLUMNS) - 1
"""Column of the limit; the currents come before it."""
FRAME_INTERVAL_MS = 33
MAX_EXTRAPOLATION_S = 0.5
"""Between samples the time axis glides on (by the laptop's monotonic clock, from the
newest sample's pole time), but no further than this: a link that stops sending should
visibly stop the plot."""
CLOCK_SET_BACK_S = 5.0
"""A sample older than the newest by more than this means the pole's clock was set back
(a time sync after a wrong clock): the plot starts again at the new time rather than drop
every sample until the clock has caught up, which could take hours or years."""
OFFSET_STEPS_A = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
"""With "Offset phases" on, L2 is drawn one of these lower than measured and L3 twice as
much, so that three equal phases show as three lines instead of one. Lower, not higher, so
that an offset line never seems to cross the limit; a round number, so that the legend can
say it plainly."""
MIN_OFFSET_PX = 4.0
"""Lines of one pixel this far apart still read as separate lines: the smallest step of
``OFFSET_STEPS_A`` that is this tall at the axis' scale is used (0.5 A on a tall plot, 1 A
on the Pole view of a small laptop screen)."""


def offset_step(pixels_per_amp: float) -> float:
    """The phase offset for a current axis of ``pixels_per_amp``: the smallest round step
    at least ``MIN_OFFSET_PX`` tall."""
    for step in OFFSET_STEPS_A:
        if step * pixels_per_amp >= MIN_OFFSET_PX:
            return step
    return OFFSET_STEPS_A[-1]


def steps(times: FloatArray, values: ValueArray) -> tuple[FloatArray, ValueArray]:
    """Only the points where a step line changes (and the last): the limit changes a few
    times a day, and a thick line is cheap to draw when it has few points."""
    if values.shape[0] < 3:
        return times, values
    keep = np.empty(values.shape[0], dtype=bool)
    keep[0] = keep[-1] = True
    previous, current = values[:-2], values[1:-1]
    keep[1:-1] = (current != previous) & ~(np.isnan(current) & np.isnan(previous))
    return times[keep], values[keep]


class LivePlot(QWidget):
    """Currents per phase of both sockets and the limit in force, scrolling live.

    ``append`` only stores; drawing happens on the frame timer, and only while shown and
    not paused. Paused, the picture stays put while samples keep being recorded.
    """

    exported = Signal(str, int)
    """Path and row count of a finished "Export CSV…"."""
    export_failed = Signal(str, str)
    """Path and reason of an "Export CSV…" that could not be written."""

    def __init__(self, history: SampleHistory | None = None,
                 parent: QWidget | None = None, *, zone: str = POLE_ZONE) -> None:
        super().__init__(parent)
        self.zone = ZoneInfo(zone)
        """The pole's zone: the time axis reads its wall clock, as the replay banner and
        the Schedule tab do, whatever zone the laptop is set to."""
        self._history = history if history is not None else SampleHistory(COLUMNS)
        if len(self._history.names) != len(COLUMNS):
            raise ValueError(f"the history needs {len(COLUMNS)} columns: {COLUMNS}")
        self._window = WINDOWS[0][1]
        self._paused = False
        self._frozen_end: float | None = None
        self._arrived = time.monotonic()
        self._dirty = True
        self._drawn_end = math.nan
        self._drawn_shape: tuple[float, int, int] | None = None
        self._y_range: tuple[float, float] | None = None
        self._shown = [True] * len(COLUMNS)
        self._offset_on = False
        self._offset_step = 0.0
        self._offsets = np.zeros(len(COLUMNS), dtype=np.float32)
        """What each column is drawn higher than measured: 0, -step, -2 × step per socket."""
        self._cursor_t: float | None = None
        self._pole_id: str | None = None
        self._export_target = ""
        self._tasks = TaskRunner(self._export_error)
        self.min_scroll_px = 0.25
        """A frame without new data is skipped unless the time axis moved this many pixels:
        a day-long window would otherwise be repainted 30 times a second for nothing."""
        self.frames = 0
        """Frames drawn so far (for benchmarks and tests)."""

        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self.redraw)
        self.exported.connect(self._export_done)
        self.export_failed.connect(self._export_failed)

    def clear(self) -> None:
        """Forget every sample (another pole is shown now); the ring keeps its capacity."""
        self._history = SampleHistory(self._history.names, self._history.capacity)
        self._dirty = True
        self._drawn_end = math.nan
        self._y_range = None
        self.hide_readout()
        for curve in self._curves:  # no frame comes until the next sample: empty them now
            curve.setData([], [])

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        self._window_box = QComboBox()
        for label, seconds in WINDOWS:
            self._window_box.addItem(label, seconds)
        self._window_box.setToolTip(self.tr("How much history the plot shows"))
        self._window_box.currentIndexChanged.connect(self._window_chosen)
        self._pause_button = QPushButton(self.tr("Pause"))
        self._pause_button.setCheckable(True)
        self._pause_button.setToolTip(self.tr("Freeze the picture; samples keep being recorded"))
        self._pause_button.toggled.connect(self.set_paused)
        self._export_button = QPushButton(self.tr("Export CSV…"))
        self._export_button.setToolTip(self.tr("Save the raw samples of the window shown"))
        self._export_button.clicked.connect(self._ask_export)
        self._status = QLabel()

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Window:")))
        bar.addWidget(self._window_box)
        bar.addWidget(self._pause_button)
        bar.addWidget(self._export_button)
        bar.addStretch(1)
        bar.addWidget(self._status)

        axis = ZoneDateAxis(self.zone)
        self._plot = pg.PlotWidget(background=BACKGROUND, axisItems={"bottom": axis})
        item = self._plot.getPlotItem()
        item.setDownsampling(auto=False)  # we hand it decimated data already
        item.setClipToView(False)
        item.setMenuEnabled(False)
        item.hideButtons()
        # Horizontal lines at whole 5 A steps, one path: pyqtgraph's grid costs several
        # milliseconds a frame to paint.
        self._grid = pg.PlotCurveItem(pen=pg.mkPen(GRID, width=1), connect="pairs")
        self._grid.setZValue(-1)
        item.addItem(self._grid, ignoreBounds=True)
        for name in ("left", "bottom"):
            side = item.getAxis(name)
            side.setPen(FOREGROUND)
            side.setTextPen(FOREGROUND)
        item.setLabel("left", self.tr("Current"), units="A")
        item.getAxis("left").enableAutoSIPrefix(False)
        item.setLabel("bottom", self.tr("local time (%1)").replace("%1", self.zone.key))
        self._view_box = item.getViewBox()
        self._view_box.setMouseEnabled(x=False, y=False)
        self._view_box.disableAutoRange()
        # Before the first sample: an honest empty picture (0–40 A, the last minute by the
        # laptop's clock until the pole's takes over), not pyqtgraph's 0–1 default with
        # fractions of a second on the time axis.
        now = time.time()
        self._view_box.setRange(xRange=(now - 60, now), yRange=(0, 40), padding=0)
        self._curves: list[pg.PlotCurveItem] = []
        for column, label in enumerate(self.labels()):
            if column < LIMIT:
                pen = current_pen(column // PHASES, column % PHASES)
                curve = pg.PlotCurveItem(pen=pen, name=label, antialias=False)
            else:
                curve = pg.PlotCurveItem(pen=limit_pen(), name=label, antialias=False,
                                         stepMode="right")
            # The limit lies beneath the currents: a socket charging exactly at the limit
            # must still show its phases, running along the limit's band.
            curve.setZValue(0 if column == LIMIT else 1)
            item.addItem(curve)
            self._curves.append(curve)

        # The readout: a line through the sample read and a dot where each curve crosses
        # it; hidden (and so free) until the mouse is over the plot.
        self._cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=cursor_pen())
        self._cursor_line.setZValue(2)
        self._cursor_dots = pg.ScatterPlotItem(size=7, pxMode=True, antialias=True,
                                               pen=pg.mkPen(BACKGROUND, width=1))
        self._cursor_dots.setZValue(3)
        self._dot_brushes = [pg.mkBrush(colour) for colour in
                             (*(PHASE_COLOURS * SOCKETS), LIMIT_COLOUR)]
        for marker in (self._cursor_line, self._cursor_dots):
            marker.hide()
            item.addItem(marker, ignoreBounds=True)
        self._plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self._plot.viewport().installEventFilter(self)

        self._legend = CurveLegend(self._legend_entries(), zone=self.zone)
        self._legend.toggled.connect(self._curve_toggled)
        self._legend.offset_toggled.connect(self._offset_toggled)
        self._legend.reserve_note_width([self._offset_note(2 * step) for step in OFFSET_STEPS_A])
        self._legend.offset_box.setChecked(True)

        body = QHBoxLayout()
        body.setSpacing(4)
        body.addWidget(self._plot, 1)
        body.addWidget(self._legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(body, 1)

    def _legend_entries(self) -> list[LegendEntry]:
        entries = [LegendEntry(self.tr("L%1").replace("%1", str(p + 1)), current_pen(s, p),
                               self.tr("Socket %1").replace("%1", str(s + 1)))
                   for s in range(SOCKETS) for p in range(PHASES)]
        return [*entries, LegendEntry(self.tr("Limit"), limit_pen(), self.tr("Pole"))]

    # -- data in -----------------------------------------------------------------------

    @property
    def history(self) -> SampleHistory:
        return self._history

    def append(self, t: float, currents: Sequence[float], limit: float) -> None:
        """Record one sample (the pole's time in seconds since the epoch, six currents, the
        limit). Stores only; a pole clock set back far starts the plot again."""
        if len(currents) != SOCKETS * PHASES:
            raise ValueError(f"expected {SOCKETS * PHASES} currents, got {len(currents)}")
        newest = self._history.t_last
        if newest is not None and t < newest - CLOCK_SET_BACK_S:
            self.clear()
            self._status.setText(self.tr("The pole's clock went back %1 s: the plot starts "
                                         "again").replace("%1", f"{newest - t:,.0f}"))
        if self._history.append(t, [*currents, limit]):
            self._arrived = time.monotonic()
            self._dirty = True

    # -- what is shown -----------------------------------------------------------------

    @property
    def window_seconds(self) -> float:
        """Seconds of history in view."""
        return self._window

    def set_window(self, seconds: float) -> None:
        """Show one of ``WINDOWS`` (by its length in seconds)."""
        index = self._window_box.findData(seconds)
        if index < 0:
            raise ValueError(f"no window of {seconds} s; choose from {[s for _, s in WINDOWS]}")
        self._window_box.setCurrentIndex(index)

    def _window_chosen(self, index: int) -> None:
        self._window = float(self._window_box.itemData(index))
        self._changed()

    def _changed(self) -> None:
        """What is drawn must be recomputed: at the next frame, or now if paused."""
        self._dirty = True
        if self._paused:
            self._draw(self._frozen_end)

    @property
    def legend(self) -> CurveLegend:
        """The legend beside the plot: checkboxes, offset notes, the cursor readout."""
        return self._legend

    def curve_shown(self, column: int) -> bool:
        return self._shown[column]

    def set_curve_shown(self, column: int, shown: bool) -> None:
        """Draw or hide one curve of ``COLUMNS`` (as its legend checkbox does)."""
        self._legend.set_shown(column, shown)

    def _curve_toggled(self, column: int, shown: bool) -> None:
        # A hidden curve gets no data at all: cheaper than drawing it invisibly.
        self._shown[column] = shown
        self._curves[column].setVisible(shown)
        self._changed()
        self._refresh_readout()

    @property
    def phase_offset(self) -> bool:
        """Whether L2 and L3 are drawn a little lower than measured (``offset_a``)."""
        return self._offset_on

    @property
    def offset_a(self) -> float:
        """How much lower L2 is drawn than measured now (L3 twice that); 0 when off."""
        return self._offset_step

    def set_phase_offset(self, on: bool) -> None:
        """Draw L2 and L3 offset or as measured (as the legend's "Offset phases" box does)."""
        self._legend.offset_box.setChecked(on)

    def _offset_toggled(self, on: bool) -> None:
        self._offset_on = on
        self._changed()  # the step follows the axis' scale: `_fit_y` chooses it

    def _set_offset_step(self, step: float) -> None:
        """Shift L2 and L3 by moving their items, not their data: no cost per frame."""
        if step == self._offset_step:
            return
        self._offset_step = step
        offsets = [-step * (column % PHASES) if column < LIMIT else 0.0
                   for column in range(len(COLUMNS))]
        self._offsets = np.asarray(offsets, dtype=np.float32)
        for curve, offset in zip(self._curves, offsets, strict=True):
            curve.setPos(0.0, offset)
        self._legend.set_notes(
            [self._offset_note(-offset) if offset else "" for offset in offsets],
            self.tr("drawn"),
            self.tr("Drawn this much lower than measured, so that equal phases show as "
                    "separate lines; the values beside are as measured"))
        self._refresh_readout()

    def _offset_note(self, amps: float) -> str:
        return self.tr("−%1 A").replace("%1", f"{amps:g}")

    # -- cursor readout ----------------------------------------------------------------

    def show_readout_at(self, t: float) -> None:
        """Read the sample nearest ``t`` out: a line through it, a dot on each curve drawn,
        and every drawn curve's value beside the plot. The mouse-move slot's work."""
        self._cursor_t = t
        sample = self._history.at(t)
        if sample is None:
            self._hide_markers()
            return
        values = [float(v) if shown else None
                  for v, shown in zip(sample.values, self._shown, strict=True)]
        self._legend.show_readout(sample.time, values)
        self._cursor_line.setPos(sample.time)
        self._cursor_line.show()
        dots = [column for column, value in enumerate(values)
                if value is not None and math.isfinite(value)]
        drawn = sample.values[dots] + self._offsets[dots]
        self._cursor_dots.setData(x=np.full(len(dots), sample.time), y=drawn,
                                  brush=[self._dot_brushes[c] for c in dots])
        self._cursor_dots.show()

    def hide_readout(self) -> None:
        """The mouse left the plot: no line, no dots, no values."""
        self._cursor_t = None
        self._hide_markers()

    def _hide_markers(self) -> None:
        self._cursor_line.hide()
        self._cursor_dots.hide()
        self._legend.clear_readout()

    def _refresh_readout(self) -> None:
        if self._cursor_t is not None:
            self.show_readout_at(self._cursor_t)

    def _mouse_moved(self, position: QPointF) -> None:
        if self._view_box.sceneBoundingRect().contains(position):
            self.show_readout_at(float(self._view_box.mapSceneToView(position).x()))
        else:
            self.hide_readout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Leave:
            self.hide_readout()
        return super().eventFilter(watched, event)

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        if paused == self._paused:
            return
        self._paused = paused
        self._frozen_end = self._drawn_end if paused and math.isfinite(self._drawn_end) else None
        if self._pause_button.isChecked() != paused:
            self._pause_button.setChecked(paused)
        self._pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self._dirty = True

    def visible_range(self) -> tuple[float, float]:
        """The time range on the x axis now."""
        (x0, x1), _ = self._view_box.viewRange()
        return float(x0), float(x1)

    @property
    def plot_widget(self) -> pg.PlotWidget:
        """The pyqtgraph widget inside, for embedding tweaks and measurements."""
        return self._plot

    @property
    def frame_interval_ms(self) -> int:
        return int(self._timer.interval())

    def curves(self) -> list[pg.PlotCurveItem]:
        """The seven curves in ``COLUMNS`` order (for tests and screenshots)."""
        return list(self._curves)

    # -- drawing -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self._timer.stop()
        super().hideEvent(event)

    def redraw(self) -> None:
        """One frame: follow the newest sample unless paused. The frame timer's slot."""
        if self._paused:
            return
        t_last = self._history.t_last
        if t_last is None:
            return
        glide = min(time.monotonic() - self._arrived, MAX_EXTRAPOLATION_S)
        self._draw(t_last + max(0.0, glide))

    def _pixels(self) -> int:
        return max(2, int(self._view_box.width()))

    def _draw(self, end: float | None) -> None:
        if end is None:
            return
        pixels = self._pixels()
        shape = (self._window, pixels, int(self._view_box.height()))
        fresh = self._dirty or shape != self._drawn_shape
        moved_px = abs(end - self._drawn_end) * pixels / self._window
        if not fresh and moved_px < self.min_scroll_px:
            return
        if fresh:
            self._set_curves(end - self._window, end, pixels)
            self._drawn_shape = shape
            self._dirty = False
        self._view_box.setXRange(end - self._window, end, padding=0)
        # pyqtgraph defers the new transform to the start of the paint, where it invalidates
        # the items once more and costs a second paint per frame; apply it now instead.
        self._view_box.updateMatrix()
        self._drawn_end = end
        self.frames += 1

    def _set_curves(self, t_start: float, t_end: float, pixels: int) -> None:
        envelope = self._history.view(t_start, t_end, pixels)
        times = envelope.times
        for column in range(LIMIT):
            if self._shown[column]:
                self._set_curve(self._curves[column], times, envelope.values[column])
        if self._shown[LIMIT]:
            self._set_curve(self._curves[LIMIT], *steps(times, envelope.values[LIMIT]))
        self._fit_y(envelope.values[np.asarray(self._shown)])
        self._place_grid(t_start, t_end)

    @staticmethod
    def _set_curve(curve: pg.PlotCurveItem, times: FloatArray, values: ValueArray) -> None:
        if np.isfinite(values).all():
            curve.setData(times, values, connect="all", skipFiniteCheck=True)
        else:
            curve.setData(times, values, connect="finite")

    def _fit_y(self, values: ValueArray) -> None:
        """Round the current axis to 5 A steps with a little headroom; keep it steady."""
        if not values.size:
            return  # nothing drawn: keep the axis as it was
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size else 0.0
        bottom = min(0.0, float(finite.min()) if finite.size else 0.0)
        height = max(10.0, math.ceil(top * 1.15 / 5) * 5)
        # A little below zero so that a socket drawing nothing is a visible line, not the
        # axis, and room for its phases drawn offset below that.
        low, high = math.floor(bottom / 5) * 5 - 0.02 * height, height * 1.02
        step = 0.0
        if self._offset_on:
            pixels = max(1.0, self._view_box.height())
            for _ in OFFSET_STEPS_A:  # more room below, fewer pixels per amp: settles
                wider = offset_step(pixels / (high - low + 2 * step))
                if wider == step:
                    break
                step = wider
        span = (low - 2 * step, high)
        if span != self._y_range:
            self._y_range = span
            self._view_box.setYRange(*span, padding=0)
        self._set_offset_step(step)

    def _place_grid(self, t_start: float, t_end: float) -> None:
        """Reach a window beyond each side: the view glides on between queries."""
        if self._y_range is None:
            return
        bottom, top = self._y_range
        step = 5.0 if top - bottom <= 60 else 10.0 * math.ceil((top - bottom) / 120)
        levels = np.arange(math.ceil(bottom / step) * step, top, step)
        span = t_end - t_start
        x = np.tile([t_start - span, t_end + span], levels.shape[0])
        self._grid.setData(x, np.repeat(levels, 2), connect="pairs")

    # -- export ------------------------------------------------------------------------

    def export_csv(self, path: str | Path, t_start: float | None = None,
                   t_end: float | None = None) -> int:
        """Write the raw samples of ``[t_start, t_end]`` (default: the window in view) now.

        Returns the number of rows. Blocks for a large window; the button runs it on a
        worker thread (`export_csv_in_background`).
        """
        start, end = self._export_range(t_start, t_end)
        return self._history.to_csv(path, start, end)

    def _export_range(self, t_start: float | None, t_end: float | None) -> tuple[float, float]:
        if t_start is not None and t_end is not None:
            return t_start, t_end
        x0, x1 = self.visible_range()
        if not math.isfinite(self._drawn_end):  # nothing drawn yet: the newest window
            x1 = self._history.t_last or 0.0
            x0 = x1 - self._window
        return (x0 if t_start is None else t_start), (x1 if t_end is None else t_end)

    def set_pole(self, pole_id: str | None) -> None:
        """Whose currents these are: the export's proposed file name starts with it."""
        self._pole_id = pole_id

    def export_file_name(self) -> str:
        """The name "Export CSV…" proposes: pole id and the newest sample's (pole) time."""
        return export_file_name(self._pole_id, self._history.t_last)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"),
                                              self.export_file_name(),
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_csv_in_background(path)

    def export_csv_in_background(self, path: str | Path) -> None:
        """Copy the window's samples now, write them on a worker thread: a day of samples
        takes seconds to format, which the GUI thread must not spend."""
        start, end = self._export_range(None, None)
        times, values = self._history.samples(start, end)
        names = self._history.names
        target = self._export_target = str(path)
        self._export_button.setEnabled(False)
        self._status.setText(self.tr("Exporting…"))
        self._tasks.run_blocking("export", lambda: write_csv(target, times, values, names),
                                 lambda rows: self.exported.emit(target, rows))

    def _export_error(self, what: str, error: BaseException) -> None:
        reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
        self.export_failed.emit(self._export_target, reason)

    def _export_done(self, path: str, rows: int) -> None:
        self._finish_export(self.tr("Exported %1 samples to %2").replace("%1", f"{rows:,}")
                            .replace("%2", Path(path).name))

    def _export_failed(self, path: str, reason: str) -> None:
        self._finish_export(self.tr("Export to %1 failed: %2").replace("%1", Path(path).name)
                            .replace("%2", reason))

    def _finish_export(self, message: str) -> None:
        self._export_button.setEnabled(True)
        self._status.setText(message)

    async def aclose(self) -> None:
        """Wait for (or cancel) a running export before the plot goes away."""
        await self._tasks.cancel_all()

    def labels(self) -> list[str]:
        """The curves' names in the user's language (`LABELS` is the English original)."""
        names = [self.tr("Socket %1 L%2").replace("%1", str(s + 1)).replace("%2", str(p + 1))
                 for s in range(SOCKETS) for p in range(PHASES)]
        return [*names, self.tr("Limit")]

    def status_text(self) -> str:
        """The line beside the buttons: how the last export went."""
        return self._status.text()
