"""A small MySafe server the project never saw: asyncio streams, HTTP/1.1, keep-alive.

    python tests/benchmarks/plain_server.py [--port 0] [--passwords 1000] [--latency-ms 20]

Written from ``mysafe-api.md`` alone, independent of ``tui.simulator`` (it imports
nothing of the project), so that a batch measured against it owes nothing to the
simulator's own speed or shortcuts. It answers only what a client needs for a batch:

- ``POST /api/oauth2/token`` (form or JSON body, or Basic): a bearer token;
- ``GET /api/mysafe/password`` and ``/api/mysafe/secretapi``: every active item, all
  viewable and writable, in the current envelope;
- ``POST /api/mysafe/{password,secretapi}/{active,inactive}/{id}``: the success or
  the "has already been ..." message, state kept per item;
- anything else: Kong's 404 ``no Route matched with those values``.

Every request waits ``--latency-ms`` before its answer (an ``asyncio.sleep``: the
server's own CPU is not what is measured). It prints ``listening on http://HOST:PORT``
once it accepts connections, then serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import re
import secrets
import sys
from dataclasses import dataclass, field
from urllib.parse import parse_qs

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret-not-a-real-one"
ROUTE = re.compile(r"^/api/mysafe/(password|secretapi)(?:/(active|inactive)/([^/?]+))?/?(?:\?.*)?$")
NOUNS = {"password": "Password", "secretapi": "Api secret"}
LIST_KEYS = {"password": "password_on_list", "secretapi": "api_secret_on_list"}


def envelope(status: int, message: str) -> dict[str, object]:
    return {
        "code": status,
        "response": {
            "status": status,
            "message": message,
            "error": status >= 400,
            "error_code": 1 if status >= 400 else 0,
            "detail": "",
            "mensagem": message,
            "erro": status >= 400,
            "cod_erro": 1 if status >= 400 else 0,
        },
    }


@dataclass
class Store:
    """Items by kind: identifier -> active."""

    passwords: int
    secrets: int
    active: dict[str, dict[str, bool]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.active = {
            "password": {str(i): True for i in range(1, self.passwords + 1)},
            "secretapi": {str(i): True for i in range(1, self.secrets + 1)},
        }

    def listing(self, kind: str) -> dict[str, object]:
        entries: list[dict[str, object]] = []
        for identifier, active in self.active[kind].items():
            if not active:
                continue  # the list leaves inactive items out (mysafe-api.md, section 7)
            entry: dict[str, object] = {"identifier": identifier, "name": f"bench {identifier}"}
            if kind == "password":
                entry.update(url="bench.example", username=f"user{identifier}", tags="bench")
            entry.update(need_justify="0", need_approval="0", can_view=True, can_write=True)
            entries.append(entry)
        return {**envelope(200, ""), LIST_KEYS[kind]: entries}

    def set_active(self, kind: str, identifier: str, wanted: bool) -> tuple[int, object]:
        noun = NOUNS[kind]
        if not identifier.isdigit():
            return 400, {**envelope(400, "1010: Unexpected identifier type"), "exception": {}}
        items = self.active[kind]
        if identifier not in items:
            message = f"1005: {noun} not found"
            return 400, {
                **envelope(400, message),
                "exception": {"code": 1005, "message": message, "detail": None},
            }
        verb = "activated" if wanted else "deactivated"
        if items[identifier] == wanted:
            return 200, envelope(200, f"{noun} has already been {verb}")
        items[identifier] = wanted
        return 200, envelope(200, f"{noun} successfully {verb}")


def token_granted(headers: dict[str, str], body: bytes) -> bool:
    """Client credentials in a form or JSON body, or as Basic (section 2.2)."""
    fields: dict[str, str] = {}
    if body.lstrip().startswith(b"{"):
        fields = {k: str(v) for k, v in json.loads(body).items()}
    else:
        fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    basic = headers.get("authorization", "")
    if basic.lower().startswith("basic "):
        user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
        fields.setdefault("client_id", user)
        fields.setdefault("client_secret", password)
    return (
        fields.get("grant_type") == "client_credentials"
        and fields.get("client_id") == CLIENT_ID
        and fields.get("client_secret") == CLIENT_SECRET
    )


async def answer(
    store: Store, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, object]:
    if path.split("?")[0] == "/api/oauth2/token":
        if not token_granted(headers, body):
            return 401, {"error": "invalid_client", "message": "Client authentication failed"}
        token = secrets.token_hex(16)
        store.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": token}
    route = ROUTE.match(path)
    if route is None:
        return 404, {"message": "no Route matched with those values"}
    bearer = headers.get("authorization", "")
    if not bearer.startswith("Bearer ") or bearer[7:] not in store.tokens:
        return 401, {"message": "You are not authorized to access this resource."}
    kind, verb, identifier = route.groups()
    if verb is None and method == "GET":
        return 200, store.listing(kind)
    if verb is not None and method == "POST":
        return store.set_active(kind, identifier, verb == "active")
    return 404, {"message": "no Route matched with those values"}


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


async def serve_connection(
    store: Store, latency: float, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """One keep-alive connection: requests in order, each answered after ``latency``."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _version = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            body = await reader.readexactly(length) if length else b""
            await asyncio.sleep(latency)
            status, payload = await answer(store, method, target, headers, body)
            data = json.dumps(payload).encode()
            closing = headers.get("connection", "").lower() == "close"
            writer.write(
                f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n"
                f"Connection: {'close' if closing else 'keep-alive'}\r\n\r\n".encode()
                + data
            )
            await writer.drain()
            if closing:
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass  # the client closed the connection: the usual end of a keep-alive one
    finally:
        writer.close()


async def main_async(host: str, port: int, passwords: int, secrets_: int, latency: float) -> None:
    store = Store(passwords, secrets_)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(store, latency, reader, writer)

    server = await asyncio.start_server(handle, host, port, backlog=256)
    bound = server.sockets[0].getsockname()
    print(f"listening on http://{bound[0]}:{bound[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--passwords", type=int, default=1000)
    parser.add_argument("--api-secrets", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    try:
        asyncio.run(
            main_async(
                args.host, args.port, args.passwords, args.api_secrets, args.latency_ms / 1000
            )
        )
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
