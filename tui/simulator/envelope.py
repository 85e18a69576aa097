"""The shape of senhasegura's answers: the JSON envelope, application errors, and
the list and entity objects built from an :class:`Item`.

Filter matching is undocumented by the vendor; here every list filter is a
case-insensitive substring match (``tag`` matches any one of the item's tags).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tui.simulator import kong
from tui.simulator.data import Item
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


def list_entry(item: Item) -> dict[str, Any]:
    flags = {
        "need_justify": "1" if item.need_justify else "0",
        "need_approval": "1" if item.need_approval else "0",
        "can_view": item.can_view,
        "can_write": item.can_write,
    }
    if item.kind == "password":
        return {
            "identifier": item.identifier,
            "name": item.name,
            "url": item.url,
            "username": item.username,
            "tags": item.tags,
            **flags,
        }
    return {"identifier": item.identifier, "name": item.name, **flags}


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
