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
    Basic,
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
    Tuple,
    oo,
)

from derive.claims import EqualOn, IffOn, Sign
from derive.model import Figure, Kind, Part, Problem, Step, Text, text
from derive.notation import Boxed, EqChain, Element, Elementwise, Equation, RealSpace, Relation, Size, Tuple_
from derive.ops import Entry
from derive.plot import BLACK, BLUE, DARK_GREY, GREY, ORANGE, RED, Arrow, Curve, HLine, Marker, Note, Plot, VLine
from derive.plot import Element as PlotElement
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


def _relu_points(wv: Rational, bv: Rational, lo: float, hi: float) -> tuple[tuple[float, float], ...]:
    """The graph of t -> ReLU(wv t + bv) on [lo, hi]: its ends and its elbow, if inside."""
    ts = [lo, hi]
    if wv != 0 and lo < _f(-bv / wv) < hi:
        ts.insert(1, _f(-bv / wv))
    return tuple((s, max(_f(wv) * s + _f(bv), 0.0)) for s in ts)


def _example_plot(ex: Example, title: Text) -> Plot:
    """φ before (solid) and after (dashed) the step; elbows, pivot, point and motion marked."""
    X, Y, P = _f(ex.x), _f(ex.y), _f(ex.prediction)
    E, En = _f(ex.elbow), _f(ex.elbow_new)
    moved = ex.elbow_new != ex.elbow
    pivot = -1 / ex.x if ex.gate else None
    marks = [E, En, X] + ([_f(pivot)] if pivot is not None else [])
    lo, hi = min(marks) - 1.5, max(marks) + 1.5
    before, after = _relu_points(ex.w, ex.b, lo, hi), _relu_points(ex.w_new, ex.b_new, lo, hi)
    elements: list[PlotElement] = [
        HLine(0.0, color=GREY, width=0.8),
        Curve(before, color=BLUE, width=2.0, label=text("{} before the step", phi_value)),
        Curve(after, color=ORANGE, width=2.0, dash="dashed", label=text("{} after the step", phi_value)),
    ]
    if pivot is not None:
        pivot_label = text("pivot {}", Equation(-1 / x, pivot))
        elements.append(VLine(_f(pivot), color=DARK_GREY, width=0.9, dash="dashdot", label=pivot_label))
    elements.append(VLine(E, color=BLUE, width=1.0, dash="dotted"))
    old_label = text("old elbow {}", Equation(e, ex.elbow)) if moved else text("elbow {}", EqChain(e, ep, ex.elbow))
    elements.append(Marker(E, 0.0, "circle", color=BLUE, label=old_label))
    if moved:
        elements.append(VLine(En, color=ORANGE, width=1.0, dash="dotted"))
        elements.append(Marker(En, 0.0, "square", color=ORANGE, label=text("new elbow {}", Equation(ep, ex.elbow_new))))
    top = max([y for _, y in before + after] + [P, 1.0])
    bottom = min(Y, 0.0) - 0.9
    if moved:
        elements.append(Arrow((E, bottom + 0.55), (En, bottom + 0.55), width=1.5))
        elements.append(Note((E + En) / 2, bottom + 0.42, text("elbow moves"), anchor="below", size=8.0))
    elements += [
        Curve(((X, Y), (X, P)), color=RED, width=1.0),
        Marker(X, Y, "circle", color=BLACK, label=text("training point {}", Equation(Tuple(x, y), Tuple(ex.x, ex.y)))),
        Marker(X, P, "cross", size=9.0, color=RED, label=text("prediction {}", Equation(phi(x), ex.prediction))),
    ]
    return Plot((lo, hi), (bottom, top + 0.5), tuple(elements), title, text("input {}", t), text("{}", phi(t)))


def _direction(ex: Example) -> str:
    if ex.elbow_new > ex.elbow:
        return "right"
    return "left" if ex.elbow_new < ex.elbow else "nowhere"


def _motion(ex: Example) -> Text:
    """What an example shows, in words computed from its exact values."""
    if ex.w_new == ex.w and ex.b_new == ex.b:
        return text("Slope and bias are unchanged, and the elbow stays at {}.", ex.elbow)
    out = text("The slope goes from {} to {}", ex.w, ex.w_new)
    if ex.elbow_new == ex.elbow:
        return out + text(" and the elbow stays at {}.", ex.elbow)
    out += text(f" and the elbow moves {_direction(ex)}, from {{}} to {{}}", ex.elbow, ex.elbow_new)
    if ex.w > 0 and ex.x > 0:  # case (ii): the direction depends on w - bx and on the step size
        step = "small" if ex.lam < ex.w / ex.x else "large"
        out += text(
            f" ({{}}; a {step} step, {{}})",
            Equation(w - b * x, ex.w - ex.b * ex.x),
            Relation(lam, "lt" if step == "small" else "gt", Equation(w / x, ex.w / ex.x)),
        )
    return out + (".",)


