"""Bad rule and answers files: each is refused with a clear message that names the file, line and column.

The catalogue follows ../shared/RELIABILITY.md and issue 2, item 6.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from advisor.engine.answers import parse_answers
from advisor.errors import UserError
from advisor.rulebook.loading import build_rulebook, load_rulebook, read_texts
from advisor.rulebook.yamlsafe import MAX_BYTES, MAX_DEPTH


def answers_error(rulebook, text: str | bytes, name: str = "answers.yaml") -> UserError:
    with pytest.raises(UserError) as info:
        parse_answers(text, name, rulebook)
    return info.value


def rules_error(
    rules_dir: Path, filename: str, replace: tuple[str, str] | None = None, text: bytes | None = None
) -> UserError:
    texts = read_texts(rules_dir)
    if replace:
        old, new = replace
        assert old.encode() in texts[filename], f"test setup: {old!r} not in {filename}"
        texts[filename] = texts[filename].replace(old.encode(), new.encode(), 1)
    if text is not None:
        texts[filename] = text
    with pytest.raises(UserError) as info:
        build_rulebook(texts, "rules")
    return info.value


def position(text: bytes, needle: str) -> tuple[int, int]:
    """The 1-based line and column where `needle` first starts in a file: expectations are computed from the
    rulebook as it is, so that editing a rule does not move them."""
    before = text[: text.index(needle.encode())].decode()
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def only(error: UserError):
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


# ---------------------------------------------------------------- answers files
def test_a_yaml_syntax_error_names_its_line_and_column(rulebook):
    p = only(answers_error(rulebook, "traits:\n  ordering: [strict\n"))
    assert p.file == "answers.yaml" and p.line == 3
    assert "YAML syntax error" in p.message


def test_a_wrong_type_names_the_field_and_what_was_expected(rulebook):
    p = only(answers_error(rulebook, "traits:\n  fan_out: many\n"))
    assert (p.line, p.column, p.path) == (2, 12, "traits.fan_out")
    assert p.message == "invalid value 'many' for 'fan_out'; expected an integer"


def test_an_unknown_top_level_key_is_refused_at_the_key(rulebook):
    p = only(answers_error(rulebook, "workflow: x\ntrait:\n  ordering: strict\n"))
    assert (p.line, p.column, p.path) == (2, 1, "trait")
    assert p.message == "unknown key 'trait'"


def test_an_unknown_question_is_refused_and_the_known_ones_listed(rulebook):
    p = only(answers_error(rulebook, "traits:\n  orderingg: strict\n"))
    assert (p.line, p.column, p.path) == (2, 3, "traits.orderingg")
    assert p.message.startswith("unknown question 'orderingg'; expected one of ")
    assert "ordering" in p.message


def test_an_invalid_option_lists_the_valid_ones(rulebook):
    p = only(answers_error(rulebook, "traits:\n  ordering: total\n"))
    assert (p.line, p.path) == (2, "traits.ordering")
    assert p.message == "invalid value 'total' for 'ordering'; expected none|some|strict"


def test_a_yaml_1_1_boolean_where_an_option_is_expected_says_false_and_how_to_fix_it(rulebook):
    p = only(answers_error(rulebook, "traits:\n  ordering: no\n"))
    assert p.message.startswith("invalid value false for 'ordering'; expected none|some|strict")
    assert "quote the value" in p.message


def test_a_duplicate_key_is_an_error_naming_the_key_and_both_lines(rulebook):
    p = only(answers_error(rulebook, "traits:\n  ordering: strict\n  fan_out: 1\n  ordering: none\n"))
    assert (p.line, p.column) == (4, 3)
    assert p.message == "duplicate key 'ordering' (first defined at line 2)"


def test_a_python_tag_is_refused_and_never_executed(rulebook, tmp_path):
    marker = tmp_path / "pwned"
    text = f"traits:\n  ordering: !!python/object/apply:os.system ['touch {marker}']\n"
    p = only(answers_error(rulebook, text))
    assert p.line == 2
    assert "unsupported tag '!!python/object/apply:os.system'" in p.message
    assert not marker.exists()


def test_an_anchor_or_alias_is_refused(rulebook):
    p = only(answers_error(rulebook, "workflow: &w Checkout\ntraits: {}\n"))
    assert p.line == 1 and "anchors (&w) are not allowed" in p.message


def test_a_billion_laughs_alias_bomb_fails_fast(rulebook):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) < 1000
    start = time.perf_counter()
    error = answers_error(rulebook, bomb)
    assert time.perf_counter() - start < 1.0  # Why: a bound on a failure mode (a hang), not a speed claim
    assert "anchors (&a) are not allowed" in only(error).message


def test_a_file_over_the_size_cap_is_refused_before_parsing(rulebook):
    p = only(answers_error(rulebook, b"#" * (MAX_BYTES + 1)))
    assert p.message == f"file too large ({MAX_BYTES + 1:,} bytes; the limit is {MAX_BYTES:,} bytes)"


def test_deep_nesting_is_refused_with_a_clear_message(rulebook):
    p = only(answers_error(rulebook, "[" * 100_000))
    assert f"nesting too deep (limit {MAX_DEPTH} levels)" in p.message
    assert p.line == 1


def test_non_utf8_bytes_are_refused_with_their_line(rulebook):
    p = only(answers_error(rulebook, b"workflow: caf\xe9\ntraits: {}\n"))
    assert (p.line, p.column) == (1, 14)
    assert p.message.startswith("not UTF-8 text (byte 0xe9")


def test_an_empty_file_is_refused(rulebook):
    assert only(answers_error(rulebook, b"  \n\n")).message == "file is empty"
    assert only(answers_error(rulebook, b"# only a comment\n")).message == "file is empty"


def test_a_binary_file_renamed_yaml_is_refused(rulebook):
    p = only(answers_error(rulebook, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "binary data" in p.message


def test_a_list_at_the_top_is_refused(rulebook):
    p = only(answers_error(rulebook, "- ordering: strict\n"))
    assert p.message == "expected a mapping at the top of the file, got a list"


def test_every_problem_is_reported_at_once(rulebook):
    error = answers_error(rulebook, "traits:\n  ordering: total\n  fan_out: -3\n  teams: 0\n")
    assert [(p.line, p.path) for p in error.problems] == [
        (2, "traits.ordering"),
        (3, "traits.fan_out"),
        (4, "traits.teams"),
    ]
    assert "outside 0..1000" in error.problems[1].message


def test_a_step_without_an_action_names_the_step(rulebook):
    p = only(answers_error(rulebook, "steps:\n  - service: Payment\n"))
    assert (p.line, p.path) == (2, "steps[0].action")
    assert p.message == "missing required key 'action'"


def test_json_answers_are_checked_with_line_numbers_too(rulebook):
    p = only(answers_error(rulebook, '{\n  "traits": {\n    "ordering": "total"\n  }\n}\n', "a.json"))
    assert (p.file, p.line, p.path) == ("a.json", 3, "traits.ordering")


# ---------------------------------------------------------------- rule files
def test_a_rule_naming_an_unknown_question_is_a_load_error(rules_copy):
    error = rules_error(
        rules_copy,
        "rules.yaml",
        ("{question: ordering, op: eq, value: strict}", "{question: orderin, op: eq, value: strict}"),
    )
    p = only(error)
    assert p.file == "rules/rules.yaml" and p.path == "rules[0].when.question"
    assert p.message.startswith("unknown question 'orderin'")


def test_a_rule_naming_an_option_the_question_does_not_have_is_a_load_error(rules_copy):
    p = only(
        rules_error(
            rules_copy,
            "rules.yaml",
            ("{question: ordering, op: eq, value: strict}", "{question: ordering, op: eq, value: strikt}"),
        )
    )
    assert p.path == "rules[0].when.value"
    assert p.message == "invalid value 'strikt' for 'ordering'; expected none|some|strict"


def test_an_unknown_operator_lists_the_operator_set(rules_copy):
    p = only(
        rules_error(
            rules_copy,
            "rules.yaml",
            ("{question: ordering, op: eq, value: strict}", "{question: ordering, op: equals, value: strict}"),
        )
    )
    assert p.path == "rules[0].when.op"
    assert p.message == "invalid value 'equals'; expected eq|ne|in|not_in|gt|gte|lt|lte"


def test_a_duplicate_rule_id_names_both_places(rules_copy, rulebook):
    text = read_texts(rules_copy)["rules.yaml"]
    index = [r.id for r in rulebook.rules].index("ordering.none")
    (line, _), (first, _) = position(text, "- id: ordering.none"), position(text, "- id: ordering.strict")
    assert first < line
    error = rules_error(rules_copy, "rules.yaml", ("- id: ordering.none", "- id: ordering.strict"))
    p = error.problems[0]
    assert (p.file, p.line, p.path) == ("rules/rules.yaml", line, f"rules[{index}].id")
    assert p.message == f"duplicate rule id 'ordering.strict' (first defined at line {first})"


def test_a_duplicate_question_id_names_both_places(rules_copy, rulebook):
    text = read_texts(rules_copy)["questions.yaml"]
    index = list(rulebook.questions).index("branching")
    (line, _), (first, _) = position(text, "- id: branching"), position(text, "- id: ordering")
    error = rules_error(rules_copy, "questions.yaml", ("- id: branching", "- id: ordering"))
    p = error.problems[0]
    assert (p.path, p.line) == (f"questions[{index}].id", line)
    assert p.message == f"duplicate question id 'ordering' (first defined at line {first})"


def test_an_unknown_key_in_a_rule_is_refused_at_the_key(rules_copy):
    p = only(
        rules_error(
            rules_copy,
            "rules.yaml",
            (
                "    effect: {orchestration: 3}\n",  # the first rule's (ordering.strict)
                "    effect: {orchestration: 3}\n    weight: 3\n",
            ),
        )
    )
    assert p.path == "rules[0].weight" and p.message == "unknown key 'weight'"
    assert p.column == 5


def test_a_wrong_type_in_an_effect_names_the_path(rules_copy):
    p = only(
        rules_error(
            rules_copy,
            "rules.yaml",
            ("effect: {orchestration: 3}", "effect: {orchestration: lots}"),  # the first rule's
        )
    )
    assert p.path == "rules[0].effect.orchestration"
    assert p.message == "expected an integer, got 'lots'"


def test_a_yes_no_question_compared_with_gt_is_refused(rules_copy):
    p = only(
        rules_error(
            rules_copy,
            "rules.yaml",
            ("{question: compensation, op: eq, value: true}", "{question: compensation, op: gt, value: 1}"),
        )
    )
    assert "operator 'gt' does not apply to yes_no question 'compensation'" in p.message


def test_a_scenario_naming_an_unknown_rule_is_refused(rules_copy):
    p = only(rules_error(rules_copy, "scenarios.yaml", ("fires: [ordering.strict,", "fires: [ordering.strictt,")))
    assert p.file == "rules/scenarios.yaml" and p.message == "unknown rule 'ordering.strictt'"


def test_problems_in_several_rule_files_are_all_reported(rules_copy, rulebook):
    texts = read_texts(rules_copy)
    version = f"version: {rulebook.version}".encode()
    assert version in texts["rules.yaml"]
    texts["rules.yaml"] = texts["rules.yaml"].replace(version, b"version: one")
    texts["styles.yaml"] = texts["styles.yaml"].replace(b"  name: Hybrid\n", b"")
    with pytest.raises(UserError) as info:
        build_rulebook(texts, "rules")
    assert {(p.file, p.path) for p in info.value.problems} == {
        ("rules/rules.yaml", "version"),
        ("rules/styles.yaml", "hybrid.name"),
    }


def test_a_python_tag_in_a_rule_file_is_refused(rules_copy):
    p = only(rules_error(rules_copy, "styles.yaml", text=b"orchestration: !!python/name:os.system\n"))
    assert p.line == 1 and "unsupported tag" in p.message


def test_a_missing_rule_file_is_named(rules_copy):
    (rules_copy / "styles.yaml").unlink()
    with pytest.raises(UserError) as info:
        load_rulebook(rules_copy)
    assert only(info.value).file.endswith("styles.yaml")
    assert only(info.value).message == "missing rule file"


def test_the_error_text_reads_file_line_column_path_message(rules_copy):
    condition = "{question: ordering, op: eq, value: strict}"
    line, column = position(read_texts(rules_copy)["rules.yaml"], condition)
    column += condition.index("strict")  # the value's column
    error = rules_error(rules_copy, "rules.yaml", (condition, "{question: ordering, op: eq, value: strikt}"))
    assert str(error) == (
        f"rules/rules.yaml:{line}:{column}: rules[0].when.value: invalid value 'strikt' for 'ordering'; "
        "expected none|some|strict"
    )


def test_an_empty_answer_says_what_kinds_of_value_are_expected(rulebook):
    p = only(answers_error(rulebook, "traits:\n  ordering:\n"))
    assert (p.line, p.path) == (2, "traits.ordering")
    assert p.message == "expected true or false, an integer or text, got null"


def test_a_tab_indent_is_explained(rulebook):
    p = only(answers_error(rulebook, "traits:\n\tordering: strict\n"))
    assert p.line == 2 and p.message.endswith("(a tab: YAML indents with spaces only)")


def test_an_empty_service_name_is_refused(rulebook):
    p = only(answers_error(rulebook, 'steps: [{service: "", action: x}]'))
    assert (p.path, p.message) == ("steps[0].service", "must not be empty")
