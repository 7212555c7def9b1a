"""A rulebook as a GoRules JDM decision graph (JSON Decision Model), for zen-engine and GoRules' editors.

The graph reads an answers file given as JSON (`{"traits": {question id: value}}`, already valid) and computes
what `advisor recommend` computes, step by step, each step a node a GoRules user can open and edit:

    Answers file -> Defaults -> Applicable answers -> Scoring rules (decision table) -> Recommendation -> output

- Defaults: every question's answer, the default where none was given, and which ones were given.
- Applicable answers: a question whose `show_if` does not hold takes its default and is "not applicable";
  the answers left unanswered among those that apply are "assumed".
- Scoring rules: one row per rule, one column per question it reads (a condition that is not a plain `all` of
  tests goes in a last column as a whole expression); hit policy "collect" returns every rule that fired.
- Recommendation: the three scores, the style (ties go to `decision.tie_break`), the runner-up, the lead and the
  confidence (the formula of `advisor.engine.evaluate.confidence`), the rules that fired, the assumptions, the rulebook's version.

Not exported: the per-step allocation (it depends on the steps of one workflow, not on the rules).
`scores_expression()` gives the same scoring as a single zen expression (zen's fastest path, used by bench/).
"""
from __future__ import annotations

import json
import re
from typing import Any

from advisor.errors import Problem, UserError
from advisor.rulebook.conditions import bracketed, fold
from advisor.rulebook.formats import STYLES, Condition, Test
from advisor.rulebook.loading import Rulebook