def _example_figure(name: str, ex: Example, title: Text) -> Figure:
    moved = ex.elbow_new != ex.elbow
    description = (
        text(
            "Horizontal axis: the input {}; vertical axis: the unit's output {}. The grey horizontal line is {}. "
            "Solid blue: the unit before the step, {}, zero on one side of its elbow {} (blue dot, dotted vertical "
            "line). Dashed orange: the unit after the step, {}",
            t,
            phi(t),
            Equation(phi(t), 0),
            ReLU(ex.w * t + ex.b),
            Equation(e, ex.elbow),
            ReLU(ex.w_new * t + ex.b_new),
        )
        + (text(", with its elbow {} (orange square, dotted line). ", Equation(ep, ex.elbow_new)) if moved else text(". "))
        + text(
            "Black dot: the training point {}; red cross: the prediction {}, joined to the point by a short red "
            "segment of length 1 (the error). ",
            Equation(Tuple(x, y), Tuple(ex.x, ex.y)),
            Equation(phi(x), ex.prediction),
        )
        + (
            text(
                "The dash-dotted grey line is the pivot {}, where the step leaves the pre-activation unchanged. ",
                Equation(t, -1 / ex.x),
            )
            if ex.gate
            else ()
        )
        + (
            text(f"The arrow under the axis points from {{}} to {{}}: the elbow moves {_direction(ex)}. ", e, ep)
            if moved
            else text("The dashed line lies on the solid one: nothing moves. ")
        )
        + _motion(ex)
    )
    return Figure(name, _example_plot(ex, title), description)


def _example_steps(label: str, ex: Example, figure_name: str, title: Text) -> tuple[Step, ...]:
    return (
        Step(
            Kind.STEP,
            f"Worked example ({label})",
            text(
                "Exact values, recomputed by the verifier from the definitions (the unit, the loss, one SGD step) "
                "at the point below, where {} and {}. An illustration of the general result, not its proof.",
                Equation(y, ex.y),
                Equation(w - b * x, ex.w - ex.b * ex.x),
            ),
            claim=ex.values_claim(),
        ),
        Step(
            Kind.FIGURE,
            label[0].upper() + label[1:],
            text("The example drawn to scale."),
            figure=_example_figure(figure_name, ex, title),
        ),
    )


# -- part (a) ------------------------------------------------------------------------------------


