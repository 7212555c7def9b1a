"""JSON text from a share link or a spreadsheet cell, with the same nesting limit as YAML (`yamlsafe.MAX_DEPTH`).

Why a depth check before `json.loads`: the standard parser recurses once per `[` or `{`, so 1,000 of them raise
`RecursionError`, which is not a `ValueError` and would reach the user as a traceback. Counting the brackets
outside strings first costs one linear pass and refuses the text before the parser sees it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from advisor.rulebook.yamlsafe import MAX_DEPTH

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """The deepest nesting of `[` and `{` in `text`, brackets inside JSON strings not counted."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads(text)`, or `ValueError` (never `RecursionError`) when it nests deeper than `max_depth`."""
    if nesting_depth(text) > max_depth:
        raise ValueError(f"nesting too deep (limit {max_depth} levels)")
    return json.loads(text)
