"""The answers contract: read, check against the catalog, write back (YAML, JSON, share-link parameters).

An answers file is `{workflow?, traits: {question id: value}, steps?: [{service, action, ...}]}`. A missing answer
is no evidence: the engine treats it as unknown (it fires no rule) and reports it as not answered.

Why the file models are imported in functions: start-up time (the engine imports this
module, and a cold `advisor recommend` reads a surely valid file without pydantic: `plain_answers`, issue 17).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from advisor.errors import Problem, UserError
from advisor.files import read_input
from advisor.pyyaml import yaml
from advisor.records import Record, _set
from advisor.rulebook import jsonsafe, plain, yamlsafe
from advisor.rulebook.book import answer_problem
from advisor.rulebook.values import MAX_OWNER, MAX_STEPS, MAX_TEXT, answer_literal

if TYPE_CHECKING:  # Why: the models (pydantic) are imported where a file is validated, not by the engine
    from advisor.rulebook.formats import Observed, Step
    from advisor.rulebook.loading import Rulebook

UPLOAD_LIMIT = 256 * 1024  # Why: a generous answers file with 500 long-named steps is well under 100 KiB


class Answers(Record):
    """One answer set, as given: answers by question id (unanswered questions absent), the steps in order, and the
    workflow's name. Passed whole from the file or the form to the engine, and written back from it. `observed`
    is what the traces show the workflow does today (`advisor import-trace`), when known; the engine ignores it."""

    FIELDS = ("traits", "steps", "workflow", "observed")
    __slots__ = FIELDS
    traits: dict[str, Any]
    steps: tuple[Step, ...]
    workflow: str | None
    observed: Observed | None

    def __init__(
        self,
        traits: dict[str, Any] | None = None,
        steps: Iterable[Step] = (),
        workflow: str | None = None,
        observed: Observed | None = None,
    ) -> None:
        _set(self, "traits", {} if traits is None else traits)
        # Why tuple: callers may hold a list; the answers stay read-only
        _set(self, "steps", steps if type(steps) is tuple else tuple(steps))
        _set(self, "workflow", workflow)
        _set(self, "observed", observed)


def parse_answers(raw: bytes | str, filename: str, rulebook: Rulebook, max_bytes: int | None = None) -> Answers:
    """Parse and check an answers file; every problem (with its line) in one `UserError`."""
    from advisor.rulebook.formats import AnswersFile
    from advisor.rulebook.messages import parse

    model, doc = parse(raw, filename, AnswersFile, max_bytes)
    problems = []
    for qid, value in model.traits.items():
        message = answer_problem(rulebook.questions, qid, value)
        if message:
            problems.append(doc.problem(("traits", qid), message, key=message.startswith("unknown question")))
    if problems:
        raise UserError(problems)
    traits = {qid: model.traits[qid] for qid in rulebook.questions if qid in model.traits}
    return Answers(traits, tuple(model.steps), model.workflow, model.observed)


def read_answers(path: str, rulebook: Rulebook, *, plain_steps: bool = False) -> Answers:
    """Read an answers file from disk (the size cap is checked on at most one byte more than the limit).

    `plain_steps`: a file that is surely valid is read without pydantic (`plain_answers`), its steps as
    `plain.Step` records, for a caller that only reads the steps' fields (`advisor recommend`); any other file
    takes the full check, which gives the same answers or names every problem."""
    try:
        raw = read_input(path, yamlsafe.MAX_BYTES)  # a regular file only: a FIFO would block, a device never end
    except OSError as e:
        raise UserError.at(path, f"cannot read: {e.strerror}") from None
    if plain_steps:
        answers = plain_answers(raw, path, rulebook)
        if answers is not None:
            return answers
    return parse_answers(raw, path, rulebook)


_STEP_TEXT = {"compensation": (0, MAX_TEXT), "event": (0, MAX_TEXT), "team": (1, MAX_OWNER), "context": (1, MAX_OWNER)}


def plain_answers(raw: bytes, filename: str, rulebook: Rulebook) -> Answers | None:
    """The answers of a file that is surely valid, read without the models (pydantic); None when it is not
    surely valid (then `parse_answers` decides, and names every problem).

    Why: validating through the models costs a cold `advisor recommend` the import of pydantic (issue 17). This
    accepts a subset of what `formats.AnswersFile` accepts (strict types, the same bounds; no `observed`), and
    gives the answers `parse_answers` would give: tests/test_snapshot.py checks both on every example and on
    fuzzed files."""
    try:
        data = yamlsafe.load(raw, filename).data
    except UserError:
        return None
    if type(data) is not dict or not data.keys() <= {"workflow", "traits", "steps"}:
        return None
    workflow = data.get("workflow")
    if workflow is not None and not (type(workflow) is str and len(workflow) <= MAX_TEXT):
        return None
    given = data.get("traits", {})
    if type(given) is not dict:
        return None
    for qid, value in given.items():
        if type(qid) is not str or type(value) not in (bool, int, str):
            return None
        if answer_problem(rulebook.questions, qid, value) is not None:
            return None
    listed = data.get("steps", [])
    if type(listed) is not list or len(listed) > MAX_STEPS:
        return None
    steps = []
    for s in listed:
        step = _plain_step(s)
        if step is None:
            return None
        steps.append(step)
    traits = {qid: given[qid] for qid in rulebook.questions if qid in given}
    return Answers(traits, tuple(steps), workflow)  # type: ignore[arg-type]  # plain.Step: the fields of Step


def _plain_step(s: Any) -> plain.Step | None:
    """A step of an answers file as a `plain.Step`, when it surely is a valid `formats.Step`; else None."""
    if type(s) is not dict or not s.keys() <= set(plain.Step.FIELDS):
        return None
    for key in ("service", "action"):
        text = s.get(key)
        if type(text) is not str or not 1 <= len(text) <= MAX_TEXT:
            return None
    reaction = s.get("reaction", False)
    if type(reaction) is not bool:
        return None
    for key, (shortest, longest) in _STEP_TEXT.items():
        text = s.get(key)
        if text is not None and not (type(text) is str and shortest <= len(text) <= longest):
            return None
    return plain.Step(*(s.get(f, False if f == "reaction" else None) for f in plain.Step.FIELDS))


def revalidate(answers: Answers, rulebook: Rulebook) -> tuple[Answers, list[str]]:
    """The answers that are still valid for `rulebook` (one that changed under them), and a sentence for each one
    dropped."""
    kept, dropped = {}, []
    for qid, value in answers.traits.items():
        problem = answer_problem(rulebook.questions, qid, value)
        if problem:
            dropped.append(
                f"The answer {qid} = {value!r} no longer fits the rulebook ({problem.split(';')[0]}); "
                "it was reset to not sure."
            )
        else:
            kept[qid] = value
    ordered = {qid: kept[qid] for qid in rulebook.questions if qid in kept}
    return Answers(ordered, answers.steps, answers.workflow, answers.observed), dropped


def to_dict(answers: Answers) -> dict[str, Any]:
    """The answers as plain data in the file format (steps with only the fields that differ from defaults)."""
    out: dict[str, Any] = {}
    if answers.workflow:
        out["workflow"] = answers.workflow
    out["traits"] = dict(answers.traits)
    if answers.steps:
        out["steps"] = [s.model_dump(exclude_defaults=True) for s in answers.steps]
    if answers.observed is not None:
        out["observed"] = answers.observed.model_dump()
    return out


class _Dumper(yaml.SafeDumper):
    """Why: PyYAML writes U+0085 (next line) raw in plain and single-quoted text, and reading it back folds it
    into a space; a string holding one is written double-quoted, where it becomes the escape `\\N`."""


_Dumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"' if "\x85" in text else None),
)
# Characters JSON may carry raw but YAML text may not (our JSON is read by the YAML parser): escaped as \uXXXX
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\ufffe\uffff]")


def dump_yaml(answers: Answers) -> str:
    """Deterministic YAML, re-importable with `parse_answers`."""
    return yaml.dump(to_dict(answers), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump_json(answers: Answers) -> str:
    """Deterministic JSON, re-importable with `parse_answers`; non-ASCII text stays readable."""
    text = json.dumps(to_dict(answers), indent=2, ensure_ascii=False) + "\n"
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---------------------------------------------------------------- share links
def to_query_params(answers: Answers) -> dict[str, str]:
    """URL query parameters that restore exactly these answers: one per trait, plus `workflow`, `steps` and
    `observed`."""
    params: dict[str, str] = {}
    if answers.workflow:
        params["workflow"] = answers.workflow
    for qid, value in answers.traits.items():
        params[qid] = answer_literal(value)
    if answers.steps:
        params["steps"] = json.dumps(
            [s.model_dump(exclude_defaults=True) for s in answers.steps], ensure_ascii=False, separators=(",", ":")
        )
    if answers.observed is not None:
        params["observed"] = json.dumps(answers.observed.model_dump(), ensure_ascii=False, separators=(",", ":"))
    return params


def from_query_params(params: dict[str, str], rulebook: Rulebook) -> tuple[Answers, list[Problem]]:
    """Read share-link parameters; keep every valid part and report each invalid one (never raise)."""
    problems: list[Problem] = []
    traits: dict[str, Any] = {}
    for key, text in params.items():
        if key in ("workflow", "steps", "observed"):
            continue
        q = rulebook.questions.get(key)
        if q is None:
            problems.append(Problem("link", None, None, key, "unknown question; ignored"))
            continue
        value: Any = text
        if q.kind == "yes_no":
            value = {"true": True, "false": False}.get(text, text)
        elif q.kind == "integer":
            with contextlib.suppress(ValueError):
                value = int(text)
        message = answer_problem(rulebook.questions, key, value)
        if message:
            problems.append(Problem("link", None, None, key, f"{message}; ignored"))
        else:
            traits[key] = value
    steps: tuple[Step, ...] = ()
    if "steps" in params:
        try:
            listed = jsonsafe.loads(params["steps"])
            if isinstance(listed, list) and len(listed) > MAX_STEPS:
                raise ValueError(f"too many steps: {len(listed):,}; the limit is {MAX_STEPS}")
            from advisor.rulebook.formats import Step

            steps = tuple(Step.model_validate(s) for s in listed)
        except (ValueError, TypeError) as e:
            problems.append(Problem("link", None, None, "steps", f"invalid steps ({_first_line(e)}); ignored"))
    observed = None
    if "observed" in params:
        try:
            from advisor.rulebook.formats import Observed

            observed = Observed.model_validate(json.loads(params["observed"]))
        except (ValueError, TypeError) as e:
            problems.append(
                Problem("link", None, None, "observed", f"invalid observed style ({_first_line(e)}); ignored")
            )
    workflow = params.get("workflow") or None
    if workflow is not None and len(workflow) > MAX_TEXT:
        problems.append(Problem("link", None, None, "workflow", "name too long; ignored"))
        workflow = None
    ordered = {qid: traits[qid] for qid in rulebook.questions if qid in traits}
    return Answers(ordered, steps, workflow, observed), problems


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0][:120]
