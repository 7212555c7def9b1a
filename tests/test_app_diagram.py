"""The diagram page (AppTest): the user's own services, drawn in the browser, in any style or all three."""

from __future__ import annotations

from app_helpers import drawn_svgs, example, graphviz_specs, keyed_block, open_app, texts

from advisor.engine.answers import Answers
from advisor.engine.evaluate import evaluate
from advisor.errors import UserError
from advisor.rulebook.formats import Step
from advisor.views.diagram.dot import build_diagram, render
from advisor.web.diagrams import rendered_diagram


def dot_of(answers, rulebook, style=None):
    ev = evaluate(rulebook, answers)
    return build_diagram(ev, style).source


def svg_of(answers, rulebook, style=None):
    """The SVG the Export page downloads: the page shows the same bytes."""
    return render(build_diagram(evaluate(rulebook, answers), style), "svg").decode("utf-8")


def test_the_recommended_diagram_of_the_users_services_is_in_the_container_keyed_diagram(rulebook):
    answers = example("order-checkout")

    at = open_app("diagram", answers)

    specs = drawn_svgs(keyed_block(at, "diagram"))
    assert specs == [svg_of(answers, rulebook)]
    for step in answers.steps:
        assert step.service in specs[0]


def test_choosing_another_style_draws_the_same_services_in_that_style(rulebook):
    answers = example("order-checkout")
    at = open_app("diagram", answers)

    at.radio(key="diagram-style").set_value("choreography").run()

    assert drawn_svgs(at) == [svg_of(answers, rulebook, "choreography")]


def test_compare_draws_the_three_styles_side_by_side(rulebook):
    answers = example("loan-approval")
    at = open_app("diagram", answers)

    at.toggle(key="diagram-compare").set_value(True).run()

    for style in ("orchestration", "choreography", "hybrid"):
        assert drawn_svgs(keyed_block(at, f"diagram-{style}")) == [svg_of(answers, rulebook, style)]
    assert len(at.columns) >= 3


def test_without_steps_the_page_says_the_drawing_is_generic():
    at = open_app("diagram", Answers({"ordering": "strict"}))

    assert "generic drawing" in texts(at)
    assert len(drawn_svgs(at)) == 1


def test_the_in_page_diagram_needs_no_graphviz_binary(monkeypatch, tmp_path, rulebook):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    rendered_diagram.clear()  # drawings cached by earlier tests would need no `dot`
    answers = example("order-checkout")

    at = open_app("diagram", answers)

    assert graphviz_specs(at) == [dot_of(answers, rulebook)]  # drawn in the browser instead
    assert not at.error
    assert "Graphviz is not installed on the server" in texts(at)


def test_hostile_service_names_reach_the_diagram_escaped_and_the_page_does_not_break(rulebook):
    names = ["<img src=x onerror=alert(1)>", 'say "hi"', "ends with \\", "order:svc", "🚀 :smile:"]
    answers = Answers({"ordering": "strict"}, tuple(Step(service=n, action="act") for n in names), "wf")

    at = open_app("diagram", answers)

    spec = drawn_svgs(at)[0]
    assert spec == svg_of(answers, rulebook)
    assert "<img" not in spec
    assert "&lt;img src=x" in spec
    assert not at.exception


def test_a_diagram_too_large_for_a_page_is_refused_with_a_message(monkeypatch):
    import advisor.web.diagrams as diagram  # where the page checks the size

    def refuse(digraph, theme=None):
        raise UserError("diagram too large: 900 nodes and edges (the limit is 800)")

    monkeypatch.setattr(diagram, "check_size", refuse)
    at = open_app("diagram", example("order-checkout"))

    assert not graphviz_specs(at) and not drawn_svgs(at)
    assert "diagram too large" in texts(at)
