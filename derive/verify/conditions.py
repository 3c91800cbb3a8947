"""Conditions: "an identity holds for every x if and only if a fact holds".

For ``lhs(x) = rhs(x)`` with both sides linear in the column vector ``x``:

* (⇐) the identity is proved with the fact applied (e.g. ``Aᵀ`` rewritten to ``A``);
* (⇒) ``D(x) = lhs - rhs`` is shown to be ``C x`` (transposed as needed) for the
  coefficient matrix ``C = ∂Dᵀ/∂x``; ``C x = 0`` for every ``x`` forces ``C = 0``
  (take ``x = e_k``); and ``C`` is shown to be ± the fact's residual
  (for ``A = Aᵀ``, the residual ``A - Aᵀ``). Both steps are symbolic in the size.

The same equivalence is then checked exactly on concrete sizes: the coefficients of
``D`` (as a polynomial in the entries of ``x``) and the entries of the residual must
span the same space of linear conditions on the other entries.
"""

from __future__ import annotations

from sympy import Matrix, Poly, S, ZeroMatrix, expand
from sympy.polys.matrices import DomainMatrix

from derive.claims import Given, IdentityIff, once_per_claim
from derive.model import Status, Verdict
from derive.ops import Jacobian
from derive.verify import checks
from derive.verify.equality import decide_equal
from derive.verify.instances import as_matrix, index_choices, instantiate, shape_choices, size_symbols


def _is_zero_matrix(expr) -> bool:
    out = expr.doit().expand().doit()
    return isinstance(out, ZeroMatrix) or out == 0


def _necessity_general(claim: IdentityIff) -> bool:
    difference = (claim.lhs - claim.rhs).doit()
    column = difference.T if difference.shape[0] == 1 else difference
    coefficient = Jacobian(column, claim.var).doit()
    if not _is_zero_matrix(coefficient * claim.var - column):
        return False  # not linear and homogeneous in x
    residual = claim.condition.residual()
    return any(_is_zero_matrix(coefficient - s * r) for s in (1, -1) for r in (residual, residual.T))


def _row_space(polys: list[Poly], count: int) -> Matrix:
    """The coefficients of the unknowns (the generators) in linear polynomials, one row each."""
    rows = []
    for p in polys:
        row = [S.Zero] * count
        for monom, coeff in p.terms():
            if sum(monom) == 1:
                row[monom.index(1)] = coeff
        rows.append(row)
    return Matrix(rows) if rows else Matrix.zeros(1, count)


def _rank(matrix: Matrix) -> int:
    """The rank of ``matrix``: over QQ by the polys' dense elimination when every entry is
    rational (the same number as ``Matrix.rank``, without its per-entry SymPy arithmetic and
    pivot heuristics), else ``Matrix.rank`` itself."""
    if all(e.is_Rational for e in matrix):
        return DomainMatrix.from_Matrix(matrix).to_field().rank()
    return matrix.rank()


def _same_conditions(claim: IdentityIff, dims: dict) -> bool | None:
    """Whether 'D(x) = 0 for all x' and the fact are the same linear conditions at these sizes."""
    empty = Given()
    lhs = as_matrix(instantiate(claim.lhs, dims, {}, empty))
    rhs = as_matrix(instantiate(claim.rhs, dims, {}, empty))
    var = as_matrix(instantiate(claim.var, dims, {}, empty))
    xs = list(var)
    identity = []
    for entry in lhs - rhs:
        identity.extend(Poly(expand(entry), *xs).coeffs() if entry != 0 else [])
    fact = list(as_matrix(instantiate(claim.condition.residual(), dims, {}, empty)))
    unknowns = sorted(set().union(*(e.free_symbols for e in identity + fact)) - set(xs), key=str)
    if not unknowns:
        return not any(identity) and not any(fact)
    # each equation as a polynomial in the unknowns once: tested for linearity, then read
    identity_polys = [Poly(e, *unknowns) for e in identity if e != 0]
    fact_polys = [Poly(e, *unknowns) for e in fact if e != 0]
    if any(not p.is_linear for p in identity_polys + fact_polys):
        return None
    a, b = _row_space(identity_polys, len(unknowns)), _row_space(fact_polys, len(unknowns))
    rank = _rank(Matrix.vstack(a, b))
    return rank == _rank(a) == _rank(b)


@checks(IdentityIff)
@once_per_claim
def check_identity_iff(claim: IdentityIff) -> Verdict:
    """(lhs = rhs for all x) ⟺ fact."""
    sufficiency = decide_equal(claim.lhs, claim.rhs, claim.given + Given((claim.condition,)))
    if sufficiency.status is Status.REFUTED:
        return Verdict(Status.REFUTED, "⇐ direction", sufficiency.detail)
    sizes = size_symbols(claim.lhs, claim.rhs, claim.var, given=claim.given)
    checked = []
    for dims in shape_choices(claim.given, sizes):
        same = _same_conditions(claim, dims)
        label = ", ".join(f"{k}={v}" for k, v in dims.items())
        if same is False:
            return Verdict(Status.REFUTED, "exact instances", f"at {label} the identity and the condition differ")
        if same is None:
            return Verdict(Status.UNDECIDED, "exact instances", f"non-linear conditions at {label}")
        checked.append(label)
    if sufficiency.status is Status.PROVED and _necessity_general(claim):
        return Verdict(
            Status.PROVED,
            "both directions: " + sufficiency.method + "; linear-form coefficient argument, symbolic sizes",
            "also checked on sizes " + "; ".join(checked),
        )
    return Verdict(Status.CHECKED, "exact instances, both directions", "sizes " + "; ".join(checked))
