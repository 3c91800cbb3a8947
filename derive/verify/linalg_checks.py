"""Checkers for the linear-algebra claims of :mod:`derive.linalg`.

* :class:`~derive.linalg.Minimizer` — the verifier differentiates the objective
  itself (numerator layout), decides that the gradient vanishes at the point
  (:func:`~derive.verify.equality.decide_equal`), and that the Hessian is constant and
  positive definite under the stated facts (:func:`~derive.linalg.positive_definite`):
  a strictly convex quadratic has exactly one stationary point, its global minimizer.
* :class:`~derive.linalg.MinNormSolution` — feasibility, plus membership of the point
  in the row space of the matrix (equivalently: orthogonality to its null space),
  decided in general; the null space is also computed exactly on concrete shapes and
  the point checked orthogonal to each basis vector.
* :class:`~derive.linalg.UniqueSolution` — the value satisfies the equation, and the
  equation is affine in the unknown with an invertible coefficient.
* :class:`~derive.linalg.Invertible` / :class:`~derive.linalg.Singular` — a structural
  reason (general) and exact determinants on concrete shapes.

A claim without a structural reason is not left at that when it is false: exact
rational points of concrete instances that satisfy every fact of the claim
(:func:`valid_points`) are searched for a counterexample — a leading principal minor
that is not positive (:func:`not_positive_definite`), or a zero of the determinant
(:func:`singular_point`, which solves det = 0 for one unknown with the others fixed).
A point is only used when every fact is one whose conditions on values are known here
(rank facts are checked at the point); otherwise the claim stays undecided.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from sympy import Basic, BlockMatrix, Matrix, MatMul, Poly, PolynomialError, S, ZeroMatrix, cancel, fraction, sstr, together
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Given, InRange, Shapes, Symmetric
from derive.linalg import (
    SVD,
    Dimensions,
    FullColumnRank,
    FullRowRank,
    Invertible,
    OneByOne,
    Orthogonal,
    Tall,
    Wide,
    PositiveDefinite,
    Minimizer,
    MinNormSolution,
    Singular,
    UniqueSolution,
    conform,
    gradient,
    hessian,
    invertible,
    matrix_form,
    orthogonal_factor,
    positive_definite,
    same_size,
    shape_text,
)
from derive.model import Status, Verdict
from derive.ops import Jacobian
from derive.verify import checks, weakest
from derive.verify.equality import decide_equal
from derive.verify.instances import as_matrix, instantiate, sample_value, shape_choices, size_symbols


def _one_line(expr: Basic) -> str:
    """A formula as one line of plain text (block matrices print over several lines)."""
    return re.sub(r"\s+", " ", sstr(expr))


def _where(dims: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in dims.items()) or "as stated"


def _exact_zero(value: Basic) -> bool:
    return cancel(together(value)) == 0


def _determinants(matrix: Basic, given: Given) -> list[tuple[str, bool]]:
    """(sizes, det == 0 identically) on every concrete shape the facts admit.

    The determinant is first taken at exact random rational entries: a non-zero value
    there shows it is not the zero polynomial. Only a zero value is settled with symbolic
    entries (slow), so a coincidence of the point never decides.
    """
    out = []
    for dims in shape_choices(given, size_symbols(matrix, given=given)):
        try:
            at_point = as_matrix(instantiate(matrix, dims, {}, given, point=1)).det(method="berkowitz")
        except Exception:  # noqa: BLE001 - trouble at the point: the symbolic determinant decides
            at_point = None
        if at_point is not None and at_point.is_number and at_point != 0:
            out.append((_where(dims), False))
            continue
        value = as_matrix(instantiate(matrix, dims, {}, given))
        out.append((_where(dims), _exact_zero(value.det(method="berkowitz"))))
    return out


# -- counterexamples at exact points that satisfy the facts ------------------------------------

# Facts that say nothing about values beyond what their instances build (an SVD's σ_i > 0,
# an orthogonal Cayley transform, a symmetric or diagonal matrix) or about sizes only.
# Rank facts are checked at each point; ShiftAlgebra's λ > 0 too. Any other fact: no point.
_SIZE_OR_BUILT = (InRange, Shapes, Symmetric, Orthogonal, SVD, Tall, Wide, OneByOne)


def _known_fact(fact: object) -> bool:
    from derive.resolvent import Defines, Diagonal, ShiftAlgebra

    if isinstance(fact, Defines):
        return all(_known_fact(part) and not isinstance(part, (FullColumnRank, FullRowRank)) for part in fact.parts)
    return isinstance(fact, (*_SIZE_OR_BUILT, FullColumnRank, FullRowRank, Diagonal, ShiftAlgebra))


def _short_point(dims: dict, point: dict, limit: int = 10) -> str:
    items = [f"{k}={v}" for k, v in dims.items()]
    items += [f"{k}={v}" for k, v in sorted(point.items(), key=lambda kv: kv[0].name)]
    return ", ".join(items[:limit]) + (", …" if len(items) > limit else "")


def _draw(symbols: list, rng: random.Random, sparse: bool) -> dict:
    """Exact random values honouring each symbol's assumptions; with ``sparse`` about half
    of the unconstrained ones are 0 (structured points: a sum of squares that vanishes)."""
    point = {}
    for s in symbols:
        value = sample_value(s, rng)
        if sparse and not (s.is_positive or s.is_nonzero) and rng.random() < 0.5:
            value = 0 * value
        point[s] = value
    return point


class _Instances:
    """The claim's matrices at one admitted size, with symbolic entries, and the checks a
    point must pass to satisfy the facts."""

    def __init__(self, exprs: tuple[Basic, ...], dims: dict, given: Given) -> None:
        from derive.resolvent import ShiftAlgebra

        self.dims = dims
        self.matrices = [
            as_matrix(instantiate(e, dims, {}, given, alongside=exprs[:k] + exprs[k + 1 :])) for k, e in enumerate(exprs)
        ]
        self.ranks = []
        for fact in given.facts:
            if isinstance(fact, (FullColumnRank, FullRowRank)):
                m = as_matrix(instantiate(fact.matrix, dims, {}, given, alongside=exprs))
                self.ranks.append((m, m.shape[1] if isinstance(fact, FullColumnRank) else m.shape[0]))
        self.positive = [f.lam for f in given.facts if isinstance(f, ShiftAlgebra)]
        symbols: set = set()
        for m in self.matrices + [m for m, _ in self.ranks]:
            symbols |= m.free_symbols
        for lam in self.positive:
            symbols |= getattr(lam, "free_symbols", set())
        self.symbols = sorted(symbols, key=lambda s: s.name)

    def valid(self, point: dict) -> bool:
        """Whether every fact holds at the point (a rank, λ > 0)."""
        if any(not lam.xreplace(point).is_positive for lam in self.positive):
            return False
        return all(m.xreplace(point).rank() == r for m, r in self.ranks)

    def at(self, point: dict) -> list[Matrix] | None:
        """The matrices at the point; None where an entry is undefined (a vanishing denominator)."""
        out = []
        for m in self.matrices:
            value = m.xreplace(point).applyfunc(cancel)
            if any(e.has(S.NaN, S.ComplexInfinity) or not e.is_number for e in value):
                return None
            out.append(value)
        return out


def _instances(exprs: tuple[Basic, ...], given: Given) -> Iterator[_Instances]:
    if not all(_known_fact(f) for f in given.facts):
        return
    # The sizes of matrices the rank facts constrain count too (a zero Hessian has no X in it).
    ranked = tuple(f.matrix for f in given.facts if isinstance(f, (FullColumnRank, FullRowRank)))
    for dims in shape_choices(given, size_symbols(*exprs, *ranked, given=given)):
        yield _Instances(exprs, dims, given)


def valid_points(exprs: tuple[Basic, ...], given: Given, tries: int = 8, seed: int = 0) -> Iterator[tuple[str, list[Matrix]]]:
    """(where, the expressions as explicit rational matrices) at exact random points of the
    admitted sizes that satisfy every fact; nothing when a fact's conditions are unknown here."""
    rng = random.Random(seed)
    for inst in _instances(exprs, given):
        for k in range(tries):
            point = _draw(inst.symbols, rng, sparse=k % 2 == 1)
            if not inst.valid(point):
                continue
            values = inst.at(point)
            if values is not None:
                yield _short_point(inst.dims, point), values


