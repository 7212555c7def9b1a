"""The protocol client of the load test (tests/stream_client.py) against the real app: one session, one answer,
one rerun, checked against the engine; and it refuses to connect anywhere but this machine."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import pytest
from app_helpers import example
from stream_client import LoopbackOnly, StreamSession, loopback_url

from advisor.engine.answers import from_query_params, to_query_params
from advisor.engine.evaluate import evaluate
from advisor.web import form
from advisor.web.session import link_query


def test_one_session_answers_a_question_and_its_rerun_shows_the_engines_recommendation(app_server, rulebook):
    question = rulebook.questions["central_monitoring"]
    low = form.choices(question).index("low")  # the example says high

    async def scenario():
        async with StreamSession(app_server) as session:
            link = link_query(to_query_params(example("order-checkout")))
            first = await session.rerun(query_string=link)
            radio = first.widget("central_monitoring", "radio")
            session.set_widget(radio, radio.options[low])
            return first, await session.rerun(query_string=link)

    first, second = asyncio.run(scenario())

    assert first.status == second.status == "FINISHED_SUCCESSFULLY"
    params = dict(parse_qsl(second.query_string or ""))
    assert params["central_monitoring"] == "low"  # the share link follows the answer just given
    answers, problems = from_query_params(params, rulebook)
    assert problems == []
    ev = evaluate(rulebook, answers)
    shown = f"**{getattr(rulebook.styles, ev.style).name}**, confidence {ev.confidence:.2f}"
    assert any(text.startswith(shown) for text in second.texts()), second.texts()


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.7:8501", "http://example.org", "https://127.0.0.1:8501", "http://0.0.0.0:8501", "http://[::2]/"],
)
def test_the_client_refuses_any_target_but_loopback_http(url):
    with pytest.raises(LoopbackOnly, match="loopback"):
        StreamSession(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501/", "http://localhost:9", "http://127.3.2.1", "http://[::1]:80"])
def test_the_client_accepts_loopback_addresses(url):
    assert loopback_url(url) == url.rstrip("/")
