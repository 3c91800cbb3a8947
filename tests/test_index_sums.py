"""Sums in index notation: the verifier's own rules (sums written out over concrete bounds,
split by linearity, delta sums) against SymPy's ``Sum.doit`` and against direct values."""

from __future__ import annotations

import pytest
from sympy import IndexedBase, KroneckerDelta, Piecewise, Sum, Symbol, symbols

from derive.verify.index import evaluate

n = Symbol("n", integer=True, positive=True)
i, j, k = symbols("i j k", integer=True)
A, x, c = IndexedBase("A"), IndexedBase("x"), IndexedBase("c")


def _at(expr, size: int, index: int):
    """The value at concrete n and k: written out by SymPy itself."""
    return expr.xreplace({n: size, k: index}).doit()


SUMS = [
    Sum(KroneckerDelta(i, k) * c[i], (i, 1, n)),
    Sum(2 * KroneckerDelta(i, k) * x[i], (i, 1, n)),
    Sum(KroneckerDelta(j, k) * A[i, j] * x[i], (j, 1, n), (i, 1, n)),
    Sum(KroneckerDelta(i, k) * A[i, j] * x[j] + KroneckerDelta(j, k) * A[i, j] * x[i], (j, 1, n), (i, 1, n)),
    Sum((A[i, j] - A[j, i]) * KroneckerDelta(i, k), (i, 1, n)),
    Sum(A[j, k], (j, 1, n), (i, 1, n)),
    Sum(KroneckerDelta(i, j) * A[i, j], (j, 1, i), (i, 1, n)),
    Sum(Piecewise((x[i], k > 2), (x[i] ** 2, True)) * A[i], (i, 1, n)),
    Sum(0, (j, 1, n), (i, 1, n)),
]


@pytest.mark.parametrize("expr", SUMS, ids=str)
def test_evaluated_sum_has_the_value_of_the_sum(expr):
    out = evaluate(expr)
    for size in (1, 2, 3):
        for index in range(0, size + 2):  # in range and out of it (the delta then finds nothing)
            assert (_at(out, size, index) - _at(expr, size, index)).expand() == 0


def test_delta_sum_over_symbolic_bounds_is_sympys_piecewise():
    expr = Sum(KroneckerDelta(i, k) * A[i, j], (i, 1, n))
    assert evaluate(expr) == Piecewise((A[k, j], (k >= 1) & (k <= n)), (0, True))
    assert evaluate(expr) == expr.doit()


def test_sum_over_concrete_bounds_is_written_out():
    expr = Sum(A[i, j] * x[i] * x[j], (j, 1, 2), (i, 1, 2))
    out = evaluate(expr)
    assert not out.has(Sum)
    assert (out - (A[1, 1] * x[1] ** 2 + (A[1, 2] + A[2, 1]) * x[1] * x[2] + A[2, 2] * x[2] ** 2)).expand() == 0


def test_piecewise_factor_is_not_divided_out():
    # a Piecewise over itself is Piecewise((1, c), (nan, True)), not 1: no nan may appear
    expr = Sum(KroneckerDelta(j, k) * A[i, j] * x[i], (j, 1, n), (i, 1, n))
    out = evaluate(expr)
    assert not out.has(Symbol("nan")) and "nan" not in str(out)
    assert out.xreplace({k: 5, n: 2}).doit() == 0
