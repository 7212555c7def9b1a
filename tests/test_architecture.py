"""The tree is the architecture (shared/STYLE.md, 11): the layer contracts of pyproject.toml hold, no module hides an
import inside a function without saying why, and no module grows past 300 lines."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "advisor"
MAX_LINES = 300
# A `Why:` line (or `Why <what>:`) whose reason is start-up time or an optional extra; the reason may wrap.
WHY = re.compile(r"\bWhy\b[^\n:]{0,60}:(?P<reason>.{0,240})", re.DOTALL)
GOOD_REASON = re.compile(r"start-?up|optional", re.IGNORECASE)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def says_why(text: str | None) -> bool:
    """Whether `text` holds a `Why:` giving start-up time or an optional extra as the reason."""
    return any(GOOD_REASON.search(m["reason"]) for m in WHY.finditer(text or ""))


def unexplained_local_imports(source: str) -> list[str]:
    """'line N in f: module' for each import inside a function whose reason is given neither in the module's
    docstring nor in an enclosing function (its docstring or comments)."""
    tree = ast.parse(source)
    module_says = says_why(ast.get_docstring(tree))
    found = []

    def walk(node: ast.AST, functions: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if (
                isinstance(child, (ast.Import, ast.ImportFrom))
                and functions
                and not module_says
                and not any(says_why(ast.get_source_segment(source, f)) for f in functions)
            ):
                dots = "." * child.level if isinstance(child, ast.ImportFrom) else ""
                name = getattr(child, "module", None) or child.names[0].name
                found.append(f"line {child.lineno} in {functions[-1].name}: {dots}{name}")
            inner = (*functions, child) if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else functions
            walk(child, inner)

    walk(tree, ())
    return found


def lint_imports() -> str:
    """The `lint-imports` of the environment running the tests (the project's .venv under `make test`)."""
    here = Path(sys.executable).parent / "lint-imports"
    found = str(here) if here.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is not installed: pip install -e '.[test]' (it is in the `test` extra)"
    return found


def test_the_import_contracts_of_pyproject_hold():
    done = subprocess.run(
        [lint_imports(), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"lint-imports failed:\n{done.stdout}\n{done.stderr}"
    assert "0 broken" in done.stdout


def test_every_function_local_import_says_why():
    found = {
        str(path.relative_to(ROOT)): unexplained_local_imports(path.read_text(encoding="utf-8")) for path in modules()
    }
    found = {path: imports for path, imports in found.items() if imports}
    assert not found, (
        "imports inside functions with no `Why:` (start-up time or an optional extra) in the module "
        "docstring or the function; move them to the top of the module:\n"
        + "\n".join(f"  {path}: {line}" for path, imports in found.items() for line in imports)
    )


def test_no_module_is_over_300_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"""A module."""\ndef f():\n    import json\n', ["line 3 in f: json"]),
        ('"""A module."""\ndef f():\n    def g():\n        from . import x\n', ["line 4 in g: .x"]),
        ('"""A module."""\ndef f():\n    # Why: it looked tidier\n    import json\n', ["line 4 in f: json"]),
        ('"""A module."""\ndef f():\n    # Why: an optional extra\n    import weasyprint\n', []),
        ('"""A module.\n\nWhy: start-up time.\n"""\ndef f():\n    import pandas\n', []),
        ('"""A module."""\nimport json\nclass C:\n    import os\n', []),
    ],
)
def test_the_local_import_check_finds_what_it_should(source, expected):
    assert unexplained_local_imports(source) == expected


# Every write the web app makes passes the session's actor (`by=`): the writes default to the command line's local
# user, so a call without it would let any visitor act as that user (README "Sign-in and roles").
WRITES = {"save", "restore", "install_zip", "commit", "rename", "delete"}


def writes_without_an_actor(source: str) -> list[str]:
    """'line N: name' for each call of a write (`x.save(...)`, `install_zip(...)`) with no `by=` keyword."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WRITES and not any(k.arg == "by" for k in node.keywords):
                found.append(f"line {node.lineno}: {name}")
    return found


def test_every_write_of_the_web_app_says_who_makes_it():
    found = {
        str(p.relative_to(ROOT)): calls
        for p in sorted((PACKAGE / "web").rglob("*.py"))
        if (calls := writes_without_an_actor(p.read_text(encoding="utf-8")))
    }
    assert not found, f"writes without `by=` (the session's actor, advisor.web.signin.current_actor()): {found}"


def test_the_actor_check_finds_what_it_should():
    assert writes_without_an_actor("store.rename(1, 'x')\nrulezip.install_zip(d, raw)\n") == [
        "line 1: rename",
        "line 2: install_zip",
    ]
    assert writes_without_an_actor("store.delete(1, by=actor)\nst.write('save')\n") == []
