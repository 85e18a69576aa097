"""Whether two base URLs reach the same senhasegura: one server, however it is spelt.

Guards belong to a server, not to a spelling of it. ``http://127.0.0.1:8443`` and
``http://localhost:8443`` are one server; so are a name and the address it
resolves to, and two names of one address (an alias). The exception is a
multi-tenant appliance: tenants share an address and are told apart by their
host name (``acme.vault.example`` and ``other.vault.example``) or by the
``tenant`` parameter, and another tenant is another server.

The rule, in order:

1. Scheme, port (default ports written or not) and base path must be equal.
2. Tenants given on both sides must be equal (any case).
3. Equal host names (any case, no final dot) are one server.
4. Two different *names* under one parent domain (``a.vault.example`` and
   ``b.vault.example``) are two tenants: two servers, whatever they resolve to.
5. Otherwise (an address and a name, two addresses, two unrelated names) they are
   one server when the addresses they resolve to meet.

Resolving asks the system's resolver (``/etc/hosts``, DNS) with a time bound.
When it fails, only rule 3 can match: a failing resolver never adds a server,
and the caller, which adds guards on a match, never loses one it had.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from functools import lru_cache
from typing import NamedTuple

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: How long one name may take to resolve before it counts as unresolved.
RESOLVE_SECONDS = 2.0


class ServerSpelling(NamedTuple):
    """A base URL taken apart: what the rule above compares."""

    scheme: str
    host: str
    port: int
    path: str
    tenant: str = ""

    @classmethod
    def of(cls, url: str, tenant: str | None = None) -> ServerSpelling | None:
        """None when ``url`` is not an http(s) URL with a host."""
        try:
            parsed = httpx.URL(url.strip())
            scheme, host, port = parsed.scheme.lower(), parsed.host, parsed.port
            path = parsed.path
        except (httpx.InvalidURL, UnicodeError, ValueError):
            # The host is decoded on first use (IDNA): a bad one raises only then.
            return None  # the URL's own check names what is wrong
        if scheme not in _DEFAULT_PORTS or not host:
            return None
        return cls(
            scheme,
            host.lower().rstrip("."),
            port or _DEFAULT_PORTS[scheme],
            path.rstrip("/"),
            (tenant or "").strip().lower(),
        )

    @property
    def is_address(self) -> bool:
        try:
            ipaddress.ip_address(self.host.strip("[]"))
        except ValueError:
            return False
        return True


def _parent(host: str) -> str | None:
    """``vault.example`` for ``acme.vault.example``; None for a name too short to
    hold a tenant label (``localhost``, ``example.com``)."""
    labels = host.split(".")
    return ".".join(labels[1:]) if len(labels) >= 3 else None


@lru_cache(maxsize=256)
def addresses(host: str, port: int) -> frozenset[str]:
    """The addresses ``host`` resolves to (empty when it does not, in time)."""
    literal = host.strip("[]")
    try:
        return frozenset({str(ipaddress.ip_address(literal))})
    except ValueError:
        pass
    found: list[frozenset[str]] = []

    def look_up() -> None:
        try:
            infos = socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return
        found.append(frozenset(str(info[4][0]) for info in infos))

    # getaddrinfo has no time-out of its own: a slow resolver must not hold the start.
    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(RESOLVE_SECONDS)
    return found[0] if found else frozenset()


def same_server(a: ServerSpelling, b: ServerSpelling) -> bool:
    """Whether ``a`` and ``b`` reach the same server (the module's rule)."""
    if (a.scheme, a.port, a.path) != (b.scheme, b.port, b.path):
        return False
    if a.tenant and b.tenant and a.tenant != b.tenant:
        return False
    if a.host == b.host:
        return True
    if not a.is_address and not b.is_address:
        parent = _parent(a.host)
        if parent is not None and parent == _parent(b.host):
            return False  # two tenants of one appliance
    return bool(addresses(a.host, a.port) & addresses(b.host, b.port))
