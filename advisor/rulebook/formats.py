"""The file formats, as strict pydantic models: the single source of truth for every rule file kind.

The JSON Schemas in `rules/schema/` are generated from these (`advisor schema`). Cross-references (a rule that
names a question, an option that question must have) are checked in `advisor.rulebook.loading`, which knows the files.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Scalar = Union[bool, int, str]  # bool first: pydantic would otherwise coerce nothing, but order documents intent
StyleName = Literal["orchestration", "choreography", "hybrid"]
STYLES: tuple[str, ...] = ("orchestration", "choreography", "hybrid")
OPERATORS: tuple[str, ...] = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte")


def answer_text(value: Any) -> str:
    """An answer value in words where no option label names it: `yes`/`no` for true/false, else as written."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def answer_literal(value: Any) -> str:
    """An answer value as text that reads back as the same value (a share link, a CSV cell): `true`/`false` for
    yes/no, else as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def points_by_style(effect: Any) -> tuple[tuple[str, Any], ...]:
    """The styles an effect moves, with its points, in `STYLES` order: `(("orchestration", 3), ("hybrid", 2))`.

    For anything with `orchestration`, `choreography` and `hybrid` attributes: a rule's `Effect`, a fired rule's
    result, an answer's contribution."""
    return tuple((s, getattr(effect, s)) for s in STYLES if getattr(effect, s))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


# ---------------------------------------------------------------- conditions
class Test(Strict):
    """`{question, op, value}`: compares one answer with a value."""

    question: Id
    op: Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"]
    value: Union[Scalar, list[Scalar]]

    @model_validator(mode="after")
    def _value_fits_op(self) -> "Test":
        if self.op in ("in", "not_in"):
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"operator '{self.op}' needs a non-empty list of values")
        elif isinstance(self.value, list):
            raise ValueError(f"operator '{self.op}' needs a single value, not a list")
        if self.op in ("gt", "gte", "lt", "lte") and (isinstance(self.value, bool) or not isinstance(self.value, int)):
            raise ValueError(f"operator '{self.op}' compares numbers; value must be an integer")
        return self


class All(Strict):
    """Every condition holds."""

    all: list["Condition"] = Field(min_length=1, max_length=50)


class AnyOf(Strict):
    """At least one condition holds."""

    any: list["Condition"] = Field(min_length=1, max_length=50)


class Not(Strict):
    """The condition does not hold."""

    not_: "Condition" = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True, defer_build=True)


def _condition_kind(v: Any) -> str | None:
    if isinstance(v, dict):
        for key in ("all", "any", "not"):
            if key in v:
                return key
        return "test"
    if isinstance(v, BaseModel):
        return {All: "all", AnyOf: "any", Not: "not", Test: "test"}.get(type(v))
    return None


Condition = Annotated[
    Union[Annotated[All, Tag("all")], Annotated[AnyOf, Tag("any")], Annotated[Not, Tag("not")],
          Annotated[Test, Tag("test")]],
    Discriminator(_condition_kind, custom_error_type="condition",
                  custom_error_message="a condition is {question, op, value}, {all: [...]}, {any: [...]} or {not: ...}"),
]


# ---------------------------------------------------------------- questions.yaml
class Option(Strict):
    value: Union[bool, str]
    label: Text
    help: Annotated[str, Field(max_length=2000)] = ""


class Section(Strict):
    id: Id
    title: Text
    description: Annotated[str, Field(max_length=2000)] = ""


class Question(Strict):
    """One question of the catalog. `choice` has options; `yes_no` answers true/false; `integer` has bounds."""

    id: Id
    section: Id
    text: Text
    help: Text
    kind: Literal["choice", "yes_no", "integer"]
    options: list[Option] = Field(default_factory=list, max_length=20)
    minimum: int | None = None
    maximum: int | None = None
    default: Scalar
    show_if: Condition | None = None

    @model_validator(mode="after")
    def _kind_is_consistent(self) -> "Question":
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if any(not isinstance(o.value, str) for o in self.options):
                raise ValueError("choice options have text values")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
            if self.default not in values:
                raise ValueError(f"default {self.default!r} is not one of the options {'|'.join(values)}")
        elif self.kind == "yes_no":
            if not isinstance(self.default, bool):
                raise ValueError("a yes_no question's default is true or false")
            if self.options and sorted(o.value for o in self.options) != [False, True]:
                raise ValueError("a yes_no question's options, when given, are exactly true and false")
        else:
            if self.options:
                raise ValueError("an integer question has no options; use minimum and maximum")
            if isinstance(self.default, bool) or not isinstance(self.default, int):
                raise ValueError("an integer question's default is an integer")
            if self.minimum is None or self.maximum is None or self.minimum > self.maximum:
                raise ValueError("an integer question needs minimum <= maximum")
            if not self.minimum <= self.default <= self.maximum:
                raise ValueError(f"default {self.default} is outside {self.minimum}..{self.maximum}")
        return self

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


