"""Drawing figures (derive.render.figures, templates/figure.*.j2): SVG that parses, with
each element where the plot's limits and the frame put it, ticks at nice numbers, a
legend that keeps off the data, and the same plot as a pgfplots axis in LaTeX."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from sympy import Symbol

from derive.model import Kind, Part, Problem, Step, text, Figure
from derive.notation import Equation
from derive.plot import BLACK, BLUE, ORANGE, RED, Arrow, Curve, HLine, Marker, Note, Plot, VLine
from derive.registry import build_problem
from derive.render import render_figure, render_problem
from derive.render.figures import fmt, nice_ticks, plot_view
from derive.render.view import figure_views, problem_view, segments

NS = "{http://www.w3.org/2000/svg}"
t, lam = Symbol("t"), Symbol("lambda")


def _svg(plot: Plot, name: str = "test-figure") -> str:
    return render_figure(plot_view(name, plot, lambda words: segments(words, {})))


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == name]


def _frame(root: ET.Element) -> tuple[float, float, float, float]:
    (frame,) = _class(root, "frame")
    return tuple(float(frame.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def _page(root: ET.Element, plot: Plot, x: float, y: float) -> tuple[float, float]:
    """Where (x, y) belongs on the page: the linear map of the limits onto the frame,
    y growing downwards (SVG), computed here without the renderer's help."""
    fx, fy, fw, fh = _frame(root)
    (x0, x1), (y0, y1) = plot.xlim, plot.ylim
    return fx + (x - x0) / (x1 - x0) * fw, fy + fh - (y - y0) / (y1 - y0) * fh


def _legend_texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in _class(root, "legend") if el.tag == f"{NS}text"]


SAMPLE = Plot(
    (-2, 3),
    (-1, 4),
    (
        HLine(0.0, color="#999999", width=0.8),
        Curve(((-2, 0), (1, 0), (3, 2)), color=BLUE, width=2.0, label=text("{} before", lam)),
        Curve(((-2, 0), (0.5, 0), (3, 3)), color=ORANGE, width=2.0, dash="dashed", label=text("after, {}", Equation(t, -1))),
        VLine(-1.0, color="#666666", width=0.9, dash="dashdot", label=text("pivot")),
        Marker(1.0, 0.0, "circle", 7.0, BLUE, text("elbow")),
        Marker(0.5, 0.0, "square", 7.0, ORANGE),
        Marker(2.0, 1.5, "cross", 9.0, RED, text("a < b & c")),
        Arrow((1.0, -0.5), (0.5, -0.5), BLACK, 1.5),
        Note(0.75, -0.6, text("elbow moves"), "below"),
    ),
    text("A title with {}", t),
    text("input {}", t),
    text("output"),
)


@pytest.fixture(scope="module")
def sample() -> ET.Element:
    return _tree(_svg(SAMPLE))


def test_the_svg_parses_with_one_path_per_curve(sample):
    assert sample.tag == f"{NS}svg"
    curves = _class(sample, "curve")
    assert len(curves) == 2 and all(el.tag == f"{NS}path" for el in curves)
    assert [el.get("stroke") for el in curves] == [BLUE, ORANGE]
    assert curves[1].get("stroke-dasharray") and not curves[0].get("stroke-dasharray")
    # A piecewise-linear curve is drawn through its breakpoints: one vertex each.
    assert [len(el.get("d").split("L")) for el in curves] == [3, 3]


def test_the_legend_lists_the_labelled_elements_in_unicode(sample):
    assert _legend_texts(sample) == ["λ before", "after, t = \u22121", "pivot", "elbow", "a < b & c"]


def test_title_and_axis_labels_are_written(sample):
    words = {el.get("class"): "".join(el.itertext()) for el in sample.iter(f"{NS}text")}
    assert words["title"] == "A title with t" and words["xlabel"] == "input t" and words["ylabel"] == "output"
    assert sample.find(f"{NS}title").text == "A title with t"


