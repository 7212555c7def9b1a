# The two commands of the README: `make run` and `make test`. Both set everything up first (idempotent).
PY := .venv/bin/python
BIN := .venv/bin
PORT ?= 8501
# Why loopback by default: the app has no sign-in in local mode; `make run ADDRESS=0.0.0.0` exposes it on purpose.
ADDRESS ?= 127.0.0.1

.PHONY: setup run replicas lint test test-load test-replicas fuzz bench schema gallery golden clean

setup:
	@bash scripts/setup.sh

run: setup
	$(PY) -m advisor web --port $(PORT) --address $(ADDRESS)

# Several replicas behind nginx with a throwaway PostgreSQL, all on loopback (deploy/replicas.py; README "Running
# several replicas"): http://127.0.0.1:$(NGINX_PORT). Ctrl-C stops nginx, the replicas and PostgreSQL.
REPLICAS ?= 2
NGINX_PORT ?= 8500
replicas: setup
	$(PY) deploy/replicas.py --replicas $(REPLICAS) --port $(NGINX_PORT)

# The linters, configured in pyproject.toml: ruff (lint and format), mypy, and the import-linter layer contracts
# (tests/test_architecture.py runs those too, so a bare pytest also guards the layers).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

# The storage tests also run against a throwaway PostgreSQL started (and removed) by scripts/with-postgres.sh.
# The 20-session load test and the two-replica tests have their own targets (each starts its own servers); .ci/run
# runs all three.
test: setup lint
	bash scripts/with-postgres.sh $(PY) -m pytest -q -n 2 --dist loadfile -m "not load and not replicas"

test-load: setup
	$(PY) -m pytest -q -m load

# Two replicas behind nginx with their own throwaway PostgreSQL (tests/test_replicas.py, about a minute).
test-replicas: setup
	$(PY) -m pytest -q -m replicas

# The property tests with fresh random examples (make test draws the same ones every run; see tests/conftest.py).
fuzz: setup
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -n 2 -m "not load and not browser" $$(grep -l "@given" tests/*.py)

bench: setup
	$(PY) bench/run.py

schema: setup
	$(PY) -m advisor schema --out advisor/rulebook/default/schema

# The examples drawn in each style (diagrams/gallery/); tests/test_gallery.py fails when it is stale.
gallery: setup
	$(PY) -m advisor.views.diagram.gallery

# Rewrite the golden files of tests/test_golden.py after an intended change; review `git diff tests/data/golden`.
golden: setup
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_golden.py
	@git --no-pager diff --stat -- tests/data/golden || true

clean:
	rm -rf .venv .pytest_cache .hypothesis .mypy_cache .ruff_cache
