"""Pydantic models of what MySafe returns, parsed leniently.

The vendor docs disagree with themselves (ids as strings or numbers, flags as
"0"/"1" strings, ``note`` versus ``notes``, ``username`` versus ``name`` in shares),
so every field accepts each documented variant and normalises it. Secret values
(password, TOTP seed and code, client secret) are ``SecretStr``: their ``repr`` and
``str`` are masked, so they cannot leak through a log line or a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)

from tui.safe_text import clean_text


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


class Action(StrEnum):
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"

    @property
    def path(self) -> str:
        return "active" if self is Action.ACTIVATE else "inactive"

    @property
    def past(self) -> str:
        return "activated" if self is Action.ACTIVATE else "deactivated"


# -- lenient scalar types --------------------------------------------------------------


def _identifier(value: Any) -> Any:
    # Identifiers are strings of digits in JSON, ints in some examples. bool is an
    # int subclass, so refuse it explicitly rather than turning True into "1".
    if isinstance(value, bool):
        raise ValueError("identifier must be a string or a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        value = value.strip()
        return value if value.isprintable() else clean_text(value)
    raise ValueError("identifier must be a non-empty string or a number")


def _text(value: Any) -> Any:
    # Server text, cleaned on the way in (see ``tui.safe_text.clean_text``).
    if isinstance(value, str):
        return clean_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _flag(value: Any) -> Any:
    # need_justify / need_approval are "0"/"1"; can_view / can_write are booleans
    # in the JSON and strings in the prose tables.
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes"):
            return True
        if lowered in ("0", "false", "no", ""):
            return False
    if value is None:
        return False
    raise ValueError("expected a flag: true/false or '0'/'1'")


def _optional_secret(value: Any) -> Any:
    # The TOTP code comes back as a bare number in one version.
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("expected a string")
    if isinstance(value, int | float):
        return str(value)
    return value


Identifier = Annotated[str, BeforeValidator(_identifier)]
Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
OptionalSecret = Annotated[SecretStr | None, BeforeValidator(_optional_secret)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)


# -- list items -----------------------------------------------------------------------


#: The text fields of a summary (``Identifier`` cleans the identifier itself).
_SUMMARY_TEXT = ("name", "url", "username", "tags", "identifier_code")
_SUMMARY_FLAGS = ("need_justify", "need_approval", "can_view", "can_write")


class ItemSummary(_Lenient):
    """One row of a list answer. API secret lists carry only id, name and flags.

    Lists can hold 100 000 entries, so this model leans on pydantic's own lax
    coercion ("0"/"1" and true/false for flags, numbers for text) and does the rest
    (nulls, empty flags) in one pre-pass per entry instead of a validator per field.
    """

    model_config = ConfigDict(
        extra="ignore", frozen=True, hide_input_in_errors=True, coerce_numbers_to_str=True
    )

    kind: Kind
    identifier: Identifier
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

    @model_validator(mode="before")
    @classmethod
    def _nulls(cls, data: Any) -> Any:
        # ``data`` is the caller's copy of the entry (see ``responses.parse_list``).
        if isinstance(data, dict):
            # Server text is cleaned here, once (see ``tui.safe_text``). This runs for
            # every entry of a 100 000-item list: ``isprintable`` is the quick test
            # that passes clean text, and only a doubtful value pays for the rest.
            for key in _SUMMARY_TEXT:
                value = data.get(key)
                if value is None:
                    if key in data:
                        data[key] = ""
                elif value.__class__ is str and not value.isprintable():
                    data[key] = clean_text(value)
            for key in _SUMMARY_FLAGS:
                if key in data and (data[key] is None or data[key] == ""):
                    data[key] = False
        return data

    @property
    def ref(self) -> ItemRef:
        return ItemRef(self.kind, self.identifier, self.name)

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


# -- full items -----------------------------------------------------------------------


class Share(_Lenient):
    """A user or group an item is shared with."""

    # Get answers say ``name`` for API secrets and ``username`` for passwords.
    name: Text = Field(default="", validation_alias=AliasChoices("username", "name"))
    can_edit: Flag = Field(default=False, validation_alias=AliasChoices("can_edit", "can_write"))


class PasswordDetail(_Lenient):
    """``password_entity``: a password fetched by id (an audited view in senhasegura)."""

    kind: Kind = Kind.PASSWORD
    identifier: Identifier
    name: Text = ""
    url: Text = ""
    username: Text = ""
    password: OptionalSecret = None
    secret_key: OptionalSecret = None
    token: OptionalSecret = None
    notes: Text = Field(default="", validation_alias=AliasChoices("notes", "note"))
    tags: Text = ""
    users_allowed: list[Share] = Field(default_factory=list)
    groups_allowed: list[Share] = Field(default_factory=list)


class ApiSecretDetail(_Lenient):
    """``api_secret_entity`` (or ``api_entity``): an API secret fetched by id."""

    kind: Kind = Kind.API_SECRET
    identifier: Identifier
    name: Text = ""
    url: Text = ""
    client_id: Text = ""
    client_secret: OptionalSecret = None
    identifier_code: Text = ""
    method: Text = ""
    tags: Text = ""
    notes: Text = Field(default="", validation_alias=AliasChoices("notes", "note"))
    users_allowed: list[Share] = Field(default_factory=list)
    groups_allowed: list[Share] = Field(default_factory=list)


ItemDetail = PasswordDetail | ApiSecretDetail


# -- plain results --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a batch needs to know about an item: which it is and what to call it."""

    kind: Kind
    identifier: str
    name: str = ""


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
    #: "has already been ..." after an earlier attempt whose answer was lost: that
    #: earlier attempt most likely did the change, so an undo should revert it.
    changed_by_lost_attempt: bool = False
