"""The filter language of the console's ``/`` and of ``list --match``: one implementation.

- a plain word is a case-insensitive substring of what the console always shows:
  the ID or the Name (never a field the table hides or cuts short);
- ``tag:x``, ``user:x``, ``url:x``, ``code:x``, ``name:x`` look in that field only
  (tags, username, the full URL, identifier code, name);
- ``id:42`` or ``#42`` is the item whose identifier is exactly 42;
- words are ANDed; ``a|b`` matches either (each side with its own prefix:
  ``tag:prod|tag:staging``); ``!x`` keeps the items *without* x (``!a|b``: with
  neither; ``!tag:prod``: not tagged prod).

A word with an unknown prefix (``db:prod``) is a plain word. An unfinished word (a
lone ``!``, ``#``, ``tag:``, an empty alternative) is ignored rather than matching
nothing, so the console's table does not blank out while it is being typed.

Matching runs over columns of lowered text, one per field, each built once per list
(``item_columns``) and scanned in one pass per term: a keystroke in the console
scans 100 000 rows. ``reached_by`` says which fields beyond ID and Name kept an
item, so a front end can show them (the console's detail pane, ``list``'s table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from operator import attrgetter
from typing import NamedTuple, Protocol

from tui.api import ItemSummary


class Field(Enum):
    """What an alternative of the filter searches."""

    #: ID and Name: what a plain word searches (the columns always shown).
    SHOWN = "shown"
    #: The identifier, exactly (``id:``, ``#``).
    ID = "id"
    NAME = "name"
    USER = "user"
    URL = "url"
    TAG = "tag"
    CODE = "code"


#: The prefixes a word may carry, and the field each one searches.
PREFIXES = {
    "name": Field.NAME,
    "user": Field.USER,
    "url": Field.URL,
    "tag": Field.TAG,
    "code": Field.CODE,
    "id": Field.ID,
}

#: The item's attribute behind each field a prefix reaches (``list``'s field names).
ATTRIBUTES = {
    Field.NAME: "name",
    Field.USER: "username",
    Field.URL: "url",
    Field.TAG: "tags",
    Field.CODE: "identifier_code",
}

#: Fields a plain word does not search: a match through one is said where it shows.
BEYOND_SHOWN = (Field.USER, Field.URL, Field.TAG, Field.CODE)

#: The fields' names for people (the console's labels).
LABELS = {
    Field.SHOWN: "ID or Name",
    Field.ID: "ID",
    Field.NAME: "Name",
    Field.USER: "Username",
    Field.URL: "URL",
    Field.TAG: "Tags",
    Field.CODE: "Code",
}

#: One line for the console's filter line.
FILTER_HINT = (
    "words: ID/Name · a|b either · !x not · #42 exact id · tag: user: url: code: name: a field"
)

#: The language, a line per form: the console's help and ``list --help`` show it.
SYNTAX = (
    ("word", "the ID or Name holds it (any case); words are ANDed"),
    ("a|b", "either"),
    ("!x", "not x (!a|b: neither)"),
    ("id:42  #42", "exactly identifier 42"),
    ("tag:x", "the tags hold x"),
    ("user:x  url:x", "the username, the full URL holds x"),
    ("code:x  name:x", "the identifier code, the name holds x"),
)


class Alternative(NamedTuple):
    field: Field
    #: Lower-cased, except an identifier's (``Field.ID``), which must be equal.
    text: str

    def holds(self, value: str) -> bool:
        """Whether ``value``, the row's text of this field, satisfies it."""
        if self.field is Field.ID:
            return value == self.text
        return self.text in value


class Columns(Protocol):
    """Each row's lowered text of a field, the rows in one order (``Field.ID``: the
    identifiers as they are)."""

    def column(self, field: Field) -> Sequence[str]: ...


class Term(NamedTuple):
    """One word of the query: it holds when one of its alternatives does (``negated``:
    when none does)."""

    alternatives: tuple[Alternative, ...]
    negated: bool = False

    def holds(self, value_of: Callable[[Field], str]) -> bool:
        """Whether one row satisfies it, ``value_of`` giving the row's text of a field."""
        found = any(alt.holds(value_of(alt.field)) for alt in self.alternatives)
        return found != self.negated

    def select(self, indices: Iterable[int], columns: Columns) -> list[int]:
        """The ``indices`` whose rows this term keeps, in their order. (What ``holds``
        says row by row, in one pass per case.)"""
        alternatives, negated = self.alternatives, self.negated
        if len(alternatives) == 1:
            return _scan(alternatives[0], negated, indices, columns)
        # ``a|b`` and ``a|b|c`` of substrings, the usual bars, as one plain ``or``: an
        # ``any()`` per row costs eight times as much.
        if len(alternatives) <= 3 and all(alt.field is not Field.ID for alt in alternatives):
            tests = [(alt.text, columns.column(alt.field)) for alt in alternatives]
            if len(tests) == 2:
                tests.append(tests[1])  # a|b as a|b|b: the same rows
            (a, va), (b, vb), (c, vc) = tests
            return [
                index
                for index in indices
                if (a in va[index] or b in vb[index] or c in vc[index]) != negated
            ]
        # Otherwise each alternative in its own tight pass, then one pass to keep the
        # rows found (or those not found).
        pool = list(indices)
        found: set[int] = set()
        for alt in alternatives:
            found.update(_scan(alt, False, pool, columns))
        if negated:
            return [index for index in pool if index not in found]
        return [index for index in pool if index in found]

    def within(self, wider: Term) -> bool:
        """Every row this term keeps, ``wider`` keeps too (so a filter can narrow the
        previous result instead of scanning every row again)."""
        if self == wider:
            return True
        if self.negated or wider.negated:
            return False
        # Each of our alternatives implies one of wider's: the same field, and a
        # longer text holding the other (an identifier: the same one).
        return all(
            any(_implies(ours, theirs) for theirs in wider.alternatives)
            for ours in self.alternatives
        )


