"""The rulebook's own tests: run every scenario, check its expectations, measure rule coverage.

Coverage, as with OPA's `opa test`: a rule is covered when it fires in at least one scenario and stays silent in
at least one. Anything under 100% fails `advisor rules test`.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.formats import Scenario
from advisor.rulebook.loading import Rulebook


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    evaluation: Evaluation
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class TestRun:
    results: tuple[ScenarioResult, ...]
    never_fired: tuple[str, ...]
    never_silent: tuple[str, ...]
    rule_count: int

    @property
    def coverage(self) -> float:
        """Share of rules that both fire somewhere and stay silent somewhere (1.0 = 100%)."""
        if not self.rule_count:
            return 1.0
        uncovered = set(self.never_fired) | set(self.never_silent)
        return (self.rule_count - len(uncovered)) / self.rule_count

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results) and self.coverage == 1.0


def run_scenario(rulebook: Rulebook, scenario: Scenario) -> ScenarioResult:
    ev = evaluate(rulebook, Answers(dict(scenario.traits)))
    fired = {r.rule_id for r in ev.fired}
    failures = []
    if ev.style != scenario.expect.style:
        failures.append(
            f"expected style {scenario.expect.style}, got {ev.style} (scores "
            + ", ".join(f"{k} {v}" for k, v in ev.scores.items())
            + ")"
        )
    failures += [f"expected rule {rid} to fire; it did not" for rid in scenario.expect.fires if rid not in fired]
    failures += [f"expected rule {rid} to stay silent; it fired" for rid in scenario.expect.silent if rid in fired]
    return ScenarioResult(scenario, ev, tuple(failures))


def run_scenarios(rulebook: Rulebook) -> TestRun:
    results = tuple(run_scenario(rulebook, s) for s in rulebook.scenarios)
    ever_fired: set[str] = set()
    ever_silent: set[str] = set()
    for result in results:
        for r in result.evaluation.trace:
            (ever_fired if r.fired else ever_silent).add(r.rule_id)
    ids = [r.id for r in rulebook.rules]
    return TestRun(
        results, tuple(i for i in ids if i not in ever_fired), tuple(i for i in ids if i not in ever_silent), len(ids)
    )
