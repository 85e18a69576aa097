"""Each problem the journal issue saw, driven as an operator would, now right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.api import Action, ItemRef, Kind
from tui.console.dialogs import ConfirmBatch, UnlockWriting
from tui.console.widgets import LogPanel
from tui.ops import (
    ItemOutcome,
    Journal,
    JournalContext,
    ProfileView,
    Result,
    load_batches,
    read_records,
)
from tui.ops.target import Target
from tui.simulator import DEMO_CLIENT_ID, Simulator, SimulatorConfig
from tui.simulator.core import NOMINAL_BASE_URL

from support.console import (
    app_log_at,
    go_to,
    make_app,
    model,
    running,
    settle,
    spy_toasts,
    wait_until,
)
from support.sims import posts, writable


def journal(path: Path) -> Journal:
    """A journal as the simulator's sessions write it (bound to its target)."""
    written = Journal(path, JournalContext("demo", "sim", "op"))
    written.target = Target.of_url(NOMINAL_BASE_URL, client_id=DEMO_CLIENT_ID)
    return written


def dead_batch(path: Path, refs: list[ItemRef]) -> None:
    """What a SIGKILL leaves: a plan, one unanswered intent, no end."""
    killed = journal(path)
    killed.batch_started("dead0001", Action.DEACTIVATE, refs, pid=2**22 + 99)
    killed.intent(refs[0], Action.DEACTIVATE, "dead0001")
    killed.close()


def refs_of(sim: Simulator, keys: list[str]) -> list[ItemRef]:
    return [ItemRef(Kind.PASSWORD, k, sim.get("password", k).name) for k in keys]


async def test_an_answer_lost_then_already_is_uncertain_and_undo_leaves_it_out(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=journal(path))
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        keys = writable(sim)[:3]
        for key in keys:
            await go_to(app, pilot, key)
            await pilot.press("space")
        sim.inject("lost")  # applied by the server, the answer never arrives
        await pilot.press("d", "y")
        await settle(app, pilot)
        labels = [model(app).status_of(key) or "" for key in keys]
        assert sorted(labels) == ["already inactive (maybe ours)", "deactivated", "deactivated"]
        # The retry's "already" may be the lost attempt's doing, or someone else's.
        assert "1 already inactive (an attempt of this batch may have done it)" in toasts.texts()
        [lost] = [key for key, label in zip(keys, labels, strict=True) if "maybe" in label]
        await pilot.press("u")
        assert isinstance(app.screen, ConfirmBatch)
        plan = app.screen.plan
        assert sorted(r.identifier for r in plan.refs) == sorted(set(keys) - {lost})
        assert [r.identifier for r in plan.uncertain] == [lost]
    results = [r["result"] for r in read_records(path) if r["phase"] == "outcome"]
    assert sorted(results) == ["changed", "changed", "uncertain"]


async def test_an_undo_of_only_uncertain_items_sends_them_only_when_included(
    sim: Simulator, tmp_path: Path
) -> None:
    app = make_app(sim, audit=journal(tmp_path / "audit.jsonl"))
    async with running(app) as pilot:
        [key] = writable(sim)[:1]
        await go_to(app, pilot, key)
        sim.inject("lost")
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert model(app).status_of(key) == "already inactive (maybe ours)"
        await pilot.press("u")  # the dialog opens: it is where the operator decides
        assert isinstance(app.screen, ConfirmBatch)
        assert app.screen.plan.refs == [] and len(app.screen.plan.uncertain) == 1
        await pilot.press("y")
        await settle(app, pilot)
        assert any("1 item uncertain" in line and "include them" in line for line in log(app))
        assert not sim.is_active("password", key), "left out unless included"
        await pilot.press("u")
        assert isinstance(app.screen, ConfirmBatch)
        await pilot.press("i", "y")
        await settle(app, pilot)
    assert sim.is_active("password", key), "included on purpose: reactivated"


async def test_r_is_refused_until_the_lists_have_loaded_and_forgets_nothing(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    dead_batch(path, refs_of(sim, writable(sim)[:5]))
    sim.faults.hang = 2.0
    sim.inject("hang")  # the first list request is slow
    app = make_app(sim, audit=journal(path), read_timeout=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.main.batches.interrupted))
        assert not all(app.main.loaded.values())
        await pilot.press("R")
        assert not isinstance(app.screen, ConfirmBatch)
        assert any("wait until the lists have loaded" in e for e in log(app))
        await settle(app, pilot)
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmBatch) and app.screen.plan.resumes == "dead0001"
        await pilot.press("escape")
    [batch] = load_batches(path)
    assert batch.resumable, "cancelled: still offered at the next start"


