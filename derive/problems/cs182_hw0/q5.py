"""Problem 5 — the elbow of a ReLU unit under one SGD step.

Every statement about a sign or a direction ("the elbow moves right") is a
:class:`~derive.claims.Sign` or :class:`~derive.claims.IffOn` claim over the whole
region a case allows, decided symbolically by :mod:`derive.verify.signs`; worked
examples are exact rationals that the verifier recomputes from the definitions.

The claims carry the problem's *definitions* (``DEFS``: φ, ℓ, the SGD update, the
elbow of a unit as the zero of its pre-activation) and the verifier unfolds them
itself; no claim carries a derived result as a definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import (
    Abs,
    Derivative,
    Dummy,
    Eq,
    Expr,
    Function,
    ImmutableMatrix,
    Integer,
    Lambda,
    Limit,
    Max,
    MatrixSymbol,
    Ne,
    Piecewise,
    Rational,
    Subs,
    Sum,
    Symbol,
    oo,
)

from derive.claims import EqualOn, IffOn, Sign
from derive.model import Figure, Kind, Part, Problem, Step, Text, text
from derive.notation import Boxed, Element, Equation, RealSpace, Relation, Tuple_
from derive.ops import Entry
from derive.relu import Indicator, ReLU

# -- symbols ---------------------------------------------------------------------------------

w, b, x, y, t, h, z = (Symbol(n, real=True) for n in ("w", "b", "x", "y", "t", "h", "z"))
lam = Symbol("lambda", real=True)  # the step size (the statement's λ; λ is ridge's in problem 4)
wp, bp, e, ep = (Symbol(n, real=True) for n in ("w'", "b'", "e", "e'"))
phi = Function("phi")  # φ(t) = ReLU(w t + b): the unit as a function of its input t
ell = Function("ell")(w, b)  # ℓ as a function of the parameters, at the training pair (x, y)
phi_value = Symbol("phi", real=True)  # φ as a variable, for dℓ/dφ

_s = Dummy("s")

DEFS = (
    (phi, Lambda(_s, ReLU(w * _s + b))),
    (ell, Rational(1, 2) * (phi(x) - y) ** 2),
    (wp, w - lam * Derivative(ell, w)),
    (bp, b - lam * Derivative(ell, b)),
    (e, -b / w),
    (ep, -bp / wp),
)

ACTIVE = w * x + b  # the pre-activation at the training input
ERROR_IS_ONE = Eq(phi(x), y + 1)  # φ(x) − y = 1
CASE_I = (Eq(phi(x), 0), ERROR_IS_ONE, lam > 0)
CASE_II = (w > 0, x > 0, phi(x) > 0, ERROR_IS_ONE, lam > 0)
CASE_III = (w > 0, x < 0, phi(x) > 0, ERROR_IS_ONE, lam > 0)
CASE_IV = (w < 0, x > 0, phi(x) > 0, ERROR_IS_ONE, lam > 0)

# The network of (c) and (d), unit i isolated: f(t) = v_i ReLU(w_i t + b_i) + R_i(t).
d = Symbol("d", integer=True, positive=True)
W1 = MatrixSymbol("W1", d, 1)
W2 = MatrixSymbol("W2", 1, d)
bvec = MatrixSymbol("bvec", d, 1)
wi, bi, vi, ei, Ri, r = (Symbol(n, real=True) for n in ("w_i", "b_i", "v_i", "e_i", "R_i", "r"))
wip, bip, vip, eip = (Symbol(n, real=True) for n in ("w'_i", "b'_i", "v'_i", "e'_i"))
fhat = Function("fhat")
ell_net = Function("ell")(wi, bi, vi)

NET_DEFS = (
    (fhat, Lambda(_s, vi * ReLU(wi * _s + bi) + Ri)),
    (ell_net, Rational(1, 2) * (fhat(x) - y) ** 2),
    (r, fhat(x) - y),
    (wip, wi - lam * Derivative(ell_net, wi)),
    (bip, bi - lam * Derivative(ell_net, bi)),
    (vip, vi - lam * Derivative(ell_net, vi)),
    (ei, -bi / wi),
    (eip, -bip / wip),
)

i, j = Symbol("i", integer=True, positive=True), Symbol("j", integer=True, positive=True)

SYMBOLS = {W1: r"W^{(1)}", W2: r"W^{(2)}", bvec: r"\mathbf{b}"}


def _row(*items: Expr) -> ImmutableMatrix:
    return ImmutableMatrix([list(items)])


GRAD = _row(Derivative(ell, w), Derivative(ell, b))
UPDATE = _row(wp, bp)
PIVOT_SHIFT = (wp * t + bp) - (w * t + b)  # change of the pre-activation at input t


# -- worked examples ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A training situation with exact rational parameters (the deriver's arithmetic)."""

    w: Rational
    b: Rational
    x: Rational
    lam: Rational

    @property
    def pre(self) -> Rational:
        return self.w * self.x + self.b

    @property
    def gate(self) -> int:
        return 1 if self.pre > 0 else 0  # the course's convention at the kink

    @property
    def prediction(self) -> Rational:
        return max(self.pre, Integer(0))

    @property
    def y(self) -> Rational:
        return self.prediction - 1

    @property
    def w_new(self) -> Rational:
        return self.w - self.lam * self.gate * self.x

    @property
    def b_new(self) -> Rational:
        return self.b - self.lam * self.gate

    @property
    def elbow(self) -> Rational:
        return -self.b / self.w

    @property
    def elbow_new(self) -> Rational:
        return -self.b_new / self.w_new

    def point(self) -> tuple:
        return (Eq(w, self.w), Eq(b, self.b), Eq(x, self.x), Eq(lam, self.lam), ERROR_IS_ONE)

    def values_claim(self) -> EqualOn:
        """(w', b', e, e') at this point, recomputed by the verifier from the definitions."""
        return EqualOn(
            _row(wp, bp, e, ep),
            _row(self.w_new, self.b_new, self.elbow, self.elbow_new),
            self.point(),
            DEFS,
        )


def _f(v: Rational) -> float:
    """Exact value to float — for plotting only (plotting is not proof)."""
    return float(v)


