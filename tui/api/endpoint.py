"""Where the client connects and how: base URL normalisation and TLS settings."""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from tui.api.errors import ConfigurationError


def is_loopback(host: str) -> bool:
    """True for exactly ``localhost`` and literal loopback addresses (127.0.0.0/8, ::1).

    Other names under ``.localhost`` are not trusted: RFC 6761 only asks resolvers to
    keep them local, and a resolver or ``/etc/hosts`` may send them anywhere.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def normalise_base_url(raw: str, *, insecure: bool = False) -> str:
    """A clean base URL without a trailing slash, or a one-line ConfigurationError.

    The vendor docs write ``{{url}}`` both with and without a trailing slash; either
    works here. Plain ``http://`` is refused for anything but loopback unless the
    operator explicitly asked for ``insecure``: a token and secrets would cross the
    network in clear.
    """
    text = raw.strip()
    if not text:
        raise ConfigurationError("the server URL is empty")
    if "://" not in text:
        raise ConfigurationError(
            f"the server URL {text!r} has no scheme; write it as https://{text}"
        )
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"the server URL {text!r} is not valid: {exc}") from None
    if url.scheme not in ("http", "https"):
        raise ConfigurationError(f"the server URL must start with https:// (got {url.scheme}://)")
    if not url.host:
        raise ConfigurationError(f"the server URL {text!r} has no host")
    if url.query or url.fragment:
        raise ConfigurationError(f"the server URL {text!r} must not carry a query or fragment")
    if url.scheme == "http" and not insecure and not is_loopback(url.host):
        raise ConfigurationError(
            f"refusing plain http:// to {url.host}: credentials would cross the network "
            "unencrypted; use https://, or set insecure if you really mean it"
        )
    path = url.path.rstrip("/")
    port = f":{url.port}" if url.port else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}{path}"


@dataclass(frozen=True, slots=True)
class TLSSettings:
    """Certificate verification: on by default, a CA bundle, or explicitly off."""

    ca_bundle: Path | None = None
    insecure: bool = False

    def verify(self) -> ssl.SSLContext | bool:
        if self.insecure:
            return False
        if self.ca_bundle is not None:
            path = self.ca_bundle.expanduser()
            if not path.is_file():
                raise ConfigurationError(f"the CA bundle {str(path)!r} does not exist")
            try:
                return ssl.create_default_context(cafile=str(path))
            except (ssl.SSLError, OSError) as exc:
                raise ConfigurationError(
                    f"the CA bundle {str(path)!r} could not be loaded: {exc}"
                ) from None
        return ssl.create_default_context()
