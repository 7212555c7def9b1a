"""The package's own data: the default rulebook, the diagram theme and event vocabulary, the report stylesheet and
the examples. Found beside this module, so a wheel finds them wherever it is installed."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent  # the `advisor` package's folder


def package_path(package: str, *parts: str) -> Path:
    """A file or folder shipped inside `package` (a subpackage of `advisor`, dotted), as a real path.

    Why a `Path` and not a `Traversable`: a rulebook is read as a directory (listed, hashed, watched for edits);
    the package is installed as files (a wheel, or a checkout), never imported from a zip. Why not
    `importlib.resources.files`: for a package installed as files it gives this same folder, and importing it
    costs about 10 ms of every command's start-up (issue 17).
    """
    head, *rest = package.split(".")
    if head != "advisor":
        raise ValueError(f"{package} is not a package of advisor")
    return _ROOT.joinpath(*rest, *parts)


DEFAULT_RULES = package_path("advisor.rulebook", "default")
EXAMPLES = package_path("advisor", "examples")
THEME = package_path("advisor.views.diagram", "theme.yaml")
EVENT_VOCABULARY = package_path("advisor.views.diagram", "events.yaml")
STYLESHEET = package_path("advisor.views.report", "report.css")