def not_positive_definite(matrix: Basic, given: Given, tries: int = 8) -> str | None:
    """A point satisfying the facts where ``matrix`` is not positive definite, described; or None.

    A diagonal entry eᵢᵀMeᵢ ≤ 0 shows it for any matrix; for a symmetric one a leading
    principal minor ≤ 0 (Sylvester's criterion); a singular instance too."""
    for where, (m,) in valid_points((matrix,), given, tries):
        for k in range(m.rows):
            if m[k, k].is_nonpositive:
                return f"at {where}: entry ({k + 1}, {k + 1}) is {m[k, k]} ≤ 0, so e{k + 1}.T*M*e{k + 1} ≤ 0"
        if m == m.T:
            for k in range(2, m.rows + 1):
                minor = m[:k, :k].det()
                if minor.is_nonpositive:
                    return f"at {where}: the leading principal minor of order {k} is {minor} ≤ 0 (Sylvester's criterion)"
    found = singular_point(matrix, given)
    return f"singular {found}" if found else None


def singular_point(matrix: Basic, given: Given, tries: int = 6, seed: int = 0) -> str | None:
    """A point satisfying the facts where the square ``matrix`` is singular, described; or None.

    The determinant at a concrete size is a rational function of the entries and
    parameters: with all unknowns but one at exact random values (some of them 0), its
    rational roots in the remaining one are tried, and a root that honours that unknown's
    assumptions and keeps the facts true is a singular point (checked by evaluating the
    determinant there)."""
    rng = random.Random(seed)
    for inst in _instances((matrix,), given):
        (m,) = inst.matrices
        if m.rows != m.cols:
            return None
        det = cancel(together(m.det(method="berkowitz")))
        where = ", ".join(f"{k}={v}" for k, v in inst.dims.items()) or "as stated"
        if det == 0:
            return f"at {where} for every value of the entries (the determinant is identically 0)"
        num, _ = fraction(det)
        # Parameters (λ) first: a shift that meets an eigenvalue is the usual way to be singular.
        unknowns = sorted(num.free_symbols, key=lambda s: (not s.is_positive, s.name))
        for k in range(tries):
            for s in unknowns[:6]:
                point = _draw([u for u in inst.symbols if u != s], rng, sparse=k % 2 == 0)
                try:
                    poly = Poly(num.xreplace(point), s)
                except PolynomialError:
                    continue
                if poly.degree() < 1:
                    continue
                for root in poly.ground_roots():
                    if not root.is_Rational or (s.is_positive and root <= 0) or (s.is_nonnegative and root < 0):
                        continue
                    if s.is_integer and not root.is_Integer:
                        continue
                    full = {**point, s: root}
                    if not inst.valid(full):
                        continue
                    values = inst.at(full)
                    if values is not None and values[0].det() == 0:
                        return f"at {_short_point(inst.dims, full)}"
    return None


