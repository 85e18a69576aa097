"""The console with 100 000 items: a whole-safe batch is planned and confirmed.

Not timed (the benchmarks time it): this checks that everything on the way (the
load, ``*`` over every row, the plan, the dialog and the typed count) works at
that size, against the in-process simulator. A dry run (``D``) goes through the
same plan and dialog as ``d`` and writes every request it would send, which is
checked here; sending 100 000 requests (or stopping them and recording the rest
as not sent) belongs to the batch tests and benchmarks, not to a quick test.
"""

from __future__ import annotations

from typing import Any

from tui.api import Kind
from tui.console.dialogs import ConfirmBatch
from tui.console.screens.main.batch_controller import DRY_RUN_SHOWN
from tui.console.widgets import StatusLine
from tui.console.widgets.log_panel import LogPanel
from tui.settings.paths import dry_run_dir
from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app, wait_until

ITEMS = 100_000


async def test_a_100k_item_dry_run_opens_confirms_and_writes_every_request() -> None:
    sim = Simulator(SimulatorConfig(passwords=ITEMS, api_secrets=1))
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        model = app.main.model(Kind.PASSWORD)
        listed = sum(1 for item in sim.items("password") if item.can_view)
        assert model.row_count == listed > 90_000

        # Right as a reload's rows arrive, before those off screen are built: `*`
        # and a filter see every row (the status line counts them all).
        seen: dict[str, object] = {}
        set_source = model.set_source

        def then_mark_all_and_filter(*args: Any) -> set[str]:
            dropped = set_source(*args)
            app.main.action_mark_all()
            seen["marked"] = model.marked_count
            model.clear_marks()
            model.set_filter("prod")
            seen["prod"] = model.visible_keys()
            model.set_filter("")
            return dropped

        model.set_source = then_mark_all_and_filter  # type: ignore[method-assign,assignment]
        app.main.load(Kind.PASSWORD)
        await idle(app)
        await pilot.pause()
        model.set_source = set_source  # type: ignore[method-assign]
        items = app.main.items[Kind.PASSWORD].values()
        # Plain words search the ID and the Name (tui.ops.filtering).
        prod = [i.identifier for i in items if "prod" in f"{i.identifier} {i.name}".lower()]
        assert seen == {"marked": listed, "prod": prod} and 0 < len(prod) < listed
        assert f"{listed} of {listed} passwords shown" in str(
            app.main.query_one(StatusLine).content
        )

        await pilot.press("asterisk", "D")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch) and dialog.typed
        count = len(dialog.plan.refs)
        assert dialog.plan.dry_run and count + len(dialog.plan.refused) == listed
        await pilot.press(*str(count), "enter", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmBatch))
        await pilot.pause()
        log = app.main.query_one("#log", LogPanel).all_lines()
        shown = [line for line in log if "dry run: curl " in line]
        assert len(shown) == DRY_RUN_SHOWN, "the log shows a few; the file has them all"
        assert any(f"{count - DRY_RUN_SHOWN} more in the file" in line for line in log)
    [script] = dry_run_dir().glob("dry-run-*.sh")
    requests = [line for line in script.read_text().splitlines() if line.startswith("curl ")]
    assert len(requests) == count
    planned = {ref.identifier for ref in dialog.plan.refs}
    assert {line.split("/inactive/")[1].split()[0].strip("'") for line in requests} == planned
    sent = [path for method, path, _ in sim.request_log if "/inactive/" in path]
    assert not sent, "a dry run sends nothing"
