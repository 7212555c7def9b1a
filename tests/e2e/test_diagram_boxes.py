"""Every diagram the app shows, counted in a real browser (issue 15): each service is drawn as a box, never as bare
text, on the questionnaire's preview, on the Diagram page in each style and after switching styles, side by side,
and on the Compare page with two saved versions. Before the fix the browser updated drawn diagrams in place
(d3-graphviz) and a node that changed shape between two drawings lost its box; the Compare page showed it."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from browser import wait_for_app
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from web import choose, open_app

from advisor.engine.answers import Answers, read_answers, to_query_params
from advisor.engine.assessment import assess
from advisor.engine.evaluate import evaluate
from advisor.rulebook.loading import load_rulebook
from advisor.saved.store import Store
from advisor.views.diagram.plan import plan
from advisor.views.diagram.theme import load_theme

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = load_rulebook(ROOT / "rules")
STYLE_NAMES = {s: getattr(RULEBOOK.styles, s).name for s in ("orchestration", "choreography", "hybrid")}
SERVICE_KINDS = {"orchestrator", "service", "reaction", "placeholder"}

# For each diagram inside `scope`: the ids of the nodes drawn with a shape (a polygon with points, a path with a
# `d`, an ellipse with a radius), and of those drawn as bare text. Our SVG is shown as an <img>, so its document is
# read from the image's own data; a drawing made in the browser (no Graphviz on the server) is read in place.
DRAWN = """(scope) => {
  const root = document.querySelector(scope);
  if (!root) return null;
  const svgs = [...root.querySelectorAll('.advisor-svg img')].map(img => {
      const data = img.getAttribute('src').split('base64,')[1];
      const text = new TextDecoder().decode(Uint8Array.from(atob(data), c => c.charCodeAt(0)));
      return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  }).concat([...root.querySelectorAll('[data-testid="stGraphVizChart"] svg')]);
  const shaped = c => (c.tagName === 'polygon' && c.getAttribute('points'))
      || (c.tagName === 'path' && c.getAttribute('d')) || (c.tagName === 'ellipse' && c.getAttribute('rx'));
  return svgs.map(svg => {
      const nodes = [...svg.querySelectorAll('g.node')];
      const id = n => n.querySelector('title').textContent;
      return {boxed: nodes.filter(n => [...n.children].some(shaped)).map(id).sort(),
              bare: nodes.filter(n => ![...n.children].some(shaped)).map(id).sort()};
  });
}"""


def planned(answers: Answers, style: str | None = None) -> tuple[list[str], int]:
    """The ids of every node the plan draws, sorted as the browser's list is, and how many are services."""
    drawing = plan(evaluate(RULEBOOK, answers), load_theme(), style)
    return sorted(n.id for n in drawing.nodes), sum(n.kind in SERVICE_KINDS for n in drawing.nodes)


def boxes_drawn(page, scope: str, expected: list[list[str]]) -> list[dict]:
    """Wait until the diagrams in `scope` are the expected ones (their node ids), then return what they draw."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion that follows shows what was drawn
        page.wait_for_function(
            f"([scope, want]) => {{ const d = ({DRAWN})(scope); return d && d.length === want.length"
            " && d.every((x, i) => JSON.stringify(x.boxed.concat(x.bare).sort()) === JSON.stringify(want[i])); }",
            arg=[scope, expected],
            timeout=60_000,
        )
    return page.evaluate(DRAWN, scope)


def assert_every_service_boxed(drawn: list[dict], expected: list[tuple[list[str], int]]) -> None:
    assert [d["bare"] for d in drawn] == [[] for _ in expected]
    assert [d["boxed"] for d in drawn] == [ids for ids, _ in expected]
    assert all(services >= 2 for _, services in expected)  # the test draws services, not only events


def link(base: str, path: str, answers: Answers) -> str:
    return f"{base}/{path}?{urlencode(to_query_params(answers), quote_via=quote)}"


def example(name: str) -> Answers:
    return read_answers(str(ROOT / "examples" / f"{name}.yaml"), RULEBOOK)


def choreographed(answers: Answers) -> Answers:
    """The same steps with the sign-up's answers, which recommend choreography: other shapes under the same ids."""
    return Answers(example("user-signup").traits, answers.steps, answers.workflow)


# The media pipeline's steps with answers one step short of a hybrid (still choreography): answering the coupling
# question "High: fine" then turns the preview from choreography into a hybrid.
ALMOST_HYBRID = {
    "ordering": "strict",
    "branching": "many",
    "combine_results": True,
    "compensation": True,
    "compensation_can_fail": False,
    "central_monitoring": "high",
    "audit": True,
    "flow_owner": True,
    "change_frequency": "low",
    "scalability_priority": "low",
}


