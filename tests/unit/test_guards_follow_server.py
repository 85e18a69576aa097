"""Guards follow the server, not its spelling (issue 18): one server however named,
another tenant another server; read-only for good cannot be unlocked; a reason must
show; --insecure is said out loud."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.api.identity import ServerSpelling, same_server
from tui.console.dialogs import ConfirmBatch, UnlockWriting
from tui.console.widgets import LogPanel
from tui.ops import ProfileView, Refused
from tui.ops.guards import reason_refusal, visible_text
from tui.settings.launch import LaunchOptions, resolve
from tui.simulator import Simulator
from tui.wiring import build_session

from support.cli import invoke, only_line, server_env
from support.console import make_app, running
from support.launch import launch_options
from support.servers import served
from support.sims import writable

# -- one server, however spelt ------------------------------------------------------

RESOLVER = {
    "vault.example.com": {"10.0.0.7"},
    "vault-alias.corp.example": {"10.0.0.7"},
    "acme.saas.example": {"192.0.2.1"},
    "other.saas.example": {"192.0.2.1"},
}


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver of this test's own: no name leaves the machine."""

    def addresses(host: str, port: int) -> frozenset[str]:
        if host.strip("[]").replace(".", "").isdigit() or ":" in host:
            return frozenset({host.strip("[]")})
        return frozenset(RESOLVER.get(host, set()))

    monkeypatch.setattr("tui.api.identity.addresses", addresses)


def spelt(url: str, tenant: str | None = None) -> ServerSpelling:
    spelling = ServerSpelling.of(url, tenant)
    assert spelling is not None
    return spelling


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://vault.example.com", "https://VAULT.example.com.:443/", True),
        ("https://vault.example.com", "https://10.0.0.7", True),
        ("https://vault.example.com", "https://vault-alias.corp.example", True),
        ("https://vault.example.com", "https://vault.example.com:8443", False),
        ("https://vault.example.com", "http://vault.example.com", False),
        ("https://vault.example.com", "https://vault.example.com/pam", False),
        ("https://vault.example.com", "https://10.0.0.8", False),
        # Two tenants of one appliance share its address: two servers.
        ("https://acme.saas.example", "https://other.saas.example", False),
        ("https://acme.saas.example", "https://192.0.2.1", True),
        ("https://unknown.example.net", "https://10.0.0.7", False),
    ],
)
def test_the_rule(a: str, b: str, same: bool) -> None:
    assert same_server(spelt(a), spelt(b)) is same
    assert same_server(spelt(b), spelt(a)) is same


def test_another_tenant_parameter_is_another_server() -> None:
    assert not same_server(spelt("https://10.0.0.7", "a"), spelt("https://10.0.0.7", "b"))
    assert same_server(spelt("https://10.0.0.7", "A"), spelt("https://vault.example.com", "a"))
    assert same_server(spelt("https://10.0.0.7"), spelt("https://vault.example.com", "a"))


CONFIG = """
[profiles.prod]
url = "https://vault.example.com"
client_id = "ops"
production = true
max_batch = 5
require_reason = true

[profiles.staging]
url = "https://vault-alias.corp.example"
client_id = "ops"

[profiles.acme]
url = "https://acme.saas.example"
client_id = "ops"
production = true

[profiles.other]
url = "https://other.saas.example"
client_id = "ops"
"""


def resolved(tmp_path: Path, **given: object) -> LaunchOptions:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    config.chmod(0o600)
    values = launch_options(environ={"MYSAFE_CLIENT_SECRET": "s3cret"}, config_path=config)
    values.update(given)
    return resolve(**values)


@pytest.mark.parametrize(
    "given",
    [
        {"profile": "staging"},
        {"url": "https://10.0.0.7"},
        {"url": "https://vault-alias.corp.example/"},
    ],
)
def test_the_production_server_by_another_spelling_has_its_guards_and_name(
    tmp_path: Path, given: dict[str, object]
) -> None:
    options = resolved(tmp_path, **given)
    assert options.production and options.read_only
    assert options.max_batch == 5 and options.require_reason
    assert "prod" in str(options.profile_name).split("+")


def test_a_sibling_tenant_does_not_inherit_the_production_guards(tmp_path: Path) -> None:
    options = resolved(tmp_path, profile="other")
    assert not options.production and not options.read_only


# -- read-only for good -------------------------------------------------------------


def test_read_only_with_a_production_profile_cannot_be_unlocked(tmp_path: Path) -> None:
    options = resolved(tmp_path, profile="prod", read_only=True)
    session = build_session(options, keep_journal=False)
    assert session.read_only and not session.can_unlock
    with pytest.raises(Refused, match="writing cannot be unlocked"):
        session.unlock("prod")
    assert session.read_only
    unlocked = build_session(resolved(tmp_path, profile="prod"), keep_journal=False)
    assert unlocked.can_unlock


async def test_w_does_not_unlock_a_read_only_session(sim: Simulator) -> None:
    profile = ProfileView(name="prod", production=True, read_only=True)
    app = make_app(sim, profile=profile, read_only=True)
    async with running(app) as pilot:
        await pilot.press("W")
        await pilot.pause()
        assert not isinstance(app.screen, UnlockWriting)
        log = app.main.query_one("#log", LogPanel).all_lines()
        assert any("writing cannot be unlocked in this session" in line for line in log)
        assert app.session.read_only and app.client.read_only
        await pilot.press("d")
        assert not isinstance(app.screen, ConfirmBatch)


# -- a reason that shows ------------------------------------------------------------


@pytest.mark.parametrize("reason", ["\u200b", " \u200b\u200e\ufeff ", "\u2060\t", "\x00\x1b"])
def test_a_reason_of_nothing_visible_is_no_reason(reason: str) -> None:
    profile = ProfileView(name="prod", require_reason=True)
    assert visible_text(reason) == ""
    assert reason_refusal(profile.name, profile.require_reason, reason) is not None
    assert reason_refusal(profile.name, profile.require_reason, "INC-9\u200b001") is None


def test_the_command_line_refuses_a_zero_width_reason(tmp_path: Path) -> None:
    with served() as server:
        config = tmp_path / "xdg_config_home" / "mysafe-tui" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(
            f'[profiles.t]\nurl = "{server.url}"\nclient_id = "mysafe-demo"\n'
            "require_reason = true\n"
        )
        env = {
            **server_env(server.url),
            "MYSAFE_URL": None,
            "XDG_CONFIG_HOME": str(config.parents[1]),
        }
        args = ["deactivate", "passwords", "--ids", writable(server.simulator, 1)[0], "--yes"]
        done = invoke([*args, "--profile", "t", "--reason", "\u200b", "--format", "table"], env)
        assert done.exit_code == 2
        assert "requires a reason" in only_line(done.stderr)
        assert server.simulator.request_log == []


# -- --insecure, said out loud --------------------------------------------------------


def test_insecure_is_warned_about_on_stderr(isolated_dirs: Path) -> None:
    with served() as server:
        done = invoke(
            ["list", "passwords", "--insecure", "--format", "json"], server_env(server.url)
        )
    assert done.exit_code == 0, done.stderr
    assert f"certificate verification is off for {server.url}" in done.stderr
