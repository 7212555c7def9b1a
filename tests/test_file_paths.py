"""The files a user names on the command line: `-o PATH` onto devices, FIFOs, directories and missing folders, and
input paths that are not regular files. Never a traceback, never a device replaced, never a blocked read.

Why a device node of our own (os.mknod, major 1 minor 3: the same device as /dev/null) and never /dev/null itself:
the bug these tests guard against replaced the machine's /dev/null with a regular file when run as root.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from advisor.cli.main import main
from advisor.files import NotARegularFile, read_input, write_atomic, write_output
from tests.conftest import EXAMPLES, ROOT

ANSWERS = str(EXAMPLES[0])
PORTFOLIO = str(ROOT / "examples" / "portfolio.csv")
# Every command that writes with -o, each with the arguments it needs
WRITERS = {
    "diagram": ["diagram", ANSWERS, "--format", "dot"],
    "report": ["report", ANSWERS, "--format", "md"],
    "batch": ["batch", PORTFOLIO],
    "rules export": ["rules", "export"],
    "recommend": ["recommend", ANSWERS],
}


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device node like /dev/null, in tmp_path (root only: making device nodes needs it)."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = tmp_path / "null"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


class FifoReader:
    """A FIFO in tmp_path with a thread reading it to the end (a writer blocks until a reader opens it)."""

    def __init__(self, path: Path):
        self.path, self.data = path, b""
        os.mkfifo(path)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as f:
            self.data = f.read()

    def received(self) -> bytes:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the reader never saw the end of the output"
        return self.data


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- -o onto a device or a FIFO
def test_output_onto_a_character_device_writes_in_place_and_the_device_survives(null_device):
    write_output(null_device, b"digraph {}\n")
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)
    assert os.lstat(null_device).st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in null_device.parent.iterdir()) == ["null"]  # no temporary file left


@pytest.mark.parametrize("command", ["diagram", "report", "rules export"])
def test_advisor_output_onto_a_character_device_keeps_the_device(capsys, null_device, command):
    code, _, err = run(capsys, *WRITERS[command], "-o", str(null_device))
    assert (code, err) == (0, "")
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)


def test_an_atomic_write_refuses_to_rename_over_a_device(null_device):
    with pytest.raises(NotARegularFile, match=r"not a regular file \(it is a character device\)"):
        write_atomic(null_device, b"x")
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)
    assert sorted(p.name for p in null_device.parent.iterdir()) == ["null"]


def test_output_onto_a_fifo_reaches_its_reader_and_the_fifo_survives(capsys, tmp_path):
    fifo = FifoReader(tmp_path / "pipe")
    code, _, err = run(capsys, *WRITERS["diagram"], "-o", str(fifo.path))
    assert (code, err) == (0, "")
    assert fifo.received().startswith(b"digraph")
    assert stat.S_ISFIFO(os.lstat(fifo.path).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_dash_as_the_output_writes_to_stdout(capsys):
    code, out, _ = run(capsys, *WRITERS["diagram"], "-o", "-")
    assert code == 0 and out.startswith("digraph")


def test_output_through_a_link_keeps_the_link_and_replaces_its_target(capsys, tmp_path):
    target, link = tmp_path / "target.dot", tmp_path / "link.dot"
    target.write_text("old\n")
    link.symlink_to(target)
    code, _, _ = run(capsys, *WRITERS["diagram"], "-o", str(link))
    assert code == 0 and link.is_symlink()
    assert target.read_text().startswith("digraph")


# ---------------------------------------------------------------- -o that cannot be written: exit 2, named
@pytest.mark.parametrize("command", WRITERS)
def test_an_output_path_that_is_a_directory_is_a_clear_error(capsys, tmp_path, command):
    code, _, err = run(capsys, *WRITERS[command], "-o", str(tmp_path))
    assert code == 2
    assert err == f"{tmp_path}: cannot write: is a directory, not a file\n"


@pytest.mark.parametrize("command", WRITERS)
def test_an_output_path_in_a_missing_folder_is_a_clear_error(capsys, command):
    code, _, err = run(capsys, *WRITERS[command], "-o", "/nonexistent/x")
    assert code == 2
    assert err == "/nonexistent/x: cannot write: no such folder: /nonexistent\n"


def test_an_output_path_in_a_missing_folder_gives_no_traceback_from_the_real_command():
    run = subprocess.run(
        [sys.executable, "-m", "advisor", *WRITERS["diagram"], "-o", "/nonexistent/x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "/nonexistent/x: cannot write: no such folder: /nonexistent" in run.stderr


def test_an_output_path_that_is_a_socket_is_refused_naming_what_it_is(capsys, tmp_path):
    path = tmp_path / "sock"
    with contextlib.closing(socket.socket(socket.AF_UNIX)) as s:
        s.bind(str(path))
        code, _, err = run(capsys, *WRITERS["diagram"], "-o", str(path))
    assert code == 2 and err == f"{path}: cannot write: not a regular file (it is a socket)\n"
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


# ---------------------------------------------------------------- inputs that are not regular files
READERS = {
    "recommend": ["recommend"],
    "diagram": ["diagram", "--format", "dot"],
    "report": ["report", "--format", "md"],
    "batch": ["batch"],
}


@pytest.mark.parametrize("command", READERS)
def test_a_fifo_as_the_input_file_is_refused_without_blocking(tmp_path, command):
    fifo = tmp_path / ("in.csv" if command == "batch" else "in.yaml")
    os.mkfifo(fifo)
    args = READERS[command][:1] + [str(fifo)] + READERS[command][1:]
    # Why a subprocess with a timeout: a read that blocks would otherwise hang the test run instead of failing it
    run = subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr == f"{fifo}: cannot read: not a regular file (it is a FIFO, a named pipe)\n"


def test_a_character_device_as_the_input_file_is_refused_before_it_is_read(capsys):
    code, _, err = run(capsys, "recommend", "/dev/zero")  # reading /dev/zero would never end
    assert code == 2 and err == "/dev/zero: cannot read: not a regular file (it is a character device)\n"


def test_a_fifo_in_a_rulebook_directory_is_named_and_nothing_blocks(capsys, rules_copy):
    (rules_copy / "styles.yaml").unlink()
    os.mkfifo(rules_copy / "styles.yaml")
    code, _, err = run(capsys, "rules", "check", str(rules_copy))
    assert code == 2
    assert err == f"{rules_copy}/styles.yaml: cannot read: not a regular file (it is a FIFO, a named pipe)\n"


def test_reading_a_regular_file_stops_one_byte_past_the_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 100)
    assert read_input(path, 10) == b"x" * 11
    assert read_input(path) == b"x" * 100
