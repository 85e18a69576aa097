"""``mysafe-tui serve``: each browser tab a demo console of its own, offline.

textual-serve (``textual_serve.server.Server``) answers every websocket with a new
process running a shell command, with a copy of its own environment. So that no
variable of the operator's (a MYSAFE_CLIENT_SECRET, a MYSAFE_URL) reaches a tab,
the command ``exec``s the console through ``env -i`` with an allow-list: the
variables textual-serve sets for its driver, a fixed PATH and a folder per tab for
HOME and the XDG directories (the tab's journal and log), inside a folder that
lives as long as the server. The console always runs ``--demo``: the embedded
simulator, one per process, so each tab has its own simulator state.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from tui.settings.environment import IN_BROWSER

#: Our page: textual-serve's, without the Google Fonts link (offline).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: What textual-serve sets for the app it spawns: its driver, frame rate, colours and
#: terminal size. Only these cross into the tab from the server's environment.
TEXTUAL_VARIABLES = (
    "TEXTUAL_DRIVER",
    "TEXTUAL_FPS",
    "TEXTUAL_COLOR_SYSTEM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "COLUMNS",
    "ROWS",
)
#: Each tab's XDG directories, under its own folder.
XDG_FOLDERS = {
    "XDG_CONFIG_HOME": "config",
    "XDG_STATE_HOME": "state",
    "XDG_CACHE_HOME": "cache",
    "XDG_DATA_HOME": "data",
}
TITLE = "mysafe-tui demo"


def tab_command(sessions: Path, python: str = sys.executable) -> str:
    """The shell command textual-serve runs for each tab: a fresh folder, a scrubbed
    environment, the console on its embedded simulator."""
    folder = shlex.quote(str(sessions / "tab-XXXXXX"))
    env = shlex.quote(shutil.which("env") or "/usr/bin/env")
    variables = [
        f"PATH={shlex.quote(os.defpath)}",
        'HOME="$tab"',
        "LANG=C.UTF-8",
        f"{IN_BROWSER}=1",  # q and ctrl+q ask before ending the tab's session
        *(f'{name}="$tab/{sub}"' for name, sub in XDG_FOLDERS.items()),
        *(f'{name}="${name}"' for name in TEXTUAL_VARIABLES),
    ]
    console = [python, "-m", "tui", "--demo"]
    return (
        f"tab=$(mktemp -d {folder}) || exit 1; "
        f"exec {env} -i {' '.join(variables)} {shlex.join(console)}"
    )


def run_server(host: str, port: int, public_url: str) -> int:
    """Serve until interrupted; the exit code. ``public_url`` is where browsers reach
    it, for the page's asset and websocket addresses."""
    from textual_serve.server import Server

    with tempfile.TemporaryDirectory(prefix="mysafe-tui-serve-") as sessions:
        server = Server(
            tab_command(Path(sessions)),
            host=host,
            port=port,
            title=TITLE,
            public_url=public_url,
            templates_path=TEMPLATES,
        )
        print(
            f"mysafe-tui serve: each browser tab runs its own demo on simulated data; "
            f"their journals are kept under {sessions} until the server stops",
            file=sys.stderr,
            flush=True,
        )
        try:
            server.serve()
        except OSError as exc:
            print(
                f"mysafe-tui serve: error: cannot listen on {host}:{port}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return 2
    return 0