def test_the_questionnaire_preview_draws_every_service_as_a_box_and_after_an_answer_changes_it(app_server, page):
    media = example("media-pipeline")
    answers = Answers({**media.traits, **ALMOST_HYBRID}, media.steps, media.workflow)
    open_app(page, link(app_server, "", answers))
    preview = ".st-key-diagram-preview"
    assert_every_service_boxed(boxes_drawn(page, preview, [planned(answers)[0]]), [planned(answers)])

    choose(page, "coupling_tolerance", "High: fine", "high")
    changed = Answers({**answers.traits, "coupling_tolerance": "high"}, answers.steps, answers.workflow)
    assert (evaluate(RULEBOOK, answers).style, evaluate(RULEBOOK, changed).style) == ("choreography", "hybrid")

    assert_every_service_boxed(boxes_drawn(page, preview, [planned(changed)[0]]), [planned(changed)])


def test_the_diagram_page_draws_every_service_as_a_box_in_each_style_and_after_each_switch(app_server, page):
    answers = example("motor-claim")
    open_app(page, link(app_server, "diagram", answers))
    assert_every_service_boxed(boxes_drawn(page, ".st-key-diagram", [planned(answers)[0]]), [planned(answers)])
    for style in ("choreography", "orchestration", "hybrid", "choreography", "hybrid", "orchestration"):
        page.locator(".st-key-diagram-style").get_by_text(STYLE_NAMES[style], exact=True).click()
        expected = planned(answers, style)
        assert_every_service_boxed(boxes_drawn(page, ".st-key-diagram", [expected[0]]), [expected])

    page.locator(".st-key-diagram-compare").get_by_text("Compare all three").click()
    for style in STYLE_NAMES:
        expected = planned(answers, style)
        assert_every_service_boxed(boxes_drawn(page, f".st-key-diagram-{style}", [expected[0]]), [expected])


def test_the_compare_page_draws_every_service_as_a_box_for_two_saved_versions(app_server, page):
    # The case from issue 15: two saved versions of one assessment whose diagrams differ in style, so the same
    # node ids change shape (the orchestrator box in one is the start circle in the other).
    first, second = example("motor-claim"), choreographed(example("motor-claim"))
    assert evaluate(RULEBOOK, first).style != evaluate(RULEBOOK, second).style
    store = Store()  # the app's database: ADVISOR_DB_URL, a scratch file (tests/conftest.py)
    for answers in (first, second):
        store.save("Boxes claim", assess(RULEBOOK, answers), RULEBOOK)
    store.close()

    page.goto(link(app_server, "compare", first))
    page.locator(".st-key-compare-diagram-a").wait_for(timeout=90_000)
    wait_for_app(page)
    page.locator(".st-key-compare-mode").get_by_text("Two saved assessments").click()
    for side in ("a", "b"):
        page.locator(f".st-key-compare-{side}").click()
        page.get_by_role("option", name="Boxes claim", exact=True).click()
    for a, b in ((1, 2), (2, 1), (2, 2), (1, 2)):
        for side, number in (("a", a), ("b", b)):
            page.locator(f".st-key-compare-{side}-version").click()
            page.get_by_role("option", name=f"Version {number}", exact=True).click()
        expected = [planned((first, second)[a - 1]), planned((first, second)[b - 1])]
        for side, want in zip("ab", expected, strict=True):
            drawn = boxes_drawn(page, f".st-key-compare-diagram-{side}", [want[0]])
            assert_every_service_boxed(drawn, [want])


def test_the_full_diagram_zooms_and_pans_and_fetches_nothing_from_elsewhere(app_server, page):
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith((app_server, "data:")) else None)
    open_app(page, link(app_server, "diagram", example("motor-claim")))
    box = page.locator(".st-key-diagram .advisor-svg")
    image = box.locator("img")
    page.wait_for_function("() => document.querySelector('.st-key-diagram .advisor-svg[data-scale]')")
    start = float(box.get_attribute("data-scale"))
    width = image.evaluate("i => i.getBoundingClientRect().width")

    box.get_by_role("button", name="Zoom in").click()
    box.get_by_role("button", name="Zoom in").click()

    assert float(box.get_attribute("data-scale")) > start
    assert image.evaluate("i => i.getBoundingClientRect().width") > width * 1.4
    view = box.locator(".advisor-view")
    before = view.evaluate("v => [v.scrollLeft, v.scrollTop]")
    area = view.bounding_box()
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] / 2 - 120, area["y"] + area["height"] / 2 - 90, steps=6)
    page.mouse.up()
    assert view.evaluate("v => [v.scrollLeft, v.scrollTop]") != before  # dragged: panned
    box.get_by_role("button", name="Fit").click()
    assert float(box.get_attribute("data-scale")) <= 1
    assert elsewhere == []
