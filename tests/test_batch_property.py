"""The vectorised batch gives exactly the engine's results: style, runner-up, scores, lead, confidence (to the
last bit), fired rules, assumed and not-applicable questions, top drivers and the per-step allocation.

Checked on thousands of random answer sets: with the default rulebook, through both inputs (typed answers and CSV
text), and with randomly generated rulebooks (conditional questions, nested all/any/not, integer questions too
wide to tabulate, negative effects, any tie-break order and half-lead).
"""
from __future__ import annotations

import random

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine.answers import Answers
from advisor.engine.batch import evaluate_columns, summarize
from advisor.portfolio.reading import columns_from_answers, read_csv
from advisor.portfolio.steps_cell import format_steps_cell
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import STYLES, Step
from advisor.rulebook.loading import build_rulebook, load_rulebook

from tests.conftest import RULES

DEFAULT = load_rulebook(RULES)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------- answers
def answer_values(q) -> st.SearchStrategy:
    if q.kind == "integer":
        edges = [q.minimum, q.maximum, q.default]
        return st.one_of(st.sampled_from(edges), st.integers(q.minimum, min(q.maximum, q.minimum + 30)),
                         st.integers(q.minimum, q.maximum))
    return st.sampled_from(q.option_values())


def answer_sets(rulebook) -> st.SearchStrategy:
    """A dict of some questions' answers (any subset: unanswered ones are assumed)."""
    return st.fixed_dictionaries({}, optional={qid: answer_values(q) for qid, q in rulebook.questions.items()})


steps_strategy = st.lists(st.builds(Step, service=st.sampled_from(["Payment", "Stock", "Mail"]),
                                    action=st.sampled_from(["Charge", "Reserve", "Send"]), reaction=st.booleans()),
                          max_size=4).map(tuple)


def assert_batch_equals_engine(rulebook, rows: list[dict], steps: list[tuple] | None = None) -> None:
    steps = steps or [()] * len(rows)
    items = [(f"row{i}", Answers(dict(r), s, None)) for i, (r, s) in enumerate(zip(rows, steps))]
    result = evaluate_columns(rulebook, columns_from_answers(items, rulebook))
    assert result.ok.all()
    for i, (traits, row_steps) in enumerate(zip(rows, steps)):
        assert result.row(i) == summarize(evaluate(rulebook, Answers(traits, row_steps)), rulebook), traits


def csv_cell(q, value, rng: random.Random) -> str:
    """How a person or a spreadsheet might write an answer in a CSV cell."""
    if isinstance(value, bool):
        text = rng.choice(["true", "True", "TRUE", "yes"] if value else ["false", "False", "FALSE", "no"])
    else:
        text = str(value)
    return rng.choice(["", " "]) + text + rng.choice(["", " "])


# ---------------------------------------------------------------- the default rulebook
@settings(max_examples=300, **SETTINGS)
@given(rows=st.lists(answer_sets(DEFAULT), min_size=1, max_size=40), steps=st.lists(steps_strategy, max_size=40))
def test_the_batch_equals_the_engine_on_random_answer_sets(rows, steps):
    steps = (steps + [()] * len(rows))[:len(rows)]
    assert_batch_equals_engine(DEFAULT, rows, steps)


@settings(max_examples=100, **SETTINGS)
@given(rows=st.lists(answer_sets(DEFAULT), min_size=1, max_size=30), seed=st.integers(0, 2**32))
def test_the_batch_read_from_csv_text_equals_the_engine(rows, seed):
    rng = random.Random(seed)
    qids = list(DEFAULT.questions)
    rng.shuffle(qids)  # any column order
    lines = [",".join(["workflow", "steps"] + qids)]
    for i, row in enumerate(rows):
        cells = [f"wf {i}", format_steps_cell([Step(service="A", action="B", reaction=i % 2 == 0)])]
        cells += [csv_cell(DEFAULT.questions[q], row[q], rng) if q in row else rng.choice(["", " "]) for q in qids]
        lines.append(",".join(cells))
    columns = read_csv(("\n".join(lines) + "\n").encode(), "random.csv", DEFAULT)
    result = evaluate_columns(DEFAULT, columns)
    assert columns.errors == {}
    for i, row in enumerate(rows):
        expected = summarize(evaluate(DEFAULT, Answers(row, columns.steps[i])), DEFAULT)
        assert result.row(i) == expected, row


def test_twenty_thousand_seeded_random_workflows_in_one_batch_equal_the_engine(rulebook):
    rng = random.Random(20_000)
    rows = []
    for _ in range(20_000):
        row = {}
        for qid, q in rulebook.questions.items():
            if rng.random() < 0.75:
                row[qid] = rng.randint(q.minimum, min(q.maximum, 20)) if q.kind == "integer" \
                    else rng.choice(q.option_values())
        rows.append(row)
    assert_batch_equals_engine(rulebook, rows)


# ---------------------------------------------------------------- random rulebooks
STYLES_TEXT = (RULES / "styles.yaml").read_bytes()
WIDE = 100_000  # wider than the compiler's MAX_TABLE: the engine keeps these rules as closures


