"""The shape of senhasegura's answers: the JSON envelope, application errors, and
the list and entity objects built from an :class:`Item`.

Filter matching is undocumented by the vendor; here every list filter is a
case-insensitive substring match (``tag`` matches any one of the item's tags).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring_ascii
from typing import Any

from tui.simulator import kong
from tui.simulator.data import Flags, Item
from tui.simulator.messages import SimResponse


def json_response(status: int, payload: Any, request_id: str) -> SimResponse:
    """``payload`` as JSON, with the headers Kong adds to every answer."""
    return json_answer(status, json_body(payload), request_id)


def json_body(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        # A lone surrogate in a name: a real server sends it as a \ud800 escape.
        return json.dumps(payload).encode()


def json_answer(status: int, body: bytes, request_id: str) -> SimResponse:
    """A JSON ``body`` already encoded, with the headers Kong adds to every answer."""
    return SimResponse(
        status,
        {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "Via": f"1.1 kong/{kong.KONG_VERSION}",
            "X-Kong-Request-Id": request_id,
            "X-Request-Id": request_id,
        },
        body,
    )


def envelope(status: int, message: str, error: bool = False) -> dict[str, Any]:
    return {
        "code": status,
        "response": {
            "status": status,
            "message": message,
            "error": error,
            "error_code": 1 if error else 0,
            "detail": "",
            "mensagem": message,
            "erro": error,
            "cod_erro": 1 if error else 0,
        },
    }


def app_error(message: str, request_id: str, status: int = 400) -> SimResponse:
    """senhasegura refusing a request; ``message`` starts with its code ("1005: ...")."""
    payload = envelope(status, message, error=True)
    code = int(message[:4]) if message[:4].isdigit() else status
    payload["exception"] = {"code": code, "message": message, "detail": None}
    return json_response(status, payload, request_id)


#: A JSON string in C, non-ASCII written as ``\u`` escapes (as PHP's json_encode
#: writes them; a lone surrogate too).
_quote = encode_basestring_ascii


@functools.cache  # sixteen of them
def _flags_json(flags: Flags) -> str:
    justify, approval, view, write = flags
    return (
        f'"need_justify": "{int(justify)}", "need_approval": "{int(approval)}", '
        f'"can_view": {"true" if view else "false"}, "can_write": {"true" if write else "false"}'
    )


def password_entry(
    identifier: str, name: str, url: str, username: str, tags: str, flags: Flags
) -> str:
    """A password's entry in a list, as JSON text (lists are written as text: at
    100 000 items, building dicts to encode them took as long again)."""
    return (
        f'{{"identifier": {_quote(identifier)}, "name": {_quote(name)}, "url": {_quote(url)}, '
        f'"username": {_quote(username)}, "tags": {_quote(tags)}, {_flags_json(flags)}}}'
    )


def api_secret_entry(identifier: str, name: str, flags: Flags) -> str:
    """An API secret's entry in a list, as JSON text."""
    return f'{{"identifier": {_quote(identifier)}, "name": {_quote(name)}, {_flags_json(flags)}}}'


def entry_json(item: Item) -> str:
    """``item``'s entry in a list, as JSON text."""
    flags = Flags(item.need_justify, item.need_approval, item.can_view, item.can_write)
    if item.kind == "password":
        return password_entry(item.identifier, item.name, item.url, item.username, item.tags, flags)
    return api_secret_entry(item.identifier, item.name, flags)


def list_entry(item: Item) -> dict[str, Any]:
    """``item``'s entry in a list, decoded."""
    entry: dict[str, Any] = json.loads(entry_json(item))
    return entry


def list_body(list_key: str, entries: Iterable[str]) -> bytes:
    """A list answer's body around its entries' JSON texts."""
    head = json.dumps(envelope(200, ""))
    return f"{head[:-1]}, {_quote(list_key)}: [{', '.join(entries)}]}}".encode()


def entity(item: Item) -> dict[str, Any]:
    if item.kind == "password":
        return {
            "identifier": item.identifier,
            "name": item.name,
            "url": item.url,
            "username": item.username,
            "password": item.password,
            "secret_key": item.secret_key,
            "token": item.token,
            "notes": item.notes,
            "tags": item.tags,
            "users_allowed": item.users_allowed,
            "groups_allowed": item.groups_allowed,
        }
    return {
        "identifier": item.identifier,
        "name": item.name,
        "url": item.url,
        "client_secret": item.client_secret,
        "client_id": item.client_id,
        "identifier_code": item.identifier_code,
        "method": item.method,
        "tags": item.tags,
        "notes": item.notes,
        "users_allowed": item.users_allowed,
        "groups_allowed": item.groups_allowed,
    }


def matches(item: Item, filters: Mapping[str, str]) -> bool:
    """True when ``item`` passes every list filter."""
    for key, wanted in filters.items():
        wanted = wanted.lower()
        if key == "tag":
            if not any(wanted in tag.strip().lower() for tag in item.tags.split(",")):
                return False
        elif wanted not in str(getattr(item, key)).lower():
            return False
    return True
