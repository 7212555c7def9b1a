"""Twenty people using the app at once: the load harness behind tests/e2e/test_load.py and bench/load.py.

Each session is a separate browser context (its own cookies and storage, so its own Streamlit session) in one of
a few headless Chromium processes (two cores: 20 browsers would measure Chromium, not the app). All sessions run
concurrently, each with its own answers and a fixed script of four interactions:

1. open a share link with its answers (questionnaire page) -> the sidebar shows its recommendation;
2. change one answer on the questionnaire (a click on a radio option) -> the sidebar follows;
3. follow the link to the recommendation page -> the page names its own workflow and recommendation;
4. reload that page (a refresh drops Streamlit's session state) -> the answers come back from the URL.

After every interaction the session waits until the page shows what `advisor.engine.evaluate.evaluate` says it must
show; the time that takes is the interaction's latency. A wrong or missing recommendation times out and is
reported with the text the page showed instead. Meanwhile the server's resident memory is sampled.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from advisor.engine.answers import Answers, read_answers, to_query_params
from advisor.engine.evaluate import evaluate
from advisor.rulebook.loading import Rulebook
from advisor.web import form

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 20
BROWSERS = 2
ACTION_TIMEOUT_MS = 240_000  # a hang guard, not a speed limit: one interaction on 2 busy cores took up to 118 s
TOTAL_TIMEOUT_S = 1200  # the whole run (a quiet machine needs 1-3 minutes)
IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'; }"""
SHOWS = """([selector, texts]) => { const app = document.querySelector('[data-testid="stApp"]');
  const box = document.querySelector(selector);
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning' && box !== null
    && texts.every(t => box.innerText.includes(t)); }"""


@dataclass
class Plan:
    """One session's answers, the answer it changes, and what each step must show."""

    number: int
    answers: Answers
    question: str
    new_value: object
    label: str

    @property
    def changed(self) -> Answers:
        return Answers(
            {**self.answers.traits, self.question: self.new_value}, self.answers.steps, self.answers.workflow
        )


@dataclass
class SessionResult:
    number: int
    latencies: dict[str, float] = field(default_factory=dict)  # step -> seconds
    failures: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    sessions: list[SessionResult]
    rss_baseline_kib: int
    rss_peak_kib: int
    rss_after_kib: int
    seconds: float
    server_cpu_seconds: float = 0.0  # CPU time the server used during the run (user + system)

    @property
    def latencies(self) -> list[float]:
        return [t for s in self.sessions for t in s.latencies.values()]

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies)
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def plans(rulebook: Rulebook, count: int = SESSIONS, seed: int = 20) -> list[Plan]:
    """`count` different questionnaires: the examples, then seeded random answers with the examples' steps."""
    rng = random.Random(seed)
    examples = [read_answers(str(p), rulebook) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    out = []
    for i in range(count):
        base = examples[i % len(examples)]
        if i < len(examples):
            traits = dict(base.traits)
        else:
            traits = {
                qid: rng.choice(q.option_values()) if q.kind != "integer" else rng.randint(q.minimum, 12)
                for qid, q in rulebook.questions.items()
                if rng.random() < 0.8
            }
        answers = Answers(
            {q: traits[q] for q in rulebook.questions if q in traits}, base.steps, f"Load session {i + 1}"
        )
        ev = evaluate(rulebook, answers)  # Why with the steps: what they say decides which questions apply
        radios = [q for q in rulebook.questions.values() if q.kind != "integer" and q.id not in ev.not_applicable]
        q = rng.choice(radios)
        value = rng.choice([v for v in q.option_values() if v != answers.traits.get(q.id)])
        out.append(Plan(i + 1, answers, q.id, value, form.choice_label(q, value)))
    return out


def expected_sidebar(rulebook: Rulebook, answers: Answers) -> list[str]:
    ev = evaluate(rulebook, answers)
    return [f"{getattr(rulebook.styles, ev.style).name}, confidence {ev.confidence:.2f}"]


def expected_page(rulebook: Rulebook, answers: Answers) -> list[str]:
    ev = evaluate(rulebook, answers)
    return [getattr(rulebook.styles, ev.style).name, f"Confidence {ev.confidence:.2f}:"]


def share_url(base: str, answers: Answers) -> str:
    return f"{base}/?{urlencode(to_query_params(answers), quote_via=quote)}"


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: int) -> int:
    """The pid of the Streamlit server we started on `port` (a child of this process)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == me and b"streamlit" in cmdline and str(port).encode() in cmdline:
            return int(entry.name)
    raise RuntimeError(f"no streamlit server of ours on port {port}")


class MemoryWatch:
    """Samples a process's RSS every 0.2 s in a thread; `peak` is the largest sample."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, rss_kib(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, rss_kib(self.pid))

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def _step(page, result: SessionResult, name: str, action, selector: str, texts: list[str]) -> bool:
    start = time.perf_counter()
    try:
        await action()
        await page.wait_for_function(SHOWS, arg=[selector, texts], timeout=ACTION_TIMEOUT_MS)
    except Exception as e:  # a timeout means the expected text never appeared: say what was there instead
        shown = ""
        try:
            shown = (await page.locator(selector).first.inner_text(timeout=2000))[:300]
        except Exception:
            shown = "(nothing)"
        why = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        result.failures.append(f"session {result.number}, {name}: expected {texts}, page showed {shown!r} ({why})")
        return False
    result.latencies[name] = time.perf_counter() - start
    return True


