"""User text made fit for a drawing or a document: cleaned, wrapped, shortened, escaped for each target.

Every service name, action, event and workflow name a user types passes through here before it reaches DOT,
an HTML-like Graphviz label, Mermaid, SVG or HTML. Cleaning keeps the text as written (emoji, right-to-left
scripts, quotes, backslashes) and removes only what no output format can hold: control characters, lone
surrogates and Unicode non-characters (invalid in XML, so in SVG and HTML).
"""
from __future__ import annotations

import textwrap
import unicodedata

ELLIPSIS = "\u2026"
_LINE_BREAKS = {"\n", "\r", "\t", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


def clean(text: str) -> str:
    """The text on one line: line breaks and tabs become spaces; control characters and invalid code points go.

    Why not collapse spaces too: reports show names exactly as written; drawings collapse them in `wrap`.
    """
    out = []
    for ch in text:
        if ch in _LINE_BREAKS:
            out.append(" ")
            continue
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (possible from a YAML "\ud800" escape)
            out.append("\ufffd")
        elif code in (0xFFFE, 0xFFFF) or 0xFDD0 <= code <= 0xFDEF:
            continue
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters; a shortened text ends with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def wrap(text: str, width: int, lines: int) -> list[str]:
    """Cleaned text in at most `lines` lines of about `width` characters; what does not fit is shortened."""
    words = " ".join(clean(text).split())
    if not words:
        return [""]
    # Why a cap before wrapping: textwrap on a 10,000-character word is slow and we keep only `lines` lines.
    words = words[: width * lines * 2 + 1]
    wrapped = textwrap.wrap(words, width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + ELLIPSIS
    return wrapped


def graphviz_html(text: str) -> str:
    r"""Text for a Graphviz HTML-like label: markup characters as entities, and backslashes doubled.

    Why doubled: Graphviz expands `\N` (node name), `\G` (graph name) and friends even inside HTML-like labels,
    after decoding entities; only `\\` stands for a literal backslash there.
    """
    return html_text(text).replace("\\", "\\\\")


def html_text(text: str) -> str:
    """Text for an HTML-like Graphviz label or an HTML document: the five markup characters as entities.

    Why our own and not `html.escape`: Graphviz's HTML-like labels know decimal entities; we avoid `&#x27;`.
    """
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
