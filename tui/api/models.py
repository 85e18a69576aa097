"""What MySafe's answers become: kinds, actions, list items and results, as plain data.

A list holds up to 100 000 items and is read on every start, so its items are
built straight from the decoded JSON (``summary_from_entry``) and only an entry
that is not plainly well formed goes through the lenient pydantic model
(:mod:`tui.api.details`, which also holds the full items: a fetch is one item).
Nothing here imports pydantic, so the console starts without building its models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
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


# -- plain results --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemRef:
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


@dataclass(frozen=True, slots=True)
class ItemList:
    """A list answer. ``skipped`` counts entries too malformed to show."""

    kind: Kind
    items: list[ItemSummary]
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class ActionResult:
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
