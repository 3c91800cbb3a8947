"""Limits as claims: a scalar limit, and the limit of a matrix expression in a parameter.

* :class:`LimitIs` — ``lim_{t→p} f(t) = L`` for a scalar f. The verifier computes the
  limit twice, independently: with SymPy's ``limit`` (the Gruntz algorithm, using the
  symbols' assumptions, e.g. σ > 0) and, when f is a rational function of t, from the
  leading terms of its numerator and denominator.
* :class:`MatrixLimit` — ``lim_{t→p} M(t) = L`` for a matrix expression M. Decided in
  general by continuity: every scalar coefficient has a finite limit and every matrix
  that is inverted stays invertible at the limit point (for t → ∞ the verifier first
  writes t = 1/μ and takes the diverging scalar out of each inverse,
  ``(A + tI)⁻¹ = t⁻¹(t⁻¹A + I)⁻¹``, then lets μ → 0⁺). Sums, products, transposes and
  inverses of invertible matrices are continuous, so the limit is the expression at the
  point. The facts of the claim (an SVD, definitions) may be applied first, so that a
  form whose inverse stays invertible is found. The result is cross-checked on exact
  instances: random rational entries, each entry an exact rational function of t
  whose limit is read off its leading terms.
* :class:`Limit` display: :class:`LimitOf` prints ``lim_{t→p}`` over a matrix
  expression (SymPy's ``Limit`` takes scalars only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic, Integer, Symbol, oo, sympify
from sympy.core.symbol import Str

from derive.claims import NOTHING, Claim, Given
from derive.notation import Equation


class LimitOf(Basic):
    """lim_{var → point} expr, for display (``direction`` is "+", "-" or "" for two-sided)."""

    def __new__(cls, expr: Basic, var: Symbol, point: Basic, direction: str = "+") -> LimitOf:
        return Basic.__new__(cls, expr, var, sympify(point), Str(direction))

    @property
    def expr(self) -> Basic:
        return self.args[0]

    @property
    def var(self) -> Symbol:
        return self.args[1]

    @property
    def point(self) -> Basic:
        return self.args[2]

    @property
    def direction(self) -> str:
        return self.args[3].name


@dataclass(frozen=True)
class _Limit(Claim):
    """lim_{var → point} expr = value: the fields and display both limit claims share."""

    expr: Basic
    var: Symbol
    point: Basic
    value: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        direction = "" if self.point in (oo, -oo) else "+"
        return Equation(LimitOf(self.expr, self.var, self.point, direction), self.value)


@dataclass(frozen=True)
class LimitIs(_Limit):
    """lim_{var → point} expr = value (scalars; one-sided from the right at a finite point)."""


@dataclass(frozen=True)
class MatrixLimit(_Limit):
    """lim_{var → point} expr = value, for a matrix expression in the scalar ``var``."""


ZERO = Integer(0)

__all__ = ["LimitIs", "LimitOf", "MatrixLimit"]
