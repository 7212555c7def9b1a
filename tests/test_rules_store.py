"""Saving rule files: only a valid rulebook is written, atomically, with the previous version kept; a stale edit
is refused with what changed; two writers cannot interleave. Every test works on a scratch copy of rules/."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from advisor.authoring import versions
from advisor.authoring.history import StaleEditError, read_file, restore, save
from advisor.authoring.versions import file_hash, history
from advisor.errors import UserError
from advisor.rulebook.loading import load_rulebook, read_texts
from advisor.rulebook.yamlsafe import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
FIRST_RULE = "  - id: ordering.strict\n    when: {question: ordering, op: eq, value: strict}\n"


def line_of(text: str, anchor: str, offset: int = 0) -> int:
    assert anchor in text, f"test setup: {anchor!r} not found"
    return text[: text.index(anchor)].count("\n") + 1 + offset


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under the directory (history included), to prove nothing at all was written."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def edit(rules: str, old: str, new: str) -> bytes:
    assert old in rules, f"test setup: {old!r} not in rules.yaml"
    return rules.replace(old, new, 1).encode()


VERSION_LINE = re.compile(rb"^version: (\d+)\.(\d+)\.(\d+)$", re.M)


def version_in(text: bytes) -> str:
    """The `version:` of a rules.yaml text."""
    m = VERSION_LINE.search(text)
    assert m, "test setup: no version line"
    return b".".join(m.groups()).decode()


def raised(text: bytes, times: int = 1) -> bytes:
    """A rules.yaml text with its version's patch number raised `times` times, and nothing else changed."""
    m = VERSION_LINE.search(text)
    assert m, "test setup: no version line"
    major, minor, patch = m.groups()
    new = b"version: %s.%s.%d" % (major, minor, int(patch) + times)
    return text[: m.start()] + new + text[m.end() :]


# ---------------------------------------------------------------- every malformed edit is refused, nothing written
RULE_LINE_CASES = [
    # (name, old, new, the line the error must name (as an anchor text and an offset), message fragment)
    ("syntax error", "value: strict}\n", "value: [strict}\n", FIRST_RULE, 1, "YAML syntax error"),
    (
        "wrong type",
        "effect: {orchestration: 3}\n    rationale: >-\n      Steps that must",
        "effect: {orchestration: lots}\n    rationale: >-\n      Steps that must",
        FIRST_RULE,
        2,
        "'lots'",
    ),
    ("unknown key", FIRST_RULE, FIRST_RULE + "    weight: 3\n", FIRST_RULE, 2, "unknown key 'weight'"),
    (
        "unknown question",
        "{question: ordering, op: eq, value: strict}",
        "{question: orderin, op: eq, value: strict}",
        FIRST_RULE,
        1,
        "unknown question 'orderin'",
    ),
    (
        "invalid option",
        "{question: ordering, op: eq, value: strict}",
        "{question: ordering, op: eq, value: total}",
        FIRST_RULE,
        1,
        "invalid value 'total' for 'ordering'; expected none|some|strict",
    ),
    (
        "yaml 1.1 boolean",
        "{question: ordering, op: eq, value: strict}",
        "{question: ordering, op: eq, value: no}",
        FIRST_RULE,
        1,
        "invalid value false for 'ordering'",
    ),
    (
        "duplicate key",
        "{question: ordering, op: eq, value: strict}",
        "{question: ordering, op: eq, op: ne, value: strict}",
        FIRST_RULE,
        1,
        "duplicate key 'op'",
    ),
    (
        "language tag",
        FIRST_RULE,
        FIRST_RULE.replace(
            "    when:", "    when: !!python/object/apply:os.system ['touch /tmp/advisor-pwned']\n    x:"
        ),
        FIRST_RULE,
        1,
        "unsupported tag",
    ),
    (
        "anchor",
        FIRST_RULE,
        FIRST_RULE.replace("{question", "&w {question"),
        FIRST_RULE,
        1,
        "anchors (&w) are not allowed",
    ),
    ("not utf-8", "\nrules:\n", "\nrules:\n# caf\udcff\n", "\nrules:\n", 2, "not UTF-8 text"),
]


