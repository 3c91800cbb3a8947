"""Checkers for claims on regions: signs, equalities and equivalences.

* :class:`~derive.claims.Sign` — ``expr ⋈ 0`` on the whole region;
* :class:`~derive.claims.EqualOn` — ``lhs = rhs`` on the whole region;
* :class:`~derive.claims.IffOn` — ``left ⟺ right`` on the whole region.

Each is decided by the case analysis and charts of :mod:`derive.verify.regions`: the
claim is ``proved`` when it is proved on every non-empty case (an equality by exact
cancellation, a sign from the coefficient signs of a rational function of positive
parameters, an equivalence by ``sgn(left) = ±sgn(right)`` through a ratio of proved
sign). Otherwise exact random points of each case are tried, and a point of the region
where the claim fails refutes it. Samples never prove anything: a claim neither proved
nor refuted is ``undecided``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sympy import (
    Basic,
    Eq,
    Expr,
    GreaterThan,
    LessThan,
    Limit,
    MatrixBase,
    Ne,
    StrictGreaterThan,
    StrictLessThan,
    cancel,
    fraction,
    simplify,
    together,
)

from derive.claims import EqualOn, IffOn, Sign
from derive.model import Status, Verdict
from derive.verify import checks
from derive.verify.regions import (
    NEG,
    NONNEG,
    NONPOS,
    POS,
    ZERO,
    Chart,
    RegionError,
    bound_symbols,
    cases,
    charts,
    equation_chart,
    format_point,
    holds,
    prepare,
    ratnorm,
    region_holds,
    sample_points,
    sign_of,
)

SAMPLES_PER_CASE = 120
QUICK_SAMPLES = 30

_RELATIONS = {StrictGreaterThan: "gt", GreaterThan: "ge", StrictLessThan: "lt", LessThan: "le", Eq: "eq", Ne: "ne"}


def _truth(op: str, sigma: int) -> bool:
    return {
        "gt": sigma > 0,
        "ge": sigma >= 0,
        "lt": sigma < 0,
        "le": sigma <= 0,
        "eq": sigma == 0,
        "ne": sigma != 0,
    }[op]


_SIGMA = {POS: 1, NEG: -1, ZERO: 0}


def _relation(rel: Basic) -> tuple[Expr, str]:
    op = _RELATIONS.get(type(rel))
    if op is None:
        raise RegionError(f"not a relation: {rel}")
    return rel.lhs - rel.rhs, op


def _settled(expr: Basic) -> Basic:
    """A chart-side expression with limits taken, in canonical rational form."""
    if expr.has(Limit):
        expr = expr.doit()
    return ratnorm(expr)


def _sign_meets(s: str | None, op: str) -> bool | None:
    """Whether a proved sign makes ``expr op 0`` true everywhere (True), nowhere (False)."""
    if s is None:
        return None
    table = {
        "gt": ({POS}, {NEG, ZERO, NONPOS}),
        "ge": ({POS, NONNEG, ZERO}, {NEG}),
        "lt": ({NEG}, {POS, ZERO, NONNEG}),
        "le": ({NEG, NONPOS, ZERO}, {POS}),
    }
    yes, no = table[op]
    return True if s in yes else False if s in no else None


def _constant_truth(op: str, s: str | None) -> bool | None:
    """Whether ``g op 0`` is true everywhere / false everywhere, given the proved sign of g."""
    if s in _SIGMA:
        return _truth(op, _SIGMA[s])
    if s == NONNEG:
        return {"ge": True, "lt": False}.get(op)
    if s == NONPOS:
        return {"le": True, "gt": False}.get(op)
    return None


def _defined(expr: Basic) -> bool:
    """Whether a rational function of the parameters has a denominator of proved sign."""
    _, den = fraction(ratnorm(expr))
    return sign_of(den) in (POS, NEG)


def _decide(
    targets: tuple[Basic, ...],
    where: tuple[Basic, ...],
    defs: tuple,
    decide: Callable[[Chart, tuple[Basic, ...]], bool | None],
    statement: Callable[[tuple[Basic, ...], dict], bool | None],
    how: str,
    identity: Callable[[Chart, tuple[Basic, ...]], bool] | None = None,
) -> Verdict:
    """Decide a claim on every case of its region (see the module docstring).

    ``identity`` (equalities only) is tried first with just the case's equations solved:
    an identity there needs no inequality of the region."""
    try:
        goals = tuple(prepare(t, defs) for t in targets)
        region = tuple(prepare(c, defs) for c in where)
        all_cases, dropped = cases(goals, region)
    except RegionError as exc:
        return Verdict(Status.UNDECIDED, "case analysis", str(exc))
    frozen: set = set()
    variables: set = set()
    for item in (*goals, *region):
        frozen |= bound_symbols(item)
        variables |= item.free_symbols
    variables -= frozen

    rng = random.Random(0)

    def counterexample(chart: Chart, count: int) -> Verdict | None:
        for point in sample_points(chart, variables, count, rng):
            if not region_holds(region, point):
                continue
            if statement(goals, point) is False:
                where = f"at {format_point(point)}" if point else "as stated (no free variables)"
                return Verdict(Status.REFUTED, "exact point of the region", f"fails {where}")
        return None

    proved = empty = 0
    open_charts: list[Chart] = []
    unsettled: list[str] = []
    charts_used: list[str] = []
    for case in all_cases:
        outcome = None
        seen: list[Chart] = []
        if identity is not None:
            quick = equation_chart(case.atoms, frozen)
            if quick is not None and identity(quick, case.targets):
                proved += 1
                charts_used.append(quick.describe() or "no substitution")
                continue
        for chart in charts(case.atoms, frozen):
            if chart.empty:
                outcome = "empty"
                break
            seen.append(chart)
            verdict = decide(chart, case.targets)
            if verdict is True:
                outcome = "proved"
                charts_used.append(chart.describe() or "no substitution")
                break
            if verdict is False:
                outcome = "false"
                break
            if len(seen) == 1:
                # Not proved on the first chart: a quick look for a counterexample before
                # trying other charts (a false claim is then refuted early).
                found = counterexample(chart, QUICK_SAMPLES)
                if found is not None:
                    return found
        if outcome == "empty":
            empty += 1
        elif outcome == "proved":
            proved += 1
        else:
            open_charts.extend(seen[:2])
            if not seen:
                # No chart: sample on the case's equations alone and filter by the region.
                fallback = equation_chart(case.atoms, frozen)
                if fallback is not None:
                    open_charts.append(fallback)
            atoms = " ∧ ".join(f"{g} {'>' if k == POS else '>=' if k == NONNEG else '='} 0" for g, k in case.atoms)
            unsettled.append(atoms or "(no conditions)")
    if not unsettled:
        total, void = len(all_cases) + dropped, empty + dropped
        method = f"{how}; case analysis over {total} branch case(s) ({void} empty), exact chart per case"
        detail = " | ".join(dict.fromkeys(charts_used))
        return Verdict(Status.PROVED, method, detail[:400])

    for chart in open_charts:
        found = counterexample(chart, SAMPLES_PER_CASE)
        if found is not None:
            return found
    if not open_charts:
        return Verdict(Status.UNDECIDED, how, "no chart found for case(s): " + "; ".join(unsettled)[:300])
    return Verdict(
        Status.UNDECIDED,
        how,
        f"not proved on case(s) {'; '.join(unsettled)[:300]}; no counterexample in {SAMPLES_PER_CASE} exact points per chart",
    )


def _entries(expr: Basic) -> list[Basic]:
    """The entries of a matrix (a scalar is its own single entry)."""
    if isinstance(expr, MatrixBase):
        if expr.shape == (0, 0):
            return []
        return list(expr)
    return [expr]


class _Differences:
    """The entries of ``lhs - rhs`` for a claim's goals (a case's pair, or a pair of the
    region's branches), computed once per pair: the cases' charts, the quick identity and
    every sample point ask for them again (a matrix difference is rebuilt each time)."""

    def __init__(self) -> None:
        self._known: dict[tuple[Basic, ...], list[Basic]] = {}

    def __call__(self, goals: tuple[Basic, ...]) -> list[Basic]:
        try:
            return self._known[goals]
        except KeyError:
            pass
        except TypeError:  # a mutable matrix: not memoized
            return _entries(goals[0] - goals[1])
        out = self._known[goals] = _entries(goals[0] - goals[1])
        return out


@checks(Sign)
def check_sign(claim: Sign) -> Verdict:
    """expr ⋈ 0 on the region."""

    def decide(chart: Chart, goals: tuple[Basic, ...]) -> bool | None:
        return _sign_meets(sign_of(_settled(chart.pull(goals[0]))), claim.op)

    def statement(goals: tuple[Basic, ...], point: dict) -> bool | None:
        rel = {"gt": StrictGreaterThan, "ge": GreaterThan, "lt": StrictLessThan, "le": LessThan}[claim.op]
        return holds(rel(goals[0], 0), point)

    return _decide((claim.expr,), claim.where, claim.defs, decide, statement, "sign of a rational function of positive parameters")


@checks(EqualOn)
def check_equal_on(claim: EqualOn) -> Verdict:
    """lhs = rhs on the region."""

    differences = _Differences()

    def decide(chart: Chart, goals: tuple[Basic, ...]) -> bool | None:
        answers = []
        for entry in differences(goals):
            difference = _settled(chart.pull(entry))
            if difference == 0 or simplify(difference) == 0:
                answers.append(True)
                continue
            s = sign_of(difference)
            answers.append(False if s in (POS, NEG) else None)
        if False in answers:
            return False
        return True if all(answers) else None

    def statement(goals: tuple[Basic, ...], point: dict) -> bool | None:
        verdicts = [holds(Eq(entry, 0, evaluate=False), point) for entry in differences(goals)]
        if False in verdicts:
            return False
        return True if all(v is True for v in verdicts) else None

    def identity(chart: Chart, goals: tuple[Basic, ...]) -> bool:
        return all(_settled(chart.pull(entry)) == 0 for entry in differences(goals))

    return _decide((claim.lhs, claim.rhs), claim.where, claim.defs, decide, statement, "exact cancellation", identity)


@checks(IffOn)
def check_iff_on(claim: IffOn) -> Verdict:
    """left ⟺ right on the region, both directions."""
    try:
        (gl, opl), (gr, opr) = _relation(claim.left), _relation(claim.right)
    except RegionError as exc:
        return Verdict(Status.UNDECIDED, "equivalence", str(exc))

    def decide(chart: Chart, goals: tuple[Basic, ...]) -> bool | None:
        left, right = (_settled(chart.pull(g)) for g in goals)
        tl, tr = _constant_truth(opl, sign_of(left)), _constant_truth(opr, sign_of(right))
        if tl is not None and tr is not None:
            return tl == tr
        if right == 0 or not (_defined(left) and _defined(right)):
            return None
        # sgn(left) = s · sgn(right) when left/right has the proved sign s.
        s = _SIGMA.get(sign_of(ratnorm(left / right)))
        if s not in (1, -1):
            return None
        if all(_truth(opl, s * sigma) == _truth(opr, sigma) for sigma in (-1, 0, 1)):
            return True
        return None

    def statement(goals: tuple[Basic, ...], point: dict) -> bool | None:
        a = holds(type(claim.left)(goals[0], 0), point)
        b = holds(type(claim.right)(goals[1], 0), point)
        if a is None or b is None:
            return None
        return a == b

    return _decide((gl, gr), claim.where, claim.defs, decide, statement, "both directions: sgn(left) = ±sgn(right)")
