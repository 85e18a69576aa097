"""What the console's start does and does not do (issue 10's start-up), untimed."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widget import Widget

from tui.api import Secret
from tui.console.app import MySafeApp
from tui.console.widgets import KeyFooter
from tui.ops import ProfileView
from tui.simulator import Simulator

from support.cli import process_env
from support.console import idle, make_app, wait_until

ROOT = Path(__file__).resolve().parents[2]

# The console's way in, as the program and the benchmarks take it: resolve the
# options (no config file), build the demo app. Prints what got imported.
START = """
import sys
from pathlib import Path
from tui.settings.launch import resolve
from tui.console.factory import build_app
options = resolve(
    url=None, client_id=None, tenant=None, ca_bundle=None, insecure=False, demo=False,
    read_only=False, concurrency=None, environ={}, config_path=Path(sys.argv[1]),
    implicit_demo=True,
)
assert options.client is None and options.first_run
build_app(options, keep_journal=False)
print(" ".join(sorted(sys.modules)))
print(sys.modules.get("httpx._main", "absent"))
"""


def test_the_demo_starts_without_pydantic_or_httpx_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", START, str(tmp_path / "no-config.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    modules, httpx_main = done.stdout.splitlines()
    loaded = modules.split()
    assert "tui.console.app" in loaded and "httpx" in loaded
    # pydantic (about 70 ms, 100 with the config's models) waits for a config file
    # or a fetched item; httpx's own command line (Rich, Pygments) never comes.
    assert [m for m in loaded if m.split(".")[0] == "pydantic"] == []
    assert "tui.settings.config" not in loaded
    assert httpx_main == "None"
    # Nothing shown at start is imported for it: no dialog (the confirmation comes
    # with its first plan), no other screen, no socket server, nothing of the core
    # that only a dry run or an export uses.
    # No dialog (the arming delay's one constant is not one).
    dialogs = [m for m in loaded if m.startswith("tui.console.dialogs.")]
    assert dialogs == ["tui.console.dialogs.arming"]
    for absent in (
        "tui.console.widgets.name_list",
        "tui.console.screens.help",
        "tui.console.screens.errors",
        "tui.console.screens.audit_view",
        "tui.ops.dry_run",
        "tui.ops.export",
        "tui.ops.receipts",
        # The batch bar's progress bar comes with the first batch.
        "textual.widgets._progress_bar",
    ):
        assert absent not in loaded
    assert "tui.console.screens.first_run" not in loaded and "tui.simulator.server" not in loaded
    assert "h11" not in loaded


# The program's own way in: ``mysafe-tui --demo`` through the command group, up to
# the app's run (replaced here by a print of what got imported).
PROGRAM = """
import sys
import tui.console.app

def run(self, *args, **kwargs):
    print(" ".join(sorted(sys.modules)))

tui.console.app.MySafeApp.run = run
from tui.__main__ import main
sys.exit(main(["--demo"]))
"""


def test_the_program_starts_the_console_without_the_command_line_or_the_socket_server(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=process_env(tmp_path),
        timeout=120,
        check=True,
    )
    loaded = done.stdout.split()
    assert "tui.console.app" in loaded and "tui.wiring.demo" in loaded
    # The command group and the options it shares with the console parse the
    # command line; no command of it is imported (they are by name, when named).
    assert [m for m in loaded if m.startswith("tui.cli.")] == [
        "tui.cli.errors",
        "tui.cli.main",
        "tui.cli.options",
    ]
    for absent in ("tui.simulator.cli", "tui.simulator.server", "h11", "tui.web.command"):
        assert absent not in loaded
    # pydantic's models wait for a fetched item (or a malformed list entry).
    assert [m for m in loaded if m.split(".")[0] == "pydantic"] == []
    assert "tui.api.details" not in loaded


# The program's modules load with garbage collection off, and it is on again after.
IMPORT_GC = """
import gc
runs = []
gc.callbacks.append(lambda phase, info: runs.append(phase))
import tui.__main__
print(len(runs), gc.isenabled())
"""


def test_the_program_loads_its_modules_without_garbage_collection(tmp_path: Path) -> None:
    # An installed program starts from compiled modules. Compiling a module is
    # garbage of its own, before the module's first line can pause anything: so
    # the modules are compiled first (into a folder of the test's, whatever
    # PYTHONDONTWRITEBYTECODE says), and the count is of the start alone.
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run = functools.partial(
        subprocess.run, capture_output=True, text=True, cwd=ROOT, timeout=120, check=True, env=env
    )
    run([sys.executable, "-c", "import tui.__main__"])
    done = run([sys.executable, "-c", IMPORT_GC])
    assert done.stdout.split() == ["0", "True"]


def test_what_is_imported_lazily_is_still_there() -> None:
    import tui.console.dialogs
    import tui.console.screens
    import tui.simulator
    from tui.console.dialogs.unlock import UnlockWriting
    from tui.console.screens.help import HelpScreen
    from tui.simulator.server import serve

    assert tui.console.dialogs.UnlockWriting is UnlockWriting
    assert tui.console.screens.HelpScreen is HelpScreen
    assert tui.simulator.serve is serve
    with pytest.raises(AttributeError):
        _ = tui.console.dialogs.NoSuchDialog


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2")
    assert secret.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(secret) + str(secret) + f"{secret}"
    assert secret == Secret("hunter2") and secret != Secret("other")


def footer_keys(app: MySafeApp) -> list[Widget]:
    return list(app.main.query_one(KeyFooter).query("FooterKey"))


async def test_footer_is_composed_again_only_when_its_keys_change(sim: Simulator) -> None:
    app = make_app(sim, demo=False, profile=ProfileView(name="prod", production=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        before = footer_keys(app)
        greyed = [k for k in before if k.has_class("-disabled")]
        assert [str(k.render()).split() for k in greyed] == [["d", "Deactivate"], ["u", "Undo"]]
        app.main.refresh_bindings()  # nothing shown changes: the same widgets stay
        app.main.table().focus()
        await pilot.pause()
        assert footer_keys(app) == before
        app.session.unlock("prod")
        app.main.session_changed()  # greyed keys come alive: composed again
        await wait_until(pilot, lambda: not any(k.has_class("-disabled") for k in footer_keys(app)))
        assert all(k not in before for k in footer_keys(app))
