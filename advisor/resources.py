"""The package's own data: the default rulebook, the diagram theme and event vocabulary, the report stylesheet and
the examples. Read through `importlib.resources`, so a wheel finds them wherever it is installed."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(package: str, *parts: str) -> Path:
    """A file or folder shipped inside `package`, as a real path.

    Why a `Path` and not a `Traversable`: a rulebook is read as a directory (listed, hashed, watched for edits);
    the package is installed as files (a wheel, or a checkout), never imported from a zip.
    """
    return Path(str(files(package).joinpath(*parts)))


DEFAULT_RULES = package_path("advisor.rulebook", "default")
EXAMPLES = package_path("advisor", "examples")
THEME = package_path("advisor.views.diagram", "theme.yaml")
EVENT_VOCABULARY = package_path("advisor.views.diagram", "events.yaml")
STYLESHEET = package_path("advisor.views.report", "report.css")
