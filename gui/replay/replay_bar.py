"""The banner and controls a Pole view shows while it replays a message log.

The banner cannot be missed or closed: the same cards that show a live pole show a replay,
so the helpdesk must read at every glance that this is the past (which pole, which window,
the replay clock) and that nothing typed here reaches the pole. It repaints from the
player a few times a second rather than on each message: at 600× hundreds of messages
may pass in a second, and the banner needs to be read, not to flicker.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pole_link.replay import SPEEDS, ReplayPlayer
from pole_link.replay.history import message_labels
from pole_link.replay.load import PageTrouble, TroubleKind

REPAINT_MS = 250
BANNER_STYLE = ("QFrame#replayBar { background: #fff3e0; border: 2px solid #e65100; "
                "border-radius: 4px; }")


class ReplayBar(QFrame):
    """Banner (pole, window, replay clock) and play / pause / step / jump / speed."""

    end_requested = Signal()
    """The helpdesk is done: the Pole view goes back to the pole it showed before."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayBar")
        self.setStyleSheet(BANNER_STYLE)
        self.player: ReplayPlayer | None = None
        self.zone = ZoneInfo("Europe/Amsterdam")
        self.banner = QLabel()
        self.banner.setObjectName("replayBanner")
        self.banner.setStyleSheet("font-size: 12pt; color: #bf360c;")
        self.banner.setWordWrap(True)
        self.trouble = QLabel()
        self.trouble.setObjectName("replayTrouble")
        self.trouble.setStyleSheet("color: #b71c1c;")
        self.trouble.setWordWrap(True)
        self.trouble.hide()
        """Why the replay waits at the last message read: a page that failed to read is
        tried again (`pole_link.replay.load.prefetch`); shown only while that lasts."""
        self.last_message = QLabel()
        self.last_message.setObjectName("replayPosition")
        """Where the replay stands ("Message 29 of 30"); the Jump to list shows that
        message itself, so the bar stays two lines high on a 700-pixel screen."""
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle_play)
        self.step_button = QPushButton(self.tr("Step"))
        self.step_button.setToolTip(self.tr("Apply the next message and pause there"))
        self.step_button.clicked.connect(self.step)
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setToolTip(self.tr("Replay speed: 1× is what the driver lived"))
        self.speed.currentIndexChanged.connect(self._speed_chosen)
        self.jump_to = QComboBox()
        self.jump_to.setToolTip(self.tr("Jump to a message: the pole as it was right after it"))
        self.jump_to.setMinimumContentsLength(40)
        # Thousands of entries: never size the box to its longest one (a second per fill).
        self.jump_to.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jump_to.activated.connect(self._jump_chosen)
        self.end_button = QPushButton(self.tr("End replay"))
        self.end_button.clicked.connect(self.end_requested)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.step_button)
        controls.addWidget(QLabel(self.tr("Speed")))
        controls.addWidget(self.speed)
        controls.addWidget(QLabel(self.tr("Jump to")))
        controls.addWidget(self.jump_to, 1)
        controls.addWidget(self.last_message)
        controls.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(1)
        layout.addWidget(self.banner)
        layout.addWidget(self.trouble)
        layout.addLayout(controls)
        self._timer = QTimer(self, interval=REPAINT_MS)
        self._timer.timeout.connect(self.repaint_state)
        self.hide()

    def follow(self, player: ReplayPlayer, zone: ZoneInfo,
               labels: list[str] | None = None) -> None:
        """Show ``player``'s replay (and keep showing it until `stop`); ``labels``: the
        jump list's lines, made off the GUI thread (`message_labels`) for a long window."""
        self.player, self.zone = player, zone
        self.jump_to.blockSignals(True)
        self.jump_to.clear()  # row N is message N
        self.jump_to.addItems(labels if labels is not None
                              else message_labels(player.messages, zone))
        self.jump_to.blockSignals(False)
        self.speed.blockSignals(True)
        self.speed.setCurrentIndex(SPEEDS.index(player.speed))
        self.speed.blockSignals(False)
        self.show()
        self._timer.start()
        self.repaint_state()

    def add_labels(self, player: ReplayPlayer, labels: list[str]) -> None:
        """A further page's lines join the Jump to list (row N stays message N); lines of
        a replay no longer shown are dropped."""
        if player is not self.player:
            return
        self.jump_to.blockSignals(True)
        self.jump_to.addItems(labels)
        self.jump_to.blockSignals(False)
        self.repaint_state()

    def show_trouble(self, player: ReplayPlayer, trouble: PageTrouble | None) -> None:
        """Say why no further messages arrive (None: they do again); for a replay no
        longer shown, nothing."""
        if player is not self.player:
            return
        if trouble is None:
            self.trouble.clear()
            self.trouble.hide()
            return
        self.trouble.setText(self.trouble_text(trouble))
        self.trouble.setToolTip(trouble.detail)
        self.trouble.show()

    def trouble_text(self, trouble: PageTrouble) -> str:
        """"Could not read more of the message log: the service did not answer.
        Retrying in 4 s…" — the why in a technician's words, the client's detail in the
        tooltip."""
        if trouble.kind is TroubleKind.NO_ANSWER:
            why = self.tr("the service did not answer in time")
        elif trouble.kind is TroubleKind.NOT_ALLOWED:
            why = self.tr("the service no longer accepts this app's API token")
        elif trouble.kind is TroubleKind.REFUSED:
            why = self.tr("the service answered with error %1 (is its database reachable?)"
                          ).replace("%1", str(trouble.status))
        else:
            why = self.tr("the service cannot be reached (stopped or restarting?)")
        return (self.tr("Could not read more of the message log: %1. Retrying in %2 s…")
                .replace("%1", why).replace("%2", f"{trouble.retry_in:g}"))

    def stop(self) -> None:
        self._timer.stop()
        self.player = None
        self.trouble.hide()
        self.hide()

    # ------------------------------------------------------------ controls
    def toggle_play(self) -> None:
        if self.player is None:
            return
        if self.player.playing:
            self.player.pause()
        else:
            self.player.play()
        self.repaint_state()

    def step(self) -> None:
        if self.player is not None:
            self.player.step()
            self.repaint_state()

    def jump(self, index: int) -> None:
        if self.player is not None:
            self.player.jump(index)
            self.repaint_state()

    def _jump_chosen(self, row: int) -> None:
        if row >= 0:
            self.jump(row)

    def _speed_chosen(self, row: int) -> None:
        if self.player is not None:
            self.player.set_speed(float(self.speed.itemData(row)))
            self.repaint_state()

    # ------------------------------------------------------------ display
    def repaint_state(self) -> None:
        player = self.player
        if player is None:
            return
        window = player.window
        state = (self.tr("reading further messages…") if player.buffering
                 else self.tr("playing at %1×").replace("%1", f"{player.speed:g}")
                 if player.playing
                 else self.tr("at the end of the window") if player.at_end
                 else self.tr("paused"))
        # One line, so the page still fits 1366×700; the greyed-out commands' tooltips say
        # the rest (the Pole view leaves out its access line during a replay: this says it).
        text = self.tr("REPLAY of %1's message log · %2 – %3 · replay clock %4 (%5) · "
                       "nothing is sent to the pole")
        same_day = (window.start.astimezone(self.zone).date()
                    == window.end.astimezone(self.zone).date())
        text = (text.replace("%1", window.pole_id)
                .replace("%2", self._time(window.start))
                .replace("%3", self._clock(window.end) if same_day else self._time(window.end))
                .replace("%4", self._clock(player.clock, seconds=True) if same_day
                         else self._time(player.clock, seconds=True)).replace("%5", state))
        self.banner.setText(f"<b>{html.escape(text, quote=False)}</b>")
        self.play_button.setText(self.tr("Pause") if player.playing else self.tr("Play"))
        last = player.last_message
        self.last_message.setText(
            self.tr("Message %1 of %2").replace("%1", str(player.position)).replace(
                "%2", str(len(player.messages))) if player.complete else
            self.tr("Message %1 of %2 read so far").replace("%1", str(player.position)).replace(
                "%2", str(len(player.messages))))
        if last is not None and self.jump_to.currentIndex() != last.index:
            self.jump_to.blockSignals(True)
            self.jump_to.setCurrentIndex(last.index)
            self.jump_to.blockSignals(False)

    def _time(self, moment: datetime, *, seconds: bool = False) -> str:
        pattern = "%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M"
        return moment.astimezone(self.zone).strftime(pattern)

    def _clock(self, moment: datetime, *, seconds: bool = False) -> str:
        return moment.astimezone(self.zone).strftime("%H:%M:%S" if seconds else "%H:%M")
