"""The verifier's fast paths give exactly what the slow paths give.

:func:`derive.linalg.exact_value` evaluates over a common polynomial denominator and
multiplies chains in the cheapest order; its entries must be the fraction field's
canonical quotients, the same expressions a step-by-step evaluation in the field gives.
:func:`derive.linalg.normalize`'s algebra step and :func:`derive.verify.instances.instantiate`
are memoized; a memoized value must be the value.
"""

from __future__ import annotations

import pytest
from sympy import (
    Basic,
    BlockMatrix,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    MatrixSymbol,
    Rational,
    Symbol,
    Transpose,
    ZeroMatrix,
    cancel,
    symbols,
)
from sympy.polys.domains import QQ

from derive.claims import NOTHING
from derive.linalg import (
    _ALGEBRA,
    _Memo,
    _algebra,
    _chain_order,
    _chain_product,
    _evaluate_over,
    _expand_powers,
    exact_value,
)
from derive.ops import Jacobian
from derive.verify.instances import instantiate

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


# -- normalize's algebra step, memoized -------------------------------------------------------

k = Symbol("k", integer=True, positive=True)
P, R = MatrixSymbol("P", k, k), MatrixSymbol("R", k, k)
b = MatrixSymbol("b", k, 1)


def test_memo_keeps_the_newest_values():
    memo = _Memo(2)
    memo.put(a0, a1)
    memo.put(a1, a2)
    memo.put(a1, a3)  # a new value for a known key evicts nothing
    assert memo.get(a0) == a1 and memo.get(a1) == a3
    memo.put(a2, a4)
    assert memo.get(a0) is None and memo.get(a1) == a3 and memo.get(a2) == a4


@pytest.mark.parametrize(
    "expr",
    [
        MatMul(P, MatAdd(P, R), b),
        Transpose(MatMul(P, MatAdd(R, Identity(k)))),
        MatPow(MatMul(P, R), 2),
        Inverse(MatMul(P, R)),
        MatAdd(MatMul(2, P, b), MatMul(-1, P, b), MatMul(lam, R, b)),
        MatMul(P, Transpose(R), b),
    ],
)
def test_algebra_is_sympys_algebra_and_its_values_are_fixed(expr):
    assert _algebra(expr) == _expand_powers(expr.doit()).expand().doit()
    value = _algebra(expr)
    assert _ALGEBRA.get(value) == value
    assert _expand_powers(value.doit()).expand().doit() == value  # the recorded fixed point is real


# -- instantiate, memoized ----------------------------------------------------------------------


def test_instantiate_is_memoized_and_a_mutable_value_is_a_copy():
    expr = Jacobian(MatMul(Transpose(b), P, b), b)
    first = instantiate(expr, {k: 2}, {}, NOTHING, point=1)
    again = instantiate(expr, {k: 2}, {}, NOTHING, point=1)
    assert first == again
    if not isinstance(first, Basic):  # a mutable matrix: the caller's own copy
        assert first is not again
        first[0, 0] = 12345
        assert instantiate(expr, {k: 2}, {}, NOTHING, point=1) == again
    symbolic = instantiate(MatMul(P, b), {k: 2}, {}, NOTHING)
    assert symbolic is instantiate(MatMul(P, b), {k: 2}, {}, NOTHING)


# -- OneByOne's canonical terms, the expanded difference, the memoized Jacobian ------------------

w = MatrixSymbol("w", k, 1)


@pytest.mark.parametrize(
    "term",
    [
        MatMul(Transpose(w), Transpose(P), b),  # wᵀPᵀb and bᵀPw: the one printed first
        MatMul(Transpose(b), P, w),
        MatMul(Transpose(w), Transpose(P), P, w),  # its own transpose
        MatMul(P, w),  # not 1×1: unchanged
        MatMul(2, Transpose(w), b),
    ],
)
def test_one_by_one_is_the_first_printed_of_a_term_and_its_transpose(term):
    from sympy import sstr

    from derive.linalg import _one_by_one

    if term.shape == (1, 1):
        assert _one_by_one(term) == min(term, Transpose(term).doit(), key=sstr)
    else:
        assert _one_by_one(term) is term


