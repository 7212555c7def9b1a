"""The bad-input catalogue's remaining cases (../shared/RELIABILITY.md), each as a test.

Most cases are tested where their feature is (the table in docs/bad-input.md says where). These are the ones no
other file covers: caps that name their limit, characters YAML cannot carry, diagrams too large or too slow,
user text kept out of link and tooltip attributes, and no raw HTML anywhere in the app.
"""

from __future__ import annotations

import ast
import json
import re

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis.strategies import sampled_from
from hypothesis.strategies import text as st_text

from advisor.engine.answers import Answers, dump_json, dump_yaml, parse_answers, read_answers
from advisor.errors import UserError
from advisor.rulebook.loading import build_rulebook
from advisor.rulebook.yamlsafe import MAX_BYTES
from advisor.web.display import SVG_KINDS


def problems_of(load) -> list:
    with pytest.raises(UserError) as caught:
        load()
    return caught.value.problems


# ---------------------------------------------------------------- characters YAML cannot carry
@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x9f", "\ufffe"])
def test_a_control_character_in_an_answers_file_is_named_at_its_line_and_column(rulebook, char):
    raw = f"workflow: Checkout\ntraits:\n  ordering: str{char}ict\n".encode()
    [p] = problems_of(lambda: parse_answers(raw, "answers.yaml", rulebook))
    assert (p.file, p.line, p.column) == ("answers.yaml", 3, 16)
    assert p.message == (f"character U+{ord(char):04X} is not allowed in YAML text (a control character); remove it")


def test_a_control_character_in_a_rule_file_is_named_at_its_line(rulebook):
    texts = dict(rulebook.texts)
    lines = texts["rules.yaml"].split(b"\n")
    lines[20] = lines[20] + b"\x07"
    texts["rules.yaml"] = b"\n".join(lines)
    [p] = problems_of(lambda: build_rulebook(texts, "rules"))
    assert (p.file, p.line) == ("rules/rules.yaml", 21)
    assert "U+0007" in p.message


@pytest.mark.parametrize(
    "name",
    [
        "next\x85line",
        "del\x7fete",
        "c1\x9bcontrol",
        "non\ufffecharacter",
        "line\u2028separator",
        "tab\tand\r\nbreaks",
        " spaces around ",
    ],
)
def test_a_name_with_characters_yaml_cannot_carry_raw_survives_the_yaml_and_json_exports(rulebook, name):
    from advisor.rulebook.formats import Step

    answers = Answers({"ordering": "strict"}, (Step(service=name, action=name),), name)
    for text, filename in ((dump_yaml(answers), "a.yaml"), (dump_json(answers), "a.json")):
        back = parse_answers(text.encode(), filename, rulebook)
        assert (back.workflow, back.steps) == (name, answers.steps), filename


# ---------------------------------------------------------------- caps that name their limit
def test_a_rule_file_over_the_size_cap_is_refused_naming_the_limit(rulebook):
    texts = {**rulebook.texts, "rules.yaml": rulebook.texts["rules.yaml"] + b"#" * MAX_BYTES}
    [p] = problems_of(lambda: build_rulebook(texts, "rules"))
    assert (p.file, p.line) == ("rules/rules.yaml", None)
    assert p.message.startswith("file too large (") and f"the limit is {MAX_BYTES:,} bytes" in p.message


def test_more_rules_than_the_cap_are_refused_naming_the_limit(rulebook):
    rule = {
        "when": {"question": "audit", "op": "eq", "value": True},
        "effect": {"orchestration": 1},
        "rationale": "r",
        "source": "s",
    }
    rules = [{"id": f"r{i}", **rule} for i in range(5001)]
    texts = {**rulebook.texts, "rules.yaml": json.dumps({"version": "1.0.0", "rules": rules}).encode()}
    problems = problems_of(lambda: build_rulebook(texts, "rules"))
    assert [(p.file, p.path) for p in problems] == [("rules/rules.yaml", "rules")]
    assert "at most 5000" in problems[0].message
    assert (problems[0].line, problems[0].column) == (1, 31)


