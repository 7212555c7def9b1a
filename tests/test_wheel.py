"""The wheel built from the tree runs on its own (issue 11): installed in a fresh venv, `advisor` works from any
directory with the packaged rulebook, the CLI brings no web packages, and `[web]` adds the app.

Built once per module. The source (pyproject.toml, README.md, advisor/) is copied to a scratch folder and built
there with `pip wheel --no-deps`, as a fresh clone would be. Why a copy: a build in the checkout writes build/ and
*.egg-info into it, and setuptools ships whatever a stale build/lib holds (a module deleted since would still be in
the wheel). The copy keeps the checkout's __pycache__ folders, and gets a `.history/` planted in the default
rulebook (what the Rules page writes there when it saves), so the no-junk test has junk to refuse.

The venv has no system site packages and no pip of its own: this interpreter's pip fills it (`pip --python`), from
the same index, ~10 s faster than bootstrapping pip into it; `--no-compile` leaves byte-compiling pandas and pyarrow
to their first import. The module takes ~70 s on a busy 2-core machine, half of it the build and the two installs
(pip's cache makes repeats fast).

Skipped, saying why, only when pip cannot reach a package index (the wheel's dependencies come from one).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from browser import free_port
from conftest import ROOT

DIST = "coordination_advisor"
EXAMPLE_NAMES = sorted(p.name for p in (ROOT / "advisor" / "examples").glob("*.yaml"))
SOURCE = ("pyproject.toml", "README.md", "advisor")
# The environment of the installed CLI: nothing that could lead it back to the checkout.
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "ADVISOR_RULES"}
}
START_TIMEOUT = 90  # seconds for the web server; a cold start on a busy 2-core machine takes a few


# ---------------------------------------------------------------- helpers


def pip(*args: str, python: Path | None = None) -> subprocess.CompletedProcess:
    """This interpreter's pip (for `python`'s environment when given); skips when no package index can be reached."""
    target = ["--python", str(python)] if python else []
    done = subprocess.run(
        [sys.executable, "-m", "pip", *target, "--disable-pip-version-check", "--no-input", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        unreachable = index_unreachable()
        if unreachable:
            pytest.skip(
                f"pip cannot reach a package index, which the wheel's build and dependencies need: {unreachable}"
            )
        pytest.fail(f"pip {' '.join(args)} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-4000:]}")
    return done


def index_unreachable() -> str | None:
    """Why pip can reach no network package index (its configured index URLs, default PyPI), or None if one answers.

    Why ask the index directly: pip reports an unreachable index only at debug level (or in warnings its `--quiet`
    and build subprocesses hide) as "No matching distribution", the same words as a missing version."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], check=False, capture_output=True, text=True
    ).stdout
    settings: dict[str, list[str]] = {}
    for key, value in re.findall(r"^[^.\n]*\.([\w-]+)='(.*)'$", listed, re.MULTILINE):
        settings.setdefault(key, []).extend(value.split())
    if {"1", "true", "yes", "on"} & {v.lower() for v in settings.get("no-index", [])}:
        return "pip is configured with no-index"
    urls = settings.get("index-url", ["https://pypi.org/simple"]) + settings.get("extra-index-url", [])
    web = [u for u in urls if u.startswith(("http://", "https://"))]
    if not web:
        return f"pip is configured with no network index ({' '.join(urls)})"
    cert = next((c for c in reversed(settings.get("cert", [])) if Path(c).exists()), None)
    context = ssl.create_default_context(cafile=cert) if cert else None
    problems = []
    for url in web:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/pip/", timeout=10, context=context):
                return None
        except urllib.error.HTTPError:
            return None  # the index answered (a status is an answer)
        except OSError as e:
            problems.append(f"{url}: {getattr(e, 'reason', e)}")
    return "; ".join(problems)


