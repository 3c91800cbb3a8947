"""Saving the figures a solution asks for: SVG for Markdown, PDF for LaTeX.

Output is deterministic (fixed SVG hash salt, no creation dates), so rebuilding an
unchanged solution leaves the files byte-for-byte the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from derive.model import Figure, Problem

FORMATS = ("svg", "pdf")


def figures_of(problem: Problem) -> list[Figure]:
    return [s.figure for part in problem.parts for s in part.steps if s.figure is not None]


def save(figure: Figure, directory: Path, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Draw ``figure`` once and save it in each format; returns format -> path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"svg.hashsalt": "derive", "svg.fonttype": "path", "pdf.compression": 6}):
        fig, ax = plt.subplots(figsize=(5.2, 3.4), dpi=100)
        try:
            figure.draw(ax)
            fig.tight_layout()
            paths = {}
            for fmt in formats:
                path = directory / f"{figure.name}.{fmt}"
                tmp = path.with_name(path.name + ".tmp")
                metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None}
                fig.savefig(tmp, format=fmt, metadata=metadata)
                tmp.replace(path)
                paths[fmt] = path
            return paths
        finally:
            plt.close(fig)
