"""Identifiers made from user text for the blueprints: safe in every format, stable, and unique.

A service called `Payment "EU"` or `שלום` cannot be a channel id, an operation id or a state name as written:
AsyncAPI component keys allow `[A-Za-z0-9._-]`, a JSON pointer (`$ref`) gives `~` and `/` a meaning, and tools
that generate code from a blueprint want identifiers. So an id is the text's ASCII letters and digits in
PascalCase (accents folded: `Café` -> `Cafe`), at most `LIMIT` characters, else a fallback the caller names
(`Step3`); and each `Ids` hands out every id once, adding `_2`, `_3`, ... to a repeat. The user's text itself
goes into the formats' free-text fields (titles, summaries, comments), escaped by the format's serializer.
"""

from __future__ import annotations

import re
import unicodedata

LIMIT = 60  # Why: an id must stay readable and within tools' limits (ASL state names: 80 characters)
_ASCII_WORDS = re.compile(r"[A-Za-z0-9]+")


def identifier(text: str, limit: int = LIMIT) -> str:
    """`"authorize  card!"` -> `AuthorizeCard`; `""` when the text has no ASCII letter or digit, even folded."""
    folded = unicodedata.normalize("NFKD", text[: limit * 8]).encode("ascii", "ignore").decode("ascii")
    words = _ASCII_WORDS.findall(folded)
    return "".join(w[:1].upper() + w[1:] for w in words)[:limit]


class Ids:
    """One namespace of unique ids (channels, operations, states). Uniqueness ignores case, so two ids never
    differ only in case (some file systems and code generators would merge them)."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._taken = {r.lower() for r in reserved}

    def make(self, text: str, fallback: str, prefix: str = "") -> str:
        """A new id: `prefix` + the identifier of `text` (or `fallback`), with a suffix when already taken."""
        return self.claim(prefix + (identifier(text) or fallback))

    def claim(self, base: str) -> str:
        """`base` itself (already safe: made of identifiers) when free, else `base_2`, `base_3`, ..."""
        candidate, n = base, 2
        while candidate.lower() in self._taken:
            candidate, n = f"{base}_{n}", n + 1
        self._taken.add(candidate.lower())
        return candidate
