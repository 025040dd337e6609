"""When a followed page reads its service again (`RefreshPolicy`, no Qt), and the Qt
side that turns it into a timer (`ServicePage`), which following no service stops."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from gui.grid.view import GridGroupsView
from gui.refresh_policy import RefreshPolicy
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from tests.gui.qt_support import shown


def test_without_a_change_the_grid_page_is_read_every_few_seconds() -> None:
    policy = RefreshPolicy(every_s=5)
    assert policy.next_read_in(100.0) == 0  # nothing read yet: at once
    policy.read_started(100.0)
    assert policy.next_read_in(101.0) == 4
    assert policy.next_read_in(106.0) == 0  # overdue (a slow read): at once, not negative


def test_a_burst_of_feed_events_costs_one_read_after_it_settles() -> None:
    policy = RefreshPolicy(every_s=300, min_interval_s=10, settle_s=3)
    policy.read_started(0.0)
    policy.note_change(20.0)  # a street loses power: hundreds of events…
    for moment in (20.5, 21.0, 22.9):
        policy.note_change(moment)
    assert policy.next_read_in(21.0) == 2  # …one read, 3 s after the first of them
    policy.read_started(23.0)
    assert policy.next_read_in(23.0) == 300  # the burst was read: back to the idle pace


def test_no_read_sooner_than_the_minimum_interval_after_the_last() -> None:
    policy = RefreshPolicy(every_s=300, min_interval_s=10, settle_s=3)
    policy.read_started(100.0)
    policy.note_change(101.0)
    assert policy.next_read_in(101.0) == 9  # not at 104 (settled) but at 110


def test_another_service_is_read_at_once_and_bad_intervals_are_refused() -> None:
    policy = RefreshPolicy(every_s=5)
    policy.read_started(0.0)
    policy.note_change(1.0)
    policy.forget()
    assert policy.next_read_in(2.0) == 0
    with pytest.raises(ValueError, match="every_s"):
        RefreshPolicy(every_s=0)


async def test_a_failed_read_is_said_in_words_and_following_nothing_stops_the_timer(
        qtbot: QtBot) -> None:
    view = GridGroupsView(TaskRunner())
    qtbot.addWidget(view)
    view.follow(ServiceEndpoint("http://127.0.0.1:9", "no-service-listens-here"))
    await shown(lambda: not view.reading and view.poll_timer.isActive())
    assert view.note.text().startswith("Read grid groups: ")  # the why follows, in words
    view.follow(None)
    assert not view.poll_timer.isActive()
    view.note_change("PW-0001")  # a late feed event with no service schedules nothing
    assert not view.poll_timer.isActive()
