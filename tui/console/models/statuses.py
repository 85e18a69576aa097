"""What became of each row's item in a batch: a short label, and whether it went well."""

from __future__ import annotations

from collections.abc import Container, Iterable

from tui.base.safe_text import safe_text


class RowStatuses:
    def __init__(self) -> None:
        self._status: dict[str, tuple[str, bool]] = {}

    def __len__(self) -> int:
        return len(self._status)

    def set(self, key: str, label: str | None, ok: bool = True) -> None:
        """Set ``key``'s label (made safe to draw), or clear it with None."""
        if label is None:
            self._status.pop(key, None)
        else:
            self._status[key] = (safe_text(label), ok)

    def get(self, key: str) -> tuple[str, bool] | None:
        """(label, ok) of ``key``, or None when it has none."""
        return self._status.get(key)

    def labels(self) -> Iterable[str]:
        return (label for label, _ in self._status.values())

    def keep_only(self, keys: Container[str]) -> None:
        """Forget the statuses of rows not in ``keys``."""
        self._status = {k: v for k, v in self._status.items() if k in keys}