def _relu_line(wv: float, bv: float, ts: list[float]) -> list[float]:
    return [max(wv * s + bv, 0.0) for s in ts]


def _draw_example(ax, ex: Example, title: str) -> None:
    """φ before (solid) and after (dashed) the step; elbows, pivot, point and motion marked."""
    W, B, X = _f(ex.w), _f(ex.b), _f(ex.x)
    Wn, Bn = _f(ex.w_new), _f(ex.b_new)
    E, En = _f(ex.elbow), _f(ex.elbow_new)
    Y, P = _f(ex.y), _f(ex.prediction)
    moved = ex.elbow_new != ex.elbow
    pivot = -1 / X if ex.gate else None
    marks = [E, En, X] + ([pivot] if pivot is not None else [])
    lo, hi = min(marks) - 1.5, max(marks) + 1.5
    ts = [lo + (hi - lo) * k / 400 for k in range(401)]
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.plot(ts, _relu_line(W, B, ts), color="tab:blue", linewidth=2.0, label=r"$\phi$ before the step")
    ax.plot(ts, _relu_line(Wn, Bn, ts), color="tab:orange", linewidth=2.0, linestyle="--", label=r"$\phi$ after the step")
    if pivot is not None:
        ax.axvline(pivot, color="0.4", linestyle="-.", linewidth=0.9, label=f"pivot -1/x = {-1 / ex.x}")
    ax.axvline(E, color="tab:blue", linestyle=":", linewidth=1.0)
    old_label = f"old elbow e = {ex.elbow}" if moved else f"elbow e = e' = {ex.elbow}"
    ax.plot([E], [0.0], marker="o", markersize=7, color="tab:blue", linestyle="none", label=old_label)
    if moved:
        ax.axvline(En, color="tab:orange", linestyle=":", linewidth=1.0)
        ax.plot([En], [0.0], marker="s", markersize=7, color="tab:orange", linestyle="none", label=f"new elbow e' = {ex.elbow_new}")
    top = max(_relu_line(W, B, [lo, hi]) + _relu_line(Wn, Bn, [lo, hi]) + [P, 1.0])
    bottom = min(Y, 0.0) - 0.9
    if moved:
        ax.annotate(
            "",
            xy=(En, bottom + 0.55),
            xytext=(E, bottom + 0.55),
            arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.5},
        )
        ax.text((E + En) / 2, bottom + 0.42, "elbow moves", ha="center", va="top", fontsize=8)
    ax.plot([X, X], [Y, P], color="tab:red", linewidth=1.0)
    ax.plot([X], [Y], marker="o", markersize=7, color="black", linestyle="none", label=f"training point (x, y) = ({ex.x}, {ex.y})")
    ax.plot([X], [P], marker="x", markersize=9, color="tab:red", linestyle="none", label=r"prediction $\phi(x)$ = " + f"{ex.prediction}")
    ax.set_xlim(lo, hi)
    ax.set_ylim(bottom, top + 0.5)
    ax.set_xlabel("input t")
    ax.set_ylabel(r"$\phi(t)$")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best", framealpha=0.9)


def _example_figure(name: str, ex: Example, title: str, motion: Text) -> Figure:
    move = (
        text("The arrow under the axis points from e to e'. ")
        if ex.elbow_new != ex.elbow
        else text("The dashed line coincides with the solid one: nothing moves. ")
    )
    description = (
        text(
            "Horizontal axis: the input t; vertical axis: the unit's output φ(t). The grey horizontal line is "
            "φ = 0. Solid blue: φ before the step, {}, zero on one side of the elbow e = {} (blue dot, dotted "
            "vertical line). Dashed orange: φ after the step, {}",
            Equation(phi(t), ReLU(ex.w * t + ex.b)),
            ex.elbow,
            ReLU(ex.w_new * t + ex.b_new),
        )
        + (text(", with its elbow e' = {} (orange square, dotted line). ", ex.elbow_new) if ex.elbow_new != ex.elbow else text(". "))
        + text(
            "Black dot: the training point (x, y) = ({}, {}); red cross: the prediction φ(x) = {}, joined to the "
            "point by a short red segment of length 1 (the error). ",
            ex.x,
            ex.y,
            ex.prediction,
        )
        + (
            text("The dash-dotted grey line is the pivot t = −1/x = {}, where the step leaves the pre-activation unchanged. ", -1 / ex.x)
            if ex.gate
            else ()
        )
        + move
        + motion
    )
    return Figure(name, lambda ax: _draw_example(ax, ex, title), description)


def _example_steps(label: str, ex: Example, figure_name: str, title: str, motion: Text) -> tuple[Step, ...]:
    return (
        Step(
            Kind.STEP,
            f"Worked example ({label})",
            text(
                "Exact values, recomputed by the verifier from the definitions (φ, ℓ, one SGD step) at the point "
                "below; the values are an illustration of the general result above, not its proof. Here {} and {}.",
                Equation(y, ex.y),
                Equation(w - b * x, ex.w - ex.b * ex.x),
            ),
            claim=ex.values_claim(),
        ),
        Step(Kind.FIGURE, f"Figure ({label})", text("The example drawn to scale."), figure=_example_figure(figure_name, ex, title, motion)),
    )


# -- part (a) ------------------------------------------------------------------------------------


