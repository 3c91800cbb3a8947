"""Checkers for :class:`~derive.limits.LimitIs` and :class:`~derive.limits.MatrixLimit`.

Scalar limits are computed twice, by SymPy's ``limit`` and, for rational functions of
the variable, from the leading terms of numerator and denominator; both must give the
claimed value. Matrix limits are proved by continuity (see :mod:`derive.limits`) and
cross-checked on an exact instance at a random rational point, where each entry is a
rational function of the variable and its limit is exact.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from sympy import (
    Basic,
    BlockMatrix,
    Dummy,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    MatrixBase,
    Poly,
    PolynomialError,
    S,
    Symbol,
    Transpose,
    ZeroMatrix,
    cancel,
    limit,
    oo,
    simplify,
    sstr,
    sympify,
)
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Given
from derive.limits import LimitIs, MatrixLimit
from derive.linalg import exact_value, invertible
from derive.model import Status, Verdict
from derive.resolvent import Defines, Diagonal, NotDiagonal, diagonal_entry
from derive.verify import checks
from derive.verify.equality import decide_equal
from derive.verify.instances import instantiate, sample_point, shape_choices, size_symbols

# -- scalar limits --------------------------------------------------------------------------------


def _one_line(expr: object) -> str:
    return re.sub(r"\s+", " ", sstr(expr))


def rational_limit(expr: Basic, var: Symbol, point: Basic) -> Basic | None:
    """The limit of a rational function of ``var`` (from the right at a finite point), or None.

    At ∞: the ratio of leading coefficients when the degrees agree, 0 when the
    denominator's degree is larger, ±∞ otherwise. At a finite point p: the same with the
    lowest-order terms in (var − p). None when the expression is not rational in
    ``var`` or a deciding coefficient is not known to be nonzero.
    """
    if point == -oo:  # lim_{v → −∞} f(v) = lim_{t → ∞} f(−t), for a v of either sign
        if var.is_nonnegative:
            return None
        t = Dummy("t", positive=True)
        return rational_limit(expr.xreplace({var: -t}), t, oo)
    # Not cancelled: a common factor of numerator and denominator scales their leading (or
    # lowest-order) coefficients alike and adds the same degree to both, so it changes neither
    # the ratio nor the difference of degrees that decide the limit.
    num, den = expr.as_numer_denom()
    s = Dummy("s", positive=True)
    try:
        if point is oo:
            p, q = Poly(num, var), Poly(den, var)
            lead_p, lead_q = p.LC(), q.LC()
            deg_p, deg_q = p.degree(), q.degree()
        else:
            p = Poly(num.xreplace({var: point + s}).expand(), s)
            q = Poly(den.xreplace({var: point + s}).expand(), s)
            # lowest-order terms: the trailing monomials
            deg_p, lead_p = _trailing(p)
            deg_q, lead_q = _trailing(q)
            deg_p, deg_q = -deg_p, -deg_q  # lower order dominates near the point
    except PolynomialError:
        return None
    if p.is_zero:
        return S.Zero
    if lead_q.is_zero is not False or lead_p.is_zero is not False:
        return None
    if deg_p < deg_q:
        return S.Zero
    if deg_p == deg_q:
        ratio = lead_p / lead_q
        return ratio if ratio.is_Rational else cancel(ratio)
    sign = (lead_p / lead_q).is_positive
    if sign is None:
        return None
    return oo if sign else -oo


def _trailing(poly: Poly) -> tuple[int, Basic]:
    terms = poly.terms()
    degree, coeff = min(terms, key=lambda t: t[0][0])
    return degree[0], coeff


def _agree(a: Basic, b: Basic) -> bool:
    if a in (oo, -oo) or b in (oo, -oo):
        return a == b
    return simplify(a - b) == 0


def outside_domain(var: Symbol, point: Basic) -> str | None:
    """Why ``var`` cannot approach ``point`` (from the right, at a finite point) within the
    values its assumptions allow; None when it can (or when nothing is assumed)."""
    point = sympify(point)
    if point == -oo and var.is_nonnegative:
        return f"{var} is {'positive' if var.is_positive else 'non-negative'}: it cannot tend to -oo"
    if point == oo and var.is_nonpositive:
        return f"{var} is {'negative' if var.is_negative else 'non-positive'}: it cannot tend to oo"
    if point.is_number and point.is_finite and point.is_real:
        if var.is_nonnegative and point.is_negative:
            return f"{var} is non-negative: it cannot approach {point}"
        if var.is_nonpositive and point.is_nonnegative:
            return f"{var} is non-positive: it cannot approach {point} from the right"
    return None


@checks(LimitIs)
def check_limit_is(claim: LimitIs) -> Verdict:
    """lim f = L, computed by SymPy's limit and by leading terms (rational functions)."""
    outside = outside_domain(claim.var, claim.point)
    if outside is not None:
        return Verdict(Status.REFUTED, "domain of the variable", f"the limit is not defined: {outside}")
    direction = "+" if claim.point not in (oo, -oo) else "-"
    computed = limit(claim.expr, claim.var, claim.point, direction) if claim.point is not oo else limit(
        claim.expr, claim.var, oo
    )
    if not _agree(computed, claim.value):
        return Verdict(Status.REFUTED, "SymPy's limit (Gruntz algorithm)", f"the limit is {_one_line(computed)}")
    by_terms = rational_limit(claim.expr, claim.var, claim.point)
    if by_terms is None:
        return Verdict(
            Status.PROVED,
            "SymPy's limit (Gruntz algorithm), with the symbols' assumptions",
            "not a rational function of the variable, so no second computation",
        )
    if not _agree(by_terms, claim.value):
        return Verdict(
            Status.UNDECIDED,
            "two computations disagree",
            f"Gruntz: {_one_line(computed)}; leading terms: {_one_line(by_terms)}",
        )
    return Verdict(
        Status.PROVED,
        "SymPy's limit (Gruntz algorithm) and, independently, the leading terms of the rational function",
        f"both give {_one_line(computed)}",
    )


