"""Checked click value types: a bad value is one line naming what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    # ParamType is generic in recent click only; at run time any click 8 will do.
    _FloatType = click.ParamType[float]
    _IntType = click.ParamType[int]
else:
    _FloatType = _IntType = click.ParamType


class NumberBetween(_FloatType):
    """A float in [low, high] (no upper bound when high is None)."""

    name = "number"

    def __init__(self, low: float, high: float | None = None) -> None:
        self.low = low
        self.high = high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        low, high = self.low, self.high
        if number < low or (high is not None and number > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.fail(f"{value!r} must be {bound}", param, ctx)
        return number


class WholeNumberBetween(_IntType):
    """An int in [low, high]."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a whole number", param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"{value!r} must be between {self.low} and {self.high}", param, ctx)
        return number


def number_between(low: float, high: float | None = None) -> NumberBetween:
    return NumberBetween(low, high)


def whole_number_between(low: int, high: int) -> WholeNumberBetween:
    return WholeNumberBetween(low, high)