def part_a() -> Part:
    relu_def = Piecewise((w * x + b, w * x + b > 0), (0, True))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Everything here is a scalar: the weight w, the bias b, the training input x and label y are "
                "real numbers, and the unit is {}. To keep the training input apart from the variable of the "
                "function, we write φ(t) for the unit at a generic input t and reserve x for the training "
                "input. The loss {} is a squared norm of a scalar, i.e. a plain square; as a function of the "
                "parameters (for the fixed pair (x, y)) we write it ℓ(w, b). The course's convention: the "
                "derivative of the ReLU at 0 is 0.",
                Equation(phi(x), relu_def),
                Equation(ell, Rational(1, 2) * (phi(x) - y) ** 2),
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Write φ as the ReLU of the pre-activation {}; find where the pre-activation vanishes (the "
                "elbow) and on which side it is positive; differentiate the loss by the chain rule with the "
                "ReLU's derivative written as the indicator {}, checking the kink separately.",
                w * t + b,
                Indicator(z),
            ),
        ),
        Step(
            Kind.STEP,
            "The ReLU's derivative is an indicator",
            text(
                "With {} (a piecewise function, not max(z, 0)), the derivative is 1 where z > 0 and 0 where "
                "z < 0; the convention sets it to 0 at z = 0. All three are the indicator {}:",
                Equation(ReLU(z), Piecewise((z, z > 0), (0, True))),
                Indicator(z),
            ),
            claim=EqualOn(Derivative(ReLU(z), z), Indicator(z)),
        ),
        Step(
            Kind.STEP,
            "At the kink",
            text("At z = 0 the derivative is 0 (the course's convention), not 1/2:"),
            claim=EqualOn(Subs(Derivative(ReLU(z), z), z, 0), 0),
        ),
        Step(
            Kind.STEP,
            "The elbow",
            text(
                "For {} the pre-activation factors as {}, a line through (e, 0) with {}. So φ is the ReLU "
                "of a line that crosses zero at e:",
                Ne(w, 0),
                Equation(w * t + b, w * (t - e)),
                Equation(e, -b / w),
            ),
            claim=EqualOn(phi(t), ReLU(w * (t - e)), (Ne(w, 0),), DEFS),
        ),
        Step(
            Kind.STEP,
            "w > 0: zero to the left of the elbow",
            text("If w > 0, φ is 0 at and to the left of e …"),
            claim=EqualOn(phi(t), 0, (w > 0, t <= e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w > 0: active to the right of the elbow",
            text("… and positive to the right of e, where it equals w(t − e): the active side is t > e."),
            claim=Sign(phi(t), "gt", (w > 0, t > e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w < 0: zero to the right of the elbow",
            text("If w < 0 the picture is mirrored: φ is 0 at and to the right of e …"),
            claim=EqualOn(phi(t), 0, (w < 0, t >= e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w < 0: active to the left of the elbow",
            text("… and positive to the left of e: the active side is t < e."),
            claim=Sign(phi(t), "gt", (w < 0, t < e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w = 0: no elbow",
            text(
                "If w = 0 the unit is the constant ReLU(b): equal to b everywhere when b > 0, zero everywhere "
                "when b ≤ 0. It has no elbow (no transition at all):"
            ),
            claim=EqualOn(phi(t), ReLU(b), (Eq(w, 0),), DEFS),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to φ",
            text("As a function of the prediction φ, the loss is a parabola; the factor 1/2 cancels the 2:"),
            claim=EqualOn(Derivative(Rational(1, 2) * (phi_value - y) ** 2, phi_value), phi_value - y),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to w",
            text(
                "Chain rule: dℓ/dφ times dφ/dw, and dφ/dw = x times the ReLU's derivative at the pre-activation "
                "{}. The verifier differentiates the piecewise loss itself and compares on every branch:",
                ACTIVE,
            ),
            claim=EqualOn(Derivative(ell, w), (phi(x) - y) * x * Indicator(ACTIVE), (), DEFS),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to b",
            text("The same with dφ/db = the ReLU's derivative (the pre-activation has derivative 1 in b):"),
            claim=EqualOn(Derivative(ell, b), (phi(x) - y) * Indicator(ACTIVE), (), DEFS),
        ),
        Step(
            Kind.STEP,
            "Active training point",
            text("Away from the kink, on the active side, both gradients are those of the linear unit wx + b:"),
            claim=EqualOn(GRAD, _row((ACTIVE - y) * x, ACTIVE - y), (ACTIVE > 0,), DEFS),
        ),
        Step(
            Kind.STEP,
            "Inactive training point",
            text("On the inactive side both gradients vanish (the unit is locally constant):"),
            claim=EqualOn(GRAD, _row(0, 0), (ACTIVE < 0,), DEFS),
        ),
        Step(
            Kind.STEP,
            "Training point exactly at the kink",
            text("At the kink the convention gives zero gradients as well:"),
            claim=EqualOn(GRAD, _row(0, 0), (Eq(ACTIVE, 0),), DEFS),
        ),
        Step(
            Kind.NOTE,
            "Why the ReLU is not written max(z, 0) here",
            text(
                "SymPy differentiates max(z, 0) to the Heaviside step, whose value at 0 is 1/2; that would "
                "silently change the convention at the kink:"
            ),
            claim=EqualOn(Subs(Derivative(Max(z, 0), z), z, 0), Rational(1, 2)),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The elbow is at e = −b/w (when w ≠ 0); for w > 0 the active side is t > e, for w < 0 it is "
                "t < e, and for w = 0 there is no elbow (φ is the constant ReLU(b)). With the indicator "
                "{} (0 at the kink):",
                Indicator(ACTIVE),
            ),
            display=(
                Boxed(
                    Tuple_(
                        Equation(e, -b / w),
                        Equation(Derivative(Function("ell")(phi_value), phi_value), phi(x) - y),
                        Equation(Derivative(ell, w), (phi(x) - y) * x * Indicator(ACTIVE)),
                        Equation(Derivative(ell, b), (phi(x) - y) * Indicator(ACTIVE)),
                    )
                ),
            ),
            claim=EqualOn(GRAD, _row((phi(x) - y) * x * Indicator(ACTIVE), (phi(x) - y) * Indicator(ACTIVE)), (), DEFS),
        ),
    )
    prompt = text(
        "A single ReLU unit {} with loss {}. Find (i) the elbow e, where the function transitions from 0 to "
        "something else; (ii) dℓ/dφ; (iii) ∂ℓ/∂w; (iv) ∂ℓ/∂b.",
        Equation(phi(x), relu_def),
        Equation(ell, Rational(1, 2) * (phi(x) - y) ** 2),
    )
    return Part("a", prompt, steps)


# -- part (b) ------------------------------------------------------------------------------------

LEAD_B = text(
    "A training point (x, y) has {} (the prediction is 1 too high). One SGD step updates every parameter p as "
    "{} with step size {}. Describe what happens to the slope and to the elbow, and draw φ, the elbow, the point "
    "and the change.",
    Equation(phi(x) - y, 1),
    Equation(Symbol("p'"), Symbol("p") - lam * Derivative(Function("ell")(Symbol("p")), Symbol("p"))),
    lam > 0,
)


def _symbol_note() -> Step:
    return Step(
        Kind.NOTE,
        "Step size and symbols",
        text(
            "λ here is the SGD step size (problem 4 uses λ for the ridge penalty: unrelated). No bound on λ "
            "is assumed: every claim below is for every λ > 0 unless it names a range of λ. The elbow before "
            "the step is {}; after it, {} (the elbow of the updated unit, defined when {}).",
            Equation(e, -b / w),
            Equation(ep, -bp / wp),
            Ne(wp, 0),
        ),
    )


def _active_updates(case: tuple) -> tuple[Step, ...]:
    return (
        Step(
            Kind.STEP,
            "Gradients at the training point",
            text(
                "The point is on the active side, so the indicator is 1, and the error φ(x) − y is 1. The "
                "gradients of (a) become:"
            ),
            claim=EqualOn(GRAD, _row(x, 1), case, DEFS),
        ),
        Step(
            Kind.STEP,
            "The update",
            text("One SGD step:"),
            claim=EqualOn(UPDATE, _row(w - lam * x, b - lam), case, DEFS),
        ),
    )


def _elbow_identity(case: tuple) -> tuple[Step, ...]:
    return (
        Step(
            Kind.STEP,
            "The new elbow",
            text("The updated unit's elbow, where {}:", Ne(wp, 0)),
            claim=EqualOn(ep, (lam - b) / (w - lam * x), (*case, Ne(lam * x, w)), DEFS),
        ),
        Step(
            Kind.STEP,
            "How far the elbow moves",
            text(
                "Subtracting e and writing the result in terms of the parameters and of the old elbow gives the "
                "displacement; its sign decides the direction:"
            ),
            claim=EqualOn(ep - e, lam * (w - b * x) / (w * (w - lam * x)), (*case, Ne(lam * x, w)), DEFS),
        ),
        Step(
            Kind.STEP,
            "… in terms of the old elbow",
            text("Since {}, the same displacement reads:", Equation(b, -w * e)),
            claim=EqualOn(ep - e, lam * (1 + e * x) / (w - lam * x), (*case, Ne(lam * x, w)), DEFS),
        ),
        Step(
            Kind.STEP,
            "The pivot",
            text(
                "Why: the step changes the pre-activation at every input t by {}. The line turns about the "
                "pivot t = −1/x, where it does not change; the new elbow is where the turned line crosses zero.",
                -lam * (x * t + 1),
            ),
            claim=EqualOn(PIVOT_SHIFT, -lam * (x * t + 1), case, DEFS),
        ),
    )


def part_b_i() -> Part:
    ex = Example(Integer(1), Integer(-1), Rational(-1, 2), Rational(1, 4))
    tie = (Eq(ACTIVE, 0), ERROR_IS_ONE, lam > 0)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "φ(x) = 0 means the training input is on the unit's inactive side: {}. This includes the tie "
                "wx + b = 0, where the training input sits exactly on the elbow. With φ(x) − y = 1 the label is "
                "y = −1.",
                Relation(Eq(phi(x), 0), "iff", ACTIVE <= 0),
            ),
            claim=IffOn(Eq(phi(x), 0), ACTIVE <= 0, (), DEFS),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text("Put the case into the gradients of (a): the indicator {} is 0, including at the tie.", Indicator(ACTIVE)),
        ),
        Step(
            Kind.STEP,
            "Zero gradients",
            text("Both gradients vanish in this case:"),
            claim=EqualOn(GRAD, _row(0, 0), CASE_I, DEFS),
        ),
        Step(
            Kind.STEP,
            "Nothing is updated",
            text("So the step leaves slope and bias unchanged, for every step size:"),
            claim=EqualOn(UPDATE, _row(w, b), CASE_I, DEFS),
        ),
        Step(
            Kind.STEP,
            "The elbow stays",
            text("and the elbow (when there is one, w ≠ 0) does not move:"),
            claim=EqualOn(ep, e, (*CASE_I, Ne(w, 0)), DEFS),
        ),
        Step(
            Kind.NOTE,
            "The tie wx + b = 0",
            text(
                "At the tie the ReLU is not differentiable; the course's convention (derivative 0 at the kink) "
                "resolves it, and the unit does not move:"
            ),
            claim=EqualOn(UPDATE, _row(w, b), tie, DEFS),
        ),
        Step(
            Kind.NOTE,
            "Another convention would move it",
            text(
                "With max(z, 0) and SymPy's Heaviside(0) = 1/2 the tie would give the update {}, and with a "
                "derivative of 1 at the kink it would behave like case (ii)–(iv). The statement fixes the "
                "convention, so only the tie's reading depends on it. Also w = 0 with b ≤ 0 belongs here: a "
                "dead unit with no elbow, before and after.",
                _row(w - lam * x / 2, b - lam / 2),
            ),
        ),
        *_example_steps(
            "inactive point",
            ex,
            "q5-b-i",
            "(b.i) inactive point: nothing moves",
            text("The point lies on the flat side of the ReLU, so the gradient is zero and the graph is unchanged."),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "No gradient reaches the unit: for every λ > 0 the slope and the bias stay, {} and {}, and the "
                "elbow stays, e' = e (for w ≠ 0; for w = 0 there is no elbow before or after). This includes "
                "the tie wx + b = 0 by the course's convention.",
                Equation(wp, w),
                Equation(bp, b),
            ),
            display=(Boxed(Tuple_(Equation(wp, w), Equation(bp, b), Equation(ep, e))),),
            claim=EqualOn(_row(wp - w, bp - b), _row(0, 0), CASE_I, DEFS),
        ),
    )
    return Part("b.i", text("Case (i): {}.", Eq(phi(x), 0)), steps, lead=LEAD_B)


def part_b_ii() -> Part:
    small = (*CASE_II, lam < w / x)
    large = (*CASE_II, lam > w / x)
    right = Example(Integer(1), Integer(0), Integer(1), Rational(1, 4))
    left = Example(Integer(1), Integer(2), Integer(1), Rational(1, 4))
    tie = Example(Integer(1), Integer(1), Integer(1), Rational(1, 4))
    flip = Example(Integer(1), Integer(0), Integer(1), Integer(2))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "w > 0, x > 0 and φ(x) > 0: the unit rises to the right, its elbow is left of the training "
                "input, and the point is on the active side (wx + b > 0). The label is y = φ(x) − 1. Nothing "
                "else is assumed: b may have either sign, and λ > 0 is arbitrary."
            ),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Exact case analysis: compute the update, write the displacement e' − e as one fraction, and "
                "decide its sign over the whole region the case allows (symbolically, by a change of variables "
                "to positive parameters). Where the case does not fix the sign, derive the condition that does, "
                "as an equivalence checked in both directions."
            ),
        ),
        *_active_updates(CASE_II),
        Step(
            Kind.STEP,
            "The slope decreases",
            text("Since λx > 0, the slope goes down, for every step size:"),
            claim=Sign(wp - w, "lt", CASE_II, DEFS),
        ),
        Step(
            Kind.STEP,
            "… and stays positive only for a small step",
            text("The new slope is positive exactly when λ < w/x:"),
            claim=IffOn(wp > 0, lam < w / x, CASE_II, DEFS),
        ),
        *_elbow_identity(CASE_II),
        Step(
            Kind.NOTE,
            "The case does not decide the direction",
            text(
                "The numerator factor w − bx has no fixed sign in this case (b may be large and positive), so "
                "no single direction holds for all parameters the case allows: the first two worked examples "
                "below both satisfy the case and move the elbow in opposite directions. The next steps give the "
                "exact condition instead."
            ),
        ),
        Step(
            Kind.STEP,
            "Small step (λ < w/x): right exactly when w > bx",
            text("For λ < w/x the denominator is positive, so the elbow moves right if and only if w − bx > 0:"),
            claim=IffOn(ep > e, w - b * x > 0, small, DEFS),
        ),
        Step(
            Kind.STEP,
            "Small step: left exactly when w < bx",
            text("… moves left if and only if w − bx < 0, and stays exactly when w = bx:"),
            claim=IffOn(ep < e, w - b * x < 0, small, DEFS),
        ),
        Step(
            Kind.STEP,
            "The same condition, read on the graph",
            text(
                "w − bx > 0 says that the old elbow lies right of the pivot −1/x. In particular it holds "
                "whenever b ≤ 0 (elbow at or right of 0):"
            ),
            claim=IffOn(w - b * x > 0, e > -1 / x, CASE_II, DEFS),
        ),
        Step(
            Kind.STEP,
            "b ≤ 0 is enough",
            text("For b ≤ 0 the condition always holds, so a small step moves the elbow right:"),
            claim=Sign(w - b * x, "gt", (*CASE_II, b <= 0), DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step (λ > w/x): the slope turns negative",
            text("Beyond λ = w/x the new slope is negative, so the active side flips to the left of e':"),
            claim=Sign(wp, "lt", large, DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step: the direction reverses",
            text("and the denominator is negative, so the elbow moves right exactly when w − bx < 0:"),
            claim=IffOn(ep > e, w - b * x < 0, large, DEFS),
        ),
        Step(
            Kind.STEP,
            "λ = w/x: the slope vanishes",
            text(
                "At λ = w/x the new slope is 0 and the new pre-activation is the constant b − w/x at every input t, "
                "so the new unit is the constant {}: no elbow at all (a dead unit when bx ≤ w).",
                ReLU(b - w / x),
            ),
            claim=EqualOn(_row(wp, wp * t + bp), _row(0, b - w / x), (*CASE_II, Eq(lam, w / x)), DEFS),
        ),
        Step(
            Kind.STEP,
            "Very large steps",
            text("As λ grows without bound the new elbow tends to the pivot:"),
            claim=EqualOn(Limit(ep, lam, oo), -1 / x, CASE_II[:-1], DEFS),
        ),
        *_example_steps(
            "elbow moves right",
            right,
            "q5-b-ii-right",
            "(b.ii) b = 0, small step: slope down, elbow right",
            text("Here w − bx = 1 > 0 and λ = 1/4 < w/x = 1: the slope drops from 1 to 3/4 and the elbow moves right."),
        ),
        *_example_steps(
            "elbow moves left",
            left,
            "q5-b-ii-left",
            "(b.ii) b = 2, small step: slope down, elbow left",
            text("Here w − bx = −1 < 0 and λ = 1/4 < w/x = 1: the slope drops from 1 to 3/4 but the elbow moves left."),
        ),
        Step(
            Kind.STEP,
            "Worked example (elbow stays)",
            text("On the boundary w = bx the line turns about its own elbow, which stays put:"),
            claim=tie.values_claim(),
        ),
        *_example_steps(
            "large step",
            flip,
            "q5-b-ii-large",
            "(b.ii) large step λ = 2 > w/x: slope flips sign",
            text(
                "Here λ = 2 > w/x = 1: the slope goes from 1 to −1, the active side flips to the left, and the elbow "
                "moves left (w − bx = 1 > 0 with a large step)."
            ),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The slope always decreases, {} (and stays positive only for λ < w/x). The new elbow is "
                "{} (λ ≠ w/x). Its direction is not fixed by the case: for a small step (λ < w/x) it moves "
                "right if and only if w > bx — always when b ≤ 0 — left if and only if w < bx, and stays when "
                "w = bx; for a large step (λ > w/x) the slope turns negative and the direction reverses. At "
                "λ = w/x the unit becomes flat; as λ → ∞ the elbow tends to −1/x. In one formula:",
                Equation(wp, w - lam * x),
                Equation(ep, (lam - b) / (w - lam * x)),
            ),
            display=(
                Boxed(
                    Tuple_(
                        Relation(wp, "lt", w),
                        Equation(ep, (lam - b) / (w - lam * x)),
                        Relation(ep > e, "iff", (w - b * x) * (w - lam * x) > 0),
                    )
                ),
            ),
            claim=IffOn(ep > e, (w - b * x) * (w - lam * x) > 0, (*CASE_II, Ne(lam * x, w)), DEFS),
        ),
    )
    return Part("b.ii", text("Case (ii): {}, {}, {}.", w > 0, x > 0, phi(x) > 0), steps, lead=LEAD_B)


