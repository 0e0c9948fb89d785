"""The status line and stage timings (quire/build/progress.py)."""

from __future__ import annotations

import io
import time

import pytest

from quire.build.progress import Progress


def test_stages_are_timed_in_the_order_they_end():
    progress = Progress()
    with progress.stage("outer"):
        with progress.stage("inner"):
            time.sleep(0.02)
    assert [name for name, _ in progress.timings] == ["inner", "outer"]
    inner, outer = (seconds for _, seconds in progress.timings)
    assert 0.02 <= inner <= outer


def test_a_failing_stage_is_still_timed_and_no_longer_running():
    progress = Progress()
    with pytest.raises(ValueError):
        with progress.stage("doomed"):
            raise ValueError
    assert [name for name, _ in progress.timings] == ["doomed"]
    assert progress._running == []


def test_table_aligns_names_and_seconds():
    progress = Progress(timings=[("gather", 0.5), ("render epub, pdf", 12.25)])
    assert progress.table().splitlines() == ["gather               0.50 s",
                                             "render epub, pdf    12.25 s"]


def test_quiet_progress_writes_nothing():
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.stage("parse"):
        pass
    progress.close()
    assert stream.getvalue() == ""


def test_live_progress_names_the_running_stage():
    stream = io.StringIO()
    progress = Progress(live=True, stream=stream)
    with progress.stage("render pdf"):
        time.sleep(0.3)  # the status line refreshes several times a second
    progress.close()
    assert "building: render pdf" in stream.getvalue()
