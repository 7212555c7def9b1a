"""The web app end to end, in Debian's headless Chromium against the app started as `make run` starts it:
answer, read the recommendation, see your own services drawn, download, import, share, and stay private."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from web import add_steps, choose, enter_number, go_to, name_workflow, open_app, params

from advisor.engine.answers import Answers, dump_yaml, read_answers, to_query_params
from advisor.engine.evaluate import evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import load_rulebook

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = load_rulebook(ROOT / "rules")
DIAGRAM_SVG = ".st-key-diagram .advisor-svg img"  # our SVG, shown as an image (advisor.web.display)
# The text of the Diagram page's drawing: the SVG document in the image's base64 `data:` address.
_DIAGRAM_TEXT = """() => { const img = document.querySelector('.st-key-diagram .advisor-svg img');
    if (!img) return '';
    const data = img.getAttribute('src').split('base64,')[1];
    const text = new TextDecoder().decode(Uint8Array.from(atob(data), c => c.charCodeAt(0)));
    return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement.textContent; }"""


def expect_diagram_to_contain(page, text: str) -> None:
    """Until the drawing on the Diagram page says `text` (or 30 s), then check that it does."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(f"(t) => ({_DIAGRAM_TEXT})().includes(t)", arg=text, timeout=30_000)
    assert text in page.evaluate(_DIAGRAM_TEXT)


STYLE_NAMES = {s: getattr(RULEBOOK.styles, s).name for s in ("orchestration", "choreography", "hybrid")}


def expected(answers: Answers):
    return evaluate(RULEBOOK, answers)


def link(base: str, answers: Answers) -> str:
    return f"{base}/?{urlencode(to_query_params(answers), quote_via=quote)}"


def test_answering_the_questionnaire_gives_the_recommendation_and_a_diagram_of_my_services(app_server, page):
    open_app(page, app_server)
    name_workflow(page, "Order checkout")
    add_steps(page, [("Orders", "Create order"), ("Payment", "Charge card"), ("Shipping", "Ship parcel")])
    choose(page, "ordering", "Strict order, waiting on confirmations", "strict")
    choose(page, "compensation", "Yes", "true")
    choose(page, "central_monitoring", "High: critical, per instance", "high")
    enter_number(page, "teams", 1)
    answers = Answers(
        {"ordering": "strict", "compensation": True, "central_monitoring": "high", "teams": 1},
        tuple(
            Step(service=s, action=a)
            for s, a in [("Orders", "Create order"), ("Payment", "Charge card"), ("Shipping", "Ship parcel")]
        ),
        "Order checkout",
    )
    ev = expected(answers)

    go_to(page, "Recommendation", ".st-key-recommendation")
    box = page.locator(".st-key-recommendation")
    expect(box.locator("h2")).to_have_text(STYLE_NAMES[ev.style])
    expect(box).to_contain_text(f"{ev.confidence:.2f}")
    expect(page.locator("h1")).to_have_text("Recommendation for Order checkout")

    go_to(page, "Diagram", DIAGRAM_SVG)
    for service in ("Orders", "Payment", "Shipping"):
        expect_diagram_to_contain(page, service)


def test_the_recommendation_and_diagram_follow_each_answer(app_server, page):
    open_app(page, link(app_server, Answers({}, (Step(service="Billing", action="Bill"),), "Live")))
    go_to(page, "Diagram", DIAGRAM_SVG)
    expect_diagram_to_contain(page, "Billing")

    go_to(page, "Questionnaire", ".st-key-workflow-section")
    add_steps(page, [("Ledger", "Record entry")])
    go_to(page, "Diagram", DIAGRAM_SVG)

    expect_diagram_to_contain(page, "Ledger")


def test_switching_the_drawn_style_redraws_the_diagram(app_server, page):
    answers = Answers(
        {"ordering": "strict", "compensation": True, "fan_out": 2, "teams": 3},
        (Step(service="Payment", action="Charge card"), Step(service="Email", action="Send receipt", reaction=True)),
        "Redraw",
    )
    open_app(page, link(app_server, answers))
    go_to(page, "Diagram", DIAGRAM_SVG)
    expect_diagram_to_contain(page, f"Redraw: {expected(answers).style}")
    for style in ("choreography", "orchestration"):
        page.locator(".st-key-diagram-style").get_by_text(STYLE_NAMES[style], exact=True).click()
        expect_diagram_to_contain(page, f"Redraw: {style}")