def part_b_iii() -> Part:
    ex = Example(Integer(1), Integer(2), Integer(-1), Rational(1, 4))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "w > 0, x < 0 and φ(x) > 0: the unit rises to the right and the training input, left of 0, is on "
                "the active side, so the elbow is left of x. Then b > −wx > 0. λ > 0 is arbitrary."
            ),
            claim=Sign(b, "gt", CASE_III, DEFS),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text("As in (ii): compute the update and decide the signs of w' − w and e' − e over the whole case."),
        ),
        *_active_updates(CASE_III),
        Step(
            Kind.STEP,
            "The slope increases",
            text("Since λx < 0, the slope goes up, for every step size:"),
            claim=Sign(wp - w, "gt", CASE_III, DEFS),
        ),
        *_elbow_identity(CASE_III),
        Step(
            Kind.STEP,
            "The elbow moves right, always",
            text(
                "Here w − bx > 0 and w − λx > 0 for every parameter value the case allows, so the displacement "
                "is positive — decided over the whole case, for every λ > 0:"
            ),
            claim=Sign(ep - e, "gt", CASE_III, DEFS),
        ),
        Step(
            Kind.STEP,
            "… but never past the pivot",
            text("However large the step, the new elbow stays left of the pivot −1/x > 0 …"),
            claim=Sign(ep + 1 / x, "lt", CASE_III, DEFS),
        ),
        Step(
            Kind.STEP,
            "… which it approaches for very large steps",
            text("and tends to it as λ → ∞:"),
            claim=EqualOn(Limit(ep, lam, oo), -1 / x, CASE_III[:-1], DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step: the point can fall off",
            text(
                "The elbow passes the training input (which then becomes inactive) exactly when the step is "
                "large enough:"
            ),
            claim=IffOn(ep > x, lam * (x**2 + 1) > ACTIVE, CASE_III, DEFS),
        ),
        *_example_steps(
            "x < 0",
            ex,
            "q5-b-iii",
            "(b.iii) x < 0: slope up, elbow right",
            text("The slope rises from 1 to 5/4 and the elbow moves right from −2 to −7/5, towards the pivot −1/x = 1."),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The slope increases, {}, and the elbow moves right, e' > e, for every parameter value the case "
                "allows and every λ > 0, staying left of −1/x (its limit as λ → ∞). A large step, λ(x² + 1) > wx + b, "
                "carries the elbow past the training input.",
                Relation(wp, "gt", w),
            ),
            display=(Boxed(Tuple_(Equation(wp, w - lam * x), Relation(wp, "gt", w), Equation(ep, (lam - b) / (w - lam * x)), Relation(ep, "gt", e))),),
            claim=Sign(ep - e, "gt", CASE_III, DEFS),
        ),
    )
    return Part("b.iii", text("Case (iii): {}, {}, {}.", w > 0, x < 0, phi(x) > 0), steps, lead=LEAD_B)


