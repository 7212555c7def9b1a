"""Rulebook snapshots (`advisor.rulebook.snapshot`) and answers read without the models (`plain_answers`): a cold
`advisor recommend` without pydantic (issue 17) that gives exactly what a validated rulebook gives, and never a
stale or tampered rulebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from advisor.engine.answers import parse_answers, plain_answers
from advisor.engine.assessment import assess
from advisor.errors import UserError
from advisor.rulebook import condition_format, formats, plain, snapshot
from advisor.rulebook.loading import load_rulebook
from advisor.views import contract
from tests.conftest import EXAMPLES, ROOT, RULES


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    return folder


def recommend(*args: str, cache_dir: Path | str, rules: Path | None = None) -> subprocess.CompletedProcess:
    extra = ["--rules", str(rules)] if rules is not None else []
    return subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", *args, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"ADVISOR_CACHE_DIR": str(cache_dir)},
    )


def snapshot_file(folder: Path) -> Path:
    (found,) = folder.glob("*.snapshot")
    return found


def outputs(rulebook, path: Path) -> tuple[str, str]:
    answers = parse_answers(path.read_bytes(), str(path), rulebook)
    assessment = assess(rulebook, answers)
    return contract.as_json(assessment, rulebook), contract.as_text(assessment, rulebook)


# ---------------------------------------------------------------- the records are the models
@pytest.mark.parametrize("name", sorted(plain.RECORDS))
def test_each_plain_record_has_exactly_its_models_fields_in_order(name):
    model = getattr(formats, name, None) or getattr(condition_format, name)
    assert tuple(model.model_fields) == plain.RECORDS[name].FIELDS


def test_a_plain_step_has_exactly_the_fields_of_a_step():
    assert tuple(formats.Step.model_fields) == plain.Step.FIELDS


# ---------------------------------------------------------------- the same advice
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_snapshot_gives_byte_identical_json_and_text_to_the_validated_rulebook(path, cache):
    validated = load_rulebook(RULES)
    snapshot.load(RULES)  # writes the snapshot
    read_back = snapshot.load(RULES)
    assert type(read_back.rules[0]) is plain.Rule  # it did come from the snapshot
    assert (read_back.hash, read_back.version) == (validated.hash, validated.version)
    assert outputs(read_back, path) == outputs(validated, path)
    rule = validated.rules[-1].id  # the rule files' lines, for messages, parsed when first asked for
    assert read_back.rule_line(rule) == validated.rule_line(rule) is not None


def test_every_scenario_of_the_rulebook_is_assessed_alike_from_its_snapshot(cache):
    validated = load_rulebook(RULES)
    snapshot.load(RULES)
    read_back = snapshot.load(RULES)
    from advisor.engine.answers import Answers

    for scenario in validated.scenarios:
        answers = Answers(dict(scenario.traits))
        assert contract.as_json(assess(read_back, answers), read_back) == contract.as_json(
            assess(validated, answers), validated
        ), scenario.name


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_command_prints_the_same_bytes_with_and_without_snapshots(fmt, tmp_path):
    example = str(ROOT / "examples" / "order-checkout.yaml")
    without = recommend(example, "--format", fmt, cache_dir="off")
    first = recommend(example, "--format", fmt, cache_dir=tmp_path / "c")
    second = recommend(example, "--format", fmt, cache_dir=tmp_path / "c")
    assert without.returncode == first.returncode == second.returncode == 0
    assert without.stdout == first.stdout == second.stdout
    assert list((tmp_path / "c").glob("*.snapshot"))


def test_a_recommendation_from_a_snapshot_imports_no_pydantic_and_no_dataclasses(tmp_path):
    """Start-up time: pydantic is the validation a snapshot spares; `dataclasses` (with `inspect`, `ast`, `dis`)
    and its per-class `exec` cost a quarter of a cold start (`advisor.records`); `shutil`, argparse's way to the
    terminal width, 3 ms (`advisor.cli.main.HelpFormatter`); OpenSSL, 4 ms (`advisor.hashing`)."""
    example = str(ROOT / "examples" / "order-checkout.yaml")
    probe = (
        "import sys\nfrom advisor.cli.main import main\n"
        f"main(['recommend', {example!r}, '--format', 'json'])\n"
        "print(sorted({'dataclasses', 'inspect', 'shutil', '_hashlib'} & set(sys.modules)), file=sys.stderr)\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    env = os.environ | {"ADVISOR_CACHE_DIR": str(tmp_path / "c")}
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env) for _ in "12"
    ]
    assert [r.stderr.split()[-1] for r in runs] == ["True", "False"]  # validated once, then read back
    assert runs[1].stderr.split("\n")[-3] == "[]"
    assert runs[0].stdout == runs[1].stdout


# ---------------------------------------------------------------- never stale
def test_an_edited_rule_file_is_validated_again_and_its_advice_given(rules_copy, cache):
    example = ROOT / "examples" / "order-checkout.yaml"
    snapshot.load(rules_copy)
    rules_yaml = rules_copy / "rules.yaml"
    text = rules_yaml.read_text()
    edited = text.replace("version: 2.0.0", "version: 2.0.1").replace(
        "    effect: {orchestration: 3}\n", "    effect: {choreography: 9}\n", 1
    )
    assert edited != text
    rules_yaml.write_text(edited)
    now = snapshot.load(rules_copy)
    assert type(now.rules[0]) is formats.Rule  # not the old snapshot: validated
    assert now.version == "2.0.1" and now.rules[0].effect.choreography == 9
    assert outputs(snapshot.load(rules_copy), example) == outputs(load_rulebook(rules_copy), example)
    assert len(list(cache.glob("*.snapshot"))) == 2  # one per content; the old one is never looked up again


def test_a_change_to_the_code_that_validates_is_another_key(tmp_path, monkeypatch):
    texts = {name: (RULES / name).read_bytes() for name in snapshot.FILE_NAMES}
    before = snapshot.key_of(texts)
    copy = tmp_path / "compiler.py"
    copy.write_bytes((ROOT / "advisor" / "rulebook" / "compiler.py").read_bytes())
    monkeypatch.setattr(snapshot, "CODE", (*snapshot.CODE[:1], copy, *snapshot.CODE[2:]))
    assert snapshot.key_of(texts) == before  # the same code, the same key
    copy.write_bytes(copy.read_bytes() + b"\n# a change\n")
    assert snapshot.key_of(texts) != before


def test_a_bad_rulebook_is_reported_as_without_snapshots(rules_copy, cache):
    snapshot.load(rules_copy)
    (rules_copy / "rules.yaml").write_text((rules_copy / "rules.yaml").read_text().replace("op: eq", "op: equals", 1))
    with pytest.raises(UserError) as with_cache:
        snapshot.load(rules_copy)
    with pytest.raises(UserError) as without:
        load_rulebook(rules_copy)
    assert [str(p) for p in with_cache.value.problems] == [str(p) for p in without.value.problems]


# ---------------------------------------------------------------- never tampered
def _tampered_rationale(folder: Path) -> None:
    """Change one rule's rationale inside the snapshot, keeping it a well-formed marshal payload."""
    path = snapshot_file(folder)
    blob = path.read_bytes()
    old = b"easiest to get right"
    assert old in blob
    path.write_bytes(blob.replace(old, b"never to be done att"))


