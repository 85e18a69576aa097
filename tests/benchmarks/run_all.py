"""What the operator waits for, measured in a real terminal, each beside its anchor.

    PYTHONPATH=.:tests/benchmarks python tests/benchmarks/run_all.py \
        [--rounds 5] [--only startup,confirm,batch,server,thinlink] \
        [--no-harness] [--write docs/benchmarks.md]

Every measure runs the real program on a pseudo-terminal (``pty_harness.py``: 120x40,
its output rendered by pyte, XDG folders in a temporary directory) and times from
``exec`` or from the key's write to the first read after which the screen shows the
result. Figure and anchor run in interleaved pairs (their order alternating by round),
and the table gives medians over ``--rounds`` and the median of the per-pair ratios.

- ``startup``: ``mysafe-tui --demo``, exec to the first frame with its rows, against a
  bare Textual app with a 38-row DataTable (``startup_anchor.py``).
- ``confirm``: the demo with 1 000 / 10 000 / 100 000 items of each kind, every row
  marked (``*``), ``d``: the key to the confirmation's title on screen; 100 000 against
  1 000.
- ``batch``: 1 000 deactivations at 20 ms a request, concurrency 16, against
  ``plain_server.py`` (a server written apart from the project, a fresh one per run):
  the console (the confirming ``y`` to the result drawn), the CLI (exec to exit), a bare
  httpx client, a raw asyncio client, ``curl --parallel``; against the latency-only
  ideal, and the console against the CLI.
- ``server``: the console against ``mysafe-tui simulate`` on a socket, 100 000
  passwords vs 41: exec to the first frame with rows; the difference.
- ``thinlink``: bytes written to the terminal, 256 colours without ``COLORTERM`` (a
  terminal over SSH, where the console's thin-link mode is on by itself), for one
  cursor move and 100 rows with ``j`` held (30 keys a second) in the demo of 1 000
  items, against htop (Down arrow) on the same pty.

``--write FILE`` rewrites the table between ``<!-- pty-table:begin -->`` and
``<!-- pty-table:end -->`` in FILE (with the date, the commit and the load average);
the figures are printed either way. The "harness" column is the older in-process
benchmark's figure for the same thing, measured in the same run where it is cheap.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from batch_clients import ServerProcess, curl_batch, httpx_batch, raw_batch
from plain_server import CLIENT_ID, CLIENT_SECRET
from pty_harness import (
    HERE,
    ROOT,
    Pairs,
    PtyScreen,
    all_shown,
    contains,
    kill_group,
    load_average,
    matches,
    on_screen,
    screen_environment,
)

PYTHON = sys.executable
CONSOLE = [PYTHON, "-m", "tui"]
BEGIN, END = "<!-- pty-table:begin -->", "<!-- pty-table:end -->"
#: The confirmation dialog ignores keys this soon after it opened (confirm_batch.py's
#: ARMING_DELAY, 0.35 s, with a margin): the benchmark waits it out before typing.
ARMED_AFTER = 0.45
T = TypeVar("T")
MEASURES = ("startup", "confirm", "batch", "server", "thinlink")


@dataclass
class Row:
    """One line of the table."""

    measure: str
    figure: str
    anchor: str
    ratio: str
    target: str
    verdict: str
    harness: str = "-"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def kb(value: float) -> str:
    return f"{value / 1000:.2f} KB"


def verdict(ratio: float, limit: float) -> str:
    return "pass" if ratio <= limit else "miss"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def alternate(round_: int, first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """Both, in an order that alternates by round (drift hits both alike)."""
    if round_ % 2:
        b = second()
        return first(), b
    a = first()
    return a, second()


# -- start-up ------------------------------------------------------------------------


def exec_to_rows(argv: Sequence[str], shown: Callable[[Sequence[str]], bool], **env: str) -> float:
    return exec_to_rows_cpu(argv, shown, **env)[0]


def exec_to_rows_cpu(
    argv: Sequence[str], shown: Callable[[Sequence[str]], bool], **env: str
) -> tuple[float, float]:
    """Seconds from exec to the first frame with rows, and the program's CPU seconds
    by then."""
    with on_screen(argv, extra_env=env) as program:
        wall = program.wait_for(shown, "the first frame with rows", limit=120) - program.spawned
        return wall, program.cpu_seconds()


def startup(rounds: int, harness: bool) -> list[Row]:
    pairs = Pairs()
    cpu = Pairs()
    probes = Pairs()
    for r in range(rounds):
        ours, theirs = alternate(
            r,
            lambda: exec_to_rows_cpu([*CONSOLE, "--demo"], all_shown()),
            lambda: exec_to_rows_cpu(
                [PYTHON, str(HERE / "startup_anchor.py")], contains("anchor row 30")
            ),
        )
        pairs.add(ours[0], theirs[0])
        cpu.add(ours[1], theirs[1])
        if harness:
            from bench_console import probe

            probes.add(probe("demo", 40, 30)[0], probe("bare", 38)[0])
        say(
            f"  startup round {r + 1}: {pairs.figures[-1]:.3f} s vs {pairs.anchors[-1]:.3f} s, "
            f"CPU {cpu.figures[-1]:.2f} s vs {cpu.anchors[-1]:.2f} s"
        )
    return [
        Row(
            "start-up, `--demo`: exec to the first frame with rows",
            seconds(pairs.figure),
            f"bare Textual app, 38-row DataTable: {seconds(pairs.anchor)}",
            f"{pairs.ratio:.2f}x",
            "≤ 1.3x",
            verdict(pairs.ratio, 1.3),
            f"{probes.ratio:.2f}x (scale_probes, headless)" if probes.figures else "-",
        ),
        Row(
            "start-up, `--demo`: CPU time by the first frame with rows (/proc, user + system)",
            seconds(cpu.figure),
            f"bare Textual app: {seconds(cpu.anchor)}",
            f"{cpu.ratio:.2f}x",
            "-",
            "-",
            "-",
        ),
    ]


# -- the confirmation at scale ----------------------------------------------------------


def key_to_dialog(items: int) -> float:
    """Seconds from ``d`` (every row marked) to the confirmation's title on screen."""
    with on_screen([*CONSOLE, "--demo", "--demo-items", str(items)]) as program:
        program.wait_for(all_shown(), f"the demo's {items} rows", limit=300)
        program.settle(0.3)
        program.press(b"*")
        program.wait_for(matches(r"\b([1-9]\d*) marked · \1 of \1 passwords"), "every row marked")
        program.settle(0.3)
        pressed = program.press(b"d")
        shown = program.wait_for(matches(r"Deactivate \d+ items?\?"), "the dialog", limit=120)
        return shown - pressed


