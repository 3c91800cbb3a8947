"""The calculus module generates steps that the verifier accepts, in both layouts,
and its pieces (index form, delta sifting, matrix rules) are right on their own."""

from __future__ import annotations

import dataclasses

import pytest
from sympy import Integer, KroneckerDelta, Matrix, Sum, symbols

from derive.calculus import derivative, differentiate, index_form, sift
from derive.claims import Equal
from derive.model import Status
from derive.ops import DENOMINATOR, NUMERATOR, Jacobian
from derive.verify import check


def _explicit_jacobian(f, x, size):
    """Independent reference: the Jacobian of explicit 3×… instances, entry by entry."""
    from derive.verify.instances import instantiate
    from derive.claims import Given

    fx = instantiate(f, {x.shape[0]: size}, {}, Given())
    xs = instantiate(x, {x.shape[0]: size}, {}, Given())
    column = Matrix(fx).reshape(len(Matrix(fx)), 1)
    return column.jacobian(list(xs))


FORMS = ["xT c", "xT x", "A x", "xT A x", "xT A x + cT x", "3 xT x"]


def _form(s, name):
    return {
        "xT c": s.x.T * s.c,
        "xT x": s.x.T * s.x,
        "A x": s.A * s.x,
        "xT A x": s.x.T * s.A * s.x,
        "xT A x + cT x": s.x.T * s.A * s.x + s.c.T * s.x,
        "3 xT x": 3 * s.x.T * s.x,
    }[name]


@pytest.mark.parametrize("name", FORMS)
def test_rule_derivative_matches_explicit_jacobian(sym, name):
    f = _form(sym, name)
    rule = derivative(f, sym.x)
    from derive.verify.instances import instantiate
    from derive.claims import Given

    got = Matrix(instantiate(rule, {sym.n: 3}, {}, Given()))
    want = _explicit_jacobian(f, sym.x, 3)
    assert (got - want).expand() == Matrix.zeros(*want.shape)


@pytest.mark.parametrize("layout", [NUMERATOR, DENOMINATOR])
@pytest.mark.parametrize("name", FORMS)
def test_generated_steps_are_all_proved(sym, name, layout):
    derivation = differentiate(_form(sym, name), sym.x, layout=layout)
    titles = [s.title for s in derivation.steps]
    assert titles == [
        "Shape of the derivative",
        "Write the expression entrywise",
        "Differentiate an arbitrary entry",
        "Recognise the entry",
        "Stack the entries",
    ]
    for step in derivation.steps:
        verdict = check(step.claim)
        assert verdict.status is Status.PROVED, (step.title, verdict)


def test_denominator_layout_is_the_transpose(sym):
    num = differentiate(sym.A * sym.x, sym.x).result
    den = differentiate(sym.A * sym.x, sym.x, layout=DENOMINATOR).result
    assert num == sym.A and den == sym.A.T


def test_expected_form_that_is_wrong_is_refuted(sym):
    derivation = differentiate(sym.x.T * sym.A * sym.x, sym.x, expected=2 * sym.x.T * sym.A)
    verdicts = {s.title: check(s.claim).status for s in derivation.steps}
    assert verdicts["Recognise the entry"] is Status.REFUTED
    assert verdicts["Stack the entries"] is Status.REFUTED
    assert verdicts["Differentiate an arbitrary entry"] is Status.PROVED


def test_corrupted_entry_derivative_is_refuted(sym):
    step = differentiate(sym.x.T * sym.A * sym.x, sym.x).steps[2]
    terms = step.claim.terms
    corrupted = dataclasses.replace(step.claim, terms=terms[:-1] + (2 * terms[-1],))
    assert check(corrupted).status is Status.REFUTED


def test_index_form_of_quadratic_is_a_double_sum(sym):
    form = index_form(sym.x.T * sym.A * sym.x, Integer(1), Integer(1))
    assert isinstance(form, Sum) and len(form.limits) == 2
    assert check(Equal(sym.x.T * sym.A * sym.x, form)).status is Status.PROVED


def test_sift_collapses_deltas():
    i, k, n = symbols("i k n", integer=True)
    from sympy import IndexedBase

    c = IndexedBase("c")
    assert sift(Sum(KroneckerDelta(i, k) * c[i], (i, 1, n))) == c[k]
    assert sift(Sum(3 * c[i], (i, 1, n))) == 3 * Sum(c[i], (i, 1, n))


def test_unsupported_expression_is_reported_not_guessed(sym):
    # x (xᵀ c) is a vector whose left factor depends on x: no rule covers it.
    assert derivative(sym.x * sym.x.T * sym.c, sym.x) is None
    with pytest.raises(NotImplementedError):
        differentiate(sym.x * sym.x.T * sym.c, sym.x)
    with pytest.raises(ValueError):
        differentiate(sym.x.T, sym.x)  # a row vector function is outside the convention


def test_jacobian_shape_follows_layout(sym):
    assert Jacobian(sym.B * sym.x, sym.x).shape == (sym.m, sym.n)
    assert Jacobian(sym.B * sym.x, sym.x, DENOMINATOR).shape == (sym.n, sym.m)
