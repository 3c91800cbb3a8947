"""Figures as data (derive.plot): a plot that cannot be drawn is refused where it is
made, with a message that says what is wrong."""

from __future__ import annotations

import math

import pytest
from sympy import Rational, Symbol

from derive.errors import DeriveError, PlotError
from derive.model import text
from derive.plot import BLUE, RED, Arrow, Curve, HLine, Marker, Note, Plot, VLine

t = Symbol("t")
LINE = Curve(((0.0, 0.0), (1.0, 1.0)), color=BLUE)


def test_a_plot_keeps_its_data_as_floats():
    plot = Plot((Rational(-1, 2), 2), (0, 1), (Curve(((Rational(1, 3), 0), (1, 1))), Marker(Rational(1, 4), 0)))
    assert plot.xlim == (-0.5, 2.0) and plot.ylim == (0.0, 1.0)
    assert plot.elements[0].points == ((1 / 3, 0.0), (1.0, 1.0))
    assert all(isinstance(v, float) for v in (*plot.xlim, *plot.elements[0].points[0], plot.elements[1].x))


def test_the_legend_is_the_labelled_elements_in_order():
    first, second = Marker(0.5, 0.5, label=text("a point")), Curve(((0, 0), (1, 1)), label=text("the line {}", t))
    plot = Plot((0, 1), (0, 1), (HLine(0.5), first, VLine(0.2), second))
    assert plot.legend == (first, second)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Plot((), (0, 1), (LINE,)), "x limits must be a pair"),
        (lambda: Plot((0, 1), (0,), (LINE,)), "y limits must be a pair"),
        (lambda: Plot((1, 1), (0, 1), (LINE,)), r"x limits must have low < high, got \(1, 1\)"),
        (lambda: Plot((2, 1), (0, 1), (LINE,)), "x limits must have low < high"),
        (lambda: Plot((0, 1), (0, math.nan), (LINE,)), "y limit must be finite"),
        (lambda: Plot((0, 1), (0, 1), ()), "at least one element"),
        (lambda: Plot((0, 1), (0, 1), ("a curve",)), "not a plot element"),
        (lambda: Plot((0, 1), (0, 1), (LINE,), title="A title"), "plot title must be prose"),
        (lambda: Plot((0, 1), (0, 1), (Marker(2, 0.5),)), r"marker at \(2, 0.5\) lies outside the plot's limits"),
        (lambda: Plot((0, 1), (0, 1), (VLine(-1),)), "vertical line at \\(-1, 0\\) lies outside"),
        (lambda: Plot((0, 1), (0, 1), (Note(0.5, 3, text("words")),)), "note at .* lies outside"),
        (lambda: Curve(((0, 0),)), "at least two points"),
        (lambda: Curve(((0, 0), (1, "one"))), "curve point 1 y must be a real number"),
        (lambda: Curve(((0, 0), (1, 1)), color="blue"), "color must be '#rrggbb'"),
        (lambda: Curve(((0, 0), (1, 1)), color="#1F77B4"), "in lower case"),
        (lambda: Curve(((0, 0), (1, 1)), dash="dashdash"), "dash must be one of solid, dashed, dotted, dashdot"),
        (lambda: Curve(((0, 0), (1, 1)), width=0), "width must be positive"),
        (lambda: Curve(((0, 0), (1, 1)), label="a label"), "label must be prose"),
        (lambda: VLine(True), "VLine x must be a real number"),
        (lambda: Marker(0, 0, "star"), "shape must be one of circle, square, cross"),
        (lambda: Marker(0, 0, size=-1), "size must be positive"),
        (lambda: Arrow((0, 0), (0, 0)), "two different ends"),
        (lambda: Arrow((0, 0), (1,)), "Arrow end must be a pair"),
        (lambda: Note(0, 0, ()), "has no text"),
        (lambda: Note(0, 0, text("x"), anchor="left"), "anchor must be one of above, below, center"),
        (lambda: HLine(math.inf, color=RED), "HLine y must be finite"),
    ],
)
def test_bad_plot_data_is_refused_with_a_clear_message(make, message):
    with pytest.raises(PlotError, match=message) as exc:
        make()
    assert isinstance(exc.value, DeriveError)