def harness_confirm() -> dict[int, float]:
    """bench_confirm.py's figures (the dialog pushed in a Pilot app), in milliseconds."""
    done = subprocess.run(
        [PYTHON, str(HERE / "bench_confirm.py")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}"},
    )
    found = re.findall(r"(\d+) items: dialog drawn in (\d+) ms", done.stdout)
    return {int(count): float(value) for count, value in found}


def confirm(
    rounds: int, harness: bool, sizes: Sequence[int] = (1_000, 10_000, 100_000)
) -> list[Row]:
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for r in range(rounds):
        order = sizes if r % 2 == 0 else tuple(reversed(sizes))
        for size in order:
            times[size].append(key_to_dialog(size))
        say(f"  confirm round {r + 1}: " + ", ".join(f"{s}: {ms(times[s][-1])}" for s in sizes))
    before = harness_confirm() if harness else {}
    base = sizes[0]
    rows = []
    for size in sizes:
        ratio = statistics.median(t / b for t, b in zip(times[size], times[base], strict=True))
        last = size == sizes[-1]
        rows.append(
            Row(
                f"confirmation, {size:,} marked: `d` to the dialog on screen",
                ms(statistics.median(times[size])),
                f"{base:,} marked: {ms(statistics.median(times[base]))}",
                f"{ratio:.2f}x",
                "≤ 2x" if last else "-",
                verdict(ratio, 2.0) if last else "-",
                f"{before[size]:.0f} ms (bench_confirm, Pilot)" if size in before else "-",
            )
        )
    return rows


