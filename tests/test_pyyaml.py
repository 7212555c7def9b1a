"""PyYAML imported through `advisor.pyyaml`: its non-printable pattern compiled only when used, every check it
makes unchanged."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor import pyyaml
from advisor.errors import UserError
from advisor.pyyaml import yaml
from advisor.rulebook import yamlsafe

ROOT = Path(__file__).resolve().parent.parent


def test_the_deferred_pattern_is_still_the_one_pyyaml_compiles_at_import():
    # Why: were PyYAML to change it, the deferral would silently stop (and start-up time come back)
    source = Path(yaml.reader.__file__).read_text(encoding="utf-8")
    patterns = [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "compile"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert pyyaml.NON_PRINTABLE in patterns


def test_a_fresh_process_imports_pyyaml_without_compiling_the_pattern_and_restores_re_compile():
    probe = (
        "import re; compile_before = re.compile\n"
        "from advisor.pyyaml import yaml\n"
        "pattern = yaml.reader.Reader.NON_PRINTABLE\n"
        "print(type(pattern).__name__, pattern._compiled is None, re.compile is compile_before)\n"
        "from advisor.rulebook import yamlsafe\n"
        "yamlsafe.load(b'a: 1\\n', 'f.yaml')\n"
        "print(pattern._compiled is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # deferred, untouched by a parse with libyaml, and re.compile is Python's own again
    assert out.split() == ["Deferred", "True", "True", "True"]


@given(st.text(max_size=40))
def test_the_deferred_pattern_finds_what_the_compiled_one_finds(text):
    compiled = re.compile(pyyaml.NON_PRINTABLE)
    deferred = pyyaml.Deferred(pyyaml.NON_PRINTABLE)
    found, expected = deferred.search(text), compiled.search(text)
    assert (found and (found.start(), found.group())) == (expected and (expected.start(), expected.group()))


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\ufffe"])
def test_a_control_character_is_still_refused_by_pyyamls_own_reader_and_by_ours(character):
    # the pure-Python reader (no libyaml) reads the deferred pattern
    with pytest.raises(yaml.reader.ReaderError):
        yaml.load(f"a: x{character}\n", Loader=yaml.SafeLoader)
    with pytest.raises(UserError, match=r"not allowed in YAML text"):
        yamlsafe.load(f"a: x{character}\n".encode(), "answers.yaml")


def test_every_module_imports_pyyaml_through_advisor_pyyaml():
    direct = []
    for path in sorted((ROOT / "advisor").rglob("*.py")):
        if path.name == "pyyaml.py" and path.parent.name == "advisor":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "yaml" or n.startswith("yaml.") for n in names):
                direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == []
