"""derive: step-by-step, machine-verified solutions to mathematics problems.

>>> import derive
>>> problem = derive.verify(derive.load("cs182-hw0/q2/d")[0])   # doctest: +SKIP
>>> problem.parts[0].answer.verdict.status                          # doctest: +SKIP
<Status.PROVED: 'proved'>
"""

from __future__ import annotations

from derive.pipeline import build
from derive.errors import (
    DeriveError,
    PlotError,
    RenderError,
    ShapeError,
    ToolMissingError,
    UnknownTargetError,
    UsageError,
    VerificationFailed,
)
from derive.model import Figure, Kind, Math, Part, Problem, ProblemSet, Status, Step, Summary, Verdict, text
from derive.registry import known_targets, load, sets
from derive.render import render_problem as render
from derive import verify  # the package; calling it verifies a problem
from derive.verify import check, failures

__version__ = "0.1.0"

__all__ = [
    "DeriveError",
    "Figure",
    "Kind",
    "Math",
    "Part",
    "PlotError",
    "Problem",
    "ProblemSet",
    "RenderError",
    "ShapeError",
    "Status",
    "Step",
    "Summary",
    "ToolMissingError",
    "UnknownTargetError",
    "UsageError",
    "Verdict",
    "VerificationFailed",
    "build",
    "check",
    "failures",
    "known_targets",
    "load",
    "render",
    "sets",
    "text",
    "verify",
]
