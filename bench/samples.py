"""Random valid answer sets and generated rulebooks, seeded, for benchmarks that must not favour one input."""
from __future__ import annotations

import json
import random
from typing import Any

from advisor.rulebook.formats import Question
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


def _random_test(rulebook: Rulebook, rng: random.Random) -> dict[str, Any]:
    q = rng.choice(list(rulebook.questions.values()))
    if q.kind == "choice":
        values = q.option_values()
        if rng.random() < 0.3:
            return {"question": q.id, "op": rng.choice(["in", "not_in"]), "value": rng.sample(values, 2)}
        return {"question": q.id, "op": rng.choice(["eq", "eq", "ne"]), "value": rng.choice(values)}
    if q.kind == "yes_no":
        return {"question": q.id, "op": "eq", "value": rng.random() < 0.5}
    return {"question": q.id, "op": rng.choice(["gte", "lte", "gt", "lt", "eq"]),
            "value": rng.randint(q.minimum, min(q.maximum, q.minimum + 20))}


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
        rules.append({"id": f"generated.rule_{i}", "when": _random_condition(rulebook, rng), "effect": effect,
                      "rationale": "Generated.", "source": "bench"})
    decision = rulebook.decision.model_dump()
    return json.dumps({"version": "0.0.1", "decision": decision, "rules": rules}, separators=(",", ":")).encode()


def generated_rulebook(base: Rulebook, count: int, seed: int = 11) -> Rulebook:
    """`base`'s questions, styles and scenarios with `count` generated rules, validated like any rulebook."""
    texts = dict(base.texts)
    texts["rules.yaml"] = generated_rules_yaml(base, count, seed)
    texts["scenarios.yaml"] = json.dumps({"scenarios": [
        {"name": "anything", "traits": {}, "expect": {"style": "hybrid"}}]}).encode()
    return build_rulebook(texts, f"generated-{count}")
