"""The questionnaire as form data: answers <-> widget values, steps <-> table rows, progress. Pure; no streamlit.

The web app's widgets hold one value per question: an option, or "not sure" (`NOT_SURE`; `None` for integers).
"Not sure" leaves the question unanswered: no evidence, it fires no rule (the engine lists it in
`Evaluation.assumed`, "not answered"), unless the listed steps already say the answer (`Evaluation.derived`).
A question's `default` is never used as an answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from advisor.engine.answers import Answers
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.formats import Question, Step
from advisor.rulebook.loading import Rulebook, answer_problem

# Widget key -> value: a dict, or `st.session_state` itself (a mapping whose keys may be str or int).
WidgetValues = Mapping[str, Any] | Mapping[str | int, Any]

# Why a string that no option id uses: radio widgets need one value per choice, and session state must pickle.
NOT_SURE = "(not sure)"
STEP_COLUMNS = ("service", "action", "reaction", "compensation", "event", "team", "context")
_TEXT_COLUMNS = ("service", "action", "compensation", "event", "team", "context")
_OPTIONAL_TEXTS = ("compensation", "event", "team", "context")  # empty cells are None
NOT_ANSWERED = "not answered"
FROM_STEPS = "from the steps"
T = TypeVar("T")


def choices(q: Question) -> list[Any]:
    """The values a choice or yes/no widget offers: every option, then "not sure"."""
    return [*q.option_values(), NOT_SURE]


def choice_label(q: Question, value: Any, derived: Any = None) -> str:
    """What a widget shows for one of its values. "Not sure" is no answer; when the listed steps already say the
    answer (`derived`, None when they do not), it says so, since that is the evidence the engine then uses."""
    if isinstance(value, str) and value == NOT_SURE:
        return "Not sure" if derived is None else f"Not sure ({FROM_STEPS}: {answer_label(q, derived)})"
    return answer_label(q, value)


def number_placeholder(derived: Any = None) -> str:
    """What an empty number box shows: not sure, or the count the listed steps give (`derived`)."""
    return "Not sure" if derived is None else f"Not sure ({FROM_STEPS}: {derived})"


def answer_label(q: Question, value: Any) -> str:
    """How an answer reads: its option's label ("Yes"/"No" for a yes/no question without labels)."""
    label = q.label_of(value)
    return label.capitalize() if q.kind == "yes_no" and not q.options else label  # "Yes" / "No" as choices


def shown_answer(q: Question, value: Any, derived: bool = False) -> str:
    """How an answer reads in a result: its label, marked when it was read from the steps; "not answered" for
    an unknown one (None)."""
    if value is None:
        return NOT_ANSWERED
    return f"{answer_label(q, value)} ({FROM_STEPS})" if derived else answer_label(q, value)


def evaluated_answer(q: Question, ev: Evaluation) -> str:
    """How the evaluation read a question: the answer given, the one read from the steps (marked), "not
    answered", or "not applicable"."""
    if q.id in ev.not_applicable:
        return "not applicable"
    return shown_answer(q, ev.answers.get(q.id), q.id in ev.derived)


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


def answers_from_widgets(rulebook: Rulebook, base: Answers, values: WidgetValues) -> Answers:
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
    return Answers(
        {qid: traits[qid] for qid in rulebook.questions if qid in traits}, base.steps, base.workflow, base.observed
    )


@dataclass(frozen=True)
class Progress:
    """How far the questionnaire is: questions answered among those that apply, and how many of the others the
    listed steps answer."""

    answered: int
    applicable: int
    from_steps: int = 0

    @property
    def open(self) -> int:
        """Applicable questions with no evidence: neither answered nor read from the steps."""
        return max(self.applicable - self.answered - self.from_steps, 0)

    @property
    def fraction(self) -> float:
        return self.answered / self.applicable if self.applicable else 1.0

    def __str__(self) -> str:
        text = f"{self.answered} of {self.applicable} questions answered"
        if self.from_steps:
            text += f"; {self.from_steps} read from the steps"
        return text + (f"; {self.open} open (no evidence)" if self.open else "; none open")


def progress(ev: Evaluation) -> Progress:
    """Progress as the engine sees it: given answers among the questions whose `show_if` holds, and the answers
    read from the listed steps."""
    return Progress(len(ev.given), ev.visible_count, len(ev.derived))


