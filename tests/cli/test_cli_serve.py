"""``mysafe-tui serve`` without a browser: where it listens, what it refuses, and the
command each tab runs (a scrubbed environment, always the demo)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.web.server
from tui.__main__ import main
from tui.settings.environment import IN_BROWSER
from tui.web.server import TEMPLATES, TEXTUAL_VARIABLES, tab_command


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    """Where serve would have listened, and the URL its page gives browsers (nothing
    is served)."""
    calls: list[tuple[str, int, str]] = []

    def run_server(host: str, port: int, public_url: str) -> int:
        calls.append((host, port, public_url))
        return 0

    monkeypatch.setattr(tui.web.server, "run_server", run_server)
    return calls


def test_serve_listens_on_loopback_port_8000_by_default(
    served: list[tuple[str, int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve"]) == 0
    assert served == [("127.0.0.1", 8000, "http://127.0.0.1:8000")]
    assert capsys.readouterr().err == ""


def test_another_address_needs_allow_remote_and_then_warns(
    served: list[tuple[str, int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert served == [] and len(err.strip().splitlines()) == 1
    assert "refusing to listen on 0.0.0.0" in err and "--allow-remote" in err
    assert main(["serve", "--host", "192.0.2.7", "--allow-remote", "--port", "8123"]) == 0
    assert served == [("192.0.2.7", 8123, "http://192.0.2.7:8123")]
    assert "no authentication" in capsys.readouterr().err


def test_the_page_gets_an_address_a_browser_can_reach(
    served: list[tuple[str, int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """textual-serve writes its listening address into the page for the assets and
    the websocket: ``http://::1:8000`` is no URL, and 0.0.0.0 is nowhere a browser
    elsewhere can go."""
    assert main(["serve", "--host", "::1"]) == 0
    assert served[-1] == ("::1", 8000, "http://[::1]:8000")
    assert main(["serve", "--host", "0.0.0.0", "--allow-remote"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "needs --public-url" in err
    public = ["--allow-remote", "--public-url", "https://demo.example:8443/"]
    assert main(["serve", "--host", "0.0.0.0", *public]) == 0
    assert served[-1] == ("0.0.0.0", 8000, "https://demo.example:8443")
    assert "no authentication" in capsys.readouterr().err
    for bad in ("ftp://demo.example", "demo.example:8000", "http://demo.example/tab"):
        assert main(["serve", "--public-url", bad]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "--public-url" in err, err
    assert len(served) == 2


@pytest.mark.parametrize(
    "args",
    [["--port", "0"], ["--port", "70000"], ["--port", "x"], ["--bogus"], ["extra"]],
)
def test_bad_input_is_one_line_and_exit_2(
    served: list[tuple[str, int, str]], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert served == [] and len(err.strip().splitlines()) == 1, err


def test_each_tab_runs_the_demo_in_a_scrubbed_environment_and_a_folder_of_its_own(
    tmp_path: Path,
) -> None:
    # The command textual-serve runs, with the environment textual-serve gives it:
    # its own (secrets included) plus its driver's variables. A stand-in program
    # prints what the console would get.
    show = "import json, os, sys; print(json.dumps([sys.argv[1:], dict(os.environ)]))"
    command = tab_command(tmp_path, python=sys.executable).replace(
        f"{sys.executable} -m tui", f"{sys.executable} -c '{show}'"
    )
    env = dict(os.environ) | {name: f"value-of-{name}" for name in TEXTUAL_VARIABLES}
    env |= {"MYSAFE_URL": "https://203.0.113.7", "MYSAFE_CLIENT_SECRET": "leak"}
    done = subprocess.run(
        command, shell=True, env=env, capture_output=True, text=True, timeout=30, check=True
    )
    argv, given = json.loads(done.stdout)
    assert argv == ["--demo"]
    [tab] = tmp_path.glob("tab-*")
    assert set(given) == {
        "PATH", "HOME", "LANG", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
        "XDG_DATA_HOME", IN_BROWSER, *TEXTUAL_VARIABLES,
    }  # fmt: skip
    assert given[IN_BROWSER] == "1", "q and ctrl+q ask before ending the tab's session"
    assert given["HOME"] == str(tab) and given["XDG_STATE_HOME"] == str(tab / "state")
    assert all(given[name] == f"value-of-{name}" for name in TEXTUAL_VARIABLES)


def test_the_page_leaves_what_its_font_lacks_to_the_viewer_s_fonts() -> None:
    # The served Roboto Mono claims only the ranges it has; CJK goes to the viewer's
    # own monospaced CJK fonts (local()), then the rest of the terminal's list.
    page = (TEMPLATES / "app_index.html").read_text()
    faces = page.split("@font-face")[1:]
    served = [face for face in faces if "RobotoMono" in face]
    assert len(served) == 2 and all("unicode-range" in face for face in served)
    [viewer] = [face for face in faces if "local(" in face]
    assert "U+3000-9FFF" in viewer and "U+AC00-D7FF" in viewer
    assert "fonts.googleapis" not in page
