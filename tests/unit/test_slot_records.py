"""SlotRecord: the equality and repr the records kept from their dataclass days."""

from __future__ import annotations

import pytest

from tui.base.records import SlotRecord
from tui.simulator.config import SimulatorConfig
from tui.simulator.data import Item
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


def test_repr_withholds_the_secrets_a_record_names() -> None:
    config = SimulatorConfig.from_env(
        {"MYSAFE_CLIENT_ID": "ops", "MYSAFE_CLIENT_SECRET": "hunter2-from-env"}
    )
    assert "hunter2" not in repr(config) and "client_secret=<withheld>" in repr(config)
    assert "client_id='ops'" in repr(config)
    item = Item("password", "7", "db", password="pw-value", secret_key="JBSWY3DP", token="123456")
    shown = repr(item)
    for secret in ("pw-value", "JBSWY3DP", "123456"):
        assert secret not in shown
    assert "password=<withheld>" in shown and "client_secret=None" in shown
    assert "name='db'" in shown
    # Withheld from the repr only: equality still compares the values.
    assert item != Item("password", "7", "db", password="other", secret_key="JBSWY3DP")
