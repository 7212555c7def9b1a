"""The web app's settings keep Streamlit's protections on, and the pinned Streamlit has no published advisory.

The advisory check is offline-tolerant: pip-audit asks a vulnerability service (PyPI's JSON API or OSV); where
neither answers (a sandbox, an air-gapped CI), that test is skipped and says why, and the offline check against
tests/data/streamlit-advisories.yaml still runs.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from advisor.rulebook import yamlsafe

CONFIG = ROOT / "advisor" / "web" / ".streamlit" / "config.toml"


def settings() -> dict:
    return tomllib.loads(CONFIG.read_text())


def pinned_streamlit() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["optional-dependencies"]["web"] if re.match(r"streamlit\s*==", d)]
    assert len(pins) == 1, (
        f"streamlit must be pinned exactly once with ==, found {project['optional-dependencies']['web']}"
    )
    return pins[0].split("==", 1)[1].strip()


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_apps_settings_keep_xsrf_protection_and_cors_on():
    server = settings()["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True


def test_the_apps_settings_serve_no_static_folder():
    assert settings()["server"].get("enableStaticServing", False) is False


def test_streamlit_reads_the_settings_as_written(monkeypatch):
    # Why: a misspelt key in config.toml is ignored by Streamlit with only a log line; read them back through it,
    # as `streamlit run advisor/web/app.py` finds them (the main script's own .streamlit/ folder), and with one
    # setting that differs from Streamlit's default so the test cannot pass on defaults alone.
    from streamlit import config

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(config, "_main_script_path", str(ROOT / "advisor" / "web" / "app.py"))
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("server.enableXsrfProtection") is True
        assert config.get_option("server.enableCORS") is True
        assert config.get_option("server.enableStaticServing") is False
        assert config.get_option("runner.postScriptGC") is False  # a full collection after each run: see config.toml
        assert config.get_option("runner.magicEnabled") is False
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


def test_in_process_app_runs_use_the_apps_own_settings():
    # Why: the AppTest tests and the bench's server rerun should run the pages as `make run` serves them; on
    # Streamlit's defaults they would run with magic on and a full collection after every run.
    from app_helpers import open_app
    from streamlit import config

    open_app()  # it fails on any exception in the run
    for option, value in settings()["runner"].items():
        assert config.get_option(f"runner.{option}") == value, option
    assert config.get_option("global.disableWidgetStateDuplicationWarning") is True


def test_make_run_does_not_switch_a_protection_off_on_the_command_line():
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert run is not None
    for option in ("enableXsrfProtection", "enableCORS", "enableStaticServing"):
        assert option not in run.group(1)


def test_the_installed_streamlit_is_the_pinned_release():
    assert importlib.metadata.version("streamlit") == pinned_streamlit()


def test_the_pinned_streamlit_includes_the_fix_of_every_recorded_advisory():
    path = ROOT / "tests" / "data" / "streamlit-advisories.yaml"
    record = yamlsafe.load(path.read_bytes(), str(path)).data
    pinned = version(pinned_streamlit())
    unfixed = [a["id"] for a in record["advisories"] if pinned < version(str(a["safe_from"]))]
    assert record["advisories"]
    assert unfixed == []


def test_pip_audit_finds_no_published_advisory_for_the_pinned_streamlit(tmp_path):
    audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if audit is None:
        pytest.skip("pip-audit not installed (pip install -e .[test])")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"streamlit=={pinned_streamlit()}\n")
    reasons = []
    for service in ("osv", "pypi"):
        try:
            done = subprocess.run(
                [
                    audit,
                    "-r",
                    str(requirements),
                    "--no-deps",
                    "--disable-pip",
                    "-s",
                    service,
                    "-f",
                    "json",
                    "--progress-spinner",
                    "off",
                    "--timeout",
                    "20",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
        except subprocess.TimeoutExpired:
            reasons.append(f"{service}: no answer in 120 s")
            continue
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError:
            reasons.append(f"{service}: {(done.stderr.strip().splitlines() or ['no output'])[-1][:160]}")
            continue
        dependency = report["dependencies"][0]
        if "skip_reason" in dependency:
            reasons.append(f"{service}: {dependency['skip_reason']}")
            continue
        assert dependency["vulns"] == [], f"published advisories for streamlit {pinned_streamlit()}"
        return
    pytest.skip(
        "no vulnerability service reachable, so the online advisory check could not run ("
        + "; ".join(reasons)
        + "); the offline record was checked instead"
    )


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address if len(address) == width else "?")
    return found


def test_make_run_listens_on_loopback_only_unless_an_address_is_given():
    """`make run` binds 127.0.0.1 by default (no sign-in in local mode); ADDRESS= is how to expose it."""
    from browser import free_port, running_app

    recipe = subprocess.run(["make", "-n", "run", "PORT=1"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "advisor web --port 1 --address 127.0.0.1" in recipe.stdout
    exposed = subprocess.run(["make", "-n", "run", "ADDRESS=0.0.0.0"], cwd=ROOT, capture_output=True, text=True)
    assert "--address 0.0.0.0" in exposed.stdout
    # And `advisor web` without --address, as the browser tests start it, listens on loopback only.
    port = free_port()
    with running_app(port=port):
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex; nothing on tcp6


def test_the_apps_own_settings_apply_when_it_is_started_from_another_directory(tmp_path):
    """Streamlit reads advisor/web/.streamlit/config.toml as the app's own settings from any working directory
    (an installed wheel has no checkout to start from): started from an empty folder it still binds loopback."""
    from browser import free_port, running_app

    port = free_port()
    with running_app(
        port=port, cwd=tmp_path, argv=["-m", "streamlit", "run", str(ROOT / "advisor" / "web" / "app.py")]
    ):
        assert listening_addresses(port) == {"0100007F"}
