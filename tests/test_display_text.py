"""Text for display (advisor/display_text.py): user strings shown literally, errors as lines, file names."""

from __future__ import annotations

import re
import string

import pytest

from advisor.errors import Problem, UserError
from advisor.web.display import error_text, file_stem, md_literal

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "a :smile: b",
    ":material/home:",
    ":red[red]",
    "$x^2$",
    "**bold**",
    "[link](javascript:alert(1))",
    "C:\\path\\",
    "&lt;b&gt;",
    "# heading",
    "1. list",
    "`code`",
    "🚀 émoji",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_ascii_punctuation_character_is_escaped_so_markdown_shows_the_text_itself(text):
    escaped = md_literal(text)

    assert re.sub(r"\\(.)", r"\1", escaped) == text
    unescaped_rest = re.sub(r"\\.", "", escaped)  # what is left once every escape pair is removed
    assert not [ch for ch in unescaped_rest if ch in string.punctuation]


@pytest.mark.parametrize("text", ["visit https://evil.example", "HTTP://x.example", "www.evil.example", "a@b.example"])
def test_urls_and_e_mail_addresses_get_an_invisible_word_joiner_so_streamlit_does_not_link_them(text):
    shown = re.sub(r"\\(.)", r"\1", md_literal(text))

    assert shown.replace("\u2060", "") == text
    assert not re.search(r"(?i)https?://|www\.|\w@\w", shown)


def test_newlines_are_folded_into_spaces():
    assert md_literal("first\nsecond\r\nthird") == "first second third"


def test_non_ascii_text_is_left_as_it_is():
    assert md_literal("Zahlung prüfen 🚀") == "Zahlung prüfen 🚀"


def test_a_user_error_without_a_place_reads_as_its_message_alone():
    error = UserError(
        [
            Problem("", None, None, "", "Graphviz is not installed"),
            Problem("a.yaml", 3, 5, "traits.ordering", "invalid value"),
        ]
    )

    assert error_text(error) == "Graphviz is not installed\na.yaml:3:5: traits.ordering: invalid value"


@pytest.mark.parametrize(
    "workflow, stem",
    [
        ("Order checkout", "order-checkout"),
        (None, "workflow"),
        ("../../etc/passwd", "etc-passwd"),
        ("<script>", "script"),
        ("🚀", "workflow"),
        ("A" * 100, "a" * 60),
    ],
)
def test_download_file_names_are_safe_words_of_the_workflow_name(workflow, stem):
    assert file_stem(workflow) == stem
