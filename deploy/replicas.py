"""N app replicas behind nginx, with a throwaway PostgreSQL for the store and the rulebook, on loopback ports:
`make replicas` (Ctrl-C stops everything), and the harness of tests/test_replicas.py and bench/protocol_load.py.

    python deploy/replicas.py [--replicas 2] [--port 8500] [--db-url URL --rules-url URL] [--listen ADDR]

- Each replica is `python -m advisor web --port P --address 127.0.0.1`, as `make run` starts the app, started in
  the checkout (so every replica reads the same `.streamlit/secrets.toml`: the `[auth]` sign-in of README "Sign-in
  and roles" must be the same on every replica) with the same environment: `ADVISOR_DB_URL` (the saved
  assessments), `ADVISOR_RULES_URL` (the rulebook) and `STREAMLIT_SERVER_COOKIE_SECRET` (one secret for all of
  them, so a cookie one replica signed is valid on the others).
- nginx (the Debian package) from deploy/nginx.conf.template: sticky sessions by a route cookie, WebSocket
  upgrade. It runs as the current user with its own prefix directory (`-p`), pid file and logs in a temporary
  directory; under root its workers run as `nobody`.
- PostgreSQL (deploy/postgres.py) unless --db-url is given: databases `assessments` and `rules`.

Without sign-in configured the replicas are in local mode (they listen on loopback): anyone who reaches nginx may
do everything. So nginx listens on 127.0.0.1 unless --listen says otherwise, and a non-loopback --listen is
refused unless `.streamlit/secrets.toml` has an `[auth]` section.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import ipaddress
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # Why: run as a script or imported by tests and bench
from postgres import Postgres, PostgresMissing, pg_bin

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
START_TIMEOUT = 120  # seconds for every replica to answer its health check on a busy 2-core machine


class CannotDeploy(RuntimeError):
    """A part is missing (nginx, PostgreSQL) or did not start; the message says which and why."""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def missing_parts() -> str | None:
    """What this machine lacks to run a deployment (nginx, PostgreSQL), or None."""
    if nginx_binary() is None:
        return "nginx is not installed (the Debian package nginx; scripts/setup.sh installs it)"
    try:
        pg_bin()
    except PostgresMissing as e:
        return str(e)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as r:
            return r.status == 200
    except OSError:
        return False


def sign_in_configured() -> bool:
    """Whether the `[auth]` section the replicas read (the checkout's or the user's secrets.toml) exists."""
    for path in (ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
            if "auth" in tomllib.loads(path.read_text()):
                return True
    return False


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    """What is running: nginx's URL, the replicas, the database URLs, the PostgreSQL server if it is ours."""

    url: str
    replicas: list[Replica]
    db_url: str
    rules_url: str
    postgres: Postgres | None
    runtime: Path
    rulebook_pushed: bool = False
    processes: list[subprocess.Popen] = field(default_factory=list)

    def upstream(self, replica: Replica) -> str:
        """How nginx names `replica` in its X-Advisor-Replica header."""
        return f"127.0.0.1:{replica.port}"


def _start_replicas(ports: list[int], env: dict[str, str], runtime: Path) -> list[Replica]:
    replicas = []
    for port in ports:
        log = runtime / f"replica-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [PYTHON, "-m", "advisor", "web", "--port", str(port), "--address", "127.0.0.1"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        replicas.append(Replica(port, process, log))
    deadline = time.monotonic() + START_TIMEOUT
    for r in replicas:
        while not healthy(r.url):
            if r.process.poll() is not None or time.monotonic() > deadline:
                raise CannotDeploy(f"replica on port {r.port} did not start:\n{r.log.read_text()[-3000:]}")
            time.sleep(0.3)
    return replicas


def _nginx_config(runtime: Path, listen: str, ports: list[int]) -> Path:
    user = ""
    if os.geteuid() == 0:  # Why: a root master's workers would otherwise run as root; they need the temp dirs
        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (runtime / sub).mkdir()
            os.chown(runtime / sub, nobody.pw_uid, nobody.pw_gid)
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    text = TEMPLATE.read_text()
    for name, value in (("USER", user), ("RUNTIME", str(runtime)), ("LISTEN", listen), ("SERVERS", servers)):
        text = text.replace(f"@@{name}@@", value)
    conf = runtime / "nginx.conf"
    conf.write_text(text)
    return conf


