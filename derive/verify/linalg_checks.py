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
"""

from __future__ import annotations

import re

from sympy import Basic, BlockMatrix, MatMul, ZeroMatrix, cancel, sstr, together
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Given
from derive.linalg import (
    Dimensions,
    Invertible,
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
from derive.verify.instances import as_matrix, instantiate, shape_choices, size_symbols


def _one_line(expr: Basic) -> str:
    """A formula as one line of plain text (block matrices print over several lines)."""
    return re.sub(r"\s+", " ", sstr(expr))


def _where(dims: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in dims.items()) or "as stated"


def _exact_zero(value: Basic) -> bool:
    return cancel(together(value)) == 0


def _determinants(matrix: Basic, given: Given) -> list[tuple[str, bool]]:
    """(sizes, det == 0) on every concrete shape the facts admit."""
    out = []
    for dims in shape_choices(given, size_symbols(matrix, given=given)):
        value = as_matrix(instantiate(matrix, dims, {}, given))
        out.append((_where(dims), _exact_zero(value.det(method="berkowitz"))))
    return out


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
    """Whether the point is orthogonal to an exact basis of null(matrix) on every admitted shape."""
    given = claim.given
    checked = []
    for dims in shape_choices(given, size_symbols(claim.matrix, claim.point, given=given)):
        matrix = as_matrix(instantiate(claim.matrix, dims, {}, given, alongside=(claim.point,)))
        point = as_matrix(instantiate(claim.point, dims, {}, given, alongside=(claim.matrix,)))
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
        f"null space of A computed exactly and w* checked orthogonal to it at {sizes}",
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
    why = invertible(coefficient, claim.given)
    if why is None:
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
    why = invertible(claim.matrix, claim.given)
    if why is not None:
        return Verdict(Status.PROVED, why, f"det ≠ 0 also checked exactly at {sizes}")
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


__all__ = ["check_dimensions", "check_positive_definite", "check_invertible", "check_min_norm", "check_minimizer", "check_singular", "check_unique_solution"]

