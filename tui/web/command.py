"""``mysafe-tui serve``: the console in a browser, for demos (textual-serve).

Always the demo on simulated data, whatever the environment holds; loopback
unless ``--allow-remote``, since textual-serve has no authentication. The server
itself lives in ``tui.web.server``, imported only when this command runs: it
brings Rich and aiohttp, which the rest of the command line never loads.
"""

from __future__ import annotations

import ipaddress
import sys
from urllib.parse import urlsplit

import click

from tui.api.endpoint import is_loopback
from tui.base.argtypes import whole_number_between

_port = whole_number_between(1, 65535)
NO_AUTHENTICATION = (
    "mysafe-tui serve: warning: listening on {host}, not loopback. textual-serve has no "
    "authentication: anyone who can reach this port gets a console (on simulated data)."
)


class ServeUsageError(ValueError):
    """A --host / --public-url the page could not work with."""


def page_url(host: str, port: int, given: str | None) -> str:
    """The address the page tells the browser to load its assets and websocket from.

    textual-serve builds it from the listening address: an IPv6 literal without its
    brackets, and 0.0.0.0, which a browser elsewhere cannot reach."""
    if given is not None:
        parts = urlsplit(given.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ServeUsageError(f"--public-url {given!r} is not an http(s)://host[:port] URL")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ServeUsageError(f"--public-url {given!r} has a path; give http(s)://host[:port]")
        return f"{parts.scheme}://{parts.netloc}"
    bare = host.strip("[]")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return f"http://{bare}:{port}"
    if address.is_unspecified:
        raise ServeUsageError(
            f"listening on every address ({host}) needs --public-url, the address browsers "
            f"use to reach this machine (e.g. --public-url http://demo-host:{port})"
        )
    return f"http://[{bare}]:{port}" if address.version == 6 else f"http://{bare}:{port}"


def run_serve(host: str, port: int, allow_remote: bool, given_url: str | None = None) -> int:
    if not is_loopback(host) and not allow_remote:
        print(
            f"mysafe-tui serve: error: refusing to listen on {host}: textual-serve has no "
            "authentication; pass --allow-remote if you mean it",
            file=sys.stderr,
        )
        return 2
    try:
        url = page_url(host, port, given_url)
    except ServeUsageError as exc:
        print(f"mysafe-tui serve: error: {exc}", file=sys.stderr)
        return 2
    if not is_loopback(host):
        print(NO_AUTHENTICATION.format(host=host), file=sys.stderr, flush=True)
    # Lazy: textual-serve imports Rich and aiohttp (the import contract in
    # pyproject.toml names this one import as allowed).
    from tui.web.server import run_server

    return run_server(host, port, url)


@click.command(
    "serve",
    short_help="run the console in a web browser, on demo data (for demos)",
    help=(
        "Serve the console to web browsers through textual-serve, for demos: each "
        "browser tab runs its own console on its own simulated data, never against a "
        "real server, whatever the environment holds. The page loads nothing from the "
        "internet. It listens on 127.0.0.1; textual-serve has no authentication, so "
        "another address needs --allow-remote."
    ),
)
@click.option("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
@click.option("--port", type=_port, default=8000, help="port (default: 8000)")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="allow a non-loopback --host (anyone reaching it gets a demo console)",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="the http(s)://host[:port] browsers reach the server at (behind a proxy, or "
    "with --host 0.0.0.0); default: from --host and --port",
)
def serve(host: str, port: int, allow_remote: bool, public_url: str | None) -> int:
    return run_serve(host, port, allow_remote, public_url)
