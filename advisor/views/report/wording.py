"""The report's fixed wording of the decision model: what each score counts, and why the style, in one clause."""

from __future__ import annotations

NO_TIPPING = "No single change of an answer, and no pair of changes, changes the recommendation."
COUNTS = {
    "orchestration": "the core's points: it needs a coordinator",
    "choreography": "the core's points: it needs none",
    "hybrid": "link evidence: some links are better as events",
}
SCORES_NOTE = (
    "Orchestration and choreography are the core's points: what the core flow needs, a coordinator or none; the "
    "larger is the core's lean. Hybrid counts the link evidence: links better as events (reactions the core need "
    "not wait for, consumers of its outcome, links across teams or bounded contexts). An orchestrated core with at "
    "least {links} such points is a hybrid, decided per step; a choreographed core has events on every link."
)


def _points(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def because_text(style: str, lean: str, tie: bool, scores: dict[str, int], links: int) -> str:
    """Why the style, as a clause: what the core needs (or that its points tie), and what the links say."""
    o, c, h = scores["orchestration"], scores["choreography"], scores["hybrid"]
    if tie:
        core = f"the core's points are equal ({o} each: a tie), so the rulebook's tie-break gave the core to {lean}"
    elif lean == "orchestration":
        core = f"the core flow needs a coordinator (orchestration {_points(o)} against choreography {c})"
    else:
        core = f"the core flow needs no coordinator (choreography {_points(c)} against orchestration {o})"
    if style == "hybrid":
        return (
            f"{core}, and {_points(h)} of link evidence (at least {links} make a hybrid) favour events for some links"
        )
    if style == "orchestration":
        return f"{core}, and the link evidence ({_points(h)}) is under the {links} that would make it a hybrid"
    return core
