"""The gallery: every example of `examples/` drawn in each style, as SVG in `diagrams/gallery/` (`make gallery`).

`manifest.json` records, per file, the sha256 of the DOT it was drawn from and of the SVG, and everything else
that decides the SVG bytes: the Graphviz version and, for each font family the theme names, the font file
fontconfig resolves it to, with its sha256. `tests/test_gallery.py` fails when the gallery is stale: when a DOT
built now differs from the one recorded (a change to the drawing, the theme or an example), or an SVG differs
from the manifest; on a machine whose Graphviz and fonts match the manifest, drawing again must give the same bytes.

    python -m advisor.views.diagram.gallery            # write the gallery
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import graphviz

from advisor.engine.answers import read_answers
from advisor.engine.evaluate import evaluate
from advisor.files import write_atomic
from advisor.resources import EXAMPLES
from advisor.rulebook.formats import STYLES
from advisor.rulebook.loading import load_rulebook
from advisor.views.diagram.dot import build_diagram, render, to_dot
from advisor.views.diagram.theme import load_theme

# Why a checkout path: the gallery is documentation of the repository, redrawn by `make gallery` there.
ROOT = Path(__file__).resolve().parents[3]
GALLERY = ROOT / "diagrams" / "gallery"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def graphviz_version() -> str:
    """`dot -V` in a word ("2.43.0"): SVG bytes are only comparable between equal versions."""
    done = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    words = done.stderr.split()
    return words[words.index("version") + 1] if "version" in words else done.stderr.strip()


def theme_font_families() -> list[str]:
    """The distinct `fontname` values of the theme (graph, node, edge and per-kind looks), sorted."""
    theme = load_theme()
    looks = [theme.graph, theme.node, theme.edge, *theme.nodes.values(), *theme.edges.values()]
    return sorted({str(look["fontname"]) for look in looks if look.get("fontname")})


def resolved_fonts() -> dict[str, dict[str, str]]:
    """`{family list: {"file": path, "sha256": digest}}`: the font file fontconfig picks for each theme family.

    Why fc-match: Graphviz lays out text through pango, which asks fontconfig for the same family list; the file
    it resolves to (and its version, hence the hash) decides every text width and so every coordinate.
    """
    out = {}
    for family in theme_font_families():
        done = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True, text=True, check=False)
        path = done.stdout.strip()
        digest = sha256(Path(path).read_bytes()) if path and Path(path).is_file() else "missing"
        out[family] = {"file": path or "none", "sha256": digest}
    return out


def render_environment() -> dict[str, object]:
    """What decides the SVG bytes besides the DOT: the Graphviz version and the resolved font files."""
    return {"graphviz": graphviz_version(), "fonts": resolved_fonts()}


def diagrams() -> dict[str, graphviz.Digraph]:
    """`{file name: diagram}` of every example in every style, in a stable order."""
    rulebook = load_rulebook()
    out = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        answers = read_answers(str(path), rulebook)
        ev = evaluate(rulebook, answers)
        for style in STYLES:
            out[f"{path.stem}-{style}.svg"] = build_diagram(ev, style)
    return out


def build() -> dict[str, Any]:
    """Render the gallery into `diagrams/gallery/` and return the manifest written with it (a JSON document)."""
    GALLERY.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, digraph in diagrams().items():
        dot = to_dot(digraph)
        svg = render(digraph, "svg")
        write_atomic(GALLERY / name, svg)
        files[name] = {"dot_sha256": sha256(dot.encode()), "svg_sha256": sha256(svg)}
    for stale in GALLERY.glob("*.svg"):
        if stale.name not in files:
            stale.unlink()
    manifest = {**render_environment(), "regenerate": "make gallery", "files": files}
    write_atomic(GALLERY / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def main() -> int:
    manifest = build()
    print(f"wrote {len(manifest['files'])} diagrams to {GALLERY.relative_to(ROOT)}/ (Graphviz {manifest['graphviz']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
