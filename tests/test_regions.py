"""The region checker's exact arithmetic against SymPy's own, on random rational functions.

``ratnorm`` and ``sign_of`` cancel fractions with their own polynomial-ring code (faster
than SymPy's ``cancel``); these tests compare them with ``cancel`` and with exact values
at random rational points, which do not share that code.
"""

from __future__ import annotations

import random

import pytest
from sympy import Dummy, Integer, Rational, Symbol, cancel, fraction

from derive.verify.regions import NEG, POS, ZERO, ratnorm, sign_of

a, b, c = (Symbol(n, real=True) for n in "abc")
p, q = Dummy("p", positive=True), Dummy("q", positive=True)


def _random_poly(rng: random.Random, symbols: tuple[Symbol, ...], terms: int) -> object:
    total = Integer(0)
    for _ in range(terms):
        term = Rational(rng.randint(-6, 6), rng.randint(1, 4))
        for s in symbols:
            term *= s ** rng.randint(0, 2)
        total += term
    return total


def _random_fraction(rng: random.Random, symbols: tuple[Symbol, ...]) -> object:
    common = _random_poly(rng, symbols, 2)
    num = _random_poly(rng, symbols, 3) * (common if rng.random() < 0.5 else 1)
    den = _random_poly(rng, symbols, 2) * (common if rng.random() < 0.5 else 1)
    if den == 0:
        den = Integer(1)
    return num / den + _random_poly(rng, symbols, 1) / (symbols[0] + 2)


@pytest.mark.parametrize("seed", range(40))
def test_ratnorm_is_a_cancelled_form_of_the_same_function(seed):
    rng = random.Random(seed)
    expr = _random_fraction(rng, (a, b, c))
    out = ratnorm(expr)
    assert cancel(out - expr) == 0  # the same rational function
    num, den = fraction(out)
    assert cancel(num / den) == cancel(expr)
    # At a random rational point (where the denominators do not vanish) the values agree.
    point = {s: Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in (a, b, c)}
    before, after = expr.xreplace(point), out.xreplace(point)
    if before.is_finite and after.is_finite:
        assert before == after


@pytest.mark.parametrize(
    "expr, sign",
    [
        (p * q + p, POS),
        (-(p + 1) / (q + 2), NEG),
        ((p + q) ** 2 / q, POS),
        (p - p, ZERO),
        ((p * q - p * q) / (q + 1), ZERO),
        (-p ** 2 - 1, NEG),
        (p - q, None),  # either sign: not proved
        ((p - 1) / (q + 1), None),
    ],
)
def test_sign_of_parameters(expr, sign):
    assert sign_of(expr) == sign


@pytest.mark.parametrize("seed", range(20))
def test_sign_of_agrees_with_values_at_random_points(seed):
    rng = random.Random(100 + seed)
    # A product of factors of known sign, multiplied out: the sign is that of the product.
    factors = [p + rng.randint(1, 5), q * rng.randint(1, 3) + p, (p + q) ** 2 + 1]
    expr = (1 if rng.random() < 0.5 else -1)
    for f in rng.sample(factors, 2):
        expr *= f
    expr = (expr / (q + rng.randint(1, 4))).expand()
    sign = sign_of(expr)
    assert sign in (POS, NEG)
    for _ in range(5):
        value = expr.xreplace({p: Rational(rng.randint(1, 50), rng.randint(1, 9)), q: Rational(rng.randint(1, 50), rng.randint(1, 9))})
        assert (value > 0) == (sign == POS)
