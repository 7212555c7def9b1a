"""Reading and writing the files a user names: regular files only where a rename or a read could go wrong.

- `write_atomic(path, data)`: a temporary file, fsync, then os.replace, so a crash never leaves a half-written file.
  It refuses to replace anything but a regular file (or a link): renaming over a device or a FIFO would destroy it.
- `write_output(path, data)`: what `-o PATH` does: a regular file (or a new one) atomically; a character device or
  a FIFO (`/dev/stdout`, `/dev/null`, a named pipe) written in place, never renamed over; a directory, a missing
  folder, a block device or a socket refused with an `OSError` whose `strerror` says why.
- `read_input(path, limit)`: a regular file's bytes; anything else (a FIFO would block forever, a device may never
  end) refused before it is opened.

Why `OSError` and not `UserError`: this module sits below `advisor.errors` in the layers; every caller already
turns an `OSError` into "PATH: cannot read|write: <strerror>".
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO, a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """A path that names a directory, a device, a FIFO or a socket where a regular file was needed."""


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in words ("a regular file", "a FIFO, a named pipe", ...)."""
    return next((words for test, words in _KINDS if test(mode)), "a regular file")


def _refuse(path: Path | str, mode: int) -> NotARegularFile:
    if stat.S_ISDIR(mode):
        return NotARegularFile(errno.EISDIR, "is a directory, not a file", str(path))
    return NotARegularFile(errno.EINVAL, f"not a regular file (it is {kind_of(mode)})", str(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically: readers see the old file or the new one, never a mix.

    Refused (`NotARegularFile`) when `path` is a directory, a device, a FIFO or a socket: the rename would put a
    regular file in its place (as root, `-o /dev/null` would otherwise replace the machine's /dev/null).
    """
    import tempfile  # Why here: it imports random and shutil, start-up time every command would pay (issue 17)

    path = Path(path)
    _check_replaceable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))
        _check_replaceable(path)  # Why again: the path may have been swapped for a device while we wrote
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _check_replaceable(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise _refuse(path, mode)


def write_output(path: Path | str, data: bytes) -> None:
    """Write `data` to the file a user named: atomically when it is (or will be) a regular file, in place when it
    is a character device or a FIFO; otherwise an `OSError` whose `strerror` names the problem."""
    path = Path(path)
    try:
        st = os.stat(path)  # follows links: /dev/stdout -> /proc/self/fd/1 -> a terminal, a pipe or a file
    except FileNotFoundError:
        parent = path.parent
        if not parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, f"no such folder: {parent}", str(path)) from None
        if path.is_symlink():  # a link to nothing: replacing the link would surprise; say what it is
            message = f"a link to a missing file ({os.readlink(path)})"
            raise FileNotFoundError(errno.ENOENT, message, str(path)) from None
        write_atomic(path, data)
        return
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_in_place(path, data)
    elif not stat.S_ISREG(st.st_mode):
        raise _refuse(path, st.st_mode)
    elif not path.is_symlink():
        write_atomic(path, data)
    else:
        target = Path(os.path.realpath(path))
        try:
            same = os.path.samestat(os.stat(target), st)
        except OSError:
            same = False
        # Why: a link is kept and its target replaced atomically; a link /proc cannot name (a deleted file behind
        # /dev/stdout) is written in place, as a shell's `>` would
        if same:
            write_atomic(target, data)
        else:
            _write_in_place(path, data)


def _write_in_place(path: Path, data: bytes) -> None:
    """Write to a device, a FIFO or a magic link: no temporary file, no rename (a FIFO waits for its reader)."""
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, 0)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def read_input(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path` (at most `limit` + 1 of them, enough to tell it is over the limit).

    Anything else is refused before it is opened (`NotARegularFile`): reading a FIFO blocks until someone writes
    to it, a device may never end. The check is repeated on the opened file, opened without blocking.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped between the stat and the open
            raise _refuse(path, mode)
        os.set_blocking(fd, True)
        return f.read() if limit is None else f.read(limit + 1)


def _mode_for(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else the usual 0666 - umask.

    Why: mkstemp creates 0600 files; without this a save would silently make a shared rule file unreadable
    to the other users (or the web server) that could read it before.
    """
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # Why not os.umask(): setting it to read it back is process-wide and races with other threads' file creation
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022
