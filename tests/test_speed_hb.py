"""Shortcuts the verifier takes to do less work give what the long way gives: ranks over QQ,
memoized entries and doit rounds, definitions unfolded once per part, memoized ReLU
Piecewise forms."""

from __future__ import annotations

import random

import pytest
from sympy import (
    Function,
    Indexed,
    IndexedBase,
    Lambda,
    Matrix,
    MatrixSymbol,
    Piecewise,
    Rational,
    S,
    Sum,
    Symbol,
    sqrt,
    symbols,
)

from derive.ops import Entry, SqNorm
from derive.relu import Indicator, ReLU, _piecewise_indicator, _piecewise_relu, as_piecewise
from derive.verify.conditions import _rank
from derive.verify.index import evaluate, expand_entries
from derive.verify.regions import RegionError, _closed_definitions, _unfold_stepwise, unfold

n = Symbol("n", integer=True, positive=True)
i, j = symbols("i j", integer=True)


# -- conditions._rank ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_rank_over_qq_is_matrix_rank(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 6), rng.randint(1, 6)
    base = Matrix(rows, cols, lambda *_: Rational(rng.randint(-3, 3), rng.randint(1, 3)))
    # dependent rows as well: a combination of two rows appended
    extra = base[0, :] * Rational(rng.randint(-2, 2), 3) + base[rows - 1, :] * rng.randint(-2, 2)
    for matrix in (base, Matrix.vstack(base, extra), Matrix.zeros(1, cols)):
        assert _rank(matrix) == matrix.rank()


def test_rank_with_irrational_entries_is_left_to_matrix_rank():
    matrix = Matrix([[1, sqrt(2)], [sqrt(2), 2], [1, 1]])
    assert _rank(matrix) == matrix.rank() == 2
    assert _rank(Matrix([[1, sqrt(2)], [sqrt(2), 2]])) == 1


# -- index.expand_entries and evaluate ----------------------------------------------------------


def test_expand_entries_without_entries_is_the_same_object():
    x = IndexedBase("x")
    expr = Sum(x[i] ** 2, (i, 1, n)) + 3
    assert expand_entries(expr) is expr


def test_expanded_entry_is_the_sum_in_one_based_index_notation():
    A, x = MatrixSymbol("A", n, n), MatrixSymbol("x", n, 1)
    out = expand_entries(Entry(A * x, i) + 1)
    (s,) = out.atoms(Sum)
    assert s.dummy_eq(Sum(IndexedBase("A")[i, j] * IndexedBase("x")[j], (j, 1, n)), j)
    # again (memoized): the same expansion, in a new expression too
    assert expand_entries(Entry(A * x, i) + 1) == out
    twice = expand_entries(2 * Entry(A * x, i))
    assert twice == 2 * s


def test_evaluate_of_a_mutable_matrix_and_of_its_immutable_form_agree():
    x = IndexedBase("x")
    body = Sum(x[i], (i, 1, 2))
    mutable = Matrix([[body, 1]])
    assert evaluate(mutable) == Matrix([[x[1] + x[2], 1]])
    assert evaluate(mutable.as_immutable()) == evaluate(mutable)


def test_evaluate_reaches_the_fixed_point_and_stays_there():
    v = MatrixSymbol("v", n, 1)
    once = evaluate(SqNorm(v))
    assert isinstance(once, Sum) and not once.has(SqNorm)
    assert evaluate(once) == once


# -- regions.unfold ---------------------------------------------------------------------------


w, b, x, y, lam, k, t = symbols("w b x y lambda k t", real=True)
wn, bn, e, en = symbols("w' b' e e'", real=True)
s_ = Symbol("s", real=True)
phi = Function("phi")
ell = Function("ell")

DEFS = (
    (phi, Lambda(s_, ReLU(s_ * w + b))),
    (ell(w, b), (phi(x) - y) ** 2 / 2),
    (wn, w - lam * ell(w, b).diff(w)),
    (bn, b - lam * ell(w, b).diff(b)),
    (e, -b / w),
    (en, -bn / wn),
)


@pytest.mark.parametrize(
    "expr",
    [en, -e + en, Matrix([[wn, bn, e, en]]), phi(t) > 0, ell(w, b), wn * t + bn - t * w, S(3), x + y],
    ids=str,
)
def test_unfold_in_one_pass_is_unfold_one_definition_at_a_time(expr):
    assert _closed_definitions(DEFS) is not None
    assert unfold(expr, DEFS) == _unfold_stepwise(expr, DEFS)


