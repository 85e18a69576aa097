"""The simulated senhasegura: routes, envelope, tokens and state, with no sockets.

Both adapters (the in-process httpx transport and the loopback HTTP server) turn
their requests into :class:`SimRequest` and act on the :class:`Reply` that
:meth:`Simulator.handle` returns: send ``response`` after ``delay`` seconds (its body
piece by piece when it has ``pieces``), or drop the connection when ``response`` is
None. The OAuth2 endpoint is in
:mod:`~tui.simulator.oauth`, the shape of the answers in :mod:`~tui.simulator.envelope`.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from typing import Any, ClassVar

from tui.base.gc_pause import paused_gc
from tui.simulator import kong
from tui.simulator.bodies import misbehaving
from tui.simulator.catalogue import Catalogue, demo_catalogues
from tui.simulator.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SimulatorConfig
from tui.simulator.data import Item
from tui.simulator.envelope import (
    app_error,
    entity,
    envelope,
    json_answer,
    json_response,
    list_body,
    matches,
)
from tui.simulator.faults import BODY_FAULTS, FAULT_NAMES, FaultConfig, FaultInjector, ScriptedFault
from tui.simulator.messages import Reply, SimRequest, SimResponse
from tui.simulator.oauth import authorised, issue_token
from tui.simulator.ratelimit import MESSAGE as RATE_LIMITED
from tui.simulator.ratelimit import RateLimiter

# Re-exported: the configuration lived here, and ``tui.simulator`` and its
# ``simulate`` command import it from this module.
__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "Simulator", "SimulatorConfig"]

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


#: Faults answered with an error status before the upstream saw the request.
_UNAPPLIED_STATUS = {
    "500": 500,
    "502": 502,
    "503": 503,
    "504-unapplied": 504,
    "hang-unapplied": 504,
}
#: Faults answered with an error status after the upstream applied the request.
_APPLIED_STATUS = {"504": 504, "500-applied": 500, "502-applied": 502}


class Simulator:
    """A senhasegura MySafe that lives in memory. State changes are real."""

    LIST_FILTERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "password": ("tag", "name", "username", "url"),
        "api_secret": ("tag", "identifier_code"),
    }

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.config.faults.validate()
        self._items: dict[str, Catalogue] = {"password": Catalogue(), "api_secret": Catalogue()}
        self._next_id = 1
        #: Unfiltered list answers encoded in advance, by kind (see ``_build``).
        self._encoded: dict[str, bytes] = {}
        self._built = threading.Event()
        self._build_error: BaseException | None = None
        self._tokens: dict[str, float] = {}
        self.injector = FaultInjector(self.config.faults)
        self.rate_limiter = RateLimiter(self.config.faults, self.config.clock)
        #: (method, path, status or "drop") of every request, for tests to read.
        self.request_log: list[tuple[str, str, int | str]] = []
        #: (kind, identifier, active, request id) of every write that changed an
        #: item's state: who really made each change (``set_active`` is not here).
        self.changes: list[tuple[str, str, bool, str]] = []
        self.base_url = NOMINAL_BASE_URL
        self._requests = 0
        # 100 000 demo items take a second to list and encode: a thread does it,
        # so whoever built the simulator (the console, before its first frame) does
        # not wait; requests and the methods below wait for it (``_ready``).
        threading.Thread(target=self._build, name="simulator-data", daemon=True).start()

    def _build(self) -> None:
        try:
            # Hundreds of thousands of objects that all live on: collections would
            # walk them again and again and free nothing (0.45 s of 200 000 items).
            with paused_gc():
                self._items, self._next_id = demo_catalogues(
                    self.config.seed, self.config.passwords, self.config.api_secrets
                )
                for kind in self._items:
                    self._encoded[kind] = self._list_body(kind, {})
        except BaseException as exc:  # re-raised where the data is wanted
            self._build_error = exc
        finally:
            self._built.set()

    def _ready(self) -> None:
        """Wait for the data; from here on the caller may change it, so the lists
        encoded in advance no longer stand."""
        self._built.wait()
        if self._build_error is not None:
            raise self._build_error
        self._encoded.clear()

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
        """Queue faults for the next requests to ``routes`` ("api", "write", "token" or "any")."""
        for name in faults:
            if name not in FAULT_NAMES:
                raise ValueError(f"unknown fault {name!r}; use one of {', '.join(FAULT_NAMES)}")
            self.injector.queue.append(ScriptedFault(name, routes))

    def expire_tokens(self) -> None:
        self._tokens.clear()

    def items(self, kind: str) -> list[Item]:
        self._ready()
        return list(self._items[kind].values())

    def identifiers(self, kind: str) -> list[str]:
        """The identifiers of ``kind``, in order, without making any item."""
        self._ready()
        return list(self._items[kind])

    def get(self, kind: str, identifier: str) -> Item:
        self._ready()
        return self._items[kind][identifier]

    def is_active(self, kind: str, identifier: str) -> bool:
        self._ready()
        return self._items[kind][identifier].active

    def set_active(self, kind: str, identifier: str, active: bool) -> None:
        self._ready()
        self._items[kind][identifier].active = active

    def delete(self, kind: str, identifier: str) -> None:
        """The item deleted on the server (as by another user): from now on 1005."""
        self._ready()
        del self._items[kind][identifier]

    def add_item(self, kind: str, **fields: Any) -> str:
        self._ready()
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
        if not self._built.is_set():
            await asyncio.to_thread(self._built.wait)
        if self._build_error is not None:
            raise self._build_error
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
        limits: dict[str, str] = {}
        if route == "api" and self.rate_limiter.active:
            # Kong's plugin answers before anything else happens to the request.
            verdict = self.rate_limiter.check()
            limits = verdict.headers
            if verdict.refused:
                limited = self._kong(429, RATE_LIMITED, request_id, accept)
                limited.headers.update(limits)
                self.request_log.append((request.method, path, 429))
                return Reply(limited, self.config.faults.latency)
        write = route == "api" and request.method in ("POST", "PUT")
        plan = self.injector.plan(route, write=write)
        fault = plan.fault
        response: SimResponse | None
        if fault in _UNAPPLIED_STATUS:
            # The upstream never saw it (a hang answers late, past any timeout).
            response = self._gateway_error(_UNAPPLIED_STATUS[fault], request_id, accept)
        elif fault == "drop":
            response = None
        elif fault == "401":
            response = json_response(401, {"message": NOT_AUTHORIZED}, request_id)
        else:
            response = self._route(request, path, request_id, accept)
            if fault in _APPLIED_STATUS:
                # Applied upstream; Kong gave up waiting (504), the upstream failed
                # writing its answer (500), or its answer was garbled (502).
                response = self._gateway_error(_APPLIED_STATUS[fault], request_id, accept)
            elif fault == "lost":
                response = None
            elif fault in BODY_FAULTS:
                # Applied, and answered with a body that may never arrive whole.
                response = misbehaving(fault, response, self.config.faults.trickle)
        if response is not None and limits:
            response.headers.update(limits)
        logged: int | str = response.status if response else "drop"
        if fault in ("hang", "hang-unapplied") or fault in BODY_FAULTS:
            logged = f"{fault} {logged}"  # answered late or never whole
        self.request_log.append((request.method, path, logged))
        return Reply(response, plan.delay)

    def _gateway_error(self, status: int, request_id: str, accept: str) -> SimResponse:
        if status == 500 and not self.config.faults.kong_500:
            return json_response(500, envelope(500, "Unexpected error.", error=True), request_id)
        return self._kong(status, kong.message_for(status), request_id, accept)

    def _kong(self, status: int, message: str, request_id: str, accept: str) -> SimResponse:
        content_type, body = kong.body(message, request_id, accept)
        return SimResponse(status, kong.headers(content_type, request_id, len(body)), body)

    def _route(self, request: SimRequest, path: str, request_id: str, accept: str) -> SimResponse:
        method = request.method
        if _TOKEN_ROUTE.match(path) and method in ("POST", "GET"):
            return issue_token(request, request_id, self.config, self._tokens)
        match_list = _LIST_ROUTE.match(path)
        match_get = _GET_ROUTE.match(path)
        match_write = _WRITE_ROUTE.match(path)
        if ((match_list or match_get) and method == "GET") or (match_write and method == "POST"):
            if not authorised(request, self._tokens, self.config.clock):
                if self.config.auth_failure_as_no_route:
                    return self._kong(404, kong.NO_ROUTE, request_id, accept)
                return json_response(401, {"message": NOT_AUTHORIZED}, request_id)
            if match_list:
                return self._list(KINDS[match_list.group(1)], request, request_id)
            if match_write:
                kind = KINDS[match_write.group(1)]
                active = match_write.group(2) == "active"
                return self._write(kind, match_write.group(3), active, request_id)
            assert match_get is not None
            return self._get(KINDS[match_get.group(1)], match_get.group(2), request_id)
        return self._kong(404, kong.NO_ROUTE, request_id, accept)

    # -- MySafe ---------------------------------------------------------------------

    def _list(self, kind: str, request: SimRequest, request_id: str) -> SimResponse:
        filters = {
            key: request.query[key][0]
            for key in self.LIST_FILTERS[kind]
            if request.query.get(key) and request.query[key][0]
        }
        # The answer encoded in advance stands until anything may have changed.
        body = self._encoded.get(kind) if not filters else None
        return json_answer(200, body or self._list_body(kind, filters), request_id)

    def _list_body(self, kind: str, filters: dict[str, str]) -> bytes:
        def wanted(item: Item) -> bool:
            return (
                item.can_view
                and (item.active or self.config.list_inactive)
                and (not filters or matches(item, filters))
            )

        # With no filter, an item never made (so never changed) is listed as it was
        # generated, without being made.
        entries = self._items[kind].entries(wanted, unchanged_too=not filters)
        return list_body(str(MESSAGES[kind]["list_key"]), entries)

    def _lookup(self, kind: str, identifier: str, request_id: str) -> Item | SimResponse:
        if not identifier:
            return app_error(str(MESSAGES[kind]["not_found"]), request_id)
        if not identifier.isdigit() or not identifier.isascii():
            return app_error(BAD_IDENTIFIER, request_id)
        item = self._items[kind].get(str(int(identifier)))
        if item is None:
            return app_error(str(MESSAGES[kind]["not_found"]), request_id)
        if not item.can_view:
            return app_error(NO_ACCESS, request_id)
        return item

    def _get(self, kind: str, identifier: str, request_id: str) -> SimResponse:
        item = self._lookup(kind, identifier, request_id)
        if isinstance(item, SimResponse):
            return item
        if not item.active:
            return app_error(str(MESSAGES[kind]["inactive"]), request_id)
        payload = envelope(200, "Success")
        payload[str(MESSAGES[kind]["entity_key"])] = entity(item)
        return json_response(200, payload, request_id)

    def _write(self, kind: str, identifier: str, active: bool, request_id: str) -> SimResponse:
        self._encoded.clear()
        item = self._lookup(kind, identifier, request_id)
        if isinstance(item, SimResponse):
            return item
        if not item.can_write:
            return app_error(NO_ACCESS, request_id)
        done, already = MESSAGES[kind]["active" if active else "inactive_ok"]
        message = already if item.active == active else done
        if item.active != active:
            self.changes.append((kind, identifier, active, request_id))
        item.active = active
        return json_response(200, envelope(200, str(message)), request_id)
