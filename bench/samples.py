"""Random valid answer sets and generated rulebooks, seeded, for benchmarks that must not favour one input."""

from __future__ import annotations

import json
import random
from typing import Any

from advisor.engine.answers import Answers
from advisor.rulebook.formats import Question, Step
from advisor.rulebook.loading import Rulebook, build_rulebook


def random_value(q: Question, rng: random.Random) -> Any:
    """A valid answer to `q`; integers favour small values and the bounds, where thresholds sit."""
    if q.kind == "choice":
        return rng.choice(q.option_values())
    if q.kind == "yes_no":
        return rng.random() < 0.5
    pick = rng.random()
    if pick < 0.1:
        return q.minimum
    if pick < 0.2:
        return q.maximum
    return rng.randint(q.minimum, min(q.maximum, q.minimum + 40))


def random_traits(rulebook: Rulebook, rng: random.Random, missing: float = 0.25) -> dict[str, Any]:
    """One answer set: each question answered, except a `missing` share left to its default."""
    return {qid: random_value(q, rng) for qid, q in rulebook.questions.items() if rng.random() >= missing}


def answer_sets(rulebook: Rulebook, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` seeded random answer sets."""
    rng = random.Random(seed)
    return [random_traits(rulebook, rng) for _ in range(count)]


# Names with both quote kinds and a repeat of another's letters: the distinct counts must compare whole names
_TEAMS = ("payments", "logistics", 'it\'s "ops"', "pay")
_CONTEXTS = ("ordering", "billing", "shipping")


def random_steps(rng: random.Random) -> tuple[Step, ...]:
    """A workflow's steps as a user lists them: often none, up to a few dozen; some reactions, some compensations
    (an empty one is none), teams and contexts named on some steps only, repeated across steps."""
    count = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6, 8, 9, 12, 30))
    teams = rng.sample(_TEAMS, rng.randint(1, len(_TEAMS)))
    contexts = rng.sample(_CONTEXTS, rng.randint(1, len(_CONTEXTS)))
    named = rng.random()  # how many steps name their team and context
    return tuple(
        Step(
            service=f"service-{i}",
            action=f"step {i}",
            reaction=rng.random() < 0.3,
            compensation=rng.choice((None, None, "undo it", "")),
            team=rng.choice(teams) if rng.random() < named else None,
            context=rng.choice(contexts) if rng.random() < named else None,
        )
        for i in range(count)
    )


def random_answers(rulebook: Rulebook, rng: random.Random) -> Answers:
    """One answers file: any share of the questions unanswered (none to all), and random steps."""
    return Answers(random_traits(rulebook, rng, missing=rng.random()), random_steps(rng))


def answer_files(rulebook: Rulebook, count: int, seed: int = 7) -> list[Answers]:
    """`count` seeded random answers files (traits with unanswered questions, and steps)."""
    rng = random.Random(seed)
    return [random_answers(rulebook, rng) for _ in range(count)]


def _random_test(rulebook: Rulebook, rng: random.Random) -> dict[str, Any]:
    q = rng.choice(list(rulebook.questions.values()))
    if q.kind == "choice":
        values = q.option_values()
        if rng.random() < 0.3:
            return {"question": q.id, "op": rng.choice(["in", "not_in"]), "value": rng.sample(values, 2)}
        return {"question": q.id, "op": rng.choice(["eq", "eq", "ne"]), "value": rng.choice(values)}
    if q.kind == "yes_no":
        return {"question": q.id, "op": "eq", "value": rng.random() < 0.5}
    return {
        "question": q.id,
        "op": rng.choice(["gte", "lte", "gt", "lt", "eq"]),
        "value": rng.randint(q.minimum, min(q.maximum, q.minimum + 20)),
    }


def _random_condition(rulebook: Rulebook, rng: random.Random, depth: int = 0) -> dict[str, Any]:
    pick = rng.random()
    if depth >= 2 or pick < 0.45:
        return _random_test(rulebook, rng)
    if pick < 0.8:
        return {"all": [_random_condition(rulebook, rng, depth + 1) for _ in range(rng.randint(2, 3))]}
    if pick < 0.95:
        return {"any": [_random_condition(rulebook, rng, depth + 1) for _ in range(2)]}
    return {"not": _random_condition(rulebook, rng, depth + 1)}


def generated_rules_yaml(rulebook: Rulebook, count: int, seed: int = 11) -> bytes:
    """A valid rules.yaml (written as JSON, which is YAML) with `count` random rules over the rulebook's questions."""
    rng = random.Random(seed)
    rules = []
    for i in range(count):
        effect = {s: rng.randint(-2, 3) for s in ("orchestration", "choreography", "hybrid")}
        if not any(effect.values()):
            effect["hybrid"] = 1
        rules.append(
            {
                "id": f"generated.rule_{i}",
                "when": _random_condition(rulebook, rng),
                "effect": effect,
                "rationale": "Generated.",
                "source": "bench",
            }
        )
    decision = rulebook.decision.model_dump()
    return json.dumps({"version": "0.0.1", "decision": decision, "rules": rules}, separators=(",", ":")).encode()


def steady(rulebook: Rulebook) -> Rulebook:
    """`rulebook` as a long-running process evaluates with it: its generated scorer built (a fresh one walks its tables
    until building the scorer pays: `advisor.rulebook.scoring`, "Why tiered"). Speed figures of evaluation take this
    steady state, so no timed loop includes the switch."""
    from advisor.rulebook import scoring

    scoring.generated(rulebook.program)
    return rulebook


def generated_rulebook(base: Rulebook, count: int, seed: int = 11) -> Rulebook:
    """`base`'s questions, styles and scenarios with `count` generated rules, validated like any rulebook."""
    texts = dict(base.texts)
    texts["rules.yaml"] = generated_rules_yaml(base, count, seed)
    texts["scenarios.yaml"] = json.dumps(
        {"scenarios": [{"name": "anything", "traits": {}, "expect": {"style": "hybrid"}}]}
    ).encode()
    return build_rulebook(texts, f"generated-{count}")