def test_points_are_drawn_where_the_limits_and_the_frame_put_them(sample):
    circle = next(el for el in _class(sample, "marker") if el.tag == f"{NS}circle")
    assert (float(circle.get("cx")), float(circle.get("cy"))) == pytest.approx(_page(sample, SAMPLE, 1.0, 0.0), abs=0.01)
    square = next(el for el in _class(sample, "marker") if el.tag == f"{NS}rect")
    centre = (float(square.get("x")) + float(square.get("width")) / 2, float(square.get("y")) + float(square.get("height")) / 2)
    assert centre == pytest.approx(_page(sample, SAMPLE, 0.5, 0.0), abs=0.01)
    first = _class(sample, "curve")[0].get("d").split("L")[-1]
    assert tuple(map(float, first.split(","))) == pytest.approx(_page(sample, SAMPLE, 3.0, 2.0), abs=0.01)
    (vline,) = _class(sample, "vline")
    assert float(vline.get("d")[1:].split(",")[0]) == pytest.approx(_page(sample, SAMPLE, -1.0, 0.0)[0], abs=0.01)


def test_ticks_are_labelled_at_their_values(sample):
    fx, fy, fw, fh = _frame(sample)
    labels = [el for el in _class(sample, "ticklabel")]
    xs = [el for el in labels if el.get("text-anchor") == "middle"]
    assert [el.text for el in xs] == ["\u22122", "\u22121", "0", "1", "2", "3"]
    for el in xs:
        value = float(el.text.replace("\u2212", "-"))
        assert float(el.get("x")) == pytest.approx(_page(sample, SAMPLE, value, 0.0)[0], abs=0.01)
        assert float(el.get("y")) > fy + fh  # under the frame


@pytest.mark.parametrize(
    "low, high, most",
    [(-2.5, 2.5, 7), (-0.9, 3.0, 8), (-3.5, 2.5, 7), (0.0, 1.0, 5), (-1.9, 2.0, 8), (0.001, 0.0042, 6),
     (-1234.0, 5678.0, 7), (2.0, 2.1, 3), (-1e-6, 1e-6, 4)],
)
def test_ticks_are_nice_numbers_inside_the_limits(low, high, most):
    ticks = nice_ticks(low, high, most)
    values = [tick.value for tick in ticks]
    assert 2 <= len(values) <= most
    assert all(low - 1e-12 <= v <= high + 1e-12 for v in values)
    step = values[1] - values[0]
    assert all(b - a == pytest.approx(step) for a, b in zip(values, values[1:]))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5))
    for tick in ticks:
        assert float(tick.text.replace("\u2212", "-")) == pytest.approx(tick.value, abs=step * 1e-6)
        assert round(tick.value / step) * step == pytest.approx(tick.value, abs=step * 1e-6)


@pytest.mark.parametrize(
    "low, high, most, expected",
    [(-2.5, 2.5, 7, ["\u22122", "\u22121", "0", "1", "2"]), (0.0, 1.0, 5, ["0", "0.25", "0.5", "0.75", "1"]),
     (-0.9, 3.0, 8, ["\u22120.5", "0", "0.5", "1", "1.5", "2", "2.5", "3"])],
)
def test_tick_labels_read_as_written_by_hand(low, high, most, expected):
    assert [tick.text for tick in nice_ticks(low, high, most)] == expected


@pytest.mark.parametrize(
    "value, places, written",
    [(-1000.0, 2, "-1000"), (10.0, 2, "10"), (2.5, 2, "2.5"), (1 / 3, 2, "0.33"), (-0.001, 2, "0"), (-2 / 3, 4, "-0.6667")],
)
def test_numbers_are_written_in_fixed_notation(value, places, written):
    assert fmt(value, places) == written


def _inside(box: ET.Element, x: float, y: float) -> bool:
    bx, by, bw, bh = (float(box.get(k)) for k in ("x", "y", "width", "height"))
    return bx <= x <= bx + bw and by <= y <= by + bh


@pytest.mark.parametrize("rising", [True, False])
def test_the_legend_keeps_off_the_data(rising):
    # A line along one diagonal of the plot leaves two corners free.
    ends = ((0, 0), (10, 10)) if rising else ((0, 10), (10, 0))
    plot = Plot((0, 10), (0, 10), (Curve(ends, color=BLUE, label=text("a line")), Marker(5, 5, label=text("its middle"))))
    root = _tree(_svg(plot))
    box = next(el for el in _class(root, "legend") if el.tag == f"{NS}g").find(f"{NS}rect")
    for k in range(101):
        s = k / 10
        point = _page(root, plot, s, s if rising else 10 - s)
        assert not _inside(box, *point), f"the legend hides the line at t = {s}"


