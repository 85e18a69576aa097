"""Command-line entry point: ``mysafe-tui`` (the console) and its subcommands.

This module joins the front ends: the command group of ``tui.cli`` (no Textual),
the console command below, which imports the console only when it runs (so
``mysafe-tui list ...`` never loads Textual), the browser demo's ``serve`` and the
simulator's ``simulate``. The front ends never import each other.
"""

from __future__ import annotations

import gc

# No garbage collection while the command line's modules load (the client and the
# core with them, about 0.1 s): they build nothing to free, and the collector would
# run about 45 times meanwhile (6.5 ms of every start, measured with gc.callbacks).
# Off before the first import: ``tui.base.gc_pause``'s own (threading, contextlib)
# ran four collections in a fresh virtual environment before it could pause
# anything. Back on after the last, frozen first, as ``paused_gc`` leaves it. The
# console pauses it again for its own start (``run_console``).
_collecting = gc.isenabled()
gc.disable()
try:
    import os
    import sys
    from collections.abc import Sequence
    from typing import TYPE_CHECKING, Any

    import click

    from tui.cli.errors import one_line, report
    from tui.cli.main import DefaultGroup, make_cli
    from tui.cli.options import Connection, connection_options
finally:
    if _collecting:
        gc.freeze()
        gc.enable()

if TYPE_CHECKING:
    from tui.console.terminal.link_mode import LinkMode
    from tui.ops.leaks import Reports
    from tui.settings.launch import LaunchOptions


def run_console(
    connection: Connection,
    slow_link: bool | None = None,
    triage: Reports | str | None = None,
) -> int:
    """The console; with ``triage``, opened on a leak report's findings (and then on
    a server or ``--demo`` only: never the first-run demo for a real report)."""
    from tui.console.terminal.link_mode import decide, limit_colours
    from tui.settings.launch import UsageError
    from tui.settings.paths import config_path

    try:
        # The console may start on the demo when nothing at all is configured (it
        # says so on a first-run screen); commands may not.
        options: LaunchOptions = connection.launch_options(
            slow_link=slow_link, implicit_demo=triage is None
        )
        # Before Textual is imported (the picker imports it): it reads the colour
        # system once. A slow_link key of a profile picked below still turns the
        # mode on, but the colours stay as the terminal reports (the flag lowers them).
        limit_colours(decide(options.slow_link, os.environ), os.environ)
        if options.choices:
            from tui.console.profile_picker import ProfilePicker

            chosen = ProfilePicker(options.choices, str(config_path())).run()
            if not chosen:
                return 0
            options = connection.launch_options(
                profile=chosen, slow_link=slow_link, implicit_demo=triage is None
            )
    except UsageError as exc:
        print(f"mysafe-tui: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    from tui.base.gc_pause import pause_for_start, start_ended

    # No garbage collection until the main screen's first answers, or the end.
    pause_for_start()
    try:
        return open_console(options, decide(options.slow_link, os.environ), triage)
    finally:
        start_ended()


def open_console(options: LaunchOptions, link: LinkMode, triage: Reports | str | None) -> int:
    """The console on resolved options: its app log, its app, run to the end."""
    from tui.console.applog import open_app_log
    from tui.settings.paths import app_log_path

    secrets = [options.client.client_secret.get_secret_value()] if options.client else []
    try:
        open_app_log(app_log_path(), secrets)
        log_problem = ""
    except OSError as exc:
        log_problem = f"The app log {app_log_path()} cannot be written ({exc.strerror or exc})."
    from tui.api import ConfigurationError
    from tui.console.factory import build_app

    try:
        app = build_app(options, link=link, triage=triage)
    except ConfigurationError as exc:
        # What resolving the options did not catch (the client's own checks): one
        # line and exit 2, as for any other bad setting, never a traceback.
        print(f"mysafe-tui: error: {one_line(exc.detail)}", file=sys.stderr)
        return 2
    if log_problem:
        journal = app.session.journal
        if journal is None or journal.problem() is None:
            # When the whole state folder is unusable, the journal's message says it all.
            app.warnings.append(log_problem)
    try:
        app.run()
    finally:
        # The app's unmount already ended any batch; this is the last resort if the
        # event loop itself failed before it could.
        app.session.close()
    # Non-zero when the app ended on an unhandled exception (Textual sets 1).
    return app.return_code or 0


@click.command(
    "console",
    short_help="open the full-screen console (the default command)",
    help=(
        "Open the full-screen console: find, mark and deactivate senhasegura MySafe "
        "passwords and API secrets. This is what a bare `mysafe-tui` runs."
    ),
)
@connection_options
@click.option(
    "--slow-link/--no-slow-link",
    default=None,
    help=(
        "thin-link mode: 256 colours, no animations or blinking, jump scrolling, fewer "
        "repaints (default: the profile's slow_link, else on when the terminal reports "
        "256 colours or fewer)"
    ),
)
def console(slow_link: bool | None, **values: Any) -> int:
    return run_console(Connection.take(values), slow_link)


@click.command(
    "triage",
    short_help="open the console on a leak report's findings",
    help=(
        "Open the console on the findings of secret-scanner reports (gitleaks JSON or "
        "SARIF, trufflehog JSON lines, GitHub secret-scanning alerts, a detect-secrets "
        "baseline, a list of ids; - for stdin), matched to the vault's items once the "
        "lists are in: value matches marked, d switches them off after the usual "
        "confirmation, with the reason proposed from the findings. Comparing stored "
        "values is asked first (each fetch is an audited view). --demo --sample: a report "
        "made of the demo's own data."
    ),
)
@click.argument("reports", nargs=-1, metavar="REPORT...")
@click.option("--sample", is_flag=True, help="with --demo: the demo's own sample report")
@connection_options
@click.option(
    "--slow-link/--no-slow-link",
    default=None,
    help="thin-link mode (see mysafe-tui console --help)",
)
def triage(reports: tuple[str, ...], sample: bool, slow_link: bool | None, **values: Any) -> int:
    from tui.ops.leaks import ReportError, read_reports

    connection = Connection.take(values)
    problem = ""
    if sample and not connection.demo:
        problem = "--sample is the demo's report: add --demo"
    elif sample == bool(reports):
        problem = "give the reports to read, or --sample with --demo (not both)"
    if problem:
        print(f"mysafe-tui triage: error: {problem}", file=sys.stderr)
        return 2
    try:
        read: Reports | str = "sample" if sample else read_reports(list(reports))
    except ReportError as exc:
        print(f"mysafe-tui triage: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    return run_console(connection, slow_link, triage=read)


#: The other front ends' commands, imported only when named: the console's start
#: never loads the socket simulator (nor h11) or the browser demo.
OTHERS = {"simulate": "tui.simulator.cli:simulate", "serve": "tui.web.command:serve"}


def build_cli() -> DefaultGroup:
    """Every front end's commands in one group. ``simulate`` imports neither Textual
    nor Rich; ``serve`` loads textual-serve only when it runs."""
    return make_cli(console, (triage,), OTHERS)


cli = build_cli()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code (also for the ``mysafe-tui`` script)."""
    code: int = cli.main(argv, prog_name="mysafe-tui", standalone_mode=False)
    return code


__all__ = ["cli", "main", "report"]

if __name__ == "__main__":
    sys.exit(main())
