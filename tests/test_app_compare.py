"""The Compare page (AppTest): the current answers against an edited copy, and two saved assessments."""

from __future__ import annotations

import pytest
from app_helpers import ROOT, dataframe_in, drawn_svgs, example, keyed_block, shown, texts
from streamlit.testing.v1 import AppTest

from advisor.engine.answers import Answers, to_query_params
from advisor.engine.assessment import assess
from advisor.saved.store import Store

APP = ROOT / "advisor" / "web" / "app.py"


@pytest.fixture(autouse=True)
def scratch_database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'compare.db'}"
    monkeypatch.setenv("ADVISOR_DB_URL", url)
    return url


def open_compare(answers: Answers | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in to_query_params(answers or Answers()).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def block_text(at: AppTest, key: str) -> str:
    block = keyed_block(at, key)
    out, pending = [], [block]
    while pending:
        node = pending.pop()
        value = getattr(node, "value", None)
        if isinstance(value, str):
            out.append(shown(value))
        pending.extend(getattr(node, "children", {}).values())
    return "\n".join(out)


def test_an_unchanged_copy_has_no_differences():
    at = open_compare(example("media-pipeline"))
    assert "0 answers differ" in texts(at)
    assert "Both get Choreography" in texts(at)


def test_editing_the_copy_shows_the_style_change_and_the_answer_that_drove_it():
    at = open_compare(example("order-checkout"))
    at.selectbox(key="compare-copy-coupling_tolerance").set_value("low").run()
    assert "Hybrid" in block_text(at, "compare-result-a") and "Choreography" in block_text(at, "compare-result-b")
    assert "The recommendation changes from Hybrid to Choreography" in texts(at)
    differences = dataframe_in(at, "compare-differences")
    assert list(differences["question"]) == ["coupling_tolerance"]
    assert differences["alone turns A into B's style"].iloc[0] == "yes"
    assert "What drove the change" in texts(at)


def test_an_open_question_answered_in_the_copy_reads_not_answered_on_side_a(rulebook):
    at = open_compare(Answers({"ordering": "strict"}))
    at.selectbox(key="compare-copy-coupling_tolerance").set_value("low").run()
    differences = dataframe_in(at, "compare-differences")
    row = differences[differences["question"] == "coupling_tolerance"].iloc[0]
    assert (row["A"], row["B"]) == ("not answered", rulebook.questions["coupling_tolerance"].label_of("low"))
    assert "The recommendation changes from Orchestration to Choreography" in texts(at)


def test_not_sure_in_the_copy_assumes_nothing(rulebook):
    at = open_compare()
    labels = {shown(o) for s in at.selectbox if s.key.startswith("compare-copy-") for o in s.options}
    assert "Not sure" in labels and not any("assume" in label for label in labels)
    assert {n.proto.placeholder for n in at.number_input if n.key.startswith("compare-copy-")} == {"Not sure"}


def test_both_diagrams_are_drawn_side_by_side_with_the_users_services():
    at = open_compare(example("order-checkout"))
    at.selectbox(key="compare-copy-coupling_tolerance").set_value("low").run()
    first, second = drawn_svgs(at)
    assert "Payment" in first and "Payment" in second and first != second


def test_reset_returns_the_copy_to_the_current_answers():
    at = open_compare(example("media-pipeline"))
    at.selectbox(key="compare-copy-ordering").set_value("strict").run()
    at.button(key="compare-copy-reset").click().run()
    assert at.selectbox(key="compare-copy-ordering").value == "some"
    assert "0 answers differ" in texts(at)


def test_two_saved_assessments_are_compared(rulebook, scratch_database):
    store = Store(scratch_database)
    for name, answers in (("Media", example("media-pipeline")), ("Checkout", example("order-checkout"))):
        store.save(name, assess(rulebook, answers), rulebook)
    store.close()
    at = open_compare()
    at.segmented_control(key="compare-mode").set_value("saved").run()
    at.selectbox(key="compare-a").set_value(1).run()
    at.selectbox(key="compare-b").set_value(2).run()
    assert not at.exception
    assert "Media (version 1)" in block_text(at, "compare-result-a")
    assert "Checkout (version 1)" in block_text(at, "compare-result-b")
    assert "The recommendation changes from Choreography to Hybrid" in texts(at)
    assert len(dataframe_in(at, "compare-differences")) > 3


def test_with_nothing_saved_the_saved_mode_points_to_the_saved_page():
    at = open_compare()
    at.segmented_control(key="compare-mode").set_value("saved").run()
    assert "Nothing is saved yet" in texts(at)
