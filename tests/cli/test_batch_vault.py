"""A batch belongs to its vault (issue 17): resume and undo act only on the server,
tenant and access key a batch was made on; one process at a time; the demo apart.

Two simulators on two loopback ports stand for two vaults, and the demo for a
third. Each keeps its own record of every request: the promise is that a batch's
follow-ups never reach a server it was not made on.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, Kind, MySafeClient
from tui.console.dialogs import ConfirmBatch, NameServer
from tui.console.widgets import LogPanel
from tui.ops import (
    BatchPlan,
    ItemOutcome,
    Journal,
    JournalContext,
    Refused,
    Result,
    Session,
    counter_ids,
    load_batches,
)
from tui.ops.target import Target
from tui.settings.paths import audit_path
from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
)

from support.cli import invoke, only_line, process_env, run_tui, server_env, start_tui
from support.console import make_app, running, wait_until
from support.servers import ServedSimulator, served
from support.sims import FAST_RETRY, writable, writes

# -- the target itself -----------------------------------------------------------------


def test_one_server_written_two_ways_is_one_target_and_any_difference_is_another() -> None:
    base = Target.of_url("https://vault.example.com", tenant="acme", client_id="k1")
    assert Target.of_url("HTTPS://Vault.Example.COM.:443/", tenant="acme", client_id="k1") == base
    assert base.url == "https://vault.example.com:443"
    others = [
        Target.of_url("http://vault.example.com", tenant="acme", client_id="k1"),
        Target.of_url("https://vault.example.com:8443", tenant="acme", client_id="k1"),
        Target.of_url("https://vault.example.com/pam", tenant="acme", client_id="k1"),
        Target.of_url("https://vault.example.com", tenant="other", client_id="k1"),
        Target.of_url("https://vault.example.com", tenant="acme", client_id="k2"),
        Target.of_url("https://other.example.com", tenant="acme", client_id="k1"),
    ]
    assert all(other != base for other in others)
    assert Target.from_record(base.as_record()) == base
    assert Target.from_record({"scheme": "https", "host": "x"}) is None
    assert Target.from_record({**base.as_record(), "port": "443"}) is None
    assert base.describe() == "https://vault.example.com:443 (tenant acme, key k1)"


# -- two vaults and the demo, from the command line -------------------------------------


@pytest.fixture
def two() -> Iterator[tuple[ServedSimulator, ServedSimulator]]:
    with served() as first, served() as second:
        yield first, second


def journal_for(url: str) -> Journal:
    """The real journal, as a session on ``url`` with the demo key writes it."""
    written = Journal(audit_path(), JournalContext("default", "127.0.0.1", "op"))
    written.target = Target.of_url(url, client_id=DEMO_CLIENT_ID)
    return written


def killed_batch(url: str, batch_id: str, ids: list[str]) -> None:
    """What a SIGKILL leaves: the plan, one intent without an answer, no end."""
    refs = [ItemRef(Kind.PASSWORD, ident) for ident in ids]
    trail = journal_for(url)
    trail.batch_started(batch_id, Action.DEACTIVATE, refs, pid=2**22 + 4321)
    trail.intent(refs[0], Action.DEACTIVATE, batch_id)
    trail.close()


def test_resume_and_undo_reach_only_the_vault_the_batch_was_made_on(
    two: tuple[ServedSimulator, ServedSimulator], isolated_dirs: Path
) -> None:
    first, second = two
    ids = writable(first.simulator, 3)
    made = invoke(
        ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "json"],
        server_env(first.url),
    )
    assert made.exit_code == 0, made.stderr
    done_on_first = json.loads(made.stdout)["batch_id"]
    killed_batch(first.url, "kill0001", writable(first.simulator, 5)[3:5])
    demo = invoke(["deactivate", "passwords", "--ids", "2", "--demo", "--yes", "--format", "json"])
    assert demo.exit_code == 0, demo.stderr
    demo_batch = json.loads(demo.stdout)["batch_id"]
    first_writes = len(writes(first.simulator))

    # From the second vault: every follow-up of the first's batches is refused.
    for command in (["undo", done_on_first], ["resume", "kill0001"]):
        done = invoke([*command, "--yes", "--format", "table"], server_env(second.url))
        assert done.exit_code == 2, done.stdout
        line = only_line(done.stderr)
        assert f"belongs to {first.url}" in line and f"is on {second.url}" in line
        assert "nothing was sent" in line
    # From the demo, and the demo's batch from a vault: their journals never meet.
    done = invoke(["undo", done_on_first, "--demo", "--yes", "--format", "table"])
    assert done.exit_code == 2 and "not a demo batch" in only_line(done.stderr)
    done = invoke(["undo", demo_batch, "--yes", "--format", "table"], server_env(first.url))
    assert done.exit_code == 2 and "it is a demo batch" in only_line(done.stderr)
    # The same server with another access key, or another tenant, is another vault.
    other_key = {**server_env(first.url), "MYSAFE_CLIENT_ID": "someone-else"}
    done = invoke(["undo", done_on_first, "--yes", "--format", "table"], other_key)
    assert done.exit_code == 2 and "key someone-else" in only_line(done.stderr)
    done = invoke(
        ["undo", done_on_first, "--yes", "--tenant", "acme", "--format", "table"],
        server_env(first.url),
    )
    assert done.exit_code == 2 and "tenant acme" in only_line(done.stderr)

    assert writes(second.simulator) == []
    assert len(writes(first.simulator)) == first_writes

    # On the vault they were made on, both go ahead.
    undone = invoke(["undo", done_on_first, "--yes", "--format", "json"], server_env(first.url))
    assert undone.exit_code == 0, undone.stderr
    assert all(first.simulator.is_active("password", ident) for ident in ids)
    resumed = invoke(["resume", "kill0001", "--yes", "--format", "json"], server_env(first.url))
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["resumes"] == "kill0001"
    assert writes(second.simulator) == []
    again = invoke(["resume", "kill0001", "--yes", "--format", "table"], server_env(first.url))
    assert again.exit_code == 2 and "resumed already" in only_line(again.stderr)

    batches = {b.batch_id: b for b in load_batches(audit_path())}
    assert batches[done_on_first].target == Target.of_url(first.url, client_id=DEMO_CLIENT_ID)
    assert [b.batch_id for b in load_batches(audit_path(demo=True))] == [demo_batch]
    audit = invoke(["audit", "--batch", done_on_first, "--format", "json"])
    [entry] = json.loads(audit.stdout)
    assert Target.from_record(entry["target"]) == batches[done_on_first].target


def test_a_batch_recorded_before_targets_is_acted_on_only_where_the_operator_names(
    two: tuple[ServedSimulator, ServedSimulator], isolated_dirs: Path
) -> None:
    first, second = two
    ids = writable(first.simulator, 2)
    old = Journal(audit_path(), JournalContext("default", "127.0.0.1", "op"))  # no target
    refs = [ItemRef(Kind.PASSWORD, ident) for ident in ids]
    old.batch_started("old00001", Action.DEACTIVATE, refs, pid=2**22 + 11)
    old.close()

    done = invoke(["resume", "old00001", "--yes", "--format", "table"], server_env(first.url))
    assert done.exit_code == 2
    assert "no target on record" in only_line(done.stderr) and "--made-on URL" in done.stderr
    done = invoke(
        ["resume", "old00001", "--yes", "--made-on", second.url, "--format", "table"],
        server_env(first.url),
    )
    line = only_line(done.stderr)
    assert done.exit_code == 2 and f"made on {second.url}, as you say" in line
    assert f"this session is on {first.url}" in line
    done = invoke(
        ["resume", "old00001", "--yes", "--made-on", "not a url", "--format", "table"],
        server_env(first.url),
    )
    assert done.exit_code == 2 and "--made-on" in only_line(done.stderr)
    assert writes(first.simulator) == [] and writes(second.simulator) == []
    audit = invoke(["audit", "--format", "table"])
    assert "unknown" in audit.stdout

    done = invoke(
        ["resume", "old00001", "--yes", "--made-on", first.url, "--format", "json"],
        server_env(first.url),
    )
    assert done.exit_code == 0, done.stderr
    assert not any(first.simulator.is_active("password", ident) for ident in ids)
    assert writes(second.simulator) == []


# -- one resumer at a time ------------------------------------------------------------


def session_on(sim: Simulator, path: Path, prefix: str, concurrency: int = 4) -> Session:
    settings = ClientSettings(
        base_url=sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=FAST_RETRY,
        concurrency=concurrency,
    )
    client = MySafeClient(settings, transport=sim.transport())
    trail = Journal(path, JournalContext("demo", "sim", "op"))
    return Session(client, journal=trail, new_batch_id=counter_ids(prefix))


async def test_two_sessions_never_resume_one_batch_twice(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=3, passwords=30, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    first, second = session_on(sim, path, "a"), session_on(sim, path, "c")
    ids = [i.identifier for i in sim.items("password") if i.can_write and i.active][:12]
    dead = Journal(path, JournalContext("demo", "sim", "op"))
    dead.target = first.target
    refs = [ItemRef(Kind.PASSWORD, ident) for ident in ids]
    dead.batch_started("dead0001", Action.DEACTIVATE, refs, pid=2**22 + 99)
    dead.close()

    [batch] = first.recover()
    [seen_by_second] = second.interrupted()
    sim.faults.latency = 0.05
    run = first.start(first.resume_plan(batch))
    plan = second.resume_plan(seen_by_second)  # planned from what it read before
    with pytest.raises(Refused) as refused:
        second.start(plan)
    assert f"Batch dead0001 is being resumed by process {os.getpid()} since" in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    await first.wait()
    assert run.state == "done"
    with pytest.raises(Refused, match="resumed already by batch a0001"):
        second.start(plan)
    sent = [path for _, path, _ in sim.request_log if "/inactive/" in path]
    assert sorted(sent) == sorted(f"/api/mysafe/password/inactive/{i}" for i in ids)
    assert second.running is None and second.history == []
    await asyncio.gather(first.shutdown(), second.shutdown())


async def test_a_batch_in_progress_elsewhere_cannot_be_undone_and_the_lock_dies_with_it(
    tmp_path: Path,
) -> None:
    sim = Simulator(SimulatorConfig(seed=3, passwords=20, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    # One request at a time: the batch is still running when the undo is tried.
    first, second = session_on(sim, path, "a", concurrency=1), session_on(sim, path, "c")
    ids = [i.identifier for i in sim.items("password") if i.can_write and i.active][:8]
    sim.faults.latency = 0.05
    run = first.start(BatchPlan(Action.DEACTIVATE, [ItemRef(Kind.PASSWORD, i) for i in ids]))
    await wait_until_record(path, "outcome")
    [batch] = second.past_batches()
    assert batch.undoable()
    with pytest.raises(Refused, match="is being sent by process"):
        second.start(second.reverse_plan(batch))
    await first.wait()
    assert run.state == "done"
    [batch] = second.past_batches()
    undo = second.start(second.reverse_plan(batch))
    await second.wait()
    assert undo.state == "done" and all(sim.is_active("password", i) for i in ids)
    await asyncio.gather(first.shutdown(), second.shutdown())


async def wait_until_record(path: Path, phase: str) -> None:
    for _ in range(500):
        if path.exists() and f'"phase": "{phase}"' in path.read_text():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {phase} record")


# -- the console ----------------------------------------------------------------------


async def test_the_console_offers_and_runs_nothing_of_another_vault(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    far = Target.of_url("https://vault.example.com:8443", tenant="acme", client_id="other-key")
    elsewhere = Journal(path, JournalContext("default", "vault.example.com", "op"))
    elsewhere.target = far
    keys = [i.identifier for i in sim.items("password") if i.can_write and i.active][:3]
    refs = [ItemRef(Kind.PASSWORD, key) for key in keys]
    elsewhere.batch_started("far00001", Action.DEACTIVATE, refs, pid=2**22 + 5)
    elsewhere.intent(refs[0], Action.DEACTIVATE, "far00001")
    elsewhere.close()
    trail = Journal(path, JournalContext("demo", "sim", "op"))
    app = make_app(sim, audit=trail)
    async with running(app) as pilot:
        lines = app.main.query_one("#log", LogPanel).all_lines
        await wait_until(pilot, lambda: any("other servers" in line for line in lines()))
        assert not any("R resumes it" in line for line in lines())
        await pilot.press("R")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert any(
            "Batch far00001 belongs to https://vault.example.com:8443 (tenant acme, key "
            "other-key); this session is on https://mysafe.simulator.invalid:443" in line
            for line in lines()
        )
        assert not isinstance(app.screen, ConfirmBatch)
    assert not [entry for entry in sim.request_log if "/active" in entry[1]]
    assert not [entry for entry in sim.request_log if "/inactive" in entry[1]]


async def test_the_console_reverses_a_batch_of_no_target_only_on_the_server_named(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    old = Journal(path, JournalContext("demo", "sim", "op"))  # as written before targets
    keys = [i.identifier for i in sim.items("password") if i.can_write and i.active][:2]
    for key in keys:
        sim.set_active("password", key, False)
    refs = [ItemRef(Kind.PASSWORD, key) for key in keys]
    old.batch_started("old00001", Action.DEACTIVATE, refs, pid=2**22 + 5)
    for ref in refs:
        old.intent(ref, Action.DEACTIVATE, "old00001")
        old.outcome(ItemOutcome(ref, Action.DEACTIVATE, Result.CHANGED, "ok", 200), "old00001")
    old.batch_finished("old00001", "2 deactivated", state="done", left=0)
    old.close()
    app = make_app(sim, audit=Journal(path, JournalContext("demo", "sim", "op")))
    async with running(app) as pilot:
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, NameServer))
        await pilot.press(*"https://vault.example.com", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, NameServer))
        lines = app.main.query_one("#log", LogPanel).all_lines
        assert any("was made on https://vault.example.com:443, as you say" in x for x in lines())
        assert not isinstance(app.screen, ConfirmBatch)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, NameServer))
        await pilot.press(*"https://MySafe.simulator.invalid/", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmBatch))
        await pilot.press("y")
        await wait_until(pilot, lambda: all(sim.is_active("password", key) for key in keys))
    [_, undo] = load_batches(path)
    assert undo.undoes == "old00001" and undo.target == app.session.target


def test_a_batch_stopped_by_sigint_resumes_only_on_its_own_server(tmp_path: Path) -> None:
    """The issue's case: a command-line batch interrupted, then resumed from elsewhere."""
    slow = SimulatorConfig(seed=1, faults=FaultConfig(latency=0.05))
    with ServedSimulator(Simulator(slow)) as first, served() as second:
        ids = writable(first.simulator, 24)
        key = {"MYSAFE_CLIENT_ID": DEMO_CLIENT_ID, "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET}
        env = process_env(tmp_path, {**key, "MYSAFE_URL": first.url})
        args = ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "jsonl"]
        child = start_tui([*args, "--concurrency", "2"], env)
        assert child.stdout is not None and child.stderr is not None
        batch_id = json.loads(child.stdout.readline())["batch_id"]
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)
        assert child.returncode == 130
        sent_before = len(writes(first.simulator))

        # audit says it was interrupted, and how to finish it.
        [told] = json.loads(run_tui(["audit", "--format", "json"], env).stdout)
        assert (told["state"], told["resumable"]) == ("interrupted", True)
        assert told["resume"] == f"mysafe-tui resume {batch_id}"
        assert (
            f"mysafe-tui resume {batch_id}" in run_tui(["audit", "--format", "table"], env).stdout
        )

        elsewhere = run_tui(
            ["resume", batch_id, "--yes", "--format", "table"], {**env, "MYSAFE_URL": second.url}
        )
        assert elsewhere.returncode == 2
        assert f"belongs to {first.url}" in elsewhere.stderr
        assert f"is on {second.url}" in elsewhere.stderr
        in_demo = run_tui(["resume", batch_id, "--demo", "--yes", "--format", "table"], env)
        assert in_demo.returncode == 2 and "not a demo batch" in in_demo.stderr
        assert writes(second.simulator) == []
        assert len(writes(first.simulator)) == sent_before

        here = run_tui(["resume", batch_id, "--yes", "--format", "json"], env)
        assert here.returncode == 0, here.stderr
        assert not any(first.simulator.is_active("password", ident) for ident in ids)
        sent = [path.rsplit("/", 1)[1] for _, path, _ in writes(first.simulator)]
        assert sorted(set(sent)) == sorted(ids)
        assert len(sent) == len(ids), "nothing settled was sent twice"
        assert writes(second.simulator) == []


