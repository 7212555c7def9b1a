"""The questionnaire as form data: answers <-> widget values, steps <-> table rows, progress. Pure; no streamlit.

The web app's widgets hold one value per question: an option, or "not sure" (`NOT_SURE`; `None` for integers).
"Not sure" leaves the question unanswered, so the engine uses its default and reports it as assumed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.formats import Question, Step
from advisor.rulebook.loading import Rulebook, answer_problem

# Why a string that no option id uses: radio widgets need one value per choice, and session state must pickle.
NOT_SURE = "(not sure)"
STEP_COLUMNS = ("service", "action", "reaction", "compensation", "event")


def choices(q: Question) -> list[Any]:
    """The values a choice or yes/no widget offers: every option, then "not sure"."""
    return [*q.option_values(), NOT_SURE]


def choice_label(q: Question, value: Any) -> str:
    """What a widget shows for one of its values; "not sure" names the default it falls back to."""
    if isinstance(value, str) and value == NOT_SURE:
        return f"Not sure (assume: {answer_label(q, q.default)})"
    return answer_label(q, value)


def answer_label(q: Question, value: Any) -> str:
    """How an answer reads: its option's label ("Yes"/"No" for a yes/no question without labels)."""
    label = q.label_of(value)
    return label.capitalize() if q.kind == "yes_no" and not q.options else label  # "Yes" / "No" as choices


def widget_value(q: Question, answers: Answers) -> Any:
    """The value a question's widget starts from: the given answer, else not sure (`None` for integers)."""
    if q.id in answers.traits:
        return answers.traits[q.id]
    return None if q.kind == "integer" else NOT_SURE


def trait_from_widget(q: Question, value: Any) -> tuple[bool, Any]:
    """(answered, value) for a widget's value; not sure, empty or invalid values count as unanswered."""
    if value is None or (isinstance(value, str) and value == NOT_SURE):
        return False, None
    if q.kind == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)
    if answer_problem({q.id: q}, q.id, value):
        return False, None
    return True, value


def answers_from_widgets(rulebook: Rulebook, base: Answers, values: Mapping[str, Any]) -> Answers:
    """`base` with each question's trait taken from its widget's value (questions without a value keep theirs),
    in catalog order (so exports and links are deterministic)."""
    traits = dict(base.traits)
    for q in rulebook.questions.values():
        if q.id in values:
            answered, value = trait_from_widget(q, values[q.id])
            if answered:
                traits[q.id] = value
            else:
                traits.pop(q.id, None)
    return Answers({qid: traits[qid] for qid in rulebook.questions if qid in traits}, base.steps, base.workflow)


@dataclass(frozen=True)
class Progress:
    """How far the questionnaire is: questions answered among those that apply."""

    answered: int
    applicable: int

    @property
    def fraction(self) -> float:
        return self.answered / self.applicable if self.applicable else 1.0

    def __str__(self) -> str:
        assumed = self.applicable - self.answered
        return (f"{self.answered} of {self.applicable} questions answered"
                + (f"; {assumed} assumed (defaults used)" if assumed else "; nothing assumed"))


def progress(ev: Evaluation) -> Progress:
    """Progress as the engine sees it: given answers among the questions whose `show_if` holds."""
    return Progress(len(ev.given), ev.visible_count)


def shown_questions(rulebook: Rulebook, answers: Answers) -> list[Question]:
    """The questions that apply to these answers, in catalog order (`show_if` decided by the engine)."""
    hidden = set(evaluate(rulebook, Answers(answers.traits)).not_applicable)
    return [q for q in rulebook.questions.values() if q.id not in hidden]


# ---------------------------------------------------------------- steps as table rows
def steps_to_rows(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    """One row per step for the table editor; optional texts are empty strings."""
    return [{"service": s.service, "action": s.action, "reaction": s.reaction,
             "compensation": s.compensation or "", "event": s.event or ""} for s in steps]


def rows_to_steps(rows: list[dict[str, Any]]) -> tuple[tuple[Step, ...], list[str]]:
    """The complete rows as steps, in order, and a sentence for each row left out (incomplete or invalid)."""
    steps, notes = [], []
    for i, row in enumerate(rows, start=1):
        cells = {c: _text(row.get(c)) for c in ("service", "action", "compensation", "event")}
        if not any(v.strip() for v in cells.values()):
            continue  # a blank row the user just added
        missing = [c for c in ("service", "action") if not cells[c].strip()]
        if missing:
            notes.append(f"Step {i} needs {' and '.join(missing)}; it is left out until filled in.")
            continue
        reaction = row.get("reaction")
        try:
            steps.append(Step(service=cells["service"], action=cells["action"],
                              reaction=bool(reaction) if _present(reaction) else False,
                              compensation=cells["compensation"] if cells["compensation"].strip() else None,
                              event=cells["event"] if cells["event"].strip() else None))
        except ValidationError as e:
            notes.append(f"Step {i} is left out: {e.errors()[0]['msg']}.")
    return tuple(steps), notes


def move_step(steps: tuple[Step, ...], index: int, delta: int) -> tuple[Step, ...]:
    """The steps with step `index` moved `delta` places (clamped to the ends)."""
    if not 0 <= index < len(steps):
        return steps
    target = min(max(index + delta, 0), len(steps) - 1)
    out = list(steps)
    out.insert(target, out.pop(index))
    return tuple(out)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    """A cell as text, exactly as typed (names round-trip); empty for missing cells (None, NaN)."""
    return str(value) if _present(value) else ""

