"""A valid rulebook that is small to write but names a wide integer domain: the attack of issue 13.

`wide_rulebook_texts(rules, width)` gives the four rule files of a rulebook with one integer question
`size: 0..width-1` and `rules` rules, each a threshold test on it (`size >= k`, `size < k`, `size == k`, a
range, alternating), plus a yes/no question some rules combine it with. A few kilobytes of YAML per hundred
rules: what it costs to check must grow with the rules, not with the width of `size`.
"""

from __future__ import annotations

import io
import json
import zipfile

from advisor.resources import DEFAULT_RULES

QUESTIONS = {
    "sections": [{"id": "s", "title": "Sizes"}],
    "questions": [
        {"id": "size", "section": "s", "text": "How large?", "help": "A count.", "kind": "integer"},
        {"id": "urgent", "section": "s", "text": "Urgent?", "help": "Yes or no.", "kind": "yes_no"},
    ],
}


def _condition(i: int, width: int) -> dict:
    k = (i * 7919) % width  # spread over the whole domain, distinct for the first `width` rules
    pick = i % 5
    if pick == 0:
        return {"question": "size", "op": "gte", "value": k}
    if pick == 1:
        return {"question": "size", "op": "lt", "value": k}
    if pick == 2:
        return {"question": "size", "op": "eq", "value": k}
    if pick == 3:
        return {
            "all": [{"question": "size", "op": "gte", "value": k}, {"question": "size", "op": "lte", "value": k + 9}]
        }
    return {"all": [{"question": "size", "op": "gt", "value": k}, {"question": "urgent", "op": "eq", "value": True}]}


def wide_rulebook_texts(rules: int = 1000, width: int = 4096) -> dict[str, bytes]:
    """The four files of the wide rulebook, as bytes (JSON, which is YAML)."""
    questions = json.loads(json.dumps(QUESTIONS))
    questions["questions"][0].update(minimum=0, maximum=width - 1)
    rule_list = [
        {
            "id": f"wide.rule_{i}",
            "when": _condition(i, width),
            "effect": {"orchestration": 1} if i % 2 else {"choreography": 1},
            "rationale": "A generated threshold rule.",
            "source": "bench/wide.py",
        }
        for i in range(rules)
    ]
    scenarios = {"scenarios": [{"name": "small", "traits": {"size": 1}, "expect": {"style": "orchestration"}}]}
    return {
        "questions.yaml": json.dumps(questions).encode(),
        "rules.yaml": json.dumps({"version": "1.0.0", "rules": rule_list}, separators=(",", ":")).encode(),
        "styles.yaml": (DEFAULT_RULES / "styles.yaml").read_bytes(),
        "scenarios.yaml": json.dumps(scenarios).encode(),
    }


def write_wide_rulebook(directory: str, rules: int = 1000, width: int = 4096) -> None:
    """Write the wide rulebook's files into `directory` (which must exist)."""
    for name, data in wide_rulebook_texts(rules, width).items():
        with open(f"{directory}/{name}", "wb") as f:
            f.write(data)


def wide_rulebook_zip(rules: int = 5000, width: int = 4096) -> bytes:
    """The wide rulebook as a zip, as the Rules page's install takes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in wide_rulebook_texts(rules, width).items():
            z.writestr(name, data)
    return buffer.getvalue()
