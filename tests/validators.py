"""The exports checked by each ecosystem's own validator (tests/js/validate.mjs under Node), never by our reading.

`validate(kind, documents)` writes the documents to a scratch directory and validates all of them in one Node
process (starting Node and loading a validator takes seconds on a busy machine), returning each one's verdict.
The validators are the npm packages pinned in package.json, installed into node_modules/ by scripts/setup.sh;
`skip_reason(kind)` says what is missing when they are not there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "js" / "validate.mjs"
PACKAGES = {"asyncapi": ("@asyncapi/parser",), "asl": ("asl-validator",), "mermaid": ("mermaid", "jsdom")}
SUFFIX = {"asyncapi": ".yaml", "asl": ".json", "mermaid": ".mmd"}
TIMEOUT = 300  # Why generous: dozens of documents on a shared 2-core machine; a hang still ends the test


class Verdict(TypedDict):
    file: str
    valid: bool
    errors: list[str]
    warnings: list[str]


def skip_reason(kind: str) -> str | None:
    """Why the `kind` validator cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH (install Node.js 20 or later, then run scripts/setup.sh)"
    missing = [p for p in PACKAGES[kind] if not (ROOT / "node_modules" / p / "package.json").exists()]
    if missing:
        return f"npm packages missing from node_modules: {', '.join(missing)} (run scripts/setup.sh)"
    return None


def validate(kind: str, documents: dict[str, str]) -> dict[str, Verdict]:
    """Each document's verdict from the `kind` validator (asyncapi, asl or mermaid), by the documents' keys."""
    with tempfile.TemporaryDirectory(prefix=f"validate-{kind}-") as scratch:
        paths = {}
        for n, (name, text) in enumerate(documents.items()):
            path = Path(scratch) / f"{n:03d}{SUFFIX[kind]}"
            path.write_text(text, encoding="utf-8")
            paths[str(path)] = name
        done = subprocess.run(
            ["node", str(HARNESS), kind, *paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert done.returncode == 0, f"the {kind} harness failed ({done.returncode}): {done.stderr[-2000:]}"
    return {paths[v["file"]]: v for v in json.loads(done.stdout)}