def test_a_snapshot_changed_on_disk_is_refused_and_the_files_are_validated(cache):
    snapshot.load(RULES)
    _tampered_rationale(cache)
    read = snapshot.load(RULES)
    assert type(read.rules[0]) is formats.Rule  # validated from the files, not the snapshot
    assert "easiest to get right" in read.rules[0].rationale
    again = snapshot.load(RULES)  # and a good snapshot was written in its place
    assert type(again.rules[0]) is plain.Rule and "easiest to get right" in again.rules[0].rationale


def test_a_snapshot_of_another_rulebook_under_this_key_is_refused(rules_copy, cache):
    snapshot.load(RULES)
    good = snapshot_file(cache)
    other = rules_copy / "rules.yaml"
    other.write_text(other.read_text().replace("version: 2.0.0", "version: 7.7.7"))
    texts = {name: (rules_copy / name).read_bytes() for name in snapshot.FILE_NAMES}
    (cache / f"{snapshot.key_of(texts)}.snapshot").write_bytes(good.read_bytes())  # a copy with a valid MAC
    read = snapshot.load(rules_copy)
    assert read.version == "7.7.7" and type(read.rules[0]) is formats.Rule


@pytest.mark.parametrize("damage", ["truncated", "empty", "secret replaced", "secret readable by others"])
def test_a_damaged_snapshot_or_secret_is_never_read(cache, damage):
    snapshot.load(RULES)
    path = snapshot_file(cache)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-100])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "secret replaced":
        (cache / "secret").write_bytes(os.urandom(64))
    else:
        (cache / "secret").chmod(0o644)
    read = snapshot.load(RULES)
    assert type(read.rules[0]) is formats.Rule
    assert read.hash == load_rulebook(RULES).hash