# -- matrix limits by continuity -------------------------------------------------------------------


class Discontinuous(Exception):
    """The expression is not shown continuous at the limit point (a reason in the message)."""


def _scalar_and_matrices(term: Basic) -> tuple[Basic, list[Basic]]:
    """(c, [M₁, …]) with term = c·M₁⋯."""
    if isinstance(term, MatMul):
        scalar = S.One
        for a in term.args:
            if not isinstance(a, MatrixExpr):
                scalar *= a
        return scalar, [a for a in term.args if isinstance(a, MatrixExpr)]
    return S.One, [term]


def rescale_inverses(expr: Basic, mu: Symbol) -> Basic:
    """(A + c·I)⁻¹ → c⁻¹(c⁻¹A + I)⁻¹ whenever the identity's coefficient c diverges as μ → 0⁺.

    An identity for every c ≠ 0; it takes the diverging scalar out of the inverse so that
    continuity at μ = 0 can be tested.
    """

    def one(inverse: Inverse) -> Basic:
        total = inverse.arg
        if not isinstance(total, MatAdd):
            return inverse
        for term in total.args:
            c, matrices = _scalar_and_matrices(term)
            if len(matrices) == 1 and isinstance(matrices[0], Identity) and mu in c.free_symbols:
                if limit(1 / c, mu, 0, "+") == 0:
                    scaled = MatAdd(*[cancel(_scalar_and_matrices(t)[0] / c) * MatMul(*_scalar_and_matrices(t)[1])
                                      for t in total.args])
                    return MatMul(cancel(1 / c), Inverse(scaled.doit()))
        return inverse

    return expr.replace(lambda e: isinstance(e, Inverse), one)


def _invertible_at(matrix: Basic, given: Given) -> str | None:
    """Why ``matrix`` (at the limit point) is invertible, or None."""
    matrix = matrix.doit()
    why = invertible(matrix, given)
    if why is not None:
        return why
    negated = invertible((-matrix).doit(), given)
    if negated is not None:  # −(λI + XᵀX): a nonzero multiple of an invertible matrix
        return f"-1 ≠ 0 times an invertible matrix ({negated})"
    for fact in given.of_type(Diagonal):
        sigma = Symbol("sigma", positive=True)
        try:
            entry = diagonal_entry(matrix, fact.D, sigma)
        except NotDiagonal:
            continue
        if cancel(entry).is_positive:
            return f"{sstr(matrix)} is diagonal with entries {sstr(cancel(entry))} > 0 (σ_i > 0)"
    if isinstance(matrix, BlockMatrix) and matrix.blockshape[0] == matrix.blockshape[1]:
        rows = matrix.blockshape[0]
        reasons = []
        for i in range(rows):
            for j in range(rows):
                block = matrix.blocks[i, j]
                if i != j and not isinstance(block, ZeroMatrix):
                    return None
            reason = _invertible_at(matrix.blocks[i, i], given)
            if reason is None:
                return None
            reasons.append(reason)
        return "block diagonal with invertible diagonal blocks (" + "; ".join(reasons) + ")"
    return None


