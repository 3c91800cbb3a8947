"""Figures as data: what a plot shows, with no pixels and no drawing library.

A :class:`Plot` lists its axis limits, its labels and its elements (curves, vertical
and horizontal lines, markers, an arrow, notes). Labels are prose (:data:`Text`), so
their math is typeset in LaTeX and written in Unicode elsewhere. The renderers
(:mod:`derive.render.figures` and the ``figure.*.j2`` templates) lay a plot out and
write it as SVG or as a pgfplots picture; the legend is the labelled elements, in order.

Coordinates are floats: a drawing illustrates, it proves nothing. Every element checks
its own values when made, so a plot that cannot be drawn is a :class:`PlotError` where
it is built, not a broken file later.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, fields
from typing import Union

from derive.errors import PlotError
from derive.model import Math, Text

# matplotlib's "tab" palette and greys, which readers of course notes know.
BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
RED = "#d62728"
BLACK = "#000000"
GREY = "#999999"
DARK_GREY = "#666666"

DASHES = ("solid", "dashed", "dotted", "dashdot")
SHAPES = ("circle", "square", "cross")
ANCHORS = ("above", "below", "center")

_COLOR = re.compile(r"#[0-9a-f]{6}")


def _number(value: object, what: str) -> float:
    """``value`` as a finite float (ints and SymPy rationals are welcome), else PlotError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PlotError(f"{what} must be a real number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise PlotError(f"{what} must be finite, got {value!r}")
    return out


def _point(value: object, what: str) -> tuple[float, float]:
    if not isinstance(value, tuple) or len(value) != 2:
        raise PlotError(f"{what} must be a pair (x, y), got {value!r}")
    return (_number(value[0], f"{what} x"), _number(value[1], f"{what} y"))


def _text(value: object, what: str) -> None:
    if not isinstance(value, tuple) or not all(isinstance(s, (str, Math)) for s in value):
        raise PlotError(f"{what} must be prose built with derive.model.text, got {value!r}")


class _Checked:
    """Checks and normalises the common fields of an element when it is made."""

    def __post_init__(self) -> None:
        name = type(self).__name__
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name == "color" and not (isinstance(value, str) and _COLOR.fullmatch(value)):
                raise PlotError(f"{name} color must be '#rrggbb' in lower case, got {value!r}")
            elif f.name == "dash" and value not in DASHES:
                raise PlotError(f"{name} dash must be one of {', '.join(DASHES)}, got {value!r}")
            elif f.name in ("width", "size"):
                number = _number(value, f"{name} {f.name}")
                if number <= 0:
                    raise PlotError(f"{name} {f.name} must be positive, got {value!r}")
                object.__setattr__(self, f.name, number)
            elif f.name in ("x", "y"):
                object.__setattr__(self, f.name, _number(value, f"{name} {f.name}"))
            elif f.name in ("start", "end"):
                object.__setattr__(self, f.name, _point(value, f"{name} {f.name}"))
            elif f.name in ("label", "text"):
                _text(value, f"{name} {f.name}")


@dataclass(frozen=True, kw_only=True)
class _Line(_Checked):
    """How a line is drawn: its colour, its width in points, its dash style, and its
    legend label (none: not in the legend). Given by keyword."""

    color: str = BLACK
    width: float = 1.5
    dash: str = "solid"
    label: Text = ()


@dataclass(frozen=True)
class Curve(_Line):
    """A polyline through ``points`` in data coordinates (give a piecewise-linear
    function its breakpoints, not samples)."""

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.points, tuple) or len(self.points) < 2:
            raise PlotError(f"a curve needs at least two points, got {self.points!r}")
        object.__setattr__(self, "points", tuple(_point(p, f"curve point {k}") for k, p in enumerate(self.points)))


@dataclass(frozen=True)
class VLine(_Line):
    """The vertical line at ``x``, across the whole plot."""

    x: float


@dataclass(frozen=True)
class HLine(_Line):
    """The horizontal line at height ``y``, across the whole plot."""

    y: float


