"""Command line and environment: the demo only when asked (or the console's first
run), secrets never from flags."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.settings.launch import UsageError, resolve

from support.launch import launch_options


def test_nothing_configured_is_the_consoles_first_run_demo() -> None:
    result = resolve(**launch_options(implicit_demo=True))
    assert result.demo and result.first_run


def test_nothing_configured_is_an_error_where_no_implicit_demo_is_allowed() -> None:
    # What commands get: a job that lost its environment must not run on the demo.
    with pytest.raises(UsageError) as info:
        resolve(**launch_options(config_path=Path("/nowhere/config.toml")))
    message = str(info.value)
    assert message.startswith("no server named: pass --url URL or --profile NAME")
    assert "MYSAFE_URL (or SENHASEGURA_URL)" in message and "/nowhere/config.toml" in message
    assert "--demo runs on the embedded simulator" in message and "\n" not in message


CREDENTIALS = [
    ({"MYSAFE_CLIENT_ID": "id-value"}, {}, "MYSAFE_CLIENT_ID"),
    ({"MYSAFE_CLIENT_SECRET": "secret-value"}, {}, "MYSAFE_CLIENT_SECRET"),
    (
        {"MYSAFE_CLIENT_ID": "id-value", "MYSAFE_CLIENT_SECRET": "secret-value"},
        {},
        "MYSAFE_CLIENT_ID, MYSAFE_CLIENT_SECRET",
    ),
    ({"SENHASEGURA_CLIENT_ID": "id-value"}, {}, "SENHASEGURA_CLIENT_ID"),
    (
        {"SENHASEGURA_CLIENT_ID": "id-value", "SENHASEGURA_CLIENT_SECRET": "secret-value"},
        {},
        "SENHASEGURA_CLIENT_ID, SENHASEGURA_CLIENT_SECRET",
    ),
    ({}, {"client_id": "id-value"}, "--client-id"),
]


@pytest.mark.parametrize("implicit_demo", [True, False])
@pytest.mark.parametrize(("env", "flags", "named"), CREDENTIALS)
def test_credentials_without_a_server_are_an_error(
    env: dict[str, str], flags: dict[str, str], named: str, implicit_demo: bool
) -> None:
    # Whoever set a client id or secret meant a real server: never the demo, not even
    # the console's first run.
    with pytest.raises(UsageError) as info:
        resolve(**launch_options(environ=env, implicit_demo=implicit_demo, **flags))
    message = str(info.value)
    assert f"a client id or secret ({named}) but no server named" in message
    assert "SENHASEGURA_URL" in message and "\n" not in message
    assert "id-value" not in message and "secret-value" not in message


def test_the_demo_flag_ignores_credentials_without_a_server() -> None:
    env = {"MYSAFE_CLIENT_ID": "a", "SENHASEGURA_CLIENT_SECRET": "x"}
    assert resolve(**launch_options(demo=True, environ=env)).demo


def test_the_senhasegura_names_configure_a_server() -> None:
    env = {
        "SENHASEGURA_URL": "https://vault.example.com/",
        "SENHASEGURA_CLIENT_ID": "their-id",
        "SENHASEGURA_CLIENT_SECRET": "their-secret",
        "SENHASEGURA_TENANT": "acme",
    }
    result = resolve(**launch_options(environ=env))
    assert result.client is not None
    assert result.client.base_url == "https://vault.example.com"
    assert result.client.client_id == "their-id" and result.client.tenant == "acme"
    assert result.client.client_secret.get_secret_value() == "their-secret"
    assert result.warnings == ()


def test_the_mysafe_names_win_and_a_difference_is_told_by_name_only() -> None:
    env = {
        "MYSAFE_URL": "https://ours.example.com",
        "SENHASEGURA_URL": "https://theirs.example.com",
        "MYSAFE_CLIENT_ID": "our-id",
        "SENHASEGURA_CLIENT_ID": "their-id",
        "MYSAFE_CLIENT_SECRET": "our-secret",
        "SENHASEGURA_CLIENT_SECRET": "their-secret",
        "MYSAFE_TENANT": "ours",
        "SENHASEGURA_TENANT": "theirs",
    }
    result = resolve(**launch_options(environ=env))
    assert result.client is not None
    assert result.client.base_url == "https://ours.example.com"
    assert result.client.client_id == "our-id" and result.client.tenant == "ours"
    assert result.client.client_secret.get_secret_value() == "our-secret"
    told = list(result.warnings)
    for name in ("URL", "CLIENT_ID", "CLIENT_SECRET", "TENANT"):
        expected = (
            f"MYSAFE_{name} and SENHASEGURA_{name} are both set and differ; using MYSAFE_{name}"
        )
        assert expected in told
    joined = " ".join(told)
    for value in ("theirs", "their-", "our-", "ours"):
        assert value not in joined


def test_the_same_value_under_both_names_or_a_flag_over_them_warns_nothing() -> None:
    env = {
        "MYSAFE_URL": "https://vault.example.com",
        "SENHASEGURA_URL": " https://vault.example.com ",
        "MYSAFE_CLIENT_ID": "a",
        "SENHASEGURA_CLIENT_ID": "a",
        "MYSAFE_CLIENT_SECRET": "x",
        "SENHASEGURA_CLIENT_SECRET": "x",
        "MYSAFE_TENANT": "one",
        "SENHASEGURA_TENANT": "two",
    }
    # The flag is used, so neither variable is: nothing to warn about.
    result = resolve(**launch_options(environ=env, tenant="flag"))
    assert result.client is not None and result.client.tenant == "flag"
    assert result.warnings == ()


def test_demo_flag_wins_over_a_configured_server() -> None:
    env = {"MYSAFE_URL": "https://vault.example.com", "MYSAFE_CLIENT_ID": "a"}
    assert resolve(**launch_options(demo=True, environ=env)).demo


def test_environment_configures_a_server_and_flags_override_it() -> None:
    env = {
        "MYSAFE_URL": "https://vault.example.com/",
        "MYSAFE_CLIENT_ID": "env-id",
        "MYSAFE_CLIENT_SECRET": "s3cret",
        "MYSAFE_TENANT": "teste",
    }
    result = resolve(**launch_options(environ=env, client_id="flag-id", concurrency=4))
    assert result.client is not None
    assert result.client.base_url == "https://vault.example.com"
    assert result.client.client_id == "flag-id"
    assert result.client.tenant == "teste"
    assert result.client.concurrency == 4
    assert result.client.client_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(result)


@pytest.mark.parametrize(
    ("env", "text"),
    [
        ({"MYSAFE_URL": "https://v.example.com", "MYSAFE_CLIENT_SECRET": "x"}, "no client id"),
        ({"MYSAFE_URL": "https://v.example.com", "MYSAFE_CLIENT_ID": "a"}, "MYSAFE_CLIENT_SECRET"),
        (
            {
                "MYSAFE_URL": "http://v.example.com",
                "MYSAFE_CLIENT_ID": "a",
                "MYSAFE_CLIENT_SECRET": "x",
            },
            "refusing plain http://",
        ),
    ],
)
def test_bad_input_is_one_line(env: dict[str, str], text: str) -> None:
    with pytest.raises(UsageError) as info:
        resolve(**launch_options(environ=env))
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def python_path() -> dict[str, str]:
    value = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": value} if value else {}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        # PYTHONPATH crosses, so the child runs this tree's package (a worktree's).
        env={"PATH": "/usr/bin:/bin", **python_path(), **(env or {})},
        timeout=60,
        check=False,
    )


def test_version_and_help() -> None:
    from tui import __version__

    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"mysafe-tui {__version__}"
    done = run_cli("--help")
    assert done.returncode == 0
    assert "MYSAFE_CLIENT_SECRET" in done.stdout and "simulate" in done.stdout
    assert "exit codes" in done.stdout and "130" in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "text"),
    [
        (("--concurrency", "0"), {}, "must be between 1 and"),
        # click's words (the command line moved from argparse to click with issue 8).
        (("--bogus",), {}, "No such option '--bogus'"),
        (
            ("--url", "http://vault.example.com", "--client-id", "a"),
            {"MYSAFE_CLIENT_SECRET": "x"},
            "refusing plain http://",
        ),
        (("--url", "https://vault.example.com", "--client-id", "a"), {}, "MYSAFE_CLIENT_SECRET"),
        (
            ("--url", "https://v.example.com", "--client-id", "a", "--ca-bundle", "/nope.pem"),
            {"MYSAFE_CLIENT_SECRET": "x"},
            "does not exist",
        ),
    ],
)
def test_bad_command_lines_exit_2_without_a_traceback(
    args: tuple[str, ...], env: dict[str, str], text: str
) -> None:
    done = run_cli(*args, env=env)
    assert done.returncode == 2
    assert text in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, "one line, not a usage block"


def test_the_installed_package_ships_its_stylesheets() -> None:
    from tui.settings.paths import stylesheets

    for path in stylesheets():
        assert Path(path).is_file(), path
