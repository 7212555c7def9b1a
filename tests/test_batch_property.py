"""The vectorised batch gives exactly the engine's results: style, runner-up, the core's lean and tie, scores, lead,
confidence (to the last bit), fired rules, every answer as the rules read it (None when unknown), the answers read
from the steps, assumed and not-applicable questions, top drivers and the per-step allocation.

Checked on thousands of random answer sets, which leave any questions unanswered (unknown: no rule reads them as
anything) and list steps with reactions, compensations, teams and bounded contexts (the `from_steps` evidence and
the per-link allocation): with the default rulebook, through both inputs (typed answers and CSV text), and with
randomly generated rulebooks (conditional questions, nested all/any/not, integer questions too wide to tabulate,
questions without a default, `from_steps` on any measure, negative effects, any tie-break, link threshold and
confidence fit).
"""

from __future__ import annotations

import csv
import io
import json
import random

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine.answers import Answers
from advisor.engine.batch import BatchResult, evaluate_columns, summarize
from advisor.engine.batch_evidence import STEP_MEASURES
from advisor.engine.evaluate import evaluate
from advisor.portfolio.reading import columns_from_answers, read_csv
from advisor.portfolio.steps_cell import format_steps_cell
from advisor.rulebook.formats import STYLES, Step
from advisor.rulebook.loading import build_rulebook, load_rulebook
from tests.conftest import RULES

DEFAULT = load_rulebook(RULES)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------- answers
def answer_values(q) -> st.SearchStrategy:
    if q.kind == "integer":
        edges = [q.minimum, q.maximum] + ([q.default] if q.default is not None else [])
        return st.one_of(
            st.sampled_from(edges),
            st.integers(q.minimum, min(q.maximum, q.minimum + 30)),
            st.integers(q.minimum, q.maximum),
        )
    return st.sampled_from(q.option_values())


def answer_sets(rulebook) -> st.SearchStrategy:
    """A dict of some questions' answers: any subset, often none or a few (the others are unknown)."""
    some = st.fixed_dictionaries({}, optional={qid: answer_values(q) for qid, q in rulebook.questions.items()})
    few = st.lists(st.sampled_from(list(rulebook.questions)), max_size=3).flatmap(
        lambda qids: st.fixed_dictionaries({qid: answer_values(rulebook.questions[qid]) for qid in qids})
    )
    return st.one_of(some, few)


TEAMS, CONTEXTS = ["Payments", "Warehouse", "Growth"], ["Billing", "Fulfilment", "Marketing"]
steps_strategy = st.lists(
    st.builds(
        Step,
        service=st.sampled_from(["Payment", "Stock", "Mail"]),
        action=st.sampled_from(["Charge", "Reserve", "Send"]),
        reaction=st.booleans(),
        compensation=st.none() | st.sampled_from(["", "Refund", "Release"]),  # "" is no compensation
        team=st.none() | st.sampled_from(TEAMS),
        context=st.none() | st.sampled_from(CONTEXTS),
    ),
    max_size=10,  # past the step counts the default rules test (8 and more, 3 and fewer)
).map(tuple)


def random_steps(rng: random.Random) -> tuple[Step, ...]:
    """Seeded steps like `steps_strategy`'s, for the large batch."""
    return tuple(
        Step(
            service=rng.choice(["Payment", "Stock", "Mail"]),
            action="Act",
            reaction=rng.random() < 0.3,
            compensation=rng.choice([None, None, "Refund"]),
            team=rng.choice([None, *TEAMS]),
            context=rng.choice([None, None, *CONTEXTS]),
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8, 12]))
    )


def assert_batch_equals_engine(rulebook, rows: list[dict], steps: list[tuple] | None = None) -> BatchResult:
    steps = steps or [()] * len(rows)
    items = [(f"row{i}", Answers(dict(r), s, None)) for i, (r, s) in enumerate(zip(rows, steps))]
    result = evaluate_columns(rulebook, columns_from_answers(items, rulebook))
    assert result.ok.all()
    for i, (traits, row_steps) in enumerate(zip(rows, steps)):
        assert result.row(i) == summarize(evaluate(rulebook, Answers(traits, row_steps)), rulebook), traits
    return result


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
    steps = (steps + [()] * len(rows))[: len(rows)]
    assert_batch_equals_engine(DEFAULT, rows, steps)


@settings(max_examples=100, **SETTINGS)
@given(
    rows=st.lists(st.tuples(answer_sets(DEFAULT), steps_strategy), min_size=1, max_size=30),
    seed=st.integers(0, 2**32),
)
def test_the_batch_read_from_csv_text_equals_the_engine(rows, seed):
    rng = random.Random(seed)
    qids = list(DEFAULT.questions)
    rng.shuffle(qids)  # any column order
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(["workflow", "steps", *qids])
    for i, (row, steps) in enumerate(rows):
        cells = [f"wf {i}", format_steps_cell(steps)]  # compact, or JSON when a step has a team, context, ...
        cells += [csv_cell(DEFAULT.questions[q], row[q], rng) if q in row else rng.choice(["", " "]) for q in qids]
        writer.writerow(cells)
    columns = read_csv(sink.getvalue().encode(), "random.csv", DEFAULT)
    result = evaluate_columns(DEFAULT, columns)
    assert columns.errors == {}
    for i, (row, steps) in enumerate(rows):
        assert columns.steps[i] == steps
        expected = summarize(evaluate(DEFAULT, Answers(row, steps)), DEFAULT)
        assert result.row(i) == expected, row


