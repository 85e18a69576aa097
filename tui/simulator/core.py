"""The simulated senhasegura: routes, envelope, tokens and state, with no sockets.

Both adapters (the in-process httpx transport and the loopback HTTP server) turn
their requests into :class:`SimRequest` and act on the :class:`Reply` that
:meth:`Simulator.handle` returns: send ``response`` after ``delay`` seconds, or drop
the connection when ``response`` is None.

Filter matching is undocumented by the vendor; here every list filter is a
case-insensitive substring match (``tag`` matches any one of the item's tags).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

from tui.simulator import kong
from tui.simulator.data import Item, generate
from tui.simulator.faults import FAULT_NAMES, FaultConfig, FaultInjector, ScriptedFault

DEMO_CLIENT_ID = "mysafe-demo"
DEMO_CLIENT_SECRET = "demo-secret-not-for-production"
NOMINAL_BASE_URL = "https://mysafe.simulator.invalid"

NOT_AUTHORIZED = "You are not authorized to access this resource."
KINDS = {"password": "password", "secretapi": "api_secret"}

_TOKEN_ROUTE = re.compile(r"^/(?:api|iso)/oauth2/token$")
_LIST_ROUTE = re.compile(r"^/api/mysafe/(password|secretapi)$")
_GET_ROUTE = re.compile(r"^/api/mysafe/(password|secretapi)/([^/]+)$")
_WRITE_ROUTE = re.compile(r"^/api/mysafe/(password|secretapi)/(active|inactive)/([^/]*)$")

MESSAGES = {
    "password": {
        "not_found": "1005: Password not found",
        "inactive": "1009: Inactive password",
        "active": ("Password successfully activated", "Password has already been activated"),
        "inactive_ok": (
            "Password successfully deactivated",
            "Password has already been deactivated",
        ),
        "list_key": "password_on_list",
        "entity_key": "password_entity",
    },
    "api_secret": {
        "not_found": "1005: Api secret not found",
        "inactive": "1009: Inactive Api secret",
        "active": ("Api secret activated successfully", "Api secret has already been activated"),
        "inactive_ok": (
            "Api secret successfully deactivated",
            "Api secret has already been deactivated",
        ),
        "list_key": "api_secret_on_list",
        "entity_key": "api_secret_entity",
    },
}
NO_ACCESS = "1006: User does not have access"
BAD_IDENTIFIER = "1010: Unexpected identifier type"


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    host: str = ""

    @classmethod
    def from_target(
        cls, method: str, target: str, headers: Mapping[str, str], body: bytes, host: str = ""
    ) -> SimRequest:
        path, _, query = target.partition("?")
        return cls(method.upper(), path, parse_qs(query), headers, body, host)


@dataclass(frozen=True)
class SimResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """Send ``response`` after ``delay`` seconds; None means drop the connection."""

    response: SimResponse | None
    delay: float = 0.0


@dataclass
class SimulatorConfig:
    seed: int = 1
    passwords: int = 40
    api_secrets: int = 30
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    #: Seconds a token lives (``expires_in``).
    token_lifetime: float = 3600.0
    #: Lists include deactivated items (the vendor does not say; default: hidden).
    list_inactive: bool = False
    #: Answer a bad bearer token with Kong's 404 "no Route" instead of 401.
    auth_failure_as_no_route: bool = False
    #: Refuse token requests by IP address that carry no tenant (as the docs say).
    require_tenant_for_ip: bool = False
    faults: FaultConfig = field(default_factory=FaultConfig)
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> SimulatorConfig:
        """Credentials from MYSAFE_CLIENT_ID / MYSAFE_CLIENT_SECRET when both are set."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if env.get("MYSAFE_CLIENT_ID") and env.get("MYSAFE_CLIENT_SECRET"):
            values["client_id"] = env["MYSAFE_CLIENT_ID"]
            values["client_secret"] = env["MYSAFE_CLIENT_SECRET"]
        values.update(overrides)
        return cls(**values)


