"""mysafe-tui: a terminal console for senhasegura MySafe passwords and API secrets."""

import sys

# httpx imports its own command line (``httpx._main``: Rich, Pygments) whenever
# Rich is installed, and Textual installs it; this program never uses that. A None
# entry in sys.modules makes the import fail, and httpx falls back to its stub:
# 25-50 ms less at every start, console and command line alike (and no Rich on the
# command line's path). Here, in the package itself, so that every way in (the
# entry point, the factory, the tests) gets it before anything imports httpx.
# Only when httpx is not loaded yet: an importer that got there first keeps its module.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

__version__ = "0.1.0"
