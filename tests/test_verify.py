"""The verifier on true claims and on realistic false ones (sign flips, missing
transposes, wrong layout, dropped terms, wrong constants)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from sympy import Derivative, ImmutableMatrix, Integer, KroneckerDelta, Rational, Sum, Symbol, sqrt

from derive.claims import Chain, Claim, Equal, Given, HasShape, IdentityIff, InRange, Symmetric, Unequal
from derive.model import Status
from derive.ops import DENOMINATOR, Entry, Jacobian, SqNorm
from derive.verify import check, checks


def _claims(s):
    rk = Given((InRange(s.k, Integer(1), s.n),))
    quad = Sum(s.X[s.i] * s.AA[s.i, s.j] * s.X[s.j], (s.j, 1, s.n), (s.i, 1, s.n))
    return {
        # name: (claim, expected status)
        "linear form": (Equal(Jacobian(s.x.T * s.c, s.x), s.c.T), Status.PROVED),
        "linear form, missing transpose": (Equal(Jacobian(s.x.T * s.c, s.x), s.c), Status.REFUTED),
        "squared norm": (Equal(Jacobian(s.x.T * s.x, s.x), 2 * s.x.T), Status.PROVED),
        "squared norm, sign flip": (Equal(Jacobian(s.x.T * s.x, s.x), -2 * s.x.T), Status.REFUTED),
        "squared norm, constant": (Equal(Jacobian(s.x.T * s.x, s.x), s.x.T), Status.REFUTED),
        "Ax": (Equal(Jacobian(s.A * s.x, s.x), s.A), Status.PROVED),
        "Ax, wrong layout": (Equal(Jacobian(s.A * s.x, s.x), s.A.T), Status.REFUTED),
        "Ax, denominator layout": (Equal(Jacobian(s.A * s.x, s.x, DENOMINATOR), s.A.T), Status.PROVED),
        "rectangular Bx": (Equal(Jacobian(s.B * s.x, s.x), s.B), Status.PROVED),
        "quadratic form": (Equal(Jacobian(s.x.T * s.A * s.x, s.x), s.x.T * (s.A + s.A.T)), Status.PROVED),
        "quadratic form, dropped term": (Equal(Jacobian(s.x.T * s.A * s.x, s.x), s.x.T * s.A), Status.REFUTED),
        "quadratic form, symmetric shortcut": (Equal(Jacobian(s.x.T * s.A * s.x, s.x), 2 * s.x.T * s.A), Status.REFUTED),
        "quadratic form, shortcut if symmetric": (
            Equal(Jacobian(s.x.T * s.A * s.x, s.x), 2 * s.x.T * s.A, Given((Symmetric(s.A),))),
            Status.PROVED,
        ),
        "quadratic form, column instead of row": (Equal(Jacobian(s.x.T * s.A * s.x, s.x), (s.A + s.A.T) * s.x), Status.REFUTED),
        "entrywise quadratic": (Equal(s.x.T * s.A * s.x, quad), Status.PROVED),
        "entrywise quadratic, index swapped": (
            Equal(s.x.T * s.A * s.x, Sum(s.X[s.i] * s.AA[s.i, s.j] * s.X[s.i], (s.j, 1, s.n), (s.i, 1, s.n))),
            Status.REFUTED,
        ),
        "derivative of entry": (
            Equal(Derivative(quad, s.X[s.k]), Sum(s.AA[s.i, s.k] * s.X[s.i], (s.i, 1, s.n)) + Sum(s.AA[s.k, s.j] * s.X[s.j], (s.j, 1, s.n)), rk),
            Status.PROVED,
        ),
        "derivative of entry, dropped term": (
            Equal(Derivative(quad, s.X[s.k]), Sum(s.AA[s.i, s.k] * s.X[s.i], (s.i, 1, s.n)), rk),
            Status.REFUTED,
        ),
        "entry of row vector": (
            Equal(Sum(s.AA[s.i, s.k] * s.X[s.i], (s.i, 1, s.n)), Entry(s.x.T * s.A, 1, s.k), rk),
            Status.PROVED,
        ),
        "entry of row vector, transposed matrix": (
            Equal(Sum(s.AA[s.i, s.k] * s.X[s.i], (s.i, 1, s.n)), Entry(s.x.T * s.A.T, 1, s.k), rk),
            Status.REFUTED,
        ),
        "squared norm definition": (Equal(SqNorm(s.x), s.x.T * s.x), Status.PROVED),
        "scalar identity": (Equal((Symbol("a") + 1) ** 2, Symbol("a") ** 2 + 2 * Symbol("a") + 1), Status.PROVED),
        "scalar identity, dropped term": (Equal((Symbol("a") + 1) ** 2, Symbol("a") ** 2 + 1), Status.REFUTED),
        "radical identity": (Equal(sqrt(Symbol("a", positive=True)) ** 2, Symbol("a", positive=True)), Status.PROVED),
        "shape mismatch": (Equal(s.x.T * s.A, s.A * s.x), Status.REFUTED),
        "shape of derivative": (HasShape(Jacobian(s.x.T * s.A * s.x, s.x), Integer(1), s.n), Status.PROVED),
        "wrong shape of derivative": (HasShape(Jacobian(s.x.T * s.A * s.x, s.x), s.n, Integer(1)), Status.REFUTED),
        "rational arithmetic": (Unequal(Rational(1, 3) + Rational(1, 6), Rational(1, 3)), Status.PROVED),
        "rational arithmetic, actually equal": (Unequal(Rational(1, 3) + Rational(1, 6), Rational(1, 2)), Status.REFUTED),
        "unequal across shapes is ill-typed": (Unequal(ImmutableMatrix([[1, 2]]), ImmutableMatrix([[1], [2]])), Status.REFUTED),
        "concrete matrices unequal": (
            Unequal(ImmutableMatrix([[1, 2]]) * ImmutableMatrix([[1], [1]]), ImmutableMatrix([[3]])),
            Status.REFUTED,
        ),
    }




@pytest.fixture(scope="module")
def claims(sym):
    return _claims(sym)


NAMES = [
    "linear form", "linear form, missing transpose", "squared norm", "squared norm, sign flip",
    "squared norm, constant", "Ax", "Ax, wrong layout", "Ax, denominator layout", "rectangular Bx",
    "quadratic form", "quadratic form, dropped term", "quadratic form, symmetric shortcut",
    "quadratic form, shortcut if symmetric", "quadratic form, column instead of row", "entrywise quadratic",
    "entrywise quadratic, index swapped", "derivative of entry", "derivative of entry, dropped term",
    "entry of row vector", "entry of row vector, transposed matrix", "squared norm definition",
    "scalar identity", "scalar identity, dropped term", "radical identity", "shape mismatch",
    "shape of derivative", "wrong shape of derivative", "rational arithmetic",
    "rational arithmetic, actually equal", "unequal across shapes is ill-typed", "concrete matrices unequal",
]


@pytest.mark.parametrize("name", NAMES)
def test_verdict(claims, name):
    claim, expected = claims[name]
    verdict = check(claim)
    assert verdict.status is expected, f"{name}: {verdict}"
    if expected is Status.REFUTED:
        assert verdict.detail, "a refutation must say why"


def test_every_named_case_is_listed(claims):
    assert sorted(claims) == sorted(NAMES)


@pytest.mark.parametrize(
    "rhs, expected",
    [
        (lambda X, w, y: (X * w - y).T * (X * w - y), Status.PROVED),
        (lambda X, w, y: w.T * X.T * X * w - 2 * y.T * X * w + y.T * y, Status.PROVED),
        (lambda X, w, y: w.T * X.T * X * w - y.T * X * w + y.T * y, Status.REFUTED),  # cross term halved
        (lambda X, w, y: (X * w + y).T * (X * w - y), Status.REFUTED),  # sign flip
    ],
)
def test_squared_norm_of_a_residual(sym, rhs, expected):
    from sympy import MatrixSymbol

    X, w, y = MatrixSymbol("X", sym.m, sym.n), MatrixSymbol("w", sym.n, 1), MatrixSymbol("y", sym.m, 1)
    verdict = check(Equal(SqNorm(X * w - y), rhs(X, w, y)))
    assert verdict.status is expected, verdict
    if expected is Status.PROVED:
        assert verdict.method == "index notation, symbolic sizes"


def test_refutation_gives_a_concrete_counterexample(sym):
    verdict = check(Equal(Jacobian(sym.x.T * sym.x, sym.x), -2 * sym.x.T))
    assert verdict.status is Status.REFUTED
    assert "n=" in verdict.detail and "difference" in verdict.detail


def test_shape_mismatch_names_both_shapes(sym):
    verdict = check(Equal(sym.x.T * sym.A, sym.A * sym.x))
    assert "1×n" in verdict.detail and "n×1" in verdict.detail


def test_chain_checks_every_link_and_names_the_bad_one(sym):
    good = Chain((Jacobian(sym.x.T * sym.A * sym.x, sym.x), sym.x.T * sym.A + sym.x.T * sym.A.T, sym.x.T * (sym.A + sym.A.T)))
    bad = Chain((Jacobian(sym.x.T * sym.A * sym.x, sym.x), sym.x.T * sym.A + sym.x.T * sym.A.T, sym.x.T * (sym.A - sym.A.T)))
    assert check(good).status is Status.PROVED
    verdict = check(bad)
    assert verdict.status is Status.REFUTED
    assert verdict.detail.startswith("link 2 of 2")


@pytest.mark.parametrize(
    "rhs_factor, expected",
    [(1, Status.PROVED), (-1, Status.REFUTED)],
)
def test_identity_iff_symmetric(sym, rhs_factor, expected):
    lhs = sym.x.T * (sym.A + sym.A.T)
    claim = IdentityIff(lhs, rhs_factor * 2 * sym.x.T * sym.A, sym.x, Symmetric(sym.A))
    assert check(claim).status is expected


def test_identity_iff_rejects_a_condition_that_is_not_equivalent(sym):
    # x^T A = x^T A^T for all x iff A symmetric: true; but with the condition on another matrix it fails.
    from sympy import MatrixSymbol

    other = MatrixSymbol("D", sym.n, sym.n)
    claim = IdentityIff(sym.x.T * sym.A, sym.x.T * sym.A.T, sym.x, Symmetric(other))
    assert check(claim).status is Status.REFUTED


def test_identity_iff_that_always_holds_is_not_equivalent_to_symmetry(sym):
    # x^T(A + A^T) = x^T(A^T + A) holds for every A, so it is not equivalent to A = A^T.
    claim = IdentityIff(sym.x.T * (sym.A + sym.A.T), sym.x.T * (sym.A.T + sym.A), sym.x, Symmetric(sym.A))
    assert check(claim).status is Status.REFUTED


@dataclass(frozen=True)
class _Slow(Claim):
    seconds: float

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@checks(_Slow)
def _check_slow(claim: _Slow):
    time.sleep(claim.seconds)
    raise AssertionError("the time limit should have stopped this checker")


def test_runaway_check_is_stopped_and_undecided():
    verdict = check(_Slow(5.0), time_limit=0.2)
    assert verdict.status is Status.UNDECIDED
    assert verdict.method == "time limit"
    assert verdict.seconds < 2


def test_unknown_claim_type_is_undecided_not_an_error():
    @dataclass(frozen=True)
    class Mystery(Claim):
        def display(self):  # pragma: no cover
            return Integer(0)

    verdict = check(Mystery())
    assert verdict.status is Status.UNDECIDED


# -- the cross-check of a general proof at an exact random rational point ---------------------


def test_point_values_are_exact_deterministic_and_honour_assumptions():
    from derive.verify.instances import point_value

    lam = Symbol("lambda", positive=True)
    values = [point_value(Symbol(f"a{k}"), 1) for k in range(40)]
    assert all(isinstance(v, Rational) for v in values)
    assert any(v < 0 for v in values) and any(v > 0 for v in values)
    assert len(set(values)) == len(values)  # a wide range: no two entries coincide by chance
    assert all(point_value(Symbol("lambda", positive=True), seed) > 0 for seed in range(30))
    assert point_value(lam, 1) == point_value(Symbol("lambda", positive=True), 1)  # both sides of a claim agree
    assert point_value(lam, 1) != point_value(lam, 2)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda s: (s.A * s.x, s.A * s.x), Status.CHECKED),
        (lambda s: ((s.A + s.A.T) * s.x, s.A * s.x + s.A.T * s.x), Status.CHECKED),
        (lambda s: (s.A * s.x, s.A.T * s.x), Status.REFUTED),  # a transpose added
        (lambda s: (s.x.T * s.A * s.x, s.x.T * s.A.T * s.x), Status.CHECKED),  # a scalar equals its transpose
        (lambda s: (Entry(s.A * s.x, s.i, 1), Sum(s.AA[s.i, s.j] * s.X[s.j], (s.j, 1, s.n))), Status.CHECKED),
        (lambda s: (Entry(s.A * s.x, s.i, 1), Sum(s.AA[s.j, s.i] * s.X[s.j], (s.j, 1, s.n))), Status.REFUTED),
        (lambda s: (Jacobian(s.x.T * s.A * s.x, s.x), s.x.T * (s.A + s.A.T)), Status.CHECKED),
        (lambda s: (Jacobian(s.x.T * s.A * s.x, s.x), 2 * s.x.T * s.A), Status.REFUTED),
    ],
)
def test_cross_check_agrees_with_the_truth(sym, make, expected):
    from derive.verify.equality import cross_check

    lhs, rhs = make(sym)
    given = Given((InRange(sym.i, Integer(1), sym.n),))
    verdict = cross_check(lhs, rhs, given)
    assert verdict is not None and verdict.status is expected, verdict
    if expected is Status.CHECKED:
        assert "random rational entries" in verdict.detail


def test_a_general_proof_that_divides_by_a_singular_matrix_is_never_proved():
    """(XXᵀ)⁻¹ᵀ = (XXᵀ)⁻¹ is matrix algebra where XXᵀ is invertible; for a tall X it never is.
    The cross-check keeps the listed tall shape (it does not shrink it to a square one), finds
    the inverse singular at its rational points and then with symbolic entries: the formula is
    undefined at that size, so the claim is refuted, whatever the general algebra said."""
    from sympy import Inverse, MatrixSymbol

    from derive.claims import Shapes

    m, n = Symbol("m", integer=True, positive=True), Symbol("n", integer=True, positive=True)
    X = MatrixSymbol("X", m, n)
    claim = Equal(Inverse(X * X.T).T, Inverse(X * X.T), Given((Shapes.of({m: 2, n: 1}),)))
    verdict = check(claim)
    assert verdict.status is Status.REFUTED, verdict
    assert "singular for every value" in verdict.detail and "m=2, n=1" in verdict.detail
    wide = check(Equal(Inverse(X * X.T).T, Inverse(X * X.T), Given((Shapes.of({m: 2, n: 3}),))))
    assert wide.status is Status.PROVED, wide


@pytest.mark.parametrize(
    "make, holds",
    [
        (lambda s, c: Sum(c * s.X[s.i], (s.i, 1, s.n)) - c * Sum(s.X[s.j], (s.j, 1, s.n)), True),  # factor out, rename
        (lambda s, c: Sum(c, (s.i, 1, s.n)) - s.n * c, True),  # an index-free summand is evaluated
        (lambda s, c: Sum(s.X[s.i] * KroneckerDelta(s.i, s.k), (s.i, 1, s.n)) - s.X[s.k], True),  # a delta collapses
        (lambda s, c: Sum(s.X[s.i] + c, (s.i, 1, s.n)) - Sum(s.X[s.i], (s.i, 1, s.n)) - s.n * c, True),
        (lambda s, c: Sum(s.X[s.i] + c, (s.i, 1, s.n)) - Sum(s.X[s.i], (s.i, 1, s.n)) - c, False),
        (lambda s, c: Sum(s.AA[s.i, s.i], (s.i, 1, s.n)) - Sum(s.AA[s.i, s.j], (s.i, 1, s.n)), False),
        (lambda s, c: Sum(s.X[s.i], (s.i, 1, 3)) - s.X[1] - s.X[2] - s.X[3], True),  # concrete bounds expand
    ],
)
def test_index_notation_sums(sym, make, holds):
    """Sums whose terms hold the index only inside entries are left to the canonical form
    (no closed-form search); everything else is still evaluated by SymPy."""
    from derive.verify.index import prove_zero

    c = Symbol("c")
    ranges = [InRange(sym.k, Integer(1), sym.n)]
    assert prove_zero(make(sym, c), ranges) is holds


def test_an_explicit_singular_matrix_inverted_is_refuted_not_a_crash():
    """X₀ := an explicit matrix of rank 1: X₀X₀ᵀ is singular, so a formula with (X₀X₀ᵀ)⁻¹ is
    undefined (the verifier meets the singular inverse while evaluating the sides)."""
    from sympy import Inverse, MatrixSymbol

    from derive.resolvent import Defines

    X0, y0 = MatrixSymbol("X0", 2, 3), ImmutableMatrix([[1], [1]])

    def claim(value):
        formula = X0.T * Inverse(X0 * X0.T) * y0
        return Equal(formula, X0.T * Inverse(X0 * X0.T) * (2 * y0 - y0), Given((Defines(X0, ImmutableMatrix(value)),)))

    verdict = check(claim([[1, 2, 3], [2, 4, 6]]))
    assert verdict.status is Status.REFUTED and "singular" in verdict.detail, verdict
    assert check(claim([[1, 0, 0], [0, 1, 0]])).status.ok  # full row rank: the same formula is defined
