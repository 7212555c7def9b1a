"""The report model and its Markdown, HTML and ADR renderings: what a reader is told."""

from __future__ import annotations

import re

import pytest
from exports import ROOT, assess_example, evaluate_example

from advisor.cli.main import main
from advisor.views.report.adr import to_adr
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report


@pytest.fixture(scope="module")
def travel(rulebook):
    return build_report(assess_example(rulebook, "travel-booking"), rulebook)


@pytest.fixture(scope="module")
def media(rulebook):
    return build_report(assess_example(rulebook, "media-pipeline"), rulebook)


def _checkout_without_counts(rulebook):
    """The checkout example with the questions its steps answer left open: the step count and the consumers."""
    from advisor.engine.answers import Answers, read_answers
    from advisor.engine.assessment import assess

    given = read_answers(str(ROOT / "examples" / "order-checkout.yaml"), rulebook)
    traits = {q: v for q, v in given.traits.items() if q not in ("step_count", "fan_out")}
    return assess(rulebook, Answers(traits, given.steps, given.workflow))


def test_the_report_marks_exactly_the_open_answers_and_those_read_from_the_steps(rulebook):
    assessment = _checkout_without_counts(rulebook)
    ev = assessment.evaluation
    assert ev.assumed and {"step_count", "fan_out"} <= set(ev.derived)
    report = build_report(assessment, rulebook)
    assert {a.question for a in report.answers if a.assumed} == set(ev.assumed)
    assert {a.question for a in report.answers if a.derived} == set(ev.derived)
    assert report.assumed_count == len(ev.assumed) and report.derived_count == len(ev.derived)
    md = to_markdown(report)
    assert md.count("| *not answered* |") == len(ev.assumed)
    assert md.count("| from the steps |") == len(ev.derived)
    steps = next(a for a in report.answers if a.question == "step_count")
    assert steps.answer == str(len(ev.steps))  # the count of the listed steps
    assert "assumed (default)" not in md and "None" not in md
    page = to_html(report, diagram_svg="<svg></svg>")
    assert page.count('<span class="badge unanswered">not answered</span>') == len(ev.assumed)
    assert page.count('<span class="badge derived">from the steps</span>') == len(ev.derived)
    assert ">None<" not in page


def test_an_unknown_answer_reads_not_answered_in_every_text_never_none(rulebook):
    from advisor.engine.answers import Answers
    from advisor.engine.assessment import assess
    from advisor.views.contract import as_text

    assessment = assess(rulebook, Answers({"ordering": "strict"}, (), "Sparse"))
    report = build_report(assessment, rulebook)
    open_tips = [t for t in report.tipping_points for c in t.changes if c.open]
    assert open_tips, "an open question among the tipping points"
    for text in (
        to_markdown(report),
        to_adr(report),
        to_html(report, diagram_svg="<svg></svg>"),
        as_text(assessment, rulebook),
    ):
        assert not re.search(r"\bNone\b(?! of)", text)  # the ADR's checklist says "None of the tipping points"
        assert "not answered" in text.lower()


def test_the_report_gives_every_fired_rule_with_its_rationale_and_source(travel, rulebook):
    md = to_markdown(travel)
    ev = evaluate_example(rulebook, "travel-booking")
    for r in ev.fired:
        rule = rulebook.rule(r.rule_id)
        assert f"`{r.rule_id}`" in md
        assert rule.source.split(";")[0].split(",")[0] in md.replace("\\", "")


def test_the_report_carries_the_rulebook_version_and_hash_and_the_answers_to_reproduce_it(travel, rulebook):
    md = to_markdown(travel)
    assert rulebook.version in md and rulebook.hash in md
    block = re.search(r"```yaml\n(.*?)```", md, re.S).group(1)
    from advisor.engine.answers import parse_answers
    from advisor.engine.evaluate import evaluate

    again = parse_answers(block, "from-report.yaml", rulebook)
    ev = evaluate(rulebook, again)
    assert (ev.style, ev.confidence, ev.scores) == (
        travel.style,
        travel.confidence,
        {o.style: o.score for o in travel.options},
    )


