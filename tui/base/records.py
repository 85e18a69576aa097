"""Mutable records that cost nothing to define: equality and a repr from ``__slots__``.

A ``@dataclass`` writes its methods as source and ``exec``s each of them when its
module is imported: about 1 ms a class on Python 3.11, paid at every start (the
mutable records on the console's start path took 7 ms of it). A record here
declares its ``__slots__`` and writes its ``__init__`` (14 us to define); this base
adds what ``@dataclass(eq=True)`` would: equality between records of the same
class, field by field, no hash (they are mutable), and a repr naming each field in
the order of ``__slots__``: keep that the order of the fields, as a dataclass's
repr was. A record names the fields that hold secrets in ``_withheld``: its repr
shows ``<withheld>`` for them, so a secret held in a record never reaches a log
line, a traceback or a test's failure message through it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SlotRecord:
    """A mutable record: ``__eq__`` and ``__repr__`` over the subclass's ``__slots__``."""

    __slots__ = ()

    #: Fields whose values the repr withholds (secrets); a class attribute, not a slot.
    _withheld: ClassVar[frozenset[str]] = frozenset()

    def _fields(self) -> tuple[str, ...]:
        fields: tuple[str, ...] = self.__slots__
        return fields

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, SlotRecord)
        return self._values() == other._values()

    # Mutable, as a dataclass with eq and without frozen: not hashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={self._shown(name)}" for name in self._fields())
        return f"{type(self).__qualname__}({fields})"

    def _shown(self, name: str) -> str:
        value = getattr(self, name)
        if value is not None and name in self._withheld:
            return "<withheld>"
        return repr(value)