@pytest.mark.parametrize("name,old,new,anchor,offset,fragment", RULE_LINE_CASES, ids=[c[0] for c in RULE_LINE_CASES])
def test_a_malformed_edit_is_refused_with_its_line_and_the_file_stays_byte_identical(
    rules_copy, name, old, new, anchor, offset, fragment
):
    before = snapshot(rules_copy)
    state = read_file(rules_copy, "rules.yaml")
    rules = state.text.decode()
    assert old in rules, f"test setup: {old!r} not in rules.yaml"
    edited = rules.replace(old, new, 1).encode("utf-8", "surrogateescape")
    with pytest.raises(UserError) as info:
        save(rules_copy, "rules.yaml", edited, state.hash)
    problem = info.value.problems[0]
    assert problem.file == f"{rules_copy}/rules.yaml"
    assert problem.line == line_of(rules, anchor, offset)
    assert fragment in problem.message
    assert snapshot(rules_copy) == before
    assert not Path("/tmp/advisor-pwned").exists()


def test_a_duplicate_rule_id_is_refused_naming_both_places(rules_copy):
    state = read_file(rules_copy, "rules.yaml")
    rules = state.text.decode()
    with pytest.raises(UserError) as info:
        save(rules_copy, "rules.yaml", edit(rules, "- id: ordering.none\n", "- id: ordering.strict\n"), state.hash)
    problem = info.value.problems[0]
    assert problem.line == line_of(rules, "- id: ordering.none\n")
    assert (
        problem.message == f"duplicate rule id 'ordering.strict' (first defined at line {line_of(rules, FIRST_RULE)})"
    )
    assert read_file(rules_copy, "rules.yaml") == state


@pytest.mark.parametrize(
    "text,fragment",
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"version: 1.0.0\n" + b"# padding\n" * (MAX_BYTES // 10 + 1), "file too large"),
        (b"rules: " + b"[" * 100_000, "nesting too deep"),
        (b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "are not allowed"),
    ],
    ids=["empty", "binary", "too large", "deep nesting", "billion laughs"],
)
def test_a_malformed_file_is_refused_quickly_and_nothing_is_written(rules_copy, text, fragment):
    before = snapshot(rules_copy)
    state = read_file(rules_copy, "rules.yaml")
    started = time.perf_counter()
    with pytest.raises(UserError) as info:
        save(rules_copy, "rules.yaml", text, state.hash)
    assert time.perf_counter() - started < 1.0
    assert fragment in str(info.value)
    assert str(rules_copy / "rules.yaml") in str(info.value)
    assert snapshot(rules_copy) == before


def test_an_edit_valid_on_its_own_that_breaks_another_file_is_refused_in_that_file(rules_copy):
    before = snapshot(rules_copy)
    state = read_file(rules_copy, "questions.yaml")
    questions = state.text.decode()
    edited = edit(questions, '      - {value: strict, label: "Strict order, waiting on confirmations"}\n', "")
    with pytest.raises(UserError) as info:
        save(rules_copy, "questions.yaml", edited, state.hash)
    files = {p.file for p in info.value.problems}
    assert f"{rules_copy}/rules.yaml" in files  # the rules that test ordering == strict
    assert any("invalid value 'strict' for 'ordering'" in p.message for p in info.value.problems)
    assert snapshot(rules_copy) == before


def test_a_file_name_that_is_not_a_rule_file_is_refused(rules_copy):
    with pytest.raises(UserError, match=r"not a rule file; expected one of questions\.yaml"):
        save(rules_copy, "../evil.yaml", b"x: 1\n", "0" * 64)


# ---------------------------------------------------------------- a valid save, its kept version and restore
def test_a_valid_save_writes_the_new_text_and_keeps_the_previous_version(rules_copy):
    state = read_file(rules_copy, "rules.yaml")
    new = edit(state.text.decode(), "hybrid_links: 2", "hybrid_links: 5")
    result = save(rules_copy, "rules.yaml", new, state.hash)
    assert (rules_copy / "rules.yaml").read_bytes() == raised(new)  # the edit, and the version raised with it
    assert [(f.name, f.hash) for f in result.written] == [("rules.yaml", file_hash(raised(new)))]
    assert result.rulebook.decision.hybrid_links == 5
    (kept,) = history(rules_copy, "rules.yaml")
    assert (kept.number, kept.path.read_bytes()) == (1, state.text)
    assert load_rulebook(rules_copy).decision.hybrid_links == 5


