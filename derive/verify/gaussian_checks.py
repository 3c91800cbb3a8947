"""Checkers for the claims of :mod:`derive.gaussian`.

``DensityEqual`` and ``LogOf`` are decided on logarithms: densities are unfolded from
their definitions (:meth:`derive.gaussian.NormalPdf.doit`), every factor is shown
positive (a positive constant or symbol, an exponential of a real expression, a
density, a power or product of such), so that log(ab) = log a + log b, log(a^p) =
p·log a and log(exp(a)) = a hold; the difference of the two sides is then proved zero
for symbolic sizes (sums over data points in index notation). A random rational point
at a concrete size cross-checks the identity.

``Maximizer`` separates the terms of the objective that do not contain the variable
(constants for the maximization) and asks the ``Minimizer`` checker of
:mod:`derive.verify.linalg_checks` whether the point minimizes the negated rest.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from sympy import (
    E,
    Add,
    Basic,
    Integer,
    Mul,
    Pow,
    Product,
    Sum,
    Symbol,
    exp,
    expand,
    expand_log,
    log,
    pi,
    simplify,
    sstr,
)
from sympy.matrices.expressions import MatAdd, MatrixSymbol

from derive.gaussian import DensityEqual, LogOf, Maximizer, NormalPdf, density_shape_error
from derive.linalg import Minimizer
from derive.model import Status, Verdict
from derive.ops import SqNorm
from derive.verify import checks
from derive.verify.index import canonical, expand_entries
from derive.verify.instances import instantiate, sample_point
from derive.verify.linalg_checks import check_minimizer


def _one_line(expr: object) -> str:
    return re.sub(r"\s+", " ", sstr(expr))


@lru_cache(maxsize=256)
def _unfold(expr: Basic) -> Basic:
    """Densities replaced by their definition (memoized: the sign, positivity and logarithm
    steps each unfold the same sides)."""
    return expr.replace(lambda e: isinstance(e, NormalPdf), lambda e: e.doit())


def _real(expr: Basic) -> bool:
    """Built from real scalar symbols, numbers, and entries or squared norms of matrices.

    Matrix symbols stand for real matrices throughout (data, labels, weights), so only
    the scalar symbols are asked.
    """
    return all(s.is_real is not False for s in expr.atoms(Symbol) if not isinstance(s, MatrixSymbol))


@lru_cache(maxsize=1024)
def positive(expr: Basic) -> bool:
    """Whether ``expr`` is positive by its structure (see the module docstring) or by SymPy's
    assumptions. The structure is asked first: SymPy's query on a whole density (a product
    of exponentials and powers) is slow. Memoized: the sides are asked again by each step."""
    if isinstance(expr, exp) and _real(expr.args[0]):
        return True
    if isinstance(expr, Pow) and positive(expr.base) and expr.exp.is_real is not False:
        return True
    if isinstance(expr, Mul) and all(positive(a) for a in expr.args):
        return True
    if isinstance(expr, Product) and positive(expr.function):
        return True
    return bool(expr.is_positive)


def surely_real(expr: Basic) -> bool:
    """Whether ``expr`` is real by its structure: numbers, real scalar symbols (as in
    :func:`_real`), squared norms, sums and products of real terms, integer powers of real
    bases and real powers of positive ones, exponentials of real and logarithms of
    positive arguments. False when in doubt (an imaginary unit, an unknown function)."""
    if isinstance(expr, MatrixSymbol):
        return False
    if expr.is_Number or expr in (pi, E):
        return bool(expr.is_real)
    if isinstance(expr, Symbol):
        return expr.is_real is not False
    if isinstance(expr, SqNorm):
        return True
    if isinstance(expr, (Add, Mul)):
        return all(surely_real(a) for a in expr.args)
    if isinstance(expr, Pow):
        if not surely_real(expr.exp):
            return False
        return surely_real(expr.base) and bool(expr.exp.is_integer) or positive(expr.base)
    if isinstance(expr, exp):
        return surely_real(expr.args[0])
    if isinstance(expr, log):
        return positive(_unfold(expr.args[0]))
    return False


def negative(expr: Basic) -> bool:
    """Whether ``expr`` is −1 times a product shown positive by :func:`positive`."""
    if isinstance(expr, Mul):
        numbers = [a for a in expr.args if a.is_number]
        rest = [a for a in expr.args if not a.is_number]
        sign = Mul(*numbers)
        return bool(sign.is_negative) and all(positive(a) for a in rest)
    return False


def _shape_error(*exprs: Basic) -> str | None:
    """A density in the formulas that its shapes leave undefined (x a row, a mean of
    another shape), described; or None."""
    for expr in exprs:
        for pdf in expr.atoms(NormalPdf):
            wrong = density_shape_error(pdf)
            if wrong is not None:
                return wrong
    return None


def _signs_differ(sides: tuple[Basic, ...]) -> str | None:
    """Why one side is positive and the other negative, so the two are not equal; or None."""
    unfolded = [_unfold(side) for side in sides]
    for a, b, side_a, side_b in ((unfolded[0], unfolded[1], sides[0], sides[1]), (unfolded[1], unfolded[0], sides[1], sides[0])):
        if positive(a) and negative(b):
            return f"{_one_line(side_a)} is positive and {_one_line(side_b)} is negative"
    return None


def _log(expr: Basic) -> Basic:
    """log(expr) expanded (valid: every factor was shown positive). The logarithm is built
    unevaluated: its automatic simplification asks SymPy's assumptions about the whole
    (slow on a product of densities), and expanding takes it apart anyway."""
    return expand(expand_log(log(_unfold(expr), evaluate=False), force=True))


def _sorted_norms(expr: Basic) -> Basic:
    """``expr`` with the terms of every vector sum inside a squared norm in SymPy's canonical
    order (addition commutes), so that equal norms written y − Xw and −Xw + y cancel."""
    return expr.replace(
        lambda e: isinstance(e, SqNorm) and isinstance(e.args[0], MatAdd), lambda e: SqNorm(MatAdd(*e.args[0].args).doit())
    )


def _unfold_norms(expr: Basic) -> Basic:
    """Squared norms as sums of squared entries (their definition)."""
    return expr.replace(lambda e: isinstance(e, SqNorm), lambda e: e.doit())


def _zero(expanded: Basic, in_entries: Basic) -> bool:
    """Whether the difference is zero for every size: ``expanded`` is the expanded
    difference, ``in_entries`` the same with norms and entries in index notation."""
    # No doit here: SymPy would try to evaluate the sums in closed form (slow, and not needed).
    if canonical(alpha_rename(in_entries)) == 0:
        return True
    # SymPy's simplify last: it is the slow one (about a second on a density's logarithm).
    return not expanded.has(Sum, Product) and simplify(expanded) == 0


def alpha_rename(expr: Basic, depth: int = 0) -> Basic:
    """Rename the bound variable of every sum by its nesting depth (an α-renaming).

    Entry expansion introduces fresh dummies for inner sums; two occurrences of the same
    inner sum then differ only in the names of their bound variables.
    """
    if isinstance(expr, Sum):
        body = expr.function
        limits = []
        for k, (var, lo, hi) in enumerate(expr.limits):
            new = Symbol(f"_b{depth}_{k}", integer=True)
            body = body.xreplace({var: new})
            limits.append((new, lo, hi))
        return Sum(alpha_rename(body, depth + 1), *limits)
    if not expr.args:
        return expr
    return expr.func(*[alpha_rename(a, depth) for a in expr.args])


def _sizes_of(expr: Basic) -> list[Symbol]:
    found = set()
    for m in expr.atoms(MatrixSymbol):
        for d in m.shape:
            found |= {s for s in getattr(d, "free_symbols", set()) if isinstance(s, Symbol)}
    for s in expr.atoms(Sum, Product):
        for _, lo, hi in s.limits:
            found |= hi.free_symbols
    return sorted(found, key=lambda s: s.name)


def _written_out(expr: Basic) -> Basic:
    """Every sum with integer bounds written out term by term (SymPy's ``Sum.doit`` gets
    the same terms, by substitution, after searching for a closed form)."""

    def one(s: Sum) -> Basic:
        var, lo, hi = s.limits[-1]
        if not (lo.is_Integer and hi.is_Integer) or hi < lo - 1:
            return s  # symbolic bounds, or reversed ones (SymPy's convention for those: Sum.doit)
        inner = Sum(s.function, *s.limits[:-1]) if len(s.limits) > 1 else s.function
        return _written_out(Add(*[inner.xreplace({var: Integer(k)}) for k in range(int(lo), int(hi) + 1)]))

    return expr.replace(lambda e: isinstance(e, Sum), one)


def _spot_check(difference: Basic, sizes: list[Symbol]) -> str | None:
    """None if zero at a random rational point of size 2 (every size symbol 2); else the point.

    ``difference`` has its squared norms unfolded; ``sizes`` are the size symbols of the claim."""
    dims = {s: 2 for s in sizes}
    at = instantiate(_written_out(difference.xreplace({s: Integer(v) for s, v in dims.items()})), dims, {}, _NO_FACTS)
    at = at.doit()
    rng = random.Random(0)
    symbols = {s for s in at.free_symbols if isinstance(s, Symbol)}
    point = sample_point(symbols, rng)
    value = simplify(expand_log(at.xreplace(point), force=True))
    if value == 0:
        return None
    return ", ".join(f"{k}={v}" for k, v in list(point.items())[:6]) + f": difference {_one_line(value)}"


from derive.claims import Given as _Given  # noqa: E402

_NO_FACTS = _Given()


def _decide_logs(lhs_log: Basic, rhs_log: Basic) -> Verdict:
    proved = Verdict(
        Status.PROVED,
        "logarithms of positive factors expanded (densities from their definition), difference zero for "
        "symbolic sizes",
        "also zero at a random rational point at size 2",
    )
    difference = lhs_log - rhs_log
    expanded = expand(_sorted_norms(difference))
    if expanded == 0:
        # Zero as an expression: zero for every size, and at every point of every size.
        return proved
    # Entries in index notation once, for the symbolic proof and the instance alike
    # (the same expression: expanding is an identity).
    in_entries = expand_entries(_unfold_norms(expanded))
    spot = _spot_check(in_entries, _sizes_of(difference))
    if spot is not None:
        return Verdict(Status.REFUTED, "logarithms at a random rational point", spot)
    if _zero(expanded, in_entries):
        return proved
    return Verdict(Status.SAMPLED, "logarithms at a random rational point (size 2)", "no symbolic proof found")


@checks(DensityEqual)
def check_density_equal(claim: DensityEqual) -> Verdict:
    """lhs = rhs for positive expressions: equal logarithms."""
    wrong = _shape_error(claim.lhs, claim.rhs)
    if wrong is not None:
        return Verdict(Status.REFUTED, "shapes", wrong)
    differ = _signs_differ((claim.lhs, claim.rhs))
    if differ is not None:
        return Verdict(Status.REFUTED, "signs", differ)
    for side in (claim.lhs, claim.rhs):
        if not positive(_unfold(side)):
            return Verdict(Status.UNDECIDED, "positivity", f"{_one_line(side)} is not shown positive")
    return _decide_logs(_log(claim.lhs), _log(claim.rhs))


@checks(LogOf)
def check_log_of(claim: LogOf) -> Verdict:
    """log(expr) = value."""
    wrong = _shape_error(claim.expr, claim.value)
    if wrong is not None:
        return Verdict(Status.REFUTED, "shapes", wrong)
    if negative(_unfold(claim.expr)) and surely_real(claim.value):
        # The value is a real number (real symbols, logarithms of positive arguments);
        # the logarithm of a negative number is not.
        return Verdict(Status.REFUTED, "signs", f"{_one_line(claim.expr)} is negative: its logarithm is not real, the value is")
    if not positive(_unfold(claim.expr)):
        return Verdict(Status.UNDECIDED, "positivity", f"{_one_line(claim.expr)} is not shown positive")
    return _decide_logs(_log(claim.expr), expand(claim.value))


@checks(Maximizer)
def check_maximizer(claim: Maximizer) -> Verdict:
    """argmax (c − q) = argmin q: constants separated, the minimizer checked."""
    terms = Add.make_args(expand(claim.objective))
    constant = [t for t in terms if not t.has(claim.var)]
    varying = Add(*[t for t in terms if t.has(claim.var)])
    verdict = check_minimizer(Minimizer(-varying, claim.var, claim.point, claim.given))
    if not verdict.status.ok:
        return verdict
    return Verdict(
        verdict.status,
        f"the terms {_one_line(Add(*constant))} do not contain {claim.var} (constants); the rest is −q with "
        f"q = {_one_line(-varying)}, and argmax(c − q) = argmin q: " + verdict.method,
        verdict.detail,
    )


__all__ = ["check_density_equal", "check_log_of", "check_maximizer", "negative", "positive", "surely_real"]