def _invertible(matrix: Basic, given: Given) -> str | None:
    """:func:`derive.linalg.invertible`, also through −M (−(λI + XᵀX) is invertible too)."""
    why = invertible(matrix, given)
    if why is None:
        inner = invertible(-matrix, given)
        why = f"-1 ≠ 0 times an invertible matrix ({inner})" if inner else None
    return why


def _same_shape(a: Basic, b: Basic) -> bool:
    return all(same_size(p, q) for p, q in zip(conform(a), conform(b)))


@checks(Minimizer)
def check_minimizer(claim: Minimizer) -> Verdict:
    """point = argmin f: ∇f(point) = 0 and a constant positive definite Hessian."""
    objective = matrix_form(claim.objective)
    if conform(objective) != (1, 1):
        return Verdict(Status.REFUTED, "shapes", f"the objective is {shape_text(conform(objective))}, not a scalar")
    if not _same_shape(claim.point, claim.var):
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"the point is {shape_text(conform(claim.point))} but the variable is {shape_text(conform(claim.var))}",
        )
    grad = gradient(objective, claim.var)
    at_point = grad.xreplace({claim.var: claim.point})
    stationary = decide_equal(at_point, ZeroMatrix(*grad.shape), claim.given)
    if not stationary.status.ok:
        return Verdict(
            stationary.status,
            "gradient at the point: " + stationary.method,
            f"the gradient {sstr(grad)} is not zero at the point: {stationary.detail}",
        )
    hess = hessian(objective, claim.var)
    if hess.has(claim.var):
        return Verdict(Status.UNDECIDED, "second-order condition", f"the Hessian {sstr(hess)} depends on the variable")
    reason = positive_definite(hess, claim.given)
    if reason is None and positive_definite(-hess, claim.given) is not None:
        return Verdict(
            Status.REFUTED,
            "second-order condition",
            f"the Hessian {sstr(hess)} is negative definite: the point is the unique maximizer, not a minimizer",
        )
    if reason is None:
        # A constant Hessian that is not positive definite somewhere: there the quadratic
        # objective is unbounded below along a direction, or constant along one (then
        # every point of a line is a minimizer): the point is not the unique minimizer.
        found = not_positive_definite(hess, claim.given)
        if found is not None:
            return Verdict(
                Status.REFUTED,
                "second-order condition",
                f"the Hessian {_one_line(hess)} is not positive definite {found}: the point is not the unique minimizer",
            )
        return Verdict(
            Status.UNDECIDED,
            "second-order condition",
            f"no reason found that the Hessian {sstr(hess)} is positive definite (is a rank assumption missing?)",
        )
    singular_at = [where for where, zero in _determinants(hess, claim.given) if zero]
    if singular_at:
        return Verdict(Status.REFUTED, "second-order condition", f"the Hessian is singular at {singular_at[0]}")
    return Verdict(
        stationary.status,
        f"gradient (numerator layout) vanishes at the point [{stationary.method}]; "
        f"Hessian {sstr(hess)} constant and positive definite [{reason}], so the objective is strictly "
        "convex and the point is its unique global minimizer",
        stationary.detail,
    )