@st.composite
def questions(draw):
    count = draw(st.integers(2, 7))
    out = []
    for i in range(count):
        kind = draw(st.sampled_from(["choice", "yes_no", "integer", "integer"]))
        q = {"id": f"q{i}", "section": "s", "text": f"Question {i}?", "help": "Help.", "kind": kind}
        if kind == "choice":
            options = [f"o{j}" for j in range(draw(st.integers(2, 4)))]
            q["options"] = [{"value": o, "label": o.upper()} for o in options]
            q["default"] = draw(st.sampled_from(options))
        elif kind == "yes_no":
            q["default"] = draw(st.booleans())
        else:
            low = draw(st.integers(-5, 5))
            high = low + draw(st.sampled_from([0, 3, 10, WIDE]))
            q["minimum"], q["maximum"] = low, high
            q["default"] = draw(st.integers(low, high))
        out.append(q)
    return out


@st.composite
def condition(draw, qs, depth=0, exclude=None):
    pool = [q for q in qs if q["id"] != exclude]
    shape = draw(st.sampled_from(["test"] * 3 + (["all", "any", "not"] if depth < 3 else [])))
    if shape in ("all", "any"):
        return {shape: [draw(condition(qs, depth + 1, exclude)) for _ in range(draw(st.integers(1, 3)))]}
    if shape == "not":
        return {"not": draw(condition(qs, depth + 1, exclude))}
    q = draw(st.sampled_from(pool))
    if q["kind"] == "choice":
        values = [o["value"] for o in q["options"]]
        op = draw(st.sampled_from(["eq", "ne", "in", "not_in"]))
        value = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)) if "in" in op \
            else draw(st.sampled_from(values))
    elif q["kind"] == "yes_no":
        op, value = draw(st.sampled_from(["eq", "ne"])), draw(st.booleans())
    else:
        op = draw(st.sampled_from(["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"]))
        inside = st.integers(q["minimum"], q["maximum"])
        if "in" in op:
            value = draw(st.lists(inside, min_size=1, max_size=3, unique=True))
        elif op in ("eq", "ne"):
            value = draw(inside)
        else:
            value = draw(st.integers(q["minimum"] - 2, q["maximum"] + 2))
    return {"question": q["id"], "op": op, "value": value}


@st.composite
def rulebooks(draw):
    qs = draw(questions())
    for q in qs:
        if draw(st.integers(0, 3)) == 0:
            q["show_if"] = draw(condition(qs, exclude=q["id"]))
    rules = []
    for i in range(draw(st.integers(1, 25))):
        effect = {s: draw(st.integers(-5, 6)) for s in STYLES}
        if not any(effect.values()):
            effect["hybrid"] = 1
        rules.append({"id": f"r{i}", "when": draw(condition(qs)), "effect": {k: v for k, v in effect.items() if v},
                      "rationale": "Because.", "source": "Test."})
    decision = {"tie_break": draw(st.permutations(list(STYLES))), "confidence_half_lead": draw(st.integers(1, 9))}
    texts = {
        "questions.yaml": {"sections": [{"id": "s", "title": "S"}], "questions": qs},
        "rules.yaml": {"version": "1.0.0", "decision": decision, "rules": rules},
        "scenarios.yaml": {"scenarios": [{"name": "any", "traits": {}, "expect": {"style": "hybrid"}}]},
    }
    raw = {name: yaml.safe_dump(data, sort_keys=False).encode() for name, data in texts.items()}
    raw["styles.yaml"] = STYLES_TEXT
    return build_rulebook(raw, "generated")


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_the_batch_equals_the_engine_for_random_rulebooks(data):
    rulebook = data.draw(rulebooks())
    rows = data.draw(st.lists(answer_sets(rulebook), min_size=1, max_size=25))
    assert_batch_equals_engine(rulebook, rows)


def test_the_generated_rulebooks_reach_the_engines_closure_path():
    """Guard for the test above: wide integer questions really leave rules as closures in the engine."""
    qs = [{"id": "q0", "section": "s", "text": "Q?", "help": "H.", "kind": "integer", "minimum": 0,
           "maximum": WIDE, "default": 5}]
    rules = [{"id": "r0", "when": {"question": "q0", "op": "gt", "value": 7}, "effect": {"hybrid": 1},
              "rationale": "R.", "source": "S."}]
    raw = {"questions.yaml": yaml.safe_dump({"sections": [{"id": "s", "title": "S"}], "questions": qs}).encode(),
           "rules.yaml": yaml.safe_dump({"version": "1.0.0", "rules": rules}).encode(),
           "scenarios.yaml": yaml.safe_dump({"scenarios": [{"name": "a", "traits": {},
                                                            "expect": {"style": "hybrid"}}]}).encode(),
           "styles.yaml": STYLES_TEXT}
    rulebook = build_rulebook(raw, "wide")
    assert len(rulebook.program.closures) == 1
    assert_batch_equals_engine(rulebook, [{"q0": 7}, {"q0": 8}, {"q0": WIDE}, {}])