def test_a_cache_folder_others_may_write_to_is_not_used(cache):
    cache.mkdir(mode=0o700)
    cache.chmod(0o777)
    snapshot.load(RULES)
    snapshot.load(RULES)
    assert not list(cache.iterdir())  # no snapshot, no secret written where others could replace them


def test_snapshots_off_write_nothing_and_an_unusable_folder_is_no_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "off")
    assert type(snapshot.load(RULES).rules[0]) is formats.Rule
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "cache"))
    assert snapshot.load(RULES).version == load_rulebook(RULES).version


def test_marshal_payloads_hold_only_data():
    """What a snapshot may hold is plain data and the named records: anything else is refused when writing."""
    with pytest.raises(TypeError):
        snapshot.encode(lambda: None)
    with pytest.raises(TypeError):
        snapshot.encode(object())


# ---------------------------------------------------------------- answers without the models
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_plain_answers_are_the_answers_the_models_give(path, rulebook):
    raw = path.read_bytes()
    fast, full = plain_answers(raw, str(path), rulebook), parse_answers(raw, str(path), rulebook)
    assert fast is not None
    assert (fast.traits, list(fast.traits), fast.workflow) == (full.traits, list(full.traits), full.workflow)
    assert [s._values() for s in fast.steps] == [tuple(s.model_dump().values()) for s in full.steps]


@pytest.mark.parametrize(
    "data",
    [
        {"traits": {"ordering": "sometimes"}},  # not an option
        {"traits": {"teams": 2.5}},  # a float
        {"traits": {"teams": None}},  # null
        {"traits": {"teams": True}},  # yes/no for an integer
        {"traits": {"unknown_question": 1}},
        {"traits": {"ordering": "strict"}, "extra": 1},
        {"steps": [{"service": "A"}]},  # no action
        {"steps": [{"service": "A", "action": "b", "reaction": "yes"}]},
        {"steps": [{"service": "A", "action": "b", "team": ""}]},
        {"steps": [{"service": "A", "action": "b", "color": "red"}]},
        {"steps": [{"service": "", "action": "b"}]},
        {"workflow": 12},
        {"observed": {"style": "orchestration"}},  # valid, but left to the models
    ],
)
def test_plain_answers_leave_every_doubtful_file_to_the_models(data, rulebook):
    assert plain_answers(yaml.safe_dump(data).encode(), "a.yaml", rulebook) is None