def part_b_iv() -> Part:
    ex = Example(Integer(-1), Integer(2), Integer(1), Rational(1, 4))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "w < 0, x > 0 and φ(x) > 0: the unit falls to the right, its active side is left of the elbow, "
                "and the training input is there; so b > −wx > 0 and the elbow e = −b/w is positive. λ > 0 is "
                "arbitrary."
            ),
            claim=Sign(e, "gt", CASE_IV, DEFS),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text("As in (ii): compute the update and decide the signs of w' − w and e' − e over the whole case."),
        ),
        *_active_updates(CASE_IV),
        Step(
            Kind.STEP,
            "The slope decreases (gets steeper)",
            text("Since λx > 0, the (negative) slope goes further down, for every step size …"),
            claim=Sign(wp - w, "lt", CASE_IV, DEFS),
        ),
        Step(
            Kind.STEP,
            "… so its magnitude grows",
            text("the slope stays negative and |w| grows:"),
            claim=Sign(Abs(wp) - Abs(w), "gt", CASE_IV, DEFS),
        ),
        *_elbow_identity(CASE_IV),
        Step(
            Kind.STEP,
            "The elbow moves left, always",
            text(
                "Here w − bx < 0 and w − λx < 0 while w < 0, so the displacement is negative for every parameter "
                "value the case allows and every λ > 0:"
            ),
            claim=Sign(ep - e, "lt", CASE_IV, DEFS),
        ),
        Step(
            Kind.STEP,
            "… but never past the pivot",
            text("However large the step, the new elbow stays right of the pivot −1/x < 0 …"),
            claim=Sign(ep + 1 / x, "gt", CASE_IV, DEFS),
        ),
        Step(
            Kind.STEP,
            "… which it approaches for very large steps",
            text("and tends to it as λ → ∞:"),
            claim=EqualOn(Limit(ep, lam, oo), -1 / x, CASE_IV[:-1], DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step: the point can fall off",
            text("The elbow passes the training input (which becomes inactive) exactly when:"),
            claim=IffOn(ep < x, lam * (x**2 + 1) > ACTIVE, CASE_IV, DEFS),
        ),
        *_example_steps(
            "w < 0",
            ex,
            "q5-b-iv",
            "(b.iv) w < 0: slope steeper, elbow left",
            text("The slope goes from −1 to −5/4 and the elbow moves left from 2 to 7/5, towards the pivot −1/x = −1."),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The slope decreases (becomes more negative), {}, and the elbow moves left, e' < e, for every "
                "parameter value the case allows and every λ > 0, staying right of −1/x (its limit as λ → ∞). A "
                "large step, λ(x² + 1) > wx + b, carries the elbow past the training input.",
                Relation(wp, "lt", w),
            ),
            display=(Boxed(Tuple_(Equation(wp, w - lam * x), Relation(wp, "lt", w), Equation(ep, (lam - b) / (w - lam * x)), Relation(ep, "lt", e))),),
            claim=Sign(ep - e, "lt", CASE_IV, DEFS),
        ),
    )
    return Part("b.iv", text("Case (iv): {}, {}, {}.", w < 0, x > 0, phi(x) > 0), steps, lead=LEAD_B)


