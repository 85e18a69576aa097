"""``deactivate``, ``activate`` and ``undo`` against the simulator on a real socket."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tui.cli.options
from tui.ops import load_batches, read_records
from tui.settings.paths import audit_path
from tui.simulator import FaultConfig

from support.cli import invoke, json_lines, only_line, server_env
from support.servers import ServedSimulator, served
from support.sims import writable, writes

HEX = re.compile(r"[0-9a-f]{8}")


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def deactivate(server: ServedSimulator, *extra: str, env: Any = None) -> Any:
    return invoke(["deactivate", "passwords", *extra], env or server_env(server.url))


def test_the_json_result_has_the_documented_shape(server: ServedSimulator) -> None:
    sim = server.simulator
    ids = writable(sim, 2)
    done = deactivate(server, "--ids", ",".join(ids), "--yes", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert HEX.fullmatch(result["batch_id"])
    for item in result["items"]:
        assert re.fullmatch(r"[0-9a-f]{32}", item.pop("request_id"))
    head = result.pop("journal_head")  # the chain at the batch's end, for the ticket
    assert head["seq"] > 0 and re.fullmatch(r"[0-9a-f]{64}", head["hash"])
    assert result == {
        "batch_id": result["batch_id"],
        "action": "deactivate",
        "items": [
            {
                "kind": "password",
                "identifier": ident,
                "name": sim.get("password", ident).name,
                "outcome": "changed",
                "message": "Password successfully deactivated",
                "http_status": 200,
                "code": None,
            }
            for ident in ids
        ],
        "summary": {"changed": 2},
    }
    assert not any(sim.is_active("password", ident) for ident in ids)


def test_a_second_run_finds_them_already_so_and_succeeds(server: ServedSimulator) -> None:
    ids = ",".join(writable(server.simulator, 3))
    first = deactivate(server, "--ids", ids, "--yes", "--format", "jsonl")
    assert first.exit_code == 0
    second = deactivate(server, "--ids", ids, "--yes", "--format", "jsonl")
    assert second.exit_code == 0
    lines = json_lines(second.stdout)
    assert [line["outcome"] for line in lines] == ["already"] * 3
    assert all(line["message"] == "Password has already been deactivated" for line in lines)
    assert len({line["batch_id"] for line in lines}) == 1


def test_unknown_ids_and_no_access_fail_the_items_and_exit_1(server: ServedSimulator) -> None:
    sim = server.simulator
    hidden = next(i.identifier for i in sim.items("password") if not i.can_view)
    good = writable(sim, 1)[0]
    done = deactivate(server, "--ids", f"{good},99999,{hidden}", "--yes", "--format", "json")
    assert done.exit_code == 1
    items = {item["identifier"]: item for item in json.loads(done.stdout)["items"]}
    assert items[good]["outcome"] == "changed"
    assert (items["99999"]["outcome"], items["99999"]["code"]) == ("failed", 1005)
    assert (items[hidden]["outcome"], items[hidden]["code"]) == ("failed", 1006)
    assert items["99999"]["http_status"] == 400 and items["99999"]["request_id"]
    assert json.loads(done.stdout)["summary"] == {"changed": 1, "failed": 2}


def test_what_the_list_says_may_not_be_edited_is_refused_not_sent(server: ServedSimulator) -> None:
    sim = server.simulator
    locked = next(i for i in sim.items("password") if i.can_view and not i.can_write and i.active)
    good = writable(sim, 1)[0]
    done = deactivate(server, "--ids", f"{locked.identifier},{good}", "--yes", "--format", "json")
    assert done.exit_code == 1
    result = json.loads(done.stdout)
    refused = result["items"][0]
    assert (refused["identifier"], refused["outcome"]) == (locked.identifier, "refused")
    assert refused["name"] == locked.name and "can_write" in refused["message"]
    assert result["summary"] == {"changed": 1, "refused": 1}
    assert [path for _, path, _ in writes(sim)] == [f"/api/mysafe/password/inactive/{good}"]


def test_off_a_terminal_without_yes_nothing_is_sent(server: ServedSimulator) -> None:
    ids = ",".join(writable(server.simulator, 2))
    done = deactivate(server, "--ids", ids, "--format", "table")
    assert done.exit_code == 2
    assert "--yes" in only_line(done.stderr)
    assert server.simulator.request_log == []
    assert not audit_path().exists()


def test_on_a_terminal_it_asks_and_a_no_sends_nothing(
    server: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The terminal itself (/dev/tty) is a pty test's (test_cli_conventions.py).
    asked: list[str] = []
    answers = iter([False, True])

    def ask(question: str) -> bool:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr(tui.cli.options, "interactive", lambda: True)
    monkeypatch.setattr(tui.cli.options, "ask", ask)
    ids = writable(server.simulator, 2)
    done = invoke(
        ["deactivate", "passwords", "--ids", ",".join(ids), "--format", "table"],
        server_env(server.url),
    )
    assert done.exit_code == 2
    assert "Deactivate 2 passwords on default" in asked[0]
    assert writes(server.simulator) == []
    done = invoke(
        ["deactivate", "passwords", "--ids", ",".join(ids), "--format", "table"],
        server_env(server.url),
    )
    assert done.exit_code == 0
    assert "deactivate: 2 deactivated" in done.stdout


def test_ids_from_list_jsonl_on_stdin(server: ServedSimulator) -> None:
    env = server_env(server.url)
    listed = invoke(["list", "passwords", "--tag", "prod", "--format", "jsonl"], env)
    chosen = [line for line in json_lines(listed.stdout) if line["can_write"]]
    done = invoke(
        ["deactivate", "passwords", "--ids-file", "-", "--yes", "--format", "json"],
        env,
        stdin=listed.stdout,
    )
    result = json.loads(done.stdout)
    outcomes = {item["identifier"]: item["outcome"] for item in result["items"]}
    assert {line["identifier"] for line in chosen} <= {
        k for k, v in outcomes.items() if v == "changed"
    }
    assert done.exit_code == (0 if len(chosen) == len(outcomes) else 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3\nx4\n", "'x4' (stdin line 2) is not a MySafe identifier"),
        ('{"kind": "api_secret", "identifier": "3"}\n', "is a 'api_secret' item"),
        ("[1, 2", "stdin is not valid JSON"),
    ],
)
def test_bad_ids_are_refused_before_anything_is_sent(
    server: ServedSimulator, text: str, message: str
) -> None:
    done = invoke(
        ["deactivate", "passwords", "--ids-file", "-", "--yes", "--format", "table"],
        server_env(server.url),
        stdin=text,
    )
    assert done.exit_code == 2
    assert message in only_line(done.stderr)
    assert server.simulator.request_log == []


def test_an_empty_id_list_is_success_with_nothing_sent(server: ServedSimulator) -> None:
    done = invoke(
        ["deactivate", "passwords", "--ids-file", "-", "--yes", "--format", "json"],
        server_env(server.url),
        stdin="",
    )
    assert done.exit_code == 0
    assert json.loads(done.stdout) == {
        "batch_id": None,
        "action": "deactivate",
        "items": [],
        "summary": {},
    }
    assert server.simulator.request_log == []


def test_a_dry_run_prints_curl_lines_and_sends_nothing(server: ServedSimulator) -> None:
    ids = writable(server.simulator, 2)
    done = deactivate(server, "--ids", ",".join(ids), "--dry-run", "--format", "table")
    assert done.exit_code == 0
    token, *lines = done.stdout.splitlines()
    assert token.startswith("TOKEN=$(curl -sS -X POST ")
    assert '"client_secret=$MYSAFE_CLIENT_SECRET"' in token
    assert lines == [
        f"curl -sS -X POST {server.url}/api/mysafe/password/inactive/{ident} "
        '-H "Authorization: Bearer $TOKEN"'
        for ident in ids
    ]
    assert server.simulator.request_log == []
    assert [r["phase"] for r in read_records(audit_path())] == ["dry_run"]


def test_activate_reverses_deactivate_from_its_json(server: ServedSimulator) -> None:
    sim = server.simulator
    ids = writable(sim, 2)
    first = deactivate(server, "--ids", ",".join(ids), "--yes", "--format", "json")
    done = invoke(
        ["activate", "passwords", "--ids-file", "-", "--yes", "--format", "json"],
        server_env(server.url),
        stdin=first.stdout,
    )
    assert done.exit_code == 0
    assert json.loads(done.stdout)["summary"] == {"changed": 2}
    assert all(sim.is_active("password", ident) for ident in ids)


def test_undo_reverses_a_batch_from_the_journal(server: ServedSimulator) -> None:
    sim = server.simulator
    ids = writable(sim, 3)
    first = deactivate(server, "--ids", ",".join(ids), "--yes", "--format", "json")
    batch_id = json.loads(first.stdout)["batch_id"]
    done = invoke(["undo", batch_id, "--yes", "--format", "json"], server_env(server.url))
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["action"], result["undoes"], result["summary"]) == (
        "activate",
        batch_id,
        {"changed": 3},
    )
    assert [item["name"] for item in result["items"]] == [sim.get("password", i).name for i in ids]
    assert all(sim.is_active("password", ident) for ident in ids)
    batches = {b.batch_id: b for b in load_batches(audit_path())}
    assert batches[batch_id].undone_by == [result["batch_id"]]


def test_undo_refuses_an_unknown_batch_and_another_profiles_batch(
    server: ServedSimulator,
) -> None:
    done = invoke(["undo", "nope", "--yes", "--format", "json"], server_env(server.url))
    assert done.exit_code == 2 and "no batch 'nope'" in done.stderr
    demo = invoke(["deactivate", "passwords", "--ids", "2", "--demo", "--yes", "--format", "json"])
    assert demo.exit_code == 0, demo.stderr
    batch_id = json.loads(demo.stdout)["batch_id"]
    done = invoke(["undo", batch_id, "--yes", "--format", "table"], server_env(server.url))
    assert done.exit_code == 2
    # The demo keeps its own journal: the real one does not even hold the batch.
    assert "it is a demo batch: use --demo" in only_line(done.stderr)
    assert server.simulator.request_log == []


# -- guards: read-only, production, batch limit, reason ---------------------------------


@pytest.fixture
def profiles(server: ServedSimulator, isolated_dirs: Path) -> dict[str, str | None]:
    """A production profile for the served simulator, and a read-only one for another
    server (another base path: another server, however the host is spelt)."""
    other = server.url.replace("127.0.0.1", "localhost") + "/elsewhere"
    config = isolated_dirs / "xdg_config_home" / "mysafe-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[profiles.prod]\nurl = "{server.url}"\nclient_id = "mysafe-demo"\n'
        "production = true\nmax_batch = 2\nrequire_reason = true\n"
        f'[profiles.ro]\nurl = "{other}"\nclient_id = "mysafe-demo"\nread_only = true\n'
    )
    env = server_env(server.url)
    env["MYSAFE_URL"] = None
    return env


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--profile", "ro", "--yes"], "Read-only session"),
        (["--profile", "prod", "--yes", "--reason", "T-1"], "--unlock-production prod"),
        (["--profile", "prod", "--unlock-production", "prod", "--reason", "T-1"], "--yes"),
        (["--profile", "prod", "--unlock-production", "Prod", "--yes", "--reason", "T"], "'prod'"),
        (["--profile", "prod", "--unlock-production", "prod", "--yes"], "--reason TEXT"),
        (["--profile", "ro", "--unlock-production", "ro", "--yes"], "cannot be unlocked"),
        # The URL of a production profile, named without it: the profile's guards hold.
        (["--yes", "--reason", "T-1"], "--unlock-production prod"),
    ],
)
def test_guards_refuse_before_anything_is_sent(
    server: ServedSimulator, profiles: dict[str, str | None], args: list[str], text: str
) -> None:
    env = profiles if "--profile" in args else server_env(server.url)
    ids = ",".join(writable(server.simulator, 2))
    done = deactivate(server, "--ids", ids, *args, "--format", "json", env=env)
    assert done.exit_code == 2, done.stderr
    assert text in done.stderr.splitlines()[0]
    assert json.loads(done.stderr.splitlines()[1])["error"]["kind"] in ("refused", "usage")
    assert done.stdout == "" and server.simulator.request_log == []


def test_read_only_refuses_before_anything_is_sent(server: ServedSimulator) -> None:
    ids = ",".join(writable(server.simulator, 2))
    done = deactivate(server, "--ids", ids, "--read-only", "--yes", "--format", "table")
    assert done.exit_code == 2
    assert "Read-only session" in only_line(done.stderr)
    assert server.simulator.request_log == []


@pytest.fixture
def spellings(server: ServedSimulator, isolated_dirs: Path) -> str:
    """``prod`` at the served simulator's address; ``staging`` at its name (one server),
    and ``tenant-b`` at the same address for another tenant (another server)."""
    port = server.url.rsplit(":", 1)[1]
    config = isolated_dirs / "xdg_config_home" / "mysafe-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[profiles.prod]\nurl = "http://127.0.0.1:{port}"\nclient_id = "mysafe-demo"\n'
        'tenant = "a"\nproduction = true\nmax_batch = 5\nrequire_reason = true\n'
        f'[profiles.staging]\nurl = "http://localhost:{port}"\nclient_id = "mysafe-demo"\n'
        f'[profiles.other]\nurl = "http://127.0.0.1:{port}"\nclient_id = "mysafe-demo"\n'
        'tenant = "b"\n'
    )
    return port


@pytest.mark.parametrize(
    "how",
    [
        ["--profile", "staging"],
        ["--url", "http://localhost:{port}"],
        ["--url", "http://LocalHost:{port}/"],
        ["--url", "http://127.0.0.1:{port}"],
    ],
    ids=["profile-by-name", "url-by-name", "url-odd-spelling", "url-by-address"],
)
def test_the_production_server_by_any_spelling_keeps_its_guards(
    server: ServedSimulator, spellings: str, how: list[str]
) -> None:
    env = {**server_env(server.url), "MYSAFE_URL": None}
    args = [part.format(port=spellings) for part in how]
    done = deactivate(server, "--ids", "3", *args, "--yes", "--format", "table", env=env)
    assert done.exit_code == 2, done.stdout
    line = only_line(done.stderr)
    assert "production" in line and "--unlock-production" in line and "prod" in line
    assert server.simulator.request_log == []


def test_another_tenant_at_the_same_address_is_another_server(
    server: ServedSimulator, spellings: str
) -> None:
    env = {**server_env(server.url), "MYSAFE_URL": None}
    ids = writable(server.simulator, 1)
    done = deactivate(server, "--ids", ids[0], "--profile", "other", "--yes", env=env)
    assert done.exit_code == 0, done.stderr
    assert not server.simulator.is_active("password", ids[0])


def test_read_only_is_not_unlocked_by_naming_the_production_profile(
    server: ServedSimulator, spellings: str
) -> None:
    env = {**server_env(server.url), "MYSAFE_URL": None}
    args = ["--profile", "prod", "--read-only", "--unlock-production", "prod", "--yes"]
    done = deactivate(server, "--ids", "3", *args, "--reason", "T-1", "--format", "table", env=env)
    assert done.exit_code == 2
    assert "writing cannot be unlocked" in only_line(done.stderr)
    assert server.simulator.request_log == []


def test_production_writes_once_unlocked_within_its_limit(
    server: ServedSimulator, profiles: dict[str, str | None]
) -> None:
    sim = server.simulator
    unlock = ["--profile", "prod", "--unlock-production", "prod", "--yes", "--reason", "INC-7"]
    three = ",".join(writable(sim, 3))
    done = deactivate(server, "--ids", three, *unlock, "--format", "table", env=profiles)
    assert done.exit_code == 2 and "more than the limit of 2" in only_line(done.stderr)
    assert writes(sim) == []  # the list was read; nothing was written
    two = writable(sim, 2)
    done = deactivate(server, "--ids", ",".join(two), *unlock, "--format", "json", env=profiles)
    assert done.exit_code == 0, done.stderr
    assert not any(sim.is_active("password", ident) for ident in two)
    records = list(read_records(audit_path()))
    assert [r["phase"] for r in records][:2] == ["unlock", "batch"]
    assert records[1]["reason"] == "INC-7" and records[1]["profile"] == "prod"


def test_undo_leaves_uncertain_items_out_unless_included(server: ServedSimulator) -> None:
    sim = server.simulator
    ids = writable(sim, 3)
    # The first write is applied and its answer lost; its retry answers "already":
    # maybe this batch did it, maybe someone else. It is uncertain.
    sim.inject("lost", routes="write")
    first = deactivate(server, "--ids", ",".join(ids), "--yes", "--format", "json")
    assert first.exit_code == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["summary"] == {"changed": 2, "uncertain": 1}
    [lost] = [i["identifier"] for i in result["items"] if i["outcome"] == "uncertain"]
    changed = [i for i in ids if i != lost]
    batch_id = result["batch_id"]
    env = server_env(server.url)

    dry = invoke(["undo", batch_id, "--dry-run", "--format", "json"], env)
    assert dry.exit_code == 0, dry.stderr
    assert [r["identifier"] for r in json.loads(dry.stdout)["requests"]] == changed
    assert "left out: 1 item uncertain" in dry.stderr and lost in dry.stderr
    assert "--include-uncertain" in dry.stderr

    before = len(writes(sim))
    done = invoke(["undo", batch_id, "--yes", "--format", "json"], env)
    assert done.exit_code == 0, done.stderr
    undone = json.loads(done.stdout)
    assert [i["identifier"] for i in undone["items"]] == changed
    assert undone["left_out_uncertain"] == [
        {"kind": "password", "identifier": lost, "name": sim.get("password", lost).name}
    ]
    assert "pass --include-uncertain" in done.stderr
    sent = [path.rsplit("/", 1)[1] for _, path, _ in writes(sim)[before:]]
    assert sorted(sent) == sorted(changed), "the uncertain item was not sent"
    assert not sim.is_active("password", lost)
    assert all(sim.is_active("password", i) for i in changed)

    dry = invoke(["undo", batch_id, "--dry-run", "--include-uncertain", "--format", "json"], env)
    assert [r["identifier"] for r in json.loads(dry.stdout)["requests"]] == [*changed, lost]
    both = invoke(["undo", batch_id, "--yes", "--include-uncertain", "--format", "json"], env)
    assert both.exit_code == 0, both.stderr
    assert lost in [i["identifier"] for i in json.loads(both.stdout)["items"]]
    assert "left out" not in both.stderr
    assert sim.is_active("password", lost), "sent on purpose: reactivated"


def test_a_rate_limit_is_waited_out_and_said_once_on_stderr() -> None:
    # Every third request limited, asking a wait of 0 s (so the test waits for nothing).
    faults = FaultConfig(rate_limit_every=3, rate_limit_wait=0)
    with served(faults=faults) as server:
        ids = writable(server.simulator, 12)
        done = deactivate(server, "--ids", ",".join(ids), "--yes", "--format", "jsonl")
        limited = [entry for entry in server.simulator.request_log if entry[2] == 429]
    assert done.exit_code == 0, done.stderr
    assert len(limited) >= 4
    line = only_line(done.stderr)
    assert line.startswith("mysafe-tui: warning: rate limited, waiting 0 s as the gateway asked")
    lines = json_lines(done.stdout)
    assert [item["outcome"] for item in lines] == ["changed"] * 12
    # Every outcome keeps the gateway's request id, on stdout and in the journal.
    assert all(re.fullmatch(r"[0-9a-f]{32}", item["request_id"]) for item in lines)
    records = [r for r in read_records(audit_path()) if r["phase"] == "outcome"]
    assert sorted(r["request_id"] for r in records) == sorted(i["request_id"] for i in lines)
