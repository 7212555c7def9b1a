"""The Rules page in Streamlit's AppTest: edit a rule, see a validation error with its line, fix it, see the impact
preview, save, restore, and hit the stale-save refusal. Always on a scratch copy of rules/ ($ADVISOR_RULES)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from advisor.authoring.versions import history
from advisor.engine.assessment import assess

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "advisor" / "web" / "pages" / "rules.py"
STRICT = (
    "  - id: ordering.strict\n    when: {question: ordering, op: eq, value: strict}\n    effect: {orchestration: 3}\n"
)
# A rule with a nested condition and link evidence, appended to the scratch copy (the default rulebook has no `any`)
NESTED = """
  - id: links.watched_core_with_consumers
    when:
      all:
        - any:
            - {question: ordering, op: eq, value: strict}
            - {question: compensation, op: eq, value: true}
            - {question: central_monitoring, op: eq, value: high}
        - {question: fan_out, op: gte, value: 2}
    effect: {hybrid: 3}
    rationale: A watched core with consumers of its outcome.
    source: B. Ruecker, Practical Process Automation, O'Reilly, 2021
"""


@pytest.fixture
def rules_dir(rules_copy: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    return rules_copy


def open_page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def messages(at: AppTest, kind: str) -> list[str]:
    return [shown(e.value) for e in getattr(at, kind)]


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    (frame,) = [d.value for d in at.dataframe if d.value.columns[0] == first_column]
    return frame


def edit(at: AppTest, old: str, new: str) -> AppTest:
    editor = at.text_area(key="rules-editor")
    assert old in editor.value, f"test setup: {old!r} not in the editor"
    editor.input(editor.value.replace(old, new, 1)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def version_of(rules_yaml: str) -> str:
    """The `version:` of a rules.yaml text (the tests edit it, whatever it is today)."""
    return re.search(r"^version: (\S+)$", rules_yaml, re.M).group(1)


def next_patch(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def test_the_page_shows_the_rules_as_a_table_with_conditions_in_words(rules_dir):
    path = rules_dir / "rules.yaml"
    path.write_text(path.read_text() + NESTED)
    at = open_page()
    rules = table(at, "id")
    row = rules[rules["id"] == "links.watched_core_with_consumers"].iloc[0]
    assert (
        row["condition"] == "(ordering is strict or compensation is yes or central_monitoring is high) and fan_out ≥ 2"
    )
    assert row["effect"] == "+3 hybrid"
    assert row["source"].startswith("B. Ruecker")
    assert row["line"] == path.read_text().splitlines().index("  - id: links.watched_core_with_consumers") + 1
    default = rules[rules["id"] == "teams.many_no_owner"].iloc[0]
    assert (default["condition"], default["effect"]) == ("teams ≥ 4 and flow_owner is no", "+2 choreography")
    assert list(rules.columns) == ["id", "condition", "effect", "rationale", "source", "line"]


def test_edit_validate_fix_preview_save_and_restore(rules_dir):
    original = (rules_dir / "rules.yaml").read_bytes()
    at = open_page()
    assert at.button(key="rules-save").disabled  # nothing to save yet

    edit(at, "value: strict}\n    effect: {orchestration: 3", "value: strictly}\n    effect: {orchestration: 3")
    errors = messages(at, "error")
    line = original.decode()[: original.decode().index(STRICT)].count("\n") + 2
    assert errors[0] == "1 problem: the file cannot be saved until they are fixed."
    assert errors[1].startswith(f"Line {line}, column ")
    assert "invalid value 'strictly' for 'ordering'; expected none|some|strict" in errors[1]
    assert at.button(key="rules-save").disabled

    edit(
        at,
        "value: strictly}\n    effect: {orchestration: 3}",
        "value: strict}\n    effect: {choreography: 20}",
    )
    assert not messages(at, "error")
    assert any(m.startswith("Valid: ") and m.endswith("Not saved yet.") for m in messages(at, "success"))
    scenarios = table(at, "scenario")
    assert "FAIL" in set(scenarios["result"])  # the checkout scenario expects hybrid
    impact = table(at, "case")
    row = impact[impact["case"] == "Order checkout with notifications"].iloc[0]
    assert (row["old"].split()[0], row["new"].split()[0], row["change"]) == ("hybrid", "choreography", "style")
    example = impact[impact["case"] == "examples/order-checkout.yaml"].iloc[0]
    assert example["change"] == "style" and example["new"].startswith("choreography")
    assert impact.iloc[0]["change"] in ("style", "validity")  # changes come first
    (metric,) = [m for m in at.metric if m.label == "Recommendations that change"]
    assert not metric.value.startswith("0 of")
    assert (rules_dir / "rules.yaml").read_bytes() == original  # a preview writes nothing

    edited = at.text_area(key="rules-editor").value
    v0 = version_of(edited)
    v1, v2 = next_patch(v0), next_patch(next_patch(v0))
    at.button(key="rules-save").click().run()
    assert (
        f"Saved rules.yaml. The previous version is kept as version 1. The rulebook's version was raised from "
        f"{v0} to {v1}."
    ) in messages(at, "success")
    saved = edited.replace(f"version: {v0}", f"version: {v1}", 1).encode()  # a save raises the version
    assert (rules_dir / "rules.yaml").read_bytes() == saved
    assert history(rules_dir, "rules.yaml")[0].path.read_bytes() == original
    assert at.text_area(key="rules-editor").value.encode() == saved  # the editor shows what was written
    assert at.button(key="rules-save").disabled  # saved: the editor is at the new base

    at.selectbox(key="rules-restore-version").select(1).run()
    at.button(key="rules-restore").click().run()
    assert any(
        m.startswith("Restored version 1 of rules.yaml. The replaced version is kept as version 2.")
        for m in messages(at, "success")
    )
    restored = original.decode().replace(f"version: {v0}", f"version: {v2}", 1).encode()  # versions only go up
    assert (rules_dir / "rules.yaml").read_bytes() == restored
    assert at.text_area(key="rules-editor").value.encode() == restored


def test_a_second_session_saving_a_stale_copy_is_refused_and_sees_what_changed(rules_dir):
    alice, bob = open_page(), open_page()  # both open the same version
    edit(alice, "hybrid_links: 2", "hybrid_links: 3")
    alice.button(key="rules-save").click().run()
    alices = (rules_dir / "rules.yaml").read_bytes()
    assert b"hybrid_links: 3" in alices

    edit(bob, "tie_break: [orchestration, choreography]", "tie_break: [choreography, orchestration]")
    bobs = bob.text_area(key="rules-editor").value
    bob.button(key="rules-save").click().run()
    errors = messages(bob, "error")
    assert any(
        "was changed by someone else since you opened it" in e and "your edit was NOT saved" in e for e in errors
    )
    (diff,) = [c.value for c in bob.code if c.language == "diff" and "(on disk now)" in c.value]
    assert "-  hybrid_links: 2\n+  hybrid_links: 3\n" in diff
    assert (rules_dir / "rules.yaml").read_bytes() == alices  # Alice's version survives...
    assert bob.text_area(key="rules-editor").value == bobs  # ...and so does Bob's, in his editor
    assert any("changed on disk since you opened it" in w for w in messages(bob, "warning"))

    bob.button(key="rules-reload").click().run()
    assert bob.text_area(key="rules-editor").value.encode() == alices


def test_a_file_changed_on_disk_is_picked_up_and_an_invalid_one_keeps_the_last_good_rulebook(rules_dir):
    at = open_page()
    rules = (rules_dir / "rules.yaml").read_text()
    old, new = version_of(rules), next_patch(version_of(rules))
    (rules_dir / "rules.yaml").write_text(rules.replace(f"version: {old}", f"version: {new}", 1))
    at.run()
    assert f"version {new}" in shown(at.caption[0].value)
    (rules_dir / "rules.yaml").write_text(rules.replace(f"version: {old}", "version: [1", 1))
    at.run()
    assert not at.exception
    assert f"version {new}" in shown(at.caption[0].value)  # the last good rulebook stays active
    assert any("not valid, so the app keeps using the last good rulebook" in w for w in messages(at, "warning"))
    assert any("YAML syntax error" in e for e in messages(at, "error"))
    assert len(table(at, "id")) > 0


def test_restoring_is_offered_only_once_a_version_is_kept(rules_dir):
    at = open_page()
    assert any("No previous version of rules.yaml is kept yet" in i for i in messages(at, "info"))
    assert not [b for b in at.button if b.key == "rules-restore"]


def test_a_rulebook_broken_on_disk_before_the_session_started_can_be_fixed_on_the_page(rules_dir):
    rules = (rules_dir / "rules.yaml").read_text()
    old, new = version_of(rules), next_patch(version_of(rules))
    (rules_dir / "rules.yaml").write_text(rules.replace(f"version: {old}", "version: [1", 1))
    at = open_page()
    assert "(not loaded)" in shown(at.caption[0].value)
    assert any("cannot use them" in w for w in messages(at, "warning"))
    edit(at, "version: [1", f"version: {new}")
    assert any(m.startswith("Valid: ") for m in messages(at, "success"))
    at.button(key="rules-save").click().run()
    assert not at.exception
    assert (rules_dir / "rules.yaml").read_text() == rules.replace(f"version: {old}", f"version: {new}", 1)
    assert f"version {new}" in shown(at.caption[0].value)


def test_the_impact_preview_can_include_saved_assessments(rules_dir, tmp_path, monkeypatch):
    from advisor.engine.answers import read_answers
    from advisor.rulebook.loading import load_rulebook
    from advisor.saved.store import Store

    url = f"sqlite:///{tmp_path / 'assessments.db'}"
    monkeypatch.setenv("ADVISOR_DB_URL", url)
    rulebook = load_rulebook(rules_dir)
    answers = read_answers(str(ROOT / "examples" / "order-checkout.yaml"), rulebook)
    store = Store(url)
    store.save("Checkout <b>v2</b>", assess(rulebook, answers), rulebook)
    store.close()

    at = open_page()
    edit(at, STRICT, STRICT.replace("effect: {orchestration: 3}", "effect: {choreography: 20}"))
    assert "saved: Checkout <b>v2</b>" not in set(table(at, "case")["case"])
    at.checkbox(key="rules-impact-saved").check().run()
    impact = table(at, "case")
    row = impact[impact["case"] == "saved: Checkout <b>v2</b>"].iloc[0]
    assert (row["kind"], row["old"].split()[0], row["new"].split()[0], row["change"]) == (
        "saved",
        "hybrid",
        "choreography",
        "style",
    )


def test_a_restore_over_a_file_changed_meanwhile_is_refused(rules_dir):
    from advisor.authoring.history import read_file, save

    state = read_file(rules_dir, "rules.yaml")
    save(rules_dir, "rules.yaml", state.text + b"# kept\n", state.hash)  # version 1 is now kept
    at = open_page()
    (rules_dir / "rules.yaml").write_bytes(state.text + b"# someone else\n")
    at.button(key="rules-restore").click().run()
    assert any("was changed by someone else since you opened it" in e for e in messages(at, "error"))
    assert (rules_dir / "rules.yaml").read_bytes() == state.text + b"# someone else\n"


@pytest.fixture(autouse=True)
def plain_editor(monkeypatch):
    """AppTest cannot drive the Rules page's code editor (a custom component, in an iframe): these tests run the
    page with its fallback, the plain text area (ADVISOR_PLAIN_EDITOR, as when the component is not installed).
    tests/e2e/test_rules_drafts_browser.py drives the real editor in Chromium."""
    monkeypatch.setenv("ADVISOR_PLAIN_EDITOR", "1")
