"""The core's batch, heard by the console as Textual messages.

The session calls a batch's listener as things happen (started, each item,
finished, a journal failure). In the console that listener only posts messages
to the main screen, which handles them with ``@on`` like any other event: the
core never calls into a screen, and what the screen does with a batch runs in
its own message loop, in order.

Items are told in bunches: the outcomes that arrive within ``BUNCH_SECONDS``
travel in one :class:`ItemsSettled` (the screen shows outcomes no more often
anyway), so a batch posts about twenty messages a second, not one per item: one
per item cost the console 6 % of a 1 000-item batch's time
(``tests/benchmarks/bench_deactivate.py``). They stop at the screen (``bubble``
is off): the app has no handler for them, and each one passed up to it was a
dispatch for nothing.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from textual.message import Message

from tui.api import RateLimitNotice
from tui.ops import BatchRun, ItemOutcome

#: How long outcomes wait to travel together (a frame or three).
BUNCH_SECONDS = 0.05


class BatchStarted(Message, bubble=False):
    def __init__(self, run: BatchRun) -> None:
        super().__init__()
        self.run = run


class ItemsSettled(Message, bubble=False):
    """Outcomes of ``run``, in the order they came."""

    def __init__(self, run: BatchRun, outcomes: list[ItemOutcome]) -> None:
        super().__init__()
        self.run = run
        self.outcomes = outcomes


class BatchFinished(Message, bubble=False):
    def __init__(self, run: BatchRun) -> None:
        super().__init__()
        self.run = run


class JournalFailed(Message, bubble=False):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RateLimited(Message, bubble=False):
    """The gateway limits the batch's rate; it waits (once per episode)."""

    def __init__(self, run: BatchRun, notice: RateLimitNotice) -> None:
        super().__init__()
        self.run = run
        self.notice = notice


class MessageTarget(Protocol):
    def post_message(self, message: Message) -> bool: ...


class PostingListener:
    """A batch listener (``tui.ops.BatchListener``) that posts messages to ``target``."""

    def __init__(self, target: MessageTarget) -> None:
        self.target = target
        self._pending: list[tuple[BatchRun, ItemOutcome]] = []

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        start = 0
        for index in range(1, len(pending) + 1):
            if index == len(pending) or pending[index][0] is not pending[start][0]:
                run = pending[start][0]
                self.target.post_message(ItemsSettled(run, [o for _, o in pending[start:index]]))
                start = index

    def batch_started(self, run: BatchRun) -> None:
        self._flush()
        self.target.post_message(BatchStarted(run))

    def item_done(self, run: BatchRun, outcome: ItemOutcome) -> None:
        first = not self._pending
        self._pending.append((run, outcome))
        if not first:
            return
        try:
            asyncio.get_running_loop().call_later(BUNCH_SECONDS, self._flush)
        except RuntimeError:  # no loop left (the program is ending): tell at once
            self._flush()

    def batch_finished(self, run: BatchRun) -> None:
        self._flush()
        self.target.post_message(BatchFinished(run))

    def journal_failed(self, message: str) -> None:
        self._flush()  # in the order it happened: the outcomes before it first
        self.target.post_message(JournalFailed(message))

    def rate_limited(self, run: BatchRun, notice: RateLimitNotice) -> None:
        self._flush()
        self.target.post_message(RateLimited(run, notice))
