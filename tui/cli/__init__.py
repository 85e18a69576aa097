"""The scriptable twin of the console: ``list``, ``deactivate``, ``activate``, ``undo``
and ``audit``, on the same client, session, guards and audit journal.

Nothing here imports Textual or Rich, even lazily: ``tui.__main__`` hands the
console command in (see ``tui.cli.main.make_cli``), and a test runs ``list`` under
``python -X importtime`` to check that neither is loaded.
"""

# httpx's own command line is kept out in ``tui/__init__.py``, for every way in.
