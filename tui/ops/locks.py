"""One process at a time acts on a batch: an advisory lock per target and batch.

Two consoles on one journal must not both resume the same interrupted batch (the
items would be sent twice, and both would claim the same settled doubts), nor a
script undo a batch a console is still resuming. Whoever sends a batch holds the
lock of that batch and of the batch it resumes or undoes, until it ends. A second
process asking for a lock that is held is told which process holds it and since
when, and sends nothing.

The locks are ``flock`` locks on small files beside the journal: the kernel drops
them when their holder dies, however it dies (SIGKILL included), so a crash never
leaves a batch locked for ever. The file keeps who holds it, for the message.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from tui.ops.target import Target, describe

_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Holder(NamedTuple):
    """Who holds a lock, as its file tells (fields empty when it could not be read)."""

    pid: int | None
    since: str
    doing: str

    def describe(self) -> str:
        """'being resumed by process 4242 since 2026-12-03T03:12:09+00:00'."""
        who = f"process {self.pid}" if self.pid else "another process"
        when = f" since {self.since}" if self.since else ""
        return f"{self.doing or 'in use'} by {who}{when}"


class LockHeld(Exception):
    """Another process acts on this batch now."""

    def __init__(self, batch_id: str, holder: Holder) -> None:
        self.batch_id = batch_id
        self.holder = holder
        super().__init__(
            f"Batch {batch_id} is {holder.describe()}; nothing was sent. "
            "Wait for it to end, or stop it there."
        )


class LockUnavailable(Exception):
    """The lock file could not be made (an unwritable state directory)."""


def lock_path(directory: Path, target: Target | None, batch_id: str) -> Path:
    """The lock file of ``batch_id`` on ``target``; a batch id of odd characters
    (it comes from the journal) is hashed, never used as a path."""
    where = hashlib.sha256(describe(target).encode()).hexdigest()[:16]
    name = (
        batch_id
        if _PLAIN_ID.fullmatch(batch_id)
        else hashlib.sha256(batch_id.encode("utf-8", "replace")).hexdigest()[:24]
    )
    return directory / f"{where}-{name}.lock"


def _read_holder(fd: int) -> Holder:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        return Holder(None, "", "")
    if not isinstance(data, dict):
        return Holder(None, "", "")
    pid = data.get("pid")
    return Holder(
        pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        str(data.get("since") or ""),
        str(data.get("doing") or ""),
    )


class BatchLocks:
    """The locks this process holds, by batch id."""

    def __init__(
        self,
        directory: Path,
        target: Target | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self.target = target
        self._clock = clock
        self._held: dict[str, int] = {}

    def holds(self, batch_id: str) -> bool:
        return batch_id in self._held

    def acquire(self, batch_id: str, doing: str) -> None:
        """Hold ``batch_id``'s lock, or raise :class:`LockHeld` naming who has it.

        ``doing`` says what the holder does to it: "being sent", "being resumed"."""
        if batch_id in self._held:
            return
        path = lock_path(self.directory, self.target, batch_id)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LockUnavailable(
                f"Cannot lock batch {batch_id} ({path}): {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockHeld(batch_id, holder) from None
        except OSError as exc:
            os.close(fd)
            raise LockUnavailable(
                f"Cannot lock batch {batch_id} ({path}): {exc.strerror or exc}"
            ) from None
        since = self._clock().astimezone(UTC).isoformat(timespec="seconds")
        note = json.dumps({"pid": os.getpid(), "since": since, "doing": doing}).encode()
        # Who holds it is only for the message: a failure to write it is no reason
        # to give the lock up.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, note, 0)
        self._held[batch_id] = fd

    def release(self, batch_id: str) -> None:
        fd = self._held.pop(batch_id, None)
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        # Closing drops the flock. The file stays: unlinking a lock file races with
        # a process that has just opened it and would lock a file nobody else sees.
        os.close(fd)

    def release_all(self) -> None:
        for batch_id in list(self._held):
            self.release(batch_id)
