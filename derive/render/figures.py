"""Drawing figures: a plot (:mod:`derive.plot`) as SVG for Markdown and the course
site, and as a pgfplots picture inside the LaTeX document.

Python lays the plot out once — tick positions at nice numbers, the page box and the
data-to-page transform, approximate text widths, the legend's size and the place (a
corner, else the middle of a side) where it hides the least data — and the templates
write it: ``figure.svg.j2`` from the page coordinates, ``figure.tex.j2`` from the data
coordinates with the same ticks and the legend in the same place. Words are prose: Unicode in the SVG (:mod:`derive.render.unicode`),
typeset math in LaTeX. Output is a pure function of the plot (numbers in fixed
formats, no dates, no counters), so an unchanged figure is rewritten byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from derive.model import Figure, Problem, Text
from derive.plot import Arrow, Curve, Element, HLine, Marker, Note, Plot, VLine
from derive.render.unicode import prose_to_unicode

if TYPE_CHECKING:  # pragma: no cover
    from derive.render.view import Segment

FORMATS = ("svg",)

# The page, in points (the SVG's user unit): about the size the PDF gives a figure.
WIDTH, HEIGHT = 400.0, 262.0
PAD = 6.0  # around the whole drawing
TICK = 3.5  # tick length, outside the frame
TICK_FONT, LABEL_FONT, TITLE_FONT, LEGEND_FONT = 8.5, 9.5, 10.0, 7.5
# At most one tick label per this many points of axis: labels never touch.
TICK_SPACING = {"x": 48.0, "y": 26.0}
# Where the legend may go: (name, x, y), as fractions of the frame from its lower left.
# The corners come first, then the middles of the sides; of equals, the first is taken.
PLACES = (
    ("north east", 1.0, 1.0), ("north west", 0.0, 1.0), ("south west", 0.0, 0.0), ("south east", 1.0, 0.0),
    ("east", 1.0, 0.5), ("west", 0.0, 0.5), ("south", 0.5, 0.0), ("north", 0.5, 1.0),
)
# matplotlib's dash patterns, in multiples of the line width.
DASH_PATTERNS = {"solid": (), "dashed": (3.7, 1.6), "dotted": (1.0, 1.65), "dashdot": (6.4, 1.6, 1.0, 1.6)}


def figures_of(problem: Problem) -> list[Figure]:
    return [s.figure for part in problem.parts for s in part.steps if s.figure is not None]


def file_name(figure: Figure, fmt: str) -> str:
    """The figure's file name in ``fmt``, as documents refer to it inside ``figures/``."""
    return f"{figure.name}.{fmt}"


# -- numbers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    value: float
    text: str  # as printed: "0.5", "−1" (a true minus sign)


def nice_ticks(low: float, high: float, most: int) -> tuple[Tick, ...]:
    """Ticks at multiples of 1, 2, 2.5 or 5 times a power of ten inside [low, high]: the
    finest such spacing that gives at most ``most`` ticks, unless it gives fewer than
    two (then the next finer one)."""
    exponent = math.floor(math.log10((high - low) / max(most, 2))) - 1
    finer: tuple[Tick, ...] = ()
    while True:
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10.0**exponent
            first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
            if last - first + 1 < 2:
                return finer
            places = max(0, -exponent + (1 if mantissa == 2.5 else 0))
            ticks = tuple(_tick(k * step, places) for k in range(first, last + 1))
            if len(ticks) <= most:
                return ticks
            finer = ticks
        exponent += 1


def _tick(value: float, places: int) -> Tick:
    value = round(value, places + 6) + 0.0  # k * step in floats: 0.30000000000000004; -0.0
    # "0.5, 1, 1.5", not "0.5, 1.0, 1.5": as pgfplots prints them in the PDF.
    return Tick(value, fmt(value, places).replace("-", "\u2212"))


def fmt(value: float, places: int = 2) -> str:
    """A number in fixed notation, without trailing zeros: the same bytes every time."""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Approximate advance widths, in ems, of DejaVu Sans (the first font the SVG names):
# enough to size the legend and the margins.
_WIDTHS = {
    char: width
    for chars, width in (
        ("ijlI'", 0.28), (" .,:;|/", 0.32), ("-", 0.36), ("!ft()[]r′", 0.40), ("scz", 0.53), ("akvxyλ", 0.60),
        ("0123456789bdeghnopquφϕ", 0.636), ("ABCDEFGHJKLNOPQRSTUVXYZ", 0.70), ("w", 0.82), ("M", 0.86),
        ("=+<>−×≤≥", 0.84), ("m", 0.97), ("W", 0.99),
    )
    for char in chars
}


