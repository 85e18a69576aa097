"""One call plans or refuses: ``Session.plan`` gives a plan to confirm or a typed
refusal, and each front end words a refusal in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, ItemSummary, Kind, MySafeClient
from tui.cli.errors import refusal_error
from tui.ops import BatchPlan, Journal, JournalContext, ProfileView, Refusal, Session, Why
from tui.ops.plans import KeyedRefs, ListWritability
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

ROOT = Path(__file__).resolve().parents[2]


def session_on(
    tmp_path: Path, profile: ProfileView | None = None, *, read_only: bool = False
) -> Session:
    sim = Simulator(SimulatorConfig(seed=3, passwords=6, api_secrets=2))
    settings = ClientSettings(
        base_url=sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
    )
    client = MySafeClient(settings, transport=sim.transport())
    journal = Journal(tmp_path / "audit.jsonl", JournalContext.current("t", client.server))
    return Session(client, profile=profile, journal=journal, read_only=read_only)


def refs(*identifiers: str) -> list[ItemRef]:
    return [ItemRef(Kind.PASSWORD, i, f"item {i}") for i in identifiers]


def test_a_plan_is_deduplicated_and_counts_what_the_filter_hides(tmp_path: Path) -> None:
    session = session_on(tmp_path, ProfileView(require_reason=True))
    plan = session.plan(Action.DEACTIVATE, [*refs("1", "2", "3"), *refs("2")], hidden={"3"})
    assert isinstance(plan, BatchPlan)
    assert [r.identifier for r in plan.refs] == ["1", "2", "3"]
    assert plan.hidden == 1 and plan.require_reason and not plan.dry_run


def test_items_the_list_says_are_not_editable_are_left_out(tmp_path: Path) -> None:
    session = session_on(tmp_path)
    writable = {("password", "2"): False}
    plan = session.plan(Action.DEACTIVATE, refs("1", "2"), writable=writable)
    assert isinstance(plan, BatchPlan)
    assert [r.identifier for r in plan.refs] == ["1"]
    assert [r.identifier for r in plan.refused] == ["2"]
    none = session.plan(Action.DEACTIVATE, refs("2"), writable=writable)
    assert isinstance(none, Refusal) and none.why is Why.NOT_EDITABLE
    assert [r.identifier for r in none.refused] == ["2"]


@pytest.mark.parametrize(
    ("profile", "read_only", "why"),
    [
        (ProfileView(name="prod", production=True), False, Why.PRODUCTION_LOCKED),
        (ProfileView(name="ro", read_only=True), False, Why.READ_ONLY),
        (ProfileView(name="p"), True, Why.READ_ONLY),
        (ProfileView(name="p", max_batch=2), False, Why.OVER_LIMIT),
    ],
)
def test_every_guard_refuses_with_its_type_and_data(
    tmp_path: Path, profile: ProfileView, read_only: bool, why: Why
) -> None:
    session = session_on(tmp_path, profile, read_only=read_only)
    refusal = session.plan(Action.DEACTIVATE, refs("1", "2", "3"))
    assert isinstance(refusal, Refusal) and refusal.why is why
    assert refusal.profile == profile.name
    if why is Why.OVER_LIMIT:
        assert (refusal.count, refusal.limit) == (3, 2)
    # A dry run sends nothing: read-only does not refuse it, the limit still does.
    dry = session.plan(Action.DEACTIVATE, refs("1", "2", "3"), dry_run=True)
    assert isinstance(dry, Refusal) == (why is Why.OVER_LIMIT)


def test_nothing_selected_and_a_missing_reason_are_refusals_too(tmp_path: Path) -> None:
    session = session_on(tmp_path, ProfileView(name="p", require_reason=True))
    empty = session.plan(Action.DEACTIVATE, [])
    assert isinstance(empty, Refusal) and empty.why is Why.NOTHING_SELECTED
    missing = session.reason_refusal("\u200b \t")
    assert missing is not None and missing.why is Why.REASON_REQUIRED
    assert session.reason_refusal("INC-1") is None


def test_an_unusable_journal_makes_the_session_read_only_with_its_reason(
    tmp_path: Path,
) -> None:
    session = session_on(tmp_path)
    (tmp_path / "audit.jsonl").mkdir()  # a folder where the journal should be
    assert session.check_journal() is not None
    refusal = session.plan(Action.DEACTIVATE, refs("1"))
    assert isinstance(refusal, Refusal) and refusal.why is Why.JOURNAL_UNUSABLE
    assert refusal.read_only and session.client.read_only


def test_unlocking_a_production_profile_on_purpose_is_planned_not_refused(
    tmp_path: Path,
) -> None:
    session = session_on(tmp_path, ProfileView(name="prod", production=True))
    assert isinstance(session.plan(Action.DEACTIVATE, refs("1"), unlock="prod"), BatchPlan)
    wrong = session.plan(Action.DEACTIVATE, refs("1"), unlock="PROD")
    assert isinstance(wrong, Refusal) and wrong.why is Why.UNLOCK_WRONG_NAME
    plain = session_on(tmp_path / "b", ProfileView(name="dev"))
    needless = plain.plan(Action.DEACTIVATE, refs("1"), unlock="dev")
    assert isinstance(needless, Refusal) and needless.why is Why.UNLOCK_NOT_PRODUCTION


def test_read_only_has_one_owner(tmp_path: Path) -> None:
    session = session_on(tmp_path, ProfileView(name="prod", production=True))
    assert session.read_only and session.client.read_only
    session.unlock("prod")
    assert not session.read_only and not session.client.read_only
    session.client.read_only = True  # one flag: the session reads the client's
    assert session.read_only


def test_the_command_line_words_each_refusal_with_its_flags() -> None:
    locked = Refusal(Why.PRODUCTION_LOCKED, "Read-only: profile prod is production.", "prod")
    assert "--unlock-production prod" in str(refusal_error(locked))
    reason = Refusal(Why.REASON_REQUIRED, "Refused: a reason.", "p")
    assert str(refusal_error(reason)).endswith("Pass --reason TEXT; nothing was sent.")
    limit = Refusal(Why.OVER_LIMIT, "Refused: 3 items is more than the limit of 2.", "p")
    assert str(refusal_error(limit)).endswith("Nothing was sent.")
    assert refusal_error(limit).exit_code == 2


def test_the_console_words_the_production_lock_with_its_key() -> None:
    from tui.console.screens.main.status import refusal_words

    locked = Refusal(Why.PRODUCTION_LOCKED, "Read-only: profile prod is production.", "prod")
    assert refusal_words(locked).endswith("W unlocks writing for this session.")


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui.ops")
        for alias in node.names
    }


def test_front_ends_do_not_decide_guards_themselves() -> None:
    """The guards' functions are the core's: front ends ask the session, never them."""
    core_only = {"limit_refusal", "split_writable", "reason_refusal", "FORCED_READ_ONLY"}
    for folder in ("tui/cli", "tui/console", "tui/web"):
        for path in (ROOT / folder).rglob("*.py"):
            assert not (_imported(path) & core_only), path


def summaries(*pairs: tuple[str, bool]) -> dict[str, ItemSummary]:
    return {i: ItemSummary(Kind.PASSWORD, i, f"item {i}", can_write=w) for i, w in pairs}


def test_a_plan_of_a_tables_keys_is_the_plan_of_its_references(tmp_path: Path) -> None:
    """The console plans from keys (references made when read): the same plan, the
    same refusals, as from the references themselves."""
    session = session_on(tmp_path)
    items = summaries(("1", True), ("2", False), ("3", True), ("4", True))
    writable = ListWritability({Kind.PASSWORD: items})
    keyed = KeyedRefs(Kind.PASSWORD, ["3", "1", "2", "9"], items)
    as_refs = [*refs("3", "1", "2"), ItemRef(Kind.PASSWORD, "9")]
    assert keyed == as_refs and keyed[1:3] == as_refs[1:3] and len(keyed) == 4
    by_keys = session.plan(Action.DEACTIVATE, keyed, writable=writable, hidden={"1", "2"})
    by_refs = session.plan(Action.DEACTIVATE, as_refs, writable=writable, hidden={"1", "2"})
    assert isinstance(by_keys, BatchPlan) and isinstance(by_keys.refs, KeyedRefs)
    assert by_keys == by_refs
    assert [r.identifier for r in by_keys.refs] == ["3", "1", "9"] and by_keys.hidden == 1
    assert list(by_keys.refused) == refs("2")
    # The same refusals: none writable, nothing selected, and the batch limit.
    none = KeyedRefs(Kind.PASSWORD, ["2"], items)
    refused = session.plan(Action.DEACTIVATE, none, writable=writable)
    assert isinstance(refused, Refusal) and refused.why is Why.NOT_EDITABLE
    assert refused == session.plan(Action.DEACTIVATE, refs("2"), writable=writable)
    empty = session.plan(Action.DEACTIVATE, KeyedRefs(Kind.PASSWORD, [], items))
    assert isinstance(empty, Refusal) and empty.why is Why.NOTHING_SELECTED
    limited = session_on(tmp_path, ProfileView(max_batch=2))
    too_many = limited.plan(Action.DEACTIVATE, keyed, writable=writable)
    assert too_many == limited.plan(Action.DEACTIVATE, as_refs, writable=writable)
    assert isinstance(too_many, Refusal)
