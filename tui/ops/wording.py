"""Counted nouns, said right: "1 item", "28 items" (never "1 items")."""

from __future__ import annotations


def plural(count: int, noun: str = "item") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
