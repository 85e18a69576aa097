"""The simulator's side of a test: the fixed time and fast retries the tests run
with, which items a key may write, what the simulator was sent, and waiting on the
event loop for a state the simulator or the core reaches."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from tui.api import ItemRef, Kind, RetryPolicy
from tui.simulator import Simulator

#: The clock of every console and journal the tests build: 2026-11-22 03:00 UTC.
FIXED_TIME = datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC)
#: Retries that keep their shape but take milliseconds.
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005, deadline=5)

#: Where a write goes: POST /api/mysafe/<kind>/(in)active/<id>.
WRITE_PATHS = ("/active/", "/inactive/")


def writable(sim: Simulator, count: int | None = None, kind: str = "password") -> list[str]:
    """Ids of active items the key may see and edit (in the list, can_write true);
    the first ``count`` of them when it is given."""
    ids = [i.identifier for i in sim.items(kind) if i.can_view and i.can_write and i.active]
    return ids if count is None else ids[:count]


def writable_refs(sim: Simulator, kind: str = "password") -> list[ItemRef]:
    """The same items as :func:`writable`, as the core names them."""
    return [
        ItemRef(Kind(kind), i.identifier, i.name)
        for i in sim.items(kind)
        if i.can_view and i.can_write and i.active
    ]


def posts(sim: Simulator) -> list[str]:
    """The paths of every write the simulator received, in order."""
    return [path for method, path, _ in sim.request_log if method == "POST" and "mysafe" in path]


def sent_posts(sim: Simulator) -> Counter[str]:
    """How many deactivate requests the server received, per identifier."""
    return Counter(
        path.rsplit("/", 1)[1]
        for method, path, _ in sim.request_log
        if method == "POST" and "/inactive/" in path
    )


def writes(sim: Simulator) -> list[tuple[str, str, int | str]]:
    """The write requests the simulator received."""
    return [entry for entry in sim.request_log if any(p in entry[1] for p in WRITE_PATHS)]


async def poll_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` on the event loop until it holds (a wait, not a sleep); with
    no console (a Pilot's :func:`support.console.wait_until` lets the app run too)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the condition never held"
        await asyncio.sleep(0.005)
