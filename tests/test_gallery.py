"""The gallery in diagrams/gallery/ is up to date: rebuild it with `make gallery` when this fails."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from advisor.views.diagram import gallery
from advisor.views.diagram.dot import render, to_dot

ROOT = Path(__file__).resolve().parent.parent


def manifest() -> dict:
    return json.loads((gallery.GALLERY / "manifest.json").read_text(encoding="utf-8"))


def test_the_gallery_has_every_example_in_every_style_and_nothing_else():
    expected = set(gallery.diagrams())
    assert set(manifest()["files"]) == expected, "gallery is stale: run `make gallery`"
    assert {p.name for p in gallery.GALLERY.glob("*.svg")} == expected, "gallery is stale: run `make gallery`"


def test_each_gallery_svg_was_drawn_from_the_dot_the_code_builds_today():
    files = manifest()["files"]
    stale = [
        name
        for name, digraph in gallery.diagrams().items()
        if files.get(name, {}).get("dot_sha256") != gallery.sha256(to_dot(digraph).encode())
    ]
    assert stale == [], f"gallery is stale for {stale}: run `make gallery`"


def test_each_gallery_svg_is_the_file_the_manifest_records():
    for name, entry in manifest()["files"].items():
        assert gallery.sha256((gallery.GALLERY / name).read_bytes()) == entry["svg_sha256"], name


def test_drawing_the_same_diagram_twice_gives_the_same_svg_bytes():
    """Determinism on this machine, whatever its fonts: no ids, dates or random layout in the SVG."""
    for name, digraph in list(gallery.diagrams().items())[::4]:
        assert render(digraph, "svg") == render(digraph, "svg"), name


def environment_differences(recorded: dict, here: dict) -> list[str]:
    """What differs between the manifest's Graphviz and fonts and this machine's, in words."""
    out = []
    if recorded.get("graphviz") != here["graphviz"]:
        out.append(f"Graphviz {here['graphviz']} here, {recorded.get('graphviz')} in the manifest")
    for family, font in here["fonts"].items():
        theirs = recorded.get("fonts", {}).get(family)
        if theirs != font:
            out.append(
                f"{family!r} resolves to {font['file']} ({font['sha256'][:12]}) here, "
                f"{theirs and theirs['file']} ({theirs and theirs['sha256'][:12]}) in the manifest"
            )
    return out


def test_with_the_same_graphviz_and_fonts_the_gallery_svgs_render_byte_for_byte_again():
    """Where everything that decides the bytes matches the manifest, drawing again is identical."""
    differences = environment_differences(manifest(), gallery.render_environment())
    if differences:
        pytest.skip("not compared byte for byte: " + "; ".join(differences) + " (determinism is checked above)")
    for name, digraph in gallery.diagrams().items():
        assert render(digraph, "svg") == (gallery.GALLERY / name).read_bytes(), name


def setup_font_packages() -> list[str]:
    """The font packages of scripts/debian-packages.txt: the only fonts a machine set up by setup.sh is sure to have."""
    lines = (ROOT / "scripts" / "debian-packages.txt").read_text(encoding="utf-8").splitlines()
    names = [line.split("#")[0].strip() for line in lines]
    return [name for name in names if name.startswith("fonts-")]


def only_setup_fonts_config(tmp_path: Path) -> Path:
    """A fontconfig file that sees only the font files of the packages setup installs, as a new machine would."""
    dirs = set()
    for package in setup_font_packages():
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
        if listed.returncode != 0:
            pytest.skip(f"the Debian package {package} that setup installs is not installed here")
        dirs |= {str(Path(f).parent) for f in listed.stdout.split() if f.endswith((".ttf", ".otf", ".ttc"))}
    entries = "".join(f"<dir>{d}</dir>" for d in sorted(dirs))
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{entries}'
        f"<cachedir>{tmp_path / 'cache'}</cachedir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>',
        encoding="utf-8",
    )
    return config


def test_a_machine_with_only_the_fonts_setup_installs_draws_the_gallery_byte_for_byte(tmp_path, monkeypatch):
    """The gallery depends on no font that setup does not install: fontconfig limited to those draws the same."""
    if gallery.graphviz_version() != manifest()["graphviz"]:
        pytest.skip(
            f"gallery drawn with Graphviz {manifest()['graphviz']}, this machine has {gallery.graphviz_version()}"
        )
    monkeypatch.setenv("FONTCONFIG_FILE", str(only_setup_fonts_config(tmp_path)))
    assert gallery.resolved_fonts() == manifest()["fonts"]
    for name, digraph in list(gallery.diagrams().items())[::3]:
        assert render(digraph, "svg") == (gallery.GALLERY / name).read_bytes(), name
