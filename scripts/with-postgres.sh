#!/usr/bin/env bash
# Runs a command (the test suite) with a throwaway PostgreSQL server, so the storage tests also run against
# PostgreSQL: `scripts/with-postgres.sh .venv/bin/python -m pytest -q`.
#
# It creates a cluster in a temporary directory (initdb), starts it listening on a Unix socket in that
# directory only (no TCP port), exports ADVISOR_TEST_PG_URL, runs the command, then stops the server and
# deletes the directory. PostgreSQL refuses to run as root, so under root the server runs as the `postgres`
# user. Without PostgreSQL (or when it cannot start) the command still runs, and the PostgreSQL tests skip
# saying why. An ADVISOR_TEST_PG_URL already set is used as it is.
set -uo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 64
fi
if [ -n "${ADVISOR_TEST_PG_URL:-}" ]; then
  exec "$@"
fi

skip() {
  echo "with-postgres: $1; the PostgreSQL storage tests will be skipped" >&2
  shift
  exec "$@"
}

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  skip "PostgreSQL not found (install the Debian package postgresql)" "$@"
fi

AS=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1 || ! command -v runuser >/dev/null; then
    skip "running as root and there is no 'postgres' user to run the server as" "$@"
  fi
  AS=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/advisor-pg.XXXXXX")
[ ${#AS[@]} -gt 0 ] && chown postgres "$dir"
cleanup() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$dir"
}

if ! "${AS[@]}" "$PG_BIN/initdb" -D "$dir/data" -A trust -U advisor -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  rm -rf "$dir"
  skip "initdb failed" "$@"
fi
# No TCP (listen_addresses empty): the socket in $dir is the only way in. Durability settings off: the
# cluster is thrown away afterwards (the fault-injection tests kill clients, never the server).
options="-c listen_addresses= -k $dir -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if ! "${AS[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null; then
  cat "$dir/server.log" >&2
  cleanup
  skip "the server did not start" "$@"
fi
trap cleanup EXIT
trap 'exit 130' INT TERM

export ADVISOR_TEST_PG_URL="postgresql+psycopg://advisor@/postgres?host=$dir"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $dir (removed afterwards)" >&2
"$@"
