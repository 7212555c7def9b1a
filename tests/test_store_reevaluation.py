"""Re-evaluating saved assessments against the current rulebook: which recommendations changed, and why."""
from __future__ import annotations

import pytest

from advisor.engine.answers import Answers, read_answers
from advisor.engine.evaluate import evaluate
from advisor.saved.reevaluation import reevaluate_all
from advisor.rulebook.loading import build_rulebook
from advisor.saved.store import Store

from tests.conftest import ROOT
from tests.store_helpers import db_url  # noqa: F401 (fixture)
from advisor.engine.assessment import assess


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
    new = edited(rulebook, "rules.yaml", "        - {question: fan_out, op: gte, value: 2}\n    effect: {hybrid: 3}",
                 "        - {question: fan_out, op: gte, value: 2}\n    effect: {choreography: 20}")
    by_name = {r.name: r for r in reevaluate_all(store, new)}
    checkout_now = by_name["Checkout"]
    assert (checkout_now.saved_style, checkout_now.style, checkout_now.change) == ("hybrid", "choreography", "style")
    assert [(c.kind, c.id, c.status, c.fields) for c in checkout_now.rule_changes] == [
        ("rule", "hybrid.core_with_reactions", "changed", ("effect",))]
    assert not checkout_now.same_rulebook and checkout_now.saved_rulebook == f"1.0.0 ({rulebook.short_hash})"
    assert by_name["Loan"].change == ""  # the changed rule never fires for it


def test_rules_that_start_or_stop_firing_are_named(store, rulebook, checkout):
    save(store, rulebook, "Checkout", checkout)
    new = edited(rulebook, "rules.yaml", "        - {question: fan_out, op: gte, value: 2}\n    effect: {hybrid: 3}",
                 "        - {question: fan_out, op: gte, value: 9}\n    effect: {hybrid: 3}")
    [result] = reevaluate_all(store, new)
    assert result.stopped == ("hybrid.core_with_reactions",) and result.started == ()
    assert result.confidence != result.saved_confidence


def test_answers_that_no_longer_fit_the_rulebook_are_dropped_and_listed(store, rulebook):
    save(store, rulebook, "Big", Answers({"ordering": "strict", "teams": 50}, (), "Big"))
    new = edited(rulebook, "questions.yaml", "    minimum: 1\n    maximum: 100\n    default: 2",
                 "    minimum: 1\n    maximum: 10\n    default: 2")
    [result] = reevaluate_all(store, new)
    assert result.dropped == ("teams",)
    assert "teams.many" in result.stopped and "teams.several" in result.started  # 50 teams, then the default 2