def _nullspace_orthogonal(claim: MinNormSolution) -> tuple[bool, str]:
    """Whether the point is orthogonal to an exact basis of null(matrix) on every admitted shape,
    with exact random rational entries (a cross-check of the general row-space proof; a
    non-zero product is a counterexample)."""
    given = claim.given
    checked = []
    for dims in shape_choices(given, size_symbols(claim.matrix, claim.point, given=given)):
        matrix = as_matrix(instantiate(claim.matrix, dims, {}, given, alongside=(claim.point,), point=1))
        point = as_matrix(instantiate(claim.point, dims, {}, given, alongside=(claim.matrix,), point=1))
        for v in matrix.nullspace():
            if not _exact_zero((v.T * point)[0, 0]):
                return False, f"at {_where(dims)} the point is not orthogonal to the null-space vector {sstr(list(v))}"
        checked.append(_where(dims))
    return True, "; ".join(checked)


@checks(MinNormSolution)
def check_min_norm(claim: MinNormSolution) -> Verdict:
    """point = argmin ‖w‖² s.t. A w = b: feasible, and in the row space of A (⟂ null A)."""
    a, point = claim.matrix, claim.point
    if not _same_shape(point, claim.var):
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"the point is {shape_text(conform(point))} but the variable is {shape_text(conform(claim.var))}",
        )
    feasible = decide_equal(a * point, claim.rhs, claim.given)
    if not feasible.status.ok:
        return Verdict(feasible.status, "feasibility: " + feasible.method, f"A·w* ≠ b: {feasible.detail}")
    gram = (a * a.T).doit()
    why = invertible(gram, claim.given)
    if why is None:
        return Verdict(
            Status.UNDECIDED,
            "row space",
            f"cannot show {sstr(gram)} invertible (is full row rank assumed?), so the row-space test is unavailable",
        )
    # w* lies in the row space of A iff w* = Aᵀz for z = (AAᵀ)⁻¹A w*.
    row_space = decide_equal(a.T * gram.inverse() * a * point, point, claim.given)
    if not row_space.status.ok:
        return Verdict(row_space.status, "row space: " + row_space.method, f"w* is not of the form A.T*z: {row_space.detail}")
    orthogonal, sizes = _nullspace_orthogonal(claim)
    if not orthogonal:
        return Verdict(Status.REFUTED, "null space, exact instances", sizes)
    status = weakest([feasible, row_space]).status
    return Verdict(
        status,
        f"feasible [{feasible.method}]; w* = A.T*z with z = (A*A.T)⁻¹*A*w* ({why}) [{row_space.method}], so w* is "
        "orthogonal to null(A); "
        "every feasible w is w* + v with A*v = 0, hence ‖w‖² = ‖w*‖² + ‖v‖² ≥ ‖w*‖², with equality only for v = 0",
        f"null space of A computed exactly and w* checked orthogonal to it at random rational entries, {sizes}",
    )


