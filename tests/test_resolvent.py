"""The shifted-Gram algebra of derive.resolvent: its rules prove true identities for symbolic
sizes, never smuggle in the push-through identity unasked, and false claims are refuted."""

from __future__ import annotations

import pytest
from sympy import BlockMatrix, Identity, ImmutableMatrix, MatrixSymbol, Symbol, ZeroMatrix, sqrt, symbols

from derive.claims import Equal, Given, Shapes
from derive.linalg import Orthogonal
from derive.model import Status
from derive.resolvent import Cleared, Defines, Diagonal, DiagonalForm, ShiftAlgebra, diagonal_entry, diagonal_matrix
from derive.verify import check
from derive.verify.instances import instantiate

n, d, k = symbols("n d k", integer=True, positive=True)
lam = Symbol("lambda", positive=True)
sigma = Symbol("sigma", positive=True)
X, y = MatrixSymbol("X", n, d), MatrixSymbol("y", n, 1)
V, M = MatrixSymbol("V", d, d), MatrixSymbol("M", d, d)
D = MatrixSymbol("D", k, k)
G = X.T * X + lam * Identity(d)
H = X * X.T + lam * Identity(n)
SMALL = Shapes.of({n: 2, d: 2}, {n: 2, d: 3})
ALG = Given((ShiftAlgebra(X, lam), SMALL))
PUSH = Given((ShiftAlgebra(X, lam, push_through=True), SMALL))
CONJ = Given((Orthogonal(V), ShiftAlgebra(X, lam, orthogonal=(V,)), Shapes.of({d: 2})))


@pytest.mark.parametrize(
    "claim, status",
    [
        (Equal(G.I * X.T * X, Identity(d) - lam * G.I, ALG), Status.PROVED),  # K·XᵀX = I − λK
        (Equal(X * X.T * H.I, Identity(n) - lam * H.I, ALG), Status.PROVED),
        (Equal(G.I * X.T * X, Identity(d) + lam * G.I, ALG), Status.REFUTED),
        (Equal(G.I * X.T, X.T * H.I, PUSH), Status.PROVED),  # only with the rule switched on
        (Equal(G.I * X.T, X.T * (X * X.T + 2 * lam * Identity(n)).I, PUSH), Status.REFUTED),
        (Equal((V * M * V.T + lam * Identity(d)).I, V * (M + lam * Identity(d)).I * V.T, CONJ), Status.PROVED),
        (Equal((V * M * V.T + lam * Identity(d)).I, V.T * (M + lam * Identity(d)).I * V, CONJ), Status.REFUTED),
    ],
)
def test_shift_algebra(claim, status):
    assert check(claim).status is status


def test_push_through_is_not_assumed_by_default():
    """Without the opt-in rule the identity is not proved in general (only checked on instances)."""
    verdict = check(Equal(G.I * X.T, X.T * H.I, ALG))
    assert verdict.status is Status.CHECKED and "symbolic sizes" not in verdict.method


@pytest.mark.parametrize(
    "claim, status",
    [
        (Cleared(G.I * X.T, X.T * H.I, G, H, ALG), Status.PROVED),
        (Cleared(X.T * H.I * y, G.I * X.T * y, G, None, ALG), Status.PROVED),
        (Cleared(G.I * X.T, X.T * (X * X.T + 2 * lam * Identity(n)).I, G, H, ALG), Status.REFUTED),
        (Cleared(G.I, (1 / lam) * (Identity(d) + (1 / lam) * X.T * X).I, G, None, ALG), Status.PROVED),
        # XᵀX need not be invertible: clearing by it is refuted at a singular instance
        (Cleared(G.I * X.T, X.T * H.I, X.T * X, H, ALG), Status.REFUTED),
    ],
)
def test_cleared(claim, status):
    assert check(claim).status is status


@pytest.mark.parametrize(
    "expr, value, status",
    [
        ((D**2 + lam * Identity(k)).I * D, sigma / (sigma**2 + lam), Status.PROVED),
        ((D**2 + lam * Identity(k)).I * D, 1 / (sigma + lam), Status.REFUTED),
        (D.I, 1 / sigma, Status.PROVED),
        (D * D.T + 2 * Identity(k), sigma**2 + 2, Status.PROVED),
        ((D**2 - lam * Identity(k)).I, 1 / (sigma**2 - lam), Status.UNDECIDED),  # σ² = λ is possible
    ],
)
def test_diagonal_form(expr, value, status):
    assert check(DiagonalForm(expr, D, sigma, value)).status is status


def test_diagonal_entry_and_back():
    f = diagonal_entry((D**2 + lam * Identity(k)).I * D, D, sigma)
    assert (f - sigma / (sigma**2 + lam)).simplify() == 0
    assert diagonal_entry(diagonal_matrix(f, D, sigma), D, sigma).equals(f)


def test_defines_builds_block_instances_from_the_parts():
    x_hat = MatrixSymbol("X_hat", n + d, d)
    fact = Defines(x_hat, BlockMatrix([[X], [sqrt(lam) * Identity(d)]]))
    value = instantiate(x_hat.T * x_hat - X.T * X, {n: 2, d: 2}, {}, Given((fact,)))
    assert ImmutableMatrix(value).applyfunc(lambda e: e.expand()) == lam * ImmutableMatrix.eye(2)


def test_defines_rejects_a_definition_of_the_wrong_shape():
    with pytest.raises(ValueError):
        Defines(MatrixSymbol("Z", n, d), BlockMatrix([[X], [Identity(d)]]))


def test_derived_sizes_restrict_the_admitted_shapes():
    r = Symbol("r", integer=True, positive=True)
    sigma_model = Defines(
        MatrixSymbol("Sigma", n, d),
        BlockMatrix([[MatrixSymbol("D", r, r), ZeroMatrix(r, d - r)], [ZeroMatrix(n - r, r), ZeroMatrix(n - r, d - r)]]),
        (Diagonal(MatrixSymbol("D", r, r)),),
        ((r, d - 1),),
    )
    assert sigma_model.admits({n: 3, d: 3, r: 2}) and not sigma_model.admits({n: 3, d: 3, r: 3})
