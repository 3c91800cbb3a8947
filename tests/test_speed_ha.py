"""The verifier's fast paths give exactly what the slow paths give.

:func:`derive.linalg.exact_value` evaluates over a common polynomial denominator and
multiplies chains in the cheapest order; its entries must be the fraction field's
canonical quotients, the same expressions a step-by-step evaluation in the field gives.
"""

from __future__ import annotations

import pytest
from sympy import (
    BlockMatrix,
    Identity,
    ImmutableMatrix,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    Rational,
    Symbol,
    Transpose,
    ZeroMatrix,
    cancel,
    symbols,
)
from sympy.polys.domains import QQ

from derive.linalg import _chain_order, _chain_product, _evaluate_over, exact_value

a0, a1, a2, a3, a4, a5 = symbols("a0:6")
lam = Symbol("lambda", positive=True)
s1, s2 = symbols("sigma_1 sigma_2", positive=True)
A = ImmutableMatrix(2, 3, [a0, a1, a2, a3, a4, a5])
D = ImmutableMatrix([[s1, 0], [0, s2]])
Dinv = ImmutableMatrix([[1 / s1, 0], [0, 1 / s2]])
Q = ImmutableMatrix([[Rational(3, 5), Rational(-4, 5)], [Rational(4, 5), Rational(3, 5)]])
v = ImmutableMatrix([[a0 / (1 + a1)], [a2]])


def _field_value(expr):
    """The step-by-step value in the fraction field (the reference)."""
    gens = sorted((s for s in expr.free_symbols if isinstance(s, Symbol)), key=str)
    return ImmutableMatrix(_evaluate_over(expr, QQ.frac_field(*gens)).to_Matrix())


CASES = [
    MatMul(A.T, Inverse(MatMul(A, A.T)), A),
    MatMul(Inverse(MatAdd(MatMul(lam, Identity(2)), MatMul(A, A.T))), A),
    MatMul(1 / lam, Q, Dinv, Transpose(Q), v),
    MatAdd(MatMul(Q, D, Transpose(Q)), MatMul(Rational(1, 3) / lam, Identity(2)), MatMul(v, Transpose(v))),
    MatPow(MatMul(Q, D), -2),
    MatMul(BlockMatrix([[D, ZeroMatrix(2, 1)]]), BlockMatrix([[Dinv], [ImmutableMatrix([[a3, a4]])]])),
    MatMul(A, Transpose(A), Inverse(MatAdd(D, MatMul(v, Transpose(v)))), v),
]


@pytest.mark.parametrize("expr", CASES)
def test_exact_value_is_the_field_value(expr):
    fast = exact_value(expr)
    reference = _field_value(expr)
    assert fast is not None
    assert list(fast) == list(reference)  # identical expressions, not just equal values
    explicit = Matrix(expr.doit().as_explicit()) if not isinstance(expr, MatPow) else Matrix(expr.doit())
    assert (Matrix(fast) - explicit).applyfunc(cancel) == Matrix.zeros(*fast.shape)


def test_exact_value_of_a_singular_or_unsupported_expression_is_none():
    singular = ImmutableMatrix([[a0, a1], [2 * a0, 2 * a1]])
    assert exact_value(MatMul(Inverse(singular), v)) is None
    assert exact_value(Inverse(ImmutableMatrix([[1, 2], [2, 4]]))) is None
    assert exact_value(MatMul(ImmutableMatrix([[abs(a0)]]), ImmutableMatrix([[a1]]))) is None


def test_exact_value_over_the_rationals_and_with_a_square_root():
    assert exact_value(MatMul(Q, Transpose(Q))) == ImmutableMatrix.eye(2)
    root = exact_value(MatMul(lam ** Rational(1, 2), Identity(2), MatMul(lam ** Rational(1, 2), D)))
    assert root == ImmutableMatrix([[lam * s1, 0], [0, lam * s2]])


@pytest.mark.parametrize(
    "shapes, first",
    [
        ([(3, 3), (3, 4), (4, 1)], 0),  # A · (B · c): split after the first factor
        ([(1, 4), (4, 3), (3, 3)], 1),  # (r · B) · C: split after the second
        ([(5, 1), (1, 5), (5, 1)], 0),  # u · (vᵀ · w): no outer product
    ],
)
def test_chain_order_picks_the_cheap_split(shapes, first):
    assert _chain_order(shapes)(0, len(shapes) - 1) == first


def test_chain_product_keeps_the_left_to_right_order_of_the_factors():
    calls = []

    def multiply(a, b):
        calls.append((a, b))
        return f"({a}{b})"

    assert _chain_product(["A", "B", "c"], [(3, 3), (3, 4), (4, 1)], multiply) == "(A(Bc))"
    assert _chain_product(["A", "B"], [(3, 3), (3, 3)], multiply) == "(AB)"
    assert _chain_product(["A"], [(3, 3)], multiply) == "A"
