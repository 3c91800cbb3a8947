"""The solution tree: problem set -> problem -> part -> step -> claim -> verdict.

Every object is a frozen dataclass. Prose is a tuple of segments, each either a
plain string or a :class:`Math` wrapping a SymPy object; LaTeX is produced from
those objects only by :mod:`derive.printing` and the templates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Union

from sympy import Basic

if TYPE_CHECKING:  # pragma: no cover
    from derive.claims import Claim
    from derive.plot import Plot


class Kind(str, Enum):
    """The label of a step in the solution protocol."""

    INTERPRETATION = "interpretation"
    METHOD = "method"
    STEP = "step"
    ANSWER = "answer"
    NOTE = "note"
    FIGURE = "figure"


class Status(str, Enum):
    """How a claim was settled. ``refuted`` and ``undecided`` fail a build."""

    PROVED = "proved"  # holds in general (symbolic sizes, symbolic parameters)
    CHECKED = "checked"  # exact check on listed concrete shapes, symbolic entries
    SAMPLED = "sampled"  # exact check at random rational points
    REFUTED = "refuted"  # false: counterexample or residual in `detail`
    UNDECIDED = "undecided"  # the verifier could not decide

    @property
    def ok(self) -> bool:
        return self in (Status.PROVED, Status.CHECKED, Status.SAMPLED)


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying one claim."""

    status: Status
    method: str
    detail: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "method": self.method,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True)
class Math:
    """A formula inside prose. ``expr`` is any SymPy object the printer knows."""

    expr: Basic


Segment = Union[str, Math]
Text = tuple[Segment, ...]


def text(template: str, *exprs: Basic) -> Text:
    """Build prose from a template whose ``{}`` placeholders are formulas.

    >>> from sympy import Symbol
    >>> text("Let {} be positive.", Symbol("n"))
    ('Let ', Math(expr=n), ' be positive.')
    """
    pieces = template.split("{}")
    if len(pieces) != len(exprs) + 1:
        raise ValueError(
            f"template has {len(pieces) - 1} placeholders but {len(exprs)} formulas: {template!r}"
        )
    for expr in exprs:
        if not isinstance(expr, Basic):
            # Words belong in the template; a formula slot takes a SymPy object only.
            raise TypeError(f"formula slot given {type(expr).__name__} {expr!r} in {template!r}")
    out: list[Segment] = []
    for i, piece in enumerate(pieces):
        if piece:
            out.append(piece)
        if i < len(exprs):
            out.append(Math(exprs[i]))
    return tuple(out)


@dataclass(frozen=True)
class Figure:
    """A drawing asked for by a question.

    ``plot`` describes it as data (:mod:`derive.plot`), which the renderers draw as SVG
    and as a pgfplots picture; ``description`` says in words what the figure shows, so
    it can be drawn by hand. ``name`` names its file (``figures/<name>.svg``).
    """

    name: str
    plot: Plot
    description: Text = ()


@dataclass(frozen=True)
class Step:
    """One labeled step of a part's solution.

    ``display`` holds formulas shown on their own lines; ``claim`` is the mathematics
    the step asserts (shown too), and ``verdict`` is set by the verifier.
    """

    kind: Kind
    title: str
    text: Text = ()
    display: tuple[Basic, ...] = ()
    claim: Claim | None = None
    verdict: Verdict | None = None
    figure: Figure | None = None

    @property
    def states_math(self) -> bool:
        """True when the step asserts mathematics and so must carry a verdict."""
        return self.claim is not None


@dataclass(frozen=True)
class Part:
    """A part of a problem (``a``) or a case of a part (``b.ii``)."""

    id: str
    prompt: Text
    steps: tuple[Step, ...]
    lead: Text = ()  # the shared statement of the parent part, for cases such as b.ii

    @property
    def answer(self) -> Step:
        """The part's answer step (there is exactly one)."""
        answers = [s for s in self.steps if s.kind is Kind.ANSWER]
        if len(answers) != 1:
            raise ValueError(f"part {self.id} has {len(answers)} answer steps, expected 1")
        return answers[0]

    def labels(self) -> list[str]:
        """The label each step carries in documents: "Step 2", "Note", "Answer"…"""
        out, count = [], 0
        for step in self.steps:
            if step.kind is Kind.STEP:
                count += 1
                out.append(f"Step {count}")
            else:
                out.append(step.kind.value.capitalize())
        return out

    def claims(self) -> Iterator[tuple[int, Step]]:
        for index, step in enumerate(self.steps, start=1):
            if step.claim is not None:
                yield index, step


@dataclass(frozen=True)
class Problem:
    """A problem of a set, e.g. ``q2`` of ``cs182-hw0``.

    ``symbols`` maps SymPy symbols (and matrix symbols) to the LaTeX the course uses
    for them, e.g. a column vector ``x`` to ``\\mathbf{x}``.
    """

    set_id: str
    id: str
    title: str
    statement: Text
    parts: tuple[Part, ...]
    symbols: Mapping[Basic, str] = field(default_factory=dict, compare=False)

    @property
    def target(self) -> str:
        return f"{self.set_id}/{self.id}"

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    def only(self, part_ids: list[str]) -> Problem:
        """This problem restricted to the given parts, in the problem's order."""
        keep = tuple(p for p in self.parts if p.id in part_ids)
        return dataclasses.replace(self, parts=keep)


@dataclass(frozen=True)
class ProblemSet:
    """A bundled problem set."""

    id: str
    title: str
    problems: tuple[Problem, ...]

    def problem(self, problem_id: str) -> Problem:
        for problem in self.problems:
            if problem.id == problem_id:
                return problem
        raise KeyError(problem_id)


@dataclass(frozen=True)
class Summary:
    """How the claims of a tree were settled."""

    claims: int = 0
    proved: int = 0
    checked: int = 0
    sampled: int = 0
    refuted: int = 0
    undecided: int = 0
    unverified: int = 0

    @classmethod
    def of(cls, problems: tuple[Problem, ...] | list[Problem]) -> Summary:
        counts = {s.value: 0 for s in Status}
        total = unverified = 0
        for problem in problems:
            for part in problem.parts:
                for _, step in part.claims():
                    total += 1
                    if step.verdict is None:
                        unverified += 1
                    else:
                        counts[step.verdict.status.value] += 1
        return cls(claims=total, unverified=unverified, **counts)

    @property
    def ok(self) -> bool:
        return self.refuted == 0 and self.undecided == 0 and self.unverified == 0

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)