def test_the_report_lists_the_tipping_points_the_engine_finds(media):
    md = to_markdown(media)
    assert media.tipping_points
    assert "## What would change the recommendation" in md
    for t in media.tipping_points:
        assert t.style_name in md


def test_when_no_single_change_flips_the_style_the_report_shows_the_closest_pairs(media, rulebook):
    tips = assess_example(rulebook, "media-pipeline").tipping_points
    assert tips and all(t.also for t in tips)  # the engine found pairs only
    assert media.pairs and all(len(t.changes) == 2 for t in media.tipping_points)
    md = to_markdown(media)
    assert "No single change alters the recommendation; these are the closest pairs" in md
    for t, row in zip(tips, media.tipping_points):
        ((q2, _, v2),) = t.also
        assert [c.question for c in row.changes] == [t.question, q2]
        assert row.changes[1].alternative == rulebook.questions[q2].label_of(v2)
        line = next(x for x in md.splitlines() if x.startswith(f"| {row.changes[0].text}"))
        assert f", and {row.changes[1].text} **{row.changes[1].alternative}**" in line
    page = to_html(media, diagram_svg="<svg></svg>")
    assert '<td rowspan="2"><strong>' in page and '<tr class="also"><td>and ' in page


def test_an_open_question_in_a_tipping_point_reads_as_answering_it(rulebook):
    assessment = assess_example(rulebook, "loan-approval")
    opened = [t for t in assessment.tipping_points if t.current is None]
    assert opened and not any(t.also for t in assessment.tipping_points)
    report = build_report(assessment, rulebook)
    md = to_markdown(report)
    for t in opened:
        q = rulebook.questions[t.question]
        assert f"| {q.text} answered **{q.label_of(t.value)}** (not answered now) |" in md
    assert "Each change below works on its own" in md


def test_a_tie_says_so_and_names_the_open_questions_that_would_decide_it(rulebook):
    from advisor.engine.answers import Answers
    from advisor.engine.assessment import assess

    assessment = assess(rulebook, Answers({}, (), "Nothing known"))
    ev = assessment.evaluation
    assert ev.tie and ev.scores["orchestration"] == ev.scores["choreography"]
    report = build_report(assessment, rulebook)
    opened = list(dict.fromkeys(t.question for t in assessment.tipping_points if t.current is None))
    assert opened and [q for q, _ in report.deciding] == opened
    assert report.tie and "a tie" in report.outcome
    md = to_markdown(report)
    assert "**A tie.** The questions that would decide it" in md
    for q, text in report.deciding:
        assert f"- {text} (`{q}`)" in md
    adr = to_adr(report)
    assert "tie-break" in adr and "It is a tie, so the decision is open until one of these questions is answered" in adr
    page = to_html(report, diagram_svg="<svg></svg>")
    assert '<div class="tie">' in page and all(f"(<code>{q}</code>)" in page for q in opened)


def test_a_report_without_a_tie_names_no_deciding_questions(travel):
    assert not travel.tie and travel.deciding == ()
    assert "A tie" not in to_markdown(travel) and "It is a tie" not in to_adr(travel)


def test_the_score_table_says_which_points_are_the_cores_and_which_the_link_evidence(travel, rulebook):
    md = to_markdown(travel)
    counts = {o.style: o.counts for o in travel.options}
    assert counts["orchestration"].startswith("the core's points") and counts["choreography"].startswith(
        "the core's points"
    )
    assert counts["hybrid"].startswith("link evidence")
    assert "| Hybrid | 5 | link evidence: some links are better as events | recommended |" in md
    assert "| Orchestration | 17 | the core's points: it needs a coordinator | runner-up |" in md
    ev = evaluate_example(rulebook, "travel-booking")
    assert f"orchestration {ev.scores['orchestration']} points against choreography {ev.scores['choreography']}" in (
        travel.outcome
    )
    assert f"at least {rulebook.decision.hybrid_links} such points is a hybrid" in md


