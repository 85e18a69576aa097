"""Reading the server's answers: lists, tokens and refused bearer tokens.

Pure functions over an ``httpx.Response``; the client decides what to send and
when to retry, these decide what an answer says.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tui.api.auth import DEFAULT_LIFETIME
from tui.api.errors import AuthenticationError, UnexpectedResponseError
from tui.api.models import (
    ItemList,
    ItemSummary,
    Kind,
    plain_summaries,
    summary_from_entry,
)
from tui.api.parsing import (
    decode_json,
    error_from_response,
    find_key,
    looks_like_envelope,
    parse_success,
)
from tui.base.gc_pause import paused_gc


def response_parts(response: httpx.Response) -> tuple[int, httpx.Headers, bytes]:
    return response.status_code, response.headers, response.content


def parse_list(kind: Kind, response: httpx.Response) -> ItemList:
    """The items of a list answer; malformed entries are counted, not fatal."""
    with paused_gc():  # decoding builds as many objects as the items do
        body, _message, request_id = parse_success(*response_parts(response))
    found, raw = find_key(body, kind.list_keys)
    if not found and not looks_like_envelope(body):
        raise UnexpectedResponseError(
            f"the {kind.noun} list answer has no {kind.list_keys[0]}",
            status=response.status_code,
            request_id=request_id,
        )
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise UnexpectedResponseError(
            f"{kind.list_keys[0]} is not a list",
            status=response.status_code,
            request_id=request_id,
        )
    return ItemList(kind, *summaries(kind, raw))


def summaries(kind: Kind, entries: list[Any]) -> tuple[list[ItemSummary], int]:
    """The items of a list's entries, and how many entries were too malformed to use.

    The entries are read field by field over the whole list (``plain_summaries``);
    one that is not plainly well formed with clean text is read on its own
    (``summary_from_entry``, which makes its text safe) or, failing that, validated
    by the lenient model, which normalises it or refuses it (counted, never fatal).
    """
    with paused_gc():
        if set(map(type, entries)) <= {dict}:
            items, odd = plain_summaries(kind, entries)
        else:  # a broken answer: every entry on its own
            items, odd = [], set(range(len(entries)))
        if not odd:
            return items, 0
        own: dict[int, ItemSummary | None] = {}
        for index in sorted(odd):
            own[index] = one_summary(kind, entries[index])
        if not items:
            kept = [item for item in own.values() if item is not None]
        else:
            for index, item in own.items():
                if item is not None:
                    items[index] = item
            skipping = {index for index, item in own.items() if item is None}
            if skipping:
                items = [item for index, item in enumerate(items) if index not in skipping]
            kept = items
    return kept, len(entries) - len(kept)


def one_summary(kind: Kind, entry: Any) -> ItemSummary | None:
    """The item of one entry read on its own, or None when it is too malformed."""
    if not isinstance(entry, dict):
        return None
    item = summary_from_entry(kind, entry)
    if item is None:
        # Rare: the models are built on first use.
        from tui.api.details import validated_summary

        item = validated_summary(kind, entry)
    return item


#: RFC 7235's token68: what a bearer token may be (a JWT is).
TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def parse_token(response: httpx.Response) -> tuple[str, float]:
    """The bearer token and its lifetime in seconds from a token endpoint answer."""
    status, headers, content = response_parts(response)
    body = decode_json(content)
    if not 200 <= status < 300:
        raise error_from_response(status, headers, content, token_endpoint=True)
    if not isinstance(body, dict):
        raise UnexpectedResponseError(
            "the token endpoint answered with something that is not a JSON object",
            status=status,
        )
    token = body.get("access_token")
    if not isinstance(token, str) or not token.strip():
        raise AuthenticationError(
            "the token endpoint answered without an access token", status=status
        )
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise UnexpectedResponseError("the token endpoint offered a token that is not Bearer")
    if not TOKEN68.fullmatch(token.strip()):
        # It goes into an Authorization header, which takes token68 text only (RFC 7235
        # 2.1, RFC 6750 2.1). Never quoted here: a token is a secret.
        raise UnexpectedResponseError(
            "the token endpoint offered an access token that is not token68 text "
            "(letters, digits, -._~+/ and trailing =)",
            status=status,
        )
    return token.strip(), _lifetime(body.get("expires_in"))


def refused_token(response: httpx.Response) -> bool:
    """True when the API refused the bearer token (worth one fresh token)."""
    if response.status_code == 401:
        return True
    return response.status_code in (400, 403) and b"not authorized" in response.content.lower()


def _lifetime(value: Any) -> float:
    if isinstance(value, bool):
        return DEFAULT_LIFETIME
    if isinstance(value, int | float) and value > 0:
        return float(value)
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            return DEFAULT_LIFETIME
        return seconds if seconds > 0 else DEFAULT_LIFETIME
    return DEFAULT_LIFETIME
