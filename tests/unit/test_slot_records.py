"""SlotRecord: the equality and repr the records kept from their dataclass days."""

from __future__ import annotations

import pytest

from tui.base.records import SlotRecord
from tui.simulator.faults import FaultConfig


class Point(SlotRecord):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: list[int] | None = None) -> None:
        self.x = x
        self.y: list[int] = [] if y is None else y


class Other(SlotRecord):
    __slots__ = ("x", "y")

    def __init__(self, x: int) -> None:
        self.x = x
        self.y: list[int] = []


def test_equal_field_by_field_within_one_class_only() -> None:
    assert Point(1, [2]) == Point(1, [2])
    assert Point(1, [2]) != Point(1, [3])
    assert Point(1) != Other(1)  # same fields, another class: as a dataclass
    assert Point(1) != (1, [])


def test_mutable_so_not_hashable_and_no_shared_defaults() -> None:
    with pytest.raises(TypeError):
        hash(Point(1))
    first, second = Point(1), Point(1)
    first.y.append(5)
    assert second.y == []
    with pytest.raises(AttributeError):
        first.z = 3  # type: ignore[attr-defined]


def test_repr_names_every_field() -> None:
    assert repr(Point(1, [2])) == "Point(x=1, y=[2])"
    shown = repr(FaultConfig(latency=0.5))
    assert shown.startswith("FaultConfig(") and "latency=0.5" in shown
    assert FaultConfig(latency=0.5) == FaultConfig(latency=0.5) != FaultConfig()