def test_steps_that_name_their_team_and_context_show_them(rulebook):
    from advisor.engine.answers import Answers
    from advisor.engine.assessment import assess
    from advisor.rulebook.formats import Step

    steps = (
        Step(service="Orders", action="Create order", team="Commerce", context="Sales"),
        Step(service="Payment", action="Charge card", team="Payments", context="Sales", compensation="Refund"),
        Step(service="Ledger", action="Book revenue", team="Finance", context="Accounting"),
    )
    assessment = assess(rulebook, Answers({"ordering": "strict", "compensation": True}, steps, "Owned"))
    report = build_report(assessment, rulebook)
    assert report.owners and [(s.team, s.context) for s in report.steps] == [(s.team, s.context) for s in steps]
    md = to_markdown(report)
    assert "| # | Service | Team | Context | Action | Coordination | Event | Compensation |" in md
    assert "| 3 | Ledger | Finance | Accounting | Book revenue |" in md
    assert "| 3 | Ledger | Finance | Accounting | Book revenue |" in to_adr(report)
    assert "<th>Team</th><th>Context</th>" in to_html(report, diagram_svg="<svg></svg>")
    assert "| Team |" not in to_markdown(build_report(assess_example(rulebook, "travel-booking"), rulebook))


def test_the_report_gives_the_chosen_styles_tradeoffs_and_mitigations_from_the_rules(travel, rulebook):
    md = to_markdown(travel)
    for text in rulebook.styles.hybrid.mitigations + rulebook.styles.hybrid.drawbacks:
        assert text in md.replace("\\", "")


def test_the_report_allocates_each_step(travel):
    md = to_markdown(travel)
    assert "| 1 | Flights | Book flight | orchestrated | FlightBooked | Cancel flight |" in md
    assert "| 5 | Loyalty | Award points | event-driven | PointsAwarded |  |" in md


def test_every_steps_own_reason_is_given_with_the_steps_it_explains(rulebook):
    # Two event-driven steps for different reasons (another context; a reaction): both reasons are shown, each
    # with its steps, in Markdown and HTML (HTML once showed only the first reason per mode).
    report = build_report(assess_example(rulebook, "motor-claim"), rulebook)
    reasons = {s.number: s.reason for s in report.steps}
    assert len(set(reasons.values())) == 4
    md, page = to_markdown(report), to_html(report, diagram_svg="<svg></svg>")
    assert "- *event-driven* (step 4): in another bounded context (Risk)" in md
    assert "- *event-driven* (step 7): a reaction the core flow need not wait for" in md
    assert "- *orchestrated* (steps 1, 2, 3, 5): part of the core flow" in md
    for reason in set(reasons.values()):
        assert reason in page
    assert "step 6: in another bounded context (Billing)" in page


@pytest.mark.browser
def test_the_html_report_at_phone_width_keeps_words_whole(rulebook, browser, tmp_path):
    # At 420 px the score table once wrapped one letter per line ("H y b r i d"): cells now break only words
    # wider than the column, and a table wider than the screen scrolls inside its own box.
    path = tmp_path / "report.html"
    path.write_text(to_html(build_report(assess_example(rulebook, "motor-claim"), rulebook)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 420, "height": 900})
    try:
        page.goto(path.as_uri())
        heights = page.eval_on_selector_all(
            "table.scores th[scope=row], table.steps thead th",
            "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
            " return [c.textContent, r.getBoundingClientRect().height, parseFloat(getComputedStyle(c).lineHeight)]; })",
        )
        # each label is one word: its text is one line high, not a column of letters
        assert heights and all(h < 1.5 * line for _, h, line in heights), heights
        assert page.evaluate("document.documentElement.scrollWidth") <= 420  # only the tables scroll
    finally:
        page.close()


def test_the_markdown_report_is_deterministic(rulebook):
    a = to_markdown(build_report(assess_example(rulebook, "user-signup"), rulebook))
    b = to_markdown(build_report(assess_example(rulebook, "user-signup"), rulebook))
    assert a == b
    assert not re.search(r"\d{4}-\d{2}-\d{2}", a)  # no date


