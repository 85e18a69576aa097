"""Benchmark: the journal's own cost for a batch of 1 000 (about 2 000 records).

Writes a batch's records as the runner does (its plan, an intent and an outcome
per item, its end) to a fresh journal in a temporary folder, and prints the
median time per record over the rounds. Runs against whatever ``tui`` is on the
path, so the same file measures the code before and after a change:

    PYTHONPATH=. python tests/benchmarks/bench_journal_write.py [--rounds 7] [--syslog udp]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import time
from pathlib import Path

from tui.api import Action, ItemRef, Kind, Result
from tui.ops import Journal, JournalContext
from tui.ops.outcomes import ItemOutcome


def one_batch(path: Path, refs: list[ItemRef], syslog: str | None) -> float:
    journal = Journal(path, JournalContext("bench", "vault.example:443", "bench"))
    if syslog is not None:
        from tui.ops.syslog import SyslogCopy, parse_syslog_url

        journal.copy = SyslogCopy(parse_syslog_url(syslog))
    began = time.perf_counter()
    journal.batch_started("b0001", Action.DEACTIVATE, refs, "bench")
    for ref in refs:
        journal.intent(ref, Action.DEACTIVATE, "b0001", "bench")
        outcome = ItemOutcome(ref, Action.DEACTIVATE, Result.CHANGED, "Password deactivated")
        journal.outcome(outcome, "b0001", "bench")
    journal.batch_finished("b0001", "1000 deactivated", state="done", left=0)
    journal.sync()
    elapsed = time.perf_counter() - began
    journal.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--syslog", choices=("udp",), help="copy to a UDP listener on loopback")
    args = parser.parse_args()
    refs = [ItemRef(Kind.PASSWORD, str(n), f"item {n}") for n in range(args.items)]
    records = 2 * args.items + 2
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))  # datagrams queue up here unread (or are dropped)
        syslog = f"udp://127.0.0.1:{sink.getsockname()[1]}" if args.syslog else None
        times = []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as folder:
                times.append(one_batch(Path(folder) / "audit.jsonl", refs, syslog))
    median = statistics.median(times)
    print(
        f"{records} records: median {median * 1000:.1f} ms a batch, "
        f"{median / records * 1e6:.1f} us a record (min {min(times) * 1000:.1f} ms, "
        f"{args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