def text_width(text: str, size: float) -> float:
    """The approximate width in points of ``text`` set at ``size`` points."""
    return size * sum(_WIDTHS.get(c, 0.62) for c in text)


def _words(segs: tuple[Segment, ...]) -> str:
    return prose_to_unicode(segs, minus="\u2212")


# -- what the templates draw -----------------------------------------------------------------


@dataclass(frozen=True)
class Stroke:
    """A line through ``points`` (page coordinates); ``dash`` is an SVG dash array."""

    role: str  # curve, vline, hline, arrow, tick, handle: the SVG class
    points: tuple[tuple[float, float], ...]
    color: str
    width: float
    dash: tuple[float, ...] = ()
    kind: str = "stroke"

    @property
    def d(self) -> str:
        return _path(self.points)


def _path(points: tuple[tuple[float, float], ...]) -> str:
    """SVG path data through ``points``: "M x,y L x,y …"."""
    return "M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


@dataclass(frozen=True)
class Mark:
    role: str  # marker or handle
    x: float
    y: float
    shape: str
    size: float
    color: str
    kind: str = "mark"


@dataclass(frozen=True)
class Fill:
    role: str  # arrowhead
    points: tuple[tuple[float, float], ...]
    color: str
    kind: str = "fill"

    @property
    def d(self) -> str:
        return _path(self.points) + " Z"


@dataclass(frozen=True)
class Words:
    role: str  # title, xlabel, ylabel, ticklabel, note, legend
    x: float
    y: float  # the baseline
    text: str
    size: float
    anchor: str = "middle"  # SVG text-anchor: start, middle, end
    turned: bool = False  # rotated a quarter turn counter-clockwise about (x, y)
    kind: str = "words"


