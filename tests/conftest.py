"""Shared fixtures: the default rulebook, a scratch copy of it, and paths."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook(RULES)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A scratch copy of the default rulebook that a test may break."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("schema", "README.md", ".*"))
    return target