def _start_nginx(runtime: Path, listen: str, ports: list[int]) -> subprocess.Popen:
    nginx = nginx_binary()
    if nginx is None:
        raise CannotDeploy("nginx not found (install the Debian package nginx)")
    conf = _nginx_config(runtime, listen, ports)
    check = subprocess.run([nginx, "-t", "-q", "-p", str(runtime), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise CannotDeploy(f"nginx refused its configuration:\n{check.stderr}")
    log = (runtime / "nginx.out").open("wb")
    return subprocess.Popen(
        [nginx, "-p", str(runtime), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def push_rulebook(rules_url: str, env: dict[str, str], runtime: Path) -> bool:
    """Publish a copy of the checkout's rulebook as the database's first version (the rulebook database of issue
    16). Why a copy in the runtime directory: a push writes what it published back into its directory (and a
    `.rulebook-base`), and the checkout's rules/ is the packaged default rulebook, which must stay as it is."""
    probe = subprocess.run([PYTHON, "-m", "advisor", "rules", "push", "--help"], capture_output=True, cwd=ROOT)
    if probe.returncode != 0:
        return False
    copy = runtime / "rules"
    shutil.copytree(ROOT / "rules", copy, ignore=shutil.ignore_patterns("schema", "README.md", ".*"))
    done = subprocess.run(
        [PYTHON, "-m", "advisor", "rules", "push", str(copy)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if done.returncode != 0:
        raise CannotDeploy(f"advisor rules push refused the checkout's rulebook:\n{done.stderr or done.stdout}")
    return True


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # its own process group only (start_new_session)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def deployment(
    replicas: int = 2,
    port: int | None = None,
    listen: str = "127.0.0.1",
    db_url: str | None = None,
    rules_url: str | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> Iterator[Deployment]:
    """Start PostgreSQL (unless `db_url` is given), `replicas` app processes and nginx on `listen`:`port`; yield
    the running `Deployment`; always stop everything and remove the temporary directory."""
    if not ipaddress.ip_address(listen).is_loopback and not sign_in_configured():
        raise CannotDeploy(
            f"refusing to listen on {listen} without sign-in: the replicas would give every visitor the local "
            "user's rights. Configure [auth] in .streamlit/secrets.toml (README 'Sign-in and roles') first."
        )
    if port is not None and not port_free(listen, port):
        raise CannotDeploy(f"port {port} on {listen} is in use (another `make replicas`?); choose another with PORT=")
    runtime = Path(tempfile.mkdtemp(prefix="advisor-replicas-"))
    if os.geteuid() == 0:  # Why: under root, PostgreSQL and nginx's workers run as other users and must get in
        runtime.chmod(0o755)
    postgres: Postgres | None = None
    started: list[subprocess.Popen] = []
    try:
        if db_url is None:
            (runtime / "pg").mkdir()
            try:
                postgres = Postgres(runtime / "pg", free_port())
                postgres.init(databases=("assessments", "rules"))
            except subprocess.CalledProcessError as e:
                raise CannotDeploy(f"{' '.join(e.cmd)} failed: {e.stderr}") from e
            except PostgresMissing as e:
                raise CannotDeploy(str(e)) from e
            db_url, rules_url = postgres.url("assessments"), rules_url or postgres.url("rules")
            log(f"PostgreSQL on 127.0.0.1:{postgres.port} ({runtime / 'pg'})")
        env = {
            **os.environ,
            "ADVISOR_DB_URL": db_url,
            "ADVISOR_RULES_URL": rules_url or db_url,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        }
        pushed = postgres is not None and push_rulebook(env["ADVISOR_RULES_URL"], env, runtime)
        ports = [free_port() for _ in range(replicas)]
        replica_list = _start_replicas(ports, env, runtime)
        started += [r.process for r in replica_list]
        log("replicas: " + ", ".join(r.url for r in replica_list))
        nginx_port = port or free_port()
        started.append(_start_nginx(runtime, f"{listen}:{nginx_port}", ports))
        url = f"http://{listen}:{nginx_port}"
        deadline = time.monotonic() + 30
        while not healthy(url):
            if started[-1].poll() is not None or time.monotonic() > deadline:
                raise CannotDeploy(f"nginx did not start:\n{(runtime / 'error.log').read_text(errors='replace')}")
            time.sleep(0.2)
        log(f"nginx on {url}")
        yield Deployment(url, replica_list, db_url, env["ADVISOR_RULES_URL"], postgres, runtime, pushed, started)
    finally:
        for process in reversed(started):
            _stop(process)
        if postgres is not None:
            postgres.stop("fast")
        shutil.rmtree(runtime, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port (default 8500)")
    parser.add_argument("--listen", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    parser.add_argument("--db-url", help="the store's database (default: a throwaway PostgreSQL)")
    parser.add_argument("--rules-url", help="the rulebook's database (default: the store's server)")
    args = parser.parse_args(argv)

    def terminate(signum, frame):
        raise KeyboardInterrupt  # Why: SIGTERM (kill, timeout) must stop the children too, as Ctrl-C does

    signal.signal(signal.SIGTERM, terminate)
    try:
        with deployment(args.replicas, args.port, args.listen, args.db_url, args.rules_url, log=print) as d:
            if not d.rulebook_pushed:
                print("(advisor rules push is not available: the replicas read the rule files)")
            print(f"\nOpen {d.url} ; Ctrl-C stops nginx, the replicas and PostgreSQL.", flush=True)
            while all(p.poll() is None for p in d.processes):
                time.sleep(1)
            print("a process stopped; stopping the rest", file=sys.stderr)
            return 1
    except CannotDeploy as e:
        print(f"replicas: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