@checks(UniqueSolution)
def check_unique_solution(claim: UniqueSolution) -> Verdict:
    """lhs = rhs ⟺ var = value: the value solves it; affine with invertible coefficient."""
    if not _same_shape(claim.lhs, claim.rhs):
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"left side is {shape_text(conform(claim.lhs))} but right side is {shape_text(conform(claim.rhs))}",
        )
    swap = {claim.var: claim.value}
    solves = decide_equal(claim.lhs.xreplace(swap), claim.rhs.xreplace(swap), claim.given)
    if not solves.status.ok:
        return Verdict(solves.status, "substitution: " + solves.method, f"the value does not solve the equation: {solves.detail}")
    difference = (claim.lhs - claim.rhs).doit()
    column = difference.T if conform(difference)[1] != 1 else difference
    coefficient = Jacobian(column, claim.var).doit()
    if coefficient.has(claim.var):
        return Verdict(Status.UNDECIDED, "uniqueness", f"the equation is not affine in {claim.var}")
    why = _invertible(coefficient, claim.given)
    if why is None:
        singular = singular_point(coefficient, claim.given)
        if singular is not None:
            # The value solves the equation and the coefficient is singular there: every
            # value + v with v in its null space solves it too.
            return Verdict(
                Status.REFUTED,
                "uniqueness",
                f"the coefficient {_one_line(coefficient)} of {claim.var} is singular {singular}: the solution is not unique",
            )
        return Verdict(
            Status.UNDECIDED,
            "uniqueness",
            f"the coefficient {sstr(coefficient)} of {claim.var} is not shown invertible: the solution may not be unique",
        )
    return Verdict(
        solves.status,
        f"the value satisfies the equation [{solves.method}]; the equation is affine in {claim.var} with "
        f"coefficient {sstr(coefficient)}, invertible ({why}), so the solution is unique",
        solves.detail,
    )


@checks(Invertible)
def check_invertible(claim: Invertible) -> Verdict:
    """det M ≠ 0: a structural reason, and exact determinants on concrete shapes."""
    shape = conform(claim.matrix)
    if not same_size(*shape):
        return Verdict(Status.REFUTED, "shapes", f"{sstr(claim.matrix)} is {shape_text(shape)}, not square")
    dets = _determinants(claim.matrix, claim.given)
    zero = [where for where, is_zero in dets if is_zero]
    if zero:
        return Verdict(Status.REFUTED, "exact determinant", f"det = 0 at {zero[0]}")
    sizes = "; ".join(where for where, _ in dets)
    why = _invertible(claim.matrix, claim.given)
    if why is not None:
        return Verdict(Status.PROVED, why, f"det ≠ 0 also checked exactly at {sizes}")
    # A determinant that is not identically zero can still vanish at values the facts
    # allow (λI − XᵀX when λ meets an eigenvalue of XᵀX).
    singular = singular_point(claim.matrix, claim.given)
    if singular is not None:
        return Verdict(Status.REFUTED, "exact instance", f"det = 0 {singular}")
    return Verdict(Status.CHECKED, "exact determinant (a non-zero function of the symbolic entries)", f"sizes {sizes}")


def _zero_block_line(block: BlockMatrix) -> str | None:
    """A description of a whole block row or column of zeros, or None."""
    rows, cols = block.blockshape
    for i in range(rows):
        if all(isinstance(block.blocks[i, j], ZeroMatrix) for j in range(cols)):
            return f"block row {i + 1} (height {sstr(block.blocks[i, 0].shape[0])}) is zero"
    for j in range(cols):
        if all(isinstance(block.blocks[i, j], ZeroMatrix) for i in range(rows)):
            return f"block column {j + 1} (width {sstr(block.blocks[0, j].shape[1])}) is zero"
    return None


