"""Exceptions raised by derive. Only :mod:`derive.cli` turns them into exit codes."""

from __future__ import annotations


class DeriveError(Exception):
    """Base class of every error derive raises on purpose."""

    exit_code = 1


class UnknownTargetError(DeriveError):
    """A target (set, problem or part) that no bundled problem set defines."""

    exit_code = 2

    def __init__(self, target: str, known: list[str]):
        self.target = target
        self.known = known
        listing = "\n  ".join(known) if known else "(none)"
        super().__init__(f"unknown target {target!r}; known targets:\n  {listing}")


class UsageError(DeriveError):
    """A malformed option or argument given by the user."""

    exit_code = 2


class ShapeError(DeriveError):
    """Matrix expressions that do not conform (a product or sum of mismatched shapes)."""


class PlotError(DeriveError):
    """A figure's plot description that cannot be drawn: empty or inverted limits, a
    point that is not a finite number, an unknown colour, line style or marker."""


class VerificationFailed(DeriveError):
    """One or more claims were refuted or left undecided."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("verification failed:\n  " + "\n  ".join(problems))


class RenderError(DeriveError):
    """A document could not be rendered (bad template, invalid LaTeX, missing tool)."""


class ToolMissingError(RenderError):
    """An external program (latexmk, pdflatex, node…) is not installed."""

    exit_code = 3
