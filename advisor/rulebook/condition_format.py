"""The condition format of the rule files: `{question, op, value}` tests, and `all`, `any`, `not` of conditions.

Its own module so the file formats (`advisor.rulebook.formats`) and every function over conditions share it."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", min_length=1, max_length=80)]
Scalar = bool | int | str  # bool first: pydantic would otherwise coerce nothing, but order documents intent


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class Test(Strict):
    """`{question, op, value}`: compares one answer with a value."""

    kind: ClassVar[str] = "test"  # what `advisor.rulebook.conditions.fold` dispatches on (`plain.Test` too)
    question: Id
    op: Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"]
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _value_fits_op(self) -> Test:
        if self.op in ("in", "not_in"):
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"operator '{self.op}' needs a non-empty list of values")
        elif isinstance(self.value, list):
            raise ValueError(f"operator '{self.op}' needs a single value, not a list")
        if self.op in ("gt", "gte", "lt", "lte") and (isinstance(self.value, bool) or not isinstance(self.value, int)):
            raise ValueError(f"operator '{self.op}' compares numbers; value must be an integer")
        return self

    def with_op(self, op: str) -> Test:
        """The same test with another operator (already valid: used for negations)."""
        return Test.model_construct(question=self.question, op=op, value=self.value)


class All(Strict):
    """Every condition holds."""

    kind: ClassVar[str] = "all"

    all: list[Condition] = Field(min_length=1, max_length=50)


class AnyOf(Strict):
    """At least one condition holds."""

    kind: ClassVar[str] = "any"

    any: list[Condition] = Field(min_length=1, max_length=50)


class Not(Strict):
    """The condition does not hold."""

    kind: ClassVar[str] = "not"

    not_: Condition = Field(alias="not")
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
    Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Test, Tag("test")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is {question, op, value}, {all: [...]}, {any: [...]} or {not: ...}",
    ),
]
