"""A whole rulebook as one zip file: download it, and upload one that replaces the rulebook's files.

An upload is checked completely before anything is written: the zip's own size, then every entry (a plain
file, a safe relative name, one of the four rule files, each at most `yamlsafe.MAX_BYTES` once unpacked), then
the rulebook they form (`build_rulebook`). Only then does `rulestore.commit` write them, keeping the previous
versions. Entries may sit at the top of the zip or all inside one folder (`my-rules/rules.yaml`), as zipping a
directory produces.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

from advisor.access import Actor, Permission
from advisor.authoring.history import COMMAND_LINE, SaveResult, StaleEditError, Where, commit
from advisor.errors import Problem, UserError
from advisor.rulebook.loading import FILES, Rulebook, build_rulebook, content_hash
from advisor.rulebook.yamlsafe import MAX_BYTES

UPLOAD_LIMIT = 512 * 1024  # Why: the zip of a generous rulebook is ~20 KiB; a web upload is capped well below 1 MiB
MAX_ENTRIES = 20  # four files plus folders; anything larger is not a rulebook
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # Why: no timestamps, so the same rulebook always zips to the same bytes


def to_zip(texts: dict[str, bytes]) -> bytes:
    """The rulebook's four files as a zip (fixed order and timestamps: the same files give the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, texts[name])
    return buffer.getvalue()


def read_zip(raw: bytes, label: str = "upload.zip", limit: int = UPLOAD_LIMIT) -> dict[str, bytes]:
    """The rule files in an uploaded zip, checked entry by entry; every problem found in one `UserError`."""
    if len(raw) > limit:
        raise UserError.at(label, f"file too large ({len(raw):,} bytes; the limit is {limit:,} bytes)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise UserError.at(
            label, "not a zip file; download a rulebook from the Rules page for the expected form"
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise UserError.at(label, f"too many entries ({len(infos)}; a rulebook zip holds {len(FILES)} files)")
    problems: list[Problem] = []
    files = []
    for info in infos:
        message = _entry_problem(info)
        if message:
            problems.append(Problem(f"{label}:{info.filename}", None, None, "", message))
        elif not info.is_dir():
            files.append(info)
    prefix = _common_folder([info.filename for info in files])
    texts: dict[str, bytes] = {}
    for info in files:
        name = info.filename[len(prefix) :]
        where = f"{label}:{info.filename}"
        if name not in FILES:
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    "",
                    f"unexpected file; a rulebook zip holds only "
                    f"{', '.join(FILES)}" + (" (at the top or in one folder)" if "/" in name else ""),
                )
            )
        elif name in texts:
            problems.append(Problem(where, None, None, "", "the zip holds this file twice"))
        else:
            try:
                texts[name] = _read_capped(archive, info)
            except UserError as e:
                problems.extend(Problem(where, None, None, "", p.message) for p in e.problems)
    problems += [
        Problem(label, None, None, "", f"missing rule file {name}")
        for name in FILES
        if name not in texts and not any(p.file.endswith(name) for p in problems)
    ]
    if problems:
        raise UserError(problems)
    return texts


def check_zip(raw: bytes, label: str = "upload.zip", limit: int = UPLOAD_LIMIT) -> Rulebook:
    """The rulebook an uploaded zip holds, fully validated (files labelled `label/<file>`); nothing is written."""
    return build_rulebook(read_zip(raw, label, limit), label)


def install_zip(
    directory: Where,
    raw: bytes,
    base_hash: str,
    label: str = "upload.zip",
    limit: int = UPLOAD_LIMIT,
    *,
    by: Actor = COMMAND_LINE,
) -> SaveResult:
    """Replace the rulebook in `directory` with the zip's files, keeping the previous versions.

    Validated first (the zip alone, then as the rulebook to write); refused unless `by` may edit the rulebook;
    refused with `StaleEditError`, as a stale single-file save is, when the rulebook on disk is no longer the one
    whose hash is `base_hash` (`history.rulebook_hash` of the files when the upload was shown). Nothing is
    written on any refusal.
    """
    by.require(Permission.EDIT_RULES)  # Why first: a viewer's upload is not even unpacked
    texts = check_zip(raw, label, limit).texts

    def unchanged(current: dict[str, bytes]) -> None:
        if content_hash(current) != base_hash:
            message = (
                "the rulebook changed on disk since you loaded it (someone else saved, sha256 "
                f"{content_hash(current)[:12]} now); the upload was NOT installed and their save is intact. "
                "Upload it again to compare it with the rulebook as it is now."
            )
            raise StaleEditError([Problem(str(directory), None, None, "", message)], "", {})

    return commit(directory, texts, unchanged, by=by, action="install")


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return "an absolute or Windows path; entries must be relative names inside the rulebook"
    if ".." in path.parts:
        return "a path outside the rulebook ('..'); entries must stay inside it"
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool recorded no Unix file type
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return "not a regular file (a link or a device); a rulebook zip holds plain files"
    if info.flag_bits & 0x1:
        return "encrypted; upload an unencrypted zip"
    if not info.is_dir() and info.file_size > MAX_BYTES:
        return f"file too large ({info.file_size:,} bytes unpacked; the limit is {MAX_BYTES:,} bytes)"
    return None


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Why read in chunks: the size a zip declares can lie (a zip bomb); stop at the limit, whatever it says
    out = bytearray()
    try:
        with archive.open(info) as entry:
            while chunk := entry.read(64 * 1024):
                out += chunk
                if len(out) > MAX_BYTES:
                    raise UserError(f"file too large (more than {MAX_BYTES:,} bytes unpacked)")
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as e:
        raise UserError(f"cannot unpack this entry ({e})") from None
    return bytes(out)


def _common_folder(names: list[str]) -> str:
    """'folder/' when every file sits directly in the same one folder, else ''."""
    folders = {n.rsplit("/", 1)[0] + "/" if "/" in n else "" for n in names}
    if len(folders) == 1:
        (folder,) = folders
        if folder.count("/") == 1:
            return folder
    return ""
