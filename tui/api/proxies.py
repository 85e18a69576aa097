"""The proxy variables httpx reads from the environment, checked before anything is sent.

The client's httpx clients trust the environment (an operator behind a corporate
proxy sets ``HTTPS_PROXY``). httpx reads ``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY`` and ``NO_PROXY`` in any case (through ``urllib.request.getproxies``)
when the client is built, and a value it cannot parse ends in a traceback then, or
in a misleading connection error later. Here each is checked as httpx would read
it, and a bad one is a one-line :class:`ConfigurationError` naming the variable.
A proxy's value is never quoted: it may carry a user name and password.
"""

from __future__ import annotations

import importlib.util
import ipaddress
from collections.abc import Mapping

import httpx

from tui.api.endpoint import shown, url_problem
from tui.api.errors import ConfigurationError

#: The proxies httpx honours (``FOO_PROXY`` is read by urllib but not used).
PROXY_NAMES = ("https_proxy", "http_proxy", "all_proxy")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def proxy_problem(value: str) -> str | None:
    """What is wrong with a proxy variable's value as httpx would use it, or None."""
    url = value if "://" in value else f"http://{value}"  # as httpx completes it
    scheme = url.split("://", 1)[0].lower()
    if scheme not in PROXY_SCHEMES:
        return (
            f"its scheme {shown(scheme[:20])} is not one a proxy can have "
            f"({', '.join(PROXY_SCHEMES)})"
        )
    problem = url_problem(url, userinfo=True)
    if problem:
        return problem
    if scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        return "a SOCKS proxy needs the socksio package (pip install 'httpx[socks]')"
    try:
        httpx.Proxy(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return "httpx cannot parse it as a proxy URL"
    return None


def no_proxy_problem(value: str) -> str | None:
    """What is wrong with a ``NO_PROXY`` list as httpx would read it, or None."""
    entries = [entry.strip() for entry in value.split(",")]
    if "*" in entries:
        return None  # httpx stops there: no proxy for anything
    for entry in filter(None, entries):
        try:
            httpx.URL(_pattern(entry))
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            return f"its entry {shown(entry)} is not a host, address or URL ({exc})"
    return None


def _pattern(entry: str) -> str:
    """The URL pattern httpx builds for one ``NO_PROXY`` entry."""
    if "://" in entry:
        return entry
    address = entry.split("/")[0]
    try:
        ipaddress.IPv4Address(address)
    except ValueError:
        pass
    else:
        return f"all://{entry}"
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        pass
    else:
        return f"all://[{entry}]"
    if entry.lower() == "localhost":
        return f"all://{entry}"
    return f"all://*{entry}"


def check_proxy_environment(environ: Mapping[str, str]) -> None:
    """A one-line ConfigurationError for the first proxy variable httpx could not use."""
    for name, value in sorted(environ.items()):
        lowered = name.lower()
        if not value or lowered not in (*PROXY_NAMES, "no_proxy"):
            continue
        problem = no_proxy_problem(value) if lowered == "no_proxy" else proxy_problem(value)
        if problem:
            raise ConfigurationError(
                f"{name} is not a usable proxy setting: {problem}; fix or unset it"
            )


def proxy_variables(environ: Mapping[str, str]) -> list[str]:
    """The names of the proxy variables that are set (for an error that must name them)."""
    return sorted(
        name
        for name, value in environ.items()
        if value and name.lower() in (*PROXY_NAMES, "no_proxy")
    )