def test_a_rationale_longer_than_the_cap_is_refused_naming_the_limit_and_the_rule(rulebook):
    texts = dict(rulebook.texts)
    first = texts["rules.yaml"].index(b"    rationale: >-")
    texts["rules.yaml"] = (
        texts["rules.yaml"][:first]
        + b"    rationale: "
        + b"word " * 500
        + b"\n"
        + texts["rules.yaml"][first:].split(b"\n    source:", 1)[1].join([b"    source:", b""])
    )
    [p] = problems_of(lambda: build_rulebook(texts, "rules"))
    assert (p.file, p.path) == ("rules/rules.yaml", "rules[0].rationale")
    assert p.message == "too long (2,499 characters; the limit is 2,000)"
    assert p.line is not None


def test_an_answers_path_that_is_a_directory_is_a_user_error(rulebook, tmp_path):
    [p] = problems_of(lambda: read_answers(str(tmp_path), rulebook))
    assert p.file == str(tmp_path) and p.message.startswith("cannot read")


# ---------------------------------------------------------------- diagrams
@pytest.fixture(scope="module")
def hostile_digraph(rulebook):
    from exports import hostile_evaluation

    from advisor.views.diagram.dot import build_diagram

    return build_diagram(hostile_evaluation(rulebook))


def test_a_diagram_over_the_themes_size_cap_is_refused_before_dot_runs(hostile_digraph, monkeypatch):
    from advisor.views.diagram import dot as diagram
    from advisor.views.diagram.theme import load_theme

    theme = load_theme()
    small = theme.model_copy(update={"limits": theme.limits.model_copy(update={"max_statements": 10})})
    monkeypatch.setattr(diagram.subprocess, "run", lambda *a, **k: pytest.fail("dot ran"))
    [p] = problems_of(lambda: diagram.render(hostile_digraph, "svg", theme=small))
    assert p.message.startswith("diagram too large: ") and "(the limit is 10)" in p.message


def test_dot_running_past_its_time_limit_gives_diagram_too_large(hostile_digraph):
    from advisor.views.diagram.dot import render

    [p] = problems_of(lambda: render(hostile_digraph, "svg", timeout=1e-6))
    assert p.message.startswith("diagram too large: Graphviz did not finish drawing it within")


def test_no_user_text_reaches_a_link_target_or_tooltip_of_the_svg(hostile_digraph):
    from advisor.views.diagram.dot import render

    svg = render(hostile_digraph, "svg").decode()
    assert not re.search(r"<a\b|href=|target=|xlink:", svg)
    titles = re.findall(r"<title>(.*?)</title>", svg, re.S)  # Graphviz's tooltips: ids only, never names
    assert titles and all(re.fullmatch(r"n\d+|n\d+&#45;&gt;n\d+|%\d+|G|\w*", t) for t in titles), titles


def test_the_dot_source_uses_only_allow_listed_attributes(hostile_digraph):
    from advisor.views.diagram.dot import to_dot
    from advisor.views.diagram.theme import ALLOWED_ATTRIBUTES

    dot = to_dot(hostile_digraph)
    # attribute names stand before `=` outside quoted values and HTML-like labels
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    depth, plain = 0, []
    for ch in outside:
        depth += ch == "<"
        if depth == 0:
            plain.append(ch)
        depth -= ch == ">" and depth > 0
    names = set(re.findall(r"([A-Za-z_]+)=", "".join(plain)))
    assert names and names <= ALLOWED_ATTRIBUTES, names - ALLOWED_ATTRIBUTES


