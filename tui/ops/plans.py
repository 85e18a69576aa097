"""What a batch is asked to do, and the guards that stand before it is sent.

Plans are made by the session (:meth:`tui.ops.session.Session.plan`), which asks
every guard (:mod:`tui.ops.guards`) on the way: a front end gets a plan to confirm
or a typed refusal to word, and the session asks again before it sends.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, overload

from tui.api import Action, ItemRef, ItemSummary, Kind


class ProfileView(NamedTuple):
    """What the session knows about the profile it acts on (no secrets here)."""

    name: str = "demo"
    #: Starts read-only; writing must be unlocked on purpose (and is journalled).
    production: bool = False
    #: Starts read-only and stays so (no unlock).
    read_only: bool = False
    #: Batches larger than this are refused (None: no limit).
    max_batch: int | None = None
    #: Every batch needs a reason or ticket reference.
    require_reason: bool = False
    #: One of red, yellow, green, blue, magenta, cyan: the header's colour.
    color: str = "blue"
    #: Certificate checks are off: a permanent warning in the header.
    insecure: bool = False


#: No item in doubt: the shared default of :attr:`BatchPlan.in_doubt` (read-only).
_NO_DOUBT: Mapping[tuple[str, str], Sequence[str]] = MappingProxyType({})


class BatchPlan(NamedTuple):
    """What the operator is asked to confirm, and what the session will send.

    A NamedTuple, not a frozen dataclass: as immutable, and built in 0.2 ms instead
    of 1.8 at every start (``_replace`` makes the changed copies)."""

    action: Action
    refs: Sequence[ItemRef]
    #: How many of ``refs`` the current filter hides.
    hidden: int = 0
    #: Items the list says the operator may not edit: left out of the batch.
    refused: Sequence[ItemRef] = ()
    #: "Undo of batch 1a2b3c4d", "Resume of ...", "Dry run", or empty.
    purpose: str = ""
    #: The profile wants a reason or ticket reference for every batch.
    require_reason: bool = False
    #: This batch reverts another one.
    undoes: str | None = None
    #: This batch finishes what an interrupted one left.
    resumes: str | None = None
    #: Items sent by earlier batches with no answer, and the ids of every batch
    #: whose request for the item is unanswered. A "changed" answer settles each
    #: as not applied; an "already" leaves it uncertain which of them (or someone
    #: else) did it.
    in_doubt: Mapping[tuple[str, str], Sequence[str]] = _NO_DOUBT
    #: Nothing is sent: the requests are written out instead.
    dry_run: bool = False
    #: The batch this one resumes or undoes has no target on record, and the
    #: operator named this server as the one it was made on.
    origin_named: bool = False
    #: Items whose outcome is uncertain (a lost answer, then "already"): left out
    #: of ``refs`` unless the operator includes them on purpose
    #: (:meth:`including_uncertain`), and listed apart in the confirmation.
    uncertain: Sequence[ItemRef] = ()
    #: The leak report's findings this batch acts on (triage): each a reference
    #: (where, which rule; never a value) with the ``items`` it matched, unmatched
    #: findings too (no items), so that the journal can give the incident receipt.
    findings: Sequence[Mapping[str, Any]] = ()
    #: The reason the core proposes (from the findings), the operator may edit it.
    proposed_reason: str = ""

    def including_uncertain(self) -> BatchPlan:
        """This plan with its uncertain items sent too (the operator asked)."""
        if not self.uncertain:
            return self
        return self._replace(refs=[*self.refs, *self.uncertain], uncertain=())


def split_writable(
    refs: Iterable[ItemRef], writable: Mapping[tuple[str, str], bool]
) -> tuple[list[ItemRef], list[ItemRef]]:
    """Those the operator may change, and those the list says they may not."""
    allowed: list[ItemRef] = []
    refused: list[ItemRef] = []
    for ref in refs:
        if writable.get((ref.kind.value, ref.identifier), True):
            allowed.append(ref)
        else:
            refused.append(ref)
    return allowed, refused


class ListWritability(Mapping[tuple[str, str], bool]):
    """What the lists say of ``can_write``, by (kind, identifier), looked up only for
    the items a plan holds: no dict over every row (100 000 rows, a handful marked).
    An item not in its list is absent (the server decides)."""

    def __init__(self, items: Mapping[Kind, Mapping[str, ItemSummary]]) -> None:
        self._items = {kind.value: by_id for kind, by_id in items.items()}

    def of_kind(self, kind: Kind) -> Mapping[str, ItemSummary]:
        """The list of ``kind`` by identifier (empty when there is none)."""
        return self._items.get(kind.value, {})

    def __getitem__(self, key: tuple[str, str]) -> bool:
        return self._items[key[0]][key[1]].can_write

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((kind, ident) for kind, by_id in self._items.items() for ident in by_id)

    def __len__(self) -> int:
        return sum(len(by_id) for by_id in self._items.values())


class KeyedRefs(Sequence[ItemRef]):
    """Distinct items of one kind as a table holds them, by key, each
    :class:`ItemRef` made when it is read.

    The confirmation of 100 000 marked rows needs their count and the few names on
    screen: a plan of keys opens it without 100 000 objects made, deduplicated and
    looked up first (issue 23). Iterating it makes every reference, as a list would.
    ``items``: the list's items by key, for the names (a key it lacks has none).
    """

    __slots__ = ("items", "keys", "kind")

    def __init__(self, kind: Kind, keys: Sequence[str], items: Mapping[str, ItemSummary]) -> None:
        self.kind = kind
        #: Distinct identifiers, in the order of the batch.
        self.keys = keys
        self.items = items

    def _ref(self, key: str) -> ItemRef:
        item = self.items.get(key)
        return ItemRef(self.kind, key, item.name if item is not None else "")

    @overload
    def __getitem__(self, index: int) -> ItemRef: ...

    @overload
    def __getitem__(self, index: slice) -> list[ItemRef]: ...

    def __getitem__(self, index: int | slice) -> ItemRef | list[ItemRef]:
        if isinstance(index, slice):
            return [self._ref(key) for key in self.keys[index]]
        return self._ref(self.keys[index])

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[ItemRef]:
        return map(self._ref, self.keys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which do not hash

    def __repr__(self) -> str:
        return f"KeyedRefs({self.kind.value}, {len(self.keys)} keys)"

    def split(self, writable: Mapping[tuple[str, str], bool]) -> tuple[KeyedRefs, KeyedRefs]:
        """:func:`split_writable` of these, asking ``writable`` of these keys only (one
        lookup each in the list's own mapping when it is a :class:`ListWritability`);
        both parts stay keys."""
        if isinstance(writable, ListWritability):
            by_id = writable.of_kind(self.kind)
            refused = [
                key
                for key in self.keys
                if (item := by_id.get(key)) is not None and not item.can_write
            ]
        else:
            kind = self.kind.value
            refused = [key for key in self.keys if not writable.get((kind, key), True)]
        if not refused:
            return self, KeyedRefs(self.kind, refused, self.items)
        left_out = set(refused)
        allowed = [key for key in self.keys if key not in left_out]
        return KeyedRefs(self.kind, allowed, self.items), KeyedRefs(self.kind, refused, self.items)

    def count_in(self, keys: Collection[str]) -> int:
        """How many of these are among ``keys`` (those the filter hides)."""
        return sum(1 for key in self.keys if key in keys)
