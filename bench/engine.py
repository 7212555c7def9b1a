"""The engine's own figures (issue 2): one evaluation with its full trace, and a cold `advisor recommend`.

- `evaluate()` with its full trace: scores, style, confidence, allocation and a `RuleResult` for every rule (the
  trace is built eagerly; reading it afterwards costs nothing more).
- cold CLI: `advisor recommend examples/order-checkout.yaml --format json` as a fresh process, wall time,
  next to a bare `python -c pass` so the interpreter's own start-up is visible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.timing import Measurement, auto_number, per_call

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "order-checkout.yaml"
ADVISOR = ROOT / ".venv" / "bin" / "advisor"
SECTION = "engine (issue 2)"


def evaluation_figures(repeat: int = 7) -> list[Measurement]:
    """Median time of one evaluation of the checkout example, with its full trace."""
    from advisor.engine.answers import read_answers
    from advisor.engine.evaluate import evaluate
    from advisor.rulebook.loading import load_rulebook
    from bench.samples import steady

    rulebook = steady(load_rulebook())
    answers = read_answers(str(EXAMPLE), rulebook)

    def with_trace():
        ev = evaluate(rulebook, answers)
        return tuple(ev.trace)

    rules = len(rulebook.rules)
    med, lo, hi = per_call(with_trace, number=auto_number(with_trace), repeat=repeat)
    verdict = "met" if med <= 10 else "NOT met"
    note = f"aim <= 10 µs (issue 2): {verdict}; {rules} rules, {len(answers.steps)} steps allocated"
    note += "; against zen-engine: see the peer section's ratios (issue 17)"
    return [Measurement(SECTION, "evaluate() with full trace", med, lo, hi, "µs", note)]


def _interleaved(commands: dict[str, list[str]], runs: int, env: dict[str, dict[str, str]]) -> dict[str, list[float]]:
    """Wall times (ms) of fresh processes, the commands taking turns so a load spike hits them alike."""
    import os
    import time

    samples: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for key, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=os.environ | env.get(key, {}))
            samples[key].append((time.perf_counter() - start) * 1e3)
    return samples


def floor_modules(command: list[str], env: dict[str, str]) -> list[str]:
    """The top-level modules outside the advisor (the standard library, YAML) that the command imports beyond a
    bare start: importing only them is the floor a start-up can reach without leaving out what it uses."""
    probe = f"""
import contextlib, importlib.util, io, sys
bare = set(sys.modules)
from advisor.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    main({command[-4:]!r})


def importable(name):  # Why: a compiled module registers pseudo-modules (cython_runtime) no import finds
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:
        return False


names = {{m.split(".")[0] for m in set(sys.modules) - bare}} - {{"advisor", "contextlib", "io"}}
print(" ".join(sorted(n for n in names if not n.startswith("_") and importable(n))))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT, env=os.environ | env
    )
    return done.stdout.split()


def cold_cli_figures(runs: int = 15) -> list[Measurement]:
    """Wall time of a fresh `advisor recommend ... --format json` process next to a bare Python start, the same
    run, taking turns.

    Why the package's bytecode is compiled first: an installed package has it (pip compiles a wheel's modules),
    and Python writes it on a checkout's first run, unless PYTHONDONTWRITEBYTECODE is set, as on the machine
    these figures were first taken on; without it each process compiles every module it imports again."""
    import compileall
    import statistics

    compileall.compile_dir(ROOT / "advisor", quiet=1)
    advisor = str(ADVISOR) if ADVISOR.exists() else None
    command = [advisor] if advisor else [sys.executable, "-m", "advisor"]
    command += ["recommend", str(EXAMPLE), "--format", "json"]
    commands = {
        "cli": command,
        "pass": [sys.executable, "-c", "pass"],
        "first": command,
        # Why these: they show where a cold start goes (the modules the command needs, pydantic and the models,
        # validating the rulebook)
        "floor": [sys.executable, "-c", "pass"],  # set below, once the snapshot exists
        "models": [sys.executable, "-c", "import advisor.rulebook.formats"],
        "load": [sys.executable, "-c", "from advisor.rulebook.loading import load_rulebook; load_rulebook()"],
    }
    with tempfile.TemporaryDirectory(prefix="advisor-bench-snapshots-") as cache:
        # Why a scratch snapshot folder: "cli" is every run after the first (the snapshot written by the warm-up
        # run below), "first" the first run after a rule file changed (no snapshot: validated, then written)
        subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=os.environ | {"ADVISOR_CACHE_DIR": cache}
        )
        env = {"cli": {"ADVISOR_CACHE_DIR": cache}, "first": {"ADVISOR_CACHE_DIR": "off"}}
        floor = floor_modules(command, env["cli"])
        # Why PyYAML through advisor.pyyaml: as the command imports it (its import-time regex deferred)
        commands["floor"] = [sys.executable, "-c", "import " + ",".join(["advisor.pyyaml", *floor])]
        samples = _interleaved(commands, runs, env)

    def fig(key):
        xs = samples[key]
        return statistics.median(xs), min(xs), max(xs)

    cli, base = fig("cli"), fig("pass")
    ratio = cli[0] / base[0]
    ratios = sorted(c / p for c, p in zip(samples["cli"], samples["pass"], strict=True))
    verdict = "met" if ratio <= 6 else "MISSED"
    return [
        Measurement(
            SECTION,
            "cold `advisor recommend FILE --format json`",
            *cli,
            "ms",
            f"median of {runs} processes",
        ),
        Measurement(SECTION, "  `python -c pass`, the same run", *base, "ms", "the interpreter's own start-up"),
        Measurement(
            SECTION,
            "  cold recommend / python -c pass",
            ratio,
            ratios[0],
            ratios[-1],
            "x",
            f"aim <= 6x (issue 17): {verdict}; range: per-turn ratios",
        ),
        Measurement(
            SECTION,
            "  the first run after a rule file changed",
            *fig("first"),
            "ms",
            "no snapshot yet: the rulebook is validated (pydantic), then snapshotted",
        ),
        Measurement(
            SECTION,
            "  floor: a process importing only the stdlib and YAML modules it needs",
            *fig("floor"),
            "ms",
            f"{fig('floor')[0] / base[0]:.1f}x python -c pass: " + ", ".join(floor),
        ),
        Measurement(
            SECTION,
            "  for comparison: a process importing advisor.rulebook.formats",
            *fig("models"),
            "ms",
            "pydantic and the file models",
        ),
        Measurement(
            SECTION,
            "  for comparison: a process running load_rulebook()",
            *fig("load"),
            "ms",
            "read, validate, compile",
        ),
    ]


def measurements() -> list[Measurement]:
    """Every figure of this section."""
    return evaluation_figures() + cold_cli_figures()