def shown_questions(rulebook: Rulebook, answers: Answers) -> list[Question]:
    """The questions that apply to these answers, in catalog order (`show_if` decided by the engine, on the
    answers given and what the listed steps say)."""
    hidden = set(evaluate(rulebook, Answers(answers.traits, answers.steps)).not_applicable)
    return [q for q in rulebook.questions.values() if q.id not in hidden]


def steps_evidence(rulebook: Rulebook, answers: Answers) -> dict[str, Any]:
    """The answers the listed steps give to the questions left unanswered (the engine's `Evaluation.derived`)."""
    return evaluate(rulebook, Answers(answers.traits, answers.steps)).derived


# ---------------------------------------------------------------- steps as table rows
def steps_to_rows(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    """One row per step for the table editor (the columns of `STEP_COLUMNS`); optional texts are empty strings."""
    return [
        {
            "service": s.service,
            "action": s.action,
            "reaction": s.reaction,
            "compensation": s.compensation or "",
            "event": s.event or "",
            "team": s.team or "",
            "context": s.context or "",
        }
        for s in steps
    ]


def rows_to_steps(rows: list[dict[str, Any]]) -> tuple[tuple[Step, ...], list[str]]:
    """The complete rows as steps, in order, and a sentence for each row left out (incomplete or invalid)."""
    steps, notes = [], []
    for i, row in enumerate(rows, start=1):
        cells = {c: _text(row.get(c)) for c in _TEXT_COLUMNS}
        if not any(v.strip() for v in cells.values()):
            continue  # a blank row the user just added
        missing = [c for c in ("service", "action") if not cells[c].strip()]
        if missing:
            notes.append(f"Step {i} needs {' and '.join(missing)}; it is left out until filled in.")
            continue
        try:
            steps.append(
                Step(
                    service=cells["service"],
                    action=cells["action"],
                    reaction=reaction_cell(row.get("reaction")) or False,
                    **{c: cells[c] if cells[c].strip() else None for c in _OPTIONAL_TEXTS},
                )
            )
        except ValidationError as e:
            notes.append(f"Step {i} is left out: {e.errors()[0]['msg']}.")
    return tuple(steps), notes


def move_step(steps: tuple[T, ...], index: int, delta: int) -> tuple[T, ...]:
    """The steps (or table rows) with the one at `index` moved `delta` places (clamped to the ends)."""
    if not 0 <= index < len(steps):
        return steps
    target = min(max(index + delta, 0), len(steps) - 1)
    out = list(steps)
    out.insert(target, out.pop(index))
    return tuple(out)


def blank_row() -> dict[str, Any]:
    """A new, empty row of the steps table (what "Add step" appends)."""
    return {c: False if c == "reaction" else "" for c in STEP_COLUMNS}


def edited_rows(rows: tuple[dict[str, Any], ...], edits: Mapping[str, Any] | None) -> tuple[dict[str, Any], ...]:
    """The table's rows after the editor's pending `edits` (its session state: `edited_rows` by position,
    `deleted_rows`, then `added_rows`, in the order the data editor applies them), each row with every column."""
    edits = edits or {}
    out = [dict(r) for r in rows]
    for index, cells in (edits.get("edited_rows") or {}).items():
        if 0 <= int(index) < len(out):
            out[int(index)].update(cells)
    deleted = {int(i) for i in edits.get("deleted_rows") or ()}
    out = [r for i, r in enumerate(out) if i not in deleted]
    out += [blank_row() | dict(r) for r in edits.get("added_rows") or ()]
    return tuple({c: r.get(c) for c in STEP_COLUMNS} for r in out)


def filled_rows(rows: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
    """The rows with anything typed in them (a row just added and left empty is no step)."""
    return tuple(r for r in rows if any(_text(r.get(c)).strip() for c in _TEXT_COLUMNS))


def row_label(index: int, row: Mapping[str, Any]) -> str:
    """How a row reads in the step picker: its position, service and action ("3. Payment: Charge card")."""
    service, action = _text(row.get("service")).strip(), _text(row.get("action")).strip()
    return f"{index + 1}. {service or '(no service)'}: {action or '(no action)'}"


def reaction_cell(value: Any) -> bool | None:
    """A reaction cell as the table holds it: None when missing (None, NaN, pandas' NA: a row added in the grid),
    else its truth (the checkbox sends True or False; anything else, e.g. from a crafted message, is read as
    `bool` reads it, never an error)."""
    if not _present(value) or type(value).__name__ == "NAType":  # Why by name: this module does without pandas
        return None
    return bool(value)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    """A cell as text, exactly as typed (names round-trip); empty for missing cells (None, NaN)."""
    return str(value) if _present(value) else ""
