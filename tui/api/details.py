"""Pydantic models of what MySafe returns about one item, parsed leniently.

The vendor docs disagree with themselves (ids as strings or numbers, flags as
"0"/"1" strings, ``note`` versus ``notes``, ``username`` versus ``name`` in shares),
so every field accepts each documented variant and normalises it. Secret values
(password, TOTP seed and code, client secret) are ``SecretStr``: their ``repr`` and
``str`` are masked, so they cannot leak through a log line or a traceback.

Imported when first needed (a fetched item, a list entry that is not plainly well
formed): building these models costs about 0.1 s, which the start need not pay.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)

from tui.api.models import SUMMARY_FLAGS, SUMMARY_TEXT, ItemSummary, Kind
from tui.base.safe_text import clean_text

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
    # Server text, cleaned on the way in (see ``tui.base.safe_text.clean_text``).
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


# -- list entries the quick path did not take ------------------------------------------


class ListEntry(_Lenient):
    """A list entry that ``summary_from_entry`` did not find plainly well formed:
    validated leniently, then turned into an :class:`ItemSummary` (``summary``).
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
    can_write: bool = True
    exact: tuple[str | None, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _nulls(cls, data: Any) -> Any:
        # ``data`` is the caller's copy of the entry (see ``responses.parse_list``).
        if isinstance(data, dict):
            # Server text is cleaned here, once (see ``tui.base.safe_text``); what
            # cleaning changed is kept as sent in ``exact``, for data outputs.
            exact: list[str | None] | None = None
            data.pop("exact", None)  # the server's: never taken as ours
            for index, key in enumerate(SUMMARY_TEXT):
                value = data.get(key)
                if value is None:
                    if key in data:
                        data[key] = ""
                elif value.__class__ is str and not value.isprintable():
                    cleaned = clean_text(value)
                    if cleaned != value:
                        data[key] = cleaned
                        exact = exact or [None] * len(SUMMARY_TEXT)
                        exact[index] = value
            if exact is not None:
                data["exact"] = tuple(exact)
            for key, _default in SUMMARY_FLAGS:
                if key in data and (data[key] is None or data[key] == ""):
                    data[key] = False
        return data

    def summary(self) -> ItemSummary:
        # By name, not by position: a field added to ItemSummary and not here fails
        # loudly instead of shifting every value after it.
        return ItemSummary._make(getattr(self, name) for name in ItemSummary._fields)


def validated_summary(kind: Kind, entry: dict[str, Any]) -> ItemSummary | None:
    """The item of a list entry the quick path left, or None when it is unusable."""
    try:
        return ListEntry.model_validate({**entry, "kind": kind}).summary()
    except ValidationError:
        return None


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


def validation_summary(error: ValidationError) -> str:
    """Which fields were wrong, never the values (they may be secrets)."""
    parts = []
    for item in error.errors(include_input=False, include_url=False)[:3]:
        where = ".".join(str(part) for part in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    more = error.error_count() - len(parts)
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def validated_detail(kind: Kind, raw: dict[str, Any]) -> ItemDetail:
    """The full item in an answer; ValueError saying which fields were wrong."""
    model = PasswordDetail if kind is Kind.PASSWORD else ApiSecretDetail
    try:
        return model.model_validate({**raw, "kind": kind})
    except ValidationError as exc:
        raise ValueError(validation_summary(exc)) from None
