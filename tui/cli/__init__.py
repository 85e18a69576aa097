"""The scriptable twin of the console: ``list``, ``deactivate``, ``activate``, ``undo``
and ``audit``, on the same client, session, guards and audit journal.

Nothing here imports Textual or Rich, even lazily: ``tui.__main__`` hands the
console command in (see ``tui.cli.main.make_cli``), and a test runs ``list`` under
``python -X importtime`` to check that neither is loaded.
"""

import sys

# httpx imports its own command line (``httpx._main``: Rich, Pygments) whenever
# Rich is installed, and Textual installs it; this program never uses that. A None
# entry in sys.modules makes the import fail, and httpx falls back to its stub:
# no Rich on the command-line path, and about 40 ms less at every start. Only
# when httpx is not loaded yet: an importer that got there first keeps its module.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