def continuous_value(expr: Basic, var: Symbol, point: Basic, given: Given, reasons: list[str]) -> Basic:
    """The value at ``point`` of an expression continuous there; raises :class:`Discontinuous`."""

    def walk(node: Basic) -> Basic:
        if isinstance(node, MatrixBase):
            return ImmutableMatrix(node.shape[0], node.shape[1], [walk(e) for e in node])
        if not isinstance(node, MatrixExpr):
            if var not in node.free_symbols:
                return node
            value = limit(node, var, point, "+")
            if value.is_finite is not True:
                raise Discontinuous(f"the coefficient {_one_line(node)} has no finite limit")
            return value
        if isinstance(node, MatrixSymbol | Identity | ZeroMatrix):
            return node
        if isinstance(node, Inverse):
            inner = walk(node.arg)
            why = _invertible_at(inner, given)
            if why is None:
                raise Discontinuous(f"{_one_line(inner.doit())} is not shown invertible at the limit point")
            reasons.append(why)
            return Inverse(inner)
        if isinstance(node, MatPow):
            base = walk(node.base)
            if node.exp.is_negative:
                why = _invertible_at(base, given)
                if why is None:
                    raise Discontinuous(f"{_one_line(base)} is not shown invertible at the limit point")
                reasons.append(why)
            return MatPow(base, node.exp)
        if isinstance(node, BlockMatrix):
            rows, cols = node.blockshape
            return BlockMatrix([[walk(node.blocks[i, j]) for j in range(cols)] for i in range(rows)])
        if isinstance(node, MatMul | MatAdd | Transpose):
            return node.func(*[walk(a) for a in node.args])
        raise Discontinuous(f"no continuity rule for {type(node).__name__}")

    value = walk(expr).doit()

    def zero_blocks(block: BlockMatrix) -> Basic:
        if all(isinstance(b, ZeroMatrix) or b == 0 for b in block.blocks):
            return ZeroMatrix(*block.shape)
        return block

    return value.replace(lambda e: isinstance(e, BlockMatrix), zero_blocks).doit()


def _limit_by_continuity(claim: MatrixLimit) -> tuple[Basic, str] | str:
    """(value at the point, how) or the reason continuity could not be shown."""
    var, point = claim.var, claim.point
    # Definitions first: a named matrix (F := …) may depend on the variable through its definition.
    unfolded = claim.expr
    for _ in range(8):
        before = unfolded
        for fact in claim.given.of_type(Defines):
            unfolded = fact.rewrite(unfolded)
        if unfolded == before:
            break

    def forms() -> Iterator[Basic]:
        yield unfolded
        # The facts' normal form only when the unfolded one fails (rewriting costs).
        normal = claim.expr
        for fact in claim.given.facts:
            normal = fact.rewrite(normal)
        if normal != claim.expr:
            yield normal

    failure = ""
    for k, form in enumerate(forms()):
        how = "" if k == 0 else f"after the facts of the claim give the form {_one_line(form)}; "
        if point is oo:
            mu = Dummy("mu", positive=True)
            form = rescale_inverses(form.xreplace({var: 1 / mu}), mu).doit()
            target, at = mu, S.Zero
            how += f"with {var} = 1/μ, μ → 0⁺, diverging scalars taken out of the inverses; "
        else:
            target, at = var, point
        reasons: list[str] = []
        try:
            value = continuous_value(form, target, at, claim.given, reasons)
        except Discontinuous as exc:
            failure = str(exc)
            continue
        inverses = "; every inverse invertible at the point (" + "; ".join(dict.fromkeys(reasons)) + ")" if reasons else ""
        return value, how + "finite limits of the scalar coefficients" + inverses
    return failure


