"""The report model and its Markdown, HTML and ADR renderings: what a reader is told."""
from __future__ import annotations

import re

import pytest

from advisor.cli.main import main
from advisor.views.report.adr import to_adr
from advisor.views.report.html import to_html
from advisor.views.report.markdown import to_markdown
from advisor.views.report.model import build_report
from exports import ROOT, assess_example, evaluate_example


@pytest.fixture(scope="module")
def travel(rulebook):
    return build_report(assess_example(rulebook, "travel-booking"), rulebook)


@pytest.fixture(scope="module")
def media(rulebook):
    return build_report(assess_example(rulebook, "media-pipeline"), rulebook)


def test_the_report_marks_exactly_the_assumed_answers(rulebook):
    assessment = assess_example(rulebook, "order-checkout")
    ev = assessment.evaluation
    report = build_report(assessment, rulebook)
    assert {a.question for a in report.answers if a.assumed} == set(ev.assumed)
    md = to_markdown(report)
    assert md.count("assumed (default)") == len(ev.assumed)


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
    assert (ev.style, ev.confidence, ev.scores) == (travel.style, travel.confidence,
                                                   {o.style: o.score for o in travel.options})


def test_the_report_lists_the_tipping_points_the_engine_finds(media):
    md = to_markdown(media)
    assert media.tipping_points
    assert "## What would change the recommendation" in md
    for t in media.tipping_points:
        assert t.style_name in md


def test_the_report_gives_the_chosen_styles_tradeoffs_and_mitigations_from_the_rules(travel, rulebook):
    md = to_markdown(travel)
    for text in rulebook.styles.hybrid.mitigations + rulebook.styles.hybrid.drawbacks:
        assert text in md.replace("\\", "")


def test_the_report_allocates_each_step(travel):
    md = to_markdown(travel)
    assert "| 1 | Flights | Book flight | orchestrated | FlightBooked | Cancel flight |" in md
    assert "| 5 | Loyalty | Award points | event-driven | PointsAwarded |  |" in md


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
    order = ["## Context and Problem Statement", "## Decision Drivers", "## Considered Options",
             "## Decision Outcome", "### Consequences", "### Confirmation", "## Pros and Cons of the Options",
             "## More Information"]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions)
    assert adr.startswith("---\nstatus: proposed\ndate: undated\ndecision-makers:")
    assert "Chosen option: \"Hybrid\", because" in adr


def test_the_adr_lists_three_options_and_the_drivers_from_the_top_contributions(travel):
    adr = to_adr(travel)
    options = re.search(r"## Considered Options\n\n(.*?)\n\n", adr, re.S).group(1).splitlines()
    assert options == ["* Hybrid", "* Orchestration", "* Choreography"]
    drivers = re.search(r"## Decision Drivers\n\n(.*?)\n\n", adr, re.S).group(1).splitlines()
    assert len(drivers) == len(travel.drivers) == 5
    assert "compensated" in drivers[0]


def test_the_adr_takes_an_explicit_date_and_refuses_a_malformed_one(travel):
    assert "\ndate: 2025-03-01\n" in to_adr(travel, date="2025-03-01")
    from advisor.errors import UserError

    with pytest.raises(UserError, match="YYYY-MM-DD"):
        to_adr(travel, date="March 1st")


# ---------------------------------------------------------------- the CLI
CHECKOUT = str(ROOT / "examples" / "order-checkout.yaml")


@pytest.mark.parametrize("fmt, start", [("dot", "digraph advisor {"), ("mermaid", "%% Order checkout"),
                                        ("svg", '<?xml version="1.0"')])
def test_advisor_diagram_writes_text_formats_to_stdout(capsys, fmt, start):
    assert main(["diagram", CHECKOUT, "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)


def test_advisor_diagram_draws_a_forced_style(capsys):
    assert main(["diagram", CHECKOUT, "--format", "dot", "--style", "choreography"]) == 0
    assert "Order checkout: choreography" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["diagram", CHECKOUT, "--format", "png"], ["diagram", CHECKOUT, "--format", "pdf"],
                                     ["report", CHECKOUT, "--format", "pdf"]])
def test_binary_formats_without_an_output_file_exit_2_with_a_clear_message(capsys, command):
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "binary format: give an output file with -o PATH" in err


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_advisor_diagram_writes_binary_formats_to_a_file(tmp_path, fmt, magic):
    out = tmp_path / f"d.{fmt}"
    assert main(["diagram", CHECKOUT, "--format", fmt, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize("fmt, start", [("md", "# Coordination style for Order checkout"),
                                        ("html", "<!DOCTYPE html>"), ("adr", "---\nstatus: proposed")])
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
