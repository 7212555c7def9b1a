"""Text for display in the web app: user and rulebook strings shown literally in Streamlit's Markdown, user
errors as plain lines, and safe download file names. Pure (no streamlit import)."""

from __future__ import annotations

import base64
import re

from advisor.errors import UserError
from advisor.views.labels import md_inline


def md_literal(text: str) -> str:
    """Markdown that Streamlit shows as exactly `text`: `advisor.views.labels.md_inline(text, streamlit=True)`.
    For labels, titles and captions that carry user or rulebook text."""
    return md_inline(text, streamlit=True)


def error_text(error: UserError) -> str:
    """A user error as lines of plain text: `FILE:LINE:COL: path: message`, or only the message when it has no
    place (str() of such a problem would start with a stray ': ')."""
    return "\n".join(str(p) if (p.file or p.path) else p.message for p in error.problems)


def file_stem(workflow: str | None) -> str:
    """A safe file name stem for downloads: the workflow's name in lower-case ASCII words, or "workflow"."""
    words = re.findall(r"[a-z0-9]+", (workflow or "").lower())
    return "-".join(words)[:60].strip("-") or "workflow"


SVG_BOX_CLASS = "advisor-sequence"


def scrolling_svg_html(svg: str) -> str:
    """An SVG as an <img> at its own size in a box that scrolls sideways: the one raw-HTML builder whose input is
    not a constant. Why safe: the SVG travels only as base64 (letters, digits, `+/=`) inside a constant wrapper,
    so no text in it can become markup; and as an <img> an SVG cannot run anything (tests/test_reliability.py)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<div class="{SVG_BOX_CLASS}" style="overflow-x:auto"><img alt="Sequence of messages" '
        f'style="max-width:none" src="data:image/svg+xml;base64,{data}"></div>'
    )