def _scan(alt: Alternative, negated: bool, indices: Iterable[int], columns: Columns) -> list[int]:
    """The ``indices`` whose rows ``alt`` holds for (``negated``: does not), in order."""
    field, part = alt
    values = columns.column(field)
    if field is Field.ID:
        if negated:
            return [index for index in indices if values[index] != part]
        return [index for index in indices if values[index] == part]
    if negated:
        return [index for index in indices if part not in values[index]]
    return [index for index in indices if part in values[index]]


def _implies(ours: Alternative, theirs: Alternative) -> bool:
    if ours.field is not theirs.field:
        return False
    if ours.field is Field.ID:
        return ours.text == theirs.text
    return theirs.text in ours.text


def _alternative(part: str) -> Alternative | None:
    lowered = part.lower()
    if lowered.startswith("#"):
        field, text = Field.ID, part[1:]
    else:
        prefix, colon, rest = lowered.partition(":")
        field_of_prefix = PREFIXES.get(prefix) if colon else None
        if field_of_prefix is Field.ID:
            field, text = Field.ID, part[len(prefix) + 1 :]
        elif field_of_prefix is not None:
            field, text = field_of_prefix, rest
        else:
            field, text = Field.SHOWN, lowered
    return Alternative(field, text) if text else None


def parse(query: str) -> list[Term]:
    terms = []
    for word in query.split():
        negated = word.startswith("!")
        body = word[1:] if negated else word
        alternatives = tuple(
            alt for part in body.split("|") if (alt := _alternative(part)) is not None
        )
        if alternatives:
            terms.append(Term(alternatives, negated))
    return terms


def narrows(old: Sequence[Term], new: Sequence[Term]) -> bool:
    """True when every row ``new`` keeps, ``old`` kept: ``new`` only adds terms or
    makes the old ones stricter (what typing one more character usually does)."""
    if not old:
        return False
    return all(any(term.within(previous) for term in new) for previous in old)


def fields_named(terms: Iterable[Term]) -> list[Field]:
    """The fields beyond ID and Name that the terms look for (not those they exclude),
    in the order of ``BEYOND_SHOWN``: what a table should show beside its columns."""
    named = {alt.field for term in terms if not term.negated for alt in term.alternatives}
    return [field for field in BEYOND_SHOWN if field in named]


def reached_by(terms: Iterable[Term], value_of: Callable[[Field], str]) -> list[Field]:
    """The fields beyond ID and Name through which a row the terms keep was kept: for
    each term that holds through none of the shown fields, the fields of its
    alternatives that hold. Empty when the row shows why it matched."""
    reached: set[Field] = set()
    for term in terms:
        if term.negated:
            continue
        held = {alt.field for alt in term.alternatives if alt.holds(value_of(alt.field))}
        if held and not held & {Field.SHOWN, Field.ID, Field.NAME}:
            reached |= held
    return [field for field in BEYOND_SHOWN if field in reached]


# -- the text searched, from the items ------------------------------------------------------


def item_columns(items: Sequence[ItemSummary], field: Field) -> list[str]:
    """Each item's text of ``field``, lowered (identifiers as they are): what the
    filter searches, for the console's table and for ``list --match`` alike."""
    if field is Field.SHOWN:
        return [f"{item.identifier} {item.name}".lower() for item in items]
    if field is Field.ID:
        return [item.identifier for item in items]
    return list(map(str.lower, map(attrgetter(ATTRIBUTES[field]), items)))


def item_value(item: ItemSummary, field: Field) -> str:
    """The item's own text of a field a prefix reaches (as shown, not lowered)."""
    value: str = getattr(item, ATTRIBUTES[field])
    return value


class ItemColumns:
    """The columns ``item_columns`` makes for a list, each built when first searched."""

    def __init__(self, items: Sequence[ItemSummary]) -> None:
        self._items = items
        self._columns: dict[Field, list[str]] = {}

    def column(self, field: Field) -> Sequence[str]:
        found = self._columns.get(field)
        if found is None:
            found = self._columns[field] = item_columns(self._items, field)
        return found


def select(terms: Sequence[Term], count: int, columns: Columns) -> list[int]:
    """The row numbers (of ``count`` rows) every term keeps, in order."""
    pool: Iterable[int] = range(count)
    for term in terms:  # each term narrows what the one before kept
        pool = term.select(pool, columns)
    return list(pool)


def matching(items: Sequence[ItemSummary], query: str | None) -> list[ItemSummary]:
    """The items ``query`` keeps, in their order (``list --match``)."""
    terms = parse(query or "")
    if not terms:
        return list(items)
    return [items[index] for index in select(terms, len(items), ItemColumns(items))]


def reached_fields(item: ItemSummary, terms: Sequence[Term]) -> list[Field]:
    """``reached_by`` for one item."""

    def value_of(field: Field) -> str:
        return item_columns([item], field)[0]

    return reached_by(terms, value_of)
