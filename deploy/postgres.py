"""A throwaway PostgreSQL server on a loopback port, in a directory of its own, for the replicas of
deploy/replicas.py and their tests: `initdb`, start, stop (as a crash or cleanly), start again, remove.

As scripts/with-postgres.sh does: the Debian package's newest `initdb`/`pg_ctl`, trust authentication for the role
`advisor` (it listens on 127.0.0.1 only), and under root the server runs as the `postgres` user (PostgreSQL
refuses root). Unlike that script it listens on a TCP port, because N replicas and a load test connect to it, and
it keeps synchronous commits on: a test stops it as a crash (`-m immediate`) and checks nothing committed is lost.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path


class PostgresMissing(RuntimeError):
    """No PostgreSQL binaries, or they cannot run here."""


def pg_bin() -> Path:
    """The directory of the newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name.split(".")[0]))
    if not found or not (found[-1] / "initdb").exists():
        raise PostgresMissing("PostgreSQL not found (install the Debian package postgresql)")
    return found[-1]


class Postgres:
    """One server in `directory` (created empty by the caller) on 127.0.0.1:`port`."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.bin = pg_bin()
        self.data = directory / "data"
        self.log = directory / "server.log"
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as e:
                raise PostgresMissing("running as root and there is no 'postgres' user to run the server as") from e
            if not shutil.which("runuser"):
                raise PostgresMissing("running as root and runuser is missing")
            os.chown(directory, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return f"postgresql+psycopg://advisor@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, *command], capture_output=True, text=True, check=check, timeout=120)

    def init(self, databases: tuple[str, ...] = ()) -> None:
        """Make the cluster, start it, and create `databases`."""
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "advisor", "-E", "UTF8", "--no-sync"
        )
        self.start()
        for name in databases:
            self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "advisor", name)

    def start(self) -> None:
        # Why max_connections 300: each replica's SQLAlchemy pool, the tests' own connections, and headroom.
        # Why fsync off: a throwaway cluster; an OS crash may lose it, a server crash (what the tests do) not.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c max_connections=300 "
            "-c fsync=off -c full_page_writes=off"
        )
        done = self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
            check=False,
        )
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresMissing(f"PostgreSQL did not start: {done.stderr.strip()}\n{tail}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` (clean), or `immediate` (as a crash: no shutdown checkpoint)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "immediate") -> None:
        self.stop(mode)
        self.start()
