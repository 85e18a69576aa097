"""End to end in a real browser: ``mysafe-tui serve`` (textual-serve) and headless
Debian chromium driven by playwright. The page loads with nothing fetched from off
the machine, each tab is a demo of its own, whatever the server's environment
holds, and a deactivation by keyboard lands in that tab's journal."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tui.ops import load_batches, read_records

from support.browser_demo import (
    CHROMIUM,
    LAUNCH_ARGS,
    BrowserTab,
    ServedDemo,
    consoles_of,
    loopback_only,
    why_no_browser,
)

REASON = why_no_browser()
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(REASON is not None, reason=REASON or "")]
SHOWN = re.compile(r"(\d+) of (\d+) passwords shown")
LEAK = "real-secret-from-the-servers-environment"


def loaded(tab: BrowserTab) -> bool:
    match = SHOWN.search(tab.text())
    return match is not None and match[1] == match[2]


def journals(tmp_path: Path) -> list[Path]:
    return list(tmp_path.glob("mysafe-tui-serve-*/tab-*/state/mysafe-tui/demo-audit.jsonl"))


def ended_outcome(tab: BrowserTab, trail: Path) -> dict[str, object]:
    """The one outcome of the tab's one batch, once the batch has ended: deactivated."""
    tab.wait_for(lambda: [b.ended for b in load_batches(trail)] == [True], "the batch's end")
    [batch] = load_batches(trail)
    assert batch.state == "done" and batch.profile == "demo"
    [outcome] = [r for r in read_records(trail) if r["phase"] == "outcome"]
    assert outcome["outcome"] == "changed" and outcome["http_status"] == 200
    return outcome


def test_the_browser_demo_deactivates_by_keyboard_offline_one_demo_per_tab(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    env = loopback_only(os.environ) | {
        # A real server's settings in the serving environment must not reach a tab.
        "MYSAFE_URL": "https://203.0.113.7",
        "MYSAFE_CLIENT_ID": "real-client",
        "MYSAFE_CLIENT_SECRET": LEAK,
        # Where the tabs' folders go (tempfile honours TMPDIR), to read their journals.
        "TMPDIR": str(tmp_path),
    }
    with ServedDemo(env, tmp_path / "serve.log") as served, sync_playwright() as driver:
        assert served.process is not None
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            tab = BrowserTab(browser.new_page(viewport={"width": 1280, "height": 800}))
            tab.open(served.url)
            tab.wait_for(lambda: loaded(tab), "the console to draw its table")
            assert "DEMO data" in tab.text()
            [console] = consoles_of(served.process.pid).values()
            assert not [k for k in console if k.startswith(("MYSAFE_", "SENHASEGURA_"))]
            assert LEAK not in repr(console)
            assert console["XDG_STATE_HOME"].startswith(str(tmp_path))

            tab.press("d")
            tab.wait_for_dialog("Deactivate 1 item?")
            tab.press("y")
            tab.wait_for_text("deactivated")
            [first] = journals(tmp_path)
            outcome = ended_outcome(tab, first)

            # A second tab: a process, a folder and a simulator of its own, where
            # the same item is still active and is deactivated again.
            other = BrowserTab(browser.new_page(viewport={"width": 1280, "height": 800}))
            other.open(served.url)
            other.wait_for(lambda: loaded(other), "the second tab's table")
            assert len(consoles_of(served.process.pid)) == 2
            other.press("d")
            other.wait_for_dialog("Deactivate 1 item?")
            other.press("y")
            other.wait_for_text("deactivated")
            [second] = [trail for trail in journals(tmp_path) if trail != first]
            again = ended_outcome(other, second)
            assert again["identifier"] == outcome["identifier"]
            assert tab.frames > 0 and other.frames > 0
            assert tab.blocked == [] and other.blocked == [], "requests left the machine"
        finally:
            browser.close()
    assert LEAK not in served.output()


END_SESSION = "End this demo session?"


def test_the_page_takes_keys_without_a_click_and_quitting_asks(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    env = loopback_only(os.environ) | {"TMPDIR": str(tmp_path)}
    with ServedDemo(env, tmp_path / "serve.log") as served, sync_playwright() as driver:
        assert served.process is not None
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            tab = BrowserTab(browser.new_page(viewport={"width": 1280, "height": 800}))
            tab.open(served.url, focus=False)  # no click, no focus given by the test
            tab.wait_for(lambda: loaded(tab), "the console to draw its table")
            # The key bar is drawn: the console knows it has the focus.
            tab.wait_for(lambda: "Quit" in tab.bottom_line(), "the key bar")
            # The first key acts, and q asks before ending the tab's session.
            tab.press("q")
            tab.wait_for_text(END_SESSION)
            tab.press("n")
            tab.wait_for(lambda: END_SESSION not in tab.text(), "the question to go")
            assert len(consoles_of(served.process.pid)) == 1, "the session goes on"
            tab.press("Control+q")
            tab.wait_for_text(END_SESSION)
            tab.press("y")
            server = served.process.pid
            tab.wait_for(lambda: not consoles_of(server), "the tab's console to end")
            assert tab.blocked == []
        finally:
            browser.close()