def _entry_limits(value: Basic, var: Symbol, point: Basic) -> Matrix | None:
    out = []
    for entry in Matrix(value):
        found = rational_limit(entry, var, point)
        if found is None:
            return None
        out.append(found)
    return Matrix(value.shape[0], value.shape[1], out)


def _instance_check(claim: MatrixLimit, seed: int = 0, every: bool = False) -> tuple[bool | None, str]:
    """Exact instances at random rational points: (agrees?, description)."""
    given = claim.given
    sizes = size_symbols(claim.expr, claim.value, given=given)
    choices = shape_choices(given, sizes)
    if not every:
        # One informative instance: every size at least 2 if possible, else the largest.
        choices = sorted(choices, key=lambda c: (min(c.values(), default=2) < 2, sum(c.values())))[:1]
    rng = random.Random(seed)
    done = []
    for dims in choices:
        left, right, point = _at_random_point(claim, dims, rng)
        limits = _entry_limits(left, claim.var, claim.point)
        where = ", ".join(f"{k}={v}" for k, v in dims.items()) or "as stated"
        if limits is None:
            return None, f"no exact entrywise limit at {where}"
        if limits.shape != right.shape:
            return False, f"at {where} the limit is {limits.shape[0]}×{limits.shape[1]}, the value {right.shape}"
        difference = (limits - right).applyfunc(lambda e: cancel(e))
        if any(e != 0 for e in difference):
            shown = ", ".join(f"{k}={v}" for k, v in list(point.items())[:6])
            return False, f"at {where}, {shown}: entrywise limit {_one_line(list(limits))} ≠ {_one_line(list(right))}"
        done.append(where)
    return True, "; ".join(done)


def _at_random_point(
    claim: MatrixLimit, dims: dict[Symbol, int], rng: random.Random
) -> tuple[Matrix, Matrix, dict[Symbol, Basic]]:
    """Both sides on explicit instances at the sizes ``dims``, every unknown but the variable
    at a random rational: (expression, value, the point).

    The unknowns are given their values before the matrix algebra (the instance of each
    matrix symbol, then the point, then the expression evaluated), so inverses are taken
    over rational functions of the variable alone. Sides that are not plain matrix
    algebra are evaluated on symbolic entries first, then put at a point of their own."""
    sized = {k: Integer(v) for k, v in dims.items()}
    exprs = [sympify(e).xreplace(sized) for e in (claim.expr, claim.value)]
    matrices = set().union(*(e.atoms(MatrixSymbol) for e in exprs))
    instances = {m: instantiate(m, dims, {}, claim.given) for m in matrices}
    unknowns = set().union(*(e.free_symbols for e in [*exprs, *instances.values()]))
    point = sample_point({s for s in unknowns if isinstance(s, Symbol)} - {claim.var}, rng)
    at = {m: ImmutableMatrix(inst.xreplace(point)) for m, inst in instances.items()}
    fast = [exact_value(_from_the_right(e).xreplace(at).xreplace(point)) if isinstance(e, MatrixExpr) else None for e in exprs]
    if all(f is not None for f in fast):
        return Matrix(fast[0]), Matrix(fast[1]), point
    left = Matrix(_explicit(instantiate(claim.expr, dims, {}, claim.given, alongside=(claim.value,))))
    right = Matrix(_explicit(instantiate(claim.value, dims, {}, claim.given, alongside=(claim.expr,))))
    point = sample_point((left.free_symbols | right.free_symbols) - {claim.var}, rng)
    return left.xreplace(point), right.xreplace(point), point


def _from_the_right(expr: Basic) -> Basic:
    """Every product that ends in a column vector grouped from the right, A(B(Cy)) (matrix
    products are associative): each step is then a matrix times a vector, far cheaper than
    a product of matrices whose entries are rational functions of the variable."""

    def one(product: MatMul) -> Basic:
        scalars = [a for a in product.args if not isinstance(a, MatrixExpr)]
        matrices = [a for a in product.args if isinstance(a, MatrixExpr)]
        if len(matrices) < 3 or matrices[-1].shape[1] != 1:
            return product
        grouped = matrices[-1]
        for factor in reversed(matrices[:-1]):
            grouped = MatMul(factor, grouped)
        return MatMul(*scalars, grouped)

    return expr.replace(lambda e: isinstance(e, MatMul), one)


