"""The linear-algebra toolkit: shapes, exact orthogonal instances, the SVD model, the
positive-definite / invertible lemmas and the optimization claims — each with false
claims that must be refuted (or left undecided) as well as true ones."""

from __future__ import annotations

import pytest
from sympy import (
    BlockMatrix,
    Identity,
    ImmutableMatrix,
    Inverse,
    MatMul,
    Matrix,
    MatrixSymbol,
    Rational,
    Symbol,
    ZeroMatrix,
    cancel,
    symbols,
)

from derive.claims import Chain, Equal, Given, HasShape
from derive.errors import ShapeError
from derive.linalg import (
    SVD,
    Dimensions,
    FullColumnRank,
    FullRowRank,
    Invertible,
    Minimizer,
    MinNormSolution,
    OneByOne,
    Orthogonal,
    PositiveDefinite,
    Singular,
    Tall,
    UniqueSolution,
    Wide,
    cayley,
    conform,
    exact_value,
    inv,
    invertible,
    mul,
    orthogonal_matrix,
    positive_definite,
    rectangular_diagonal,
    singular_value,
)
from derive.model import Status
from derive.notation import Element, RealSpace
from derive.ops import SqNorm
from derive.verify import check
from derive.verify.instances import instantiate

m, n = symbols("m n", integer=True, positive=True)
lam_s = Symbol("lambda", positive=True)
X = MatrixSymbol("X", m, n)
y = MatrixSymbol("y", m, 1)
w = MatrixSymbol("w", n, 1)
z = MatrixSymbol("z", n, 1)
lam = MatrixSymbol("lambda", m, 1)
U, V = MatrixSymbol("U", m, m), MatrixSymbol("V", n, n)
S, Sd = MatrixSymbol("Sigma", m, n), MatrixSymbol("Sigma_dagger", n, m)
DT, DW = MatrixSymbol("D", n, n), MatrixSymbol("D", m, m)
Q = MatrixSymbol("Q", n, n)

TALL = Given((Tall(X), FullColumnRank(X)))
WIDE = Given((Wide(X), FullRowRank(X)))
SVD_T = Given((SVD(X, U, S, V, DT, Sd),))
SVD_W = Given((SVD(X, U, S, V, DW, Sd),))
LS = (X.T * X).I * X.T * y
MN = X.T * (X * X.T).I * y

# -- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr, pieces",
    [
        (MatMul((X.T * X).I, y.T, X), ["(X.T*X)**(-1) (n×n)", "y.T (1×m)", "inner sizes n and 1"]),
        (MatMul(X, X), ["X (m×n)", "X (m×n)", "inner sizes n and m"]),
        (MatMul(X.T, y, w), ["X.T*y (n×1)", "w (n×1)"]),
        (Inverse(X), ["cannot invert X (m×n)"]),
        (X + X.T, ["cannot add", "(m×n)", "(n×m)"]),
        (SqNorm(MatMul(X, y)), ["X (m×n)", "y (m×1)"]),
    ],
)
def test_conform_names_the_failing_operation_and_shapes(expr, pieces):
    with pytest.raises(ShapeError) as info:
        conform(expr)
    for piece in pieces:
        assert piece in str(info.value)


@pytest.mark.parametrize(
    "expr, shape",
    [
        (LS, (n, 1)),
        (X * (X.T * X).I * X.T, (m, m)),
        (y.T * X * w, (1, 1)),
        (BlockMatrix([[DT], [ZeroMatrix(m - n, n)]]), (m, n)),
        (SqNorm(X * w - y), (1, 1)),
        (2 * w.T * X.T * X - 2 * y.T * X, (1, n)),
    ],
)
def test_conform_returns_the_shape(expr, shape):
    assert conform(expr) == shape


def test_mul_and_inv_check_before_building():
    with pytest.raises(ShapeError, match="cannot multiply"):
        mul((X.T * X).I, y.T, X)
    with pytest.raises(ShapeError, match="cannot invert"):
        inv(X)
    assert mul(X.T, X).shape == (n, n)
    assert inv(X.T * X).shape == (n, n)