# -- the batch ----------------------------------------------------------------------------

BATCH_ITEMS, LATENCY_MS, CONCURRENCY = 1000, 20.0, 16


def server_env(url: str) -> dict[str, str]:
    return {"MYSAFE_URL": url, "MYSAFE_CLIENT_ID": CLIENT_ID, "MYSAFE_CLIENT_SECRET": CLIENT_SECRET}


def console_batch(spans: list[float]) -> float:
    """The console against a fresh server: every row marked, ``d``, the count, enter;
    seconds from the ``y`` that sends to the first frame with the batch ended (its bar
    gone, the marks cleared). Its batch's span in its journal (first record to last,
    as the CLI's is taken) is appended to ``spans``."""
    count = BATCH_ITEMS
    with (
        ServerProcess(count, LATENCY_MS) as server,
        on_screen(
            [*CONSOLE, "--concurrency", str(CONCURRENCY)], extra_env=server_env(server.url)
        ) as program,
    ):
        program.wait_for(matches(rf"\b{count} of {count} passwords shown"), "the list", 120)
        program.settle(0.3)
        program.press(b"*")
        program.wait_for(contains(f"{count} marked"), "every row marked")
        program.press(b"d")
        opened = program.wait_for(matches(rf"Deactivate {count} items\?"), "the dialog", 60)
        program.window(max(0.0, opened + ARMED_AFTER - time.perf_counter()))
        program.press(str(count).encode())
        program.wait_for(matches(rf"█\s+{count}\s+█"), "the count typed", 10)
        program.press(b"\r")
        program.wait_for(contains("y or enter deactivates"), "the dialog ready to send", 10)
        sent = program.press(b"y")
        program.wait_for(contains("Deactivating"), "the batch started", 30)

        def ended(lines: Sequence[str]) -> bool:
            text = "\n".join(lines)
            return "Deactivating" not in text and f"0 marked · {count} of {count}" in text

        took = program.wait_for(ended, "the batch's end drawn", 120) - sent
        from bench_cli import journal_span

        # The journal's folder: XDG_STATE_HOME is the temporary folder's "state".
        spans.append(journal_span(Path(program.env["XDG_STATE_HOME"]).parent))
        return took


#: The CLI's batch as its journal records it (first record to last): the batch without
#: the process's start-up, token and list, as the console's figure is.
CLI_BATCH = "CLI, its batch"
#: The console's batch as its journal records it: the same span as the CLI's.
CONSOLE_BATCH = "console, its batch"


def cli_batch(spans: list[float]) -> float:
    """``mysafe-tui deactivate passwords --ids-file F --yes``: exec to exit (and its
    batch's span, from the journal, appended to ``spans``)."""
    from bench_cli import journal_span

    with (
        ServerProcess(BATCH_ITEMS, LATENCY_MS) as server,
        tempfile.TemporaryDirectory(prefix="bench-cli-") as folder,
    ):
        ids = Path(folder) / "ids.txt"
        ids.write_text("".join(f"{n}\n" for n in range(1, BATCH_ITEMS + 1)))
        env = screen_environment(Path(folder), extra=server_env(server.url))
        argv = [*CONSOLE, "deactivate", "passwords", "--ids-file", str(ids), "--yes"]
        argv += ["--concurrency", str(CONCURRENCY), "--format", "jsonl"]
        with (Path(folder) / "out.jsonl").open("w") as out:
            began = time.perf_counter()
            child = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, env=env,
                cwd=ROOT, start_new_session=True,
            )  # fmt: skip
            try:
                _, err = child.communicate(timeout=120)
            finally:
                kill_group(child)
            took = time.perf_counter() - began
        changed = (Path(folder) / "out.jsonl").read_text().count('"outcome": "changed"')
        if child.returncode != 0 or changed != BATCH_ITEMS:
            raise RuntimeError(f"the CLI: exit {child.returncode}, {changed} changed: {err!r}")
        spans.append(journal_span(Path(folder)))
        return took


