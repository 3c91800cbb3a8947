"""Gaussian densities and MAP: densities unfolded from their definition and compared on
logarithms, positivity required, constants separated by the verifier itself."""

from __future__ import annotations

import pytest
from sympy import Identity, IndexedBase, Integer, MatrixSymbol, Product, Symbol, exp, log, pi, symbols

from derive.claims import Given, InRange
from derive.gaussian import DensityEqual, LogOf, Maximizer, NormalPdf
from derive.model import Status
from derive.ops import Entry, SqNorm
from derive.resolvent import ShiftAlgebra
from derive.verify import check

n, d = symbols("n d", integer=True, positive=True)
lam, Z = Symbol("lambda", positive=True), Symbol("Z", positive=True)
i = Symbol("i", integer=True)
X, y, w = MatrixSymbol("X", n, d), MatrixSymbol("y", n, 1), MatrixSymbol("w", d, 1)
PRIOR = (2 * pi) ** (-d / Integer(2)) * exp(-SqNorm(w) / 2)
LIK = (2 * pi * lam) ** (-n / Integer(2)) * exp(-SqNorm(y - X * w) / (2 * lam))
J = SqNorm(y - X * w) + lam * SqNorm(w)
C = -(n / Integer(2)) * log(2 * pi * lam) - (d / Integer(2)) * log(2 * pi) - log(Z)
RIDGE = (X.T * X + lam * Identity(d)).I * X.T * y
ALG = Given((ShiftAlgebra(X, lam),))


@pytest.mark.parametrize(
    "claim, status",
    [
        (DensityEqual(NormalPdf(w, 0, Identity(d)), PRIOR), Status.PROVED),
        (DensityEqual(NormalPdf(w, 0, Identity(d)), (2 * pi) ** (-d) * exp(-SqNorm(w) / 2)), Status.REFUTED),
        (DensityEqual(NormalPdf(y, X * w, lam * Identity(n)), LIK), Status.PROVED),
        (DensityEqual(NormalPdf(y, X * w, lam * Identity(n)), (2 * pi) ** (-n / Integer(2)) * exp(-SqNorm(y - X * w) / (2 * lam))), Status.REFUTED),
        (
            DensityEqual(Product(NormalPdf(IndexedBase("y")[i], Entry(X * w, i), lam), (i, 1, n)), LIK, Given((InRange(i, 1, n),))),
            Status.PROVED,
        ),
        (LogOf(LIK * PRIOR / Z, C - J / (2 * lam)), Status.PROVED),
        (LogOf(LIK * PRIOR / Z, C - J / lam), Status.REFUTED),
        (LogOf(lam - 1, log(lam - 1)), Status.UNDECIDED),  # not shown positive
    ],
)
def test_density_claims(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "objective, point, ok",
    [
        (C - J / (2 * lam), RIDGE, True),
        (C - J / (2 * lam), 2 * RIDGE, False),
        (C + J / (2 * lam), RIDGE, False),  # a minimum, not a maximum
    ],
)
def test_maximizer(objective, point, ok):
    assert check(Maximizer(objective, w, point, ALG)).status.ok is ok


def test_only_scaled_identity_covariances():
    with pytest.raises(ValueError):
        NormalPdf(w, 0, MatrixSymbol("S", d, d))
