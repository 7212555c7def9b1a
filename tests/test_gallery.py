"""The gallery in diagrams/gallery/ is up to date: rebuild it with `make gallery` when this fails."""
from __future__ import annotations

import json

from advisor import gallery
from advisor.diagram import render, to_dot


def manifest() -> dict:
    return json.loads((gallery.GALLERY / "manifest.json").read_text(encoding="utf-8"))


def test_the_gallery_has_every_example_in_every_style_and_nothing_else():
    expected = set(gallery.diagrams())
    assert set(manifest()["files"]) == expected, "gallery is stale: run `make gallery`"
    assert {p.name for p in gallery.GALLERY.glob("*.svg")} == expected, "gallery is stale: run `make gallery`"


def test_each_gallery_svg_was_drawn_from_the_dot_the_code_builds_today():
    files = manifest()["files"]
    stale = [name for name, digraph in gallery.diagrams().items()
             if files.get(name, {}).get("dot_sha256") != gallery.sha256(to_dot(digraph).encode())]
    assert stale == [], f"gallery is stale for {stale}: run `make gallery`"


def test_each_gallery_svg_is_the_file_the_manifest_records():
    for name, entry in manifest()["files"].items():
        assert gallery.sha256((gallery.GALLERY / name).read_bytes()) == entry["svg_sha256"], name


def test_with_the_same_graphviz_the_gallery_svgs_render_byte_for_byte_again():
    """SVG output is deterministic: on the Graphviz version that drew the gallery, drawing again is identical."""
    if gallery.graphviz_version() != manifest()["graphviz"]:
        import pytest

        pytest.skip(f"gallery drawn with Graphviz {manifest()['graphviz']}, this machine has another")
    for name, digraph in list(gallery.diagrams().items())[::4]:
        assert render(digraph, "svg") == (gallery.GALLERY / name).read_bytes(), name
