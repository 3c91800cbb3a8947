"""Problem 5 (ReLU elbow under SGD): the solution verifies, and corrupted claims do not.

The corrupted claims are the ways a solution to this problem typically goes wrong: a
direction stated for the whole case when it holds only for part of it, a dropped
indicator, a flipped sign, the wrong convention at the kink, a wrong worked example.
"""

from __future__ import annotations

import pytest
from sympy import Abs, Derivative, Eq, Ne, Rational, Subs, sign

from derive.claims import EqualOn, IffOn, Sign
from derive.model import Kind, Status
from derive.plot import Arrow, Curve, Marker
from derive.problems.cs182_hw0 import q5
from derive.registry import build_problem, load
from derive.relu import Indicator, ReLU
from derive.verify import check, failures, verify_problem

from conftest import assert_protocol

w, b, x, y, t, lam, h = q5.w, q5.b, q5.x, q5.y, q5.t, q5.lam, q5.h
wp, bp, e, ep, phi, ell = q5.wp, q5.bp, q5.e, q5.ep, q5.phi, q5.ell
DEFS, NET = q5.DEFS, q5.NET_DEFS
wi, bi, vi, ei, eip, r = q5.wi, q5.bi, q5.vi, q5.ei, q5.eip, q5.r
I, II, III, IV = q5.CASE_I, q5.CASE_II, q5.CASE_III, q5.CASE_IV
SMALL, LARGE = (*II, lam < w / x), (*II, lam > w / x)


@pytest.fixture(scope="module")
def verified():
    return verify_problem(build_problem("cs182-hw0", "q5"))


# -- the solution as built ---------------------------------------------------------------------


def test_parts_and_cases():
    problem = build_problem("cs182-hw0", "q5")
    assert [p.id for p in problem.parts] == ["a", "b.i", "b.ii", "b.iii", "b.iv", "c", "d"]
    assert [p.id for p in load("cs182-hw0/q5/b")[0].parts] == ["b.i", "b.ii", "b.iii", "b.iv"]
    for part in problem.parts:
        assert part.answer.claim is not None, part.id
        assert_protocol(part)


def test_every_claim_is_proved(verified):
    assert failures([verified]) == []
    for part in verified.parts:
        for _, step in part.claims():
            assert step.verdict.status is Status.PROVED, (part.id, step.title, step.verdict)


def test_direction_claims_are_symbolic(verified):
    """Each case's answer is a Sign/IffOn over the case's whole region, not a point."""
    for case, region in (("b.ii", II), ("b.iii", III), ("b.iv", IV)):
        claim = verified.part(case).answer.claim
        assert isinstance(claim, (Sign, IffOn))
        assert set(region) <= set(claim.where)
        assert not all(isinstance(c, Eq) for c in claim.where)


def test_every_case_of_b_has_a_figure_and_notes(verified):
    for case in ("b.i", "b.ii", "b.iii", "b.iv"):
        part = verified.part(case)
        figures = [s.figure for s in part.steps if s.figure is not None]
        assert figures, case
        for figure in figures:
            words = "".join(seg for seg in figure.description if isinstance(seg, str))
            assert "Horizontal axis" in words and "training point" in words
        assert any(s.kind is Kind.NOTE for s in part.steps), case