def part_a() -> Part:
    relu_def = Piecewise((w * x + b, w * x + b > 0), (0, True))
    loss = Equation(ell, Rational(1, 2) * (phi(x) - y) ** 2)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Everything here is a scalar: {}, {}, {} and {} are real numbers (weight, bias, training input, "
                "label), and the "
                "unit is {}. The statement uses {} both for the unit's input and for the training input; we write "
                "{} for the unit at a generic input {} and keep {} for the training input. The loss {} is the "
                "squared norm of a scalar, a plain square; as a function of the parameters, for the fixed pair "
                "{}, it is {}. \"Elbow\" is read as the kink, the input where the unit switches between 0 and its "
                "linear part, whichever side is the active one. Convention: the ReLU's derivative at 0 is 0.",
                w,
                b,
                x,
                y,
                Equation(phi(x), relu_def),
                x,
                phi(t),
                t,
                x,
                Rational(1, 2) * (phi(x) - y) ** 2,
                Tuple(x, y),
                loss,
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Write the unit as the ReLU of its pre-activation {}; find where the pre-activation vanishes (the "
                "elbow) and on which side it is positive; differentiate the loss by the chain rule, with the ReLU's "
                "derivative written as the indicator {}, and check the kink separately.",
                w * t + b,
                Indicator(z),
            ),
        ),
        Step(
            Kind.STEP,
            "The ReLU's derivative is an indicator",
            text(
                "With {} (a piecewise function, not {}), the derivative is 1 for {} and 0 for {}; the convention "
                "sets it to 0 at {}. All three are the indicator {}:",
                Equation(ReLU(z), Piecewise((z, z > 0), (0, True))),
                Max(z, 0),
                z > 0,
                z < 0,
                Equation(z, 0),
                Indicator(z),
            ),
            claim=EqualOn(Derivative(ReLU(z), z), Indicator(z)),
        ),
        Step(
            Kind.STEP,
            "At the kink",
            text("At {} the derivative is 0 (the course's convention), not 1/2:", Equation(z, 0)),
            claim=EqualOn(Subs(Derivative(ReLU(z), z), z, 0), 0),
        ),
        Step(
            Kind.STEP,
            "The elbow",
            text(
                "For {} the pre-activation factors as {}, a line through {} with {}. So the unit is the ReLU of a "
                "line that crosses zero at {}:",
                Ne(w, 0),
                Equation(w * t + b, w * (t - e)),
                Tuple(e, 0),
                Equation(e, -b / w),
                e,
            ),
            claim=EqualOn(phi(t), ReLU(w * (t - e)), (Ne(w, 0),), DEFS),
        ),
        Step(
            Kind.STEP,
            "w > 0: zero to the left of the elbow",
            text("If {}, the unit is 0 at and to the left of {} …", w > 0, e),
            claim=EqualOn(phi(t), 0, (w > 0, t <= e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w > 0: active to the right of the elbow",
            text("… and positive to the right of {}, where it equals {}: the active side is {}.", e, w * (t - e), t > e),
            claim=Sign(phi(t), "gt", (w > 0, t > e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w < 0: zero to the right of the elbow",
            text("If {} the picture is mirrored: the unit is 0 at and to the right of {} …", w < 0, e),
            claim=EqualOn(phi(t), 0, (w < 0, t >= e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w < 0: active to the left of the elbow",
            text("… and positive to the left of {}: the active side is {}.", e, t < e),
            claim=Sign(phi(t), "gt", (w < 0, t < e), DEFS),
        ),
        Step(
            Kind.STEP,
            "w = 0: no elbow",
            text(
                "If {} the unit is the constant {}: equal to {} everywhere when {}, zero everywhere when {}. It has "
                "no elbow (no transition at all):",
                Equation(w, 0),
                ReLU(b),
                b,
                b > 0,
                b <= 0,
            ),
            claim=EqualOn(phi(t), ReLU(b), (Eq(w, 0),), DEFS),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to φ",
            text("As a function of the prediction {}, the loss is a parabola; the factor 1/2 cancels the 2:", phi_value),
            claim=EqualOn(Derivative(Rational(1, 2) * (phi_value - y) ** 2, phi_value), phi_value - y),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to w",
            text(
                "Chain rule: the derivative with respect to the prediction, {}, times the derivative of the "
                "prediction with respect to {}, which is {} times the ReLU's derivative at the pre-activation {}. "
                "The verifier differentiates the piecewise loss itself and compares on every branch:",
                phi(x) - y,
                w,
                x,
                ACTIVE,
            ),
            claim=EqualOn(Derivative(ell, w), (phi(x) - y) * x * Indicator(ACTIVE), (), DEFS),
        ),
        Step(
            Kind.STEP,
            "Derivative with respect to b",
            text("The same, with the pre-activation's derivative 1 with respect to {}:", b),
            claim=EqualOn(Derivative(ell, b), (phi(x) - y) * Indicator(ACTIVE), (), DEFS),
        ),
        Step(
            Kind.STEP,
            "Active training point",
            text("Away from the kink, on the active side, both gradients are those of the linear unit {}:", ACTIVE),
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
                "SymPy differentiates {} to the Heaviside step, whose value at 0 is 1/2; that would silently change "
                "the convention at the kink:",
                Max(z, 0),
            ),
            claim=EqualOn(Subs(Derivative(Max(z, 0), z), z, 0), Rational(1, 2)),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The elbow is at {} when {}; the active side is {} for {} and {} for {}; for {} there is no elbow "
                "(the unit is the constant {}). With the indicator {} (0 at the kink):",
                Equation(e, -b / w),
                Ne(w, 0),
                t > e,
                w > 0,
                t < e,
                w < 0,
                Equation(w, 0),
                ReLU(b),
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
        "A single ReLU unit {} with loss {}. Find (i) the location of the elbow {}, where the function transitions "
        "from 0 to something else; (ii) {}; (iii) {}; (iv) {}.",
        Equation(phi(x), relu_def),
        loss,
        e,
        Derivative(Function("ell")(phi_value), phi_value),
        Derivative(ell, w),
        Derivative(ell, b),
    )
    return Part("a", prompt, steps)


# -- part (b) ------------------------------------------------------------------------------------

_p = Symbol("p", real=True)
LEAD_B = text(
    "A training point {} has {} (the prediction is 1 too high). One SGD step updates every parameter {} as {} with "
    "step size {}. Describe what happens to the slope and to the elbow, and draw the unit, the elbow, the point and "
    "the change.",
    Tuple(x, y),
    Equation(phi(x) - y, 1),
    _p,
    Equation(Symbol("p'"), _p - lam * Derivative(Function("ell")(_p), _p)),
    lam > 0,
)


def _symbol_note() -> Step:
    return Step(
        Kind.NOTE,
        "Step size and symbols",
        text(
            "{} here is the SGD step size (problem 4 uses the same letter for the ridge penalty: unrelated). No bound "
            "on it is assumed: every claim below holds for every {} unless it names a range of {}. The elbow before "
            "the step is {}; after it, {}, the elbow of the updated unit, defined when {}. The label is fixed by "
            "the case: {}.",
            lam,
            lam > 0,
            lam,
            Equation(e, -b / w),
            Equation(ep, -bp / wp),
            Ne(wp, 0),
            Equation(y, phi(x) - 1),
        ),
    )


def _active_updates(case: tuple) -> tuple[Step, ...]:
    return (
        Step(
            Kind.STEP,
            "Gradients at the training point",
            text(
                "The point is on the active side, so the indicator is 1, and the error {} is 1. The gradients of (a) "
                "become:",
                phi(x) - y,
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
    where = (*case, Ne(lam * x, w))
    return (
        Step(
            Kind.STEP,
            "The new elbow",
            text("The updated unit's elbow, where {}:", Ne(wp, 0)),
            claim=EqualOn(ep, (lam - b) / (w - lam * x), where, DEFS),
        ),
        Step(
            Kind.STEP,
            "How far the elbow moves",
            text("Subtracting {} and writing the result as one fraction gives the displacement; its sign is the direction:", e),
            claim=EqualOn(ep - e, lam * (w - b * x) / (w * (w - lam * x)), where, DEFS),
        ),
        Step(
            Kind.STEP,
            "… in terms of the old elbow",
            text("Since {}, the same displacement reads:", Equation(b, -w * e)),
            claim=EqualOn(ep - e, lam * (1 + e * x) / (w - lam * x), where, DEFS),
        ),
        Step(
            Kind.STEP,
            "The pivot",
            text(
                "Why: the step changes the pre-activation at every input {} by {}. The line turns about the pivot {}, "
                "where it does not change; the new elbow is where the turned line crosses zero.",
                t,
                -lam * (x * t + 1),
                Equation(t, -1 / x),
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
                "{} means the training input is on the unit's inactive side, {}. This includes the tie {}, where the "
                "training input sits exactly on the elbow. With {} the label is {}.",
                Eq(phi(x), 0),
                ACTIVE <= 0,
                Eq(ACTIVE, 0),
                Equation(phi(x) - y, 1),
                Equation(y, -1),
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
            text("The elbow (when there is one, {}) does not move either:", Ne(w, 0)),
            claim=EqualOn(ep, e, (*CASE_I, Ne(w, 0)), DEFS),
        ),
        Step(
            Kind.NOTE,
            "The tie wx + b = 0",
            text(
                "At the tie {} the ReLU is not differentiable; the course's convention (derivative 0 at the kink) "
                "resolves it, and the unit does not move:",
                Eq(ACTIVE, 0),
            ),
            claim=EqualOn(UPDATE, _row(w, b), tie, DEFS),
        ),
        Step(
            Kind.NOTE,
            "Another convention would move it",
            text(
                "With {} and SymPy's Heaviside step (1/2 at 0) the tie would give the update {}; with a derivative 1 "
                "at the kink it would behave like cases (ii)–(iv). The statement fixes the convention, so only the "
                "tie's reading depends on it. Also {} with {} belongs to this case: a dead unit with no elbow, before "
                "and after the step.",
                Max(z, 0),
                Equation(UPDATE, _row(w - lam * x / 2, b - lam / 2)),
                Equation(w, 0),
                b <= 0,
            ),
        ),
        *_example_steps("inactive point", ex, "q5-b-i", text("(b.i) inactive point: nothing moves")),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "No gradient reaches the unit: for every {} the slope and the bias stay, and so does the elbow (for "
                "{}; for {} there is no elbow before or after). This includes the tie {}, by the course's convention.",
                lam > 0,
                Ne(w, 0),
                Equation(w, 0),
                Eq(ACTIVE, 0),
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
                "{}, {}, {}: the unit rises to the right, its elbow is left of the training input, and the point is on the "
                "active side, {}. Nothing else is assumed: {} may have either sign, and {} is arbitrary.",
                w > 0,
                x > 0,
                phi(x) > 0,
                ACTIVE > 0,
                b,
                lam > 0,
            ),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Exact case analysis: compute the update, write the displacement {} as one fraction, and decide its "
                "sign over the whole region the case allows, symbolically (a change of variables to positive "
                "parameters). Where the case does not fix the sign, derive the condition that does, as an "
                "equivalence checked in both directions.",
                ep - e,
            ),
        ),
        *_active_updates(CASE_II),
        Step(
            Kind.STEP,
            "The slope decreases",
            text("Since {}, the slope goes down, for every step size:", lam * x > 0),
            claim=Sign(wp - w, "lt", CASE_II, DEFS),
        ),
        Step(
            Kind.STEP,
            "… and stays positive only for a small step",
            text("The new slope is positive exactly when {}:", lam < w / x),
            claim=IffOn(wp > 0, lam < w / x, CASE_II, DEFS),
        ),
        *_elbow_identity(CASE_II),
        Step(
            Kind.NOTE,
            "The case does not decide the direction",
            text(
                "The numerator factor {} has no fixed sign in this case ({} may be large and positive), so no single "
                "direction holds for all parameters the case allows: the first two worked examples below both "
                "satisfy the case and move the elbow in opposite directions. The next steps give the exact "
                "condition instead.",
                w - b * x,
                b,
            ),
        ),
        Step(
            Kind.STEP,
            "Small step (λ < w/x): right exactly when w > bx",
            text("For {} the denominator is positive, so the elbow moves right if and only if {}:", lam < w / x, w - b * x > 0),
            claim=IffOn(ep > e, w - b * x > 0, small, DEFS),
        ),
        Step(
            Kind.STEP,
            "Small step: left exactly when w < bx",
            text("… it moves left if and only if {}, and stays exactly when {}:", w - b * x < 0, Eq(w, b * x)),
            claim=IffOn(ep < e, w - b * x < 0, small, DEFS),
        ),
        Step(
            Kind.STEP,
            "The same condition, read on the graph",
            text("{} says that the old elbow lies right of the pivot {}:", w - b * x > 0, -1 / x),
            claim=IffOn(w - b * x > 0, e > -1 / x, CASE_II, DEFS),
        ),
        Step(
            Kind.STEP,
            "b ≤ 0 is enough",
            text(
                "For {} (elbow at or right of 0) the condition always holds, so a small step moves the elbow right:",
                b <= 0,
            ),
            claim=Sign(w - b * x, "gt", (*CASE_II, b <= 0), DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step (λ > w/x): the slope turns negative",
            text("For {} the new slope is negative, so the active side flips to the left of {}:", lam > w / x, ep),
            claim=Sign(wp, "lt", large, DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step: the direction reverses",
            text("The denominator is then negative, so the elbow moves right exactly when {}:", w - b * x < 0),
            claim=IffOn(ep > e, w - b * x < 0, large, DEFS),
        ),
        Step(
            Kind.STEP,
            "λ = w/x: the slope vanishes",
            text(
                "At {} the new slope is 0 and the new pre-activation is the constant {} at every input {}, so the new "
                "unit is the constant {}: no elbow at all (a dead unit when {}).",
                Eq(lam, w / x),
                b - w / x,
                t,
                ReLU(b - w / x),
                b * x <= w,
            ),
            claim=EqualOn(_row(wp, wp * t + bp), _row(0, b - w / x), (*CASE_II, Eq(lam, w / x)), DEFS),
        ),
        Step(
            Kind.STEP,
            "Very large steps",
            text("As {} grows without bound the new elbow tends to the pivot:", lam),
            claim=EqualOn(Limit(ep, lam, oo), -1 / x, CASE_II[:-1], DEFS),
        ),
        *_example_steps("elbow moves right", right, "q5-b-ii-right", text("(b.ii) {}, small step: slope down, elbow right", Equation(b, 0))),
        *_example_steps("elbow moves left", left, "q5-b-ii-left", text("(b.ii) {}, small step: slope down, elbow left", Equation(b, 2))),
        Step(
            Kind.STEP,
            "Worked example (elbow stays)",
            text("On the boundary {} the line turns about its own elbow, which stays put:", Eq(w, b * x)),
            claim=tie.values_claim(),
        ),
        *_example_steps("large step", flip, "q5-b-ii-large", text("(b.ii) large step {}: slope flips sign", Relation(Equation(lam, 2), "gt", w / x))),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The slope always decreases, {}, and stays positive only for {}. The new elbow is {} (for {}). Its "
                "direction is not fixed by the case. For a small step, {}, the elbow moves right if and only if {} "
                "(always when {}), left if and only if {}, and stays when {}. For a large step, {}, the slope turns "
                "negative and the direction reverses. At {} the unit becomes flat (no elbow); as {} the elbow tends "
                "to {}. In one formula:",
                Equation(wp, w - lam * x),
                lam < w / x,
                Equation(ep, (lam - b) / (w - lam * x)),
                Ne(lam, w / x),
                lam < w / x,
                w - b * x > 0,
                b <= 0,
                w - b * x < 0,
                Eq(w, b * x),
                lam > w / x,
                Eq(lam, w / x),
                Relation(lam, "to", oo),
                -1 / x,
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


def _pivot_steps(case: tuple, side: str) -> tuple[Step, ...]:
    """The elbow's bound (the pivot), its limit, and when a large step passes the point."""
    left_of = side == "left"
    return (
        Step(
            Kind.STEP,
            "… but never past the pivot",
            text(
                f"However large the step, the new elbow stays {'left' if left_of else 'right'} of the pivot {{}} …",
                -1 / x,
            ),
            claim=Sign(ep + 1 / x, "lt" if left_of else "gt", case, DEFS),
        ),
        Step(
            Kind.STEP,
            "… which it approaches for very large steps",
            text("… and tends to it as {}:", Relation(lam, "to", oo)),
            claim=EqualOn(Limit(ep, lam, oo), -1 / x, case[:-1], DEFS),
        ),
        Step(
            Kind.STEP,
            "Large step: the point can fall off",
            text("The elbow passes the training input (which then becomes inactive) exactly when the step is large enough:"),
            claim=IffOn(ep > x if left_of else ep < x, lam * (x**2 + 1) > ACTIVE, case, DEFS),
        ),
    )


def part_b_iii() -> Part:
    ex = Example(Integer(1), Integer(2), Integer(-1), Rational(1, 4))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "{}, {}, {}: the unit rises to the right and the training input, left of 0, is on the active side, so the "
                "elbow is left of {}. Then {}, so {}. {} is arbitrary.",
                w > 0,
                x < 0,
                phi(x) > 0,
                x,
                b > -w * x,
                b > 0,
                lam > 0,
            ),
            claim=Sign(b, "gt", CASE_III, DEFS),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text("As in (ii): compute the update and decide the signs of {} and {} over the whole case.", wp - w, ep - e),
        ),
        *_active_updates(CASE_III),
        Step(
            Kind.STEP,
            "The slope increases",
            text("Since {}, the slope goes up, for every step size:", lam * x < 0),
            claim=Sign(wp - w, "gt", CASE_III, DEFS),
        ),
        *_elbow_identity(CASE_III),
        Step(
            Kind.STEP,
            "The elbow moves right, always",
            text(
                "Here {} and {} for every parameter value the case allows, so the displacement is positive — decided "
                "over the whole case, for every {}:",
                w - b * x > 0,
                w - lam * x > 0,
                lam > 0,
            ),
            claim=Sign(ep - e, "gt", CASE_III, DEFS),
        ),
        *_pivot_steps(CASE_III, "left"),
        *_example_steps("training input left of 0", ex, "q5-b-iii", text("(b.iii) {}: slope up, elbow right", x < 0)),
        _elbow_answer(
            "The slope increases and the elbow moves right, for every parameter value the case allows and every "
            "{}; the elbow stays left of {}, its limit as {}. A large step, {}, carries the elbow past the "
            "training input.",
            "gt",
            CASE_III,
        ),
    )
    return Part("b.iii", text("Case (iii): {}, {}, {}.", w > 0, x < 0, phi(x) > 0), steps, lead=LEAD_B)


def _elbow_answer(words: str, direction: str, case: Basic) -> Step:
    """The answer of cases (iii) and (iv): slope and elbow both move in ``direction`` ("gt" or "lt").

    ``words`` has four slots: the step size, the elbow's limit, the limit taken and the
    condition for a large step."""
    return Step(
        Kind.ANSWER,
        "Answer",
        text(words, lam > 0, -1 / x, Relation(lam, "to", oo), lam * (x**2 + 1) > ACTIVE),
        display=(
            Boxed(
                Tuple_(
                    Equation(wp, w - lam * x),
                    Relation(wp, direction, w),
                    Equation(ep, (lam - b) / (w - lam * x)),
                    Relation(ep, direction, e),
                )
            ),
        ),
        claim=Sign(ep - e, direction, case, DEFS),
    )


def part_b_iv() -> Part:
    ex = Example(Integer(-1), Integer(2), Integer(1), Rational(1, 4))
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "{}, {}, {}: the unit falls to the right, its active side is left of the elbow, and the training input is "
                "there; so {} and the elbow {} is positive. {} is arbitrary.",
                w < 0,
                x > 0,
                phi(x) > 0,
                b > -w * x,
                Equation(e, -b / w),
                lam > 0,
            ),
            claim=Sign(e, "gt", CASE_IV, DEFS),
        ),
        _symbol_note(),
        Step(
            Kind.METHOD,
            "Method",
            text("As in (ii): compute the update and decide the signs of {} and {} over the whole case.", wp - w, ep - e),
        ),
        *_active_updates(CASE_IV),
        Step(
            Kind.STEP,
            "The slope decreases (gets steeper)",
            text("Since {}, the (negative) slope goes further down, for every step size …", lam * x > 0),
            claim=Sign(wp - w, "lt", CASE_IV, DEFS),
        ),
        Step(
            Kind.STEP,
            "… so its magnitude grows",
            text("… so it stays negative and its magnitude grows:"),
            claim=Sign(Abs(wp) - Abs(w), "gt", CASE_IV, DEFS),
        ),
        *_elbow_identity(CASE_IV),
        Step(
            Kind.STEP,
            "The elbow moves left, always",
            text(
                "Here {} and {} while {}, so the displacement is negative for every parameter value the case allows "
                "and every {}:",
                w - b * x < 0,
                w - lam * x < 0,
                w < 0,
                lam > 0,
            ),
            claim=Sign(ep - e, "lt", CASE_IV, DEFS),
        ),
        *_pivot_steps(CASE_IV, "right"),
        *_example_steps("unit falling to the right", ex, "q5-b-iv", text("(b.iv) {}: slope steeper, elbow left", w < 0)),
        _elbow_answer(
            "The slope decreases (becomes more negative, steeper) and the elbow moves left, for every parameter "
            "value the case allows and every {}; the elbow stays right of {}, its limit as {}. A large step, {}, "
            "carries the elbow past the training input.",
            "lt",
            CASE_IV,
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
            "Shapes: {}. Unit {} has incoming weight {}, bias {} and outgoing weight {} ({} is a row, so its {}-th "
            "entry is in column {}). The output is the scalar {}. The problem's {} is now a vector, and the single "
            "unit of (a)–(b) is the case {} with output weight 1.",
            Tuple_(Element(W1, RealSpace(d, 1)), Element(bvec, RealSpace(d, 1)), Element(W2, RealSpace(1, d))),
            i,
            Relation(wi, "def", Entry(W1, i, 1)),
            Relation(bi, "def", Entry(bvec, i)),
            Relation(vi, "def", Entry(W2, 1, i)),
            W2,
            i,
            i,
            Equation(fhat(t), _network_output(t)),
            bvec,
            Equation(d, 1),
        ),
    )


def part_c() -> Part:
    w1, w2, b1, b2, v1, v2 = (Symbol(n, real=True) for n in ("w_1", "w_2", "b_1", "b_2", "v_1", "v_2"))
    e1 = Symbol("e_1", real=True)

    def two_units(wv, bv, vv):
        return vv[0] * ReLU(wv[0] * t + bv[0]) + vv[1] * ReLU(wv[1] * t + bv[1])

    def jump(expr: Expr, at: Expr) -> Expr:
        return Subs(Derivative(expr, t), t, at + h) - Subs(Derivative(expr, t), t, at - h)

    unit = vi * ReLU(wi * t + bi)
    pair = v1 * ReLU(w1 * (t - e1)) + v2 * ReLU(w2 * (t - e1))  # two units, one elbow e_1
    shared = (Ne(w1, 0), Ne(w2, 0), h > 0)
    steps = (
        _network_interpretation(),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "The output is a sum of one ReLU per unit; unit {} contributes {}, which has the elbow of a single "
                "unit (part (a)). Whether that elbow is a kink of the output is decided by the jump of the output's "
                "slope there.",
                i,
                unit,
            ),
        ),
        Step(
            Kind.STEP,
            "Unit i's elbow",
            text("As in (a), for {} unit {}'s pre-activation crosses zero at {}:", Ne(wi, 0), i, Equation(ei, -bi / wi)),
            claim=EqualOn(ReLU(wi * t + bi), ReLU(wi * (t - ei)), (Ne(wi, 0),), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "The jump of the slope",
            text(
                "Unit {}'s contribution is linear on each side of {}; its slope right of {} minus its slope left of "
                "it is {}, for either sign of {} (at every distance {}):",
                i,
                ei,
                ei,
                vi * Abs(wi),
                wi,
                h > 0,
            ),
            claim=EqualOn(jump(unit, ei), vi * Abs(wi), (Ne(wi, 0), h > 0), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Units sharing an elbow: the jumps add",
            text(
                "If two units have the same elbow {} (pre-activations {} and {}), the output's slope jumps there by "
                "the sum of their jumps, whatever the signs of {} and {}:",
                e1,
                w1 * (t - e1),
                w2 * (t - e1),
                w1,
                w2,
            ),
            claim=EqualOn(jump(pair, e1), v1 * Abs(w1) + v2 * Abs(w2), shared),
        ),
        Step(
            Kind.NOTE,
            "When is the elbow a kink of the output?",
            text(
                "Every other unit is linear near {} unless its own elbow is at the same place, so the output's slope "
                "jumps at {} by the sum of {} over the units {} with {} and {}. The elbow is a kink of the output "
                "exactly when that sum is not 0. In particular it needs {} (else unit {} is the constant {}: no "
                "elbow), and {} when no other unit shares the elbow (else the unit is invisible in the output). It "
                "can fail even with {}, when units cancel.",
                ei,
                ei,
                Symbol("v_j", real=True) * Abs(Symbol("w_j", real=True)),
                j,
                Ne(Symbol("w_j", real=True), 0),
                Eq(Symbol("e_j", real=True), ei),
                Ne(wi, 0),
                i,
                ReLU(bi),
                Ne(vi, 0),
                Ne(vi, 0),
            ),
        ),
        Step(
            Kind.STEP,
            "Example: two elbows that cancel",
            text(
                "Two units with the same elbow 1, with {}, {} and {}: the slope jumps {} and {} cancel, and the output "
                "is a straight line with no kink at 1:",
                Equation(Tuple(v1, v2), Tuple(1, -1)),
                Equation(Tuple(w1, w2), Tuple(1, -1)),
                Equation(Tuple(b1, b2), Tuple(-1, 1)),
                Integer(1),
                Integer(-1),
            ),
            claim=EqualOn(two_units((1, -1), (-1, 1), (1, -1)), t - 1),
        ),
        Step(
            Kind.STEP,
            "Example: two elbows that add",
            text("With {} instead the jumps add up to 2 and the output has a kink at 1:", Equation(Tuple(v1, v2), Tuple(1, 1))),
            claim=EqualOn(two_units((1, -1), (-1, 1), (1, 1)), Abs(t - 1)),
        ),
        Step(
            Kind.NOTE,
            "Symbols",
            text(
                "{} is {}, so its {}-th entry is in column {}; the vector {} of the network and the scalar {} of (a) "
                "share a letter; {} is the step size, as in (b).",
                W2,
                Size(1, d),
                i,
                i,
                bvec,
                b,
                lam,
            ),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "Unit {}'s elbow is where its pre-activation vanishes, at {} for {} (no elbow when {}). It is a kink of "
                "the network's output exactly when the output's slope jumps there: the jump is the sum of {} over the "
                "units sharing that elbow, so — unless other units share it — exactly when {}.",
                i,
                Equation(ei, -bi / wi),
                Ne(wi, 0),
                Eq(wi, 0),
                Symbol("v_j", real=True) * Abs(Symbol("w_j", real=True)),
                Ne(vi, 0),
            ),
            display=(Boxed(Tuple_(Equation(ei, -Entry(bvec, i) / Entry(W1, i, 1)), Ne(Entry(W1, i, 1), 0))),),
            claim=EqualOn(jump(unit, ei), vi * Abs(wi), (Ne(wi, 0), h > 0), NET_DEFS),
        ),
    )
    return Part("c", text("Derive the location {} of the elbow of the {}-th ReLU unit.", ei, i), steps)


def part_d() -> Part:
    gate = Indicator(wi * x + bi)
    g = lam * r * vi * gate  # λ times the gradient that reaches the pre-activation
    closed = -(bi - g) / (wi - g * x)
    relative = ei + g * (1 + x * ei) / (wi - g * x)
    # Cross-check: d = 3, unit 2, every unit written out.
    ws = [Symbol(f"w_{k}", real=True) for k in (1, 2, 3)]
    bs = [Symbol(f"b_{k}", real=True) for k in (1, 2, 3)]
    vs = [Symbol(f"v_{k}", real=True) for k in (1, 2, 3)]
    ell3 = Function("ell")(ws[1], bs[1])  # the other units' parameters stay symbols in the definition
    out3 = sum(vs[k] * ReLU(ws[k] * x + bs[k]) for k in range(3))
    defs3 = ((ell3, Rational(1, 2) * (out3 - y) ** 2), (r, out3 - y))
    reduce_to_b = (Eq(Ri, 0), Eq(vi, 1), Eq(wi, w), Eq(bi, b), ERROR_IS_ONE)
    steps = (
        _network_interpretation(),
        Step(
            Kind.NOTE,
            "Reading of the update",
            text(
                "One SGD step on the single pair {} updates all parameters at once, each with the gradient at the old "
                "parameters. We write {} for the residual (it was 1 in (b)) and isolate unit {}: {}, where {} collects "
                "the other units and does not depend on {}, {} or {}.",
                Tuple(x, y),
                Equation(r, fhat(x) - y),
                i,
                Equation(fhat(x), vi * ReLU(wi * x + bi) + Ri),
                Ri,
                wi,
                bi,
                vi,
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Backpropagation: the loss's derivative with respect to the output is {}; it flows through the output "
                "weight {} to the unit's output, through the ReLU (the indicator {}) to the pre-activation, and from "
                "there to {} (times {}) and {} (times 1). The elbow after the step is the zero of the updated "
                "pre-activation, {}.",
                r,
                vi,
                gate,
                wi,
                x,
                bi,
                -bip / wip,
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
            "Gradients with respect to the incoming weight and the bias",
            text("Through {} and the ReLU's indicator to the pre-activation, then to {} and {}:", vi, wi, bi),
            claim=EqualOn(_row(Derivative(ell_net, wi), Derivative(ell_net, bi)), _row(r * vi * gate * x, r * vi * gate), (), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Cross-check with every unit explicit (d = 3, unit 2)",
            text(
                "The same gradients with all three units written out, without isolating the unit: here the loss is "
                "{} with {}, and the verifier differentiates it as it stands:",
                Equation(ell3, Rational(1, 2) * (fhat(x) - y) ** 2),
                Equation(fhat(x), out3),
            ),
            claim=EqualOn(
                _row(Derivative(ell3, ws[1]), Derivative(ell3, bs[1])),
                _row(r * vs[1] * Indicator(ws[1] * x + bs[1]) * x, r * vs[1] * Indicator(ws[1] * x + bs[1])),
                (),
                defs3,
            ),
        ),
        Step(
            Kind.STEP,
            "The updated incoming weight and bias",
            text("One step with learning rate {}:", lam),
            claim=EqualOn(_row(wip, bip), _row(wi - lam * r * vi * gate * x, bi - lam * r * vi * gate), (), NET_DEFS),
        ),
        Step(
            Kind.NOTE,
            "Why the output layer's update does not matter",
            text(
                "After the step unit {} contributes {}; its kink is where {}, whatever {} is (if {}, the kink "
                "disappears from the output, as in (c)). The other units' parameters do not enter either. The old "
                "{} does matter: it is a factor of the gradient that reaches {} and {}.",
                i,
                vip * ReLU(wip * t + bip),
                Eq(wip * t + bip, 0),
                vip,
                Eq(vip, 0),
                vi,
                wi,
                bi,
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
            text("If the training input is on unit {}'s inactive side (the tie included), nothing changes:", i),
            claim=EqualOn(eip, ei, (wi * x + bi <= 0, Ne(wi, 0)), NET_DEFS),
        ),
        Step(
            Kind.STEP,
            "Special case: part (b)",
            text(
                "With one unit ({}), {}, {}, {} and residual {}, the network's new elbow is exactly the single unit's "
                "{} of (b), in all four cases at once:",
                Eq(Ri, 0),
                Eq(vi, 1),
                Eq(wi, w),
                Eq(bi, b),
                Equation(phi(x) - y, 1),
                ep,
            ),
            claim=EqualOn(eip, ep, reduce_to_b, NET_DEFS + DEFS),
        ),
        Step(
            Kind.STEP,
            "… and the formula reduces accordingly",
            text("On the active side the displacement becomes that of (b):"),
            claim=EqualOn(
                eip - ei,
                lam * (1 + x * e) / (w - lam * x),
                (*reduce_to_b, ACTIVE > 0, Ne(w, 0), Ne(lam * x, w)),
                NET_DEFS + DEFS,
            ),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "With the residual {}, the indicator {} (0 at the kink), {} and {}, the new elbow of unit {} is (for "
                "{} and {}):",
                Equation(r, fhat(x) - y),
                gate,
                Relation(wi, "def", Entry(W1, i, 1)),
                Relation(vi, "def", Entry(W2, 1, i)),
                i,
                Ne(wi, 0),
                Ne(wip, 0),
            ),
            display=(Boxed(Equation(eip, closed)), Boxed(Equation(eip, relative))),
            claim=EqualOn(eip, relative, (Ne(wi, 0), Ne(wip, 0)), NET_DEFS),
        ),
    )
    return Part(
        "d",
        text("Derive the new elbow location {} of the {}-th unit after one SGD step with learning rate {}.", eip, i, lam),
        steps,
    )


def build() -> Problem:
    """Problem 5 of cs182-hw0, every part built and ready for verification."""
    statement = text(
        "A 1-D function is modelled by a network with one hidden ReLU layer and no output bias, {} with {} the "
        "elementwise ReLU, that is {}, with {}. The loss is {}. The ReLU's gradient at 0 is taken to be 0.",
        Equation(fhat(x), W2 * Elementwise("Phi", W1 * x + bvec)),
        Symbol("Phi"),
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
