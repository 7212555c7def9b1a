"""A rulebook as a GoRules JDM decision graph (JSON Decision Model), for zen-engine and GoRules' editors.

The graph reads an answers file given as JSON (`{"traits": {question id: value}, "steps": [...]}`, already valid:
`advisor.engine.answers.to_dict`) and computes what `advisor.engine.evaluate.evaluate` computes, step by step,
each step a node a GoRules user can open and edit:

    Answers file -> Evidence -> Applicable answers -> Scoring rules (decision table) -> Recommendation -> output

- Evidence: every question's answer, or what the listed steps say for a question left unanswered (`from_steps`:
  the number of steps, of reactions, of compensations, of distinct teams and of distinct contexts the steps name;
  an integer question takes the count within its bounds, a yes/no question is yes when the count reaches
  `at_least`), else null: unknown. No default is filled in.
- Applicable answers: a question whose `show_if` does not surely hold is not applicable (null as well); the
  applicable questions still unknown are "assumed".
- Scoring rules: one row per rule, one column per question it reads (a condition that is not a plain `all` of
  tests goes in a last column as a whole expression); hit policy "collect" returns every rule that fired.
- Recommendation: the three scores, the core's lean (a tie goes to the first core style of `decision.tie_break`),
  the style (an orchestrated core with at least `decision.hybrid_links` hybrid points is a hybrid), the runner-up,
  the lead, the answered share and the confidence (`advisor.engine.evaluate.confidence`), the rules that fired,
  the assumptions, the answers read from the steps, the rulebook's version.

Unknown answers follow the engine's three-valued (Kleene) logic: every test on a null answer is false, and so is
its negation (how: `advisor.authoring.zen_text`, which writes the conditions and the confidence as zen text). Every
measure of `from_steps` is a zen expression (the distinct teams and contexts with `contains` over the earlier
steps, since zen has no `unique`), so the parity test (tests/test_peer_zen.py) is not restricted: it runs random
answers files with random steps and any share of the questions unanswered, and compares every output exactly.

Not exported: the per-step allocation (`allocate`: a list built per step, for the diagram and the report).
`scores_expression()` gives the same scoring as a single zen expression (zen's fastest path, used by bench/).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from advisor.authoring.zen_text import (
    cell,
    check_exportable,
    columns,
    confidence_expression,
    expression,
    field,
    literal,
    logodds_expression,
    share_expression,
)
from advisor.rulebook.formats import STEP_MEASURES, STYLES
from advisor.rulebook.loading import Rulebook

CONTENT_TYPE = "application/vnd.gorules.decision"
_X = 280  # horizontal distance between nodes in the editor


# ---------------------------------------------------------------- the graph
def _expressions(node_id: str, pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": f"{node_id}.{i}", "key": key, "value": value} for i, (key, value) in enumerate(pairs)]


def _node(node_id: str, kind: str, name: str, column: int, content: dict | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": name, "position": {"x": column * _X, "y": 100}}
    if content is not None:
        node["content"] = content
    return node


def _given(qid: str) -> str:
    """How the evidence node reads the answer given to `qid` (the answers file's `traits` keys are flat)."""
    return f"traits.{qid}" if "." not in qid else f"traits[{literal(qid)}]"


# The names the graph adds next to the answers (`stepList`, `stepNames.*`, `stepCount.*`, `fromSteps.*`) are
# camelCase, which no question id can be, so they never clash with an answer
_LISTED = "$.stepList"
_NAMED = {"teams": "team", "contexts": "context"}


def _measure(measure: str) -> list[tuple[str, str]]:
    """The evidence node's expressions that count `measure` (`FromSteps.measure`) over the listed steps, into
    `stepCount.<measure>`. A distinct count keeps each name where no earlier step names it (zen has no `unique`)."""
    if measure == "steps":
        return [("stepCount.steps", f"len({_LISTED})")]
    if measure == "reactions":
        return [("stepCount.reactions", f"count({_LISTED}, #.reaction == true)")]
    if measure == "compensations":
        # an empty compensation is none, as in the engine (`if step.compensation`)
        return [("stepCount.compensations", f"count({_LISTED}, #.compensation != null and #.compensation != '')")]
    names = f"$.stepNames.{measure}"
    first = f"{names}[#] != null and (# == 0 or not contains({names}[0:# - 1], {names}[#]))"
    return [
        (f"stepNames.{measure}", f"map({_LISTED}, #.{_NAMED[measure]})"),
        (f"stepCount.{measure}", f"count([0..len({_LISTED}) - 1], {first})"),
    ]


def _from_steps(rulebook: Rulebook, qid: str) -> str:
    """What the listed steps answer to `qid` when it was left unanswered (`evidence_from_steps`), else null."""
    source = rulebook.from_steps[qid]
    q = rulebook.questions[qid]
    count = f"$.stepCount.{source.measure}"
    known = [f"{_given(qid)} == null", f"len({_LISTED}) > 0"]
    if source.measure in _NAMED:
        known.append(f"{count} > 0")  # no step names one: no evidence
    if q.kind == "integer":
        value = f"min([max([{count}, {q.minimum}]), {q.maximum}])"
    else:
        known.append(f"{count} >= {source.at_least}")
        value = "true"
    return f"{' and '.join(known)} ? {value} : null"


def _evidence_node(rulebook: Rulebook) -> dict[str, Any]:
    """Every question's answer: as given, else read from the listed steps, else null (unknown)."""
    pairs: list[tuple[str, str]] = []
    if rulebook.from_steps:
        pairs.append(("stepList", "steps ?? []"))
        measures = {source.measure for source in rulebook.from_steps.values()}
        for measure in STEP_MEASURES:
            if measure in measures:
                pairs += _measure(measure)
        pairs += [(f"fromSteps.{qid}", _from_steps(rulebook, qid)) for qid in rulebook.from_steps]
    for qid in rulebook.questions:
        derived = f" ?? $.fromSteps.{qid}" if qid in rulebook.from_steps else ""
        pairs.append((qid, f"{_given(qid)}{derived}"))
    return _node("evidence", "expressionNode", "Evidence", 1, {"expressions": _expressions("evidence", pairs)})


def _applicable_node(rulebook: Rulebook) -> dict[str, Any]:
    """A question whose `show_if` does not surely hold is not applicable: null, and not counted as assumed. Every
    `show_if` reads the evidence before any is hidden, as in the engine; the other answers pass through."""
    pairs, hidden, assumed = [], [], []
    for qid, q in rulebook.questions.items():
        ref = field(qid)
        if q.show_if is None:
            assumed.append(f"{ref} == null ? {literal(qid)} : null")
            continue
        shown = expression(q.show_if)
        pairs.append((qid, f"({shown}) ? {ref} : null"))
        if qid in rulebook.from_steps:
            pairs.append((f"fromSteps.{qid}", f"({shown}) ? fromSteps.{qid} : null"))
        hidden.append(f"({shown}) ? null : {literal(qid)}")
        assumed.append(f"{ref} == null and ({shown}) ? {literal(qid)} : null")
    pairs.append(("notApplicable", f"filter([{', '.join(hidden)}], # != null)" if hidden else "[]"))
    pairs.append(("assumedAnswers", f"filter([{', '.join(assumed)}], # != null)"))
    pairs.append(("visibleCount", f"{len(rulebook.questions)} - len($.notApplicable)"))
    content = {"expressions": _expressions("applicable", pairs), "passThrough": True}
    return _node("applicable", "expressionNode", "Applicable answers", 2, content)


def _rules_node(rulebook: Rulebook) -> dict[str, Any]:
    cells = [columns(rule.when) for rule in rulebook.rules]
    used = {qid for c in cells if c for qid in c}
    inputs = [
        {"id": f"in.{qid}", "name": qid, "field": field(qid), "type": "expression"}
        for qid in rulebook.questions
        if qid in used
    ]
    if any(c is None for c in cells):
        inputs.append({"id": "in.condition", "name": "other condition", "type": "expression"})
    outputs = [{"id": f"out.{name}", "name": name, "field": name, "type": "expression"} for name in ("rule",) + STYLES]
    rows = []
    for rule, tests in zip(rulebook.rules, cells):
        row: dict[str, str] = {"_id": f"rule.{rule.id}", "_description": rule.rationale}
        for column in inputs:
            qid = column["name"]
            if column["id"] == "in.condition":
                row[column["id"]] = expression(rule.when) if tests is None else ""
            else:
                row[column["id"]] = cell(tests[qid]) if tests and qid in tests else ""
        row["out.rule"] = literal(rule.id)
        for style in STYLES:
            row[f"out.{style}"] = str(getattr(rule.effect, style))
        rows.append(row)
    return _node(
        "rules",
        "decisionTableNode",
        "Scoring rules",
        3,
        {
            "hitPolicy": "collect",
            "inputs": inputs,
            "outputs": outputs,
            "rules": rows,
            "outputPath": "firedRules",
            "passThrough": True,
        },
    )


def _recommendation_node(rulebook: Rulebook) -> dict[str, Any]:
    o, c, h = (f"$.scores.{s}" for s in STYLES)
    decision = rulebook.decision
    pairs = [(f"scores.{s}", f"sum(map(firedRules, #.{s}))") for s in STYLES]
    pairs += [
        # what the core needs: the larger of the core's points, a tie to the first core style of the tie-break
        (
            "lean",
            f"{o} > {c} ? 'orchestration' : ({c} > {o} ? 'choreography' : {literal(decision.first_core_style)})",
        ),
        ("tie", f"{o} == {c}"),
        # an orchestrated core with enough link points is a hybrid, decided per step
        ("style", f"$.lean == 'orchestration' and {h} >= {decision.hybrid_links} ? 'hybrid' : $.lean"),
        # a hybrid's runner-up is plain orchestration; otherwise the other core style
        ("runnerUp", "$.style == 'hybrid' or $.lean == 'choreography' ? 'orchestration' : 'choreography'"),
        ("lead", f"abs({o} - {c})"),
        ("answeredShare", share_expression("visibleCount", "len(assumedAnswers)")),
        ("logOdds", logodds_expression(rulebook, "$.lead", "$.answeredShare")),
        ("confidence", confidence_expression("$.logOdds")),
        ("fired", "map(firedRules, #.rule)"),
        ("assumed", "assumedAnswers"),
        ("notApplicable", "notApplicable"),
    ]
    pairs += [(f"fromSteps.{qid}", f"fromSteps.{qid}") for qid in rulebook.from_steps]
    pairs += [("rulebook.version", literal(rulebook.version)), ("rulebook.hash", literal(rulebook.hash))]
    return _node(
        "recommendation", "expressionNode", "Recommendation", 4, {"expressions": _expressions("recommendation", pairs)}
    )


def export(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook as a JDM decision graph (a JSON-ready dict). Deterministic: ids are derived, not random."""
    check_exportable(rulebook)
    nodes = [
        _node("answers", "inputNode", "Answers file", 0),
        _evidence_node(rulebook),
        _applicable_node(rulebook),
        _rules_node(rulebook),
        _recommendation_node(rulebook),
        _node("output", "outputNode", "Recommendation", 5),
    ]
    edges = [
        {"id": f"{a['id']}->{b['id']}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
        for a, b in itertools.pairwise(nodes)
    ]
    return {"contentType": CONTENT_TYPE, "nodes": nodes, "edges": edges}


def export_json(rulebook: Rulebook) -> str:
    """`export()` as JSON text, the content of a `.json` file GoRules' editor opens."""
    return json.dumps(export(rulebook), indent=2, ensure_ascii=False) + "\n"


def scores_expression(rulebook: Rulebook) -> str:
    """One zen expression computing `[orchestration, choreography, hybrid]` from resolved answers
    (`Evaluation.answers`: every question, null where unknown or not applicable): the rules as zen's
    compiled-expression fast path sees them."""
    check_exportable(rulebook)
    sums = []
    for style in STYLES:
        terms = [
            f"(({expression(r.when)}) ? {getattr(r.effect, style)} : 0)"
            for r in rulebook.rules
            if getattr(r.effect, style)
        ]
        sums.append(" + ".join(terms) or "0")
    return "[" + ", ".join(sums) + "]"
