"""The active rulebook of a browser session, hot-reloaded from the rule files of `$ADVISOR_RULES`, or from the
rulebook database when `$ADVISOR_RULES_URL` is set (`location()`).

Each call stats the four files (cheap); when (mtime_ns, size) changed it reads them and compares the content hash; a
new valid rulebook becomes active at that interaction, an invalid one leaves the last good one active and its
problems in `rulebook_errors()`. With the database, each interaction asks for the current version's (number, hash),
one small query, and reads and builds the version only when that changed; a database that cannot be reached, or a
version that does not match its hash or validate, leaves the last good rulebook active and says why.
The parsed rulebook is cached for all sessions by content hash (`st.cache_resource`; a Rulebook is frozen and never
mutated); which one a session uses is per session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from advisor.authoring.backend import db
from advisor.authoring.location import Location, RulesDatabase, configured
from advisor.errors import UserError
from advisor.rulebook.loading import FILES, Rulebook, build_rulebook, content_hash, default_rules_dir, read_texts

RULEBOOK_KEY = "advisor:rulebook"


@dataclass(frozen=True)
class _RulebookState:
    directory: str
    signature: tuple
    rulebook: Rulebook | None
    errors: UserError | None


@st.cache_resource(max_entries=16, show_spinner=False)
def _built(digest: str, origin: str, _texts: dict[str, bytes]) -> Rulebook | UserError:
    """The rulebook for these file contents, or its problems. Why cached by digest: every session shares one
    parsed copy, and a broken file is parsed once, not at every interaction."""
    try:
        return build_rulebook(_texts, origin)
    except UserError as e:
        return e


@st.cache_resource(max_entries=8, show_spinner=False)
def _checked(digest: str, origin: str, _texts: dict[str, bytes]) -> Rulebook | UserError:
    """A draft's or an upload's rulebook, or its problems. Why its own cache: a page reruns at every interaction,
    and checking a large rulebook again each time was the cost (issue 13); and uploads must not push the
    rulebooks every session uses out of `_built`."""
    try:
        return build_rulebook(_texts, origin)
    except UserError as e:
        return e


def build_once(texts: dict[str, bytes], origin: str) -> Rulebook:
    """`build_rulebook`, done once per content and origin however often a page reruns: the rulebook, or the
    same problems raised again."""
    built = _checked(content_hash(texts), origin, texts)
    if isinstance(built, UserError):
        raise built.with_traceback(None)  # Why: a cached error must not collect a traceback per rerun
    return built


def _signature(directory: Path) -> tuple:
    """(name, mtime_ns, size) per rule file: a change detector that costs four stat calls."""
    out: list[tuple[str, int | None, int | None]] = []
    for name in FILES:
        try:
            s = os.stat(directory / name)
            out.append((name, s.st_mtime_ns, s.st_size))
        except OSError:
            out.append((name, None, None))
    return tuple(out)


def location() -> Location:
    """Where the rulebook lives: the database `$ADVISOR_RULES_URL`, else the directory `$ADVISOR_RULES` (or rules/)."""
    return configured() or default_rules_dir()


def _database_state(where: RulesDatabase, state: _RulebookState | None) -> _RulebookState:
    last_good = state.rulebook if state is not None else None
    try:
        marker = db().store_for(where).current_marker()
        if state is not None and state.directory == str(where) and state.signature == marker:
            return state
        stored = db().store_for(where).current()  # checked against its hash: a tampered row is never served
    except UserError as e:
        return _RulebookState(str(where), (), last_good, e)
    if stored is None:
        empty = UserError(f"{where} holds no rulebook yet: publish one with advisor rules push DIR")
        return _RulebookState(str(where), (), last_good, empty)
    built = _built(stored.hash, f"{where}#{stored.number}", stored.texts)
    if isinstance(built, UserError):
        return _RulebookState(str(where), (), last_good, built)
    return _RulebookState(str(where), (stored.number, stored.hash), built, None)


def _rulebook_state() -> _RulebookState:
    where = location()
    if isinstance(where, RulesDatabase):
        found = _database_state(where, st.session_state.get(RULEBOOK_KEY))
        st.session_state[RULEBOOK_KEY] = found
        return found
    directory = where
    signature = _signature(directory)
    state: _RulebookState | None = st.session_state.get(RULEBOOK_KEY)
    if state is not None and state.directory == str(directory) and state.signature == signature:
        return state
    last_good = state.rulebook if state is not None else None
    try:
        texts = read_texts(directory)
    except UserError as e:
        state = _RulebookState(str(directory), signature, last_good, e)
    else:
        digest = content_hash(texts)
        if last_good is not None and last_good.hash == digest and last_good.origin == str(directory):
            state = _RulebookState(str(directory), signature, last_good, None)
        else:
            built = _built(digest, str(directory), texts)
            if isinstance(built, UserError):
                state = _RulebookState(str(directory), signature, last_good, built)
            else:
                state = _RulebookState(str(directory), signature, built, None)
    st.session_state[RULEBOOK_KEY] = state
    return state


def current_rulebook() -> Rulebook:
    """The active rulebook. When the files have never been valid in this session there is none: the page shows
    the problems and stops."""
    state = _rulebook_state()
    if state.rulebook is None:
        st.error(
            "The rulebook cannot be loaded, so the questionnaire is unavailable. Fix these problems in the "
            "rule files (the app picks up the corrected files at the next interaction):"
        )
        st.code(str(state.errors), language=None)
        st.stop()
    return state.rulebook


def rulebook_errors() -> UserError | None:
    """The problems of the rule files on disk when they are invalid (the last good rulebook stays active)."""
    return _rulebook_state().errors


def last_good_rulebook() -> Rulebook | None:
    """The active rulebook, or None when the files have never been valid in this session. Unlike
    `current_rulebook()` it never stops the page: the Rules page uses it, so a broken rulebook can be fixed there."""
    return _rulebook_state().rulebook
