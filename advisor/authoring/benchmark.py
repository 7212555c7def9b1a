"""The advice measured against published decisions: `benchmark/cases/*.yaml`, one real system each.

Each case holds a citation, a short quote of the stated reason, the style the source chose, whether that choice
is stated (`solid`) or inferred (`weak`), and the answers encoded only from the source. `run_benchmark` assesses
every case under a rulebook and reports agreement overall, on solid cases and per style, the confusion matrix,
the Brier score of the confidence, and every miss with the rules that fired (`benchmark/README.md` states the
discipline). `fit_confidence` fits the confidence's three parameters by logistic regression and reports the
leave-one-out Brier score: the only numbers fitted to the benchmark (the style never is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from advisor.engine.answers import Answers
from advisor.engine.assessment import Assessment, assess
from advisor.engine.evaluate import confidence_features
from advisor.errors import Problem, UserError
from advisor.files import read_input
from advisor.rulebook import yamlsafe
from advisor.rulebook.formats import STYLES, AnswersFile, ConfidenceFit, Strict
from advisor.rulebook.loading import Rulebook, answer_problem
from advisor.rulebook.messages import validate

Text = Annotated[str, Field(min_length=1, max_length=4000)]


class Source(Strict):
    author: Text
    title: Text
    publisher: Text | None = None
    url: Text | None = None
    year: int | None = None


class CaseFile(Strict):
    """One benchmark case file (benchmark/FORMAT.md)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)]
    system: Text
    source: Source
    quote: Text
    quote_is_paraphrase: bool = False
    chosen: Literal["orchestration", "choreography", "hybrid"]
    strength: Literal["solid", "weak"]
    answers: AnswersFile
    evidence: dict[str, Text] = Field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    id: str
    system: str
    citation: str
    quote: str
    chosen: str
    strength: str
    answers: Answers
    path: str


@dataclass(frozen=True)
class CaseResult:
    case: Case
    assessment: Assessment

    @property
    def style(self) -> str:
        return self.assessment.evaluation.style

    @property
    def confidence(self) -> float:
        return self.assessment.evaluation.confidence

    @property
    def correct(self) -> bool:
        return self.style == self.case.chosen


@dataclass(frozen=True)
class BenchmarkRun:
    results: tuple[CaseResult, ...]

    def subset(self, strength: str | None) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if strength is None or r.case.strength == strength)

    def agreement(self, strength: str | None = None) -> tuple[int, int]:
        rows = self.subset(strength)
        return sum(r.correct for r in rows), len(rows)

    def recall(self, style: str, strength: str | None = None) -> tuple[int, int]:
        rows = [r for r in self.subset(strength) if r.case.chosen == style]
        return sum(r.correct for r in rows), len(rows)

    def confusion(self, strength: str | None = None) -> dict[str, dict[str, int]]:
        out = {chosen: dict.fromkeys(STYLES, 0) for chosen in STYLES}
        for r in self.subset(strength):
            out[r.case.chosen][r.style] += 1
        return out

    def brier(self, strength: str | None = None) -> float:
        """Mean of (confidence - 1 if right else 0)^2: 0 is perfect, 0.25 is a constant 0.5."""
        rows = self.subset(strength)
        return sum((r.confidence - r.correct) ** 2 for r in rows) / len(rows) if rows else 0.0

    def mean_confidence(self, correct: bool) -> float:
        rows = [r.confidence for r in self.results if r.correct == correct]
        return sum(rows) / len(rows) if rows else 0.0

    @property
    def misses(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.correct)


def citation(source: Source) -> str:
    """Author, title, publisher or URL, year: what a reader needs to find it."""
    parts = [source.author, f'"{source.title}"', source.publisher, source.url, str(source.year or "")]
    return ", ".join(p for p in parts if p)