def anchored(run: Callable[[str, str, Sequence[str], int], object]) -> Callable[[], float]:
    def one() -> float:
        with ServerProcess(BATCH_ITEMS, LATENCY_MS) as server:
            ids = [str(n) for n in range(1, BATCH_ITEMS + 1)]
            done = run(server.url, server.token(), ids, CONCURRENCY)
            if asyncio.iscoroutine(done):
                done = asyncio.run(done)
            assert isinstance(done, float)
            return done

    return one


def batch(rounds: int, harness: bool) -> list[Row]:
    spans: list[float] = []
    console_spans: list[float] = []
    runs: dict[str, Callable[[], float]] = {
        "console": lambda: console_batch(console_spans),
        "CLI": lambda: cli_batch(spans),
        "bare httpx": anchored(httpx_batch),
        "raw asyncio": anchored(raw_batch),
        "curl --parallel": anchored(curl_batch),
    }
    samples: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds):
        turn = names[r % len(names) :] + names[: r % len(names)]  # a different first each round
        for name in turn:
            samples[name].append(runs[name]())
        say(f"  batch round {r + 1}: " + ", ".join(f"{n} {samples[n][-1]:.2f}" for n in names))
    samples[CLI_BATCH] = spans
    samples[CONSOLE_BATCH] = console_spans
    ideal = BATCH_ITEMS / CONCURRENCY * LATENCY_MS / 1000
    median = {name: statistics.median(values) for name, values in samples.items()}
    console_over_cli = statistics.median(
        c / k for c, k in zip(samples["console"], spans, strict=True)
    )
    span_over_span = statistics.median(c / k for c, k in zip(console_spans, spans, strict=True))
    what = f"{BATCH_ITEMS} deactivations, {LATENCY_MS:g} ms, concurrency {CONCURRENCY}"
    rows = [
        Row(
            f"batch ({what}): the console, `y` to the result drawn",
            seconds(median["console"]),
            f"the CLI's batch (journal): {seconds(median[CLI_BATCH])}",
            f"{console_over_cli:.2f}x",
            "≤ 1.1x the CLI",
            verdict(console_over_cli, 1.1),
        ),
        Row(
            "batch: the console, its batch as the journal records it (first record to last)",
            seconds(median[CONSOLE_BATCH]),
            f"the CLI's batch (journal): {seconds(median[CLI_BATCH])}",
            f"{span_over_span:.2f}x",
            "≤ 1.1x the CLI",
            verdict(span_over_span, 1.1),
        ),
    ]
    targets = {CLI_BATCH: 1.2}
    labels = {
        CLI_BATCH: "the CLI, its batch as the journal records it (first record to last)",
        "CLI": "the CLI, exec to exit (start-up, token and list included)",
        "curl --parallel": "`curl --parallel`, exec to exit",
    }
    for name in [CLI_BATCH, *names[1:]]:
        ratio = median[name] / ideal
        limit = targets.get(name)
        rows.append(
            Row(
                f"batch: {labels.get(name, name)}",
                seconds(median[name]),
                f"latency-only ideal: {seconds(ideal)}",
                f"{ratio:.2f}x",
                f"≤ {limit}x" if limit else "-",
                verdict(ratio, limit) if limit else "-",
            )
        )
    rows.insert(
        2,
        Row(
            "batch: the console against the ideal",
            seconds(median["console"]),
            f"latency-only ideal: {seconds(ideal)}",
            f"{median['console'] / ideal:.2f}x",
            "-",
            "-",
        ),
    )
    return rows


# -- 100 000 items from a server ----------------------------------------------------------

SERVER_ITEMS = 100_000


def warm(url: str) -> None:
    """One list of each kind, so the server's data is ready as a real one's is."""
    import httpx

    from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    form = {
        "grant_type": "client_credentials",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
    }
    with httpx.Client(base_url=url, timeout=300) as client:
        token = client.post("/api/oauth2/token", data=form).json()["access_token"]
        for kind in ("password", "secretapi"):
            client.get(f"/api/mysafe/{kind}", headers={"Authorization": f"Bearer {token}"})


