"""Limits as claims: scalar limits computed twice, matrix limits by continuity (with the
honest fallback to sampled instances), and false limits refuted."""

from __future__ import annotations

import pytest
from sympy import Identity, ImmutableMatrix, MatrixSymbol, Rational, Symbol, ZeroMatrix, exp, oo, symbols

from derive.claims import Given
from derive.limits import LimitIs, MatrixLimit
from derive.linalg import FullColumnRank, FullRowRank, Tall, Wide
from derive.model import Status
from derive.resolvent import Defines, ShiftAlgebra
from derive.verify import check
from derive.verify.limits import rational_limit

n, d = symbols("n d", integer=True, positive=True)
lam, sigma = Symbol("lambda", positive=True), Symbol("sigma", positive=True)
t = Symbol("t")
X, y = MatrixSymbol("X", n, d), MatrixSymbol("y", n, 1)
G = X.T * X + lam * Identity(d)
RIDGE = G.I * X.T * y
KERNEL = X.T * (X * X.T + lam * Identity(n)).I * y
ALG = Given((ShiftAlgebra(X, lam),))
TALL = Given((Tall(X), FullColumnRank(X), ShiftAlgebra(X, lam)))
WIDE = Given((Wide(X), FullRowRank(X), ShiftAlgebra(X, lam)))
f = sigma / (sigma**2 + lam)


@pytest.mark.parametrize(
    "expr, var, point, expected",
    [
        ((3 * t**2 + 1) / (t**2 - 5), t, oo, 3),
        ((t + 1) / (t**2 + 1), t, oo, 0),
        (t**3 / (t + 1), t, oo, oo),
        (f, lam, 0, 1 / sigma),
        ((t**2 + t) / t, t, 0, 1),
        (exp(t), t, 0, None),  # not rational: no second computation
    ],
)
def test_rational_limit(expr, var, point, expected):
    assert rational_limit(expr, var, point) == expected


@pytest.mark.parametrize(
    "claim, status",
    [
        (LimitIs(f, lam, 0, 1 / sigma), Status.PROVED),
        (LimitIs(f, lam, oo, 0), Status.PROVED),
        (LimitIs(lam * f, lam, oo, sigma), Status.PROVED),
        (LimitIs(f, lam, 0, sigma), Status.REFUTED),
        (LimitIs(lam * f, lam, oo, 0), Status.REFUTED),
        (LimitIs((1 - exp(-t)) / t, t, 0, 1), Status.PROVED),  # Gruntz alone, said so
    ],
)
def test_limit_is(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        (MatrixLimit(RIDGE, lam, oo, ZeroMatrix(d, 1), ALG), Status.PROVED),
        (MatrixLimit(lam * RIDGE, lam, oo, X.T * y, ALG), Status.PROVED),
        (MatrixLimit(lam * RIDGE, lam, oo, 2 * X.T * y, ALG), Status.REFUTED),
        (MatrixLimit(RIDGE, lam, 0, (X.T * X).I * X.T * y, TALL), Status.PROVED),
        (MatrixLimit(KERNEL, lam, 0, X.T * (X * X.T).I * y, WIDE), Status.PROVED),
        (MatrixLimit(RIDGE, lam, 0, 2 * (X.T * X).I * X.T * y, TALL), Status.REFUTED),
    ],
)
def test_matrix_limit(claim, status):
    assert check(claim).status is status


def test_a_limit_through_a_singular_inverse_is_only_sampled():
    """(XᵀX + λI)⁻¹ blows up for a wide X: continuity does not apply, so no proof is claimed."""
    verdict = check(MatrixLimit(RIDGE, lam, 0, X.T * (X * X.T).I * y, WIDE))
    assert verdict.status is Status.SAMPLED and "not shown continuous" in verdict.detail


def test_a_defined_symbol_is_not_a_constant():
    """F := λI depends on λ through its definition: its limit at 0 is 0, not F."""
    F = MatrixSymbol("F", n, n)
    given = Given((Defines(F, lam * Identity(n)),))
    assert check(MatrixLimit(F * y, lam, 0, ZeroMatrix(n, 1), given)).status is Status.PROVED
    assert check(MatrixLimit(F * y, lam, 0, y, given)).status is Status.REFUTED


def test_explicit_matrix_limit():
    x0 = ImmutableMatrix([[1, 2], [2, 4], [3, 6]])
    y0 = ImmutableMatrix([1, 0, 1])
    ridge = (x0.T * x0 + lam * Identity(2)).I * x0.T * y0
    assert check(MatrixLimit(ridge, lam, 0, ImmutableMatrix([Rational(2, 35), Rational(4, 35)]))).status is Status.PROVED
    assert check(MatrixLimit(ridge, lam, 0, ImmutableMatrix([Rational(1, 35), Rational(2, 35)]))).status is Status.REFUTED
