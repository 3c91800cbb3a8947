"""Checkers for :class:`~derive.resolvent.Cleared` and :class:`~derive.resolvent.DiagonalForm`.

* ``Cleared`` — P and Q are shown invertible (:func:`derive.linalg.invertible`, or a
  diagonal matrix with positive entries), and ``P·lhs·Q = P·rhs·Q`` is decided by
  :func:`~derive.verify.equality.decide_equal`; the original equation is also checked
  on an exact instance, so a false claim is refuted with a counterexample.
* ``DiagonalForm`` — the i-th diagonal entry of a rational function of a diagonal D is
  that function of σ_i (sums, products, powers and inverses of diagonal matrices act
  entrywise); the verifier computes it, compares with the claimed f(σ) exactly, shows
  every inverted entry nonzero for the stated positive symbols, and checks exact
  instances D = diag(σ_1, …, σ_k) for k = 1, 2, 3.
"""

from __future__ import annotations

import re

from sympy import Basic, ImmutableMatrix, Symbol, cancel, simplify, sstr, sympify, together
from sympy.matrices.expressions import MatrixSymbol

from derive.claims import Given
from derive.linalg import exact_value, rectangular_diagonal, singular_value
from derive.model import Status, Verdict
from derive.resolvent import Cleared, DiagonalForm, NotDiagonal, diagonal_entry
from derive.verify import checks
from derive.verify.equality import _smallest, check_on_instances, decide_equal
from derive.verify.limits import _invertible_at
from derive.verify.linalg_checks import singular_point


def _one_line(expr: object) -> str:
    return re.sub(r"\s+", " ", sstr(expr))


@checks(Cleared)
def check_cleared(claim: Cleared) -> Verdict:
    """lhs = rhs from P·lhs·Q = P·rhs·Q with P, Q invertible."""
    reasons = []
    for side, factor in (("left", claim.left), ("right", claim.right)):
        if factor is None:
            continue
        why = _invertible_at(factor, claim.given)
        if why is None:
            singular = singular_point(factor, claim.given)
            if singular is not None:
                return Verdict(Status.REFUTED, "invertible factors", f"the {side} factor {_one_line(factor)} is singular {singular}")
            return Verdict(Status.UNDECIDED, "invertible factors", f"the {side} factor {_one_line(factor)} is not shown invertible")
        reasons.append(f"{side} factor {_one_line(factor)} invertible: {why}")
    direct = check_on_instances(claim.lhs, claim.rhs, _smallest(claim.given, claim.lhs, claim.rhs))
    if direct is not None and direct.status is Status.REFUTED:
        return Verdict(Status.REFUTED, "exact instance of the equation itself", direct.detail)
    a, b = claim.cleared()
    verdict = decide_equal(a, b, claim.given)
    if not verdict.status.ok:
        return Verdict(verdict.status, "cleared equation: " + verdict.method, f"P·lhs·Q ≠ P·rhs·Q: {verdict.detail}")
    checked = f"; the equation itself checked on an exact instance ({direct.detail})" if direct is not None else ""
    return Verdict(
        verdict.status,
        f"multiplied out by invertible factors: P·lhs·Q = P·rhs·Q [{verdict.method}]; " + "; ".join(reasons)
        + "; multiplying by P⁻¹ and Q⁻¹ gives the claim",
        verdict.detail + checked,
    )


def _nonzero(value: Basic) -> bool:
    value = cancel(together(value))
    return bool(value.is_positive or value.is_negative)


def _differs_at(entry: Basic, value: Basic, inverted: list[Basic], given: Given, tries: int = 20) -> str | None:
    """A point (honouring the symbols' assumptions and λ > 0 of a ShiftAlgebra fact) where
    every inverted entry is nonzero and the computed diagonal entry differs from the
    claimed one, described; or None (also when a fact's conditions are not known here)."""
    import random

    from derive.claims import Shapes
    from derive.resolvent import Diagonal, ShiftAlgebra
    from derive.verify.instances import sample_point

    if not all(isinstance(f, (ShiftAlgebra, Diagonal, Shapes)) for f in given.facts):
        return None
    rng = random.Random(0)
    symbols = set(entry.free_symbols) | set(value.free_symbols)
    for _ in range(tries):
        point = sample_point(symbols, rng)
        if any(cancel(q.xreplace(point)) == 0 for q in inverted):
            continue
        if any(not sympify(f.lam).xreplace(point).is_positive for f in given.of_type(ShiftAlgebra)):
            continue
        got, want = cancel(entry.xreplace(point)), cancel(value.xreplace(point))
        if got.is_number and want.is_number and got != want:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(point.items(), key=lambda kv: kv[0].name))
            return f"at {shown} the diagonal entry is {got}, not {want}"
    return None


@checks(DiagonalForm)
def check_diagonal_form(claim: DiagonalForm) -> Verdict:
    """f(D) = diag(f(σ_i)): the entrywise homomorphism, nonzero inverted entries, exact instances."""
    sigma = claim.sigma
    inverted: list[Basic] = []
    try:
        entry = diagonal_entry(claim.expr, claim.D, sigma, inverted)
    except NotDiagonal as exc:
        return Verdict(Status.UNDECIDED, "diagonal calculus", str(exc))
    bad = [q for q in inverted if not _nonzero(q)]
    if bad:
        differs = _differs_at(entry, claim.value, inverted, claim.given)
        if differs is not None:
            return Verdict(Status.REFUTED, "diagonal calculus, exact point", differs)
        return Verdict(Status.UNDECIDED, "diagonal calculus", f"the inverted entry {_one_line(bad[0])} is not shown nonzero")
    if simplify(entry - claim.value) != 0:
        return Verdict(Status.REFUTED, "diagonal calculus", f"the diagonal entry is {_one_line(cancel(entry))}")
    sizes = []
    k_symbol = claim.D.shape[0]
    for k in (1, 2, 3):
        d_inst = rectangular_diagonal(k, k)
        at = claim.expr.subs({k_symbol: k}) if isinstance(k_symbol, Symbol) else claim.expr
        d_k = MatrixSymbol(claim.D.name, k, k)
        value = exact_value(at.xreplace({d_k: d_inst}))
        if value is None:
            continue
        want = ImmutableMatrix.diag(*[claim.value.xreplace({sigma: singular_value(i + 1)}) for i in range(k)])
        if any(cancel(e) != 0 for e in (value - want)):
            return Verdict(Status.REFUTED, "exact instance", f"k={k}: {_one_line(value)}")
        sizes.append(f"k={k}")
        if not isinstance(k_symbol, Symbol):
            break
    inverses = f"; inverted diagonal entries {', '.join(_one_line(cancel(q)) for q in inverted)} are nonzero" if inverted else ""
    return Verdict(
        Status.PROVED,
        "diagonal calculus, symbolic size: sums, products, powers and inverses of diagonal matrices act on each "
        f"diagonal entry, so entry i is f(σ_i) with f(σ) = {_one_line(cancel(entry))}{inverses}",
        f"also checked exactly on D = diag(σ_1, …, σ_k) at {', '.join(sizes)}",
    )


__all__ = ["check_cleared", "check_diagonal_form"]