@pytest.mark.parametrize(
    "claim",
    [
        Equal(MatMul((X.T * X).I, y.T, X), w),
        Chain((LS, MatMul((X.T * X).I, y.T, X))),
        HasShape(MatMul((X.T * X).I, y.T, X), n, n),
        Minimizer(SqNorm(X * w - y), w, MatMul((X.T * X).I, y.T, X), TALL),
        Dimensions((Element(MatMul((X.T * X).I, y.T, X), RealSpace(n, m)),)),
    ],
)
def test_verifier_refutes_malformed_claims_with_the_shape_message(claim):
    verdict = check(claim)
    assert verdict.status is Status.REFUTED and verdict.method == "shapes"
    assert "(X.T*X)**(-1) (n×n)" in verdict.detail and "y.T (1×m)" in verdict.detail


# -- exact instances ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("seed", [0, 7])
def test_cayley_matrices_are_exactly_orthogonal_and_rational(size, seed):
    q = orthogonal_matrix(size, seed)
    assert q.T * q == Matrix.eye(size) and q * q.T == Matrix.eye(size)
    assert all(entry.is_Rational for entry in q)
    assert orthogonal_matrix(size, seed) == q  # deterministic


def test_cayley_is_not_the_identity_and_rejects_non_skew_input():
    assert orthogonal_matrix(3, 0) != Matrix.eye(3)
    with pytest.raises(ValueError):
        cayley(Matrix([[0, 1], [1, 0]]))


def test_rectangular_diagonal():
    s1, s2 = singular_value(1), singular_value(2)
    assert rectangular_diagonal(3, 2) == ImmutableMatrix([[s1, 0], [0, s2], [0, 0]])
    assert rectangular_diagonal(2, 3, power=-1) == ImmutableMatrix([[1 / s1, 0, 0], [0, 1 / s2, 0]])
    assert s1.is_positive


def test_exact_value_agrees_with_sympy():
    a = ImmutableMatrix(2, 3, symbols("a0:6"))
    expr = a.T * (a * a.T).inv() * a
    fast = exact_value(MatMul(a.T, Inverse(MatMul(a, a.T)), a))
    assert (fast - expr).applyfunc(cancel) == Matrix.zeros(3, 3)
    assert exact_value(X * w) is None  # symbolic sizes: nothing to evaluate


@pytest.mark.parametrize("dims", [{m: 2, n: 1}, {m: 3, n: 2}, {m: 4, n: 3}])
def test_svd_instance_is_consistent_and_full_rank(dims):
    u, s, v, x = (instantiate(e, dims, {}, SVD_T) for e in (U, S, V, X))
    assert u.T * u == Matrix.eye(dims[m]) and v.T * v == Matrix.eye(dims[n])
    assert (x - u * s * v.T).applyfunc(cancel) == Matrix.zeros(dims[m], dims[n])
    assert Matrix(x).rank() == dims[n]


@pytest.mark.parametrize("dims, tall, wide", [({m: 3, n: 2}, True, False), ({m: 2, n: 3}, False, True), ({m: 2, n: 2}, False, False)])
def test_svd_admits_only_its_orientation(dims, tall, wide):
    assert SVD_T.facts[0].admits(dims) is tall
    assert SVD_W.facts[0].admits(dims) is wide


def test_svd_needs_consistent_shapes():
    with pytest.raises(ValueError):
        SVD(X, U, S, V, MatrixSymbol("D", 2 * n, 2 * n), Sd)


# -- the SVD model: true identities proved, false ones refuted ---------------------------------------


@pytest.mark.parametrize(
    "lhs, rhs, given",
    [
        (LS, V * Sd * U.T * y, SVD_T),
        (MN, V * Sd * U.T * y, SVD_W),
        (S.T * S, DT**2, SVD_T),
        (S * S.T, DW**2, SVD_W),
        ((S.T * S).I * S.T, Sd, SVD_T),
        (S.T * (S * S.T).I, Sd, SVD_W),
        (Sd * S, Identity(n), SVD_T),
        (S * Sd, Identity(m), SVD_W),
        (X * (X.T * X).I * X.T, U * S * Sd * U.T, SVD_T),
        (Inverse(V * S.T * S * V.T), V * (S.T * S).I * V.T, SVD_T),
    ],
)
def test_svd_identities_are_proved_for_symbolic_sizes(lhs, rhs, given):
    verdict = check(Equal(lhs, rhs, given))
    assert verdict.status is Status.PROVED, verdict
    assert "symbolic sizes" in verdict.method and "exact instance" in verdict.detail


