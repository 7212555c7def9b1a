"""Shared helpers of the diagram and report tests: evaluate an example, hostile names, SVG/HTML safety checks."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.engine.answers import Answers, read_answers
from advisor.engine.assessment import Assessment, assess
from advisor.engine.evaluate import Evaluation, evaluate
from advisor.rulebook.formats import Step
from advisor.rulebook.loading import Rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLE_NAMES = [p.stem for p in EXAMPLES]

# Names that break naive exporters (see shared RELIABILITY.md, "Diagrams (graphviz) and exported SVG/HTML").
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    '" onmouseover="alert(1)',
    "'single' and \"double\" quotes",
    "trailing backslash\\",
    "\\N \\G \\n \\l escapes",
    "order:svc:port",
    "line one\nline two\r\nline three",
    "x" * 10_000,
    "🚀 launch 🎉 party 👩‍👩‍👧",
    "שלום עולם مرحبا بالعالم",
    "\u202eRLO override",
    "<<b>html-like</b>>",
    "</svg><script>alert(1)</script>",
    "]]><!-- comment -->",
    "# heading | pipe * star _under_ [link](javascript:alert(1))",
    "```\nfence",
    "%%{init: {'securityLevel': 'loose'}}%%",
    "click n0 call alert()",
    "&amp; &lt;entity&gt; &#60;",
]


def evaluate_example(rulebook: Rulebook, name: str) -> Evaluation:
    answers = read_answers(str(ROOT / "examples" / f"{name}.yaml"), rulebook)
    return evaluate(rulebook, answers)


def assess_example(rulebook: Rulebook, name: str) -> Assessment:
    """An example of examples/ assessed: what every view reads."""
    return assess(rulebook, read_answers(str(ROOT / "examples" / f"{name}.yaml"), rulebook))


def hostile_evaluation(rulebook: Rulebook) -> Evaluation:
    """Every hostile string as a service, action, compensation, event and the workflow name."""
    steps = [
        Step(service=h, action=h, compensation=h, event=h if i % 4 == 3 else None, reaction=i % 3 == 2)
        for i, h in enumerate(HOSTILE)
    ]
    return evaluate(rulebook, Answers({"compensation": True, "fan_out": 3}, steps, HOSTILE[0]))


_TAG = re.compile(r"<[^>]*>", re.S)


def active_content(markup: str) -> list[str]:
    """Tags of SVG/HTML markup that could run code or link out: script elements, on* handlers, javascript: URLs.

    Why tags only: user text may legitimately *say* "javascript:" or "onerror=" as text; in markup it is escaped
    (no raw "<"), so it never forms a tag. Anything found here is a real, active attribute or element."""
    bad = []
    for tag in _TAG.findall(markup):
        if (
            re.match(
                r"<\s*(script|iframe|object|embed|foreignobject|a\b|link|base|meta\s+http-equiv=\"refresh)", tag, re.I
            )
            or re.search(r"\son[a-z]+\s*=", tag, re.I)
            or re.search(r"javascript\s*:", tag, re.I)
        ):
            bad.append(tag[:200])
    if re.search(r"<script", markup, re.I):
        bad.append("<script")
    return bad


# More names that break exporters of other formats (blueprints: YAML, JSON, JSON pointers, templates, ids).
HOSTILE_MORE = [
    "${AWS::AccountId} ${x} $$.Task.Token {{template}} {% jsonata %}",
    "yes",
    "null",
    "~",
    "- list item: [1, {a: b}]",
    "key: value # comment",
    "&anchor *alias !!python/object/apply:os.system ['ls']",
    "@at `back` |pipe >fold %percent",
    "#/channels/x ~1 ~0 a/b/c",
    '"unterminated',
    "Café résumé naïve Ærø",
    "ＦＵＬＬＷＩＤＴＨ",
    "1.0",
    "   ",
    "-",
]


def hostile_blueprint_evaluation(rulebook: Rulebook, style_traits: dict | None = None) -> Evaluation:
    """Every hostile string (both lists) as a service, action and compensation, some as an event or a reaction,
    and the first as the workflow name."""
    names = HOSTILE + HOSTILE_MORE
    steps = [
        Step(service=h, action=h, compensation=h, event=h if i % 5 == 4 else None, reaction=i % 3 == 2)
        for i, h in enumerate(names)
    ]
    return evaluate(rulebook, Answers(style_traits or {"compensation": True}, steps, names[0]))