def run(
    command: list[str | Path], cwd: Path, env: dict[str, str] | None = None, check: bool = True, timeout: float = 180
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env or CLEAN_ENV,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def is_junk(name: str) -> bool:
    """Files that must never ship: caches, rule-save versions, hidden files and editor leftovers, tests."""
    parts = PurePosixPath(name).parts
    hidden = [p for p in parts if p.startswith(".")]
    return (
        any(p in {"__pycache__", "tests", "test"} for p in parts)
        or name.endswith((".pyc", ".pyo", "~", ".orig", ".rej", ".swp", ".bak"))
        or PurePosixPath(name).name.startswith("test_")
        or (bool(hidden) and name != "advisor/web/.streamlit/config.toml")
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Venv:
    root: Path
    outside: Path  # a working directory outside the checkout, with examples copied out of the wheel

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def advisor(self) -> Path:
        return self.root / "bin" / "advisor"

    def has(self, module: str) -> bool:
        probe = run(
            [self.python, "-c", f"import importlib.util; print(importlib.util.find_spec({module!r}) is None)"],
            cwd=self.outside,
        )
        return probe.stdout.strip() == "False"


# ---------------------------------------------------------------- fixtures (one build, one venv per module)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of what `pip wheel .` reads from the tree, with the junk a working checkout collects."""
    target = tmp_path_factory.mktemp("source")
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        else:
            shutil.copy2(src, target / name)
    history = target / "advisor" / "rulebook" / "default" / ".history"
    history.mkdir(exist_ok=True)
    shutil.copy2(target / "advisor" / "rulebook" / "default" / "rules.yaml", history / "rules.yaml.1")
    cache = target / "advisor" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "planted.cpython-311.pyc").write_bytes(b"junk")
    return target


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "--quiet", str(source), "-w", str(out))
    (built,) = out.glob(f"{DIST}-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        return z.namelist()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Venv:
    """A fresh venv (no system site packages) with the wheel and its dependencies, and a working directory
    outside the checkout holding the examples as the wheel ships them.

    Left in pytest's temporary folder (~450 MB with [web]), which keeps the last three runs: removing it here costs
    5-15 s of disk time on every run."""
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False, clear=True, system_site_packages=False).create(root)
    python = root / "bin" / "python"
    pip("install", "--quiet", "--no-compile", str(wheel), python=python)
    outside = tmp_path_factory.mktemp("elsewhere")
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith("advisor/examples/"):
                (outside / PurePosixPath(name).name).write_bytes(z.read(name))
    return Venv(root, outside)


@pytest.fixture(scope="module")
def without_web_extra(installed) -> dict:
    """What the CLI-only install looks like, recorded before `with_web_extra` adds to the same venv."""
    return {
        "modules": {m: installed.has(m) for m in ("streamlit", "sqlalchemy", "psycopg", "altair")},
        # Why a timeout: with Streamlit present by mistake, this would start a server instead of refusing.
        "web": run(
            [installed.advisor, "web", "--port", str(free_port())], cwd=installed.outside, check=False, timeout=60
        ),
    }


@pytest.fixture(scope="module")
def with_web_extra(installed, without_web_extra, wheel) -> Venv:
    pip("install", "--quiet", "--no-compile", f"{wheel}[web]", python=installed.python)
    return installed


def checkout_json(example: str) -> dict:
    """`advisor recommend` run from the checkout itself, for the same example."""
    env = {k: v for k, v in os.environ.items() if k != "ADVISOR_RULES"}
    done = run(
        [sys.executable, "-m", "advisor", "recommend", ROOT / "advisor" / "examples" / example, "--format", "json"],
        cwd=ROOT,
        env=env,
    )
    return json.loads(done.stdout)


# ---------------------------------------------------------------- the installed CLI


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_installed_wheel_recommends_from_outside_the_checkout_with_the_packaged_rulebook(installed, example):
    done = run([installed.advisor, "recommend", example, "--format", "json"], cwd=installed.outside)
    result = json.loads(done.stdout)
    expected = checkout_json(example)
    assert result["style"] == expected["style"]
    assert result["rulebook"] == expected["rulebook"], "the packaged rulebook is not the checkout's default rulebook"
    assert result == expected


def test_the_installed_cli_runs_from_the_venv_and_checks_the_packaged_rulebook(installed):
    where = run([installed.python, "-c", "import advisor; print(advisor.__file__)"], cwd=installed.outside)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(installed.root), f"advisor imported from {package}, not the venv"
    check = run([installed.advisor, "rules", "check"], cwd=installed.outside)
    assert check.stdout.startswith(f"{package / 'rulebook' / 'default'}: ok ("), check.stdout


def test_the_installed_cli_draws_and_reports_as_the_checkout_does_with_the_packaged_theme_and_stylesheet(installed):
    example = "order-checkout.yaml"
    env = {k: v for k, v in os.environ.items() if k != "ADVISOR_RULES"}
    for command in (["diagram", "--format", "dot"], ["report", "--format", "md"], ["report", "--format", "html"]):
        mine = run([installed.advisor, command[0], example, *command[1:]], cwd=installed.outside).stdout
        theirs = run(
            [sys.executable, "-m", "advisor", command[0], ROOT / "advisor" / "examples" / example, *command[1:]],
            cwd=ROOT,
            env=env,
        ).stdout
        assert mine, command
        assert mine == theirs, f"`advisor {' '.join(command)}` differs between the wheel and the checkout"


