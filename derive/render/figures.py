"""Drawing the figures a solution asks for: SVG for Markdown, PDF for LaTeX.

Output is deterministic (fixed SVG hash salt, no creation dates), so rebuilding an
unchanged solution leaves the files byte-for-byte the same. :func:`draw` returns the
files' bytes, so a build can draw in a worker process while claims are verified and
write the files only once every claim is (see :mod:`derive.pipeline`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

from derive.model import Figure, Problem

FORMATS = ("svg", "pdf")
_RC = {"svg.hashsalt": "derive", "svg.fonttype": "path", "pdf.compression": 6}
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


def figures_of(problem: Problem) -> list[Figure]:
    return [s.figure for part in problem.parts for s in part.steps if s.figure is not None]


_loaded = False


def preload() -> None:
    """Import matplotlib and build its mathtext grammar (most of a second), e.g. once
    before forking workers that draw: they start with both."""
    global _loaded
    if _loaded:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    from matplotlib.mathtext import MathTextParser

    _share_parses(MathTextParser)
    # The grammar is built on the first parse and kept by the class.
    MathTextParser("path").parse("$x$")
    _loaded = True


def _share_parses(parser: type) -> None:
    """Let matplotlib's mathtext parsers of one output type share their cached layouts.

    Each renderer makes its own parser, and the cache of laid-out formulas is keyed by
    the parser: every label was laid out again for each figure and format (a sixth of
    the drawing time). A parser holds nothing but its output type, so two of one type
    give the same layouts. A cached layout holds fonts, which must not cross a fork:
    a forked process starts with an empty cache (as matplotlib does with its fonts).
    """
    cached = getattr(parser, "_parse_cached", None)
    if set(vars(parser("path"))) != {"_output_type"} or not hasattr(cached, "cache_clear"):
        return  # another matplotlib than this was written for: leave it as it is
    parser.__eq__ = lambda self, other: type(other) is type(self) and other._output_type == self._output_type
    parser.__hash__ = lambda self: hash((type(self), self._output_type))
    os.register_at_fork(after_in_child=cached.cache_clear)


def draw(figure: Figure, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """Draw ``figure`` once and return its file in each format: format -> bytes."""
    # matplotlib is imported here, not at the top: most commands never draw.
    preload()
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(5.2, 3.4), dpi=100)
        try:
            figure.draw(ax)
            fig.tight_layout()
            out = {}
            for fmt in formats:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, metadata=_METADATA[fmt])
                out[fmt] = buffer.getvalue()
            return out
        finally:
            plt.close(fig)


def file_name(figure: Figure, fmt: str) -> str:
    """The figure's file name in ``fmt``, as documents refer to it inside ``figures/``."""
    return f"{figure.name}.{fmt}"


def write(figure: Figure, files: dict[str, bytes], directory: Path) -> dict[str, Path]:
    """Write drawn files (from :func:`draw`) atomically into ``directory``; format -> path."""
    from derive.pipeline import write_atomic

    return {fmt: write_atomic(directory / file_name(figure, fmt), data) for fmt, data in files.items()}


def save(figure: Figure, directory: Path, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Draw ``figure`` once and save it in each format; returns format -> path."""
    return write(figure, draw(figure, formats), directory)