@pytest.mark.parametrize(
    "lhs, rhs, given",
    [
        (LS, V * Sd * U * y, SVD_T),  # transpose of U dropped
        (LS, V.T * Sd * U.T * y, SVD_T),  # transpose added to V
        (LS, V * S.T * U.T * y, SVD_T),  # Σᵀ for Σ†
        (MN, V * S.T * U.T * y, SVD_W),
        (S * Sd, Identity(m), SVD_T),  # ΣΣ† is not I_m when tall
        (Sd * S, Identity(n), SVD_W),  # Σ†Σ is not I_n when wide
        (Inverse(V * S.T * S * V.T), V.T * (S.T * S).I * V, SVD_T),  # wrong order of the orthogonal factors
    ],
)
def test_false_svd_claims_are_refuted(lhs, rhs, given):
    assert check(Equal(lhs, rhs, given)).status is Status.REFUTED


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (MatMul(Inverse(MatMul(S, S.T)), S, S.T), Identity(m)),  # ΣΣᵀ is singular when X is tall
        (MatMul(Inverse(MatMul(X, X.T)), X, X.T), Identity(m)),  # so is XXᵀ
    ],
)
def test_an_inverse_that_does_not_exist_is_never_proved(lhs, rhs):
    verdict = check(Equal(lhs, rhs, SVD_T))
    assert not verdict.status.ok, verdict


def test_orthogonal_fact_alone():
    given = Given((Orthogonal(Q),))
    assert check(Equal(Q.T * Q * z, z, given)).status is Status.PROVED
    assert check(Equal(Q * Q * z, z, given)).status is Status.REFUTED


def test_one_by_one_fact_identifies_a_scalar_with_its_transpose():
    expanded = w.T * X.T * X * w - 2 * y.T * X * w + y.T * y
    residual = X * w - y
    assert check(Equal(residual.T * residual, expanded, Given((OneByOne(),)))).status is Status.PROVED
    wrong = w.T * X.T * X * w - y.T * X * w + y.T * y  # one cross term lost
    assert check(Equal(residual.T * residual, wrong, Given((OneByOne(),)))).status is Status.REFUTED


# -- lemmas ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "matrix, given, definite",
    [
        (X.T * X, TALL, True),
        (X.T * X, Given((Tall(X),)), False),  # no rank fact, no reason
        (X.T * X, WIDE, False),  # rank m < n: XᵀX is singular
        (X * X.T, WIDE, True),
        (X * X.T, TALL, False),
        (2 * X.T * X, TALL, True),
        (-2 * X.T * X, TALL, False),
        (X.T * X + lam_s * Identity(n), Given(), True),  # ridge: PSD plus a positive multiple of I
        (X.T * X - lam_s * Identity(n), Given(), False),
        (Identity(n), Given(), True),
    ],
)
def test_positive_definite_lemma(matrix, given, definite):
    assert (positive_definite(matrix, given) is not None) is definite


@pytest.mark.parametrize(
    "matrix, given, yes",
    [
        (-Rational(1, 2) * X * X.T, WIDE, True),
        (V * DT * V.T, SVD_T, True),
        (S.T * S, SVD_T, True),
        (S * S.T, SVD_T, False),
        (X.T * X, WIDE, False),
    ],
)
def test_invertible_lemma(matrix, given, yes):
    assert (invertible(matrix, given) is not None) is yes


