"""Shortcuts of the second round of verifier speed work give what the long way gives:
region atoms normalised once per relation, matrix substitutions that change nothing,
definitions unfolded with nothing left to rewrite, a claim's differences computed once."""

from __future__ import annotations

import pytest
from sympy import (
    Abs,
    Derivative,
    Eq,
    Function,
    GreaterThan,
    Heaviside,
    ImmutableMatrix,
    LessThan,
    Ne,
    Piecewise,
    Rational,
    StrictGreaterThan,
    StrictLessThan,
    Symbol,
    symbols,
)

from derive.relu import ReLU
from derive.verify.regions import _atom, _normed_atom, _replace, as_piecewise, prepare, ratnorm, unfold
from derive.verify.signs import _Differences, _entries

x, y, z = symbols("x y z", real=True)


# -- regions._normed_atom -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        StrictGreaterThan(x**2 / (x + 1), y),
        GreaterThan(2 * x - y, Rational(1, 3)),
        StrictLessThan((x + y) * (x - y), x**2),
        LessThan(x / y, 1 / (x + y)),
        Eq((x + 1) ** 2, x**2 + 2 * x + 1 + z),
    ],
)
def test_normed_atom_is_the_atom_in_ratnorm_form(rel):
    g, kind = _atom(rel)
    assert _normed_atom(rel) == (ratnorm(g), kind)
    assert _normed_atom(rel) == _normed_atom(rel)  # memoized: the same answer again


def test_normed_atom_of_an_unequality_is_its_two_alternatives():
    rel = Ne(x, y)
    assert _normed_atom(rel) == _atom(rel) == [[StrictGreaterThan(x, y)], [StrictLessThan(x, y)]]


# -- regions._replace on matrices ----------------------------------------------------------------


def test_replace_in_a_matrix_without_the_node_is_the_matrix_itself():
    pw = Piecewise((x, x > 0), (0, True))
    m = ImmutableMatrix([[y + 1, z], [y * z, 2]])
    out = _replace(m, pw, x)
    assert out is m
    assert out == m.xreplace({pw: x})


def test_replace_in_a_matrix_with_the_node_is_xreplace():
    pw = Piecewise((x, x > 0), (0, True))
    m = ImmutableMatrix([[pw + 1, z], [y * pw, 2]])
    out = _replace(m, pw, x)
    assert out == m.xreplace({pw: x}) == ImmutableMatrix([[x + 1, z], [y * x, 2]])


# -- regions.prepare ----------------------------------------------------------------------------


def test_prepare_without_anything_to_rewrite_is_the_unfolded_expression():
    a = Symbol("a", real=True)
    defs = ((a, x + y),)
    expr = a**2 + z
    assert prepare(expr, defs) == unfold(expr, defs) == (x + y) ** 2 + z


def test_prepare_still_rewrites_each_kind():
    f = Function("f")
    assert prepare(ReLU(x)) == as_piecewise(ReLU(x))
    assert prepare(Abs(x - y)) == Piecewise((x - y, x - y >= 0), (y - x, True))
    assert prepare(Heaviside(x)).has(Piecewise) and not prepare(Heaviside(x)).has(Heaviside)
    assert prepare(Derivative(x**3, x)) == 3 * x**2
    assert prepare(Derivative(f(x), x)) == Derivative(f(x), x)


# -- signs._Differences ---------------------------------------------------------------------------


def test_differences_are_the_entries_of_the_difference_once_per_pair():
    differences = _Differences()
    goals = (ImmutableMatrix([[x, y]]), ImmutableMatrix([[y, y]]))
    first = differences(goals)
    assert first == _entries(goals[0] - goals[1]) == [x - y, 0]
    assert differences(goals) is first  # computed once
    assert differences((x**2, y)) == [x**2 - y]


def test_differences_of_mutable_matrices_are_not_memoized():
    from sympy import Matrix

    differences = _Differences()
    goals = (Matrix([[x]]), Matrix([[y]]))
    assert differences(goals) == [x - y]
    goals[0][0, 0] = z
    assert differences(goals) == [z - y]


# -- index._range_truth -----------------------------------------------------------------------------


def test_range_truth_decides_what_the_range_implies():
    from sympy import S, Symbol

    from derive.claims import InRange
    from derive.verify.index import _range_truth, settle_ranges

    n = Symbol("n", integer=True, positive=True)
    k, j = Symbol("k", integer=True), Symbol("j", integer=True)
    fact = InRange(k, 1, n)
    assert _range_truth(LessThan(k, n), fact) is S.true
    assert _range_truth(GreaterThan(k, 1), fact) is S.true
    assert _range_truth(StrictGreaterThan(k, n), fact) is S.false
    assert _range_truth(StrictLessThan(k, 1), fact) is S.false
    assert _range_truth(LessThan(k, 2), fact) is None  # not decided by 1 <= k <= n
    assert _range_truth(LessThan(j, n), fact) is None  # another index
    pw = Piecewise((x, (k >= 1) & (k <= n)), (0, True))
    assert settle_ranges(pw, [fact]) == x


# -- index._canonical_sum -----------------------------------------------------------------------------


def test_canonical_form_of_a_single_sum_names_its_index_d0():
    from sympy import IndexedBase, Sum, Symbol

    from derive.verify.index import canonical

    n = Symbol("n", integer=True, positive=True)
    i, j = Symbol("i", integer=True), Symbol("j", integer=True)
    a = IndexedBase("a")
    d0 = Symbol("_d0", integer=True)
    assert canonical(3 * Sum(a[i] * x, (i, 1, n))) == 3 * x * Sum(a[d0], (d0, 1, n))
    # renamed alike whatever the bound index was called: the two sums cancel
    assert canonical(Sum(a[i] ** 2, (i, 1, n)) - Sum(a[j] ** 2, (j, 1, n))) == 0
    assert canonical(Sum(a[i] ** 2, (i, 1, n)) - Sum(a[j], (j, 1, n))) != 0