def test_unfold_makes_and_then_replaces_a_new_key():
    # ell(k, b) with k := w becomes the key ell(w, b), which must be unfolded too
    defs = ((k, w), (ell(w, b), w * b + 1))
    assert unfold(ell(k, b) + k, defs) == w * b + 1 + w == _unfold_stepwise(ell(k, b) + k, defs)


def test_cyclic_definitions_are_refused_only_where_used():
    defs = ((k, t + 1), (t, k * 2), (e, w + 1))
    assert _closed_definitions(defs) is None
    assert unfold(e + x, defs) == w + 1 + x
    with pytest.raises(RegionError):
        unfold(k, defs)


def test_overlapping_keys_are_unfolded_one_at_a_time():
    # the key w inside the key ell(w, b): the order of the definitions decides
    defs = ((ell(w, b), y), (w, x))
    assert _closed_definitions(defs) is None
    assert unfold(ell(w, b) + w, defs) == y + x


# -- relu ----------------------------------------------------------------------------------


def test_memoized_piecewise_forms_are_the_definitions():
    z = w * x + b
    assert _piecewise_relu(z) == Piecewise((z, z > 0), (0, True))
    assert _piecewise_indicator(z) == Piecewise((1, z > 0), (0, True))
    assert _piecewise_relu(z) is _piecewise_relu(z)
    out = as_piecewise(ReLU(z) + Indicator(z) * ReLU(z))
    assert not out.has(ReLU, Indicator)
    assert out.xreplace({w: 1, x: 2, b: -1}) == 1 + 1 * 1
    assert out.xreplace({w: 1, x: 0, b: 0}) == 0
    assert isinstance(_piecewise_relu(Indexed(IndexedBase("v"), i)), Piecewise)


def test_a_sum_of_entries_of_a_matrix_expression_is_left_as_sympy_leaves_it():
    m = Symbol("m", integer=True, positive=True)
    X, v, u = MatrixSymbol("X", m, n), MatrixSymbol("v", n, 1), MatrixSymbol("u", m, 1)
    for summand in (Entry(X * v - u, i) ** 2, 3 * Entry(X * v, i) * Entry(u, i)):
        s = Sum(summand, (i, 1, m))
        assert evaluate(s) == s == Sum(summand, (i, 1, m)).doit()
    # the index outside an entry: not left alone (SymPy's closed form of the i part)
    assert evaluate(Sum(i * Entry(u, 1), (i, 1, m))) == Sum(i * Entry(u, 1), (i, 1, m)).doit()


# -- conditions: linear conditions read in one ring -------------------------------------------


def _random_linear(rng, xs, unknowns, nonlinear=False):
    total = S.Zero
    for xv in xs:
        coeff = sum((rng.randint(-2, 2) * u for u in unknowns), S.Zero) + rng.choice([0, 0, 1])
        total += coeff * xv
    if nonlinear:
        total += unknowns[0] * unknowns[-1] * xs[0]
    return total


@pytest.mark.parametrize("seed", range(30))
def test_conditions_in_one_ring_are_the_conditions_poly_by_poly(seed):
    from derive.verify.conditions import _same_by_poly, _same_by_ring

    rng = random.Random(seed)
    xs = list(symbols(f"x1:{rng.randint(2, 4)}"))
    unknowns = list(symbols(f"a1:{rng.randint(2, 5)}"))
    differences = [_random_linear(rng, xs, unknowns, nonlinear=seed % 7 == 0) for _ in range(rng.randint(1, 3))]
    # the fact: some of the same conditions, or others
    fact = [sum((rng.randint(-1, 1) * u for u in unknowns), S.Zero) for _ in range(rng.randint(1, 3))]
    if seed % 5 == 0:
        fact = [sum(d.coeff(xv) for d in differences) for xv in xs]  # the same span by construction
    fast = _same_by_ring(differences, fact, xs)
    if fast is not None:
        assert fast == _same_by_poly(differences, fact, xs)
    else:
        assert seed % 7 == 0 or _same_by_poly(differences, fact, xs) is None or not unknowns


def test_conditions_with_only_cancelling_unknowns_are_left_to_the_long_way():
    from derive.verify.conditions import _same_by_poly, _same_by_ring

    x1, a1 = symbols("x1 a1")
    differences = [x1 + a1 * (x1 + 1) - a1 * x1 - a1]  # = x1: the unknown cancels
    assert _same_by_ring(differences, [S.Zero], [x1]) is None
    assert _same_by_poly(differences, [S.Zero], [x1]) is False
    assert _same_by_ring([sqrt(2) * a1 * x1], [a1], [x1]) is None  # not over QQ
