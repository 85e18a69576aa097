"""Known secret values never reach the screen, the logs, the audit trail or errors."""

from __future__ import annotations

import logging
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from tui.console.applog import LOGGER_NAME, Redactor, open_app_log
from tui.console.widgets import LogPanel
from tui.ops import Journal, JournalContext
from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app

CLIENT_SECRET = "Sup3r-Secret-Client-Key-42"


def secret_values(sim: Simulator) -> set[str]:
    values = {CLIENT_SECRET, *sim._tokens}
    for kind in ("password", "api_secret"):
        for item in sim.items(kind):
            for value in (item.password, item.secret_key, item.token, item.client_secret):
                if value and len(value) >= 6:
                    values.add(value)
    return values


async def test_flows_leave_no_secret_anywhere(tmp_path: Path) -> None:
    sim = Simulator(
        SimulatorConfig(seed=5, passwords=30, api_secrets=20, client_secret=CLIENT_SECRET)
    )
    log_path = tmp_path / "app.log"
    open_app_log(log_path, [CLIENT_SECRET])
    audit_path = tmp_path / "audit.jsonl"
    app = make_app(
        sim, secret=CLIENT_SECRET, audit=Journal(audit_path, JournalContext("t", "h", "op"))
    )
    screens: list[str] = []
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await idle(app)
            await pilot.pause()
            table = app.main.table()
            for key in table.model.visible_keys()[:3]:  # fetch full items: an audited view
                table.model.move_cursor_to(key)
                await pilot.press("v", "y")
                await idle(app)
                await pilot.pause()
                screens.append(app.export_screenshot())
            writable = [k for k in table.model.visible_keys() if sim.get("password", k).can_write]
            refused = writable[5]
            sim.get("password", refused).can_view = False  # the server refuses: 1006
            for key in [*writable[:4], refused]:
                table.model.move_cursor_to(key)
                await pilot.press("space")
            await pilot.press("d", "y")
            await idle(app)
            await pilot.pause()
            await pilot.press("2", "v", "y")
            await idle(app)
            await pilot.pause()
            await pilot.press("l")
            screens.append(app.export_screenshot())
            await pilot.press("e")
            await pilot.pause()
            screens.append(app.export_screenshot())
            panel_lines = app.main.query_one("#log", LogPanel).all_lines()
            errors = [entry.message for entry in app.errors]
            client_repr = repr(app.client.settings)
    finally:
        logging.getLogger(LOGGER_NAME).handlers.clear()
    everything = "\n".join(
        [*screens, *panel_lines, *errors, client_repr, log_path.read_text(), audit_path.read_text()]
    )
    assert "1006: User does not have access" in everything, "the flows did run"
    assert "hidden" in screens[0], "a fetched item was on screen, masked"
    leaks = sorted(value for value in secret_values(sim) if value in everything)
    assert leaks == []


def test_the_log_filter_scrubs_tokens_and_secret_fields() -> None:
    redactor = Redactor(["my-client-secret"])
    text = (
        "Authorization: Bearer eyJ0eXAi.abc-123 client_secret=my-client-secret "
        '{"access_token": "tok-987", "password": "hunter2"}'
    )
    scrubbed = redactor.scrub(text)
    for secret in ("eyJ0eXAi.abc-123", "my-client-secret", "tok-987", "hunter2"):
        assert secret not in scrubbed
    assert "Bearer [redacted]" in scrubbed


_FRAGMENTS = st.sampled_from(
    [
        "password",
        "PassWord",
        "pa\u017fsword",
        "token",
        "to\u212aen",
        "secret",
        "SECRET",
        "client_secret",
        "access_token",
        "refresh_token",
        "secret_key",
        "bearer",
        "Bearer",
        "Authorization: ",
        "=",
        ": ",
        '"',
        "'",
        " ",
        "&",
        ",",
        "}",
        "x",
        "7",
        "abc123XYZ.~+/=-",
        "deactivated password 12 'db': changed",
        "HTTP 200",
    ]
)


@given(st.lists(_FRAGMENTS, max_size=12).map("".join))
@example("pa\u017fsword=x")
@example("'to\u212aen': 'abc'")
@example("Authorization: BEARER abc123XYZ.~+/=-")
@example("CLIENT_SECRET : abc")
def test_the_quick_look_for_keywords_skips_no_line_the_patterns_change(text: str) -> None:
    """scrub looks for the patterns' words before running them: it must come out
    as the patterns alone would have it, on any mix of their words and casings."""
    from tui.console.applog import _BEARER, _SECRET_FIELDS, _redact_field

    full = _BEARER.sub(lambda m: f"{m.group(1) or m.group(2)}[redacted]", text)
    full = _SECRET_FIELDS.sub(_redact_field, full)
    assert Redactor().scrub(text) == full