def test_words_are_escaped_for_xml():
    svg = _svg(Plot((0, 1), (0, 1), (Marker(0.5, 0.5, label=text('x < 1 & "y" > 2')),), text("<b>not bold</b>")))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert _legend_texts(_tree(svg)) == ['x < 1 & "y" > 2']


def test_an_svg_is_the_same_every_time_with_numbers_in_fixed_notation(sample):
    first = _svg(SAMPLE)
    assert _svg(SAMPLE) == first
    numbers = [v for el in sample.iter() for k, v in el.attrib.items() if k in ("x", "y", "cx", "cy", "r", "width", "height")]
    numbers += [n for el in sample.iter() for n in re.findall(r"[^MLZ ,]+", el.get("d", ""))]
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d{1,2})?(pt|%)?", n) for n in numbers), numbers


# -- the bundled figures ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def q5_figures():
    problem = build_problem("cs182-hw0", "q5")
    return problem, figure_views(problem_view(problem))


def test_each_bundled_figure_draws_every_element(q5_figures):
    problem, views = q5_figures
    assert len(views) == 6
    for view in views:
        plot = view.plot.plot
        root = _tree(render_figure(view.plot))
        assert len(_class(root, "curve")) == sum(isinstance(e, Curve) for e in plot.elements)
        assert len(_class(root, "marker")) == sum(isinstance(e, Marker) for e in plot.elements)
        assert len(_class(root, "vline")) == sum(isinstance(e, VLine) for e in plot.elements)
        assert len(_legend_texts(root)) == len(plot.legend) >= 5
        assert {"title", "xlabel", "ylabel"} <= {el.get("class") for el in root.iter(f"{NS}text")}


def test_the_elbow_is_drawn_at_the_elbow(q5_figures):
    """(b.ii), b = 0: the old elbow -b/w = 0 and the new one 1/3 (from w' = 3/4, b' = -1/4)."""
    _, views = q5_figures
    view = next(v for v in views if v.name == "q5-b-ii-right")
    root = _tree(render_figure(view.plot))
    circles = [el for el in _class(root, "marker") if el.tag == f"{NS}circle" and el.get("fill") == BLUE]
    assert [(float(c.get("cx")), float(c.get("cy"))) for c in circles] == [
        pytest.approx(_page(root, view.plot.plot, 0.0, 0.0), abs=0.01)
    ]
    (square,) = [el for el in _class(root, "marker") if el.tag == f"{NS}rect"]
    assert float(square.get("x")) + float(square.get("width")) / 2 == pytest.approx(
        _page(root, view.plot.plot, 1 / 3, 0.0)[0], abs=0.01
    )
    assert "training point (x, y) = (1, 0)" in _legend_texts(root)
    assert "new elbow e' = 1/3" in _legend_texts(root)


# -- LaTeX --------------------------------------------------------------------------------------


def test_the_latex_document_draws_the_figure_in_place():
    figure = Figure("tex-figure", SAMPLE, text("A sample."))
    steps = (Step(Kind.FIGURE, "Sample", text("Drawn:"), figure=figure), Step(Kind.ANSWER, "Answer", text("Done.")))
    problem = Problem("stress-set", "f1", "Figures", text("Draw."), (Part("a", text("Go."), steps),))
    tex = render_problem(problem, "tex", {"tex-figure": {"svg": "figures/tex-figure.svg"}})
    assert "\\includegraphics" not in tex and "figures/" not in tex
    assert tex.count("\\begin{axis}") == 1 and "xmin=-2, xmax=3" in tex and "ymin=-1, ymax=4" in tex
    assert "\\addlegendentry{\\(\\lambda\\) before}" in tex
    assert "\\addlegendentry{a \\ensuremath{<} b \\& c}" in tex
    assert "title={A title with \\(t\\)}" in tex
    # Two labelled curves, one labelled line, two labelled markers; the rest kept out of the legend.
    assert tex.count("\\addlegendentry") == 5 and tex.count("forget plot") == 2
