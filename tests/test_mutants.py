"""Mistakes the verifier once left undecided are refuted with a reason, and their true
neighbours are still proved.

Each false claim below is a realistic mistake written out by hand (a sign flipped inside a
denominator, a transpose added to a density's argument, a term dropped from a shifted
Gram matrix, a limit point negated, an inequality of the region reversed); the claim
next to it is the correct one, which must keep its verdict.
"""

from __future__ import annotations

import pytest
from sympy import (
    Eq,
    Gt,
    I,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    Limit,
    MatMul,
    Lt,
    MatrixSymbol,
    Symbol,
    ZeroMatrix,
    exp,
    log,
    oo,
    pi,
    symbols,
)

from derive.claims import EqualOn, Given, IffOn, Sign
from derive.gaussian import DensityEqual, LogOf, Maximizer, NormalPdf
from derive.limits import LimitIs, MatrixLimit
from derive.linalg import FullColumnRank, Invertible, Minimizer, PositiveDefinite, Singular, Tall, UniqueSolution
from derive.model import Status
from derive.mutate import MIN_POINTS, Mutant, sample_region_claim, still_true_by_scaling
from derive.ops import SqNorm
from derive.resolvent import Cleared, DiagonalForm, ShiftAlgebra
from derive.verify import check
from derive.verify.limits import rational_limit
from derive.verify.regions import holds

n, d, k = symbols("n d k", integer=True, positive=True)
lam, sigma, Z = Symbol("lambda", positive=True), Symbol("sigma", positive=True), Symbol("Z", positive=True)
s, l, x_, t = Symbol("s"), Symbol("l"), Symbol("x"), Symbol("t")
X, y, w, v = MatrixSymbol("X", n, d), MatrixSymbol("y", n, 1), MatrixSymbol("w", d, 1), MatrixSymbol("v", d, 1)
D = MatrixSymbol("D", k, k)
I_d, I_n = Identity(d), Identity(n)
G, H = lam * I_d + X.T * X, lam * I_n + X * X.T
ALG = Given((ShiftAlgebra(X, lam),))
TALL = Given((Tall(X), FullColumnRank(X)))
PRIOR = (2 * pi) ** (-d / Integer(2)) * exp(-SqNorm(w) / 2)
LIK = (2 * pi * lam) ** (-n / Integer(2)) * exp(-SqNorm(y - X * w) / (2 * lam))
RIDGE = G.I * X.T * y
POSITIVE = (Gt(s, 0), Gt(l, 0))

# Problem 5's unit on its active side (w > 0, x < 0, output wx + b = y + 1, so the error is 1)
# after a gradient step of size λ: w' = w − λx, b' = b − λ; its new elbow is −b'/w'.
b_, w_, y_, lr = symbols("b w y lambda")
ACTIVE = (Gt(w_, 0), Lt(x_, 0), Gt(w_ * x_ + b_, 0), Eq(w_ * x_ + b_, y_ + 1))
NEW_ELBOW = -(b_ - lr) / (w_ - lr * x_)


@pytest.mark.parametrize(
    "claim, status",
    [
        # A denominator that vanishes inside the region (λ = σ²) used to crash the sampler.
        (Sign(-s / (l - s**2) + 1 / s, "gt", POSITIVE), Status.REFUTED),
        (Sign(-s / (l + s**2) + 1 / s, "gt", POSITIVE), Status.PROVED),
        (Sign(l / (l - s), "gt", POSITIVE), Status.REFUTED),
        (Sign(l / (l + s), "gt", POSITIVE), Status.PROVED),
        # "The new elbow never passes the pivot −1/x": with the step size reversed (λ < 0)
        # w' = w − λx can vanish inside the region, and the claim is false.
        (Sign(NEW_ELBOW + 1 / x_, "lt", (*ACTIVE, Lt(lr, 0))), Status.REFUTED),
        (Sign(NEW_ELBOW + 1 / x_, "lt", (*ACTIVE, Gt(lr, 0))), Status.PROVED),
    ],
)
def test_signs_on_regions_with_vanishing_denominators(claim, status):
    assert check(claim).status is status


