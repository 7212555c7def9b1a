"""Our engine against a real peer, in the same run, on the same rulebook and the same answers: GoRules' zen-engine.

zen runs the rulebook two ways: as the JDM decision graph of `advisor rules export --format jdm` (its complete
model: evidence from the steps, visibility, decision table, scores, lean, style, confidence) and as one compiled
expression that computes the three scores (its fastest path; given the resolved answers, evidence and visibility
already applied, which favours zen). Batches: our numpy evaluation (`advisor.engine.batch`) against zen's
`evaluate_batch` of the graph.

Every figure is a per-answer-set time over the same seeded random answers files (`bench.samples.answer_files`:
any share of the questions unanswered, and listed steps the model reads as evidence), and each run first checks
that zen and our engine agree on every one of them: a speed-up of a wrong answer would mean nothing.
"""

from __future__ import annotations

import importlib.util
import statistics
import time

from advisor.engine.answers import Answers, to_dict
from bench.samples import answer_files, steady
from bench.timing import Measurement

SECTION = "peer: zen-engine"
SINGLE_SETS = 200
OUR_BATCH_ROWS = 20_000
ZEN_BATCH_ROWS = 1_000


def available() -> str | None:
    """Why the peer cannot run here, or None."""
    if importlib.util.find_spec("zen") is None:
        return "zen-engine not installed (pip install -e .[bench])"
    return None


def _loop(fn, items):
    def run():
        for item in items:
            fn(item)

    return run


def _agreement(rulebook, decision, sets: list[Answers]) -> int:
    """On how many answers files zen's graph gives our style, runner-up, scores, fired rules and confidence (the
    confidence exactly: both round to 3 places, see tests/test_peer_zen.py)."""
    from advisor.engine.evaluate import evaluate

    agree = 0
    for answers in sets:
        ev = evaluate(rulebook, answers)
        got = decision.evaluate(to_dict(answers))["result"]
        same = (
            ev.style == got["style"]
            and ev.runner_up == got["runnerUp"]
            and [r.rule_id for r in ev.fired] == got["fired"]
            and all(ev.scores[s] == got["scores"][s] for s in ev.scores)
            and ev.confidence == got["confidence"]
        )
        agree += same
    return agree


def single_figures(rulebook, repeat: int = 7) -> tuple[list[Measurement], dict[str, float]]:
    """Per-call times of our engine and of zen's two modes, over the same answer sets."""
    import zen

    from advisor.authoring import jdm
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook import scoring

    sets = answer_files(rulebook, SINGLE_SETS)
    resolved = [evaluate(rulebook, a).answers for a in sets]
    content = jdm.export_json(rulebook)
    decision = zen.ZenEngine().create_decision(content)
    expression = zen.compile_expression(jdm.scores_expression(rulebook))
    agree = _agreement(rulebook, decision, sets)
    contexts = [to_dict(a) for a in sets]

    def full_trace(answers):
        return tuple(evaluate(rulebook, answers).trace)

    def with_allocation(answers):
        ev = evaluate(rulebook, answers)
        return ev.trace, ev.allocation

    cases = [
        (
            "ours: evaluate() + full trace",
            _loop(full_trace, sets),
            "every RuleResult materialised (the steps' allocation is decided when first read: next line)",
        ),
        (
            WITH_ALLOCATION,
            _loop(with_allocation, sets),
            "for information: what a view that draws the steps pays",
        ),
        (
            "ours: evaluate() + full trace, the same answers without steps",
            _loop(full_trace, [Answers(a.traits) for a in sets]),
            "for information: what the listed steps cost (evidence read from them, the per-step allocation)",
        ),
        (
            "ours: the generated scorer alone (points + full trace)",
            _loop(scoring.generated(rulebook.program), resolved),
            "the rulebook's generated scorer over the resolved answers: what zen's compiled expression is given",
        ),
        (
            "zen: compiled expression (scores only)",
            _loop(expression.evaluate, resolved),
            "zen.compile_expression, no trace, evidence and visibility pre-applied",
        ),
        ("zen: decision graph (JDM)", _loop(decision.evaluate, contexts), "create_decision(...).evaluate"),
        (
            "zen: decision graph with trace",
            _loop(lambda c: decision.evaluate(c, {"trace": True}), contexts),
            "evaluate(ctx, {'trace': True})",
        ),
    ]
    # Why taking turns: on a loaded machine the load shifts within seconds; timing each case's loops in turn
    # exposes every case to the same load, so the ratios (per turn, see `measurements`) compare like with like
    for _, fn, _ in cases:
        fn()  # warm up
    samples: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(repeat):
        for name, fn, _ in cases:
            number = 1 if "graph" in name else 5
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number / len(sets) * 1e6)
    out, times = [], {}
    for name, _, note in cases:
        xs = samples[name]
        times[name] = statistics.median(xs)
        out.append(Measurement(SECTION, name, times[name], min(xs), max(xs), "µs", note))
    TURNS.update(samples)
    out[0].extra["agreement"] = f"{agree}/{len(sets)}"
    out[0].note += f"; zen agrees on {agree}/{len(sets)} answer sets"
    return out, times