_TEXT = st.one_of(st.text(max_size=3), st.sampled_from(["strict", "some", "none", "few", "high", "", "x" * 201]))
# Mostly answers a user would give (so many files are surely valid), with every kind of wrong value mixed in
_VALUE = st.one_of(
    st.sampled_from(["strict", "some", "none", "few", "many", "low", "high", True, False, 0, 2, 3, 12]),
    st.booleans(),
    st.integers(-3, 40),
    _TEXT,
    st.none(),
    st.floats(0, 3),
    st.lists(st.integers(), max_size=2),
)
_STEP = st.fixed_dictionaries(
    {
        "service": st.one_of(st.text(min_size=1, max_size=3), st.text(min_size=1, max_size=3), _VALUE),
        "action": st.text(min_size=1, max_size=3),
    },
    optional={
        "reaction": st.one_of(st.booleans(), _VALUE),
        "compensation": st.one_of(st.none(), _TEXT),
        "event": st.one_of(st.none(), _TEXT),
        "team": st.one_of(st.none(), _TEXT),
        "context": st.one_of(st.none(), _TEXT),
        "colour": _TEXT,
    },
)
_QUESTIONS = ["ordering", "branching", "step_count", "compensation", "compensation_can_fail", "teams", "audit"]
_RIGHT = {  # answers each of these questions takes
    "ordering": ["none", "some", "strict"],
    "branching": ["none", "few", "many"],
    "step_count": [1, 4, 500],
    "compensation": [True, False],
    "compensation_can_fail": [True, False],
    "teams": [1, 3, 100],
    "audit": [True, False],
}


@st.composite
def _traits(draw):
    """Answers to some questions: mostly right ones, each possibly wrong (another kind, out of range, unknown)."""
    out = {}
    for qid in draw(st.lists(st.sampled_from([*_QUESTIONS, "nope"]), unique=True, max_size=4)):
        right = _RIGHT.get(qid, ["x"])
        out[qid] = draw(st.one_of(st.sampled_from(right), st.sampled_from(right), st.sampled_from(right), _VALUE))
    return out


@settings(max_examples=400, deadline=None)  # Why no deadline: the first draw builds the models' validators
@given(
    traits=_traits(),
    steps=st.lists(_STEP, max_size=3),
    workflow=st.one_of(st.none(), _TEXT, _TEXT, st.integers()),
    as_json=st.booleans(),
)
def test_plain_answers_accept_only_what_the_models_accept_and_read_it_alike(rulebook, traits, steps, workflow, as_json):
    data = {"workflow": workflow, "traits": traits, "steps": steps}
    raw = (json.dumps(data) if as_json else yaml.safe_dump(data)).encode()
    fast = plain_answers(raw, "a.json" if as_json else "a.yaml", rulebook)
    try:
        full = parse_answers(raw, "a", rulebook)
    except UserError:
        assert fast is None  # what the models refuse is never read
        return
    event("read without the models" if fast is not None else "left to the models")
    if fast is not None:
        assert (fast.traits, list(fast.traits), fast.workflow) == (full.traits, list(full.traits), full.workflow)
        assert [s._values() for s in fast.steps] == [tuple(s.model_dump().values()) for s in full.steps]


def test_plain_steps_hold_their_fields_where_the_models_do(rulebook):
    """The batch reads a step's fields from its `__dict__` (advisor.engine.batch_evidence); a plain step too."""
    path = ROOT / "examples" / "order-checkout.yaml"
    fast = plain_answers(path.read_bytes(), str(path), rulebook)
    full = parse_answers(path.read_bytes(), str(path), rulebook)
    assert [s.__dict__ for s in fast.steps] == [s.__dict__ for s in full.steps]


def test_without_posix_ownership_there_are_no_snapshots_and_no_error(cache, monkeypatch):
    """Where a file's owner cannot be checked (no os.geteuid, as on Windows), no snapshot is trusted or written."""
    monkeypatch.delattr(os, "geteuid")
    assert type(snapshot.load(RULES).rules[0]) is formats.Rule
    assert not cache.exists()


def test_without_a_home_folder_there_are_no_snapshots_and_no_error(monkeypatch):
    """A container with no $HOME and no passwd entry: Path.home() raises; the rulebook is validated, no error."""
    monkeypatch.delenv("ADVISOR_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert snapshot.cache_dir() is None
    assert type(snapshot.load(RULES).rules[0]) is formats.Rule