def test_a_relation_is_undefined_where_its_denominator_vanishes():
    assert holds(Gt(1 / (x_ - 1), 0), {x_: Integer(1)}) is None
    assert holds(Gt(1 / (x_ - 1), 0), {x_: Integer(2)}) is True


@pytest.mark.parametrize(
    "claim, status",
    [
        (IffOn(Gt(l / (l - s), 0), Lt(l, s), POSITIVE), Status.REFUTED),  # undefined at l = s, false for l > s
        (IffOn(Gt(s / (l + s), 0), Gt(s, 0), POSITIVE), Status.PROVED),
    ],
)
def test_equivalences_with_a_denominator_that_can_vanish(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        (PositiveDefinite(-2 * X.T * X, TALL), Status.REFUTED),
        (PositiveDefinite(2 * X.T * X, TALL), Status.PROVED),
        (PositiveDefinite(lam * I_d - X.T * X, ALG), Status.REFUTED),
        (PositiveDefinite(-lam * I_d + X.T * X, ALG), Status.REFUTED),
        (PositiveDefinite(-lam * I_d - X.T * X, ALG), Status.REFUTED),
        (PositiveDefinite(lam * I_n - X * X.T, ALG), Status.REFUTED),
        (PositiveDefinite(lam * I_d + X.T * X, ALG), Status.PROVED),
        (PositiveDefinite(lam * I_n + X * X.T, ALG), Status.PROVED),
    ],
)
def test_positive_definite(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        # A determinant that is a nonzero function of the entries, but vanishes where λ meets
        # an eigenvalue of XᵀX: not invertible for every λ > 0.
        (Invertible(lam * I_d - X.T * X, ALG), Status.REFUTED),
        (Invertible(X.T * X, ALG), Status.REFUTED),  # no rank assumed
        (Invertible(-lam * I_d - X.T * X, ALG), Status.PROVED),
        (Invertible(lam * I_d + X.T * X, ALG), Status.PROVED),
        (Invertible(X.T * X, TALL), Status.PROVED),
    ],
)
def test_invertible(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        # A constant objective (the data term dropped): every w minimizes it.
        (Minimizer(SqNorm(y), w, (X.T * X).I * X.T * y, TALL), Status.REFUTED),
        (Minimizer(SqNorm(X * w - y), w, (X.T * X).I * X.T * y, TALL), Status.PROVED),
        (Maximizer(C := -log(Z) - (d / Integer(2)) * log(2 * pi), w, RIDGE, ALG), Status.REFUTED),
        (Maximizer(C - (lam * SqNorm(w) + SqNorm(y - X * w)) / (2 * lam), w, RIDGE, ALG), Status.PROVED),
    ],
)
def test_optima(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        # Normal equations negated: the same unique solution (−G is invertible too).
        (UniqueSolution(-2 * w.T * G + 2 * y.T * X, ZeroMatrix(1, d), w, RIDGE, ALG), Status.PROVED),
        # A coefficient that is singular when λ meets an eigenvalue of XᵀX: not unique.
        (UniqueSolution((lam * I_d - X.T * X) * w, (lam * I_d - X.T * X) * v, w, v, ALG), Status.REFUTED),
        (UniqueSolution((lam * I_d + X.T * X) * w, (lam * I_d + X.T * X) * v, w, v, ALG), Status.PROVED),
    ],
)
def test_unique_solution(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        (Cleared(G.I * X.T, X.T * H.I, lam * I_d - X.T * X, H, ALG), Status.REFUTED),
        (Cleared(G.I * X.T, X.T * H.I, -lam * I_d + X.T * X, H, ALG), Status.REFUTED),
        (Cleared(G.I * X.T, X.T * H.I, G, lam * I_n - X * X.T, ALG), Status.REFUTED),
        (Cleared(G.I * X.T, X.T * H.I, G, X * X.T, ALG), Status.REFUTED),
        (Cleared(G.I * X.T, X.T * H.I, -lam * I_d - X.T * X, H, ALG), Status.PROVED),
        (Cleared(G.I * X.T, X.T * H.I, G, H, ALG), Status.PROVED),
    ],
)
def test_cleared_by_a_factor_that_can_be_singular(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "expr, status",
    [
        ((lam * Identity(k) - D**2).I * D, Status.REFUTED),
        ((-lam * Identity(k) + D**2).I * D, Status.REFUTED),
        ((lam * Identity(k) + D**2).I * D, Status.PROVED),
    ],
)
def test_diagonal_form_with_an_entry_that_can_vanish(expr, status):
    assert check(DiagonalForm(expr, D, sigma, sigma / (lam + sigma**2))).status is status


