"""Under load: 20 concurrent browser sessions, each answering its own questionnaire, each see their own correct
recommendation, with no errors, and the server's memory stays bounded.

The harness (tests/e2e/load_sessions.py) starts nothing itself: this test starts the app as `make run` does,
on a free loopback port, and always stops it. `make bench` reports the same run's latencies (bench/load.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from load_sessions import SESSIONS, run_load

pytestmark = [pytest.mark.load, pytest.mark.browser]

# Why these bounds: a session's state is a few answers and one evaluation; Streamlit keeps each session's
# widget state and forward messages. Measured: ~10 MiB for all 20 sessions together. 10 MiB per session
# allows for Python's allocator and caches while still catching a leak that keeps pages or rulebooks per session.
MAX_GROWTH_KIB_PER_SESSION = 10 * 1024


@pytest.fixture(scope="module")
def report(rulebook):
    from browser import CHROMIUM, running_app

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    with running_app() as url:
        yield run_load(url, rulebook)


def test_twenty_concurrent_sessions_each_see_their_own_correct_recommendation(report):
    failures = [f for s in report.sessions for f in s.failures]
    assert failures == []
    assert len(report.sessions) == SESSIONS
    assert all(len(s.latencies) == 4 for s in report.sessions)


def test_no_session_sees_an_error(report):
    assert [e for s in report.sessions for e in s.page_errors] == []


def test_the_servers_memory_stays_bounded_under_twenty_sessions(report):
    growth = report.rss_peak_kib - report.rss_baseline_kib
    assert growth <= MAX_GROWTH_KIB_PER_SESSION * SESSIONS, (
        f"RSS grew from {report.rss_baseline_kib} KiB to {report.rss_peak_kib} KiB"
    )
