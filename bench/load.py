"""Interaction latency under load: 20 concurrent headless-Chromium sessions against the app (issue 7).

The same harness as tests/e2e/test_load.py (tests/e2e/load_sessions.py): each session opens its own share
link, changes one answer, opens the recommendation page and reloads it, waiting each time until the page shows
the engine's recommendation. Latency = from the action to the correct result on screen, all sessions at once.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bench.timing import Measurement

ROOT = Path(__file__).resolve().parent.parent
SECTION = "load: 20 concurrent sessions"


def available() -> str | None:
    """Why the load run cannot happen here, or None."""
    if not Path("/usr/bin/chromium").exists():
        return "Chromium not installed (/usr/bin/chromium)"
    return None


def measurements() -> list[Measurement]:
    """p50/p95 latency over every interaction, per kind of interaction, and the server's memory."""
    for path in (ROOT / "tests", ROOT / "tests" / "e2e"):  # Why: the harness lives with the test that asserts it
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from browser import running_app
    from load_sessions import SESSIONS, run_load

    from advisor.rulebook.loading import load_rulebook

    with running_app() as url:
        report = run_load(url, load_rulebook())
    failures = [f for s in report.sessions for f in s.failures]
    values = report.latencies
    note = f"{len(values)} interactions of {SESSIONS} sessions; {len(failures)} failed"
    out = [
        Measurement(SECTION, "interaction latency p50", report.percentile(50), min(values), max(values), "s", note),
        Measurement(SECTION, "interaction latency p95", report.percentile(95), min(values), max(values), "s", ""),
    ]
    kinds = sorted(
        {k for s in report.sessions for k in s.latencies},
        key=lambda k: list(report.sessions[0].latencies).index(k) if k in report.sessions[0].latencies else 99,
    )
    for kind in kinds:
        xs = [s.latencies[kind] for s in report.sessions if kind in s.latencies]
        out.append(Measurement(SECTION, f"  {kind} (median)", statistics.median(xs), min(xs), max(xs), "s", ""))
    out.append(
        Measurement(
            SECTION,
            "server RSS: idle -> peak under load",
            report.rss_peak_kib / 1024,
            report.rss_baseline_kib / 1024,
            report.rss_peak_kib / 1024,
            "MiB",
            f"after the sessions: {report.rss_after_kib / 1024:.0f} MiB",
        )
    )
    out.append(
        Measurement(
            SECTION,
            "wall time of the whole run",
            report.seconds,
            report.seconds,
            report.seconds,
            "s",
            f"the server used {report.server_cpu_seconds:.1f} s of CPU in it "
            f"({report.server_cpu_seconds / report.seconds:.0%} of one core); the browsers "
            "rendering the 20 pages share the same two cores",
        )
    )
    for f in failures[:5]:
        print(f"load: {f}", file=sys.stderr)
    return out