# ---------------------------------------------------------------- the web app
def raw_html_calls(source: str) -> list[tuple[int, bool]]:
    """(line, constant?) of every call that renders raw HTML: `st.html(...)`, `components.html(...)`, or any
    call with `unsafe_allow_html=True`. Constant means its content is a string literal in the code, or the output
    of the vetted builder. A call that lets the browser run scripts (`unsafe_allow_javascript=` anything but
    False) counts as constant only with the vetted builder: a literal script is still code nobody reviewed here."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        unsafe = any(
            k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in node.keywords
        )
        scripts = any(
            k.arg == "unsafe_allow_javascript" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in node.keywords
        )
        if name == "html" or unsafe:
            first = node.args[0] if node.args else None
            constant = isinstance(first, ast.Constant) and isinstance(first.value, str) and not scripts
            found.append((node.lineno, constant or _vetted(first)))
    return found


def _vetted(node: ast.AST | None) -> bool:
    """A call of the one builder whose output is a constant wrapper around base64 (checked below)."""
    return isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == (
        "scrolling_svg_html"
    )


@given(st_text(), sampled_from(sorted(SVG_KINDS)))
def test_the_svg_box_is_a_constant_wrapper_around_base64_whatever_the_svg(svg, kind):
    # The wrapper, its style and its zoom script are the same for every SVG of a kind: only base64 varies.
    from advisor.web.display import scrolling_svg_html

    html = scrolling_svg_html(svg, kind)
    head, _, rest = html.partition("base64,")
    data, _, tail = rest.partition('"')
    empty_head, _, empty_rest = scrolling_svg_html("", kind).partition("base64,")
    assert head == empty_head and tail == empty_rest.partition('"')[2]
    assert re.fullmatch(r"[A-Za-z0-9+/=]*", data)


def test_the_svg_box_holds_one_script_and_it_fetches_nothing():
    from advisor.web.display import scrolling_svg_html

    for kind in SVG_KINDS:
        html = scrolling_svg_html("<svg/>", kind)
        assert html.count("<script") == 1 and html.count("</script>") == 1
        script = html.partition("<script>")[2].partition("</script>")[0]
        for fetching in ("fetch(", "XMLHttpRequest", "import(", "http", "src=", "innerHTML", "eval(", "Function("):
            assert fetching not in script, fetching
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers in the wrapper
    with pytest.raises(ValueError, match="unknown kind"):
        scrolling_svg_html("<svg/>", "<b>")


def test_raw_html_in_the_app_is_only_ever_a_constant_never_user_text():
    sources = sorted((ROOT / "advisor").rglob("*.py"))  # the app, its pages and the package
    offenders = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in sources
        for line, constant in raw_html_calls(p.read_text())
        if not constant
    ]
    assert len(sources) > 10
    assert offenders == []


def test_the_raw_html_check_catches_user_text():
    assert raw_html_calls("st.html(f'<b>{name}</b>')") == [(1, False)]
    assert raw_html_calls("st.markdown(text, unsafe_allow_html=True)") == [(1, False)]
    assert raw_html_calls("st.html('<style>p {color: red}</style>')") == [(1, True)]
    assert raw_html_calls("st.markdown(text, unsafe_allow_html=False)") == []
    assert raw_html_calls("st.html(display.scrolling_svg_html(svg))") == [(1, True)]
    assert raw_html_calls("st.html(display.scrolling_svg_html(svg, 'diagram'), unsafe_allow_javascript=True)") == [
        (1, True)
    ]
    assert raw_html_calls("st.html('<script>alert(1)</script>', unsafe_allow_javascript=True)") == [(1, False)]
    assert raw_html_calls("st.html(other_builder(svg))") == [(1, False)]


def test_the_portfolios_answers_files_are_capped_below_the_file_cap():
    # The server's and each uploader's limits: tests/test_app_caps.py.
    from advisor.engine.answers import UPLOAD_LIMIT

    assert UPLOAD_LIMIT < MAX_BYTES


# ---------------------------------------------------------------- the catalogue itself
def test_every_test_named_in_the_bad_input_catalogue_exists():
    table = (ROOT / "docs" / "bad-input.md").read_text()
    named = sorted(set(re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", table)))
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^\s*def {name}\(", (ROOT / path).read_text(), re.M)
    ]
    assert len(named) > 60
    assert missing == []
