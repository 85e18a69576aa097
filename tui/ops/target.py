"""The vault a batch was made on: where its requests went, and as whom.

A batch belongs to its vault. Resume, retry and undo of a batch act only on the
server it was made on, with the same tenant and access key; anything else is
refused, naming both. The target is normalised so that one server written two
ways (``HTTPS://Vault.example.com:443/`` and ``https://vault.example.com``) is one
target. It never holds a secret: the access key's client id only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from tui.api import ClientSettings
from tui.api.identity import ServerSpelling


class Target(NamedTuple):
    """Scheme, host, port, base path, tenant and access key: one vault, one identity."""

    scheme: str
    host: str
    port: int
    path: str = ""
    tenant: str = ""
    client_id: str = ""

    @classmethod
    def of_url(cls, url: str, *, tenant: str | None = None, client_id: str = "") -> Target:
        """The target behind a base URL (``ValueError`` if it is not one), taken apart
        as the guards take a server apart (``tui.api.identity``)."""
        spelling = ServerSpelling.of(url, tenant)
        if spelling is None:
            raise ValueError(f"{url!r} is not an http(s) URL with a host")
        return cls(
            scheme=spelling.scheme,
            host=spelling.host,
            port=spelling.port,
            path=spelling.path,
            tenant=spelling.tenant,
            client_id=client_id.strip(),
        )

    @classmethod
    def of_settings(cls, settings: ClientSettings) -> Target:
        return cls.of_url(settings.base_url, tenant=settings.tenant, client_id=settings.client_id)

    @classmethod
    def from_record(cls, value: object) -> Target | None:
        """The target a journal record carries; None when absent or malformed."""
        if not isinstance(value, Mapping):
            return None
        try:
            port = value["port"]
            if not isinstance(port, int) or isinstance(port, bool):
                return None
            fields = [value[name] for name in ("scheme", "host", "path", "tenant", "client_id")]
        except KeyError:
            return None
        if not all(isinstance(text, str) for text in fields):
            return None
        scheme, host, path, tenant, client_id = fields
        return cls(scheme, host, port, path, tenant, client_id)

    def as_record(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "host": self.host,
            "port": self.port,
            "path": self.path,
            "tenant": self.tenant,
            "client_id": self.client_id,
        }

    @property
    def url(self) -> str:
        """The server part: ``https://vault.example.com:8443/base`` (port always shown)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path}"

    @property
    def server(self) -> tuple[str, str, int, str]:
        """Where requests go, without the identity they are sent as."""
        return (self.scheme, self.host, self.port, self.path)

    def describe(self) -> str:
        """One line for people: the URL, then the tenant and the access key."""
        parts = [f"tenant {self.tenant}"] if self.tenant else []
        if self.client_id:
            parts.append(f"key {self.client_id}")
        return self.url + (f" ({', '.join(parts)})" if parts else "")

    def __str__(self) -> str:
        return self.describe()


def describe(target: Target | None) -> str:
    """A target for people, or "target unknown" for batches recorded before targets."""
    return target.describe() if target is not None else "target unknown"