@pytest.mark.parametrize(
    "claim, status",
    [
        (DensityEqual(NormalPdf(w.T, 0, I_d), PRIOR), Status.REFUTED),  # a row vector has no density with cov I_d
        (DensityEqual(NormalPdf(w, ZeroMatrix(d, 2), I_d), PRIOR), Status.REFUTED),  # a mean of another shape
        (DensityEqual(NormalPdf(y.T, X * w, lam * I_n), LIK), Status.REFUTED),
        (DensityEqual(NormalPdf(y, X.T * w, lam * I_n), LIK), Status.REFUTED),
        (DensityEqual(-NormalPdf(w, ZeroMatrix(d, 1), I_d), PRIOR), Status.REFUTED),
        (DensityEqual(NormalPdf(w, ZeroMatrix(d, 1), I_d), -PRIOR), Status.REFUTED),
        (DensityEqual(NormalPdf(w, ZeroMatrix(d, 1), I_d), PRIOR), Status.PROVED),
        (DensityEqual(NormalPdf(y, X * w, lam * I_n), LIK), Status.PROVED),
        (LogOf(-PRIOR / Z, -SqNorm(w) / 2 - (d / Integer(2)) * log(2 * pi) - log(Z)), Status.REFUTED),
        (LogOf(PRIOR / Z, -SqNorm(w) / 2 - (d / Integer(2)) * log(2 * pi) - log(Z)), Status.PROVED),
        # The principal logarithm of a negative number is complex: not refuted for being negative.
        (LogOf(-PRIOR / Z, -SqNorm(w) / 2 - (d / Integer(2)) * log(2 * pi) - log(Z) + I * pi), Status.UNDECIDED),
    ],
)
def test_densities(claim, status):
    assert check(claim).status is status


A = ImmutableMatrix([[1, 2, 3], [2, 4, 6]])
B = ImmutableMatrix([[1], [0], [1]])
LIMIT = ImmutableMatrix([[Integer(2) / 35], [Integer(4) / 35]])  # of (λI + AAᵀ)⁻¹AB as λ → 0⁺; AAᵀ is singular


@pytest.mark.parametrize(
    "claim, status",
    [
        # λ > 0 cannot tend to −∞.
        (LimitIs(lam * sigma / (lam + sigma**2), lam, -oo, sigma), Status.REFUTED),
        (LimitIs(lam * sigma / (lam + sigma**2), lam, oo, sigma), Status.PROVED),
        (LimitIs(sigma / (lam + sigma**2), lam, -1, sigma / (sigma**2 - 1)), Status.REFUTED),
        (MatrixLimit(lam * RIDGE, lam, -oo, X.T * y, ALG), Status.REFUTED),
        (MatrixLimit(lam * RIDGE, lam, oo, X.T * y, ALG), Status.PROVED),
        # The shift dropped from an explicit singular Gram matrix: the inverse does not exist.
        (MatrixLimit(MatMul(Inverse(MatMul(A, A.T)), A, B), lam, 0, LIMIT), Status.REFUTED),
        (MatrixLimit(MatMul(Inverse(lam * Identity(2) + MatMul(A, A.T)), A, B), lam, 0, LIMIT), Status.PROVED),
    ],
)
def test_limits(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "expr, var, expected",
    [
        (l * sigma / (l + sigma**2), l, sigma),  # an unrestricted variable at −∞
        ((3 * t**2 + 1) / (t - 5), t, -oo),
        ((t + 1) / (t**2 + 1), t, 0),
    ],
)
def test_rational_limit_at_minus_infinity(expr, var, expected):
    assert rational_limit(expr, var, -oo) == expected