# -- parts (c) and (d) ---------------------------------------------------------------------------


def _network_output(at: Expr) -> Expr:
    """f(at) = Σ_j W⁽²⁾_j ReLU(W⁽¹⁾_j at + b_j), in the course's symbols (display only)."""
    return Sum(Entry(W2, 1, j) * ReLU(Entry(W1, j, 1) * at + Entry(bvec, j)), (j, 1, d))


def _network_interpretation() -> Step:
    return Step(
        Kind.INTERPRETATION,
        "Interpretation",
        text(
            "Shapes: {}. Unit i has incoming weight {}, bias {} and outgoing weight {} (W⁽²⁾ is a row, so its i-th "
            "entry is in column i). The output is the scalar {}. The problem's b is now a vector, and the single "
            "unit of (a)–(b) is the case d = 1, v_1 = 1.",
            Tuple_(Element(W1, RealSpace(d, 1)), Element(bvec, RealSpace(d, 1)), Element(W2, RealSpace(1, d))),
            Relation(wi, "def", Entry(W1, i, 1)),
            Relation(bi, "def", Entry(bvec, i)),
            Relation(vi, "def", Entry(W2, 1, i)),
            Equation(fhat(t), _network_output(t)),
        ),
    )


def part_c() -> Part:
    w1, w2, b1, b2, v1, v2 = (Symbol(n, real=True) for n in ("w_1", "w_2", "b_1", "b_2", "v_1", "v_2"))

    def two_units(wv, bv, vv):
        return vv[0] * ReLU(wv[0] * t + bv[0]) + vv[1] * ReLU(wv[1] * t + bv[1])

    unit = vi * ReLU(wi * t + bi)
    slope_right = Subs(Derivative(unit, t), t, ei + h)
    slope_left = Subs(Derivative(unit, t), t, ei - h)
    steps = (
        _network_interpretation(),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "The output is a sum of one ReLU per unit; unit i contributes v_i ReLU(w_i t + b_i), which has the "
                "elbow of a single unit (part (a)). Whether that elbow is a kink of the output is decided by the "
                "jump of the slope there."
            ),
        ),
        Step(
            Kind.STEP,
            "Unit i's elbow",
            text("As in (a), for {} unit i's pre-activation crosses zero at {}:", Ne(wi, 0), Equation(ei, -bi / wi)),
            claim=EqualOn(ReLU(wi * t + bi), ReLU(wi * (t - ei)), (Ne(wi, 0),), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "The jump of the slope",
            text(
                "Unit i's contribution is linear on each side of e_i; its slope just right minus just left of e_i is "
                "{}, for either sign of w_i (checked at every distance h > 0):",
                vi * Abs(wi),
            ),
            claim=EqualOn(slope_right - slope_left, vi * Abs(wi), (Ne(wi, 0), h > 0), NET_DEFS),
        ),
        Step(
            Kind.NOTE,
            "When is e_i a kink of the output?",
            text(
                "Every other unit j is linear near e_i unless its own elbow is at the same place, so the output's "
                "slope jumps at e_i by the sum of v_j|w_j| over the units j with w_j ≠ 0 and e_j = e_i. The elbow "
                "e_i is a kink of the output exactly when that sum is not 0. In particular it needs w_i ≠ 0 "
                "(else the unit is the constant ReLU(b_i): no elbow), and v_i ≠ 0 when no other unit shares the "
                "elbow (else the unit is invisible in the output). It can fail even with v_i ≠ 0, when units cancel."
            ),
        ),
        Step(
            Kind.STEP,
            "Example: two elbows that cancel",
            text(
                "Two units with the same elbow 1 and v = (1, −1), w = (1, −1), b = (−1, 1): the slope jumps 1 and "
                "−1 cancel and the output is a straight line, with no kink at 1:"
            ),
            claim=EqualOn(two_units((1, -1), (-1, 1), (1, -1)), t - 1),
        ),
        Step(
            Kind.STEP,
            "Example: two elbows that add",
            text("With v = (1, 1) instead the jumps add up to 2 and the output has a kink at 1:"),
            claim=EqualOn(two_units((1, -1), (-1, 1), (1, 1)), Abs(t - 1)),
        ),
        Step(
            Kind.NOTE,
            "Symbols",
            text(
                "W⁽²⁾ is 1×d, so 'W⁽²⁾_i' means the entry in column i; the vector b of the network and the scalar "
                "b of (a) share a letter; λ is the step size, as in (b). {} and {} are generic symbols for two units.",
                Tuple_(w1, b1, v1),
                Tuple_(w2, b2, v2),
            ),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "Unit i's elbow is where its pre-activation vanishes, at {} for w_i ≠ 0 (no elbow when w_i = 0). "
                "It is a kink of the network's output exactly when the slope jumps there: the jump is the sum of "
                "v_j|w_j| over the units sharing that elbow, so — unless other units share it — exactly when v_i ≠ 0.",
                Equation(ei, -bi / wi),
            ),
            display=(Boxed(Tuple_(Equation(ei, -bi / wi), Relation(wi, "ne", 0))),),
            claim=EqualOn(slope_right - slope_left, vi * Abs(wi), (Ne(wi, 0), h > 0), NET_DEFS),
        ),
    )
    return Part("c", text("Derive the location {} of the elbow of the i-th ReLU unit.", ei), steps)


