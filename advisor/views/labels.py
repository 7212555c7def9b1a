"""User text made fit for a drawing or a document: cleaned, wrapped, shortened, escaped for each target; and
the one wording of a rule's points.

Every service name, action, event and workflow name a user types passes through here before it reaches DOT,
an HTML-like Graphviz label, Mermaid, SVG, HTML or Markdown (the report's, or Streamlit's). Cleaning keeps the
text as written (emoji, right-to-left scripts, quotes, backslashes) and removes only what no output format can
hold: control characters, lone surrogates and Unicode non-characters (invalid in XML, so in SVG and HTML).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping

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
        elif code in (0xFFFE, 0xFFFF) or 0xFDD0 <= code <= 0xFDEF or unicodedata.category(ch) == "Cc":
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
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


# ---------------------------------------------------------------- Markdown
_MD_SPECIAL = frozenset("\\`*_[]<>&|~#")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MD_STREAMLIT = str.maketrans({ch: "\\" + ch for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
_MD_LIST_START = re.compile(r"^(\d+)([.)])")
# Where Streamlit's Markdown would make a link of plain text (GFM autolink literals, found in the text after
# escapes are resolved, so escaping cannot stop them): `http://`, `https://`, `www.`, and `name@domain`.
_MD_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"  # invisible, and no URL or e-mail address character


def md_inline(text: str, *, streamlit: bool = False) -> str:
    """Text shown literally in Markdown, on one line, not at a line start (there: `md_line`).

    For documents (the default: the report, the ADR, the rules diff): the text cleaned (`clean`) and trimmed;
    the inline markup characters \\ ` * _ [ ] | ~ # backslash-escaped and `<`, `>`, `&` written as entities, so
    it shows as typed in a paragraph, list item, heading or table cell, and raw HTML is text.

    `streamlit=True`, for labels, titles and captions of the web app: Streamlit's Markdown adds :emoji:,
    :material/icon:, :color[...] and $math$ to CommonMark, so every ASCII punctuation character is
    backslash-escaped (checked in a browser) and newlines fold to spaces. It also links URLs and e-mail addresses
    in plain text whatever the escapes, so an invisible word joiner (U+2060) goes where a link would start
    (`http⁠://`, `www⁠.`, `a⁠@b`): the text looks the same and is no link. Nothing else changes.
    """
    if streamlit:
        return _MD_AUTOLINK.sub(WORD_JOINER, " ".join(str(text).splitlines())).translate(_MD_STREAMLIT)
    return "".join(_MD_ENTITIES.get(ch, "\\" + ch) if ch in _MD_SPECIAL else ch for ch in clean(text).strip())


def md_line(text: str) -> str:
    """Like `md_inline` (for documents), for text that starts a line: a leading `-`, `+`, `=` or `1.` would make a
    list or a heading underline, so it is escaped too."""
    out = md_inline(text)
    if out[:1] in ("-", "+", "="):
        return "\\" + out
    return _MD_LIST_START.sub(r"\1\\\2", out, count=1)


# ---------------------------------------------------------------- points
def signed(points: float) -> str:
    """Points with their sign: `+3`, `-2`, `+0`; a share of points (a float) to 3 significant digits, `+1.5`."""
    return f"{points:+d}" if isinstance(points, int) else f"{points:+.3g}"


def effect_text(effect: Iterable[tuple[str, float]], names: Mapping[str, str] | None = None) -> str:
    """What a rule or an answer pushes, in words: `(("orchestration", 3), ("hybrid", 2))` (see
    `advisor.rulebook.formats.points_by_style`) -> `+3 orchestration, +2 hybrid`; `names` words the styles."""
    return ", ".join(f"{signed(p)} {names[s] if names else s}" for s, p in effect)
