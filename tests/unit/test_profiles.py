"""Profiles: config.toml, precedence, secrets, production lock, limits, reasons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.api import ReadOnlyError
from tui.console.dialogs import ConfirmBatch, UnlockWriting
from tui.ops import Journal, JournalContext, ProfileView, read_records
from tui.settings.config import ConfigError, load_config
from tui.settings.launch import UsageError, resolve
from tui.simulator import Simulator

from support.console import idle, make_app
from support.launch import launch_options

GOOD = """
default_profile = "staging"

[profiles.staging]
url = "https://staging.vault.example.com/"
client_id = "stage-id"
color = "green"

[profiles.prod]
url = "https://vault.example.com"
client_id = "prod-id"
tenant = "acme"
production = true
max_batch = 5
require_reason = true
read_timeout = 7.5
color = "red"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def options(config: Path, **overrides: object) -> dict[str, Any]:
    given = {"environ": {"MYSAFE_CLIENT_SECRET": "s3cret"}, "config_path": config}
    return launch_options(**{**given, **overrides})


def test_default_profile_and_precedence(tmp_path: Path) -> None:
    config = write(tmp_path, GOOD)
    chosen = resolve(**options(config))
    assert chosen.profile_name == "staging" and chosen.client is not None
    assert chosen.client.base_url == "https://staging.vault.example.com"
    env = {
        "MYSAFE_CLIENT_SECRET": "s3cret",
        "MYSAFE_PROFILE": "prod",
        "MYSAFE_TENANT": "env-tenant",
    }
    prod = resolve(**options(config, environ=env))
    assert prod.profile_name == "prod" and prod.client is not None
    assert prod.client.tenant == "env-tenant", "environment over file"
    assert prod.production and prod.read_only, "production starts read-only"
    assert prod.client.read_only and prod.max_batch == 5 and prod.require_reason
    assert prod.client.read_timeout == 7.5
    flagged = resolve(**options(config, environ=env, tenant="flag-tenant", profile="staging"))
    assert flagged.profile_name == "staging" and flagged.client is not None
    assert flagged.client.tenant == "flag-tenant", "flags over environment"


def test_several_profiles_and_no_choice_asks(tmp_path: Path) -> None:
    config = write(tmp_path, GOOD.replace('default_profile = "staging"', ""))
    result = resolve(**options(config))
    assert result.choices == ("prod", "staging") and not result.demo


def test_secret_in_the_file_needs_owner_only_permissions(tmp_path: Path) -> None:
    text = GOOD + 'client_secret = "from-file"\n'
    with pytest.raises(ConfigError, match="chmod 600"):
        load_config(write(tmp_path, text, mode=0o644))
    config = write(tmp_path, text, mode=0o600)
    result = resolve(**options(config, environ={"MYSAFE_PROFILE": "prod"}))
    assert result.client is not None
    assert result.client.client_secret.get_secret_value() == "from-file"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[profiles.a]\nurl = 'https://x.example.com'\nclient_id = 'a'\ncolour = 'red'\n",
            "unknown key 'profiles.a.colour'",
        ),
        ("[profiles.a]\nclient_id = 'a'\n", "missing 'profiles.a.url'"),
        ("[profiles.a]\nurl = 'x.example.com'\nclient_id = 'a'\n", "profiles.a.url"),
        ("[profiles.a\nurl = 1\n", "invalid TOML"),
        (
            "default_profile = 'b'\n[profiles.a]\nurl = 'https://x.example.com'\nclient_id = 'a'\n",
            "names no [profiles.*]",
        ),
        (
            "[profiles.a]\nurl = 'https://x.example.com'\nclient_id = 'a'\nconcurrency = 0\n",
            "profiles.a.concurrency",
        ),
        (
            "[profiles.a]\nurl = 'https://x.example.com'\nclient_id = 'a'\ncolor = 'pink'\n",
            "profiles.a.color",
        ),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_file_content_gives_a_config_or_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    path.chmod(0o600)
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)


def test_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    config_home = tmp_path / "cfg"
    (config_home / "mysafe-tui").mkdir(parents=True)
    (config_home / "mysafe-tui" / "config.toml").write_text("[profiles.a]\nbogus = 1\n")
    done = subprocess.run(
        [sys.executable, "-m", "tui"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "XDG_CONFIG_HOME": str(config_home)},
    )
    assert done.returncode == 2
    assert "unknown key 'profiles.a.bogus'" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no profile 'nope'"):
        resolve(**options(write(tmp_path, GOOD), profile="nope"))