def _is_ip(host: str) -> bool:
    host = host.split(":")[0] if host.count(":") == 1 else host.strip("[]")
    return bool(re.fullmatch(r"[0-9.]+", host)) or ":" in host


def _json(status: int, payload: Any, request_id: str) -> SimResponse:
    body = json.dumps(payload, ensure_ascii=False).encode()
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


def _envelope(status: int, message: str, error: bool = False) -> dict[str, Any]:
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


def _app_error(message: str, request_id: str, status: int = 400) -> SimResponse:
    payload = _envelope(status, message, error=True)
    code = int(message[:4]) if message[:4].isdigit() else status
    payload["exception"] = {"code": code, "message": message, "detail": None}
    return _json(status, payload, request_id)


def _list_entry(item: Item) -> dict[str, Any]:
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


def _entity(item: Item) -> dict[str, Any]:
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


def _matches(item: Item, filters: Mapping[str, str]) -> bool:
    for key, wanted in filters.items():
        wanted = wanted.lower()
        if key == "tag":
            if not any(wanted in tag.strip().lower() for tag in item.tags.split(",")):
                return False
        elif wanted not in str(getattr(item, key)).lower():
            return False
    return True


class Simulator:
    """A senhasegura MySafe that lives in memory. State changes are real."""

    LIST_FILTERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "password": ("tag", "name", "username", "url"),
        "api_secret": ("tag", "identifier_code"),
    }

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.config.faults.validate()
        items, self._next_id = generate(
            self.config.seed, self.config.passwords, self.config.api_secrets
        )
        self._items: dict[str, dict[str, Item]] = {"password": {}, "api_secret": {}}
        for item in items:
            self._items[item.kind][item.identifier] = item
        self._tokens: dict[str, float] = {}
        self.injector = FaultInjector(self.config.faults)
        #: (method, path, status or "drop") of every request, for tests to read.
        self.request_log: list[tuple[str, str, int | str]] = []
        self.base_url = NOMINAL_BASE_URL
        self._requests = 0

    def _request_id(self) -> str:
        # Kong's ids are random; these are reproducible for the same seed, so that
        # screens showing them can be snapshot-tested.
        self._requests += 1
        seed = f"{self.config.seed}:{self._requests}".encode()
        return hashlib.blake2s(seed, digest_size=16).hexdigest()

    # -- test and demo controls -----------------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        return self.config.faults

    def inject(self, *faults: str, routes: str = "api") -> None:
        """Queue faults for the next requests to ``routes`` ("api", "token" or "any")."""
        for name in faults:
            if name not in FAULT_NAMES:
                raise ValueError(f"unknown fault {name!r}; use one of {', '.join(FAULT_NAMES)}")
            self.injector.queue.append(ScriptedFault(name, routes))

    def expire_tokens(self) -> None:
        self._tokens.clear()

    def items(self, kind: str) -> list[Item]:
        return list(self._items[kind].values())

    def get(self, kind: str, identifier: str) -> Item:
        return self._items[kind][identifier]

    def is_active(self, kind: str, identifier: str) -> bool:
        return self._items[kind][identifier].active

    def set_active(self, kind: str, identifier: str, active: bool) -> None:
        self._items[kind][identifier].active = active

    def add_item(self, kind: str, **fields: Any) -> str:
        identifier = str(self._next_id)
        self._next_id += 1
        fields.setdefault("name", f"item {identifier}")
        self._items[kind][identifier] = Item(kind=kind, identifier=identifier, **fields)
        return identifier

    def transport(self) -> Any:
        """An httpx transport that answers in-process, without a socket."""
        from tui.simulator.transport import SimulatorTransport

        return SimulatorTransport(self)

    # -- the gateway ----------------------------------------------------------------

    async def handle(self, request: SimRequest) -> Reply:
        path = re.sub(r"/{2,}", "/", request.path)
        if path.startswith("/iso/mysafe/"):
            path = "/api/mysafe/" + path[len("/iso/mysafe/") :]
        route = (
            "token"
            if _TOKEN_ROUTE.match(path)
            else "api"
            if path.startswith("/api/mysafe/")
            else "other"
        )
        request_id = self._request_id()
        accept = request.headers.get("accept", "")
        plan = self.injector.plan(route)
        fault = plan.fault
        response: SimResponse | None
        if fault in ("500", "502", "503"):
            response = self._gateway_error(int(fault), request_id, accept)
        elif fault == "drop":
            response = None
        elif fault == "401":
            response = _json(401, {"message": NOT_AUTHORIZED}, request_id)
        else:
            response = self._route(request, path, request_id, accept)
            if fault == "504":
                # Kong gave up waiting; the upstream carried on and applied it.
                response = self._gateway_error(504, request_id, accept)
            elif fault == "lost":
                response = None
        logged: int | str = response.status if response else "drop"
        if fault == "hang":
            logged = f"hang {logged}"  # answered late: a client may have given up
        self.request_log.append((request.method, path, logged))
        return Reply(response, plan.delay)

    def _gateway_error(self, status: int, request_id: str, accept: str) -> SimResponse:
        if status == 500 and not self.config.faults.kong_500:
            return _json(500, _envelope(500, "Unexpected error.", error=True), request_id)
        return self._kong(status, kong.message_for(status), request_id, accept)

    def _kong(self, status: int, message: str, request_id: str, accept: str) -> SimResponse:
        content_type, body = kong.body(message, request_id, accept)
        return SimResponse(status, kong.headers(content_type, request_id, len(body)), body)

    def _route(self, request: SimRequest, path: str, request_id: str, accept: str) -> SimResponse:
        method = request.method
        if _TOKEN_ROUTE.match(path) and method in ("POST", "GET"):
            return self._token(request, request_id)
        match_list = _LIST_ROUTE.match(path)
        match_get = _GET_ROUTE.match(path)
        match_write = _WRITE_ROUTE.match(path)
        if ((match_list or match_get) and method == "GET") or (match_write and method == "POST"):
            if not self._authorised(request):
                if self.config.auth_failure_as_no_route:
                    return self._kong(404, kong.NO_ROUTE, request_id, accept)
                return _json(401, {"message": NOT_AUTHORIZED}, request_id)
            if match_list:
                return self._list(KINDS[match_list.group(1)], request, request_id)
            if match_write:
                kind = KINDS[match_write.group(1)]
                active = match_write.group(2) == "active"
                return self._write(kind, match_write.group(3), active, request_id)
            assert match_get is not None
            return self._get(KINDS[match_get.group(1)], match_get.group(2), request_id)
        return self._kong(404, kong.NO_ROUTE, request_id, accept)

    # -- OAuth2 ---------------------------------------------------------------------

    def _token(self, request: SimRequest, request_id: str) -> SimResponse:
        params = self._token_params(request)
        if params is None:
            return _json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "The request body is malformed",
                    "message": "The request body is malformed",
                },
                request_id,
            )
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(basic[6:].strip(), validate=True).decode()
                basic_id, _, basic_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                basic_id = basic_secret = ""
            params.setdefault("client_id", basic_id)
            params.setdefault("client_secret", basic_secret)
        grant = params.get("grant_type", "")
        if not grant or not params.get("client_id") or not params.get("client_secret"):
            missing = [k for k in ("grant_type", "client_id", "client_secret") if not params.get(k)]
            text = f"The request is missing a required parameter: {missing[0]}"
            return _json(
                400,
                {"error": "invalid_request", "error_description": text, "message": text},
                request_id,
            )
        if grant != "client_credentials":
            text = "The authorization grant type is not supported by the authorization server."
            return _json(
                400,
                {"error": "unsupported_grant_type", "error_description": text, "message": text},
                request_id,
            )
        if self.config.require_tenant_for_ip and _is_ip(request.host) and not params.get("tenant"):
            text = "The tenant parameter is required when calling by IP address"
            return _json(
                400,
                {"error": "invalid_request", "error_description": text, "message": text},
                request_id,
            )
        if not (
            secrets.compare_digest(params["client_id"], self.config.client_id)
            and secrets.compare_digest(params["client_secret"], self.config.client_secret)
        ):
            text = "Client authentication failed"
            return _json(
                401,
                {"error": "invalid_client", "error_description": text, "message": text},
                request_id,
            )
        token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(32)
        lifetime = self.config.token_lifetime
        self._tokens[token] = self.config.clock() + lifetime
        expires_in = int(lifetime) if float(lifetime).is_integer() else lifetime
        return _json(
            200,
            {"token_type": "Bearer", "expires_in": expires_in, "access_token": token},
            request_id,
        )

    def _token_params(self, request: SimRequest) -> dict[str, str] | None:
        params = {k: v[0] for k, v in request.query.items() if v}
        body = request.body.strip()
        if not body:
            return params
        content_type = request.headers.get("content-type", "")
        try:
            if "json" in content_type or body.startswith(b"{"):
                data = json.loads(body)
                if not isinstance(data, dict):
                    return None
                params.update({str(k): str(v) for k, v in data.items() if isinstance(v, str | int)})
            else:
                form = parse_qs(body.decode(), keep_blank_values=True)
                params.update({k: v[0] for k, v in form.items()})
        except (ValueError, UnicodeDecodeError):
            return None
        return params

    def _authorised(self, request: SimRequest) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        expires = self._tokens.get(token.strip())
        if expires is None:
            return False
        if self.config.clock() >= expires:
            del self._tokens[token.strip()]
            return False
        return True

    # -- MySafe ---------------------------------------------------------------------

    def _list(self, kind: str, request: SimRequest, request_id: str) -> SimResponse:
        filters = {
            key: request.query[key][0]
            for key in self.LIST_FILTERS[kind]
            if request.query.get(key) and request.query[key][0]
        }
        entries = [
            _list_entry(item)
            for item in self._items[kind].values()
            if item.can_view
            and (item.active or self.config.list_inactive)
            and (not filters or _matches(item, filters))
        ]
        payload = _envelope(200, "")
        payload[str(MESSAGES[kind]["list_key"])] = entries
        return _json(200, payload, request_id)

    def _lookup(self, kind: str, identifier: str, request_id: str) -> Item | SimResponse:
        if not identifier:
            return _app_error(str(MESSAGES[kind]["not_found"]), request_id)
        if not identifier.isdigit() or not identifier.isascii():
            return _app_error(BAD_IDENTIFIER, request_id)
        item = self._items[kind].get(str(int(identifier)))
        if item is None:
            return _app_error(str(MESSAGES[kind]["not_found"]), request_id)
        if not item.can_view:
            return _app_error(NO_ACCESS, request_id)
        return item

    def _get(self, kind: str, identifier: str, request_id: str) -> SimResponse:
        item = self._lookup(kind, identifier, request_id)
        if isinstance(item, SimResponse):
            return item
        if not item.active:
            return _app_error(str(MESSAGES[kind]["inactive"]), request_id)
        payload = _envelope(200, "Success")
        payload[str(MESSAGES[kind]["entity_key"])] = _entity(item)
        return _json(200, payload, request_id)

    def _write(self, kind: str, identifier: str, active: bool, request_id: str) -> SimResponse:
        item = self._lookup(kind, identifier, request_id)
        if isinstance(item, SimResponse):
            return item
        if not item.can_write:
            return _app_error(NO_ACCESS, request_id)
        done, already = MESSAGES[kind]["active" if active else "inactive_ok"]
        message = already if item.active == active else done
        item.active = active
        return _json(200, _envelope(200, str(message)), request_id)
