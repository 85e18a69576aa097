"""What MySafe's answers become: kinds, actions, list items and results, as plain data.

A list holds up to 100 000 items and is read on every start, so its items are
built straight from the decoded JSON (``summary_from_entry``) and only an entry
that is not plainly well formed goes through the lenient pydantic model
(:mod:`tui.api.details`, which also holds the full items: a fetch is one item).
Nothing here imports pydantic, so the console starts without building its models.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from functools import partial
from itertools import compress, count, repeat
from operator import not_
from typing import Any, NamedTuple

from tui.base.safe_text import clean_text


class Kind(StrEnum):
    """The two kinds of MySafe item this console manages."""

    PASSWORD = "password"
    API_SECRET = "api_secret"

    @property
    def path(self) -> str:
        """The path segment under ``/api/mysafe/``."""
        return "password" if self is Kind.PASSWORD else "secretapi"

    @property
    def label(self) -> str:
        return "Password" if self is Kind.PASSWORD else "API secret"

    @property
    def noun(self) -> str:
        """The label inside a sentence: "password", "API secret"."""
        return "password" if self is Kind.PASSWORD else "API secret"

    @property
    def list_keys(self) -> tuple[str, ...]:
        # The JSON examples say *_on_list; the field tables say the plural.
        if self is Kind.PASSWORD:
            return ("password_on_list", "passwords_on_list")
        return ("api_secret_on_list", "api_secrets_on_list")

    @property
    def entity_keys(self) -> tuple[str, ...]:
        if self is Kind.PASSWORD:
            return ("password_entity",)
        return ("api_secret_entity", "api_entity")

    @property
    def filters(self) -> tuple[str, ...]:
        """The server-side list filters the API documents for this kind."""
        if self is Kind.PASSWORD:
            return ("tag", "name", "username", "url")
        return ("tag", "identifier_code")


#: A MySafe identifier as the API writes it: digits only. Checked before an id reaches
#: a URL path (``sending.checked_identifier``) and wherever ids are read from a file.
IDENTIFIER = re.compile(r"[0-9]{1,19}")

#: The words the command line names the kinds by (``list passwords``).
KIND_WORDS: dict[str, Kind] = {"passwords": Kind.PASSWORD, "secrets": Kind.API_SECRET}


def kind_named(word: str) -> Kind | None:
    """The kind a word names: a command-line word (``passwords``, ``secrets``) or the
    kind's own value (``password``, ``api_secret``, as ``list`` prints it); else None."""
    word = word.strip().lower()
    if word in KIND_WORDS:
        return KIND_WORDS[word]
    try:
        return Kind(word)
    except ValueError:
        return None


class Action(StrEnum):
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"

    @property
    def path(self) -> str:
        return "active" if self is Action.ACTIVATE else "inactive"

    @property
    def past(self) -> str:
        return "activated" if self is Action.ACTIVATE else "deactivated"


# -- list items -----------------------------------------------------------------------


class ItemSummary(NamedTuple):
    """One row of a list answer. API secret lists carry only id, name and flags.

    A named tuple: immutable, and cheap to build and to hold 100 000 of. Its text
    is clean (``tui.base.safe_text.clean_text``), as everything leaving ``tui.api`` is.
    """

    kind: Kind
    identifier: str
    name: str = ""
    url: str = ""
    username: str = ""
    tags: str = ""
    identifier_code: str = ""
    need_justify: bool = False
    need_approval: bool = False
    can_view: bool = True
    #: Whether the key's user may edit (and so activate/deactivate) the item. Absent
    #: means unknown; the server decides, so treat it as allowed.
    can_write: bool = True
    #: The server's own text of the fields cleaning changed, in ``SUMMARY_TEXT``
    #: order (None for a field left as sent); None when nothing was changed, which
    #: is nearly always. Only data outputs (JSON, JSON Lines) read it, so that a
    #: name survives a round trip exactly; everything else shows the clean text.
    exact: tuple[str | None, ...] | None = None

    def exact_text(self, field: str) -> str:
        """The text ``field`` as the server sent it (a text field of ``SUMMARY_TEXT``)."""
        text: str = getattr(self, field)
        if self.exact is not None:
            sent = self.exact[SUMMARY_TEXT.index(field)]
            if sent is not None:
                return sent
        return text

    @property
    def ref(self) -> ItemRef:
        return ItemRef(self.kind, self.identifier, self.name)

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


#: The text fields of a summary, in ``ItemSummary``'s order.
SUMMARY_TEXT = ("name", "url", "username", "tags", "identifier_code")
#: The flags of a summary, in ``ItemSummary``'s order, with their defaults.
SUMMARY_FLAGS = (
    ("need_justify", False),
    ("need_approval", False),
    ("can_view", True),
    ("can_write", True),
)


