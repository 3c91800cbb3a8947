"""The ReLU with the course's convention, and the region checker (Sign, EqualOn, IffOn)."""

from __future__ import annotations

import pytest
from sympy import (
    Derivative,
    Eq,
    Heaviside,
    Max,
    Ne,
    Piecewise,
    Rational,
    Subs,
    Symbol,
    diff,
)

from derive.claims import EqualOn, IffOn, Sign
from derive.model import Status
from derive.printing import latex
from derive.relu import Indicator, ReLU, as_piecewise
from derive.verify import check

z, w, b, x, lam = (Symbol(n, real=True) for n in ("z", "w", "b", "x", "lambda"))


# -- the function itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, relu, gate",
    [
        (Rational(3, 2), Rational(3, 2), 1),
        (Rational(-2), 0, 0),
        (0, 0, 0),  # the kink: ReLU(0) = 0 and the derivative's convention 1[0 > 0] = 0
    ],
)
def test_values(value, relu, gate):
    assert ReLU(value) == relu
    assert Indicator(value) == gate


def test_symbolic_argument_stays_unevaluated():
    assert isinstance(ReLU(z), ReLU)
    assert ReLU(Symbol("p", positive=True)) == Symbol("p", positive=True)


def test_definition_is_piecewise():
    assert ReLU(z).doit() == Piecewise((z, z > 0), (0, True))
    assert as_piecewise(Indicator(z) * ReLU(w)) == Piecewise((1, z > 0), (0, True)) * Piecewise((w, w > 0), (0, True))


@pytest.mark.parametrize("at, slope", [(Rational(1, 3), 1), (Rational(-1, 3), 0), (0, 0)])
def test_derivative_of_the_definition(at, slope):
    # SymPy differentiates the Piecewise itself (not our fdiff): 0 at the kink.
    assert Subs(Derivative(ReLU(z), z), z, at).doit() == slope


def test_chain_rule_uses_the_indicator():
    assert diff(ReLU(w * x + b), w) == x * Indicator(w * x + b)


def test_max_is_not_the_course_convention():
    assert Subs(Derivative(Max(z, 0), z), z, 0).doit() == Rational(1, 2)


def test_printing():
    assert latex(Indicator(z)) == r"\mathbf{1}\left[z > 0\right]"
    assert latex(ReLU(z)) == r"\operatorname{ReLU}\left(z\right)"
    assert latex(ReLU(z) ** 2) == r"\operatorname{ReLU}\left(z\right)^{2}"


# -- verified at and away from the kink ----------------------------------------------------------


@pytest.mark.parametrize(
    "claim, status",
    [
        (EqualOn(Derivative(ReLU(z), z), Indicator(z)), Status.PROVED),
        (EqualOn(Derivative(ReLU(z), z), 1, (z > 0,)), Status.PROVED),
        (EqualOn(Derivative(ReLU(z), z), 0, (z < 0,)), Status.PROVED),
        (EqualOn(Subs(Derivative(ReLU(z), z), z, 0), 0), Status.PROVED),
        # corrupted: the Heaviside convention (1/2 at the kink), derivative 1 everywhere, 1 at the kink
        (EqualOn(Derivative(ReLU(z), z), Heaviside(z)), Status.REFUTED),
        (EqualOn(Derivative(ReLU(z), z), 1), Status.REFUTED),
        (EqualOn(Subs(Derivative(ReLU(z), z), z, 0), 1), Status.REFUTED),
        (EqualOn(Derivative(ReLU(z), z), 1, (z >= 0,)), Status.REFUTED),
        (EqualOn(Subs(Derivative(Max(z, 0), z), z, 0), 0), Status.REFUTED),
    ],
)
def test_kink_claims(claim, status):
    assert check(claim).status is status


# -- the region checker --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, status",
    [
        # signs decided over a whole region, by a change of variables to positive parameters
        (Sign(w * x + b, "gt", (w > 0, x > 0, b > 0)), Status.PROVED),
        (Sign(w - b * x, "gt", (w > 0, x > 0, b <= 0)), Status.PROVED),
        (Sign(lam * (w - b * x) / (w * (w - lam * x)), "gt", (w > 0, x < 0, w * x + b > 0, lam > 0)), Status.PROVED),
        (Sign(ReLU(w * x + b), "ge", ()), Status.PROVED),
        # false over the region: refuted by an exact point of the region
        (Sign(w - b * x, "gt", (w > 0, x > 0, w * x + b > 0)), Status.REFUTED),
        (Sign(w * x + b, "lt", (w > 0, x > 0, b > 0)), Status.REFUTED),
        (Sign(ReLU(z), "gt", ()), Status.REFUTED),
        # true but beyond the coefficient-sign method: samples never prove, so undecided
        (Sign(x**2 - 2 * x + 1, "ge", ()), Status.UNDECIDED),
        # equivalences, both directions
        (IffOn(w - lam * x > 0, lam < w / x, (w > 0, x > 0, lam > 0)), Status.PROVED),
        (IffOn(Eq(ReLU(z), 0), z <= 0, ()), Status.PROVED),
        (IffOn(w - lam * x > 0, lam > w / x, (w > 0, x > 0, lam > 0)), Status.REFUTED),
        (IffOn(Eq(ReLU(z), 0), z < 0, ()), Status.REFUTED),  # misses the tie z = 0
        # equalities on regions (ties, points, excluded values)
        (EqualOn(ReLU(w * x + b), 0, (Eq(w * x + b, 0),)), Status.PROVED),
        (EqualOn(ReLU(w * x + b), w * x + b, (w * x + b >= 0,)), Status.PROVED),
        (EqualOn(ReLU(w * x + b), w * x + b, (Ne(w * x + b, 0),)), Status.REFUTED),
        (EqualOn(ReLU(w * x + b), 2, (Eq(w, 1), Eq(x, 3), Eq(b, -1))), Status.PROVED),
        (EqualOn(ReLU(w * x + b), 3, (Eq(w, 1), Eq(x, 3), Eq(b, -1))), Status.REFUTED),
        (EqualOn(ReLU(w * x + b), 0, (w > 0, x > 0, b >= 0)), Status.REFUTED),
    ],
)
def test_region_claims(claim, status):
    verdict = check(claim)
    assert verdict.status is status, verdict


def test_a_refutation_names_a_point_of_the_region():
    verdict = check(Sign(w - b * x, "gt", (w > 0, x > 0, w * x + b > 0)))
    assert verdict.status is Status.REFUTED
    assert "b = " in verdict.detail and "w = " in verdict.detail


def test_an_empty_region_proves_anything():
    # w > 0 and w <= 0 cannot both hold: the claim is vacuous, and the verdict says so.
    verdict = check(Sign(w, "lt", (w > 0, w <= 0)))
    assert verdict.status is Status.PROVED
    assert "(1 empty)" in verdict.method or "empty" in verdict.method


def test_definitions_are_unfolded_by_the_verifier():
    from sympy import Function, Lambda

    phi = Function("phi")
    s = Symbol("s", real=True)
    defs = ((phi, Lambda(s, ReLU(w * s + b))),)
    assert check(EqualOn(phi(x), 0, (w > 0, x <= -b / w), defs)).status is Status.PROVED
    assert check(EqualOn(phi(x), 0, (w > 0, x >= -b / w), defs)).status is Status.REFUTED