@dataclass(frozen=True)
class Marker(_Checked):
    """A mark at (``x``, ``y``); ``size`` is its width in points."""

    x: float
    y: float
    shape: str = "circle"
    size: float = 7.0
    color: str = BLACK
    label: Text = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.shape not in SHAPES:
            raise PlotError(f"Marker shape must be one of {', '.join(SHAPES)}, got {self.shape!r}")


@dataclass(frozen=True)
class Arrow(_Checked):
    """An arrow from ``start`` to ``end`` (data coordinates), head at the end."""

    start: tuple[float, float]
    end: tuple[float, float]
    color: str = BLACK
    width: float = 1.5

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.start == self.end:
            raise PlotError(f"an arrow needs two different ends, got {self.start} twice")


@dataclass(frozen=True)
class Note(_Checked):
    """Words at a point: ``anchor`` says whether they sit above, below or on it;
    ``size`` is the font size in points."""

    x: float
    y: float
    text: Text
    anchor: str = "center"
    size: float = 8.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.text:
            raise PlotError(f"a note at ({self.x}, {self.y}) has no text")
        if self.anchor not in ANCHORS:
            raise PlotError(f"Note anchor must be one of {', '.join(ANCHORS)}, got {self.anchor!r}")


Element = Union[Curve, VLine, HLine, Marker, Arrow, Note]
_ELEMENTS = (Curve, VLine, HLine, Marker, Arrow, Note)


def _limits(value: object, axis: str) -> tuple[float, float]:
    if not isinstance(value, tuple) or len(value) != 2:
        raise PlotError(f"{axis} limits must be a pair (low, high), got {value!r}")
    low, high = (_number(v, f"{axis} limit") for v in value)
    if not low < high:
        raise PlotError(f"{axis} limits must have low < high, got ({low:g}, {high:g})")
    return low, high


@dataclass(frozen=True)
class Plot:
    """One plot: limits, labels and elements, drawn in the order given (later on top)."""

    xlim: tuple[float, float]
    ylim: tuple[float, float]
    elements: tuple[Element, ...]
    title: Text = ()
    xlabel: Text = ()
    ylabel: Text = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "xlim", _limits(self.xlim, "x"))
        object.__setattr__(self, "ylim", _limits(self.ylim, "y"))
        for name in ("title", "xlabel", "ylabel"):
            _text(getattr(self, name), f"plot {name}")
        if not isinstance(self.elements, tuple) or not self.elements:
            raise PlotError("a plot needs at least one element")
        for element in self.elements:
            if not isinstance(element, _ELEMENTS):
                raise PlotError(f"not a plot element: {element!r}")
            for what, x, y in _anchored(element, self.xlim[0], self.ylim[0]):
                if not (self.xlim[0] <= x <= self.xlim[1] and self.ylim[0] <= y <= self.ylim[1]):
                    # Drawn, it would be cut off or vanish without a word.
                    raise PlotError(
                        f"{what} at ({x:g}, {y:g}) lies outside the plot's limits "
                        f"x in [{self.xlim[0]:g}, {self.xlim[1]:g}], y in [{self.ylim[0]:g}, {self.ylim[1]:g}]"
                    )

    @property
    def legend(self) -> tuple[Element, ...]:
        """The labelled elements, in order: the legend's entries."""
        return tuple(e for e in self.elements if getattr(e, "label", ()))


def _anchored(element: Element, x0: float, y0: float) -> list[tuple[str, float, float]]:
    """The points of an element that must lie inside the plot (curves may run out of it);
    a line's other coordinate is the plot's corner (x0, y0)."""
    if isinstance(element, VLine):
        return [("vertical line", element.x, y0)]
    if isinstance(element, HLine):
        return [("horizontal line", x0, element.y)]
    if isinstance(element, (Marker, Note)):
        return [(type(element).__name__.lower(), element.x, element.y)]
    if isinstance(element, Arrow):
        return [("arrow start", *element.start), ("arrow end", *element.end)]
    return []


__all__ = [
    "ANCHORS", "Arrow", "BLACK", "BLUE", "Curve", "DARK_GREY", "DASHES", "Element", "GREY", "HLine", "Marker",
    "Note", "ORANGE", "Plot", "RED", "SHAPES", "VLine",
]
