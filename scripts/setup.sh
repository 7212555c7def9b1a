#!/usr/bin/env bash
# Sets up everything `make run` and `make test` need, idempotently:
#   1. the Debian packages of scripts/debian-packages.txt (Graphviz, Chromium, poppler, the fonts the diagrams
#      and reports use, PostgreSQL for the storage tests), installed when missing and we can (root or sudo);
#   2. a virtual environment in .venv with the package and its extras, reinstalled when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t DEBS < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/debian-packages.txt)
missing=()
for pkg in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = "none" ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    echo "setup: (continuing without them: Graphviz output needs graphviz, browser tests skip without chromium, PostgreSQL tests without postgresql)" >&2
  else
    echo "setup: installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # Why compat mode: a plain .pth path entry instead of an import hook that costs ~14 ms at every start
  .venv/bin/python -m pip install -q -e ".[all]" --config-settings editable_mode=compat
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Why: an editable install has no bytecode, and where PYTHONDONTWRITEBYTECODE is set (CI machines) every process
# would compile each module it imports again (a cold `advisor recommend` pays ~15 ms for it). Stale files are
# recompiled by Python itself; this only refreshes what changed.
.venv/bin/python -m compileall -q advisor >/dev/null

# 3. the npm validators of the exports (package.json, pinned by package-lock.json): test-time only, so a
#    machine without Node still runs the app; the tests that need them say so. Reinstalled when the lockfile
#    changes. Why --ignore-scripts: none of them needs an install script, and no package's script runs here.
if command -v npm >/dev/null; then
  npm_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
  if [ ! -f "$npm_stamp" ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch "$npm_stamp"
  fi
else
  echo "setup: Node.js/npm not found: the export validators (AsyncAPI, BPMN, ASL, Mermaid) cannot be installed" >&2
fi
