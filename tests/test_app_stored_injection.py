"""Stored Markdown injection (docs/bad-input.md, "Stored injection"): text from the rule files (style names,
question texts and help, option labels, rule rationales and sources, section titles) and user text (workflow,
service, team and saved-assessment names) reaches widgets whose labels Streamlit renders as Markdown. A link,
an image or an auto-linked URL or e-mail address there would show every visitor a phishing link or make their
browser fetch a remote image. Every page is opened with a rulebook whose every text carries such markup, and
every string the page sends to the browser in a Markdown-rendering field must hold it only escaped."""

from __future__ import annotations

import re

import pytest
import yaml
from app_helpers import open_app
from streamlit.testing.v1 import AppTest

from advisor.engine.answers import Answers
from advisor.engine.assessment import assess
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import load_rulebook
from advisor.saved.store import Store

LINK = "[click](http://evil.example)"
IMAGE = "![x](http://evil.example/x.png)"
MARKUP = f" {LINK} {IMAGE}"
WORKFLOW = "mail me at a@b.example or visit https://evil.example"
# What must never reach a Markdown field unescaped (md_literal escapes '.', '@', ':', '[', '(' ...).
TELLTALES = ("evil.example", "a@b.example", "](")
HOSTILE = Answers(
    {"ordering": "strict", "compensation": True, "fan_out": 2},
    (
        Step(service=f"Payment {LINK}", action=f"Charge {IMAGE}", team=f"Team {WORKFLOW}"[:200]),
        Step(service=f"Mail a@b.example {IMAGE}", action=f"Send https://evil.example {LINK}", reaction=True),
    ),
    WORKFLOW,
)
PAGES = (
    "pages/questionnaire.py",
    "pages/recommendation.py",
    "pages/diagram.py",
    "pages/export.py",
    "pages/portfolio.py",
    "pages/compare.py",
    "pages/saved.py",
    "pages/rules.py",
)
# The portfolio shows style names only in a multiselect and charts, the Rules page rule texts only in its table
# and editor: plain text there; they are checked for leaks all the same.
SHOWS_STORED_TEXT = set(PAGES) - {"pages/portfolio.py", "pages/rules.py"}
# Fields Streamlit shows as plain text (checked in a browser): the options of a selectbox or multiselect, what an
# input holds, code, data, diagrams, charts and downloads. Everything else a page sends is Markdown.
PLAIN = {
    "selectbox": {"options", "default", "value", "raw_value"},
    "multiselect": {"options", "default", "raw_values"},
    "text_input": {"value", "default", "placeholder"},
    "text_area": {"value", "default", "placeholder"},
    "number_input": {"placeholder"},
    "code": {"code_text"},
    "arrow_data_frame": None,
    "data_editor": None,
    "graphviz_chart": None,
    "arrow_vega_lite_chart": None,
    "vega_lite_chart": None,
    "download_button": {"url", "deferred_file_id"},
    "html": None,
    # The Rules page's code editor (streamlit-code-editor): its JSON arguments are data for Ace in the component's
    # sandboxed iframe, which shows the rule file as code text (tests/e2e/test_rules_drafts_browser.py reads it back)
    "component_instance": {"json_args"},
}


def _poison(node):
    """Every text of a rule file with the markup appended (ids, values, operators and numbers untouched)."""
    if isinstance(node, dict):
        return {k: _poisoned(k, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(x) for x in node]
    return node


def _poisoned(key: str, value):
    if isinstance(value, str) and key in _TEXTS:
        return value + MARKUP
    if isinstance(value, list) and key in _TEXT_LISTS:
        return [x + MARKUP for x in value]
    return _poison(value)


_TEXTS = {"name", "summary", "text", "help", "label", "title", "description", "rationale", "source"}
_TEXT_LISTS = {"benefits", "drawbacks", "mitigations"}


def poison_rules(directory) -> None:
    """Append the markup to every text of the rule files in `directory`."""
    for name in ("styles.yaml", "questions.yaml", "rules.yaml"):
        path = directory / name
        data = _poison(yaml.safe_load(path.read_text()))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000))


@pytest.fixture
def hostile_rules(rules_copy, monkeypatch):
    poison_rules(rules_copy)
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


def markdown_strings(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, proto field, text) of every string the page sends in a field Streamlit renders as Markdown."""
    out: list[tuple[str, str, str]] = []
    pending = [at._tree]
    while pending:
        node = pending.pop()
        pending.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or not hasattr(proto, "ListFields") or kind == "block":
            continue
        plain = PLAIN.get(kind, set())
        if plain is None:
            continue
        for field, value in proto.ListFields():
            if field.name in plain:
                continue
            for text in value if isinstance(value, (list, tuple)) or hasattr(value, "append") else [value]:
                if isinstance(text, str):
                    out.append((kind, field.name, text))
    return out


# Streamlit links URLs and e-mail addresses in the text after escapes are resolved (GFM autolink literals).
AUTOLINK = re.compile(r"(?i)https?://|www\.|[-.\w+]@[-\w]+\.")


def leaks(at: AppTest) -> list[tuple[str, str, str]]:
    """Markdown fields with unescaped markup, or text Streamlit would auto-link."""
    return [
        s
        for s in markdown_strings(at)
        if any(t in s[2] for t in TELLTALES) or AUTOLINK.search(re.sub(r"\\(.)", r"\1", s[2]))
    ]


@pytest.fixture
def saved_hostile(hostile_rules, tmp_path, monkeypatch):
    """Two saved assessments with hostile names, under the hostile rulebook."""
    url = f"sqlite:///{tmp_path / 'saved.db'}"
    monkeypatch.setenv("ADVISOR_DB_URL", url)
    rulebook = load_rulebook(hostile_rules)
    store = Store(url)
    for name in (WORKFLOW, f"Second {LINK}"):
        store.save(name, assess(rulebook, HOSTILE), rulebook, note=f"note {IMAGE} a@b.example")
    store.close()


def _then(at: AppTest, page: str) -> AppTest:
    """What a visitor does on the page to see the stored texts: load the example portfolio, compare two saved
    assessments."""
    if page == "pages/portfolio.py":
        at.button(key="portfolio-example").click().run()
    elif page == "pages/compare.py":
        at.button_group(key="compare-mode").set_value("saved").run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_markup_in_the_rule_files_and_in_names_never_reaches_a_page_as_markdown(saved_hostile, page):
    at = _then(open_app(page, HOSTILE), page)
    assert not at.exception, [e.value for e in at.exception]

    assert leaks(at) == []
    if page in SHOWS_STORED_TEXT:  # the page did show the hostile texts, escaped: the test can fail
        assert any("evil\\.example" in text for _, _, text in markdown_strings(at))