def test_the_sequence_view_is_drawn_at_its_own_size_and_scrolls_sideways(app_server, page):
    # Inline SVG was stripped by Streamlit's sanitiser (an empty box), and st.image shrank 9 lifelines to
    # unreadable text: the view is an <img> of the SVG at its natural width, in a box that scrolls.
    answers = read_answers(str(ROOT / "examples" / "motor-claim.yaml"), RULEBOOK)
    open_app(page, link(app_server, answers))
    go_to(page, "Diagram", DIAGRAM_SVG)
    page.locator(".st-key-diagram-view").get_by_text("Sequence of messages", exact=True).click()
    image = page.locator(".advisor-sequence img")
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('.advisor-sequence[data-scale] img').naturalWidth > 0")
    natural, shown, box = image.evaluate(
        "i => [i.naturalWidth, i.getBoundingClientRect().width, i.parentElement.getBoundingClientRect().width]"
    )
    assert natural > box and abs(shown - natural) < 2  # not shrunk: the box scrolls instead


def test_a_report_downloads_from_the_export_page(app_server, page, tmp_path):
    answers = read_answers(str(ROOT / "examples" / "order-checkout.yaml"), RULEBOOK)
    open_app(page, link(app_server, answers))
    go_to(page, "Export & import", ".st-key-share")

    with page.expect_download() as download:
        page.locator(".st-key-download-report-md button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")

    assert download.value.suggested_filename == "order-checkout.report.md"
    assert "Order checkout" in text
    assert STYLE_NAMES[expected(answers).style] in text


def test_downloads_clicked_one_after_another_all_arrive(app_server, page):
    """Most files of the Export page are written when their button is pressed (deferred). Clicked in quick
    succession, each still arrives and no button is left disabled: a download starts no rerun that would discard
    the files of the others while they are fetched."""
    answers = read_answers(str(ROOT / "examples" / "order-checkout.yaml"), RULEBOOK)
    open_app(page, link(app_server, answers))
    go_to(page, "Export & import", ".st-key-download-report-html")
    arrived: list[str] = []
    page.on("download", lambda d: arrived.append(d.suggested_filename))
    keys = ["report-md", "adr", "answers-yaml", "report-html", "blueprint-asyncapi", "sequence-svg"] * 2
    for key in keys:
        page.locator(f".st-key-download-{key} button").click(timeout=10_000)
        page.wait_for_timeout(150)
    for _ in range(100):  # up to 10 s for the last ones
        if len(arrived) >= len(keys):
            break
        page.wait_for_timeout(100)
    assert len(arrived) == len(keys), arrived
    assert set(arrived) == {
        "order-checkout.report.md",
        "order-checkout.adr.md",
        "order-checkout.answers.yaml",
        "order-checkout.report.html",
        f"order-checkout.{expected(answers).style}.asyncapi.yaml",
        f"order-checkout.{expected(answers).style}.sequence.svg",
    }


def test_an_imported_answers_file_fills_the_questionnaire(app_server, page, tmp_path):
    answers = read_answers(str(ROOT / "examples" / "travel-booking.yaml"), RULEBOOK)
    upload = tmp_path / "travel.yaml"
    upload.write_text(dump_yaml(answers), encoding="utf-8")
    open_app(page, app_server)
    go_to(page, "Export & import", ".st-key-import")

    page.locator(".st-key-import-file input[type=file]").set_input_files(str(upload))
    page.locator(".st-key-import-apply button").click()
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_contain_text("Imported")

    assert params(page)["workflow"] == answers.workflow
    go_to(page, "Questionnaire", ".st-key-workflow-section")
    expect(page.locator(".st-key-workflow-name input")).to_have_value(answers.workflow)
    checked = page.locator(".st-key-ordering input[type=radio]:checked")
    expect(checked).to_have_count(1)


def test_a_bad_upload_says_what_is_wrong_and_keeps_the_answers(app_server, page, tmp_path):
    upload = tmp_path / "latin1.yaml"
    upload.write_bytes("workflow: Café\n".encode("latin-1"))
    answers = Answers({"ordering": "none"}, (), "Kept")
    open_app(page, link(app_server, answers))
    go_to(page, "Export & import", ".st-key-import")

    page.locator(".st-key-import-file input[type=file]").set_input_files(str(upload))

    expect(page.locator("[data-testid='stAlertContentError']")).to_contain_text("your current answers are unchanged")
    expect(page.locator("[data-testid='stAlertContentError']")).to_contain_text("UTF-8")
    assert params(page)["workflow"] == "Kept" and params(page)["ordering"] == "none"