def _mutant(claim, field, before, after, description="negated", kind="sign"):
    from dataclasses import replace

    return Mutant("t/p/a", "Step 1", kind, description, field, claim, replace(claim, **{field: after}), before, after, Given())


@pytest.mark.parametrize(
    "claim, field, after, description, still_true",
    [
        (Invertible(X.T * X, TALL), "matrix", -X.T * X, "side negated", True),
        (Singular(X * X.T, TALL), "matrix", 3 * X * X.T, "2 changed to 3", True),
        (PositiveDefinite(2 * X.T * X, TALL), "matrix", 3 * X.T * X, "2 changed to 3", True),
        (PositiveDefinite(2 * X.T * X, TALL), "matrix", -2 * X.T * X, "side negated", False),  # −M is not positive definite
        (Cleared(G.I * X.T, X.T * H.I, G, H, ALG), "left", -lam * I_d - X.T * X, "side negated", True),
        (Cleared(G.I * X.T, X.T * H.I, G, H, ALG), "left", lam * I_d - X.T * X, "negated", False),
        (UniqueSolution(2 * w.T * G - 2 * y.T * X, ZeroMatrix(1, d), w, RIDGE, ALG), "lhs", -2 * w.T * G + 2 * y.T * X, "side negated", True),
        (UniqueSolution(2 * w.T * G, 2 * y.T * X, w, RIDGE, ALG), "lhs", -2 * w.T * G, "side negated", False),  # the other side is not zero
        (Maximizer(-log(Z) - SqNorm(w), w, ZeroMatrix(d, 1)), "objective", -2 * log(Z) - SqNorm(w), "-1 changed to -2", True),
        (Maximizer(-log(Z) - SqNorm(w) / 2, w, ZeroMatrix(d, 1)), "objective", -log(Z) - SqNorm(w) / 3, "-1/2 changed to -1/3", True),
        (Maximizer(-log(Z) - SqNorm(w) / 2, w, ZeroMatrix(d, 1)), "objective", -log(Z) + SqNorm(w) / 2, "negated", False),
        (Maximizer(-SqNorm(w) - SqNorm(w - v), w, v / 2), "objective", -SqNorm(w) - 2 * SqNorm(w - v), "1 changed to 2", False),
    ],
)
def test_mutants_still_true_by_a_scalar_factor(claim, field, after, description, still_true):
    reason = still_true_by_scaling(_mutant(claim, field, getattr(claim, field), after, description))
    assert (reason is not None) is still_true


# -- the mutation command's own evidence on region claims with limits ----------------------------

b_s, w_s, x_s, l_s = symbols("b w x lambda")
ELBOW_LIMIT = Limit(-(b_s - l_s) / (w_s - l_s * x_s), l_s, oo)  # −b'/w' for a very large step λ


@pytest.mark.parametrize(
    "claim, false_somewhere",
    [
        (EqualOn(ELBOW_LIMIT, -1 / x_s, (Gt(w_s, 0), Lt(x_s, 0))), False),
        (EqualOn(ELBOW_LIMIT, -1 / x_s, (Lt(w_s, 0), Gt(x_s, 0))), False),  # true for either sign
        (EqualOn(ELBOW_LIMIT, 1 / x_s, (Gt(w_s, 0), Lt(x_s, 0))), True),
        (EqualOn(ELBOW_LIMIT, -b_s / w_s, (Gt(w_s, 0), Lt(x_s, 0))), True),
    ],
)
def test_the_sampler_takes_limits_at_each_point(claim, false_somewhere):
    sampled = sample_region_claim(claim)
    assert (sampled.counterexample is not None) is false_somewhere
    assert false_somewhere or sampled.points >= MIN_POINTS
