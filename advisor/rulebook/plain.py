"""A validated rulebook's parts as plain read-only records, without pydantic: what a rulebook snapshot
(`advisor.rulebook.snapshot`) is read back into, so `advisor recommend` starts without importing pydantic.

Why twins of the file models and not the models themselves: the models are the validation (pydantic), which
costs most of a cold command's start-up (issue 17); a snapshot holds what was already validated. Each record has
exactly its model's fields, in the same order (tests/test_snapshot.py checks it against `advisor.rulebook.formats`),
and the behaviour both share lives here once, in the `...Behaviour` mixins the models inherit too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from advisor.records import Positional
from advisor.rulebook.values import answer_text


class QuestionBehaviour:
    """What a question can say about its answers (shared by `formats.Question` and `Question` here; both have
    `kind` and `options`)."""

    __slots__ = ()
    if TYPE_CHECKING:  # the fields of the classes it is mixed into (never fields of its own: pydantic)
        kind: str
        options: Any

    def option_values(self) -> list[Any]:
        if self.kind == "choice":
            return [o.value for o in self.options]
        if self.kind == "yes_no":
            return [True, False]
        return []

    def label_of(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        if self.kind == "yes_no":
            return answer_text(value)
        return str(value)


class DecisionBehaviour:
    """Shared by `formats.Decision` and `Decision` here (both have `tie_break`)."""

    __slots__ = ()
    if TYPE_CHECKING:
        tie_break: Any

    @property
    def first_core_style(self) -> str:
        """The core style a tie goes to: the first of orchestration and choreography in `tie_break`."""
        return next(s for s in self.tie_break if s != "hybrid")


class ReadyDecision:
    """A rulebook's decision as every evaluation reads it (`Rulebook.ready_decision`): its numbers as plain slots,
    usable wherever a decision or its confidence fit is read, and the confidences computed so far
    (`advisor.engine.evaluate` fills `confidences`, by lead and answered share).

    Why: an evaluation read five numbers from the decision model, at ~60 ns a read for a pydantic model (its
    `__getattr__` hook keeps the interpreter off its fast attribute path) against ~13 ns here, and computed the
    confidence (an exponential and its rounding) at ~0.6 us, while the distinct confidences one rulebook gives are
    few: a lead of a few dozen points, a share one of a few hundred fractions (issue 17)."""

    __slots__ = ("bias", "confidences", "first_core_style", "hybrid_links", "per_answer", "per_point")

    def __init__(self, decision: Any) -> None:
        fit = decision.confidence
        self.first_core_style: str = decision.first_core_style
        self.hybrid_links: int = decision.hybrid_links
        self.bias: float = fit.bias
        self.per_point: float = fit.per_point
        self.per_answer: float = fit.per_answer
        self.confidences: dict[tuple[int, float], float] = {}


class Record(Positional):
    """Read-only fields given in `FIELDS` order; equal when of one kind with equal fields; hashed through their
    lists and dicts (a rule's test values), as the models' own hashing does."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *(_hashable(v) for v in self._values())))


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


# ---------------------------------------------------------------- conditions (`advisor.rulebook.condition_format`)
class Test(Record):
    FIELDS = ("question", "op", "value")
    __slots__ = FIELDS
    kind: ClassVar[str] = "test"

    def with_op(self, op: str) -> Test:
        return Test(self.question, op, self.value)  # type: ignore[attr-defined]


class All(Record):
    FIELDS = ("all",)
    __slots__ = FIELDS
    kind: ClassVar[str] = "all"


class AnyOf(Record):
    FIELDS = ("any",)
    __slots__ = FIELDS
    kind: ClassVar[str] = "any"


class Not(Record):
    FIELDS = ("not_",)
    __slots__ = FIELDS
    kind: ClassVar[str] = "not"


# ---------------------------------------------------------------- the rule files (`advisor.rulebook.formats`)
class Option(Record):
    FIELDS = ("value", "label", "help")
    __slots__ = FIELDS


class Section(Record):
    FIELDS = ("id", "title", "description")
    __slots__ = FIELDS


class FromSteps(Record):
    FIELDS = ("measure", "at_least")
    __slots__ = FIELDS


class Question(Record, QuestionBehaviour):
    FIELDS = (
        "id",
        "section",
        "text",
        "help",
        "kind",
        "options",
        "minimum",
        "maximum",
        "default",
        "show_if",
        "from_steps",
    )
    __slots__ = FIELDS


class Effect(Record):
    FIELDS = ("orchestration", "choreography", "hybrid")
    __slots__ = FIELDS


class Rule(Record):
    FIELDS = ("id", "when", "effect", "rationale", "source")
    __slots__ = FIELDS


class ConfidenceFit(Record):
    FIELDS = ("bias", "per_point", "per_answer")
    __slots__ = FIELDS


class Decision(Record, DecisionBehaviour):
    FIELDS = ("tie_break", "hybrid_links", "confidence")
    __slots__ = FIELDS


class StyleDescription(Record):
    FIELDS = ("name", "summary", "benefits", "drawbacks", "mitigations")
    __slots__ = FIELDS


class StylesFile(Record):
    FIELDS = ("orchestration", "choreography", "hybrid")
    __slots__ = FIELDS


class Expectation(Record):
    FIELDS = ("style", "fires", "silent")
    __slots__ = FIELDS


class Scenario(Record):
    FIELDS = ("name", "description", "traits", "expect")
    __slots__ = FIELDS


class Step(Record):
    """One step of an answers file (`formats.Step`), for the answers `advisor.engine.answers.plain_answers` reads.

    Why no slots: its fields are in its `__dict__`, in order, as a model's are (the batch reads them there)."""

    FIELDS = ("service", "action", "reaction", "compensation", "event", "team", "context")


# The records a snapshot may hold, by the name of the model each stands for
RECORDS: dict[str, type[Record]] = {
    cls.__name__: cls
    for cls in (
        Test,
        All,
        AnyOf,
        Not,
        Option,
        Section,
        FromSteps,
        Question,
        Effect,
        Rule,
        ConfidenceFit,
        Decision,
        StyleDescription,
        StylesFile,
        Expectation,
        Scenario,
    )
}