@pytest.mark.parametrize(
    "a, b_",
    [
        (MatMul(P, MatAdd(P, R)), MatMul(P, P)),
        (MatAdd(MatMul(P, w), MatMul(R, w)), MatMul(MatAdd(P, R), w)),
        (MatMul(P, w), MatMul(P, w)),
        (ImmutableMatrix([[a0 * (a1 + 1)]]), ImmutableMatrix([[a0]])),  # explicit: entrywise
        (ImmutableMatrix([[a0, 1]]), MatMul(ImmutableMatrix([[1, a1]]), ImmutableMatrix([[a2, 0], [0, a3 + 1]]))),
    ],
)
def test_expanded_difference_is_the_plain_one(a, b_):
    from derive.verify.equality import _expanded_difference

    assert _expanded_difference(a, b_) == (a - b_).doit().expand().doit()


def test_jacobian_doit_is_memoized_and_an_explicit_value_is_a_copy():
    x = ImmutableMatrix([[a0], [a1]])
    explicit = Jacobian(MatMul(Transpose(x), x), x)
    first = explicit.doit()
    first[0, 0] = 12345
    assert explicit.doit() == Matrix([[2 * a0, 2 * a1]])
    symbolic = Jacobian(MatMul(Transpose(w), P, w), w)
    assert symbolic.doit() is symbolic.doit()
    assert symbolic.doit(deep=False) == symbolic.doit()


def test_block_products_multiply_conforming_blocks_and_leave_the_rest():
    from derive.linalg import _block_product, block_products

    Z = ZeroMatrix(k, k)
    left = BlockMatrix([[P, Z]])
    right = BlockMatrix([[R], [P]])
    assert block_products(MatMul(Transpose(b), left, right, w)).doit() == MatMul(Transpose(b), P, R, w)
    plain = MatMul(P, R, w)
    assert _block_product(plain) is plain
    nested = MatAdd(MatMul(left, right), MatMul(2, BlockMatrix([[P, R]]), BlockMatrix([[Identity(k)], [Z]])))
    assert block_products(nested).doit() == MatAdd(MatMul(P, R), MatMul(2, P)).doit()


# -- an instance at a point in one substitution; the resolvent's inverse test -------------------


@pytest.mark.parametrize(
    "expr",
    [
        MatMul(Inverse(MatAdd(MatMul(lam, Identity(k)), MatMul(Transpose(P), P))), Transpose(P), b),
        MatAdd(MatMul(lam, Transpose(w), w), MatMul(Transpose(b), P, w)),
        MatMul(Transpose(R), R),
    ],
)
def test_instance_at_a_point_is_the_symbolic_instance_put_at_the_point(expr):
    from derive.claims import Given
    from derive.linalg import Orthogonal
    from derive.verify.instances import _at_point, _matrix_instance, _sized

    given = Given((Orthogonal(R),))
    dims = {k: 3}
    sized = _sized(expr, ((k, 3),))
    instances = {m: _matrix_instance(m, given.facts, dims) for m in sized.atoms(MatrixSymbol)}
    reference = exact_value(_at_point(sized.xreplace(instances), 2))
    value = instantiate(expr, dims, {}, given, point=2)
    assert reference is not None and list(value) == list(reference)
    assert not value.free_symbols


def test_resolvent_recognises_its_inverse_only():
    from derive.resolvent import Resolvent

    X = MatrixSymbol("X", k, k)
    K = Resolvent(Transpose(X), X, Integer(1), lam)
    assert K.is_inverse(Inverse(MatAdd(MatMul(Transpose(X), X), MatMul(lam, Identity(k)))))
    assert K.is_inverse(Inverse(MatAdd(MatMul(lam, Identity(k)), MatMul(Transpose(X), X))))
    assert not K.is_inverse(Inverse(MatAdd(MatMul(X, Transpose(X)), MatMul(lam, Identity(k)))))
    assert not K.is_inverse(MatAdd(MatMul(Transpose(X), X), MatMul(lam, Identity(k))))


def test_index_level_memoized_and_mutable_matrices_still_answered():
    from sympy import IndexedBase, Sum

    from derive.verify.equality import _index_level
    from derive.verify.instances import size_symbols

    i, n = symbols("i n", integer=True, positive=True)
    assert _index_level(Sum(IndexedBase("a")[i], (i, 1, n)))
    assert not _index_level(MatMul(P, b))
    assert not _index_level(Matrix([[a0]]))  # mutable: not hashable, answered all the same
    assert size_symbols(Matrix([[a0]]), MatMul(P, b)) == [k]