def test_a_share_link_restores_the_answers_in_another_browser(app_server, browser, page):
    open_app(page, app_server)
    name_workflow(page, "Shared flow")
    choose(page, "ordering", "No: steps are independent", "none")
    choose(page, "coordinator_spof", "Yes", "true")
    add_steps(page, [("Catalog", "Publish item")])
    url = page.url

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_app(other, url)
        expect(other.locator(".st-key-workflow-name input")).to_have_value("Shared flow")
        expect(other.locator(".st-key-ordering input[type=radio]:checked")).to_have_count(1)
        assert params(other) == params(page)
        go_to(other, "Recommendation", ".st-key-recommendation")
        ev = expected(
            Answers(
                {"ordering": "none", "coordinator_spof": True},
                (Step(service="Catalog", action="Publish item"),),
                "Shared flow",
            )
        )
        expect(other.locator(".st-key-recommendation h2")).to_have_text(STYLE_NAMES[ev.style])
    finally:
        other.context.close()


def test_the_share_link_box_fits_a_short_link_and_scrolls_a_long_one(app_server, page):
    # Why: a box of fixed height left the bare address of a new session in a tall empty box; a long link must
    # still not push the rest of the Export page down (advisor/web/pages/export.py: at most 150 px)
    box = page.locator(".st-key-share-link pre")
    open_app(page, f"{app_server}/export")
    box.wait_for()
    short = box.evaluate("e => [e.getBoundingClientRect().height, e.scrollHeight]")
    assert short[0] < 80 and short[1] <= short[0] + 1, short  # one line, nothing hidden

    open_app(page, link(app_server, read_answers(str(ROOT / "examples" / "order-checkout.yaml"), RULEBOOK)))
    go_to(page, "Export & import", ".st-key-share-link pre")
    long = box.evaluate("e => [e.getBoundingClientRect().height, e.scrollHeight]")
    assert 140 <= long[0] <= 151 and long[1] > long[0], long  # at its maximum height, the rest scrolls


def test_a_tampered_share_link_says_what_was_ignored_and_keeps_the_rest(app_server, page):
    open_app(page, f"{app_server}/?ordering=strict&teams=many&bogus=1&steps=%5B%7Bnot%20json")

    notices = page.locator(".st-key-answer-notices")
    expect(notices).to_contain_text("Share link: teams")
    expect(notices).to_contain_text("Share link: bogus: unknown question; ignored")
    expect(notices).to_contain_text("Share link: steps")
    assert params(page) == {"ordering": "strict"}


def test_two_browser_sessions_never_see_each_others_answers(app_server, browser, page):
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_app(page, app_server)
        open_app(other, app_server)
        name_workflow(page, "Alice's flow")
        name_workflow(other, "Bob's flow")
        choose(page, "ordering", "Strict order, waiting on confirmations", "strict")
        choose(other, "ordering", "No: steps are independent", "none")
        choose(other, "coordinator_spof", "Yes", "true")

        go_to(page, "Recommendation", ".st-key-recommendation")
        go_to(other, "Recommendation", ".st-key-recommendation")

        expect(page.locator("h1")).to_have_text("Recommendation for Alice's flow")
        expect(other.locator("h1")).to_have_text("Recommendation for Bob's flow")
        alice = expected(Answers({"ordering": "strict"}, (), "Alice's flow"))
        bob = expected(Answers({"ordering": "none", "coordinator_spof": True}, (), "Bob's flow"))
        expect(page.locator(".st-key-recommendation")).to_contain_text(f"{alice.confidence:.2f}")
        expect(other.locator(".st-key-recommendation")).to_contain_text(f"{bob.confidence:.2f}")
        assert "coordinator_spof" not in params(page)
    finally:
        other.context.close()


HOSTILE = '<img src=x onerror=alert(1)> "q" C:\\ :smile: $x$'


def test_hostile_names_are_shown_literally_and_never_run(app_server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    answers = Answers(
        {"ordering": "strict"}, (Step(service=HOSTILE, action="act"), Step(service="B", action="b")), HOSTILE
    )
    open_app(page, link(app_server, answers))

    expect(page.locator(".st-key-workflow-name input")).to_have_value(HOSTILE)
    go_to(page, "Recommendation", ".st-key-recommendation")
    expect(page.locator("h1")).to_have_text(f"Recommendation for {HOSTILE}")
    go_to(page, "Diagram", DIAGRAM_SVG)
    expect_diagram_to_contain(page, "<img src=x")

    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert json.loads(params(page)["steps"])[0]["service"] == HOSTILE
