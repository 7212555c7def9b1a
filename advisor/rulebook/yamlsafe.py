"""Strict, safe YAML (and JSON) reading that remembers where every value came from.

One pass over libyaml's event stream builds plain dicts, lists and scalars, and a map from each value's path
to its line and column. Why our own composer and not `yaml.safe_load`: PyYAML silently keeps the last of two
duplicate keys, expands aliases (a 400-byte "billion laughs" file explodes when walked) and loses positions.
Here duplicate keys, anchors, aliases, explicit tags, deep nesting, oversized and non-UTF-8 input are all
refused with a `UserError` that names the place.
"""

from __future__ import annotations

from typing import Any

from advisor.errors import Problem, UserError
from advisor.pyyaml import yaml

MAX_BYTES = 1024 * 1024  # Why: a rule or answers file is a few KiB; 1 MiB leaves room and bounds parse time
MAX_DEPTH = 32  # Why: our deepest legitimate structure (nested conditions) is far below this

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster event stream
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
Path = tuple[str | int, ...]


class Document:
    """A parsed file: its data and where each value (and each mapping key) stands in the text."""

    __slots__ = ("data", "filename", "key_positions", "positions")

    def __init__(
        self,
        filename: str,
        data: Any,
        positions: dict[Path, tuple[int, int]] | None = None,
        key_positions: dict[Path, tuple[int, int]] | None = None,
    ) -> None:
        self.filename = filename
        self.data = data
        self.positions: dict[Path, tuple[int, int]] = {} if positions is None else positions
        self.key_positions: dict[Path, tuple[int, int]] = {} if key_positions is None else key_positions

    def __repr__(self) -> str:
        return f"Document({self.filename!r}, {len(self.positions)} positions)"

    def where(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at `path`, or of the nearest enclosing value that has one."""
        path = tuple(path)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while True:
            if path in self.positions:
                return self.positions[path]
            if path in self.key_positions:
                return self.key_positions[path]
            if not path:
                return (None, None)
            path = path[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.filename, line, col, dotted(path), message)


def dotted(path: Path) -> str:
    """`("rules", 3, "when")` -> `rules[3].when`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def decode(raw: bytes, filename: str, max_bytes: int = MAX_BYTES) -> str:
    """Bytes to text, refusing what is too large, empty, binary or not UTF-8 before any parsing."""
    if len(raw) > max_bytes:
        raise UserError.at(filename, f"file too large ({len(raw):,} bytes; the limit is {max_bytes:,} bytes)")
    if not raw.strip():
        raise UserError.at(filename, "file is empty")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise UserError.at(filename, "binary data (a NUL byte); expected a YAML or JSON text file", line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise UserError.at(
            filename, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})", line, col
        ) from None
    return text.removeprefix("\ufeff")


def load(raw: bytes | str, filename: str, max_bytes: int = MAX_BYTES) -> Document:
    """Parse one YAML or JSON document strictly; raise `UserError` with a location on anything unsafe."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    text = decode(raw, filename, max_bytes)
    doc = Document(filename, None)
    parser = _Parser(text)
    try:
        composer = _Composer(parser, doc)
        doc.data = composer.document()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = " ".join(str(x) for x in (e.context, e.problem) if x) or "invalid YAML"
        if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
            message += " (a tab: YAML indents with spaces only)"
        if "nesting depth" in message:  # libyaml's own limit, below ours for flow collections
            message = f"nesting too deep (limit {MAX_DEPTH} levels)"
            raise UserError.at(
                filename, message, mark.line + 1 if mark else None, mark.column + 1 if mark else None
            ) from None
        raise UserError.at(
            filename,
            f"YAML syntax error: {message}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as e:
        code = ord(e.character) if isinstance(e.character, str) else e.character
        line, column = _reader_position(text, e.position)
        raise UserError.at(
            filename,
            f"character U+{code:04X} is not allowed in YAML text (a control character); remove it",
            line,
            column,
        ) from None
    except yaml.YAMLError as e:
        raise UserError.at(filename, f"YAML syntax error: {e}") from None
    except RecursionError:
        raise UserError.at(filename, f"nesting too deep (limit {MAX_DEPTH} levels)") from None
    finally:
        parser.dispose()
    return doc


def _reader_position(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a reader error. Why: libyaml counts UTF-8 bytes, PyYAML's reader characters."""
    prefix = text.encode()[:position].decode("utf-8", "ignore") if _Parser is not yaml.SafeLoader else text[:position]
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


class _Composer:
    def __init__(self, parser: Any, doc: Document):
        self.p = parser
        self.doc = doc

    def fail(self, mark: Any, message: str) -> UserError:
        return UserError.at(self.doc.filename, message, mark.line + 1, mark.column + 1)

    def document(self) -> Any:
        p = self.p
        p.get_event()  # StreamStart
        if p.check_event(yaml.StreamEndEvent):
            raise UserError.at(self.doc.filename, "file is empty")
        p.get_event()  # DocumentStart
        data = self.node((), 0)
        p.get_event()  # DocumentEnd
        if not p.check_event(yaml.StreamEndEvent):
            raise self.fail(p.peek_event().start_mark, "more than one YAML document; expected exactly one")
        return data

    def node(self, path: Path, depth: int) -> Any:
        p = self.p
        event = p.get_event()
        if depth > MAX_DEPTH:
            raise self.fail(event.start_mark, f"nesting too deep (limit {MAX_DEPTH} levels)")
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(event.start_mark, f"aliases (*{event.anchor}) are not allowed; write the value out")
        if event.anchor is not None:
            raise self.fail(event.start_mark, f"anchors (&{event.anchor}) are not allowed; write the value out")
        self.doc.positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        self.check_tag(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not p.check_event(yaml.SequenceEndEvent):
                items.append(self.node(path + (len(items),), depth + 1))
            p.get_event()
            return items
        mapping: dict[Any, Any] = {}
        while not p.check_event(yaml.MappingEndEvent):
            key_event = p.peek_event()
            if not isinstance(key_event, yaml.ScalarEvent):
                raise self.fail(key_event.start_mark, "mapping keys must be plain scalars")
            key = self.node(path + ("<key>",), depth + 1)
            del self.doc.positions[path + ("<key>",)]
            if not isinstance(key, (str, int, bool)) or key is None:
                raise self.fail(key_event.start_mark, f"unsupported mapping key {key!r}")
            key = str(key) if not isinstance(key, str) else key
            kpos = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            if key in mapping:
                first = self.doc.key_positions[path + (key,)]
                raise self.fail(key_event.start_mark, f"duplicate key '{key}' (first defined at line {first[0]})")
            self.doc.key_positions[path + (key,)] = kpos
            mapping[key] = self.node(path + (key,), depth + 1)
        p.get_event()
        return mapping

    def check_tag(self, event: Any) -> None:
        tag = event.tag
        if tag is None or tag in ("!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            return
        raise self.fail(event.start_mark, f"unsupported tag '{_short(tag)}'; tags are not allowed")

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag not in (None, "!") and tag not in _SCALAR_TAGS:
            raise self.fail(event.start_mark, f"unsupported tag '{_short(tag)}'; tags are not allowed")
        if tag in (None, "!"):
            tag = self.p.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:str" or tag not in _SCALAR_TAGS:
            return event.value  # timestamps and other implicit types stay text
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.p.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as e:
            raise self.fail(event.start_mark, f"invalid {tag.rsplit(':', 1)[-1]} value {event.value!r}") from e


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")
