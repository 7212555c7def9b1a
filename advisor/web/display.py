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


# The kinds of SVG box: (alt text, how it starts, the most height it takes). Constants only: the builder's output is
# one of these fixed wrappers around base64, whatever the SVG says.
#   natural: at the SVG's own size; readable: the box's width, but never below 75% of its own size (text stays
#   about 11 px or more; the box then scrolls) nor above 100%; fit: the whole width in the box, never enlarged.
SVG_KINDS: dict[str, tuple[str, str, str]] = {
    "sequence": ("Sequence of messages", "natural", "none"),
    "diagram": ("Diagram of the services", "readable", "80vh"),
    "preview": ("Preview of the services", "readable", "560px"),
    "side": ("Diagram of the services", "fit", "80vh"),
}

_STYLE = (
    "<style>"
    ".advisor-svg{position:relative}"
    ".advisor-svg .advisor-bar{display:flex;gap:4px;align-items:center;flex-wrap:wrap;margin:0 0 4px}"
    ".advisor-svg .advisor-bar button{font:inherit;font-size:13px;line-height:1;padding:4px 9px;border-radius:6px;"
    "border:1px solid #c9d1dc;background:#fff;color:#102a43;cursor:pointer}"
    ".advisor-svg .advisor-bar button:hover{border-color:#1f4e79}"
    ".advisor-svg .advisor-level{font-size:12px;color:#52606d;min-width:3.5em;text-align:right}"
    ".advisor-svg .advisor-hint{font-size:12px;color:#6b7a8f;margin-left:auto}"
    ".advisor-svg .advisor-view{overflow:auto;border:1px solid #e6e9ef;border-radius:6px;background:#fff;"
    "cursor:grab;overscroll-behavior:contain}"
    ".advisor-svg .advisor-view.advisor-dragging{cursor:grabbing;user-select:none}"
    ".advisor-svg .advisor-view img{display:block;max-width:none;margin:0 auto}"
    ".advisor-svg:fullscreen{background:#fff;padding:12px;display:flex;flex-direction:column}"
    ".advisor-svg:fullscreen .advisor-view{max-height:none!important;flex:1}"
    "</style>"
)
_BAR = (
    '<div class="advisor-bar" role="toolbar" aria-label="Zoom">'
    '<button type="button" data-act="out" title="Zoom out" aria-label="Zoom out">\u2212</button>'
    '<span class="advisor-level" aria-live="polite">100%</span>'
    '<button type="button" data-act="in" title="Zoom in" aria-label="Zoom in">+</button>'
    '<button type="button" data-act="fit" title="The whole drawing in view">Fit</button>'
    '<button type="button" data-act="one" title="At its own size">100%</button>'
    '<button type="button" data-act="full" title="Full screen (Esc to leave)">Full screen</button>'
    '<span class="advisor-hint">drag to pan; Ctrl + wheel to zoom</span>'
    "</div>"
)
# Why a script: zoom and pan need one; it is this constant (no user text, nothing fetched), run by st.html with
# unsafe_allow_javascript=True only for this builder's output (tests/test_reliability.py checks both).
_SCRIPT = """<script>(function () {
  var box = document.currentScript.parentElement;
  var view = box.querySelector('.advisor-view'), img = view.querySelector('img');
  var level = box.querySelector('.advisor-level'), start = box.getAttribute('data-start');
  var scale = 1, mode = start, drag = null;
  function fit() {
    var w = view.clientWidth / (img.naturalWidth || 1);
    var h = document.fullscreenElement === box ? view.clientHeight / (img.naturalHeight || 1) : Infinity;
    return Math.min(1, w, h);
  }
  function wanted() {
    if (mode === 'natural') return 1;
    if (mode === 'readable') return Math.min(1, Math.max(0.75, fit()));
    return fit();
  }
  function apply(s, cx, cy) {
    s = Math.min(4, Math.max(0.1, s));
    var x = (view.scrollLeft + (cx || 0)) / scale, y = (view.scrollTop + (cy || 0)) / scale;
    scale = s;
    img.style.width = Math.round((img.naturalWidth || 1) * s) + 'px';
    view.scrollLeft = x * s - (cx || 0);
    view.scrollTop = y * s - (cy || 0);
    level.textContent = Math.round(s * 100) + '%';
    box.setAttribute('data-scale', s.toFixed(3));
  }
  function reset() { if (mode !== 'manual') apply(wanted()); }
  box.querySelector('.advisor-bar').addEventListener('click', function (e) {
    var act = e.target.closest('button') && e.target.closest('button').getAttribute('data-act');
    if (act === 'in' || act === 'out') {
      mode = 'manual';
      apply(scale * (act === 'in' ? 1.25 : 0.8), view.clientWidth / 2, view.clientHeight / 2);
    } else if (act === 'fit') { mode = 'fit'; reset(); }
    else if (act === 'one') { mode = 'natural'; reset(); }
    else if (act === 'full' && box.requestFullscreen) {
      if (document.fullscreenElement === box) document.exitFullscreen(); else box.requestFullscreen();
    }
  });
  view.addEventListener('wheel', function (e) {
    if (!(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    var r = view.getBoundingClientRect();
    mode = 'manual';
    apply(scale * Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top);
  }, {passive: false});
  view.addEventListener('pointerdown', function (e) {
    if (e.pointerType !== 'mouse' || e.button !== 0) return;
    drag = [e.clientX, e.clientY, view.scrollLeft, view.scrollTop];
    view.classList.add('advisor-dragging');
    view.setPointerCapture(e.pointerId);
  });
  view.addEventListener('pointermove', function (e) {
    if (!drag) return;
    view.scrollLeft = drag[2] - (e.clientX - drag[0]);
    view.scrollTop = drag[3] - (e.clientY - drag[1]);
  });
  function stop() { drag = null; view.classList.remove('advisor-dragging'); }
  view.addEventListener('pointerup', stop);
  view.addEventListener('pointercancel', stop);
  document.addEventListener('fullscreenchange', function () {
    if (mode === 'manual') mode = start;
    reset();
  });
  if (window.ResizeObserver) new ResizeObserver(reset).observe(view);
  if (img.complete && img.naturalWidth) reset(); else img.addEventListener('load', reset);
})();</script>"""


def scrolling_svg_html(svg: str, kind: str = "sequence") -> str:
    """An SVG as an <img> in a box that zooms (buttons, Ctrl + wheel, full screen) and pans (drag, scroll): the one
    raw-HTML builder whose input is not a constant. `kind` (a key of `SVG_KINDS`) sets the alt text, the starting
    size and the most height the box takes. Why safe: the SVG travels only as base64 (letters, digits, `+/=`)
    inside a constant wrapper (one per kind) with a constant script, so no text in it can become markup or code;
    and as an <img> an SVG cannot run anything (tests/test_reliability.py)."""
    if kind not in SVG_KINDS:
        raise ValueError(f"unknown kind of SVG box {kind!r}; expected one of {', '.join(SVG_KINDS)}")
    alt, start, height = SVG_KINDS[kind]
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<div class="advisor-svg advisor-{kind}" data-start="{start}">{_STYLE}{_BAR}'
        f'<div class="advisor-view" style="max-height:{height}"><img alt="{alt}" draggable="false" '
        f'src="data:image/svg+xml;base64,{data}"></div>{_SCRIPT}</div>'
    )