async def test_production_is_read_only_until_unlocked_on_purpose(
    sim: Simulator, tmp_path: Path
) -> None:
    trail = Journal(tmp_path / "audit.jsonl", JournalContext("prod", "h", "op"))
    app = make_app(
        sim, audit=trail, demo=False, profile=ProfileView(name="prod", production=True, color="red")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        assert "PRODUCTION" in str(app.main.query_one("#context-bar").render())
        await pilot.press("d")
        assert not isinstance(app.screen, ConfirmBatch)
        with pytest.raises(ReadOnlyError):
            await app.client.deactivate(
                app.main.items[app.main.kind][app.main.model().cursor_key or ""].ref
            )
        await pilot.press("W")
        assert isinstance(app.screen, UnlockWriting)
        await pilot.press(*"staging", "enter")
        assert isinstance(app.screen, UnlockWriting), "the wrong name unlocks nothing"
        await pilot.press(*"prod", "enter")
        await pilot.pause()
        assert not app.read_only and not app.client.read_only
        context = str(app.main.query_one("#context-bar").render())
        assert "READ-ONLY" not in context and "WRITING UNLOCKED" in context
        assert app.main.query_one("#context-bar").has_class("-unlocked")
        await pilot.press("W")  # locks again, on record
        await pilot.pause()
        assert app.read_only and app.client.read_only
        assert "READ-ONLY" in str(app.main.query_one("#context-bar").render())
        assert not app.main.query_one("#context-bar").has_class("-unlocked")
    phases = [r["phase"] for r in read_records(tmp_path / "audit.jsonl")]
    assert phases == ["unlock", "lock"]


async def test_batch_limit_and_required_reason(sim: Simulator, tmp_path: Path) -> None:
    trail = Journal(tmp_path / "audit.jsonl", JournalContext("prod", "h", "op"))
    app = make_app(
        sim, audit=trail, profile=ProfileView(name="prod", max_batch=3, require_reason=True)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        await pilot.press("asterisk", "d")
        assert not isinstance(app.screen, ConfirmBatch), "more than max_batch is refused"
        await pilot.press("asterisk")
        table = app.main.table()
        key = next(k for k in table.model.visible_keys() if sim.get("password", k).can_write)
        table.model.move_cursor_to(key)
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        assert dialog.focused is dialog.query_one("#confirm-reason"), "the reason comes first"
        await pilot.press("tab", "y")  # away from the reason, y without one
        assert app.screen is dialog, "no reason yet: not confirmed"
        assert "requires a reason" in str(dialog.query_one("#confirm-keys").render())
        await pilot.press(*"INC-4242 leaked key", "enter", "y")
        await idle(app)
        await pilot.pause()
    assert not sim.is_active("password", key)
    records = list(read_records(tmp_path / "audit.jsonl"))
    assert records and all(
        r["reason"] == "INC-4242 leaked key" for r in records if r["phase"] != "batch_end"
    )


async def test_the_profile_picker_returns_the_chosen_name() -> None:
    from tui.console.profile_picker import ProfilePicker

    picker = ProfilePicker(["prod", "staging"], "config.toml")
    async with picker.run_test() as pilot:
        await pilot.press("down", "enter")  # starts on the first; down moves to the second
        await pilot.pause()
    assert picker.return_value == "staging"


async def test_insecure_and_profile_colour_are_always_in_the_header(sim: Simulator) -> None:
    app = make_app(sim, demo=False, profile=ProfileView(name="lab", color="magenta", insecure=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.main.query_one("#context-bar")
        text = str(bar.render())
        assert "profile lab" in text and "INSECURE" in text and sim.base_url.split("//")[1] in text
        assert bar.has_class("-color-magenta") and bar.has_class("-insecure")


def test_secret_from_the_os_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[tuple[str, str]] = []
    fake = types.ModuleType("keyring")

    def get_password(service: str, user: str) -> str:
        calls.append((service, user))
        return "from-keyring"

    fake.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    config = write(tmp_path, GOOD)
    result = resolve(**options(config, environ={}, profile="prod"))
    assert result.client is not None
    assert result.client.client_secret.get_secret_value() == "from-keyring"
    assert calls == [("mysafe-tui", "prod")]