def from_server(rounds: int, harness: bool) -> list[Row]:
    from bench_console import SimulatorProcess, probe

    from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    few, many = SimulatorProcess(41), SimulatorProcess(SERVER_ITEMS)
    pairs, probes = Pairs(), Pairs()
    try:
        warm(few.url)
        warm(many.url)

        def exec_to_first(url: str) -> float:
            env = {
                "MYSAFE_URL": url,
                "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
                "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            }
            return exec_to_rows(CONSOLE, all_shown(), **env)

        for r in range(rounds):
            pairs.add(
                *alternate(r, lambda: exec_to_first(many.url), lambda: exec_to_first(few.url))
            )
            if harness:
                probes.add(probe("server", many.url)[0], probe("server", few.url)[0])
            say(f"  server round {r + 1}: {pairs.figures[-1]:.2f} s vs {pairs.anchors[-1]:.2f} s")
    finally:
        few.close()
        many.close()
    later = statistics.median(f - a for f, a in zip(pairs.figures, pairs.anchors, strict=True))
    before = (
        statistics.median(f - a for f, a in zip(probes.figures, probes.anchors, strict=True))
        if probes.figures
        else None
    )
    return [
        Row(
            f"{SERVER_ITEMS:,} passwords from a server (socket): exec to the first frame with rows",
            seconds(pairs.figure),
            f"41 passwords: {seconds(pairs.anchor)}",
            f"+{later:.2f} s",
            "≤ +0.6 s",
            "pass" if later <= 0.6 else "miss",
            f"+{before:.2f} s (scale_probes, headless, to loaded)" if before is not None else "-",
        )
    ]


# -- bytes on a thin link -----------------------------------------------------------------

DOWN_J, DOWN_ARROW = b"j", b"\x1b[B"
KEY_REPEAT, QUIET = 30, 0.25
#: One key at a time waits longer than the detail pane's thin-link settle (0.3 s,
#: tui/console/widgets/detail_pane.py): each row's details are drawn and counted, as
#: for an operator who reads every row (a shorter wait made the count of pane
#: updates in a run swing from 10 to 39).
STEP_QUIET = 0.6


def process_count() -> int:
    return sum(1 for name in os.listdir("/proc") if name.isdigit())


def link_bytes(program: PtyScreen, key: bytes) -> tuple[float, float, float]:
    """Bytes for one cursor move (the median of the first five), for 100 rows one key
    at a time (each until quiet, past the pane's settle: their sum), and for 100 rows held (30 keys a second)."""
    program.settle(1.0, limit=60)
    moves = [program.key_bytes(key, STEP_QUIET) for _ in range(100)]
    held = program.held(key, 100, KEY_REPEAT, QUIET)
    return statistics.median(moves[:5]), sum(moves), held


def console_link() -> tuple[float, float, float]:
    argv = [*CONSOLE, "--demo", "--demo-items", "1000"]
    with on_screen(argv, truecolor=False) as program:
        program.wait_for(all_shown(), "the demo's rows", 120)
        if not any("SLOW LINK" in line for line in program.lines()):
            raise RuntimeError("the console is not in its thin-link mode:\n" + program.text())
        return link_bytes(program, DOWN_J)


def htop_link() -> tuple[float, float, float]:
    # htop scrolls through processes: at least 150 of them, so 100 rows down still
    # moves within the list (sleepers of our own if the machine has fewer).
    sleepers: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(max(0, 160 - process_count())):
            sleepers.append(subprocess.Popen(["sleep", "600"], start_new_session=True))
        # A 10 s refresh: the meters' updates stay out of a 4 s measure, mostly.
        with on_screen(["htop", "-d", "100"], truecolor=False) as program:
            program.wait_for(contains("PID"), "htop's process list", 30)
            return link_bytes(program, DOWN_ARROW)
    finally:
        for sleeper in sleepers:
            kill_group(sleeper)


def thinlink(rounds: int, harness: bool) -> list[Row]:
    moves, stepped, held = Pairs(), Pairs(), Pairs()
    for r in range(rounds):
        ours, theirs = alternate(r, console_link, htop_link)
        moves.add(ours[0], theirs[0])
        stepped.add(ours[1], theirs[1])
        held.add(ours[2], theirs[2])
        say(
            f"  thinlink round {r + 1}, console/htop bytes: move {ours[0]:.0f}/{theirs[0]:.0f}, "
            f"100 rows one by one {ours[1]:.0f}/{theirs[1]:.0f}, held {ours[2]:.0f}/{theirs[2]:.0f}"
        )
    return [
        Row(
            "thin link (256 colours, no COLORTERM): one cursor move, bytes",
            kb(moves.figure),
            f"htop: {kb(moves.anchor)}",
            f"{moves.ratio:.2f}x",
            "-",
            "-",
        ),
        Row(
            "thin link: 100 rows with `j`, one at a time (each until quiet), bytes",
            kb(stepped.figure),
            f"htop (Down): {kb(stepped.anchor)}",
            f"{stepped.ratio:.2f}x",
            "≤ 1.3x",
            verdict(stepped.ratio, 1.3),
        ),
        Row(
            "thin link: 100 rows with `j` held (30/s), bytes",
            kb(held.figure),
            f"htop (Down): {kb(held.anchor)}",
            f"{held.ratio:.2f}x",
            "≤ 1.3x",
            verdict(held.ratio, 1.3),
        ),
    ]


# -- the table ----------------------------------------------------------------------------


def render(rows: Sequence[Row], rounds: int, command: str) -> str:
    """The table as Markdown, headed by when, where and how it was measured."""
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        or "unknown"
    )
    today = datetime.date.today().isoformat()
    lines = [
        f"Measured {today} at `{commit}`, load average {load_average()} (1, 5, 15 min), "
        f"{os.cpu_count()} cores, medians of {rounds} interleaved rounds:",
        f"`{command}`",
        "",
        "| measure | figure | anchor (same run) | ratio | target | | harness (before) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = (
            row.measure,
            row.figure,
            row.anchor,
            row.ratio,
            row.target,
            row.verdict,
            row.harness,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def replace_between_markers(document: str, block: str) -> str:
    """``document`` with what lies between the markers replaced by ``block``; the
    markers (and the block) added after the first heading when absent."""
    start, end = document.find(BEGIN), document.find(END)
    if start != -1 and end > start:
        return document[: start + len(BEGIN)] + "\n" + block + document[end:]
    body = f"{BEGIN}\n{block}{END}\n"
    heading = re.search(r"^# .*\n", document, flags=re.MULTILINE)
    cut = heading.end() if heading else 0
    return document[:cut] + "\n" + body + document[cut:]


RUNS: dict[str, Callable[[int, bool], list[Row]]] = {
    "startup": startup,
    "confirm": confirm,
    "batch": batch,
    "server": from_server,
    "thinlink": thinlink,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(MEASURES), help="measures, comma separated")
    parser.add_argument("--no-harness", action="store_true", help="skip the older figures")
    parser.add_argument("--write", type=Path, help="rewrite the table in this Markdown file")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measures {sorted(unknown)}; known: {', '.join(MEASURES)}")
    # Compiled once, as an installed package is: no measured start compiles a source.
    compileall.compile_dir(ROOT / "tui", quiet=1)
    rows: list[Row] = []
    for name in chosen:
        say(f"{name} (load {load_average()})")
        rows += RUNS[name](args.rounds, not args.no_harness)
    command = "PYTHONPATH=.:tests/benchmarks python tests/benchmarks/run_all.py " + " ".join(
        sys.argv[1:]
    )
    table = render(rows, args.rounds, command.strip())
    print(table)
    if args.write:
        args.write.write_text(replace_between_markers(args.write.read_text(), table))
        say(f"written to {args.write}")


if __name__ == "__main__":
    main()