def part_d() -> Part:
    gate = Indicator(wi * x + bi)
    g = lam * r * vi * gate  # the pre-activation's gradient times λ
    closed = -(bi - g) / (wi - g * x)
    relative = ei + g * (1 + x * ei) / (wi - g * x)
    # Concrete cross-check: d = 3, unit 2, every unit explicit.
    ws = [Symbol(f"w_{k}", real=True) for k in (1, 2, 3)]
    bs = [Symbol(f"b_{k}", real=True) for k in (1, 2, 3)]
    vs = [Symbol(f"v_{k}", real=True) for k in (1, 2, 3)]
    ell3 = Function("ell")(*ws, *bs, *vs)
    out3 = sum(vs[k] * ReLU(ws[k] * x + bs[k]) for k in range(3))
    defs3 = ((ell3, Rational(1, 2) * (out3 - y) ** 2),)
    r3 = out3 - y
    reduce_to_b = (Eq(Ri, 0), Eq(vi, 1), Eq(wi, w), Eq(bi, b), ERROR_IS_ONE)
    steps = (
        _network_interpretation(),
        Step(
            Kind.NOTE,
            "Reading of the update",
            text(
                "One SGD step on the single pair (x, y) updates all parameters at once, each with the gradient at "
                "the old parameters. We write {} for the residual (in (b) it was 1) and isolate unit i: {}, where "
                "{} collects the other units and does not depend on w_i, b_i, v_i.",
                Equation(r, fhat(x) - y),
                Equation(fhat(x), vi * ReLU(wi * x + bi) + Ri),
                Ri,
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Backpropagation: dℓ/df̂ = r, then through the output weight v_i to the unit's output, through the "
                "ReLU (indicator) to the pre-activation, and from there to w_i (times x) and b_i (times 1). The "
                "elbow after the step is the zero of the updated pre-activation, −b_i'/w_i'."
            ),
        ),
        Step(
            Kind.STEP,
            "Gradient with respect to the output weight",
            text("The output weight's gradient is the residual times the unit's output:"),
            claim=EqualOn(Derivative(ell_net, vi), r * ReLU(wi * x + bi), (), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Gradients with respect to w_i and b_i",
            text("Through v_i and the ReLU's indicator to the pre-activation, then to w_i and b_i:"),
            claim=EqualOn(_row(Derivative(ell_net, wi), Derivative(ell_net, bi)), _row(r * vi * gate * x, r * vi * gate), (), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Cross-check with every unit explicit (d = 3, unit 2)",
            text("The same gradients with all three units written out, no isolation of unit i:"),
            claim=EqualOn(
                _row(Derivative(ell3, ws[1]), Derivative(ell3, bs[1])),
                _row(r3 * vs[1] * Indicator(ws[1] * x + bs[1]) * x, r3 * vs[1] * Indicator(ws[1] * x + bs[1])),
                (),
                defs3,
            ),
        ),
        Step(
            Kind.STEP,
            "The updated incoming weight and bias",
            text("One step with learning rate λ:"),
            claim=EqualOn(_row(wip, bip), _row(wi - lam * r * vi * gate * x, bi - lam * r * vi * gate), (), NET_DEFS),
        ),
        Step(
            Kind.NOTE,
            "Why the output layer's update does not matter",
            text(
                "After the step unit i contributes {}; its kink is where w_i' t + b_i' = 0, whatever v_i' is (if "
                "v_i' = 0 the kink disappears from the output, as in (c)). The other units' parameters do not enter "
                "either. The old v_i does matter: it is a factor of the gradient that reaches w_i and b_i.",
                vip * ReLU(wip * t + bip),
            ),
        ),
        Step(
            Kind.STEP,
            "The new elbow in closed form",
            text("The elbow after the step (where {}):", Ne(wip, 0)),
            claim=EqualOn(eip, closed, (Ne(wip, 0),), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "… in terms of the old elbow",
            text("With {} the same elbow reads:", Equation(bi, -wi * ei)),
            claim=EqualOn(eip, relative, (Ne(wi, 0), Ne(wip, 0)), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "The two forms agree",
            text("Directly:"),
            claim=EqualOn(closed, relative, (Ne(wi, 0),), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "An inactive unit does not move",
            text("If the training input is on unit i's inactive side (including the tie), nothing changes:"),
            claim=EqualOn(eip, ei, (wi * x + bi <= 0, Ne(wi, 0)), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Special case: part (b)",
            text(
                "With one unit (R_i = 0), v_i = 1, w_i = w, b_i = b and residual φ(x) − y = 1, the network's new "
                "elbow is exactly the single unit's e' of (b) — all four cases at once:"
            ),
            claim=EqualOn(eip, ep, reduce_to_b, NET_DEFS + DEFS),
        ),
        Step(
            Kind.STEP,
            "… and the formula reduces accordingly",
            text("On the active side the displacement becomes that of (b):"),
            claim=EqualOn(eip - ei, lam * (1 + x * e) / (w - lam * x), (*reduce_to_b, ACTIVE > 0, Ne(w, 0), Ne(lam * x, w)), NET_DEFS + DEFS),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "With the residual {} and the indicator {} (0 at the kink), the new elbow of unit i is (when w_i ≠ 0 "
                "and w_i' ≠ 0):",
                Equation(r, fhat(x) - y),
                gate,
            ),
            display=(Boxed(Equation(eip, closed)), Boxed(Equation(eip, relative))),
            claim=EqualOn(eip, relative, (Ne(wi, 0), Ne(wip, 0)), NET_DEFS),
        ),
    )
    return Part("d", text("Derive the new elbow location {} of the i-th unit after one SGD step with learning rate {}.", eip, lam), steps)


def build() -> Problem:
    """Problem 5 of cs182-hw0, every part built and ready for verification."""
    statement = text(
        "A 1-D function is modelled by a network with one hidden ReLU layer and no output bias, "
        "f(x) = W⁽²⁾Φ(W⁽¹⁾x + b) with Φ the elementwise ReLU, that is {}, with {}, and loss {}. The ReLU's "
        "gradient at 0 is taken to be 0.",
        Equation(fhat(x), _network_output(x)),
        Tuple_(Element(W1, RealSpace(d, 1)), Element(bvec, RealSpace(d, 1)), Element(W2, RealSpace(1, d))),
        Equation(Function("ell")(W1, bvec, W2), Rational(1, 2) * (fhat(x) - y) ** 2),
    )
    return Problem(
        set_id="cs182-hw0",
        id="q5",
        title="ReLU elbow update under SGD",
        statement=statement,
        parts=(part_a(), part_b_i(), part_b_ii(), part_b_iii(), part_b_iv(), part_c(), part_d()),
        symbols=SYMBOLS,
    )