def batch_figures(rulebook, repeat: int = 7) -> tuple[list[Measurement], dict[str, float]]:
    """Per-row times of our batch evaluation and zen's `evaluate_batch`, the three taking turns (see
    `single_figures`: each turn exposes all of them to the same load, and the ratios are per turn)."""
    import zen

    from advisor.authoring import jdm

    # Why the static loader: a Python callback loader is called back per request, several times slower;
    # the static one is zen's fastest batch path, and the peer should be measured at its best
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"advisor": jdm.export(rulebook)}}})
    zen_rows = [{"key": "advisor", "context": to_dict(a)} for a in answer_files(rulebook, ZEN_BATCH_ROWS, 3)]
    cases = [
        (
            ZEN_BATCH,
            lambda: engine.evaluate_batch(zen_rows),
            ZEN_BATCH_ROWS,
            f"{ZEN_BATCH_ROWS:,} rows per call",
        )
    ]
    if (
        importlib.util.find_spec("advisor.engine.batch") is not None
        and importlib.util.find_spec("advisor.portfolio.reading") is not None
    ):
        from advisor.engine.batch import evaluate_columns
        from advisor.portfolio.reading import columns_from_answers

        items = [(f"row{i}", a) for i, a in enumerate(answer_files(rulebook, OUR_BATCH_ROWS, 3))]
        columns = columns_from_answers(items, rulebook)
        cases += [
            (
                FROM_ANSWERS,
                lambda: evaluate_columns(rulebook, columns_from_answers(items, rulebook)),
                OUR_BATCH_ROWS,
                f"{OUR_BATCH_ROWS:,} rows per call; advisor.portfolio.reading.columns_from_answers + "
                "advisor.engine.batch.evaluate_columns",
            ),
            (
                READY_COLUMNS,
                lambda: evaluate_columns(rulebook, columns),
                OUR_BATCH_ROWS,
                f"{OUR_BATCH_ROWS:,} rows per call; advisor.engine.batch.evaluate_columns",
            ),
        ]
    for _, fn, _, _ in cases:
        fn()  # warm up
    samples: dict[str, list[float]] = {name: [] for name, _, _, _ in cases}
    for _ in range(repeat):
        for name, fn, rows, _ in cases:
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) / rows * 1e6)
    TURNS.update(samples)
    out, times = [], {}
    for name, _, _, note in cases:
        xs = samples[name]
        median = times["zen batch" if name == ZEN_BATCH else name] = statistics.median(xs)
        out.append(Measurement(SECTION, name, median, min(xs), max(xs), "µs", note))
    if len(cases) == 1:
        out.append(
            Measurement(SECTION, "ours: batch", float("nan"), float("nan"), float("nan"), "µs", "not available yet")
        )
    return out, times


WITH_ALLOCATION = "ours: evaluate() + full trace + the allocation read"
ZEN_BATCH = "zen: evaluate_batch of the graph, per row"
FROM_ANSWERS = "ours: batch from answers (columns + evaluate), per row"
READY_COLUMNS = "ours: batch over ready columns, per row"


TURNS: dict[str, list[float]] = {}  # per-turn samples of the single and batch figures, for the ratios' ranges


def _ratio(name: str, slow: float, fast: float, aim: float | None, note: str, turns=None) -> Measurement:
    """slow / fast (medians); the range is that of the per-turn ratios when the two took turns."""
    value = slow / fast
    lo = hi = value
    if turns:
        per_turn = sorted(a / b for a, b in zip(*turns, strict=True))
        lo, hi = per_turn[0], per_turn[-1]
        value = statistics.median(per_turn)
    verdict = "" if aim is None else f"aim >= {aim:g}x: {'met' if value >= aim else 'NOT met'}"
    return Measurement("ratios (same run)", name, value, lo, hi, "x", "; ".join(x for x in (note, verdict) if x))


def measurements() -> list[Measurement]:
    """The peer section: per-call figures, batch figures and the ratios between them."""
    from advisor.rulebook.loading import load_rulebook

    rulebook = steady(load_rulebook())
    single, t = single_figures(rulebook)
    batch, b = batch_figures(rulebook)
    ours_full = t["ours: evaluate() + full trace"]
    ratios = [
        _ratio(
            "zen compiled expression / ours with full trace",
            t["zen: compiled expression (scores only)"],
            ours_full,
            1,
            "above 1: ours is faster; median and range of per-turn ratios",
            (TURNS["zen: compiled expression (scores only)"], TURNS["ours: evaluate() + full trace"]),
        ),
        _ratio(
            "zen decision graph / ours with full trace",
            t["zen: decision graph (JDM)"],
            ours_full,
            50,
            "median and range of per-turn ratios",
            (TURNS["zen: decision graph (JDM)"], TURNS["ours: evaluate() + full trace"]),
        ),
        _ratio(
            "zen compiled expression / ours with full trace and the allocation read",
            t["zen: compiled expression (scores only)"],
            t[WITH_ALLOCATION],
            None,
            "for information: the steps' modes too, which zen's expression does not compute",
            (TURNS["zen: compiled expression (scores only)"], TURNS[WITH_ALLOCATION]),
        ),
        _ratio(
            "zen compiled expression / our scorer alone (like for like)",
            t["zen: compiled expression (scores only)"],
            t["ours: the generated scorer alone (points + full trace)"],
            None,
            "for information: both from resolved answers; the aim is on evaluate() above",
            (
                TURNS["zen: compiled expression (scores only)"],
                TURNS["ours: the generated scorer alone (points + full trace)"],
            ),
        ),
    ]
    for key, label in ((FROM_ANSWERS, "from answers"), (READY_COLUMNS, "over ready columns")):
        if key in b:
            ratios.append(
                _ratio(
                    f"zen evaluate_batch / our batch {label}",
                    b["zen batch"],
                    b[key],
                    30,
                    "median and range of per-turn ratios",
                    (TURNS[ZEN_BATCH], TURNS[key]),
                )
            )
    return single + batch + ratios
