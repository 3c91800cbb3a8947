"""A format-neutral view of a verified problem, handed to the templates.

Each formula is printed once, here, by :mod:`derive.printing`; the templates only
arrange the pieces (prose segments, LaTeX of formulas, verdicts) for their format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sympy import Basic, Symbol

from derive.model import Kind, Part, Problem, Step, Summary, Text, Verdict
from derive.notation import Boxed, Equation, Relation, Tuple_, Words
from derive.printing import latex
from derive.render.figures import PlotView, plot_view


@dataclass(frozen=True)
class Segment:
    """A piece of prose: ``kind`` is ``"text"`` or ``"math"`` (then ``value`` is LaTeX)."""

    kind: str
    value: str


@dataclass(frozen=True)
class FigureView:
    name: str
    description: tuple[Segment, ...]
    plot: PlotView
    files: Mapping[str, str] = field(default_factory=dict)  # format -> path relative to the document


@dataclass(frozen=True)
class Cut:
    """A displayed formula cut into lines at its top-level relations, for a page too narrow
    for it: ``lhs`` / ``= rhs`` / ``whenever …``; items of a list one per line. Each line
    is printed by :mod:`derive.printing`; the LaTeX template sets them on aligned lines
    when (and only when) the formula does not fit on one."""

    lines: tuple[str, ...]
    boxed: bool = False


@dataclass(frozen=True)
class StepView:
    kind: str
    title: str
    text: tuple[Segment, ...]
    displays: tuple[str, ...]
    claim: str | None
    verdict: Verdict | None
    figure: FigureView | None
    label: str
    display_cuts: tuple[Cut | None, ...] = ()  # one per display
    claim_cut: Cut | None = None


@dataclass(frozen=True)
class PartView:
    id: str
    prompt: tuple[Segment, ...]
    lead: tuple[Segment, ...]
    steps: tuple[StepView, ...]
    answer_latex: str
    answer_text: tuple[Segment, ...]


@dataclass(frozen=True)
class ProblemView:
    set_id: str
    id: str
    title: str
    statement: tuple[Segment, ...]
    parts: tuple[PartView, ...]
    summary: Summary
    set_title: str = ""  # the bundled set's title; the set id when the set is not registered


def segments(text: Text, symbols: Mapping[Basic, str]) -> tuple[Segment, ...]:
    out = []
    for piece in text:
        if isinstance(piece, str):
            out.append(Segment("text", piece))
        else:
            out.append(Segment("math", latex(piece.expr, symbols)))
    return tuple(out)


_BLANK = Symbol("")  # an empty left side: prints a relation's symbol and right side only


def _lines(expr: Basic, symbols: Mapping[Basic, str]) -> list[str]:
    if isinstance(expr, Relation) and expr.op == "quad" and isinstance(expr.args[2], Relation) \
            and isinstance(expr.args[2].args[0], Words):
        # formula \quad whenever/at conditions: the conditions on a line of their own
        return _lines(expr.args[0], symbols) + [latex(expr.args[2], symbols)]
    if isinstance(expr, Equation):
        return [latex(expr.lhs, symbols), latex(Equation(_BLANK, expr.rhs), symbols).strip()]
    if isinstance(expr, Relation) and expr.op != "quad":
        return [latex(expr.args[0], symbols), latex(Relation(_BLANK, expr.op, expr.args[2]), symbols).strip()]
    if isinstance(expr, Tuple_):
        return [latex(item, symbols) for item in expr.args]
    return [latex(expr, symbols)]


def cut(expr: Basic, symbols: Mapping[Basic, str]) -> Cut | None:
    """``expr`` cut into lines at its top-level relations; None when it has none."""
    boxed = isinstance(expr, Boxed)
    lines = _lines(expr.args[0] if boxed else expr, symbols)
    return Cut(tuple(lines), boxed) if len(lines) > 1 else None


def _step(step: Step, label: str, symbols: Mapping[Basic, str], figure_files: Mapping[str, Mapping[str, str]]) -> StepView:
    displays = tuple(latex(d, symbols) for d in step.display)
    cuts = tuple(cut(d, symbols) for d in step.display)
    claim = claim_cut = None
    if step.claim is not None and not (step.kind is Kind.ANSWER and step.display):
        claim = latex(step.claim.display(), symbols)
        claim_cut = cut(step.claim.display(), symbols)
    figure = None
    if step.figure is not None:
        figure = FigureView(
            step.figure.name,
            segments(step.figure.description, symbols),
            plot_view(step.figure.name, step.figure.plot, lambda words: segments(words, symbols)),
            figure_files.get(step.figure.name, {}),
        )
    return StepView(step.kind.value, step.title, segments(step.text, symbols), displays, claim, step.verdict, figure, label,
                    cuts, claim_cut)


def _answer_latex(part: Part, symbols: Mapping[Basic, str]) -> str:
    answer = part.answer
    for item in answer.display:
        body = item.args[0] if isinstance(item, Boxed) else item
        return latex(body, symbols)
    if answer.claim is not None:
        return latex(answer.claim.display(), symbols)
    return ""


def _set_title(set_id: str) -> str:
    from derive.errors import UnknownTargetError
    from derive.registry import get_set

    try:
        return get_set(set_id).title
    except UnknownTargetError:
        return set_id


def figure_views(view: ProblemView) -> list[FigureView]:
    """The figures of a problem's view, in document order."""
    return [step.figure for part in view.parts for step in part.steps if step.figure is not None]


def problem_view(problem: Problem, figure_files: Mapping[str, Mapping[str, str]] | None = None) -> ProblemView:
    """The view of a (verified) problem; ``figure_files`` maps figure names to saved files."""
    symbols = problem.symbols
    files = figure_files or {}
    parts = []
    for part in problem.parts:
        steps = tuple(_step(s, label, symbols, files) for s, label in zip(part.steps, part.labels()))
        parts.append(
            PartView(
                part.id,
                segments(part.prompt, symbols),
                segments(part.lead, symbols),
                steps,
                _answer_latex(part, symbols),
                segments(part.answer.text, symbols),
            )
        )
    return ProblemView(
        problem.set_id,
        problem.id,
        problem.title,
        segments(problem.statement, symbols),
        tuple(parts),
        Summary.of([problem]),
        _set_title(problem.set_id),
    )
