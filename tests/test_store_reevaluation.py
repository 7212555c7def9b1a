"""Re-evaluating saved assessments against the current rulebook: which recommendations changed, and why."""

from __future__ import annotations

import pytest

from advisor.engine.answers import Answers, read_answers
from advisor.engine.assessment import assess
from advisor.rulebook.loading import build_rulebook
from advisor.saved.reevaluation import reevaluate_all
from advisor.saved.store import Store
from tests.conftest import ROOT
from tests.store_helpers import db_url  # noqa: F401 (fixture)


@pytest.fixture
def store(db_url):  # noqa: F811
    s = Store(db_url)
    yield s
    s.close()


def save(store, rulebook, name, answers):
    store.save(name, assess(rulebook, answers), rulebook)


def edited(rulebook, file, old: str, new: str):
    text = rulebook.texts[file].decode()
    assert old in text
    return build_rulebook({**rulebook.texts, file: text.replace(old, new, 1).encode()}, "edited")


@pytest.fixture
def checkout(rulebook):
    return read_answers(str(ROOT / "examples" / "order-checkout.yaml"), rulebook)


def test_under_the_same_rulebook_nothing_changes(store, rulebook, checkout):
    save(store, rulebook, "Checkout", checkout)
    [result] = reevaluate_all(store, rulebook)
    assert (result.name, result.change, result.same_rulebook) == ("Checkout", "", True)
    assert result.started == result.stopped == result.dropped == result.rule_changes == ()


def test_a_rule_change_that_flips_the_style_is_reported_with_the_rules_behind_it(store, rulebook, checkout):
    save(store, rulebook, "Checkout", checkout)
    save(store, rulebook, "Loan", read_answers(str(ROOT / "examples" / "loan-approval.yaml"), rulebook))
    # fanout.some: the checkout's two consumers, link evidence that makes its orchestrated core a hybrid
    new = edited(
        rulebook,
        "rules.yaml",
        "    when: {question: fan_out, op: gte, value: 2}\n    effect: {hybrid: 2}",
        "    when: {question: fan_out, op: gte, value: 2}\n    effect: {choreography: 20}",
    )
    by_name = {r.name: r for r in reevaluate_all(store, new)}
    checkout_now = by_name["Checkout"]
    assert (checkout_now.saved_style, checkout_now.style, checkout_now.change) == ("hybrid", "choreography", "style")
    assert [(c.kind, c.id, c.status, c.fields) for c in checkout_now.rule_changes] == [
        ("rule", "fanout.some", "changed", ("effect",))
    ]
    assert not checkout_now.same_rulebook
    assert checkout_now.saved_rulebook == f"{rulebook.version} ({rulebook.short_hash})"
    assert by_name["Loan"].change == ""  # the changed rule never fires for it (no consumers)


def test_rules_that_start_or_stop_firing_are_named(store, rulebook, checkout):
    save(store, rulebook, "Checkout", checkout)
    new = edited(
        rulebook,
        "rules.yaml",
        "    when: {question: fan_out, op: gte, value: 2}\n    effect: {hybrid: 2}",
        "    when: {question: fan_out, op: gte, value: 9}\n    effect: {hybrid: 2}",
    )
    new = edited(
        new,
        "rules.yaml",
        "    when: {question: fan_out, op: gte, value: 4}\n    effect: {choreography: 1, hybrid: 1}",
        "    when: {question: fan_out, op: gte, value: 2}\n    effect: {choreography: 1, hybrid: 1}",
    )
    [result] = reevaluate_all(store, new)
    assert result.stopped == ("fanout.some",) and result.started == ("fanout.many",)  # the checkout has 2 consumers
    assert result.confidence != result.saved_confidence  # fanout.many's choreography point narrows the core's lead


def test_answers_that_no_longer_fit_the_rulebook_are_dropped_and_listed(store, rulebook):
    save(store, rulebook, "Big", Answers({"ordering": "strict", "teams": 50, "flow_owner": False}, (), "Big"))
    new = edited(
        rulebook,
        "questions.yaml",
        "    minimum: 1\n    maximum: 100\n    default: 2\n    from_steps: {measure: teams}",
        "    minimum: 1\n    maximum: 10\n    default: 2\n    from_steps: {measure: teams}",
    )
    [result] = reevaluate_all(store, new)
    assert result.dropped == ("teams",)
    # 50 teams fired the team rules; dropped, the answer is unknown, which is no evidence: nothing starts
    assert set(result.stopped) == {"teams.many_no_owner", "links.teams"} and result.started == ()
