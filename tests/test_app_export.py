"""The export & import page (AppTest): downloads that re-import exactly, imports that refuse bad files without
touching the current answers, the share link, and what happens without the Graphviz binary."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from app_helpers import download, example, open_app, shown, stored_answers, texts

from advisor.engine.answers import Answers, dump_yaml, from_query_params, parse_answers
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.yamlsafe import MAX_BYTES
from advisor.views.diagram.dot import INSTALL_HINT, build_diagram, to_dot

HOSTILE = Answers(
    {"ordering": "strict", "compensation": True},
    tuple(
        Step(service=n, action=n, compensation=n)
        for n in ["<img src=x onerror=alert(1)>", "say \"hi\" 'there'", "C:\\dir\\", "order:svc", "🚀 :smile:"]
    ),
    "<script>alert(1)</script> $x$ :rocket:",
)


@pytest.mark.parametrize(
    "key, filename",
    [
        ("download-answers-yaml", "order-checkout.answers.yaml"),
        ("download-answers-json", "order-checkout.answers.json"),
    ],
)
def test_downloaded_answers_re_import_to_exactly_the_same_answers(rulebook, key, filename):
    answers = example("order-checkout")
    at = open_app("export", answers)

    data, name = download(at, key)

    assert name == filename
    assert parse_answers(data, name, rulebook) == answers


def test_answers_with_hostile_names_survive_the_download_and_re_import(rulebook):
    at = open_app("export", HOSTILE)

    data, _ = download(at, "download-answers-yaml")

    assert parse_answers(data, "a.yaml", rulebook) == HOSTILE


def test_the_diagram_downloads_are_the_dot_source_and_its_renderings(rulebook):
    answers = example("order-checkout")
    ev = evaluate(rulebook, answers)
    at = open_app("export", answers)

    dot, _ = download(at, "download-dot")
    svg, _ = download(at, "download-svg")
    png, _ = download(at, "download-png")

    assert dot.decode() == to_dot(build_diagram(ev))
    assert svg.startswith(b"<?xml") and b"Payment" in svg
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_diagram_style_can_be_chosen_for_export(rulebook):
    answers = example("order-checkout")
    ev = evaluate(rulebook, answers)
    at = open_app("export", answers)

    at.radio(key="export-style").set_value("choreography").run()

    assert download(at, "download-dot")[0].decode() == to_dot(build_diagram(ev, "choreography"))


def test_without_the_dot_binary_dot_still_downloads_and_svg_png_say_how_to_install(monkeypatch, tmp_path, rulebook):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    answers = Answers({"audit": True}, (Step(service="Nodot", action="draw"),), "No graphviz here")

    at = open_app("export", answers)

    keys = {d.key for d in at.download_button}
    assert "download-dot" in keys
    assert not keys & {"download-svg", "download-png"}
    assert INSTALL_HINT in [w.value for w in at.warning]
    assert b"Nodot" in download(at, "download-dot")[0]
    assert b"Graphviz is not installed" in download(at, "download-report-html")[0]


@pytest.mark.parametrize(
    "key, marker",
    [
        ("download-report-md", b"Order checkout"),
        ("download-report-html", b"<!DOCTYPE html>"),
        ("download-report-pdf", b"%PDF-"),
        ("download-adr", b"## Decision Outcome"),
    ],
)
def test_each_report_format_downloads(key, marker):
    at = open_app("export", example("order-checkout"))

    data, _ = download(at, key)

    assert marker in data


def test_the_share_link_restores_exactly_these_answers(rulebook):
    answers = HOSTILE
    at = open_app("export", answers)

    link = at.code[0].value
    params = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))

    restored, problems = from_query_params(params, rulebook)
    assert problems == []
    assert restored == answers


def uploaded(at, name: str, data: bytes):
    at.file_uploader(key="import-file").set_value((name, data, "application/octet-stream")).run()
    return at


def test_an_uploaded_answers_file_replaces_the_answers_when_confirmed(rulebook):
    at = open_app("export", Answers({"teams": 9}))
    incoming = example("travel-booking")

    uploaded(at, "travel.yaml", dump_yaml(incoming).encode())
    assert stored_answers(at) == Answers({"teams": 9})
    at.button(key="import-apply").click().run()

    assert stored_answers(at) == incoming
    assert at.success
    at.switch_page("pages/questionnaire.py").run()
    assert at.text_input(key="workflow-name").value == incoming.workflow
    assert at.radio(key="ordering").value == incoming.traits["ordering"]


BAD_UPLOADS = {
    "malformed YAML": ("broken.yaml", b"traits: {ordering: strict\n", "YAML syntax error"),
    "too large": ("big.yaml", b"traits: {}\n" + b"#" * (MAX_BYTES + 10), "too large"),
    "not UTF-8": ("latin1.yaml", "workflow: Café\n".encode("latin-1"), "UTF-8"),
    "unknown question": ("unknown.yaml", b"traits: {ordering: strict, colour: blue}\n", "unknown question 'colour'"),
    "invalid value": ("bad.yaml", b"traits: {ordering: sometimes}\n", "invalid value"),
    "a binary file": ("image.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00", ""),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_the_problem_named_and_the_answers_unchanged(case):
    name, data, problem = BAD_UPLOADS[case]
    before = example("order-checkout")
    at = open_app("export", before)

    uploaded(at, name, data)

    message = shown(at.error[0].value)
    assert "cannot be imported; your current answers are unchanged" in message
    assert name in message and problem in message
    assert not [b for b in at.button if b.key == "import-apply"]
    assert stored_answers(at) == before
    assert not at.exception


def test_hostile_names_are_shown_literally_on_the_page():
    at = open_app("export", Answers({}, (), "<img src=x onerror=alert(1)> :smile:"))

    uploaded(at, "<b>evil</b>.yaml", b"workflow: '<script>x</script> $y$'\n")

    assert "<b>evil</b>.yaml" in texts(at) and "<script>x</script> $y$" in texts(at)


def test_without_weasyprint_the_pdf_button_says_how_to_install_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "weasyprint" else real(name, *a))

    at = open_app("export", example("order-checkout"))

    assert "download-report-pdf" not in {d.key for d in at.download_button}
    assert "PDF export needs WeasyPrint" in texts(at)
    assert "download-report-html" in {d.key for d in at.download_button}
