"""No silent demo (issue 17): a command runs on the simulator only with ``--demo``.

A scheduled job that lost its environment must fail (exit 2, nothing sent, nothing
journalled), not report a demo's deactivations as real. A client id or secret
without a server is a configuration error, in the commands and the console alike.
The ``SENHASEGURA_*`` names of the official senhasegura tools work beside
``MYSAFE_*``, which wins when both are set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.ops import load_batches
from tui.settings.paths import audit_path
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from support.cli import invoke, only_line, process_env, run_tui
from support.servers import served
from support.sims import writable, writes

NO_SERVER = (
    "mysafe-tui: error: no server named: pass --url URL or --profile NAME, set MYSAFE_URL "
    "(or SENHASEGURA_URL), or add a profile to "
)
SERVER_COMMANDS = [
    ["list", "passwords"],
    ["deactivate", "passwords", "--ids", "3", "--yes", "--reason", "INC-1"],
    ["activate", "secrets", "--ids", "3", "--yes"],
    ["undo", "b-1", "--yes"],
]


def nothing_journalled() -> bool:
    """The audit journal (under the test's XDG_STATE_HOME) holds no batch."""
    path = audit_path()
    return not path.exists() or load_batches(path) == []


@pytest.mark.parametrize("args", SERVER_COMMANDS, ids=lambda a: a[0])
def test_a_command_with_no_server_exits_2_and_sends_nothing(args: list[str]) -> None:
    done = invoke([*args, "--format", "table"])
    assert done.exit_code == 2
    line = only_line(done.stderr)
    assert line.startswith(NO_SERVER)
    assert line.endswith("; --demo runs on the embedded simulator")
    assert done.stdout == ""
    assert nothing_journalled()


def test_a_json_caller_gets_the_config_kind() -> None:
    done = invoke(["deactivate", "passwords", "--ids", "3", "--yes", "--format", "json"])
    assert done.exit_code == 2 and done.stdout == ""
    line, error = done.stderr.splitlines()
    assert line.startswith(NO_SERVER)
    assert json.loads(error)["error"]["kind"] == "config"
    assert nothing_journalled()


CREDENTIALS_ONLY = [
    {"MYSAFE_CLIENT_ID": DEMO_CLIENT_ID, "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET},
    {"SENHASEGURA_CLIENT_ID": DEMO_CLIENT_ID, "SENHASEGURA_CLIENT_SECRET": DEMO_CLIENT_SECRET},
    {"SENHASEGURA_CLIENT_SECRET": DEMO_CLIENT_SECRET},
]


@pytest.mark.parametrize("env", CREDENTIALS_ONLY, ids=lambda e: "+".join(e))
def test_credentials_without_a_server_are_a_configuration_error(env: dict[str, str]) -> None:
    args = ["deactivate", "passwords", "--ids", "3", "--yes", "--format", "jsonl"]
    done = invoke(args, env)
    assert done.exit_code == 2 and done.stdout == ""
    line, error = done.stderr.splitlines()
    assert line.startswith("mysafe-tui: error: a client id or secret (")
    assert ", ".join(env) in line and "but no server named" in line
    assert DEMO_CLIENT_SECRET not in done.stderr
    assert json.loads(error)["error"]["kind"] == "config"
    assert nothing_journalled()


def test_the_demo_flag_still_runs_on_the_simulator() -> None:
    args = ["deactivate", "passwords", "--ids", "3", "--yes", "--demo", "--format", "json"]
    done = invoke(args)
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert [item["outcome"] for item in result["items"]] == ["changed"]
    # The demo's batch is journalled as the demo's, where `audit --demo` finds it.
    assert [batch.profile for batch in load_batches(audit_path(demo=True))] == ["demo"]
    assert not audit_path().exists(), "the demo keeps its own journal"


def test_the_senhasegura_names_reach_a_real_server() -> None:
    with served() as server:
        sim = server.simulator
        ids = writable(sim, 2)
        env = {
            "SENHASEGURA_URL": server.url,
            "SENHASEGURA_CLIENT_ID": DEMO_CLIENT_ID,
            "SENHASEGURA_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        }
        args = ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "json"]
        done = invoke(args, env)
        assert done.exit_code == 0, done.stderr
        assert done.stderr == ""
        assert [item["outcome"] for item in json.loads(done.stdout)["items"]] == ["changed"] * 2
        assert [sim.get("password", i).active for i in ids] == [False, False]
        assert len(writes(sim)) == 2
    [batch] = load_batches(audit_path())
    assert batch.profile != "demo"


def test_the_mysafe_names_win_and_the_warning_names_the_variables() -> None:
    with served() as ours, served() as theirs:
        ids = writable(ours.simulator, 1)
        env: dict[str, Any] = {
            "MYSAFE_URL": ours.url,
            "SENHASEGURA_URL": theirs.url,
            "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
            "SENHASEGURA_CLIENT_ID": DEMO_CLIENT_ID,
            "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "SENHASEGURA_CLIENT_SECRET": "their-other-secret",
        }
        args = ["deactivate", "passwords", "--ids", ids[0], "--yes", "--format", "json"]
        done = invoke(args, env)
        assert done.exit_code == 0, done.stderr
        assert ours.simulator.get("password", ids[0]).active is False
        assert writes(ours.simulator) != [] and writes(theirs.simulator) == []
        assert theirs.simulator.request_log == []
    assert done.stderr.splitlines() == [
        "mysafe-tui: warning: MYSAFE_URL and SENHASEGURA_URL are both set and differ; "
        "using MYSAFE_URL",
        "mysafe-tui: warning: MYSAFE_CLIENT_SECRET and SENHASEGURA_CLIENT_SECRET are both "
        "set and differ; using MYSAFE_CLIENT_SECRET",
    ]
    assert theirs.url not in done.stderr and "their-other-secret" not in done.stderr


def test_a_real_process_with_no_server_exits_2_and_journals_nothing(tmp_path: Path) -> None:
    env = process_env(tmp_path)
    args = ["deactivate", "passwords", "--ids", "3", "--yes", "--format", "table"]
    done = run_tui(args, env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert only_line(done.stderr).startswith(NO_SERVER)
    state = Path(env["XDG_STATE_HOME"]) / "mysafe-tui" / "audit.jsonl"
    assert not state.exists() or load_batches(state) == []


def test_a_real_process_with_only_senhasegura_credentials_exits_2(tmp_path: Path) -> None:
    extra = {"SENHASEGURA_CLIENT_ID": "a", "SENHASEGURA_CLIENT_SECRET": "never-shown"}
    done = run_tui(["list", "passwords", "--format", "table"], process_env(tmp_path, extra))
    assert done.returncode == 2 and done.stdout == ""
    line = only_line(done.stderr)
    assert "(SENHASEGURA_CLIENT_ID, SENHASEGURA_CLIENT_SECRET) but no server named" in line
    assert "never-shown" not in line


# -- the console ------------------------------------------------------------------------


class FakeApp:
    """What ``run_console`` runs, in place of the console."""

    #: The console's exit code after a run (non-zero after a crash).
    return_code = 0

    def __init__(self, options: Any) -> None:
        self.options = options

    def run(self) -> None:
        pass

    @property
    def session(self) -> Any:
        return self

    def close(self) -> None:
        pass


@pytest.fixture
def console_started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The options the console was built with (if it got that far), no terminal used."""
    import tui.console.applog
    import tui.console.factory
    import tui.console.terminal.link_mode

    built: list[Any] = []

    def build_app(options: Any, **_kwargs: Any) -> FakeApp:
        built.append(options)
        return FakeApp(options)

    monkeypatch.setattr(tui.console.factory, "build_app", build_app)
    monkeypatch.setattr(tui.console.applog, "open_app_log", lambda *_a, **_k: None)
    # The colour limit of the thin-link mode writes to os.environ: not here.
    monkeypatch.setattr(tui.console.terminal.link_mode, "limit_colours", lambda *_a: None)
    return built


@pytest.mark.parametrize("env", CREDENTIALS_ONLY, ids=lambda e: "+".join(e))
def test_the_console_refuses_credentials_without_a_server(
    env: dict[str, str],
    console_started: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.__main__ import main

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main([]) == 2
    assert console_started == []
    err = capsys.readouterr().err
    line = only_line(err)
    assert line.startswith("mysafe-tui: error: a client id or secret (")
    assert "but no server named" in line and DEMO_CLIENT_SECRET not in err


def test_the_console_with_nothing_configured_starts_its_first_run_demo(
    console_started: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.__main__ import main

    assert main([]) == 0
    [options] = console_started
    assert options.demo and options.first_run
    assert capsys.readouterr().err == ""


def test_the_console_tells_which_name_won_at_start(
    console_started: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.__main__ import main

    monkeypatch.setenv("MYSAFE_URL", "https://ours.example.com")
    monkeypatch.setenv("SENHASEGURA_URL", "https://theirs.example.com")
    monkeypatch.setenv("SENHASEGURA_CLIENT_ID", "a")
    monkeypatch.setenv("SENHASEGURA_CLIENT_SECRET", "x")
    assert main([]) == 0
    [options] = console_started
    assert options.client.base_url == "https://ours.example.com"
    assert options.warnings == (
        "MYSAFE_URL and SENHASEGURA_URL are both set and differ; using MYSAFE_URL",
    )