class QuestionsFile(Strict):
    """`rules/questions.yaml`: the questionnaire, in sections."""

    sections: list[Section] = Field(min_length=1, max_length=50)
    questions: list[Question] = Field(min_length=1, max_length=200)


# ---------------------------------------------------------------- rules.yaml
class Effect(Strict):
    """Points a fired rule adds to each style's score."""

    orchestration: Annotated[int, Field(ge=-20, le=20)] = 0
    choreography: Annotated[int, Field(ge=-20, le=20)] = 0
    hybrid: Annotated[int, Field(ge=-20, le=20)] = 0

    @model_validator(mode="after")
    def _not_empty(self) -> "Effect":
        if not (self.orchestration or self.choreography or self.hybrid):
            raise ValueError("an effect moves at least one score")
        return self


class Rule(Strict):
    id: Id
    when: Condition
    effect: Effect
    rationale: Text
    source: Text


class Decision(Strict):
    """How scores become a style and a confidence (see rules/README.md)."""

    tie_break: list[StyleName] = Field(default=["hybrid", "orchestration", "choreography"])
    confidence_half_lead: Annotated[int, Field(ge=1, le=100)] = 4

    @field_validator("tie_break")
    @classmethod
    def _all_three(cls, v: list[str]) -> list[str]:
        if sorted(v) != sorted(STYLES):
            raise ValueError("tie_break lists each of orchestration, choreography, hybrid once")
        return v


class RulesFile(Strict):
    """`rules/rules.yaml`: the scoring rules."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    decision: Decision = Field(default_factory=Decision)
    rules: list[Rule] = Field(min_length=1, max_length=5000)


# ---------------------------------------------------------------- styles.yaml
class StyleDescription(Strict):
    name: Text
    summary: Text
    benefits: list[Text] = Field(min_length=1)
    drawbacks: list[Text] = Field(min_length=1)
    mitigations: list[Text] = Field(min_length=1)


class StylesFile(Strict):
    """`rules/styles.yaml`: what each style is, costs and needs."""

    orchestration: StyleDescription
    choreography: StyleDescription
    hybrid: StyleDescription


# ---------------------------------------------------------------- scenarios.yaml
class Expectation(Strict):
    style: StyleName
    fires: list[Id] = Field(default_factory=list)
    silent: list[Id] = Field(default_factory=list)


class Scenario(Strict):
    name: Text
    description: Annotated[str, Field(max_length=2000)] = ""
    traits: dict[str, Scalar]
    expect: Expectation


class ScenariosFile(Strict):
    """`rules/scenarios.yaml`: the rulebook's own tests."""

    scenarios: list[Scenario] = Field(min_length=1, max_length=2000)


# ---------------------------------------------------------------- answers files
Name = Annotated[str, Field(min_length=1, max_length=10_000)]


class Step(Strict):
    """One step of the user's workflow, in order. A `reaction` is a step the core flow need not wait for."""

    service: Name
    action: Name
    reaction: bool = False
    compensation: Annotated[str, Field(max_length=10_000)] | None = None
    event: Annotated[str, Field(max_length=10_000)] | None = None


class AnswersFile(Strict):
    """An answers file: the workflow's name, its traits keyed by question id, and its steps."""

    workflow: Annotated[str, Field(max_length=10_000)] | None = None
    traits: dict[str, Scalar] = Field(default_factory=dict)
    steps: list[Step] = Field(default_factory=list, max_length=500)


FILE_MODELS: dict[str, type[Strict]] = {
    "questions": QuestionsFile,
    "rules": RulesFile,
    "styles": StylesFile,
    "scenarios": ScenariosFile,
    "answers": AnswersFile,
}