def test_the_html_report_is_one_self_contained_file(travel):
    page = to_html(travel)
    assert "<svg" in page and "<style>" in page
    assert not re.search(r"<link|<script|<img|<iframe|@import|url\(", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_the_html_report_without_graphviz_says_how_to_install_it(travel, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    page = to_html(travel)
    assert "sudo apt-get install graphviz" in page and "<svg" not in page


def test_the_adr_has_the_madr_sections_in_order(travel):
    adr = to_adr(travel)
    headings = re.findall(r"^(#+ .*)$", adr, re.M)
    order = [
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "### Confirmation",
        "## Pros and Cons of the Options",
        "## More Information",
    ]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions)
    assert adr.startswith("---\nstatus: proposed\ndate: undated\ndecision-makers:")
    assert 'Chosen option: "Hybrid", because' in adr


def test_the_adr_lists_three_options_and_the_drivers_from_the_top_contributions(travel, rulebook):
    adr = to_adr(travel)
    options = re.search(r"## Considered Options\n\n(.*?)\n\n", adr, re.S).group(1).splitlines()
    assert options == ["* Hybrid", "* Orchestration", "* Choreography"]  # chosen, runner-up, the other
    drivers = re.search(r"## Decision Drivers\n\n(.*?)\n\n", adr, re.S).group(1).splitlines()
    assert len(drivers) == len(travel.drivers) == 5
    top = assess_example(rulebook, "travel-booking").contributions[:5]
    assert [d.question for d in travel.drivers] == [c.question for c in top]
    for line, c in zip(drivers, top):
        assert line.startswith(f"* {rulebook.questions[c.question].text}")
    assert "compensated" in "".join(drivers)  # the saga's compensation is among the forces of a trip booking


def test_the_adr_takes_an_explicit_date_and_refuses_a_malformed_one(travel):
    assert "\ndate: 2025-03-01\n" in to_adr(travel, date="2025-03-01")
    from advisor.errors import UserError

    with pytest.raises(UserError, match="YYYY-MM-DD"):
        to_adr(travel, date="March 1st")


# ---------------------------------------------------------------- the CLI
CHECKOUT = str(ROOT / "examples" / "order-checkout.yaml")


@pytest.mark.parametrize(
    "fmt, start", [("dot", "digraph advisor {"), ("mermaid", "%% Order checkout"), ("svg", '<?xml version="1.0"')]
)
def test_advisor_diagram_writes_text_formats_to_stdout(capsys, fmt, start):
    assert main(["diagram", CHECKOUT, "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)


def test_advisor_diagram_draws_a_forced_style(capsys):
    assert main(["diagram", CHECKOUT, "--format", "dot", "--style", "choreography"]) == 0
    assert "Order checkout: choreography" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["diagram", CHECKOUT, "--format", "png"],
        ["diagram", CHECKOUT, "--format", "pdf"],
        ["report", CHECKOUT, "--format", "pdf"],
    ],
)
def test_binary_formats_without_an_output_file_exit_2_with_a_clear_message(capsys, command):
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "binary format: give an output file with -o PATH" in err


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_advisor_diagram_writes_binary_formats_to_a_file(tmp_path, fmt, magic):
    out = tmp_path / f"d.{fmt}"
    assert main(["diagram", CHECKOUT, "--format", fmt, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    "fmt, start",
    [("md", "# Coordination style for Order checkout"), ("html", "<!DOCTYPE html>"), ("adr", "---\nstatus: proposed")],
)
def test_advisor_report_writes_each_text_format(capsys, fmt, start):
    assert main(["report", CHECKOUT, "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)


def test_advisor_recommend_md_is_the_full_markdown_report(capsys, rulebook):
    assert main(["recommend", CHECKOUT, "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out == to_markdown(build_report(assess_example(rulebook, "order-checkout"), rulebook))


def test_advisor_report_writes_a_pdf_file(tmp_path):
    out = tmp_path / "r.pdf"
    assert main(["report", CHECKOUT, "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_date_is_refused_for_reports_other_than_the_adr(capsys):
    assert main(["report", CHECKOUT, "--format", "md", "--date", "2025-01-01"]) == 2
    assert "--date applies to --format adr only" in capsys.readouterr().err
