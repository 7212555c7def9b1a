"""Read-only records without `dataclasses`: the base of the engine's and the rulebook's value classes.

Why not `@dataclass`: importing `dataclasses` imports `inspect` (with `ast`, `dis` and `tokenize`), and each
decorated class compiles its generated methods with `exec` when its module is imported. Measured in one
process: 15 ms for the 18 classes a cold `advisor recommend` needed, 8 to 12 ms for the import, a quarter of its
start-up (issue 17 asks for a start-up within 6x the interpreter's own). A subclass names its fields in
`FIELDS` and writes its own `__init__` (typed, with its defaults, assigning through `_set` as it is read-only);
equality, hashing and `repr` read the fields here, as a frozen dataclass's do.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

_set = object.__setattr__  # what a read-only record's own `__init__` assigns its fields with


class Record:
    """Read-only fields in `FIELDS` order. Two records are equal when of one class with equal `COMPARED` fields
    (all of `FIELDS` unless a class names fewer), hashed by those, and shown by the fields not in `HIDDEN`."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()
    COMPARED: ClassVar[tuple[str, ...] | None] = None
    HIDDEN: ClassVar[frozenset[str]] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: cannot delete {name!r}")

    # Why: pickling and copying restore a slotted object's fields with setattr, which a read-only record refuses
    def __getstate__(self) -> tuple[Any, ...]:
        return tuple([getattr(self, f) for f in self.FIELDS])

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.FIELDS, state):
            _set(self, name, value)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (`dataclasses.replace`); every record's `__init__` takes `FIELDS` in
        order."""
        unknown = changes.keys() - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(*[changes[f] if f in changes else getattr(self, f) for f in self.FIELDS])

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, f) for f in self.FIELDS if self.COMPARED is None or f in self.COMPARED])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.FIELDS if f not in self.HIDDEN)
        return f"{type(self).__name__}({shown})"


class Ordered(Record):
    """A record ordered as the tuple of its compared fields (a dataclass's `order=True`)."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() < other._values()

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() <= other._values()

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() > other._values()

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() >= other._values()


class Positional(Record):
    """A record built from its fields' values in `FIELDS` order, for classes built in few places."""

    __slots__ = ()

    def __init__(self, *values: Any) -> None:
        if len(values) != len(self.FIELDS):
            raise TypeError(f"{type(self).__name__} takes {len(self.FIELDS)} fields, got {len(values)}")
        for name, value in zip(self.FIELDS, values):
            _set(self, name, value)
