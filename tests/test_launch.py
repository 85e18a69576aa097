"""Command line and environment: demo by default, secrets never from flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.launch import UsageError, resolve


def options(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "demo": False,
        "url": None,
        "client_id": None,
        "tenant": None,
        "ca_bundle": None,
        "insecure": False,
        "read_only": False,
        "concurrency": None,
        "environ": {},
    }
    values.update(overrides)
    return values


def test_nothing_configured_means_demo() -> None:
    assert resolve(**options()).demo  # type: ignore[arg-type]


def test_demo_flag_wins_over_a_configured_server() -> None:
    env = {"MYSAFE_URL": "https://vault.example.com", "MYSAFE_CLIENT_ID": "a"}
    assert resolve(**options(demo=True, environ=env)).demo  # type: ignore[arg-type]


def test_environment_configures_a_server_and_flags_override_it() -> None:
    env = {
        "MYSAFE_URL": "https://vault.example.com/",
        "MYSAFE_CLIENT_ID": "env-id",
        "MYSAFE_CLIENT_SECRET": "s3cret",
        "MYSAFE_TENANT": "teste",
    }
    result = resolve(**options(environ=env, client_id="flag-id", concurrency=4))  # type: ignore[arg-type]
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
        resolve(**options(environ=env))  # type: ignore[arg-type]
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
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
    from tui.paths import stylesheets

    for path in stylesheets():
        assert Path(path).is_file(), path
