"""Make ``browser-demo.png``: the browser demo (``mysafe-tui serve``) in headless
Debian chromium, as the browser test drives it.

    python screenshots/make_browser_screenshot.py

Needs /usr/bin/chromium and playwright (the test extra); no browser is downloaded
and no request leaves the machine.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The browser test's helpers: tests/support, importable as `support` from tests/.
sys.path.insert(0, str(HERE.parent / "tests"))

from support.browser_demo import (  # noqa: E402
    CHROMIUM,
    LAUNCH_ARGS,
    BrowserTab,
    ServedDemo,
    loopback_only,
    why_no_browser,
)

SHOWN = re.compile(r"(\d+) of \1 passwords shown")


def main() -> int:
    reason = why_no_browser()
    if reason is not None:
        print(f"make_browser_screenshot: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    env = {k: v for k, v in loopback_only(os.environ).items() if not k.startswith("MYSAFE_")}
    with (
        tempfile.TemporaryDirectory() as folder,
        ServedDemo(env, Path(folder) / "serve.log") as served,
        sync_playwright() as driver,
    ):
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            tab = BrowserTab(browser.new_page(viewport={"width": 1200, "height": 760}))
            tab.open(served.url)
            tab.wait_for(lambda: SHOWN.search(tab.text()) is not None, "the table")
            tab.press("j", "j", "Space", "j", "Space")
            tab.wait_for_text("2 marked")
            # The canvas paints on an animation frame after the bytes arrive: two
            # frames later, it has.
            tab.page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            tab.page.screenshot(path=str(HERE / "browser-demo.png"))
            if tab.blocked:
                print(f"requests left the machine: {tab.blocked}", file=sys.stderr)
                return 1
        finally:
            browser.close()
    print(HERE / "browser-demo.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