async def _session(context, base: str, plan: Plan, rulebook: Rulebook) -> SessionResult:
    result = SessionResult(plan.number)
    context.set_default_timeout(ACTION_TIMEOUT_MS)  # clicks and navigations wait as long as the checks do
    page = await context.new_page()
    page.on("pageerror", lambda e: result.page_errors.append(str(e)))
    sidebar, main = ".st-key-live-recommendation", '[data-testid="stMain"]'
    changed = plan.changed
    ok = await _step(
        page,
        result,
        "open share link",
        lambda: page.goto(share_url(base, plan.answers)),
        sidebar,
        expected_sidebar(rulebook, plan.answers),
    )
    ok = ok and await _step(
        page,
        result,
        "change an answer",
        lambda: page.locator(f".st-key-{plan.question}").get_by_text(plan.label, exact=True).first.click(),
        sidebar,
        expected_sidebar(rulebook, changed),
    )
    ok = ok and await _step(
        page,
        result,
        "open recommendation page",
        lambda: page.get_by_role("link", name="Why, and what it costs").click(),
        main,
        [f"Recommendation for {changed.workflow}"] + expected_page(rulebook, changed),
    )
    ok = ok and await _step(
        page,
        result,
        "reload (session state lost)",
        page.reload,
        main,
        [f"Recommendation for {changed.workflow}"] + expected_page(rulebook, changed),
    )
    if ok and await page.locator('[data-testid="stException"]').count():
        result.failures.append(f"session {plan.number}: the page shows an exception")
    await page.close()
    return result


async def _run(base: str, rulebook: Rulebook, sessions: int, browsers: int) -> list[SessionResult]:
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = [await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) for _ in range(browsers)]
        try:
            contexts = [
                await launched[i % browsers].new_context(viewport={"width": 1280, "height": 900})
                for i in range(sessions)
            ]
            work = [_session(c, base, plan, rulebook) for c, plan in zip(contexts, plans(rulebook, sessions))]
            return await asyncio.wait_for(asyncio.gather(*work), TOTAL_TIMEOUT_S)
        finally:
            for b in launched:
                await b.close()


def _in_own_thread(base: str, rulebook: Rulebook, sessions: int, browsers: int) -> list[SessionResult]:
    # Why a thread: Playwright allows one instance per thread, and the test session may already hold a sync one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(_run(base, rulebook, sessions, browsers))).result()


def run_load(base: str, rulebook: Rulebook, sessions: int = SESSIONS, browsers: int = BROWSERS) -> LoadReport:
    """Drive `sessions` concurrent sessions against the app at `base` (ours, on loopback) and report."""
    port = int(base.rsplit(":", 1)[1])
    pid = server_pid(port)
    _in_own_thread(base, rulebook, 1, 1)  # warm up: first page load imports the pages' modules
    baseline = rss_kib(pid)
    start, cpu = time.perf_counter(), cpu_seconds(pid)
    with MemoryWatch(pid) as watch:
        results = _in_own_thread(base, rulebook, sessions, browsers)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds(pid) - cpu
        time.sleep(2)  # sessions closed: let the server notice
    return LoadReport(list(results), baseline, watch.peak, rss_kib(pid), elapsed, cpu)
