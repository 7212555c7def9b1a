"""The Saved assessments page (AppTest), on a scratch database: save, versions, history, reopen, rename, delete,
export, re-evaluate all."""

from __future__ import annotations

import pytest
from app_helpers import ROOT, dataframe_in, download, example, stored_answers, texts
from streamlit.testing.v1 import AppTest

from advisor.engine.answers import Answers, parse_answers, to_query_params

APP = ROOT / "advisor" / "web" / "app.py"


@pytest.fixture(autouse=True)
def scratch_database(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DB_URL", f"sqlite:///{tmp_path / 'saved.db'}")


def open_saved(answers: Answers | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in to_query_params(answers or Answers()).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/saved.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save(at: AppTest, name: str | None = None, note: str = "") -> AppTest:
    if name is not None:
        at.text_input(key="saved-name").set_value(name)
    at.text_input(key="saved-note").set_value(note)
    at.button(key="saved-save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_with_nothing_saved_the_page_says_so_and_offers_to_save():
    at = open_saved()
    assert "Nothing saved yet" in texts(at)
    assert at.button(key="saved-save") is not None


def test_saving_uses_the_workflow_name_and_every_edit_saved_adds_a_version_to_the_history():
    at = open_saved(example("order-checkout"))
    assert at.text_input(key="saved-name").value == "Order checkout"
    save(at, note="design review")
    assert "Saved version 1 of “Order checkout”" in texts(at)
    at.switch_page("pages/questionnaire.py").run()
    at.radio(key="ordering").set_value("none").run()
    at.switch_page("pages/saved.py").run()
    save(at, note="after the split")
    history = dataframe_in(at, "saved-history")
    assert list(history["version"]) == [2, 1]
    assert list(history["note"]) == ["after the split", "design review"]
    assert list(dataframe_in(at, "saved-list")["versions"]) == [2]


def test_saving_the_same_answers_again_adds_no_version_and_says_since_which():
    at = open_saved(example("order-checkout"))
    save(at, note="design review")

    save(at, note="again")

    assert "No change since version 1 of “Order checkout”: no version added; the note was not kept." in texts(at)
    assert list(dataframe_in(at, "saved-history")["version"]) == [1]
    assert list(dataframe_in(at, "saved-list")["versions"]) == [1]


def test_a_saved_version_opens_in_the_questionnaire_page_with_its_answers():
    checkout = example("order-checkout")
    at = open_saved(checkout)
    save(at)
    at.switch_page("pages/questionnaire.py").run()
    at.radio(key="ordering").set_value("none").run()
    at.switch_page("pages/saved.py").run()
    save(at)  # version 2 has ordering = none
    at.selectbox(key="saved-version").set_value(1).run()

    at.button(key="saved-open").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Questionnaire"
    assert stored_answers(at) == checkout
    assert at.radio(key="ordering").value == checkout.traits["ordering"]
    assert "Opened version 1 of “Order checkout” from Saved assessments." in texts(at)


def test_after_opening_an_assessment_the_name_field_holds_its_name_not_the_workflows():
    at = open_saved(example("order-checkout"))
    save(at, name="Checkout, after review")
    save(at, name="Another")  # selected and last saved: another assessment
    chooser = at.selectbox(key="saved-select")
    chooser.select_index(chooser.options.index("Checkout, after review")).run()

    at.button(key="saved-open").click().run()
    at.switch_page("pages/saved.py").run()

    assert at.text_input(key="saved-name").value == "Checkout, after review"
    chooser = at.selectbox(key="saved-select")
    assert chooser.options[chooser.index] == "Checkout, after review"  # and it is the one selected


def test_answers_of_another_workflow_get_their_own_name_in_the_field():
    at = open_saved(example("order-checkout"))
    save(at, name="Checkout, after review")
    at.switch_page("pages/questionnaire.py").run()
    at.text_input(key="workflow-name").set_value("Returns").run()
    at.switch_page("pages/saved.py").run()

    assert at.text_input(key="saved-name").value == "Returns"


def test_a_version_exports_as_an_answers_file(rulebook):
    checkout = example("order-checkout")
    at = open_saved(checkout)
    save(at)
    data, name = download(at, "saved-export")
    assert name == "order-checkout.v1.answers.yaml"
    assert parse_answers(data, name, rulebook) == checkout


def test_rename_and_a_refused_rename_to_a_taken_name():
    at = open_saved(example("order-checkout"))
    save(at)
    save(at, name="Sign-up")
    at.selectbox(key="saved-select").set_value(1).run()  # ids start at 1: "Order checkout", saved first
    at.text_input(key="saved-new-name").set_value("Sign-up")
    at.button(key="saved-rename").click().run()
    assert "Not renamed: an assessment named 'Sign-up' already exists" in texts(at)
    at.text_input(key="saved-new-name").set_value("Checkout (EU)")
    at.button(key="saved-rename").click().run()
    assert sorted(dataframe_in(at, "saved-list")["name"]) == ["Checkout (EU)", "Sign-up"]


def test_delete_needs_a_confirmation_and_removes_every_version():
    at = open_saved(example("order-checkout"))
    save(at)
    save(at)
    save(at, name="Keep me")
    at.selectbox(key="saved-select").set_value(1).run()  # ids start at 1: the first saved
    assert at.button(key="saved-delete").disabled
    at.checkbox(key="saved-delete-confirm").check().run()
    at.button(key="saved-delete").click().run()
    assert "Deleted “Order checkout” and its versions" in texts(at)
    assert list(dataframe_in(at, "saved-list")["name"]) == ["Keep me"]


def test_an_empty_name_is_refused_with_a_message_and_nothing_is_saved():
    at = open_saved(example("order-checkout"))
    save(at, name="   ")
    assert "Not saved: give the assessment a name" in texts(at)
    assert "Nothing saved yet" in texts(at)


def test_names_with_markup_are_shown_literally():
    at = open_saved(example("order-checkout"))
    save(at, name="<b>Checkout</b> **bold** :red[x]")
    assert list(dataframe_in(at, "saved-list")["name"]) == ["<b>Checkout</b> **bold** :red[x]"]
    assert "Saved version 1 of “<b>Checkout</b> **bold** :red[x]”" in texts(at)


def test_re_evaluate_all_lists_every_saved_assessment_under_the_current_rulebook():
    at = open_saved(example("order-checkout"))
    save(at)
    save(at, name="Media", note="")
    at.button(key="saved-reevaluate").click().run()
    results = dataframe_in(at, "saved-reevaluation")
    assert sorted(results["assessment"]) == ["Media", "Order checkout"]
    assert list(results["change"]) == ["-", "-"]
    assert "0 of 2 recommendations change" in texts(at)