async def test_r_is_refused_in_a_read_only_session(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    dead_batch(path, refs_of(sim, writable(sim)[:5]))
    app = make_app(sim, audit=journal(path), read_only=True)
    async with running(app) as pilot:
        await pilot.press("R")
        assert not isinstance(app.screen, ConfirmBatch)
        assert any("Resume refused" in line for line in log(app))
    assert posts(sim) == []
    [batch] = load_batches(path)
    assert batch.resumable and len(batch.left()) == 5


def full_disk(fd: int, data: bytes) -> int:
    raise OSError(28, "No space left on device")


async def test_w_stays_locked_when_its_record_cannot_be_written(
    sim: Simulator, tmp_path: Path
) -> None:
    unwritable = Journal(tmp_path / "audit.jsonl", JournalContext("p", "h", "o"), write=full_disk)
    app = make_app(sim, audit=unwritable, profile=ProfileView("prod", production=True))
    async with running(app) as pilot:
        await pilot.press("W")
        assert isinstance(app.screen, UnlockWriting)
        await pilot.press(*"prod", "enter")
        await pilot.pause()
        assert app.read_only and app.client.read_only
        assert any("Writing stays locked" in e.message for e in app.errors)
        assert "READ-ONLY" in str(app.main.query_one("#context-bar").render())
        await pilot.press("d")
        assert not isinstance(app.screen, ConfirmBatch)
    assert posts(sim) == []


async def test_a_full_disk_mid_batch_is_shown_once_and_the_app_ends_cleanly(
    sim: Simulator, tmp_path: Path
) -> None:
    budget = {"left": 3000}
    import os

    def write(fd: int, data: bytes) -> int:
        if budget["left"] < len(data):
            raise OSError(28, "No space left on device")
        budget["left"] -= len(data)
        return os.write(fd, data)

    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=Journal(path, JournalContext("d", "h", "o"), write=write))
    async with running(app) as pilot:
        keys = writable(sim)[:8]
        for key in keys:
            await go_to(app, pilot, key)
            await pilot.press("space")
        await pilot.press("d", "y")
        await settle(app, pilot)
        run = app.session.last_finished()
        assert run is not None and run.done == 8
        journal_errors = [e for e in app.errors if e.context == "Audit journal"]
        assert len(journal_errors) == 1, "one toast, not one per item"
        unsent = [k for k in keys if sim.is_active("password", k)]
        # Never sent: not attempted (issue 18), never "failed".
        assert unsent and all(model(app).status_of(k) == "not attempted" for k in unsent)
        sent = {k for k in keys if not sim.is_active("password", k)}
        assert {model(app).status_of(k) for k in sent} <= {"deactivated", "not attempted"}
    # The app ended with no exception: run_test would have raised it.
    intents = {r["identifier"] for r in read_records(path) if r["phase"] == "intent"}
    assert sent <= intents, "nothing was sent without its intent on disk"


async def test_escape_in_the_filter_clears_it_and_never_stops_the_batch() -> None:
    sim = Simulator(SimulatorConfig(passwords=30, api_secrets=0))
    app = make_app(sim, concurrency=1)
    async with running(app) as pilot:
        sim.faults.latency = 0.2  # the batch outlives the keys, even on a loaded machine
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await wait_until(pilot, lambda: app.session.running is not None)
        run = app.session.running
        await pilot.press("slash", "x", "escape")
        assert model(app).filter_query == ""
        assert run is not None and not run.stop_event.is_set()
        sim.faults.latency = 0.0
        await settle(app, pilot)
        assert run.state == "done"


async def test_a_lone_surrogate_in_a_name_cannot_wedge_a_batch(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(passwords=5, api_secrets=0))
    odd = sim.add_item("password", name="bad \ud800 name", can_write=True, can_view=True)
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=journal(path))
    async with running(app) as pilot:
        await go_to(app, pilot, odd)
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert model(app).status_of(odd) == "deactivated"
        await pilot.press("d")  # the session is not wedged: d answers again
        assert isinstance(app.screen, ConfirmBatch)
    [outcome] = [r for r in read_records(path) if r["phase"] == "outcome"]
    assert outcome["result"] == "changed" and "\ufffd" in outcome["name"]


