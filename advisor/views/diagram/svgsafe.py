"""The last line of defence for exported SVG: no script, no event handler, no link, whatever the names were.

The builder already escapes every user string and never sets a link or tooltip attribute, so Graphviz's SVG
should hold nothing active. This module checks that on the real output, and removes what should not be there
if it ever is: elements outside an allow-list (script, foreignObject, a, ...), `on*` attributes, links that
do not point inside the document, and `javascript:`-style values. It also drops the comments and doctype
Graphviz writes (they name the Graphviz version, which would make output differ between machines).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ALLOWED_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "title",
        "desc",
        "polygon",
        "polyline",
        "path",
        "ellipse",
        "circle",
        "rect",
        "line",
        "text",
        "tspan",
        "defs",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
    }
)
_UNWRAP = frozenset({"a"})  # a link around a node: keep the drawing, drop the link
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>\s*", re.S)
_ACTIVE_VALUE = re.compile(r"(javascript|vbscript|data|livescript)\s*:|expression\s*\(|url\s*\(", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def sanitize_svg(svg: str) -> str:
    """SVG text without comments, doctype or anything active; unchanged otherwise (so output stays stable)."""
    text = _DOCTYPE.sub("", _COMMENT.sub("", svg))
    if "<!ENTITY" in text:  # entity declarations survive only inside a doctype we failed to remove: refuse
        raise ValueError("SVG with entity declarations refused")
    root = ET.fromstring(text.encode("utf-8"))
    if not _clean(root):
        return text
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _bad_attribute(name: str, value: str) -> bool:
    local = _local(name).lower()
    if local.startswith("on"):
        return True
    squeezed = _INVISIBLE.sub("", value)
    if local in ("href", "src", "action", "formaction", "xlink:href") and not squeezed.startswith("#"):
        return True
    return bool(_ACTIVE_VALUE.search(squeezed))


def _clean(element: ET.Element) -> bool:
    """Remove active content below and on `element`; True when anything was removed."""
    changed = False
    for name in [n for n, v in element.attrib.items() if _bad_attribute(n, v)]:
        del element.attrib[name]
        changed = True
    index = 0
    while index < len(element):
        child = element[index]
        tag = _local(child.tag)
        if tag in _UNWRAP:
            element.remove(child)
            for offset, grandchild in enumerate(list(child)):
                element.insert(index + offset, grandchild)
            changed = True
            continue
        if tag not in ALLOWED_ELEMENTS:
            element.remove(child)
            changed = True
            continue
        changed = _clean(child) or changed
        index += 1
    return changed


def inline_svg(svg: str) -> str:
    """The `<svg>` element alone (no XML declaration), for embedding in an HTML page."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    return svg[start:].strip() + "\n"