def test_the_cli_without_the_web_extra_installs_no_web_packages_and_advisor_web_says_to_install_the_extra(
    without_web_extra,
):
    assert without_web_extra["modules"] == {"streamlit": False, "sqlalchemy": False, "psycopg": False, "altair": False}
    web = without_web_extra["web"]
    assert web.returncode == 2, web
    assert "`web` extra" in web.stderr and "pip install 'coordination-advisor[web]'" in web.stderr, web.stderr
    assert "Traceback" not in web.stderr
    assert web.stdout == ""


# ---------------------------------------------------------------- the web extra


def test_the_web_extra_adds_the_app_and_every_page_of_the_wheel_runs(with_web_extra, names):
    pages = sorted(
        PurePosixPath(n).relative_to("advisor/web").as_posix()
        for n in names
        if n.startswith("advisor/web/pages/") and n.endswith(".py") and not n.endswith("__init__.py")
    )
    assert len(pages) >= 8, pages
    script = (
        "import json, sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from advisor.cli.web import APP\n"
        "at = AppTest.from_file(str(APP), default_timeout=60).run()\n"
        "seen = {'app': str(APP), 'main': [str(e.value) for e in at.exception]}\n"
        "for page in sys.argv[1:]:\n"
        "    at.switch_page(page).run()\n"
        "    seen[page] = [str(e.value) for e in at.exception]\n"
        "print(json.dumps(seen))\n"
    )
    done = run([with_web_extra.python, "-c", script, *pages], cwd=with_web_extra.outside)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(seen.pop("app")).is_relative_to(with_web_extra.root)
    assert seen == {"main": [], **{page: [] for page in pages}}


def test_advisor_web_with_the_web_extra_serves_the_app(with_web_extra):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = with_web_extra.outside / "web.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(with_web_extra.advisor), "web", "--port", str(port)],
            cwd=with_web_extra.outside,
            env=CLEAN_ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not healthy(url):
            assert proc.poll() is None, f"`advisor web` exited {proc.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no answer on {url}:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)
        with urllib.request.urlopen(url, timeout=5) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # our own process group only (start_new_session above)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------- what the wheel holds


def test_the_wheel_ships_the_default_rulebook_the_examples_the_theme_and_the_app(names):
    required = [
        *(
            f"advisor/rulebook/default/{f}"
            for f in ("questions.yaml", "rules.yaml", "scenarios.yaml", "styles.yaml", "README.md")
        ),
        *(f"advisor/examples/{f}" for f in EXAMPLE_NAMES),
        "advisor/examples/portfolio.csv",
        "advisor/views/diagram/theme.yaml",
        "advisor/views/diagram/events.yaml",
        "advisor/views/report/report.css",
        "advisor/web/app.py",
        "advisor/web/.streamlit/config.toml",
        "advisor/web/pages/questionnaire.py",
        "advisor/cli/main.py",
    ]
    assert [n for n in required if n not in names] == []
    assert any(n.startswith("advisor/rulebook/default/schema/") and n.endswith(".schema.json") for n in names)


def test_the_wheel_ships_every_file_of_the_package_and_nothing_else(source, names):
    """Exactly the package's own files: each module and data file of advisor/ (a data file missing here needs a
    line in pyproject's package-data), and no caches, rule-save versions, tests or stale build leftovers."""
    tree = sorted(p.relative_to(source).as_posix() for p in (source / "advisor").rglob("*") if p.is_file())
    shipped = sorted(n for n in names if not n.startswith(f"{DIST}-"))
    assert [n for n in tree if not is_junk(n) and n not in shipped] == [], "files of advisor/ missing from the wheel"
    assert [n for n in shipped if n not in tree] == [], "files in the wheel that are not in the tree"
    assert [n for n in shipped if is_junk(n)] == []
    metadata = [n for n in names if not n.startswith("advisor/")]
    assert metadata and all(re.fullmatch(rf"{DIST}-[\w.]+\.dist-info/[A-Za-z_.]+", n) for n in metadata), metadata


def test_the_wheel_declares_the_advisor_command_and_keeps_web_packages_in_their_extra(wheel, names):
    with zipfile.ZipFile(wheel) as z:
        info = next(n.rsplit("/", 1)[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = z.read(f"{info}/entry_points.txt").decode()
        metadata = z.read(f"{info}/METADATA").decode()
    assert re.search(r"^advisor = advisor\.cli\.main:main$", entry_points, re.MULTILINE), entry_points
    unconditional = [ln for ln in metadata.splitlines() if ln.startswith("Requires-Dist:") and "extra ==" not in ln]
    web_only = re.compile(r"streamlit|sqlalchemy|psycopg|altair", re.IGNORECASE)
    assert not [ln for ln in unconditional if web_only.search(ln)], unconditional
    assert re.search(r'^Requires-Dist: streamlit==[\d.]+; extra == "web"$', metadata, re.MULTILINE)
