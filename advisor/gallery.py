"""The gallery: every example of `examples/` drawn in each style, as SVG in `diagrams/gallery/` (`make gallery`).

`manifest.json` records, per file, the sha256 of the DOT it was drawn from and of the SVG, and the Graphviz
version. `tests/test_gallery.py` fails when the gallery is stale: when a DOT built now differs from the one
recorded (a change to the drawing, the theme or an example), or an SVG differs from the manifest.

    python -m advisor.gallery            # write the gallery
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import graphviz

from advisor.answers import read_answers
from advisor.diagram import build_diagram, render, to_dot
from advisor.engine import evaluate
from advisor.files import write_atomic
from advisor.models import STYLES
from advisor.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GALLERY = ROOT / "diagrams" / "gallery"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def graphviz_version() -> str:
    """`dot -V` in a word ("2.43.0"): SVG bytes are only comparable between equal versions."""
    done = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    words = done.stderr.split()
    return words[words.index("version") + 1] if "version" in words else done.stderr.strip()


def diagrams() -> dict[str, "graphviz.Digraph"]:
    """`{file name: diagram}` of every example in every style, in a stable order."""
    rulebook = load_rulebook()
    out = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        answers = read_answers(str(path), rulebook)
        ev = evaluate(rulebook, answers.traits, answers.steps, answers.workflow)
        for style in STYLES:
            out[f"{path.stem}-{style}.svg"] = build_diagram(ev, rulebook, style)
    return out


def build() -> dict[str, object]:
    """Render the gallery into `diagrams/gallery/` and return the manifest written with it."""
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
    manifest = {"graphviz": graphviz_version(), "regenerate": "make gallery", "files": files}
    write_atomic(GALLERY / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def main() -> int:
    manifest = build()
    print(f"wrote {len(manifest['files'])} diagrams to {GALLERY.relative_to(ROOT)}/ (Graphviz {manifest['graphviz']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