def test_a_save_keeps_the_files_permissions(rules_copy):
    os.chmod(rules_copy / "rules.yaml", 0o640)
    state = read_file(rules_copy, "rules.yaml")
    save(rules_copy, "rules.yaml", state.text + b"\n# a comment\n", state.hash)
    assert (rules_copy / "rules.yaml").stat().st_mode & 0o777 == 0o640


def test_restore_brings_back_the_previous_version_and_keeps_the_one_it_replaces(rules_copy):
    original = read_file(rules_copy, "styles.yaml")
    edited = original.text + b"\n# edited\n"
    save(rules_copy, "styles.yaml", edited, original.hash)
    result = restore(rules_copy, "styles.yaml")
    assert (rules_copy / "styles.yaml").read_bytes() == original.text
    assert result.kept[0].number == 2 and result.kept[0].path.read_bytes() == edited
    restore(rules_copy, "styles.yaml")  # a restore is itself undoable
    assert (rules_copy / "styles.yaml").read_bytes() == edited
    restore(rules_copy, "styles.yaml", version=1)
    assert (rules_copy / "styles.yaml").read_bytes() == original.text
    assert [v.number for v in history(rules_copy, "styles.yaml")] == [1, 2, 3, 4]


def test_restoring_rules_yaml_brings_back_its_content_under_a_new_higher_version(rules_copy):
    original = read_file(rules_copy, "rules.yaml")
    edited = edit(original.text.decode(), "hybrid_links: 2", "hybrid_links: 3")
    save(rules_copy, "rules.yaml", edited, original.hash)  # on disk: the edit, as version +1
    result = restore(rules_copy, "rules.yaml", version=1)
    # the original rules, but never the original version again: another rulebook had it meanwhile
    assert (rules_copy / "rules.yaml").read_bytes() == raised(original.text, 2)
    assert result.raised == (version_in(raised(original.text)), version_in(raised(original.text, 2)))
    assert result.kept[0].path.read_bytes() == raised(edited)
    assert load_rulebook(rules_copy).decision.hybrid_links == 2


def test_restoring_a_version_that_no_longer_fits_the_other_files_is_refused(rules_copy):
    questions = read_file(rules_copy, "questions.yaml")
    extra = textwrap.dedent("""\
      - id: retries
        section: failure
        text: Do steps retry?
        help: Automatic retries of a failed call.
        kind: yes_no
        default: false
    """)
    save(rules_copy, "questions.yaml", questions.text + textwrap.indent(extra, "  ").encode(), questions.hash)
    rules = read_file(rules_copy, "rules.yaml")
    rule = textwrap.dedent("""\
      - id: retries.needed
        when: {question: retries, op: eq, value: true}
        effect: {orchestration: 1}
        rationale: Retries across steps are a workflow engine's job.
        source: Netflix Conductor documentation
    """)
    save(rules_copy, "rules.yaml", rules.text + b"\n" + textwrap.indent(rule, "  ").encode(), rules.hash)
    before = snapshot(rules_copy)
    with pytest.raises(UserError) as info:
        restore(rules_copy, "questions.yaml")
    assert "version 1 of questions.yaml does not validate" in info.value.problems[0].message
    assert any("unknown question 'retries'" in p.message for p in info.value.problems)
    assert snapshot(rules_copy) == before


def test_restoring_a_version_that_is_not_kept_lists_the_kept_ones(rules_copy):
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"\n", state.hash)
    with pytest.raises(UserError, match="no version 7; kept versions: 1"):
        restore(rules_copy, "styles.yaml", version=7)
    with pytest.raises(UserError, match="no previous version is kept"):
        restore(rules_copy, "scenarios.yaml")


def test_only_the_most_recent_versions_are_kept(rules_copy, monkeypatch):
    monkeypatch.setattr(versions, "KEEP_VERSIONS", 3)
    for i in range(5):
        state = read_file(rules_copy, "styles.yaml")
        save(rules_copy, "styles.yaml", state.text + f"# save {i}\n".encode(), state.hash)
    assert [v.number for v in history(rules_copy, "styles.yaml")] == [3, 4, 5]


