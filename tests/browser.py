"""Running the real app for end-to-end tests: a Streamlit server started as `make run` starts it (on a free
loopback port), and Debian's Chromium driven by Playwright. The fixtures in tests/conftest.py wrap these."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 90  # seconds; a cold start on a busy 2-core machine takes a few


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_app(
    env: dict[str, str] | None = None, port: int | None = None, cwd: Path = ROOT, argv: list[str] | None = None
) -> Iterator[str]:
    """Start the app as `make run` does (`python -m advisor web --port P`: advisor/web/app.py with its own
    Streamlit settings, listening on 127.0.0.1); yield its base URL; always stop it.

    `env` adds environment variables (e.g. ADVISOR_RULES for a scratch rulebook); `argv` replaces the command
    (after the interpreter), started in `cwd`, `--server.port P` added.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    # the app's output, read back when it fails to start; removed on leaving the block
    with tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log") as log:
        proc = subprocess.Popen(
            [sys.executable, *argv, "--server.port", str(port)]
            if argv
            else [sys.executable, "-m", "advisor", "web", "--port", str(port)],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start on {url}:\n{Path(log.name).read_text()[-3000:]}")
                time.sleep(0.2)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # our own process group only (start_new_session above)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing phoning home. Never `playwright install`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_app(page, timeout: float = 90_000) -> None:
    """Until the script run triggered by the last navigation or interaction has finished.

    Why 90 s: a first script run took over 30 s in a CI run on 2 cores under a load average of 12; the wait ends
    as soon as the run does, so a long limit costs nothing when the machine is quiet."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && app.getAttribute('data-test-connection-state') === 'CONNECTED';
        }""",
        timeout=timeout,
    )


# The text of the first diagram in a keyed block: the app shows our SVG as an image (advisor.web.display), so the
# text is read from the SVG document in the image's base64 `data:` address.
_BLOCK_SVG_TEXT = """(key) => { const img = document.querySelector('.st-key-' + key + ' .advisor-svg img');
    if (!img) return '';
    const data = img.getAttribute('src').split('base64,')[1];
    const text = new TextDecoder().decode(Uint8Array.from(atob(data), c => c.charCodeAt(0)));
    return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement.textContent; }"""


def diagram_text(
    page, key: str, contains: str = "", absent: str | None = None, timeout: int = 60_000, before: str | None = None
) -> str:
    """The text of the diagram in the block with widget key `key`, once it says `contains` (and, given `absent`,
    no longer says that; given `before`, says `contains` first); after `timeout` ms, what it says then, for the
    caller's assertion to show. Why `before`: a redrawn diagram may say the same words as the one it replaces."""
    with contextlib.suppress(Exception):
        page.wait_for_function(
            f"([k, t, a, b]) => {{ const s = ({_BLOCK_SVG_TEXT})(k); return s !== '' && s.includes(t) && "
            "!(a && s.includes(a)) && !(b && !(s.includes(b) && s.indexOf(t) < s.indexOf(b))); }",
            arg=[key, contains, absent, before],
            timeout=timeout,
        )
    return page.evaluate(_BLOCK_SVG_TEXT, key)
