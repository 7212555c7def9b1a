"""A rulebook as a zip: download it, upload one; every bad upload refused with a clear message, nothing written."""

from __future__ import annotations

import io
import re
import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from advisor.authoring.bundle import UPLOAD_LIMIT, check_zip, install_zip, read_zip, to_zip
from advisor.authoring.history import StaleEditError, rulebook_hash
from advisor.authoring.versions import history
from advisor.errors import UserError
from advisor.rulebook.loading import FILES, load_rulebook, read_texts
from advisor.rulebook.yamlsafe import MAX_BYTES


def make_zip(entries: dict[str, bytes], infos: list[zipfile.ZipInfo] = (), compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate names we plant
        for name, data in entries.items():
            archive.writestr(name, data)
        for info, data in infos:
            archive.writestr(info, data)
    return buffer.getvalue()


VERSION_LINE = re.compile(rb"^version: (\d+)\.(\d+)\.(\d+)$", re.M)


def raised(rules: bytes) -> bytes:
    """A rules.yaml text with its version's patch number raised by one, nothing else changed."""
    m = VERSION_LINE.search(rules)
    assert m, "test setup: no version line"
    return rules[: m.start()] + b"version: %s.%s.%d" % (m[1], m[2], int(m[3]) + 1) + rules[m.end() :]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def test_a_downloaded_rulebook_is_the_same_bytes_every_time_and_uploads_back_unchanged(rules_copy):
    texts = read_texts(rules_copy)
    raw = to_zip(texts)
    assert raw == to_zip(dict(texts))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.namelist() == list(FILES)
    assert check_zip(raw).hash == load_rulebook(rules_copy).hash


def test_an_uploaded_rulebook_replaces_the_files_and_keeps_the_previous_versions(rules_copy):
    texts = read_texts(rules_copy)
    old_rules = texts["rules.yaml"]
    texts["rules.yaml"] = old_rules.replace(b"hybrid_links: 2", b"hybrid_links: 7")
    result = install_zip(rules_copy, to_zip(texts), load_rulebook(rules_copy).hash)
    assert [f.name for f in result.written] == ["rules.yaml"]  # unchanged files are not rewritten
    assert load_rulebook(rules_copy).decision.hybrid_links == 7
    assert (rules_copy / "rules.yaml").read_bytes() == raised(texts["rules.yaml"])  # and its version raised
    assert history(rules_copy, "rules.yaml")[0].path.read_bytes() == old_rules


def test_a_zip_of_a_folder_is_accepted(rules_copy):
    texts = read_texts(rules_copy)
    raw = make_zip({"my-rules/": b"", **{f"my-rules/{n}": t for n, t in texts.items()}})
    assert read_zip(raw) == texts


def _valid(rules_copy) -> dict[str, bytes]:
    return read_texts(rules_copy)


def _link() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("styles.yaml")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


BAD_UPLOADS = {
    "too large": (lambda t: b"PK" + b"\0" * (UPLOAD_LIMIT + 1), "upload.zip: file too large"),
    "not a zip": (lambda t: b"questions: []\n", "upload.zip: not a zip file"),
    "not utf-8": (
        lambda t: make_zip({**t, "rules.yaml": t["rules.yaml"] + "# caf\xe9\n".encode("latin-1")}),
        "upload.zip/rules.yaml:",
    ),
    "path outside the rulebook": (
        lambda t: make_zip({**t, "../rules.yaml": b"x"}),
        "upload.zip:../rules.yaml: a path outside the rulebook ('..')",
    ),
    "nested path outside": (lambda t: make_zip({**t, "rules/../../etc/x.yaml": b"x"}), "a path outside the rulebook"),
    "absolute path": (
        lambda t: make_zip({**t, "/etc/cron.d/x": b"x"}),
        "upload.zip:/etc/cron.d/x: an absolute or Windows path",
    ),
    "windows path": (lambda t: make_zip({**t, "C:\\rules.yaml": b"x"}), "an absolute or Windows path"),
    "unexpected file": (
        lambda t: make_zip({**t, "run.sh": b"#!/bin/sh\n"}),
        "upload.zip:run.sh: unexpected file; a rulebook zip holds only questions.yaml, rules.yaml",
    ),
    "a symbolic link": (
        lambda t: make_zip({n: v for n, v in t.items() if n != "styles.yaml"}, [(_link(), b"/etc/passwd")]),
        "upload.zip:styles.yaml: not a regular file",
    ),
    "missing file": (
        lambda t: make_zip({n: v for n, v in t.items() if n != "styles.yaml"}),
        "upload.zip: missing rule file styles.yaml",
    ),
    "a file twice": (
        lambda t: make_zip(t, [(zipfile.ZipInfo("rules.yaml"), b"version: 9.9.9\n")]),
        "upload.zip:rules.yaml: the zip holds this file twice",
    ),
    "a file in a second folder": (
        lambda t: make_zip({**t, "x/rules.yaml": t["rules.yaml"]}),
        "upload.zip:x/rules.yaml: unexpected file",
    ),
    "zip bomb": (lambda t: make_zip({**t, "rules.yaml": b"#" * (MAX_BYTES * 4)}), "file too large"),
    "invalid rulebook": (
        lambda t: make_zip(
            {
                **t,
                "rules.yaml": t["rules.yaml"].replace(
                    b"{question: ordering, op: eq, value: strict}", b"{question: orderin, op: eq, value: strict}", 1
                ),
            }
        ),
        "upload.zip/rules.yaml:",
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_written(rules_copy, case):
    make, fragment = BAD_UPLOADS[case]
    raw = make(_valid(rules_copy))
    before = snapshot(rules_copy)
    with pytest.raises(UserError) as info:
        install_zip(rules_copy, raw, rulebook_hash(rules_copy))
    assert fragment in str(info.value)
    assert snapshot(rules_copy) == before


def test_an_invalid_rulebook_in_a_zip_names_the_file_and_line(rules_copy):
    texts = _valid(rules_copy)
    texts["rules.yaml"] = texts["rules.yaml"].replace(
        b"{question: ordering, op: eq, value: strict}", b"{question: orderin, op: eq, value: strict}", 1
    )
    with pytest.raises(UserError) as info:
        check_zip(make_zip(texts), "team-rules.zip")
    problem = info.value.problems[0]
    assert problem.file == "team-rules.zip/rules.yaml" and problem.line is not None
    assert "unknown question 'orderin'" in problem.message


def test_an_upload_over_a_rulebook_changed_meanwhile_is_refused(rules_copy):
    seen = load_rulebook(rules_copy).hash
    upload = _valid(rules_copy)
    upload["rules.yaml"] += b"# my change\n"
    (rules_copy / "styles.yaml").write_bytes((rules_copy / "styles.yaml").read_bytes() + b"# edited\n")
    before = snapshot(rules_copy)
    with pytest.raises(UserError, match="the rulebook changed on disk since you loaded it"):
        install_zip(rules_copy, to_zip(upload), seen)
    assert snapshot(rules_copy) == before


def test_a_zip_install_over_a_rulebook_saved_by_someone_else_since_is_refused_as_a_stale_edit(rules_copy):
    seen = rulebook_hash(rules_copy)  # when the page showed the upload
    upload = _valid(rules_copy)
    upload["rules.yaml"] += b"# my change\n"
    theirs = (rules_copy / "rules.yaml").read_bytes() + b"# their save\n"
    (rules_copy / "rules.yaml").write_bytes(theirs)
    before = snapshot(rules_copy)
    with pytest.raises(StaleEditError, match="the rulebook changed on disk since you loaded it"):
        install_zip(rules_copy, to_zip(upload), seen)
    assert snapshot(rules_copy) == before
    assert (rules_copy / "rules.yaml").read_bytes() == theirs


def test_the_hash_of_a_rulebook_on_disk_counts_a_missing_file(rules_copy):
    whole = rulebook_hash(rules_copy)
    assert whole == load_rulebook(rules_copy).hash
    (rules_copy / "scenarios.yaml").unlink()
    assert rulebook_hash(rules_copy) != whole


def test_an_upload_restores_a_rulebook_with_a_deleted_file(rules_copy):
    texts = _valid(rules_copy)
    (rules_copy / "scenarios.yaml").unlink()
    result = install_zip(rules_copy, to_zip(texts), rulebook_hash(rules_copy))
    assert [f.name for f in result.written] == ["scenarios.yaml", "rules.yaml"]  # the version raised too
    assert read_texts(rules_copy) == {**texts, "rules.yaml": raised(texts["rules.yaml"])}
    assert [k.file for k in result.kept] == ["rules.yaml"]  # the deleted file had nothing to keep


def test_an_upload_that_changes_the_rulebook_raises_its_version_unless_the_upload_raised_it(rules_copy):
    path = rules_copy / "rules.yaml"
    path.write_bytes(VERSION_LINE.sub(b"version: 2.0.3", path.read_bytes(), count=1))  # the version on disk
    texts = read_texts(rules_copy)
    styles = texts["styles.yaml"] + b"# reviewed\n"
    cases = [("2.0.3", "2.0.4"), ("1.0.0", "2.0.5"), ("2.1.0", "2.1.0"), ("2.1.0", "2.1.1")]
    for i, (uploaded, installed) in enumerate(cases):
        upload = {
            **texts,
            "styles.yaml": styles + f"# upload {i}\n".encode(),
            "rules.yaml": VERSION_LINE.sub(f"version: {uploaded}".encode(), texts["rules.yaml"], count=1),
        }
        result = install_zip(rules_copy, to_zip(upload), load_rulebook(rules_copy).hash)
        assert load_rulebook(rules_copy).version == result.rulebook.version == installed, uploaded
        assert (rules_copy / "styles.yaml").read_bytes() == upload["styles.yaml"]
    assert len(history(rules_copy, "rules.yaml")) == 4


def test_installing_the_rulebook_already_there_writes_nothing_and_raises_nothing(rules_copy):
    before = snapshot(rules_copy)
    result = install_zip(rules_copy, to_zip(read_texts(rules_copy)), load_rulebook(rules_copy).hash)
    assert (result.written, result.raised) == ((), None)
    assert snapshot(rules_copy) == before