def _explicit(value: Basic) -> Basic:
    if isinstance(value, MatrixBase):
        return value
    if isinstance(value, MatrixExpr):
        fast = exact_value(value)
        return fast if fast is not None else value.as_explicit()
    return Matrix([[value]])


def singular_inverse(expr: Basic, var: Symbol | None = None) -> str | None:
    """An explicit matrix inverted in ``expr`` whose determinant is 0 for every value of
    ``var`` (the expression is then defined nowhere), described; or None.

    Free of matrix symbols only; usable by any checker whose SymPy evaluation of such an
    expression raises ``NonInvertibleMatrixError``."""
    from sympy import preorder_traversal

    for node in preorder_traversal(expr):
        if isinstance(node, Inverse):
            inner = node.arg
        elif isinstance(node, MatPow) and node.exp.is_negative:
            inner = node.base
        else:
            continue
        if inner.atoms(MatrixSymbol):
            continue
        try:
            explicit = Matrix(_explicit(inner.doit()))
        except Exception:  # noqa: BLE001 - an inner inverse that fails is found on its own
            continue
        if explicit.is_square and cancel(explicit.det(method="berkowitz")) == 0:
            every = f" for every {var}" if var is not None and var in explicit.free_symbols else ""
            return f"{_one_line(explicit.tolist())} is singular{every}, so its inverse does not exist"
    return None


@checks(MatrixLimit)
def check_matrix_limit(claim: MatrixLimit) -> Verdict:
    """lim M(t) = L: continuity in general; exact entrywise limits on an instance."""
    outside = outside_domain(claim.var, claim.point)
    if outside is not None:
        return Verdict(Status.REFUTED, "domain of the variable", f"the limit is not defined: {outside}")
    if not claim.expr.atoms(MatrixSymbol):
        # Explicit matrices: every entry is a rational function of the variable.
        singular = singular_inverse(claim.expr, claim.var)
        if singular is not None:
            return Verdict(Status.REFUTED, "exact arithmetic: an inverse that does not exist", singular)
        value = Matrix(_explicit(claim.expr.doit() if not isinstance(claim.expr, MatrixBase) else claim.expr))
        limits = _entry_limits(value, claim.var, claim.point)
        if limits is None:
            return Verdict(Status.UNDECIDED, "entrywise limits", "an entry is not a rational function of the variable")
        target = Matrix(_explicit(claim.value))
        if limits.shape == target.shape and all(cancel(e) == 0 for e in limits - target):
            return Verdict(Status.PROVED, "exact arithmetic: entrywise limits of rational functions (leading terms)",
                           f"limit {_one_line(list(limits))}")
        return Verdict(Status.REFUTED, "exact arithmetic: entrywise limits", f"the limit is {_one_line(list(limits))}")
    found = _limit_by_continuity(claim)
    agrees, where = _instance_check(claim)
    if agrees is False:
        return Verdict(Status.REFUTED, "exact instance, random rational point, entrywise limits", where)
    if isinstance(found, str):
        if agrees is None:
            return Verdict(Status.UNDECIDED, "continuity", found)
        every, where_all = _instance_check(claim, seed=1, every=True)
        if every is False:
            return Verdict(Status.REFUTED, "exact instance, random rational point, entrywise limits", where_all)
        if every is None:
            return Verdict(Status.UNDECIDED, "continuity", found)
        return Verdict(
            Status.SAMPLED,
            "exact entrywise limits at random rational instances",
            f"not shown continuous ({found}); limits agree at {where_all}",
        )
    at_point, how = found
    equal = decide_equal(at_point, claim.value, claim.given)
    if not equal.status.ok:
        return Verdict(
            Status.REFUTED if equal.status is Status.REFUTED else equal.status,
            "continuity: " + how,
            f"the value at the point, {_one_line(at_point)}, differs from the claimed limit: {equal.detail}",
        )
    cross = f"; cross-checked: exact entrywise limits at a random rational instance ({where})" if agrees else ""
    return Verdict(
        equal.status,
        f"continuity ({how}), then the value at the point [{equal.method}]",
        f"value at the point {_one_line(at_point)}{cross}",
    )


__all__ = ["outside_domain", "singular_inverse", "check_limit_is", "check_matrix_limit", "continuous_value", "rational_limit", "rescale_inverses"]