Shape = Union[Stroke, Mark, Fill, Words]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def holds(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height


@dataclass(frozen=True)
class Page:
    """The SVG drawing: page size, the plot's frame, and the shapes in drawing order."""

    width: float
    height: float
    frame: Box
    clip_id: str
    data: tuple[Shape, ...]  # clipped to the frame
    axes: tuple[Shape, ...]  # ticks, tick labels, axis labels, title
    legend: Box | None
    keys: tuple[Shape, ...]  # the legend's handles and words
    title: str


@dataclass(frozen=True)
class Entry:
    """An element with the prose that goes with it (legend label or note text)."""

    kind: str  # curve, vline, hline, marker, arrow, note
    element: Element
    label: tuple[Segment, ...]
    dash: tuple[float, ...] = ()  # on, off, on, off… lengths in points (a line's dash style at its width)


@dataclass(frozen=True)
class PlotView:
    """A plot ready for the templates: prose printed, ticks chosen, SVG laid out."""

    plot: Plot
    title: tuple[Segment, ...]
    xlabel: tuple[Segment, ...]
    ylabel: tuple[Segment, ...]
    entries: tuple[Entry, ...]
    xticks: tuple[Tick, ...]
    yticks: tuple[Tick, ...]
    legend: tuple[str, float, float]  # where the SVG puts the legend: (name, x, y) of PLACES
    page: Page

    @property
    def colors(self) -> tuple[str, ...]:
        """The elements' distinct colours, in order: LaTeX defines each by name."""
        return tuple(dict.fromkeys(e.element.color for e in self.entries if hasattr(e.element, "color")))

    @property
    def legend_at(self) -> tuple[float, float]:
        """The legend's place for pgfplots: its anchor point, as fractions of the axis
        (the same place as in the SVG, a little in from the frame)."""
        _, fx, fy = self.legend
        return 0.03 + 0.94 * fx, 0.03 + 0.94 * fy


_KINDS = {Curve: "curve", VLine: "vline", HLine: "hline", Marker: "marker", Arrow: "arrow", Note: "note"}


def plot_view(name: str, plot: Plot, prose: Callable[[Text], tuple[Segment, ...]]) -> PlotView:
    """Lay ``plot`` out; ``prose`` prints its words (with the problem's symbols)."""
    labels = [prose(e.text if isinstance(e, Note) else getattr(e, "label", ())) for e in plot.elements]
    entries = tuple(Entry(_KINDS[type(e)], e, label, _dash(e)) for e, label in zip(plot.elements, labels))
    title, xlabel, ylabel = prose(plot.title), prose(plot.xlabel), prose(plot.ylabel)
    layout = _Layout(plot, entries, _words(title), _words(xlabel), _words(ylabel))
    page, place = layout.page(f"clip-{name}")
    return PlotView(plot, title, xlabel, ylabel, entries, layout.xticks, layout.yticks, place, page)


def _dash(element: Element, width: float | None = None) -> tuple[float, ...]:
    if not hasattr(element, "dash"):
        return ()
    return tuple(p * (width or element.width) for p in DASH_PATTERNS[element.dash])  # type: ignore[union-attr]


class _Layout:
    """Margins from the words around the frame, then the data in page coordinates."""

    def __init__(self, plot: Plot, entries: tuple[Entry, ...], title: str, xlabel: str, ylabel: str) -> None:
        self.plot, self.entries = plot, entries
        self.title, self.xlabel, self.ylabel = title, xlabel, ylabel
        # Tick counts from the frame's size before the margins are known: margins are small.
        self.xticks = nice_ticks(*plot.xlim, int((WIDTH - 60) / TICK_SPACING["x"]) + 1)
        self.yticks = nice_ticks(*plot.ylim, int((HEIGHT - 60) / TICK_SPACING["y"]) + 1)
        widest = max(text_width(t.text, TICK_FONT) for t in self.yticks)
        left = PAD + (LABEL_FONT * 1.25 + 4 if ylabel else 0) + widest + 3 + TICK
        top = PAD + (TITLE_FONT * 1.3 + 4 if title else 0)
        bottom = PAD + TICK + 3 + TICK_FONT + (4 + LABEL_FONT * 1.25 if xlabel else 0)
        # Room for half the last tick label, which is centred on the frame's right edge.
        right = PAD + max(4.0, text_width(self.xticks[-1].text, TICK_FONT) / 2)
        self.frame = Box(left, top, WIDTH - left - right, HEIGHT - top - bottom)

    def px(self, x: float) -> float:
        (x0, x1), f = self.plot.xlim, self.frame
        return f.x + (x - x0) / (x1 - x0) * f.width

    def py(self, y: float) -> float:
        (y0, y1), f = self.plot.ylim, self.frame
        return f.y + f.height - (y - y0) / (y1 - y0) * f.height

    def page(self, clip_id: str) -> tuple[Page, tuple[str, float, float]]:
        data = tuple(shape for entry in self.entries for shape in self._shapes(entry))
        place, legend, keys = self._legend(data)
        page = Page(WIDTH, HEIGHT, self.frame, clip_id, data, self._axes(), legend, keys, self.title)
        return page, place

    def _shapes(self, entry: Entry) -> Iterator[Shape]:
        f, e, dash = self.frame, entry.element, entry.dash
        if isinstance(e, Curve):
            yield Stroke("curve", tuple((self.px(x), self.py(y)) for x, y in e.points), e.color, e.width, dash)
        elif isinstance(e, VLine):
            yield Stroke("vline", ((self.px(e.x), f.y), (self.px(e.x), f.y + f.height)), e.color, e.width, dash)
        elif isinstance(e, HLine):
            yield Stroke("hline", ((f.x, self.py(e.y)), (f.x + f.width, self.py(e.y))), e.color, e.width, dash)
        elif isinstance(e, Marker):
            yield Mark("marker", self.px(e.x), self.py(e.y), e.shape, e.size, e.color)
        elif isinstance(e, Arrow):
            (x0, y0), (x1, y1) = (self.px(e.start[0]), self.py(e.start[1])), (self.px(e.end[0]), self.py(e.end[1]))
            length = math.hypot(x1 - x0, y1 - y0)
            ux, uy = (x1 - x0) / length, (y1 - y0) / length
            head, half = 4.0 + 2.0 * e.width, 1.6 + 1.2 * e.width
            bx, by = x1 - head * ux, y1 - head * uy  # where the head's base meets the shaft
            yield Stroke("arrow", ((x0, y0), (bx + 0.5 * ux, by + 0.5 * uy)), e.color, e.width)
            yield Fill("arrowhead", ((x1, y1), (bx - half * uy, by + half * ux), (bx + half * uy, by - half * ux)), e.color)
        elif isinstance(e, Note):
            x, y = self.px(e.x), self.py(e.y)
            baseline = {"below": y + 0.85 * e.size, "above": y - 0.3 * e.size, "center": y + 0.35 * e.size}[e.anchor]
            yield Words("note", x, baseline, _words(entry.label), e.size)

    def _axes(self) -> tuple[Shape, ...]:
        f, out = self.frame, []
        bottom, left = f.y + f.height, f.x
        for tick in self.xticks:
            x = self.px(tick.value)
            out.append(Stroke("tick", ((x, bottom), (x, bottom + TICK)), "#000000", 0.8))
            out.append(Words("ticklabel", x, bottom + TICK + 2.5 + 0.75 * TICK_FONT, tick.text, TICK_FONT))
        for tick in self.yticks:
            y = self.py(tick.value)
            out.append(Stroke("tick", ((left - TICK, y), (left, y)), "#000000", 0.8))
            out.append(Words("ticklabel", left - TICK - 3, y + 0.35 * TICK_FONT, tick.text, TICK_FONT, "end"))
        if self.xlabel:
            out.append(Words("xlabel", f.x + f.width / 2, HEIGHT - PAD - 0.25 * LABEL_FONT, self.xlabel, LABEL_FONT))
        if self.ylabel:
            out.append(Words("ylabel", PAD + 0.8 * LABEL_FONT, f.y + f.height / 2, self.ylabel, LABEL_FONT, turned=True))
        if self.title:
            out.append(Words("title", f.x + f.width / 2, PAD + 0.85 * TITLE_FONT, self.title, TITLE_FONT))
        return tuple(out)

    def _legend(self, data: tuple[Shape, ...]) -> tuple[tuple[str, float, float], Box | None, tuple[Shape, ...]]:
        """The legend where its box covers the fewest points of the data (see PLACES)."""
        labelled = [(entry, _words(entry.label)) for entry in self.entries
                    if entry.label and entry.kind != "note"]
        if not labelled:
            return PLACES[0], None, ()
        em, row = LEGEND_FONT, LEGEND_FONT * 1.5
        handle, gap, pad, inset = 2.2 * em, 0.7 * em, 0.5 * em, 0.6 * em
        width = pad + handle + gap + max(text_width(words, em) for _, words in labelled) + pad
        height = pad + row * len(labelled) + pad
        f = self.frame
        boxes = [
            Box(f.x + inset + fx * (f.width - 2 * inset - width), f.y + inset + (1 - fy) * (f.height - 2 * inset - height),
                width, height)
            for _, fx, fy in PLACES
        ]
        points = list(_samples(data))
        covered = [sum(w for x, y, w in points if box.holds(x, y)) for box in boxes]
        best = covered.index(min(covered))  # the first of equals
        box = boxes[best]
        keys: list[Shape] = []
        for k, (entry, words) in enumerate(labelled):
            e, middle = entry.element, box.y + pad + row * (k + 0.5)
            x0, x1 = box.x + pad, box.x + pad + handle
            if isinstance(e, Marker):
                keys.append(Mark("handle", (x0 + x1) / 2, middle, e.shape, min(e.size, 1.1 * em), e.color))
            else:
                thick = min(e.width, 2.0)  # type: ignore[union-attr]
                keys.append(Stroke("handle", ((x0, middle), (x1, middle)), e.color, thick, _dash(e, thick)))  # type: ignore[union-attr]
            keys.append(Words("legend", x1 + gap, middle + 0.35 * em, words, em, "start"))
        return PLACES[best], box, tuple(keys)


# How much hiding 2 points of page of each kind of data costs: the curves are what a
# figure is about; the lines across the whole plot mark places on them, and a legend that
# avoids the curves can seldom avoid those lines too.
_WEIGHTS = {"curve": 3.0, "arrow": 2.0, "arrowhead": 2.0, "note": 2.0, "vline": 1.0, "hline": 1.0}


def _samples(shapes: tuple[Shape, ...]) -> Iterator[tuple[float, float, float]]:
    """Points along the drawn data, every 2 points of page, with their weights; a marker
    weighs as much as 7 points of curve."""
    for shape in shapes:
        if isinstance(shape, Stroke):
            for (x0, y0), (x1, y1) in zip(shape.points, shape.points[1:]):
                n = max(1, int(math.hypot(x1 - x0, y1 - y0) / 2))
                for k in range(n + 1):
                    yield x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n, _WEIGHTS[shape.role]
        elif isinstance(shape, Mark):
            r = shape.size / 2
            for dx, dy in ((0, 0), (-r, 0), (r, 0), (0, -r), (0, r)):
                yield shape.x + dx, shape.y + dy, 4.0
        elif isinstance(shape, Fill):
            for x, y in shape.points:
                yield x, y, _WEIGHTS[shape.role]
        elif isinstance(shape, Words):
            w = text_width(shape.text, shape.size)
            start = {"start": 0.0, "middle": -w / 2, "end": -w}[shape.anchor]
            for k in range(int(w / 2) + 1):
                yield shape.x + start + 2 * k, shape.y - 0.35 * shape.size, _WEIGHTS[shape.role]


__all__ = ["FORMATS", "PlotView", "figures_of", "file_name", "fmt", "nice_ticks", "plot_view", "text_width"]
