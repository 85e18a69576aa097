"""Garbage collection paused while a list of 100 000 items is built.

Building that many objects at once triggers collection after collection, each of
which walks everything built so far and finds nothing to free (about 0.8 s of a
100 000-item load). ``paused_gc`` switches the collector off for the build and
back on after it, however the build ends. Two loads may overlap (one in a
thread): the collector comes back when the last one ends, and only if it was on
when the first began.

When it comes back, what exists is frozen first (``gc.freeze``): the rows live
until the next load, and a full collection walking them again would take 0.1 s
out of some later keystroke. Frozen objects are still freed when their last
reference goes (the rows, tuples of strings, hold no cycles); only objects of
that moment left in a reference cycle (a closed dialog's widgets, say) stay
until the program ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager


class _Pauses:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.resume = False


_pauses = _Pauses()


@contextmanager
def paused_gc() -> Iterator[None]:
    """No garbage collection inside the ``with`` block (reference counting still frees)."""
    with _pauses.lock:
        if _pauses.depth == 0:
            _pauses.resume = gc.isenabled()
            gc.disable()
        _pauses.depth += 1
    try:
        yield
    finally:
        with _pauses.lock:
            _pauses.depth -= 1
            if _pauses.depth == 0 and _pauses.resume:
                gc.freeze()
                gc.enable()


#: The pause of the program's start (``pause_for_start``), until ``start_ended``.
_start: list[ExitStack] = []


def pause_for_start() -> None:
    """No garbage collection from here until :func:`start_ended`: the console's start
    builds its modules, styles and widgets (nothing to free) and would otherwise run
    about 200 collections, 30 ms, before its first screen with data. When it ends,
    what exists is frozen, as after any pause."""
    if not _start:
        stack = ExitStack()
        stack.enter_context(paused_gc())
        _start.append(stack)


def start_ended() -> None:
    """The end of :func:`pause_for_start`'s pause (again, or without it: nothing)."""
    while _start:
        _start.pop().close()