async def test_a_console_does_not_resume_a_batch_another_process_is_resuming(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    other = session_on(sim, path, "x", concurrency=1)  # another console or a script
    keys = [i.identifier for i in sim.items("password") if i.can_write and i.active][:6]
    dead = Journal(path, JournalContext("demo", "sim", "op"))
    dead.target = other.target
    refs = [ItemRef(Kind.PASSWORD, key) for key in keys]
    dead.batch_started("dead0001", Action.DEACTIVATE, refs, pid=2**22 + 77)
    dead.close()
    app = make_app(sim, audit=Journal(path, JournalContext("demo", "sim", "op")))
    async with running(app) as pilot:
        lines = app.main.query_one("#log", LogPanel).all_lines
        await wait_until(pilot, lambda: any("R resumes it" in line for line in lines()))
        [batch] = other.interrupted()
        sim.faults.latency = 0.2
        elsewhere = other.start(other.resume_plan(batch))
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmBatch))
        await pilot.press("y")
        await wait_until(
            pilot, lambda: any("dead0001 is being resumed by process" in x for x in lines())
        )
        assert app.session.history == []
        await other.wait()
    assert elsewhere.state == "done"
    sent = [p for _, p, _ in sim.request_log if "/inactive/" in p]
    assert sorted(sent) == sorted(f"/api/mysafe/password/inactive/{k}" for k in keys)
    await other.shutdown()