def test_twenty_thousand_seeded_random_workflows_in_one_batch_equal_the_engine(rulebook):
    rng = random.Random(20_000)
    rows, steps = [], []
    for _ in range(20_000):
        row = {}
        answered = rng.choice([0.1, 0.5, 0.75, 1.0])  # from nearly nothing known to everything
        for qid, q in rulebook.questions.items():
            if rng.random() < answered:
                row[qid] = (
                    rng.randint(q.minimum, min(q.maximum, 20)) if q.kind == "integer" else rng.choice(q.option_values())
                )
        rows.append(row)
        steps.append(random_steps(rng))
    result = assert_batch_equals_engine(rulebook, rows, steps)
    # what the comparison covered: every style, ties, unknown answers, every answer the steps can give, and
    # hybrids whose steps in another bounded context than the core react to events
    assert set(result.style.tolist()) == {0, 1, 2} and result.tie.any() and result.assumed.any(axis=1).all()
    for qid in rulebook.from_steps:
        assert result.derived[result.question_ids.index(qid)].any(), qid
    apart, reactions = (result.columns.counts[STEP_MEASURES.index(m)] for m in ("apart", "reactions"))
    assert ((result.style == STYLES.index("hybrid")) & (apart > reactions)).any()


# ---------------------------------------------------------------- random rulebooks
STYLES_TEXT = (RULES / "styles.yaml").read_bytes()
WIDE = 100_000  # wider than the compiler's DENSE_CELLS: the engine tabulates its rules by interval


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
        if draw(st.booleans()):
            del q["default"]  # optional: only what the form suggests
        if kind != "choice" and draw(st.integers(0, 2)) == 0:
            measure = draw(st.sampled_from(["steps", "reactions", "compensations", "teams", "contexts"]))
            q["from_steps"] = {"measure": measure, "at_least": draw(st.integers(1, 4))}
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
        value = (
            draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
            if "in" in op
            else draw(st.sampled_from(values))
        )
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
        rules.append(
            {
                "id": f"r{i}",
                "when": draw(condition(qs)),
                "effect": {k: v for k, v in effect.items() if v},
                "rationale": "Because.",
                "source": "Test.",
            }
        )
    core = draw(st.permutations(["orchestration", "choreography"]))
    decision = {
        "tie_break": draw(st.sampled_from([core, [*core, "hybrid"], ["hybrid", *core], [core[0], "hybrid", core[1]]])),
        "hybrid_links": draw(st.integers(1, 8)),
        "confidence": {
            "bias": draw(st.floats(-3, 3, allow_nan=False)),
            "per_point": draw(st.floats(-1, 1, allow_nan=False)),
            "per_answer": draw(st.floats(-5, 5, allow_nan=False)),
        },
    }
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
    steps = data.draw(st.lists(steps_strategy, min_size=len(rows), max_size=len(rows)))
    assert_batch_equals_engine(rulebook, rows, steps)


def test_the_generated_rulebooks_reach_the_engines_interval_and_closure_paths():
    """Guard for the test above: a wide integer question is tabulated by interval in the engine, and a condition
    whose normal form is too large stays a closure; the batch gives the same results on both."""
    integer = {"section": "s", "text": "Q?", "help": "H.", "kind": "integer", "minimum": 0, "maximum": WIDE}
    qs = [{"id": "q0", **integer, "default": 5}, {"id": "q1", **integer}]
    tests = [{"question": q, "op": "gt", "value": v} for q in ("q0", "q1") for v in (3, 7, 11)]
    below = {"question": "q0", "op": "lt", "value": 9}
    wide_any = {"any": [{"all": tests[:5]}, {"all": tests[1:]}, {"all": [below, *tests[2:]]}]}  # 5 x 5 x 5 clauses
    rules = [
        {"id": "r0", "when": {"question": "q0", "op": "gt", "value": 7}, "effect": {"hybrid": 1}},
        {"id": "r1", "when": wide_any, "effect": {"orchestration": 2}},
    ]
    raw = {
        "questions.yaml": yaml.safe_dump({"sections": [{"id": "s", "title": "S"}], "questions": qs}).encode(),
        "rules.yaml": json.dumps(  # Why JSON: yaml.safe_dump writes the repeated parts as anchors, refused
            {"version": "1.0.0", "rules": [r | {"rationale": "R.", "source": "S."} for r in rules]}
        ).encode(),
        "scenarios.yaml": yaml.safe_dump(
            {"scenarios": [{"name": "a", "traits": {}, "expect": {"style": "hybrid"}}]}
        ).encode(),
        "styles.yaml": STYLES_TEXT,
    }
    rulebook = build_rulebook(raw, "wide")
    assert [t.question for t in rulebook.program.ranges] == ["q0"]
    assert [c.rule_id for c in rulebook.program.closures] == ["r1"]
    rows = [{"q0": v, "q1": w} for v in (0, 7, 8, 9, 12, WIDE) for w in (3, 4, 8, 12)] + [{"q0": 8}, {"q1": 12}, {}]
    assert_batch_equals_engine(rulebook, rows)