@checks(Singular)
def check_singular(claim: Singular) -> Verdict:
    """det M = 0: a zero block row/column of the block model (general), exact determinants on shapes."""
    shape = conform(claim.matrix)
    if not same_size(*shape):
        return Verdict(Status.REFUTED, "shapes", f"{sstr(claim.matrix)} is {shape_text(shape)}, not square")
    dets = _determinants(claim.matrix, claim.given)
    nonzero = [where for where, is_zero in dets if not is_zero]
    if nonzero:
        return Verdict(Status.REFUTED, "exact determinant", f"det ≠ 0 at {nonzero[0]}")
    sizes = "; ".join(where for where, _ in dets)
    model = claim.matrix
    for fact in claim.given.facts:
        model = fact.rewrite(model)
    # det(Q M Qᵀ) = det(M) for orthogonal Q: look at the middle of the product.
    middle = model
    if isinstance(middle, MatMul):
        factors = [a for a in middle.args if isinstance(a, MatrixExpr)]
        while len(factors) > 1 and orthogonal_factor(factors[0], claim.given):
            factors.pop(0)
        while len(factors) > 1 and orthogonal_factor(factors[-1], claim.given):
            factors.pop()
        middle = factors[0] if len(factors) == 1 else MatMul(*factors)
    line = _zero_block_line(middle) if isinstance(middle, BlockMatrix) else None
    if line is not None:
        outer = "" if middle is model else f" between orthogonal factors ({_one_line(model)})"
        return Verdict(
            Status.PROVED,
            f"block model, symbolic sizes: {_one_line(middle)}{outer}, whose {line}",
            f"det = 0 also checked exactly at {sizes}",
        )
    if not (claim.matrix.free_symbols or claim.matrix.atoms(MatrixSymbol)):
        return Verdict(Status.PROVED, "exact arithmetic", "the determinant of the explicit matrix is 0")
    return Verdict(Status.CHECKED, "exact determinant", f"det = 0 at sizes {sizes}")


@checks(PositiveDefinite)
def check_positive_definite(claim: PositiveDefinite) -> Verdict:
    """vᵀMv > 0 for v ≠ 0: a structural reason, symmetry and non-singularity checked on shapes."""
    shape = conform(claim.matrix)
    if not same_size(*shape):
        return Verdict(Status.REFUTED, "shapes", f"{sstr(claim.matrix)} is {shape_text(shape)}, not square")
    symmetric = decide_equal(claim.matrix.T, claim.matrix, claim.given)
    if not symmetric.status.ok:
        return Verdict(symmetric.status, "symmetry: " + symmetric.method, f"M ≠ M.T: {symmetric.detail}")
    zero = [where for where, is_zero in _determinants(claim.matrix, claim.given) if is_zero]
    if zero:
        return Verdict(Status.REFUTED, "exact determinant", f"singular at {zero[0]}, so not positive definite")
    why = positive_definite(claim.matrix, claim.given)
    if why is None:
        found = not_positive_definite(claim.matrix, claim.given)
        if found is not None:
            return Verdict(Status.REFUTED, "exact instance", f"not positive definite {found}")
        return Verdict(Status.UNDECIDED, "positive definiteness", "no structural reason found (a rank assumption missing?)")
    return Verdict(Status.PROVED, why, f"symmetric [{symmetric.method}]; det ≠ 0 checked exactly on the admitted sizes")


@checks(Dimensions)
def check_dimensions(claim: Dimensions) -> Verdict:
    """Each expr ∈ R^(r×c): the shape found by :func:`~derive.linalg.conform` (products checked)."""
    for item in claim.items:
        expr, space = item.args
        found = conform(expr)
        want = (space.rows, space.cols)
        if not (same_size(found[0], want[0]) and same_size(found[1], want[1])):
            return Verdict(Status.REFUTED, "shapes", f"{sstr(expr)} is {shape_text(found)}, not {shape_text(want)}")
    return Verdict(Status.PROVED, "shape bookkeeping (every product conforms), symbolic sizes", f"{len(claim.items)} shapes")


__all__ = ["not_positive_definite", "singular_point", "valid_points", "check_dimensions", "check_positive_definite", "check_invertible", "check_min_norm", "check_minimizer", "check_singular", "check_unique_solution"]

