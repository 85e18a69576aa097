"""``mysafe-tui serve``: the console in a browser, for demos (textual-serve).

Always the demo on simulated data, whatever the environment holds; loopback
unless ``--allow-remote``, since textual-serve has no authentication. The server
itself lives in ``tui.web.server``, imported only when this command runs: it
brings Rich and aiohttp, which the rest of the command line never loads.
"""

from __future__ import annotations

import sys

import click

from tui.api.endpoint import is_loopback
from tui.argtypes import whole_number_between

_port = whole_number_between(1, 65535)
NO_AUTHENTICATION = (
    "mysafe-tui serve: warning: listening on {host}, not loopback. textual-serve has no "
    "authentication: anyone who can reach this port gets a console (on simulated data)."
)


def run_serve(host: str, port: int, allow_remote: bool) -> int:
    if not is_loopback(host):
        if not allow_remote:
            print(
                f"mysafe-tui serve: error: refusing to listen on {host}: textual-serve has no "
                "authentication; pass --allow-remote if you mean it",
                file=sys.stderr,
            )
            return 2
        print(NO_AUTHENTICATION.format(host=host), file=sys.stderr, flush=True)
    # Lazy: textual-serve imports Rich and aiohttp (the import contract in
    # pyproject.toml names this one import as allowed).
    from tui.web.server import run_server

    return run_server(host, port)


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
def serve(host: str, port: int, allow_remote: bool) -> int:
    return run_serve(host, port, allow_remote)
