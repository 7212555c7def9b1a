"""Two app replicas behind nginx with one PostgreSQL (deploy/replicas.py, README "Running several replicas"),
driven by protocol clients (tests/stream_client.py) as browsers would drive them: sticky sessions, a store
shared by the replicas, concurrent saves, a database restart in the middle of a session, a rulebook pushed once
and served by both. `make test-replicas` (which .ci/run calls) runs them; without nginx or PostgreSQL they skip."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from app_helpers import example
from stream_client import StreamSession

from advisor.engine.answers import Answers, to_query_params
from advisor.web import form
from advisor.web.session import link_query

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))  # Why: the deployment under test is the one `make replicas` runs
from replicas import deployment, missing_parts  # noqa: E402

pytestmark = pytest.mark.replicas


@pytest.fixture(scope="module")
def two():
    """nginx, two replicas and a throwaway PostgreSQL, for the whole module."""
    why = missing_parts()
    if why:
        pytest.skip(why)
    with deployment(replicas=2) as d:
        yield d


def link(answers: Answers, **traits: str) -> str:
    return link_query({**to_query_params(answers), **traits})


async def on_each_replica(url: str, attempts: int = 24) -> dict[str, StreamSession]:
    """One connected session per replica: new browsers (no route cookie) until each replica has one."""
    found: dict[str, StreamSession] = {}
    for _ in range(attempts):
        session = StreamSession(url)
        await session.connect()
        if session.replica in found:
            await session.close()
        else:
            found[session.replica] = session
        if len(found) == 2:
            break
    return found


async def save(session: StreamSession, name: str, query: str):
    """On the Saved assessments page: type the name and press Save (one rerun, as the browser sends both)."""
    page = await session.rerun(query_string=query, page="saved")
    session.set_widget(page.widget("saved-name", "text_input"), name)
    session.set_widget(page.widget("saved-save", "button"), True)
    return await session.rerun(query_string=query, page="saved")


def test_browsers_spread_over_the_replicas_and_each_stays_on_its_own(two):
    async def scenario():
        sessions = [StreamSession(two.url) for _ in range(12)]
        for s in sessions:
            await s.connect()
            await s.close()
        again = [StreamSession(two.url) for _ in range(3)]
        for s, before in zip(again, sessions):
            s.cookies = dict(before.cookies)  # the same browser (its cookie) comes back
            await s.connect()
            await s.close()
        return sessions, again

    sessions, again = asyncio.run(scenario())

    replicas = {two.upstream(r) for r in two.replicas}
    spread = Counter(s.replica for s in sessions)
    assert set(spread) == replicas, spread  # 12 random routes on one replica: 1 in 2,048
    assert all(s.page_replica == s.replica for s in sessions)  # a browser's page and WebSocket: one replica
    assert [s.replica for s in again] == [s.replica for s in sessions[:3]]


def test_a_session_keeps_its_answers_on_its_replica_across_reruns_and_a_reconnection(two, rulebook):
    low = form.choices(rulebook.questions["central_monitoring"]).index("low")
    high = form.choices(rulebook.questions["change_frequency"]).index("high")

    async def scenario():
        session = StreamSession(two.url)
        await session.connect()
        first = await session.rerun()
        session.set_widget(first.widget("central_monitoring"), first.widget("central_monitoring").options[low])
        await session.rerun(query_string=first.query_string)
        session.widgets.clear()
        second = await session.rerun(query_string="")  # no answers in the address: only the server has them
        session.set_widget(second.widget("change_frequency"), second.widget("change_frequency").options[high])
        after = await session.rerun(query_string="")
        await session.close()
        back = StreamSession(two.url)
        back.cookies, back.session_id = dict(session.cookies), session.session_id
        await back.connect(resume=True)
        resumed = await back.rerun(query_string="")
        await back.close()
        other = next(r for r in two.replicas if two.upstream(r) != session.replica)
        stranger = StreamSession(other.url)  # the same session id, at the other replica, as without stickiness
        stranger.session_id = session.session_id
        await stranger.connect(load_page=False, resume=True)
        elsewhere = await stranger.rerun(query_string="")
        await stranger.close()
        return session, back, after, resumed, elsewhere

    session, back, after, resumed, elsewhere = asyncio.run(scenario())

    both = {"central_monitoring": "low", "change_frequency": "high"}
    assert dict(parse_qsl(after.query_string)).items() >= both.items()
    assert back.replica == session.replica and back.session_id == session.session_id
    assert dict(parse_qsl(resumed.query_string)).items() >= both.items()
    assert "central_monitoring" not in dict(parse_qsl(elsewhere.query_string))  # another process: a new session


def test_an_assessment_saved_through_one_replica_is_listed_by_the_other(two):
    async def scenario():
        pair = await on_each_replica(two.url)
        (a, b) = pair.values()
        saved = await save(a, "Checkout saved on A", link(example("order-checkout")))
        listed = await b.rerun(page="saved")
        for s in pair.values():
            await s.close()
        return a, b, saved, listed

    a, b, saved, listed = asyncio.run(scenario())

    assert a.replica != b.replica
    assert any("Saved version 1 of" in t for t in saved.alerts()), saved.alerts()
    assert "Checkout saved on A" in list(listed.widget("saved-select", "selectbox").options)


def test_two_replicas_saving_one_assessment_at_once_keep_every_version_in_order(two):
    from advisor.saved.store import Store

    checkout = example("order-checkout")

    async def scenario():
        runs = []
        # Why a fresh pair of sessions per round, each opened with its own answers: a session applies its share
        # link once, and saving answers equal to the latest version adds no version (issue 15); the race is the
        # two saves at once, one on each replica
        for i in range(3):
            pair = await on_each_replica(two.url)
            (a, b) = pair.values()
            runs += await asyncio.gather(
                save(a, "Shared design", link(checkout, central_monitoring="low", workflow=f"Checkout A{i}")),
                save(b, "Shared design", link(checkout, central_monitoring="high", workflow=f"Checkout B{i}")),
            )
            for s in pair.values():
                await s.close()
        return runs

    runs = asyncio.run(scenario())

    assert all(any("Saved version" in t for t in r.alerts()) for r in runs), [r.alerts() for r in runs]
    store = Store(two.db_url)
    try:
        history = store.history(store.find("Shared design"))
        monitoring = [
            store.open(store.find("Shared design"), v.number).answers.traits["central_monitoring"]
            for v in reversed(history)
        ]
    finally:
        store.close()
    assert [v.number for v in reversed(history)] == [1, 2, 3, 4, 5, 6]
    times = [v.saved_at for v in reversed(history)]
    assert times == sorted(times)
    assert Counter(monitoring) == {"low": 3, "high": 3}


def test_a_postgresql_restart_mid_session_says_so_and_loses_nothing_saved(two):
    from advisor.saved.store import Store

    query = link(example("order-checkout"))

    async def scenario():
        session = StreamSession(two.url)
        await session.connect()
        first = await save(session, "Before the restart", query)
        two.postgres.stop("immediate")  # as a crash: no shutdown checkpoint
        try:
            during = await save(session, "Before the restart", query)
            answering = await session.rerun(query_string=query, page="questionnaire")
        finally:
            two.postgres.start()
        await session.close()
        # Why a new session: a session applies its share link once; these answers differ from version 1
        later = StreamSession(two.url)
        await later.connect()
        after = await save(later, "Before the restart", link(example("order-checkout"), central_monitoring="low"))
        await later.close()
        return first, during, answering, after

    first, during, answering, after = asyncio.run(scenario())

    assert any("Saved version 1 of" in t for t in first.alerts())
    assert during.status == "FINISHED_SUCCESSFULLY" and during.exceptions() == []  # no traceback
    not_saved = [t for t in during.alerts() if t.startswith("Not saved")]
    assert not_saved and "database" in not_saved[0] and "nothing was saved" in not_saved[0], during.alerts()
    assert answering.status == "FINISHED_SUCCESSFULLY" and answering.exceptions() == []  # answering needs no database
    assert answering.widget("central_monitoring", "radio")
    assert any("Saved version 2 of" in t for t in after.alerts()), after.alerts()
    store = Store(two.db_url)
    try:
        assert [v.number for v in store.history(store.find("Before the restart"))] == [2, 1]
    finally:
        store.close()


def test_a_rulebook_pushed_once_is_served_by_both_replicas_at_their_next_interaction(two, tmp_path):
    if not two.rulebook_pushed:
        pytest.skip("`advisor rules push` does not exist yet (the rulebook database of issue 16, ADVISOR_RULES_URL)")
    rules = tmp_path / "rules"
    env = {**__import__("os").environ, "ADVISOR_RULES_URL": two.rules_url}
    pulled = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "pull", str(rules)], capture_output=True, text=True, env=env
    )
    assert pulled.returncode == 0, pulled.stderr
    questions = rules / "questions.yaml"
    old = "How important is end-to-end visibility and control of each instance in one place?"
    questions.write_text(questions.read_text().replace(old, "How much does one view of each instance matter?"))

    async def scenario():
        pair = await on_each_replica(two.url)
        before = [await s.rerun() for s in pair.values()]
        pushed = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "advisor", "rules", "push", str(rules)],
            capture_output=True,
            text=True,
            env=env,
        )
        after = [await s.rerun() for s in pair.values()]
        for s in pair.values():
            await s.close()
        return before, pushed, after

    before, pushed, after = asyncio.run(scenario())

    assert pushed.returncode == 0, pushed.stderr
    assert all("visibility" in r.widget("central_monitoring").label for r in before)
    assert all("one view of each instance" in r.widget("central_monitoring").label for r in after)