def read_case(path: Path, rulebook: Rulebook) -> Case:
    """One case file, validated; its answers checked against the rulebook's catalog (every problem with its line)."""
    try:
        raw = read_input(path)
    except OSError as e:
        raise UserError.at(str(path), f"cannot read: {e.strerror or e}") from None
    doc = yamlsafe.load(raw, str(path))
    if not isinstance(doc.data, dict):
        raise UserError([doc.problem((), "expected a mapping at the top of the file")])
    model = validate(doc, CaseFile)
    problems: list[Problem] = []
    for qid, value in model.answers.traits.items():
        message = answer_problem(rulebook.questions, qid, value)
        if message:
            problems.append(doc.problem(("answers", "traits", qid), message))
    if model.id != path.stem:
        problems.append(doc.problem(("id",), f"the id '{model.id}' must be the file's name ('{path.stem}')"))
    if problems:
        raise UserError(problems)
    traits = {qid: model.answers.traits[qid] for qid in rulebook.questions if qid in model.answers.traits}
    return Case(
        model.id,
        model.system,
        citation(model.source),
        model.quote,
        model.chosen,
        model.strength,
        Answers(traits, tuple(model.answers.steps), model.answers.workflow),
        str(path),
    )


def read_cases(directory: Path | str, rulebook: Rulebook) -> list[Case]:
    """Every `*.yaml` case of a directory, by file name; all problems of all files at once."""
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise UserError.at(str(directory), "no benchmark cases (*.yaml) here")
    cases, problems = [], []
    for path in paths:
        try:
            cases.append(read_case(path, rulebook))
        except UserError as e:
            problems.extend(e.problems)
    if problems:
        raise UserError(problems)
    return cases


def run_benchmark(rulebook: Rulebook, cases: list[Case]) -> BenchmarkRun:
    return BenchmarkRun(tuple(CaseResult(c, assess(rulebook, c.answers)) for c in cases))


# ---------------------------------------------------------------- fitting the confidence
def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


CHANCE_BIAS = math.log(0.5)  # logit(1/3): with no evidence, one style of three is right a third of the time


def _fit(rows: list[tuple[float, float, float]], ridge: float = 0.1) -> tuple[float, float, float]:
    """Logistic regression of `correct` on (lead, answered share) by Newton's method, with the bias held at chance
    (so an empty answer set gets 1/3, not whatever the cases extrapolate to) and a small ridge that keeps the
    weights finite when the classes separate. Returns (bias, per_point, per_answer)."""
    w = [0.0, 0.0]
    for _ in range(50):
        grad = [0.0, 0.0]
        hess = [[ridge, 0.0], [0.0, ridge]]
        for lead, share, y in rows:
            x = (lead, share)
            p = _sigmoid(CHANCE_BIAS + w[0] * x[0] + w[1] * x[1])
            for i in range(2):
                grad[i] += (y - p) * x[i]
                for j in range(2):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        grad = [g - ridge * wi for g, wi in zip(grad, w)]
        det = hess[0][0] * hess[1][1] - hess[0][1] * hess[1][0]
        if abs(det) < 1e-12:
            break
        step = [
            (hess[1][1] * grad[0] - hess[0][1] * grad[1]) / det,
            (hess[0][0] * grad[1] - hess[1][0] * grad[0]) / det,
        ]
        w = [wi + si for wi, si in zip(w, step)]
        if max(abs(x) for x in step) < 1e-9:
            break
    return CHANCE_BIAS, w[0], w[1]


@dataclass(frozen=True)
class ConfidenceFitResult:
    fit: ConfidenceFit
    brier_in_sample: float
    brier_leave_one_out: float


def fit_confidence(run: BenchmarkRun) -> ConfidenceFitResult:
    """Fit the confidence to the benchmark's right and wrong answers; the leave-one-out Brier score says how well
    it predicts a case it was not fitted on."""
    rows = [(*confidence_features(r.assessment.evaluation), float(r.correct)) for r in run.results]
    bias, per_point, per_answer = _fit(rows)
    inside = sum((_sigmoid(bias + per_point * lead + per_answer * share) - y) ** 2 for lead, share, y in rows)
    loo = 0.0
    for i, (lead, share, y) in enumerate(rows):
        b, p, a = _fit(rows[:i] + rows[i + 1 :])
        loo += (_sigmoid(b + p * lead + a * share) - y) ** 2
    fit = ConfidenceFit(bias=round(bias, 3), per_point=round(per_point, 3), per_answer=round(per_answer, 3))
    return ConfidenceFitResult(fit, inside / len(rows), loo / len(rows))