def test_kept_versions_are_never_read_as_rule_files(rules_copy):
    texts = read_texts(rules_copy)
    state = read_file(rules_copy, "rules.yaml")
    save(rules_copy, "rules.yaml", state.text + b"\n", state.hash)
    (rules_copy / ".history" / "rules.yaml.99").write_bytes(b"not: [valid")
    assert read_texts(rules_copy)["questions.yaml"] == texts["questions.yaml"]
    assert load_rulebook(rules_copy).rules  # loads: the broken version under .history/ is ignored


# ---------------------------------------------------------------- stale edits and two writers
def test_the_second_of_two_sessions_editing_the_same_file_is_refused_and_both_versions_survive(rules_copy):
    base = read_file(rules_copy, "rules.yaml")  # both sessions open the same version
    alice = edit(base.text.decode(), "hybrid_links: 2", "hybrid_links: 6")
    bob = edit(
        base.text.decode(),
        "tie_break: [orchestration, choreography]",
        "tie_break: [choreography, orchestration]",
    )
    save(rules_copy, "rules.yaml", alice, base.hash, base_text=base.text)
    with pytest.raises(StaleEditError) as info:
        save(rules_copy, "rules.yaml", bob, base.hash, base_text=base.text)
    assert (rules_copy / "rules.yaml").read_bytes() == raised(alice)  # Alice's save survives, not overwritten
    assert history(rules_copy, "rules.yaml")[-1].path.read_bytes() == base.text
    error = info.value
    assert "was changed by someone else since you opened it" in str(error)
    assert "your edit was NOT saved" in str(error)
    assert "-  hybrid_links: 2\n+  hybrid_links: 6\n" in error.diff
    assert f"-version: {version_in(base.text)}\n+version: {version_in(raised(base.text))}\n" in error.diff
    assert "tie_break" not in error.diff.replace(" tie_break", "")  # Bob's own edit is not in "what changed"
    assert error.current["rules.yaml"].text == raised(alice)  # what Bob needs to merge his edit (still his)


def test_a_stale_edit_without_its_base_text_finds_the_base_among_the_kept_versions(rules_copy):
    base = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", base.text + b"# theirs\n", base.hash)
    with pytest.raises(StaleEditError) as info:
        save(rules_copy, "styles.yaml", base.text + b"# mine\n", base.hash)
    assert "+# theirs\n" in info.value.diff and "mine" not in info.value.diff


def test_a_change_made_on_disk_by_another_editor_also_makes_an_edit_stale(rules_copy):
    base = read_file(rules_copy, "styles.yaml")
    (rules_copy / "styles.yaml").write_bytes(base.text + b"# edited in vim\n")
    with pytest.raises(StaleEditError) as info:
        save(rules_copy, "styles.yaml", base.text + b"# mine\n", base.hash, base_text=base.text)
    assert "+# edited in vim\n" in info.value.diff
    assert (rules_copy / "styles.yaml").read_bytes() == base.text + b"# edited in vim\n"


def test_a_save_waits_for_the_lock_and_gives_up_with_a_clear_message(rules_copy, monkeypatch):
    monkeypatch.setattr(versions, "LOCK_TIMEOUT", 0.2)
    state = read_file(rules_copy, "styles.yaml")
    with (
        versions.locked(rules_copy),
        pytest.raises(UserError, match="another save of this rulebook is in progress; nothing was written"),
    ):
        save(rules_copy, "styles.yaml", state.text + b"\n", state.hash)
    assert read_file(rules_copy, "styles.yaml") == state
    save(rules_copy, "styles.yaml", state.text + b"\n", state.hash)  # released: now it goes through


def _racer(directory: str, base_hash: str, text: bytes, start, results) -> None:
    start.wait()
    try:
        save(directory, "styles.yaml", text, base_hash)
        results.put(("saved", text))
    except StaleEditError:
        results.put(("stale", text))


def test_concurrent_processes_saving_from_the_same_base_cannot_interleave(rules_copy):
    base = read_file(rules_copy, "styles.yaml")
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    texts = [base.text + f"# writer {i}\n".encode() for i in range(4)]
    procs = [ctx.Process(target=_racer, args=(str(rules_copy), base.hash, t, start, results)) for t in texts]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    saved = [text for kind, text in outcomes if kind == "saved"]
    assert [kind for kind, _ in outcomes].count("stale") == 3
    assert (rules_copy / "styles.yaml").read_bytes() == saved[0]
    assert [v.path.read_bytes() for v in history(rules_copy, "styles.yaml")] == [base.text]


