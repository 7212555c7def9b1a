"""The file formats, as strict pydantic models: the single source of truth for every rule file kind.

The JSON Schemas in `rules/schema/` are generated from these (`advisor schema`). Cross-references (a rule that
names a question, an option that question must have) are checked in `advisor.rulebook.loading`, which knows the files.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from advisor.rulebook.condition_format import Condition, Id, Scalar, Strict
from advisor.rulebook.plain import DecisionBehaviour, QuestionBehaviour

# Why re-exported: many modules read these from here; they live in `values` to keep this module to the formats
from advisor.rulebook.values import (  # noqa: F401
    MAX_OWNER,
    MAX_STEPS,
    MAX_TEXT,
    STEP_MEASURES,
    STYLES,
    answer_literal,
    answer_text,
    points_by_style,
)

Text = Annotated[str, Field(min_length=1, max_length=2000)]
StyleName = Literal["orchestration", "choreography", "hybrid"]
OPERATORS: tuple[str, ...] = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte")
# Why: the browser holds numbers as doubles; a bound past 2^53 - 1 (JavaScript's Number.MAX_SAFE_INTEGER) cannot be
# a number input's limit (Streamlit refuses it), so a question's bounds stay within what a browser can represent
MAX_SAFE_INTEGER = 2**53 - 1


# ---------------------------------------------------------------- questions.yaml
class Option(Strict):
    value: bool | str
    label: Text
    help: Annotated[str, Field(max_length=2000)] = ""


class Section(Strict):
    id: Id
    title: Text
    description: Annotated[str, Field(max_length=2000)] = ""


StepMeasure = Literal["steps", "reactions", "compensations", "teams", "contexts"]
if get_args(StepMeasure) != STEP_MEASURES:  # Why: the engine reads the tuple without importing this module
    raise ImportError("formats.StepMeasure and values.STEP_MEASURES list different measures")


class FromSteps(Strict):
    """Where the listed steps already answer a question the user left unanswered: a count over the steps.

    `steps`: how many are listed; `reactions`: how many are marked as reactions; `compensations`: how many have a
    compensation; `teams`, `contexts`: how many different teams or bounded contexts the steps name. An integer
    question takes the count; a yes/no question is yes when the count reaches `at_least` (no evidence otherwise).
    `teams` and `contexts` give evidence only when some step names one."""

    measure: StepMeasure
    at_least: Annotated[int, Field(ge=1, le=500)] = 1


class Question(Strict, QuestionBehaviour):
    """One question of the catalog. `choice` has options; `yes_no` answers true/false; `integer` has bounds.

    An unanswered question is no evidence: it fires no rule. `default` is only the answer the questionnaire
    suggests; `from_steps` reads the answer from the listed steps when the user gave none."""

    id: Id
    section: Id
    text: Text
    help: Text
    kind: Literal["choice", "yes_no", "integer"]
    options: list[Option] = Field(default_factory=list, max_length=20)
    minimum: int | None = None
    maximum: int | None = None
    default: Scalar | None = None
    show_if: Condition | None = None
    from_steps: FromSteps | None = None

    @field_validator("minimum", "maximum")
    @classmethod
    def _a_browser_can_hold_it(cls, v: int | None) -> int | None:
        if v is not None and abs(v) > MAX_SAFE_INTEGER:
            raise ValueError(
                f"bound {v} is beyond what a browser can represent exactly; the limit is "
                f"±{MAX_SAFE_INTEGER:,} (2^53 - 1)"
            )
        return v

    @model_validator(mode="after")
    def _kind_is_consistent(self) -> Question:
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if any(not isinstance(o.value, str) for o in self.options):
                raise ValueError("choice options have text values")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
            if self.default is not None and self.default not in values:
                raise ValueError(f"default {self.default!r} is not one of the options {'|'.join(map(str, values))}")
        elif self.kind == "yes_no":
            if self.default is not None and not isinstance(self.default, bool):
                raise ValueError("a yes_no question's default is true or false")
            if self.options and sorted(o.value for o in self.options) != [False, True]:
                raise ValueError("a yes_no question's options, when given, are exactly true and false")
        else:
            if self.options:
                raise ValueError("an integer question has no options; use minimum and maximum")
            if self.default is not None and (isinstance(self.default, bool) or not isinstance(self.default, int)):
                raise ValueError("an integer question's default is an integer")
            if self.minimum is None or self.maximum is None or self.minimum > self.maximum:
                raise ValueError("an integer question needs minimum <= maximum")
            if self.default is not None and not self.minimum <= self.default <= self.maximum:
                raise ValueError(f"default {self.default} is outside {self.minimum}..{self.maximum}")
        if self.from_steps is not None and self.kind == "choice":
            raise ValueError("from_steps gives a count: it fits integer and yes_no questions, not choices")
        return self


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
    def _not_empty(self) -> Effect:
        if not (self.orchestration or self.choreography or self.hybrid):
            raise ValueError("an effect moves at least one score")
        return self


class Rule(Strict):
    id: Id
    when: Condition
    effect: Effect
    rationale: Text
    source: Text


class ConfidenceFit(Strict):
    """confidence = 1 / (1 + e^-(bias + per_point x lead + per_answer x answered share)) (rules/README.md)."""

    bias: Annotated[float, Field(ge=-20, le=20)] = -0.693  # logit(1/3): chance among three styles
    per_point: Annotated[float, Field(ge=-5, le=5)] = 0.25
    per_answer: Annotated[float, Field(ge=-20, le=20)] = 2.5


class Decision(Strict, DecisionBehaviour):
    """How the rules' points become a style and a confidence (see rules/README.md)."""

    # Equal core points go to the first of orchestration and choreography listed here (hybrid, if listed, is
    # ignored: a hybrid is a structure, never a tie-break).
    tie_break: list[StyleName] = Field(default=["orchestration", "choreography"])
    # An orchestrated core becomes a hybrid when the link rules that fired give at least this many points.
    hybrid_links: Annotated[int, Field(ge=1, le=100)] = 2
    confidence: ConfidenceFit = Field(default_factory=ConfidenceFit)

    @field_validator("tie_break")
    @classmethod
    def _both_core_styles(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v) or not {"orchestration", "choreography"} <= set(v):
            raise ValueError("tie_break lists orchestration and choreography once each (hybrid optionally)")
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
Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class Step(Strict):
    """One step of the user's workflow, in order. A `reaction` is a step the core flow need not wait for; `team` and
    `context` name who owns the service and its bounded context (links that cross them are candidates for events)."""

    service: Name
    action: Name
    reaction: bool = False
    compensation: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    event: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    team: Annotated[str, Field(min_length=1, max_length=MAX_OWNER)] | None = None  # the team that owns the service
    context: Annotated[str, Field(min_length=1, max_length=MAX_OWNER)] | None = None  # its bounded context


StepMode = Literal["orchestrated", "event-driven"]


class ObservedStep(Strict):
    """One step as the traces show it runs today: commanded by a coordinator, or reacting to an event."""

    service: Name
    action: Name
    mode: StepMode


class Observed(Strict):
    """What the workflow does today, as read from its traces (`advisor import-trace`): its style and each step's
    mode. Optional; the recommendation never reads it, the report sets it beside the recommended one."""

    style: StyleName
    steps: list[ObservedStep] = Field(default_factory=list, max_length=500)


class AnswersFile(Strict):
    """An answers file: the workflow's name, its traits keyed by question id, its steps, and optionally the style
    its traces show today."""

    workflow: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    traits: dict[str, Scalar] = Field(default_factory=dict)
    steps: list[Step] = Field(default_factory=list, max_length=MAX_STEPS)
    observed: Observed | None = None


FILE_MODELS: dict[str, type[Strict]] = {
    "questions": QuestionsFile,
    "rules": RulesFile,
    "styles": StylesFile,
    "scenarios": ScenariosFile,
    "answers": AnswersFile,
}