def summary_from_entry(kind: Kind, entry: dict[str, Any]) -> ItemSummary | None:
    """The item of a plainly well-formed list entry, or None to have it validated.

    Plainly well formed: an identifier of digits, text fields that are strings (or
    absent) and flags that are booleans or "0"/"1" (or absent), which is what
    senhasegura sends. For those this gives exactly what the lenient model gives
    (``tests/unit/test_list_fast_path.py`` holds it to that); anything else (numbers,
    nulls, padded identifiers, broken entries) goes to the model, which normalises
    it or refuses it.
    """
    identifier = entry.get("identifier")
    if identifier.__class__ is not str or not identifier.isdigit():
        return None
    texts = []
    exact: list[str | None] | None = None
    for index, key in enumerate(SUMMARY_TEXT):
        text = entry.get(key, "")
        if text.__class__ is not str:
            return None
        # Server text is made safe here, once; clean text (nearly all) passes as is.
        if text.isprintable() or (cleaned := clean_text(text)) == text:
            texts.append(text)
        else:
            texts.append(cleaned)
            exact = exact or [None] * len(SUMMARY_TEXT)
            exact[index] = text
    flags = []
    for key, default in SUMMARY_FLAGS:
        flag = entry.get(key, default)
        if flag is not True and flag is not False:
            if flag == "1":
                flag = True
            elif flag == "0":
                flag = False
            else:
                return None
        flags.append(flag)
    # ``_make`` is the named tuple's documented constructor from an iterable.
    return ItemSummary._make((kind, identifier, *texts, *flags, exact and tuple(exact)))


#: What a flag of a plainly well-formed entry says (``summary_from_entry``'s reading).
_FLAG_VALUES: dict[bool | str, bool] = {True: True, False: False, "1": True, "0": False}


def _plain_identifier(value: Any) -> bool:
    return value.__class__ is str and value.isdigit()


def _plain_text(value: Any) -> bool:
    return value.__class__ is str and value.isprintable()


def _plain_flag(value: Any) -> bool:
    return value.__class__ is bool or (value.__class__ is str and value in ("0", "1"))


def _failing(values: list[Any], test: Callable[[Any], bool]) -> Iterator[int]:
    """The positions of ``values`` that fail ``test`` (a C function: no Python call
    a value)."""
    return compress(count(), map(not_, map(test, values)))


def plain_summaries(
    kind: Kind, entries: list[dict[str, Any]]
) -> tuple[list[ItemSummary], set[int]]:
    """Each entry's item read field by field over the whole list, and the positions
    of the entries that are not plainly well formed with clean text: their items
    here are wrong, and each of them must take ``summary_from_entry``'s way.

    For every other entry this gives exactly what ``summary_from_entry`` gives, with
    each step one pass in C where it can be (the types present in a field, the
    text's printability, the identifiers' digits) instead of ten Python steps an
    entry. Every entry must be a dict.
    """
    odd: set[int] = set()
    identifiers = [entry.get("identifier") for entry in entries]
    if set(map(type, identifiers)) == {str}:
        odd.update(_failing(identifiers, str.isdigit))
    else:  # numbers, nulls, nothing: the model's to read
        odd.update(i for i, value in enumerate(identifiers) if not _plain_identifier(value))
    columns: list[list[Any]] = [identifiers]
    for key in SUMMARY_TEXT:
        texts = [entry.get(key, "") for entry in entries]
        if set(map(type, texts)) <= {str}:
            # Printable as a whole if and only if each one is (nearly always).
            if not "".join(texts).isprintable():
                odd.update(_failing(texts, str.isprintable))
        else:
            odd.update(i for i, value in enumerate(texts) if not _plain_text(value))
        columns.append(texts)
    for key, default in SUMMARY_FLAGS:
        flags = [entry.get(key, default) for entry in entries]
        spelled = set(map(type, flags))
        if spelled == {bool}:
            pass
        elif spelled <= {bool, str} and set(flags) <= _FLAG_VALUES.keys():
            # The types first: 1 and 1.0 equal True (and are the model's to read).
            flags = list(map(_FLAG_VALUES.__getitem__, flags))
        else:
            odd.update(i for i, value in enumerate(flags) if not _plain_flag(value))
            flags = [_FLAG_VALUES[flag] if _plain_flag(flag) else False for flag in flags]
        columns.append(flags)
    # Each named tuple built as ``_make`` builds it, without a Python call an item.
    build = partial(tuple.__new__, ItemSummary)
    return list(map(build, zip(repeat(kind), *columns, repeat(None)))), odd


# -- plain results --------------------------------------------------------------------


class ItemRef(NamedTuple):
    """What a batch needs to know about an item: which it is and what to call it."""

    kind: Kind
    identifier: str
    name: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """What tells two items apart: kind and identifier (the name may differ)."""
        return (self.kind.value, self.identifier)


def unique_refs(refs: Iterable[ItemRef]) -> list[ItemRef]:
    """``refs`` without repeats (the first of each kind and identifier), in order: the
    one dedupe of a batch, for the session's plan and the client's sending alike."""
    seen: set[tuple[str, str]] = set()
    unique: list[ItemRef] = []
    for ref in refs:
        if ref.key not in seen:
            seen.add(ref.key)
            unique.append(ref)
    return unique


class ItemList(NamedTuple):
    """A list answer. ``skipped`` counts entries too malformed to show."""

    kind: Kind
    items: list[ItemSummary]
    skipped: int = 0


class ActionResult(NamedTuple):
    """The server's answer to an activate or deactivate."""

    ref: ItemRef
    action: Action
    #: True when this request changed the state; False for "has already been ...".
    changed: bool
    #: The server's message, verbatim ("Password successfully deactivated").
    message: str
    status: int
    request_id: str | None = None
    #: How many requests it took (more than one after retries).
    attempts: int = 1
    #: "has already been ..." after an earlier attempt whose answer was lost or
    #: ambiguous (a 502, 504 or 500, a timeout, a dropped connection): that attempt
    #: may have done the change, or someone else did before it. Nobody can tell
    #: which, so it is uncertain: never "changed by us", never reversed unasked.
    after_lost_answer: bool = False