def test_figures_show_each_example_as_computed_by_hand():
    """Each worked example's plot: the two ReLU graphs through their breakpoints only,
    the elbows where -b/w puts them, the training point and the prediction."""
    problem = build_problem("cs182-hw0", "q5")
    figures = {s.figure.name: s.figure for p in problem.parts for s in p.steps if s.figure is not None}
    assert len(figures) == 6
    # name: (w, b, x, lambda) of the example, as the parts state them
    examples = {
        "q5-b-i": (1, -1, Rational(-1, 2), Rational(1, 4)),
        "q5-b-ii-right": (1, 0, 1, Rational(1, 4)),
        "q5-b-ii-left": (1, 2, 1, Rational(1, 4)),
        "q5-b-ii-large": (1, 0, 1, 2),
        "q5-b-iii": (1, 2, -1, Rational(1, 4)),
        "q5-b-iv": (-1, 2, 1, Rational(1, 4)),
    }
    assert set(figures) == set(examples)
    for name, (wv, bv, xv, lv) in examples.items():
        plot = figures[name].plot
        assert plot.title and plot.xlabel and plot.ylabel and len(plot.legend) >= 5
        active = wv * xv + bv > 0
        prediction = max(wv * xv + bv, 0)
        wn, bn = (wv - lv * xv, bv - lv) if active else (wv, bv)  # error 1: gradient (x, 1) when active
        curves = [e for e in plot.elements if isinstance(e, Curve)]
        before, after = curves[0].points, curves[1].points
        for (wk, bk), points in (((wv, bv), before), ((wn, bn), after)):
            assert len(points) <= 3  # breakpoints, not samples
            assert all(yy == pytest.approx(max(float(wk * xx + bk), 0.0)) for xx, yy in points)
        markers = [(m.x, m.y) for m in plot.elements if isinstance(m, Marker)]
        assert (pytest.approx(float(-bv / wv)), 0.0) in markers  # the old elbow
        if (wn, bn) != (wv, bv):
            assert (pytest.approx(float(-bn / wn)), 0.0) in markers  # the new elbow
        assert (float(xv), float(prediction - 1)) in markers and (float(xv), float(prediction)) in markers
        assert any(isinstance(e, Arrow) for e in plot.elements) == (float(-bn / wn) != float(-bv / wv))


def test_worked_examples_of_b_ii_lie_on_both_sides_of_the_condition():
    """The examples illustrate both directions: w − bx > 0 (right) and w − bx < 0 (left)."""
    part = build_problem("cs182-hw0", "q5").part("b.ii")
    signs = []
    for step in part.steps:
        claim = step.claim
        if isinstance(claim, EqualOn) and claim.where and all(isinstance(c, Eq) for c in claim.where):
            point = {c.lhs: c.rhs for c in claim.where if c.lhs in (w, b, x, lam)}
            if point[lam] < point[w] / point[x]:
                signs.append(sign(point[w] - point[b] * point[x]))
    assert {1, -1, 0} <= set(signs)


# -- corrupted claims must be refuted ------------------------------------------------------------

