"""What a step asserts, stated with SymPy objects.

Claims are data: they say *what* holds, never *why*. The verifier
(:mod:`derive.verify`) decides each one by its own computation. The left side of a
claim keeps the unevaluated operation (``Derivative``, :class:`~derive.ops.Jacobian`,
:class:`~derive.ops.Entry`, ``Limit``) so the verifier recomputes it itself.

Facts (:class:`Fact`) are the assumptions a claim is made under: index ranges,
symmetric or orthogonal matrices, the sizes to check on. Each fact knows how to use
itself in a symbolic proof (``rewrite``), how to build exact instances for a check
on concrete shapes (``instance``), and how to read in a document (``statement``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sympy import (
    Basic,
    Expr,
    ImmutableMatrix,
    Matrix,
    Symbol,
    Transpose,
    sympify,
)
from sympy.matrices.expressions import MatrixSymbol

from derive.notation import Element, EqChain, Equation, Relation, Words


class Fact:
    """An assumption a claim is made under. Subclasses are small frozen dataclasses."""

    def rewrite(self, expr: Basic) -> Basic:
        """Use the fact in a symbolic proof (default: no use)."""
        return expr

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        """An exact instance of ``matrix`` (concrete shape) honouring the fact, or None."""
        return None

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        """Whether a concrete choice of sizes is allowed by the fact."""
        return True

    def statement(self) -> Basic:
        """The fact as a formula, for documents."""
        raise NotImplementedError


def entry_symbol(name: str, i: int, j: int, **assumptions: Any) -> Symbol:
    """The symbol for entry (i, j) (0-based in, 1-based name) of an instance matrix."""
    return Symbol(f"{name}_{i + 1}{j + 1}", **assumptions)


@dataclass(frozen=True)
class InRange(Fact):
    """lo <= index <= hi, for an integer index (an arbitrary entry)."""

    index: Symbol
    lo: Expr
    hi: Expr

    def statement(self) -> Basic:
        return Relation(Relation(sympify(self.lo), "le", self.index), "le", sympify(self.hi))


@dataclass(frozen=True)
class Symmetric(Fact):
    """A = Aᵀ."""

    matrix: MatrixSymbol

    def rewrite(self, expr: Basic) -> Basic:
        return expr.xreplace({Transpose(self.matrix): self.matrix})

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        if matrix.name != self.matrix.name:
            return None
        n = int(matrix.shape[0])
        name = matrix.name

        def entry(i: int, j: int) -> Symbol:
            a, b = min(i, j), max(i, j)
            return entry_symbol(name, a, b)

        return ImmutableMatrix(Matrix(n, n, entry))

    def residual(self) -> Basic:
        """The matrix that vanishes exactly when the fact holds."""
        return self.matrix - self.matrix.T

    def statement(self) -> Basic:
        return Equation(self.matrix, self.matrix.T)


@dataclass(frozen=True)
class Shapes(Fact):
    """Concrete sizes to check a claim on, e.g. ({n: 1}, {n: 2}, {n: 3}, {n: 4})."""

    choices: tuple[tuple[tuple[Symbol, int], ...], ...]

    @classmethod
    def of(cls, *choices: Mapping[Symbol, int]) -> Shapes:
        return cls(tuple(tuple(sorted(c.items(), key=lambda kv: kv[0].name)) for c in choices))

    def statement(self) -> Basic:
        return Words("checked on listed sizes")


@dataclass(frozen=True)
class Given:
    """The facts a claim is made under."""

    facts: tuple[Fact, ...] = ()

    def __add__(self, other: Given) -> Given:
        return Given(self.facts + other.facts)

    def of_type(self, kind: type) -> list[Any]:
        return [f for f in self.facts if isinstance(f, kind)]


NOTHING = Given()


class Claim:
    """Base class of claims. ``display()`` is the formula a document shows."""

    given: Given

    def display(self) -> Basic:
        raise NotImplementedError


@dataclass(frozen=True)
class Equal(Claim):
    """lhs = rhs (scalars or matrices of equal shape; a 1×1 matrix equals a scalar)."""

    lhs: Basic
    rhs: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Equation(self.lhs, self.rhs)


@dataclass(frozen=True)
class Chain(Claim):
    """t0 = t1 = … = tk, each link checked on its own."""

    terms: tuple[Basic, ...]
    given: Given = field(default=NOTHING)

    def __post_init__(self) -> None:
        if len(self.terms) < 2:
            raise ValueError("a chain needs at least two terms")

    def links(self) -> list[Equal]:
        return [Equal(a, b, self.given) for a, b in zip(self.terms, self.terms[1:])]

    def display(self) -> Basic:
        return EqChain(*self.terms)


@dataclass(frozen=True)
class Unequal(Claim):
    """lhs ≠ rhs (typically at concrete values: a counterexample)."""

    lhs: Basic
    rhs: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Relation(self.lhs, "ne", self.rhs)


@dataclass(frozen=True)
class HasShape(Claim):
    """expr ∈ R^(rows×cols): the object (once evaluated) has this shape."""

    expr: Basic
    rows: Basic
    cols: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        from derive.notation import RealSpace

        return Element(self.expr, RealSpace(self.rows, self.cols))


@dataclass(frozen=True)
class IdentityIff(Claim):
    """(lhs = rhs for every value of ``var``) ⟺ ``condition``, both directions checked."""

    lhs: Basic
    rhs: Basic
    var: MatrixSymbol
    condition: Fact
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        space = Element(self.var, _space_of(self.var))
        left = Relation(Equation(self.lhs, self.rhs), "quad", Relation(Words("for all"), "quad", space))
        return Relation(left, "iff", self.condition.statement())


def _space_of(matrix: MatrixSymbol) -> Basic:
    from derive.notation import RealSpace

    rows, cols = matrix.shape
    return RealSpace(rows, cols)


# -- claims on a region of parameter space (decided by derive.verify.signs) -------------
#
# ``where`` is a tuple of SymPy relations that hold together (``w > 0``, ``Eq(phi(x), y + 1)``,
# ``Ne(w, 0)``); ``defs`` lists the problem's definitions the verifier unfolds itself,
# as (symbol or applied function, meaning) or (function, Lambda) pairs, e.g.
# (phi, Lambda(t, ReLU(w*t + b))). Definitions are the problem's, never a derived result.

Region = tuple[Basic, ...]
Defs = tuple[tuple[Basic, Basic], ...]

SIGN_OPS = ("gt", "ge", "lt", "le")


def _on_region(formula: Basic, where: Region) -> Basic:
    """The formula followed by its region: "at w = 1, …" for a point, else "whenever …"."""
    if not where:
        return formula
    from sympy import Eq

    from derive.notation import Tuple_

    at_point = all(isinstance(c, Eq) for c in where)
    return Relation(formula, "quad", Relation(Words("at" if at_point else "whenever"), "quad", Tuple_(*where)))


@dataclass(frozen=True)
class Sign(Claim):
    """expr ⋈ 0 at every point of the region, ⋈ one of >, ≥, <, ≤ (``op`` gt/ge/lt/le)."""

    expr: Basic
    op: str
    where: Region = ()
    defs: Defs = ()
    given: Given = field(default=NOTHING)

    def __post_init__(self) -> None:
        if self.op not in SIGN_OPS:
            raise ValueError(f"op must be one of {SIGN_OPS}, not {self.op!r}")

    def display(self) -> Basic:
        from sympy import Integer

        return _on_region(Relation(self.expr, self.op, Integer(0)), self.where)


@dataclass(frozen=True)
class EqualOn(Claim):
    """lhs = rhs at every point of the region (where both sides are defined)."""

    lhs: Basic
    rhs: Basic
    where: Region = ()
    defs: Defs = ()
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return _on_region(Equation(self.lhs, self.rhs), self.where)


@dataclass(frozen=True)
class IffOn(Claim):
    """left ⟺ right at every point of the region (two relations; both directions decided)."""

    left: Basic
    right: Basic
    where: Region = ()
    defs: Defs = ()
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return _on_region(Relation(self.left, "iff", self.right), self.where)