CONTENT_TYPE = "application/vnd.gorules.decision"
# Why: zen's expression language reads these as keywords, so a question (or part of one) named so cannot be
# written as a field; the export refuses such a rulebook with a clear message rather than produce a broken graph.
_RESERVED = frozenset({"true", "false", "null", "and", "or", "not", "in"})
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_UNARY = {"ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_BINARY = {"eq": "==", **_UNARY}
_X = 280  # horizontal distance between nodes in the editor


# ---------------------------------------------------------------- expression text
def literal(value: Any) -> str:
    """A value as a zen expression literal. Why the quoting dance: zen strings have no escape sequences."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "(" + ' + "\'" + '.join(f"'{part}'" for part in value.split("'")) + ")"


def field(qid: str) -> str:
    """How an expression names the answer to `qid` (dotted ids are nested paths in zen)."""
    return qid


def expression(cond: Condition) -> str:
    """A condition as a zen boolean expression over the answers."""
    return fold(cond, _test_expression, lambda node, texts: " and ".join(bracketed(node.all, texts)),
                lambda node, texts: " or ".join(bracketed(node.any, texts)), lambda _, inner: f"not ({inner})")


def _test_expression(t: Test) -> str:
    ref = field(t.question)
    if t.op in ("in", "not_in"):
        listed = f"{ref} in [{', '.join(literal(v) for v in t.value)}]"
        return listed if t.op == "in" else f"not ({listed})"
    return f"{ref} {_BINARY[t.op]} {literal(t.value)}"


def _unary(tests: list[Test]) -> str:
    """A decision-table cell: the tests on one question as a zen unary expression (`$` is the answer)."""
    if len(tests) == 1:
        t = tests[0]
        simple = all(literal(v)[0] != "(" for v in (t.value if isinstance(t.value, list) else [t.value]))
        if t.op == "eq" and simple:
            return literal(t.value)
        if t.op == "in" and simple:
            return ", ".join(literal(v) for v in t.value)
        if t.op in _UNARY:
            return f"{_UNARY[t.op]} {literal(t.value)}"
    return " and ".join(expression(Test.model_construct(question="$", op=t.op, value=t.value)) for t in tests)


def _columns(cond: Condition) -> dict[str, list[Test]] | None:
    """The tests of a condition grouped by question when it is a plain `all` of tests, else None."""
    return fold(cond, lambda t: {t.question: [t]}, lambda _, parts: _merged(parts), lambda _, parts: None,
                lambda _, inner: None)


def _merged(parts: list[dict[str, list[Test]] | None]) -> dict[str, list[Test]] | None:
    if any(part is None for part in parts):
        return None
    out: dict[str, list[Test]] = {}
    for part in parts:
        for qid, tests in part.items():  # type: ignore[union-attr]
            out.setdefault(qid, []).extend(tests)
    return out


def check_exportable(rulebook: Rulebook) -> None:
    """Refuse question ids that zen cannot name as a field, with the place of each one."""
    doc = rulebook.documents["questions.yaml"]
    ids = list(rulebook.questions)
    problems = []
    for i, qid in enumerate(ids):
        parts = qid.split(".")
        bad = [p for p in parts if p in _RESERVED or not _IDENTIFIER.match(p)]
        if bad:
            problems.append(doc.problem(("questions", i, "id"), f"question id '{qid}' cannot be a field in a "
                                        f"GoRules expression ('{bad[0]}' is a keyword or not a name); rename it "
                                        "to export as JDM"))
        clash = next((o for o in ids if o.startswith(qid + ".")), None)
        if clash:
            problems.append(doc.problem(("questions", i, "id"), f"question ids '{qid}' and '{clash}' would be the "
                                        "same field in a GoRules graph; rename one to export as JDM"))
    if problems:
        raise UserError(problems)


# ---------------------------------------------------------------- the graph
def _expressions(node_id: str, pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": f"{node_id}.{i}", "key": key, "value": value} for i, (key, value) in enumerate(pairs)]


def _node(node_id: str, kind: str, name: str, column: int, content: dict | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": name, "position": {"x": column * _X, "y": 100}}
    if content is not None:
        node["content"] = content
    return node


def _defaults_node(rulebook: Rulebook) -> dict[str, Any]:
    pairs = []
    for qid, q in rulebook.questions.items():
        raw = f"traits.{qid}" if "." not in qid else f"traits[{literal(qid)}]"
        pairs.append((qid, f"{raw} ?? {literal(q.default)}"))
        pairs.append((f"isGiven.{qid}", f"{raw} != null"))
    return _node("defaults", "expressionNode", "Defaults", 1, {"expressions": _expressions("defaults", pairs)})


def _applicable_node(rulebook: Rulebook) -> dict[str, Any]:
    pairs, hidden, assumed = [], [], []
    for qid, q in rulebook.questions.items():
        if q.show_if is None:
            pairs.append((qid, field(qid)))
            assumed.append(f"isGiven.{qid} ? null : {literal(qid)}")
        else:
            shown = expression(q.show_if)
            pairs.append((qid, f"({shown}) ? {field(qid)} : {literal(q.default)}"))
            hidden.append(f"({shown}) ? null : {literal(qid)}")
            assumed.append(f"isGiven.{qid} or not ({shown}) ? null : {literal(qid)}")
    pairs.append(("notApplicable", f"filter([{', '.join(hidden)}], # != null)" if hidden else "[]"))
    pairs.append(("assumedAnswers", f"filter([{', '.join(assumed)}], # != null)"))
    pairs.append(("visibleCount", f"{len(rulebook.questions)} - len($.notApplicable)"))
    return _node("applicable", "expressionNode", "Applicable answers", 2,
                 {"expressions": _expressions("applicable", pairs)})


def _rules_node(rulebook: Rulebook) -> dict[str, Any]:
    cells = [_columns(rule.when) for rule in rulebook.rules]
    used = {qid for c in cells if c for qid in c}
    inputs = [{"id": f"in.{qid}", "name": qid, "field": field(qid), "type": "expression"}
              for qid in rulebook.questions if qid in used]
    if any(c is None for c in cells):
        inputs.append({"id": "in.condition", "name": "other condition", "type": "expression"})
    outputs = [{"id": f"out.{name}", "name": name, "field": name, "type": "expression"}
               for name in ("rule",) + STYLES]
    rows = []
    for rule, columns in zip(rulebook.rules, cells):
        row: dict[str, str] = {"_id": f"rule.{rule.id}", "_description": rule.rationale}
        for column in inputs:
            qid = column["name"]
            if column["id"] == "in.condition":
                row[column["id"]] = expression(rule.when) if columns is None else ""
            else:
                row[column["id"]] = _unary(columns[qid]) if columns and qid in columns else ""
        row["out.rule"] = literal(rule.id)
        for style in STYLES:
            row[f"out.{style}"] = str(getattr(rule.effect, style))
        rows.append(row)
    return _node("rules", "decisionTableNode", "Scoring rules", 3, {
        "hitPolicy": "collect", "inputs": inputs, "outputs": outputs, "rules": rows,
        "outputPath": "firedRules", "passThrough": True})


def _recommendation_node(rulebook: Rulebook) -> dict[str, Any]:
    score = {s: f"$.scores.{s}" for s in STYLES}
    a, b, c = rulebook.decision.tie_break
    style = (f"{score[a]} >= {score[b]} and {score[a]} >= {score[c]} ? {literal(a)} : "
             f"({score[b]} >= {score[c]} ? {literal(b)} : {literal(c)})")
    runner_up = (f"$.style == {literal(a)} ? ({score[b]} >= {score[c]} ? {literal(b)} : {literal(c)}) : "
                 f"($.style == {literal(b)} ? ({score[a]} >= {score[c]} ? {literal(a)} : {literal(c)}) : "
                 f"({score[a]} >= {score[b]} ? {literal(a)} : {literal(b)}))")
    listed = ", ".join(score.values())
    half = rulebook.decision.confidence_half_lead
    pairs = [(f"scores.{s}", f"sum(map(firedRules, #.{s}))") for s in STYLES]
    pairs += [
        ("style", style),
        ("runnerUp", runner_up),
        # the winner's margin over the runner-up: 2 * max + min - sum of the three
        ("lead", f"2 * max([{listed}]) + min([{listed}]) - ({' + '.join(score.values())})"),
        ("confidence", f"$.lead > 0 and visibleCount > 0 ? round($.lead / ($.lead + {half}) * "
                       f"(1 - len(assumedAnswers) / visibleCount), 3) : 0"),
        ("fired", "map(firedRules, #.rule)"),
        ("assumed", "assumedAnswers"),
        ("notApplicable", "notApplicable"),
        ("rulebook.version", literal(rulebook.version)),
        ("rulebook.hash", literal(rulebook.hash)),
    ]
    return _node("recommendation", "expressionNode", "Recommendation", 4,
                 {"expressions": _expressions("recommendation", pairs)})


def export(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook as a JDM decision graph (a JSON-ready dict). Deterministic: ids are derived, not random."""
    check_exportable(rulebook)
    nodes = [
        _node("answers", "inputNode", "Answers file", 0),
        _defaults_node(rulebook),
        _applicable_node(rulebook),
        _rules_node(rulebook),
        _recommendation_node(rulebook),
        _node("output", "outputNode", "Recommendation", 5),
    ]
    edges = [{"id": f"{a['id']}->{b['id']}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
             for a, b in zip(nodes, nodes[1:])]
    return {"contentType": CONTENT_TYPE, "nodes": nodes, "edges": edges}


def export_json(rulebook: Rulebook) -> str:
    """`export()` as JSON text, the content of a `.json` file GoRules' editor opens."""
    return json.dumps(export(rulebook), indent=2, ensure_ascii=False) + "\n"


def scores_expression(rulebook: Rulebook) -> str:
    """One zen expression computing `[orchestration, choreography, hybrid]` from complete answers (defaults and
    visibility already applied): the rules as zen's compiled-expression fast path sees them."""
    check_exportable(rulebook)
    sums = []
    for style in STYLES:
        terms = [f"({expression(r.when)} ? {getattr(r.effect, style)} : 0)" for r in rulebook.rules
                 if getattr(r.effect, style)]
        sums.append(" + ".join(terms) or "0")
    return "[" + ", ".join(sums) + "]"