# -- claims --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, status",
    [
        (Minimizer(SqNorm(X * w - y), w, LS, TALL), Status.PROVED),
        (Minimizer(SqNorm(X * w - y), w, V * Sd * U.T * y, SVD_T + TALL), Status.PROVED),
        (Minimizer(SqNorm(X * w - y), w, 2 * LS, TALL), Status.REFUTED),
        (Minimizer(SqNorm(X * w - y), w, (X.T * X).I * X.T * (-y), TALL), Status.REFUTED),
        (Minimizer(SqNorm(X * w + y), w, LS, TALL), Status.REFUTED),  # sign of y flipped in the objective
        (Minimizer(-SqNorm(X * w - y), w, LS, TALL), Status.REFUTED),  # a maximizer, not a minimizer
        # rank not stated: a tall X of lower rank (found by the verifier) is a counterexample
        (Minimizer(SqNorm(X * w - y), w, LS, Given((Tall(X),))), Status.REFUTED),
        (MinNormSolution(X, y, w, MN, WIDE), Status.PROVED),
        (MinNormSolution(X, y, w, V * Sd * U.T * y, SVD_W + WIDE), Status.PROVED),
        (MinNormSolution(X, y, w, MN + (Identity(n) - X.T * (X * X.T).I * X) * z, WIDE), Status.REFUTED),
        (MinNormSolution(X, y, w, 2 * MN, WIDE), Status.REFUTED),  # not feasible
        (MinNormSolution(X, y, w, LS, WIDE), Status.REFUTED),  # the tall formula in the wide case
        (MinNormSolution(X, y, w, MN, Given((Wide(X),))), Status.UNDECIDED),
        (UniqueSolution(X.T * X * w, X.T * y, w, LS, TALL), Status.PROVED),
        (UniqueSolution(2 * w.T + lam.T * X, ZeroMatrix(1, n), w, -X.T * lam / 2, WIDE), Status.PROVED),
        (UniqueSolution(2 * w.T + lam.T * X, ZeroMatrix(1, n), w, X.T * lam / 2, WIDE), Status.REFUTED),
        (UniqueSolution(-X * X.T * lam / 2, y, lam, -2 * (X * X.T).I * y, WIDE), Status.PROVED),
        (UniqueSolution(-X * X.T * lam / 2, y, lam, 2 * (X * X.T).I * y, WIDE), Status.REFUTED),
        (UniqueSolution(X.T * X * w, X.T * y, w, LS, Given((Tall(X),))), Status.REFUTED),  # XᵀX singular for a rank-deficient X
        (Invertible(S.T * S, SVD_T), Status.PROVED),
        (Invertible(S * S.T, SVD_T), Status.REFUTED),
        (Invertible(S * S.T, SVD_W), Status.PROVED),
        (Singular(S * S.T, SVD_T), Status.PROVED),
        (Singular(S.T * S, SVD_T), Status.REFUTED),
        (Singular(X * (X.T * X).I * X.T, SVD_T), Status.PROVED),
        (Singular(ImmutableMatrix([[1, 1], [1, 1]])), Status.PROVED),
        (Singular(ImmutableMatrix([[1, 1], [0, 1]])), Status.REFUTED),
        (PositiveDefinite(2 * X.T * X, TALL), Status.PROVED),
        (PositiveDefinite(X * X.T, TALL), Status.REFUTED),
        (PositiveDefinite(X.T * X, Given((Tall(X),))), Status.REFUTED),  # rank not stated: singular for some tall X
        (Dimensions((Element(S.T * S, RealSpace(n, n)), Element(Sd, RealSpace(n, m)))), Status.PROVED),
        (Dimensions((Element(S * S.T, RealSpace(n, n)),)), Status.REFUTED),
    ],
)
def test_claims(claim, status):
    verdict = check(claim)
    assert verdict.status is status, verdict


def test_minimizer_verdict_says_how():
    verdict = check(Minimizer(SqNorm(X * w - y), w, LS, TALL))
    assert "gradient" in verdict.method and "positive definite" in verdict.method and "unique" in verdict.method


def test_min_norm_verdict_names_the_null_space_check():
    verdict = check(MinNormSolution(X, y, w, MN, WIDE))
    assert "row space" not in verdict.detail  # the detail is about instances, the method about the argument
    assert "orthogonal to null(A)" in verdict.method and "null space of A computed exactly" in verdict.detail