# ---------------------------------------------------------------- a crash between write and rename
def test_a_failure_at_the_rename_leaves_the_old_file_and_no_temporary_file(rules_copy, monkeypatch):
    state = read_file(rules_copy, "styles.yaml")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("/styles.yaml"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(UserError, match="cannot write to the rulebook: No space left on device"):
        save(rules_copy, "styles.yaml", state.text + b"# new\n", state.hash)
    assert (rules_copy / "styles.yaml").read_bytes() == state.text
    assert not list(rules_copy.glob(".*.tmp"))


CRASHING_SAVE = """
import os, signal, sys
from advisor.authoring import history as rulestore
real_replace = os.replace
def replace(src, dst):
    if str(dst).endswith("/styles.yaml") and sys.argv[2] == "before":
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies with the new text written but not renamed
    real_replace(src, dst)
    if str(dst).endswith("/styles.yaml"):
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies right after the rename
os.replace = replace
state = rulestore.read_file(sys.argv[1], "styles.yaml")
rulestore.save(sys.argv[1], "styles.yaml", state.text + b"# new version\\n" * 100, state.hash)
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_process_killed_around_the_rename_leaves_either_the_old_or_the_new_file_whole(rules_copy, moment):
    old = (rules_copy / "styles.yaml").read_bytes()
    run = subprocess.run(
        [sys.executable, "-c", CRASHING_SAVE, str(rules_copy), moment], cwd=ROOT, capture_output=True, timeout=60
    )
    assert run.returncode == -9, run.stderr.decode()
    now = (rules_copy / "styles.yaml").read_bytes()
    assert now == (old if moment == "before" else old + b"# new version\n" * 100)
    load_rulebook(rules_copy)  # whole and valid either way
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"\n", state.hash)  # the next save sweeps any leftover
    assert not list(rules_copy.glob(".*.tmp"))


# ---------------------------------------------------------------- the command line
def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_history_and_restore_from_the_command_line(rules_copy):
    run = advisor("rules", "history", str(rules_copy))
    assert run.returncode == 0 and "no previous versions kept yet" in run.stdout
    original = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", original.text + b"# one\n", original.hash)
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"# two\n", state.hash)
    run = advisor("rules", "history", str(rules_copy))
    assert re.findall(r"^styles\.yaml +(\d+) ", run.stdout, re.M) == ["1", "2"]
    run = advisor("rules", "restore", str(rules_copy), "styles.yaml", "--version", "1")
    assert run.returncode == 0, run.stderr
    assert "restored styles.yaml" in run.stdout and "kept as version 3" in run.stdout
    assert (rules_copy / "styles.yaml").read_bytes() == original.text


def test_restoring_a_missing_version_from_the_command_line_is_a_user_error(rules_copy):
    run = advisor("rules", "restore", str(rules_copy), "rules.yaml", "--version", "4")
    assert run.returncode == 2 and "no previous version is kept" in run.stderr and "Traceback" not in run.stderr


def test_restore_uses_the_default_rulebook_directory_from_the_environment(rules_copy):
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"# one\n", state.hash)
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "restore", "styles.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ADVISOR_RULES": str(rules_copy)},
    )
    assert run.returncode == 0, run.stderr
    assert (rules_copy / "styles.yaml").read_bytes() == state.text


def test_a_deleted_rule_file_reads_as_empty_and_can_be_saved_again(rules_copy):
    styles = (rules_copy / "styles.yaml").read_bytes()
    (rules_copy / "styles.yaml").unlink()
    state = read_file(rules_copy, "styles.yaml")
    assert state.text == b""
    with pytest.raises(UserError, match="file is empty"):
        save(rules_copy, "styles.yaml", b"", state.hash)
    result = save(rules_copy, "styles.yaml", styles, state.hash)
    assert (rules_copy / "styles.yaml").read_bytes() == styles
    assert [k.file for k in result.kept] == ["rules.yaml"]  # no styles.yaml to keep; the version was raised


# ---------------------------------------------------------------- a save that changes the rulebook raises its version
COMMENT_EDITS = ["questions.yaml", "rules.yaml", "styles.yaml", "scenarios.yaml"]


@pytest.mark.parametrize("filename", COMMENT_EDITS)
def test_a_save_of_any_rule_file_raises_the_patch_version_in_the_same_save(rules_copy, filename):
    rules_before = read_file(rules_copy, "rules.yaml").text
    old = version_in(rules_before)
    state = read_file(rules_copy, filename)
    new = state.text + b"\n# reviewed\n"
    result = save(rules_copy, filename, new, state.hash)
    bumped = raised(new if filename == "rules.yaml" else rules_before)
    major, minor, patch = old.split(".")
    assert result.raised == (old, f"{major}.{minor}.{int(patch) + 1}")  # e.g. 2.0.0 -> 2.0.1
    assert result.rulebook.version == load_rulebook(rules_copy).version == result.raised[1]
    assert (rules_copy / "rules.yaml").read_bytes() == bumped  # only the version's characters change
    if filename != "rules.yaml":
        assert (rules_copy / filename).read_bytes() == new
    # both files written, the saved one first; the version each replaces is kept, so either can be restored
    assert [f.name for f in result.written] == list(dict.fromkeys([filename, "rules.yaml"]))
    assert {f.name: f.hash for f in result.written} == {
        n: file_hash((rules_copy / n).read_bytes()) for n in {filename, "rules.yaml"}
    }
    assert [(k.file, k.number, k.path.read_bytes()) for k in result.kept] == [
        (n, 1, state.text if n == filename else rules_before) for n in dict.fromkeys([filename, "rules.yaml"])
    ]
    # and a second save raises it again
    state = read_file(rules_copy, filename)
    again = save(rules_copy, filename, state.text + b"# twice\n", state.hash)
    assert again.raised == (result.raised[1], f"{major}.{minor}.{int(patch) + 2}")
    assert [v.number for v in history(rules_copy, "rules.yaml")] == [1, 2]


@pytest.mark.parametrize(
    "typed,written",
    [
        ("2.1.0", "2.1.0"),  # raised by the author: kept as typed
        ("3.0.0", "3.0.0"),
        ("2.0.7", "2.0.7"),
        ("2.0.0", "2.0.1"),  # left as it was: raised
        ("1.9.9", "2.0.1"),  # lowered: raised from the version on disk, so versions never go back
    ],
)
def test_an_edit_that_raises_the_version_itself_is_written_as_typed(rules_copy, typed, written):
    path = rules_copy / "rules.yaml"
    path.write_bytes(VERSION_LINE.sub(b"version: 2.0.0", path.read_bytes(), count=1))  # the version on disk
    state = read_file(rules_copy, "rules.yaml")
    new = edit(state.text.decode(), "version: 2.0.0\n", f"version: {typed}\n").replace(
        b"hybrid_links: 2", b"hybrid_links: 4"
    )
    result = save(rules_copy, "rules.yaml", new, state.hash)
    assert load_rulebook(rules_copy).version == written
    assert (rules_copy / "rules.yaml").read_bytes() == new.replace(
        f"version: {typed}\n".encode(), f"version: {written}\n".encode()
    )
    assert result.raised == (None if typed == written else ("2.0.0", written))


def test_the_patch_number_is_raised_as_a_number_and_a_quoted_version_and_its_comment_stay(rules_copy):
    state = read_file(rules_copy, "rules.yaml")
    new = VERSION_LINE.sub(b'version: "4.2.9"   # our release', state.text, count=1)
    save(rules_copy, "rules.yaml", new, state.hash)  # raised by the author: stays 4.2.9
    assert load_rulebook(rules_copy).version == "4.2.9"
    styles = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", styles.text + b"# x\n", styles.hash)
    assert (rules_copy / "rules.yaml").read_bytes() == new.replace(b'"4.2.9"', b'"4.2.10"')


def test_a_save_that_changes_nothing_or_is_refused_raises_nothing(rules_copy):
    before = snapshot(rules_copy)
    state = read_file(rules_copy, "questions.yaml")
    result = save(rules_copy, "questions.yaml", state.text, state.hash)
    assert (result.written, result.kept, result.raised) == ((), (), None)
    assert result.rulebook.version == version_in(before["rules.yaml"])
    with pytest.raises(UserError):
        save(rules_copy, "questions.yaml", state.text.replace(b"kind: choice", b"kind: color", 1), state.hash)
    assert snapshot(rules_copy) == before  # no version raised, no history kept


def test_a_raised_version_makes_an_open_edit_of_rules_yaml_stale_and_both_files_history_stays_right(rules_copy):
    """Bob opened rules.yaml; Alice saves questions.yaml, which rewrites rules.yaml (its version): Bob's save is
    refused as stale, shown the version change, and nothing of Alice's is lost."""
    bob_base = read_file(rules_copy, "rules.yaml")
    alice_base = read_file(rules_copy, "questions.yaml")
    alice = alice_base.text + b"\n# Alice\n"
    save(rules_copy, "questions.yaml", alice, alice_base.hash, base_text=alice_base.text)
    bob = edit(bob_base.text.decode(), "hybrid_links: 2", "hybrid_links: 3")
    with pytest.raises(StaleEditError) as info:
        save(rules_copy, "rules.yaml", bob, bob_base.hash, base_text=bob_base.text)
    changed = [
        line for line in info.value.diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [f"-version: {version_in(bob_base.text)}", f"+version: {version_in(raised(bob_base.text))}"]
    assert (rules_copy / "rules.yaml").read_bytes() == raised(bob_base.text)
    assert (rules_copy / "questions.yaml").read_bytes() == alice
    # Bob reloads and saves again: his edit on top of Alice's version, raised once more
    reloaded = read_file(rules_copy, "rules.yaml")
    mine = edit(reloaded.text.decode(), "hybrid_links: 2", "hybrid_links: 3")
    save(rules_copy, "rules.yaml", mine, reloaded.hash, base_text=reloaded.text)
    assert (rules_copy / "rules.yaml").read_bytes() == raised(mine)
    assert [v.path.read_bytes() for v in history(rules_copy, "rules.yaml")] == [bob_base.text, reloaded.text]
    assert [v.path.read_bytes() for v in history(rules_copy, "questions.yaml")] == [alice_base.text]
    # a stale base is found among the kept versions of rules.yaml (the diff is shown without base_text)
    with pytest.raises(StaleEditError) as info:
        save(rules_copy, "rules.yaml", bob, bob_base.hash)
    assert "+  hybrid_links: 3\n" in info.value.diff


def test_a_failed_rename_never_leaves_new_content_under_the_old_version(rules_copy, monkeypatch):
    rules_before = read_file(rules_copy, "rules.yaml").text
    state = read_file(rules_copy, "styles.yaml")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("/styles.yaml"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(UserError, match="cannot write to the rulebook"):
        save(rules_copy, "styles.yaml", state.text + b"# new\n", state.hash)
    assert (rules_copy / "styles.yaml").read_bytes() == state.text
    # rules.yaml is written first: at worst a raised version over the old content, which loads
    assert (rules_copy / "rules.yaml").read_bytes() in (rules_before, raised(rules_before))
    load_rulebook(rules_copy)


def test_restore_from_the_command_line_says_the_version_it_raised(rules_copy):
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"# one\n", state.hash)
    run = advisor("rules", "restore", str(rules_copy), "styles.yaml")
    assert run.returncode == 0, run.stderr
    rules = read_file(rules_copy, "rules.yaml").text
    assert f"version raised from {version_in(raised(rules, -1))} to {version_in(rules)}" in run.stdout


def test_a_save_that_fails_on_a_full_disk_keeps_no_extra_version(rules_copy, monkeypatch):
    state = read_file(rules_copy, "styles.yaml")
    save(rules_copy, "styles.yaml", state.text + b"# first\n", state.hash)  # one version kept: the original
    before = [v.number for v in history(rules_copy, "styles.yaml")]
    current = read_file(rules_copy, "styles.yaml")
    real_replace = os.replace

    def full_disk(src, dst):
        if str(dst).endswith("/styles.yaml"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(UserError, match="No space left on device"):
        save(rules_copy, "styles.yaml", current.text + b"# second\n", current.hash)
    assert [v.number for v in history(rules_copy, "styles.yaml")] == before  # no copy of what is still on disk
    assert (rules_copy / "styles.yaml").read_bytes() == current.text
    for name in ("styles.yaml", "rules.yaml"):  # every kept version differs from the file on disk and the others
        texts = [v.path.read_bytes() for v in history(rules_copy, name)] + [(rules_copy / name).read_bytes()]
        assert len(set(texts)) == len(texts), name
