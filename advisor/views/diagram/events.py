"""Event names derived from what a step does: "Authorize card" -> `CardAuthorized`.

An event is named after what happened: the object of the action, then its verb in the past tense, in
PascalCase, without articles; a trailing phrase keeps its place ("Review by the underwriter" ->
`ReviewedByUnderwriter`). A step's
own `event:` always wins. The vocabulary (irregular verbs, prepositions) is data in `advisor/views/diagram/events.yaml`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from pydantic import Field

from advisor.resources import EVENT_VOCABULARY
from advisor.rulebook.formats import Step, Strict
from advisor.rulebook.messages import parse
from advisor.views.labels import clean, shorten

VOCABULARY = EVENT_VOCABULARY
MAX_LENGTH = 80  # Why: an event name is an identifier; a 10,000-character action must not make one that long
_Word = Annotated[str, Field(pattern=r"^[a-z]+$", max_length=40)]
_WORDS = re.compile(r"[^\W_]+")  # letters and digits of any script; punctuation, symbols and "_" separate
_SHORT_CVC = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")  # one syllable ending consonant-vowel-consonant


class Vocabulary(Strict):
    irregular: dict[_Word, _Word]
    doubling: list[_Word]
    prepositions: list[_Word]
    articles: list[_Word]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The verb and preposition lists (read once; a bad file is a `UserError` naming the line)."""
    return parse(VOCABULARY.read_bytes(), str(VOCABULARY), Vocabulary)[0]


def past_participle(verb: str) -> str:
    """`authorize` -> `authorized`, `ship` -> `shipped`, `verify` -> `verified`, `send` -> `sent`."""
    v = verb.lower()
    words = vocabulary()
    if v in words.irregular:
        return words.irregular[v]
    if not v.isascii() or not v.isalpha():
        return v + "ed" if v.isascii() else v  # other scripts: no English inflection to guess
    if v.endswith("e"):
        return v + "d"
    if len(v) > 1 and v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ied"
    if v in words.doubling or _SHORT_CVC.match(v):
        return v + v[-1] + "ed"
    return v + "ed"


def _pascal(words: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


def derive_event(action: str) -> str:
    """The event an action produces, or "" when the action has no letters or digits to build a name from."""
    words = _WORDS.findall(clean(action))
    if not words:
        return ""
    verb = words[0]
    articles = vocabulary().articles
    rest = [w for w in words[1:] if w.lower() not in articles]
    prepositions = vocabulary().prepositions
    split = next((i for i, w in enumerate(rest) if w.lower() in prepositions), len(rest))
    name = _pascal(rest[:split]) + _pascal([past_participle(verb)]) + _pascal(rest[split:])
    return shorten(name, MAX_LENGTH)


def event_name(step: Step, index: int) -> str:
    """The event step `index` (0-based) publishes: its own `event`, else derived from its action."""
    if step.event is not None and clean(step.event).strip():
        return clean(step.event).strip()
    return derive_event(step.action) or f"Step{index + 1}Completed"


def workflow_event(workflow: str | None, what: str) -> str:
    """`("Order checkout", "Completed")` -> `OrderCheckoutCompleted`; without a name, `WorkflowCompleted`."""
    words = _WORDS.findall(clean(workflow or ""))
    return shorten(_pascal(words) or "Workflow", MAX_LENGTH - len(what)) + what
