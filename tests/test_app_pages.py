"""Every page of the router runs, and the app's state behaves: per session, hot-reloaded rule files, notices."""

from __future__ import annotations

import ast
import os

import pytest
from app_helpers import APP, example, open_app, shown, stored_answers, texts

from advisor.engine.answers import Answers


def router_pages() -> list[str]:
    """The page files app.py routes to, read from its source (so a page another issue adds is covered too)."""
    tree = ast.parse(APP.read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def test_the_router_lists_the_four_pages_of_one_workflow():
    assert router_pages()[:4] == [
        "pages/questionnaire.py",
        "pages/recommendation.py",
        "pages/diagram.py",
        "pages/export.py",
    ]


@pytest.mark.parametrize("page", router_pages())
def test_every_page_runs_in_a_fresh_session(page):
    at = open_app(page)

    assert not at.exception
    assert at.title or at.header or at.subheader


@pytest.mark.parametrize("page", router_pages())
def test_every_page_runs_with_a_complete_workflow_from_a_share_link(page):
    answers = example("order-checkout")

    at = open_app(page, answers)

    assert not at.exception
    assert stored_answers(at) == answers


def test_answers_survive_a_visit_to_every_other_page():
    at = open_app()
    at.radio(key="ordering").set_value("strict").run()
    at.number_input(key="teams").set_value(6).run()

    for page in router_pages()[1:] + ["pages/questionnaire.py"]:
        at.switch_page(page).run()
        assert not at.exception, page

    assert at.radio(key="ordering").value == "strict"
    assert at.number_input(key="teams").value == 6
    assert stored_answers(at).traits == {"ordering": "strict", "teams": 6}


def test_two_sessions_keep_their_own_answers():
    first, second = open_app(), open_app()

    first.radio(key="ordering").set_value("strict").run()
    second.radio(key="ordering").set_value("none").run()
    first.run()

    assert stored_answers(first).traits == {"ordering": "strict"}
    assert stored_answers(second).traits == {"ordering": "none"}


# ---------------------------------------------------------------- hot reload of the rule files
@pytest.fixture
def live_rules(rules_copy, monkeypatch):
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


def rewrite(path, text: str) -> None:
    """Write and move the modification time on, as an editor's save does (coarse clocks could hide it)."""
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


NEW_QUESTION = """
  - id: data_residency
    section: scale
    text: Must the data stay in one region?
    help: Added while the app runs.
    kind: yes_no
    default: false
"""


def test_a_valid_change_on_disk_is_used_at_the_next_interaction(live_rules):
    at = open_app()
    assert "data_residency" not in [r.key for r in at.radio]

    rewrite(live_rules / "questions.yaml", (live_rules / "questions.yaml").read_text() + NEW_QUESTION)
    at.run()

    assert "data_residency" in [r.key for r in at.radio]
    assert "rule files on disk have" not in texts(at)


def test_an_invalid_change_on_disk_keeps_the_last_good_rulebook_and_shows_the_problems(live_rules):
    at = open_app(answers=Answers({"ordering": "strict"}))
    good = (live_rules / "rules.yaml").read_text()

    rewrite(live_rules / "rules.yaml", good.replace("version:", "version: [", 1))
    at.run()

    assert at.radio(key="ordering").value == "strict"
    assert "rule files on disk have 1 problem(s)" in texts(at)
    assert "rules.yaml:" in at.code[0].value
    at.switch_page("pages/recommendation.py").run()
    assert "rule files on disk have 1 problem(s)" in texts(at)
    assert at.metric

    rewrite(live_rules / "rules.yaml", good)
    at.run()
    assert "rule files on disk have" not in texts(at)


def test_a_rule_file_deleted_while_the_app_runs_keeps_the_last_good_rulebook(live_rules):
    at = open_app()

    (live_rules / "styles.yaml").unlink()
    at.run()

    assert "missing rule file" in at.code[0].value
    assert at.radio(key="ordering").value is not None


def test_share_link_notices_can_be_dismissed():
    at = open_app(query={"bogus": "1"})
    assert "Share link: bogus: unknown question" in texts(at)

    at.button(key="dismiss-notices").click().run()

    assert "Share link" not in texts(at)


def test_every_page_shows_a_hostile_workflow_name_literally():
    name = "<img src=x onerror=alert(1)> :smile: $x$ **b**"
    for page in ("recommendation", "diagram"):
        at = open_app(page, Answers({}, (), name))
        assert shown(at.title[0].value).endswith(name)