CORRUPTED = [
    # (a) gradients: dropped indicator, flipped sign, dropped x, the Heaviside convention at the kink
    EqualOn(Derivative(ell, w), (phi(x) - y) * x, (), DEFS),
    EqualOn(Derivative(ell, w), (y - phi(x)) * x * Indicator(w * x + b), (), DEFS),
    EqualOn(Derivative(ell, w), (phi(x) - y) * Indicator(w * x + b), (), DEFS),
    EqualOn(Derivative(ell, b), (phi(x) - y) / 2, (Eq(w * x + b, 0), Ne(phi(x), y)), DEFS),
    # (a) elbow: wrong sign of the elbow, wrong active side
    EqualOn(phi(t), ReLU(w * (t + e)), (Ne(w, 0),), DEFS),
    EqualOn(phi(t), 0, (w > 0, t >= e), DEFS),
    Sign(phi(t), "gt", (w < 0, t > e), DEFS),
    # (b.i) something moves / the tie updates
    EqualOn(q5.UPDATE, q5._row(w - lam * x, b - lam), I, DEFS),
    EqualOn(q5.UPDATE, q5._row(w - lam * x / 2, b - lam / 2), (Eq(w * x + b, 0), q5.ERROR_IS_ONE, lam > 0), DEFS),
    # (b.ii) the overclaims: one direction for the whole case
    Sign(ep - e, "gt", II, DEFS),
    Sign(ep - e, "lt", II, DEFS),
    Sign(ep - e, "gt", SMALL, DEFS),
    Sign(wp, "gt", II, DEFS),  # the slope stays positive only for small steps
    Sign(wp - w, "gt", II, DEFS),
    IffOn(ep > e, w - b * x < 0, SMALL, DEFS),
    IffOn(ep > e, w - b * x > 0, LARGE, DEFS),
    IffOn(ep > e, w - b * x > 0, (*II, Ne(lam * x, w)), DEFS),  # true only for small steps
    EqualOn(ep, (lam + b) / (w - lam * x), (*II, Ne(lam * x, w)), DEFS),
    EqualOn(ep - e, lam * (w + b * x) / (w * (w - lam * x)), (*II, Ne(lam * x, w)), DEFS),
    EqualOn(Subs(ep, lam, Rational(1, 4)), Rational(1, 3), (Eq(w, 1), Eq(b, 2), Eq(x, 1), q5.ERROR_IS_ONE), DEFS),
    # (b.iii), (b.iv): the wrong direction, the wrong slope change, the wrong bound
    Sign(ep - e, "lt", III, DEFS),
    Sign(wp - w, "lt", III, DEFS),
    Sign(ep + 1 / x, "gt", III, DEFS),
    Sign(ep - e, "gt", IV, DEFS),
    Sign(Abs(wp) - Abs(w), "lt", IV, DEFS),
    IffOn(ep < x, lam * (x**2 + 1) < w * x + b, IV, DEFS),
    # (c) the jump is v|w|, not v w; the elbow is -b/w, not b/w
    EqualOn(q5.part_c().answer.claim.lhs, vi * wi, (Ne(wi, 0), h > 0), NET),
    EqualOn(ReLU(wi * t + bi), ReLU(wi * (t + ei)), (Ne(wi, 0),), NET),
    # (d) missing output weight, flipped sign, residual forgotten, a moving inactive unit
    EqualOn(Derivative(q5.ell_net, wi), r * x * Indicator(wi * x + bi), (), NET),
    EqualOn(eip, -(bi + lam * r * vi * Indicator(wi * x + bi)) / (wi + lam * r * vi * x * Indicator(wi * x + bi)), (Ne(q5.wip, 0),), NET),
    EqualOn(eip, -(bi - lam * vi * Indicator(wi * x + bi)) / (wi - lam * vi * x * Indicator(wi * x + bi)), (Ne(q5.wip, 0),), NET),
    EqualOn(eip, ei + lam * r * vi * (1 - x * ei) / (wi - lam * r * vi * x), (Ne(wi, 0), Ne(q5.wip, 0), wi * x + bi > 0), NET),
    EqualOn(eip, ei - lam * r * vi / wi, (wi * x + bi <= 0, Ne(wi, 0)), NET),
]


@pytest.mark.parametrize("claim", CORRUPTED, ids=[f"corrupt-{k}" for k in range(len(CORRUPTED))])
def test_corrupted_claim_is_refuted(claim):
    verdict = check(claim)
    assert verdict.status is Status.REFUTED, verdict


def test_corrupting_every_answer_is_caught():
    """Replace each part's answer by a wrong statement of the same kind: refuted."""
    problem = build_problem("cs182-hw0", "q5")
    wrong = {
        "a": EqualOn(q5.GRAD, q5._row((phi(x) - y) * x, phi(x) - y), (), DEFS),
        "b.i": EqualOn(q5._row(wp - w, bp - b), q5._row(-lam * x, -lam), I, DEFS),
        "b.ii": IffOn(ep > e, w - b * x > 0, (*II, Ne(lam * x, w)), DEFS),
        "b.iii": Sign(ep - e, "lt", III, DEFS),
        "b.iv": Sign(ep - e, "gt", IV, DEFS),
        "c": EqualOn(q5.part_c().answer.claim.lhs, vi * wi, (Ne(wi, 0), h > 0), NET),
        "d": EqualOn(eip, ei + lam * r * vi * (1 + x * ei) / (wi + lam * r * vi * x), (Ne(wi, 0), Ne(q5.wip, 0)), NET),
    }
    assert set(wrong) == {p.id for p in problem.parts}
    for part_id, claim in wrong.items():
        assert check(claim).status is Status.REFUTED, part_id
