"""Helpers for the command-line tests: the CLI in-process, or as a real process.

Most tests call the click entry point in-process with ``CliRunner`` (fast); the
few that need a real process (pipes, signals, import time) use :func:`run_tui`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tui.__main__ import cli
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def server_env(url: str, secret: str = DEMO_CLIENT_SECRET) -> dict[str, str | None]:
    """The environment that points the CLI at ``url`` (None unsets a variable)."""
    return {
        "MYSAFE_URL": url,
        "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
        "MYSAFE_CLIENT_SECRET": secret,
        "MYSAFE_PROFILE": None,
        "MYSAFE_TENANT": None,
    }


def invoke(
    args: Sequence[str], env: Mapping[str, str | None] | None = None, stdin: str | None = None
) -> Result:
    """The CLI in this process; stdin and stdout are not terminals."""
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def only_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def process_env(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment for a child process, every file under ``tmp_path``."""
    prefixes = ("MYSAFE_", "SENHASEGURA_", "XDG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / "child" / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.update(extra or {})
    return env


def run_tui(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    stdin: str | None = None,
    python: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python, "-m", "tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=60,
        check=False,
    )


def start_tui(
    args: Sequence[str], env: Mapping[str, str], *, stderr: Any = subprocess.PIPE
) -> subprocess.Popen[str]:
    """The program as a process of its own, its output piped (a batch to signal)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=dict(env),
    )


def program_on_path(tmp_path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with a ``mysafe-tui`` on PATH that runs this checkout's program (the
    installed script may be another's): what a shell's completion script calls."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    script = folder / "mysafe-tui"
    script.write_text(f'#!/bin/sh\nexec {sys.executable} -m tui "$@"\n')
    script.chmod(0o755)
    return {**env, "PATH": f"{folder}{os.pathsep}{env.get('PATH', os.defpath)}"}
