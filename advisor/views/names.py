"""Names a person gives (a saved assessment's name): visible text only, so two different names never look alike.

Why: a zero-width space (U+200B), a byte-order mark (U+FEFF) or a bidi control (U+202E RIGHT-TO-LEFT OVERRIDE,
U+2066..U+2069 isolates) is invisible or reorders what follows; "Checkout\u200b" would show as a second
"Checkout", and an override can make a name read backwards in the list. Unicode classes these as format (Cf),
control (Cc), line and paragraph separator (Zl, Zp), surrogate (Cs) and unassigned (Cn) characters: refused.
"""

from __future__ import annotations

import unicodedata

from advisor.errors import UserError

_HIDDEN = {"Cc": "a control character", "Cf": "an invisible formatting or direction character"}
_HIDDEN |= {"Zl": "a line separator", "Zp": "a paragraph separator", "Cs": "a lone surrogate"}
_HIDDEN |= {"Cn": "an unassigned code point"}


def hidden_character(name: str) -> str | None:
    """A sentence naming the first invisible or direction-changing character of `name`, or None when it has none."""
    for ch in name:
        kind = _HIDDEN.get(unicodedata.category(ch))
        if kind:
            label = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}{f' ({label})' if label else ''}, {kind}"
    return None


def check_visible(name: str, what: str = "a name") -> str:
    """`name` unchanged when every character shows; else a `UserError` naming the first one that does not."""
    found = hidden_character(name)
    if found:
        raise UserError(f"{what} cannot contain {found}: it would look like another name; remove it")
    return name