async def test_u_steps_back_through_batches_and_a_reactivates(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        first, second, third = writable(sim)[:3]
        for key in (first, second):
            await go_to(app, pilot, key)
            await pilot.press("d", "y")
            await settle(app, pilot)
        for expected in (second, first):
            await pilot.press("u")
            dialog = app.screen
            assert isinstance(dialog, ConfirmBatch)
            assert [r.identifier for r in dialog.plan.refs] == [expected]
            await pilot.press("y")
            await settle(app, pilot)
        await pilot.press("u")
        assert not isinstance(app.screen, ConfirmBatch), "each batch is undone once"
        sim.set_active("password", third, False)
        await go_to(app, pilot, third)
        await pilot.press("a", "y")
        await settle(app, pilot)
    assert all(sim.is_active("password", k) for k in (first, second, third))


def log(app: object) -> list[str]:
    from tui.console.app import MySafeApp

    assert isinstance(app, MySafeApp)
    return app.main.query_one("#log", LogPanel).all_lines()


async def test_palette_quit_mid_batch_records_every_request_in_flight(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(passwords=40, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=journal(path), concurrency=4)
    async with running(app) as pilot:
        sim.faults.latency = 0.3  # 8 rounds of 4: about 2.4 s if not stopped
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        planned = [r.identifier for r in dialog.plan.refs]
        await pilot.press(*str(len(planned)), "enter", "enter")
        await wait_until(pilot, lambda: len(posts(sim)) >= 6)
        # What the command palette's "Quit" and ctrl+q both call.
        await app.action_quit()
        [quitting] = [worker for worker in app.workers if worker.group == "quit"]
        await quitting.wait()
    records = list(read_records(path))
    intents = [r["identifier"] for r in records if r["phase"] == "intent"]
    outcomes = [r for r in records if r["phase"] == "outcome"]
    # Items kept back (not editable) are journalled as refused: never sent.
    unsent = ("not_attempted", "refused")
    answered = {r["identifier"] for r in outcomes if r["result"] not in unsent}
    assert sorted(intents) == sorted(answered), "every request sent has its outcome"
    applied = {k for k in planned if not sim.is_active("password", k)}
    changed = {r["identifier"] for r in outcomes if r["result"] in ("changed", "in_doubt")}
    assert applied and applied <= changed
    [batch] = load_batches(path)
    assert batch.state == "interrupted" and batch.resumable
    assert len(batch.left()) == len(planned) - len(applied)


async def test_the_consoles_marks_export_is_an_ids_file_for_the_command_line(
    sim: Simulator, isolated_dirs: Path
) -> None:
    from tui.cli.ids import read_ids

    app = make_app(sim)
    async with running(app) as pilot:
        keys = writable(sim)[:3]
        for key in keys:
            await go_to(app, pilot, key)
            await pilot.press("space")
        await pilot.press("E")
        await pilot.pause()
    exports = isolated_dirs / "xdg_state_home" / "mysafe-tui" / "exports"
    [jsonl] = exports.glob("password-*.jsonl")
    [csv_file] = exports.glob("password-*.csv")
    refs = read_ids(None, str(jsonl), Kind.PASSWORD)
    assert sorted(r.identifier for r in refs) == sorted(keys)
    assert csv_file.read_text().splitlines()[0].startswith("kind,identifier,name")


async def test_a_batch_made_on_another_server_is_not_reversed_here(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    elsewhere = Journal(path, JournalContext("prod", "vault.example.com", "op"))
    elsewhere.target = Target.of_url("https://vault.example.com", client_id="op-key")
    [ref, *_] = refs_of(sim, writable(sim)[:1])
    elsewhere.batch_started("far00001", Action.DEACTIVATE, [ref])
    elsewhere.intent(ref, Action.DEACTIVATE, "far00001")
    elsewhere.outcome(
        ItemOutcome(ref, Action.DEACTIVATE, Result.CHANGED, "ok", http_status=200), "far00001"
    )
    elsewhere.batch_finished("far00001", "1 deactivated", state="done", left=0)
    elsewhere.close()
    app = make_app(sim, audit=journal(path))
    async with running(app) as pilot:
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
        assert any(
            "belongs to https://vault.example.com:443 (key op-key); this session is on "
            "https://mysafe.simulator.invalid:443 (key" in line
            for line in log(app)
        )
    assert posts(sim) == []


class Boom(Exception):
    """A bug in a key handler."""


async def test_an_unexpected_exception_mid_batch_still_ends_it_truthfully(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = Simulator(SimulatorConfig(passwords=40, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=journal(path), concurrency=4)
    # The app log's lines wait for the panel's flush, which never comes here: the
    # way out must write them.
    monkeypatch.setattr(LogPanel, "FLUSH_EVERY", 3600.0)

    def broken() -> None:
        raise Boom("a bug")

    with app_log_at(tmp_path / "app.log") as app_log:
        with pytest.raises(Boom):
            async with running(app) as pilot:
                sim.faults.latency = 0.3
                await pilot.press("asterisk", "d")
                dialog = app.screen
                assert isinstance(dialog, ConfirmBatch)
                await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
                await wait_until(pilot, lambda: len(posts(sim)) >= 6)
                app.main.action_sort = broken  # type: ignore[method-assign]
                await pilot.press("s")
                await pilot.pause()
        # Read before the handler is closed (closing writes what it holds).
        written = app_log.read_text()
    assert re.search(r" INFO Batch \S+: deactivate \d+ items", written)
    records = list(read_records(path))
    intents = {r["identifier"] for r in records if r["phase"] == "intent"}
    answered = {
        r["identifier"]
        for r in records
        if r["phase"] == "outcome" and r["result"] not in ("not_attempted", "refused")
    }
    assert intents and intents == answered
    [batch] = load_batches(path)
    assert batch.state == "interrupted" and batch.resumable
