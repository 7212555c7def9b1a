"""PyYAML, imported without building the one regular expression it compiles at import and we never use.

Why: `yaml.reader` compiles `Reader.NON_PRINTABLE` (every character YAML forbids, up to U+10FFFF) in its class
body, 7.7 ms of a cold `advisor recommend` of about 70 (measured here, Python 3.11; upstream: yaml/pyyaml#124
and #301, open since 2018). Only PyYAML's pure-Python reader reads it; we parse with libyaml (`CSafeLoader`,
`advisor.rulebook.yamlsafe`), which checks the characters itself. So while PyYAML is imported, that one pattern
is compiled on first use instead; every other pattern, and every other caller of `re.compile` meanwhile, gets
the usual compiled pattern. The pure-Python reader (no libyaml) still gets the same checks, a little later.

Every module imports PyYAML from here (`from advisor.pyyaml import yaml`), so whichever comes first defers it.
"""

from __future__ import annotations

import re
from typing import Any

# yaml/reader.py's pattern, character for character (tests/test_pyyaml.py checks it still is PyYAML's)
NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class Deferred:
    """A regular expression compiled when first used; then it is the compiled pattern in all but its type."""

    __slots__ = ("_compiled", "_pattern")

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._pattern)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"Deferred({self._pattern!r})"


_compile_now = re.compile


def _deferring(pattern: Any, flags: int = 0) -> Any:
    """`re.compile` while PyYAML is imported: NON_PRINTABLE deferred, any other pattern compiled as usual."""
    if pattern == NON_PRINTABLE and not flags:
        return Deferred(pattern)
    return _compile_now(pattern, flags)


re.compile = _deferring  # only for the import below (imported already elsewhere: nothing is compiled again)
try:
    import yaml
finally:
    re.compile = _compile_now

__all__ = ["yaml"]
