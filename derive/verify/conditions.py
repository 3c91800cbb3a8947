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
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.orderings import lex
from sympy.polys.polyerrors import CoercionFailed
from sympy.polys.rings import PolyRing

from derive.claims import Given, IdentityIff
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


def _linear_rows(terms: list, count: int, zero: object) -> list[list]:
    """The coefficients of the unknowns (the generators) in linear polynomials, one row
    each; ``terms`` holds each polynomial's (monomial, coefficient) pairs."""
    rows = []
    for pairs in terms:
        row = [zero] * count
        for monom, coeff in pairs:
            if sum(monom) == 1:
                row[monom.index(1)] = coeff
        rows.append(row)
    return rows


def _row_space(polys: list[Poly], count: int) -> Matrix:
    """The coefficients of the unknowns (the generators) in linear polynomials, one row each."""
    rows = _linear_rows([p.terms() for p in polys], count, S.Zero)
    return Matrix(rows) if rows else Matrix.zeros(1, count)


def _rank(matrix: Matrix) -> int:
    """The rank of ``matrix``: over QQ by the polys' dense elimination when every entry is
    rational (the same number as ``Matrix.rank``, without its per-entry SymPy arithmetic and
    pivot heuristics), else ``Matrix.rank`` itself."""
    if all(e.is_Rational for e in matrix):
        return DomainMatrix.from_Matrix(matrix).to_field().rank()
    return matrix.rank()


def _same_by_ring(differences: list, fact: list, xs: list) -> bool | None:
    """:func:`_same_conditions` for entries that are polynomials with rational coefficients,
    read in one polynomial ring over QQ (the entries of ``x`` first, then the unknowns)
    instead of a ``Poly`` per entry and per coefficient: the same coefficient polynomials
    (grouped by the monomial in ``x``), the same linearity test and the same rows. None
    (decide as before) where an entry is not such a polynomial, the fact involves ``x``,
    there are no unknowns, or a condition is not linear."""
    xset = set(xs)
    if any(e.free_symbols & xset for e in fact):
        return None
    unknowns = sorted(set().union(*(e.free_symbols for e in differences + fact)) - xset, key=str)
    if not unknowns or len({str(u) for u in unknowns}) < len(unknowns):
        return None
    ring = PolyRing([*xs, *unknowns], QQ, lex)
    try:
        identity_polys = [ring.from_expr(e) for e in differences if e != 0]
        fact_polys = [ring.from_expr(e) for e in fact if e != 0]
    except (ValueError, CoercionFailed):
        return None
    k, count = len(xs), len(unknowns)
    # each coefficient of a monomial in x, as {monomial in the unknowns: coefficient}
    conditions: list[dict] = []
    for p in identity_polys:
        groups: dict[tuple, dict] = {}
        for monom, coeff in p.terms():
            groups.setdefault(monom[:k], {})[monom[k:]] = coeff
        conditions.extend(groups.values())
    facts = [{monom[k:]: coeff for monom, coeff in p.terms()} for p in fact_polys]
    # the unknowns as the long way finds them: in the expanded coefficients and in the
    # fact's entries as written; with none, it decides by itself
    used = {u for c in conditions for m in c for u, d in zip(unknowns, m) if d}
    used |= set().union(*(e.free_symbols for e in fact)) - xset
    if not used:
        return None
    if any(sum(m) > 1 for c in conditions + facts for m in c):
        return None

    def rows(polys: list[dict]) -> DomainMatrix:
        out = _linear_rows([c.items() for c in polys], count, QQ.zero)
        return DomainMatrix(out or [[QQ.zero] * count], (len(out) or 1, count), QQ)

    a, b = rows(conditions), rows(facts)
    rank = a.vstack(b).rank()
    return rank == a.rank() == b.rank()


def _same_conditions(claim: IdentityIff, dims: dict) -> bool | None:
    """Whether 'D(x) = 0 for all x' and the fact are the same linear conditions at these sizes."""
    empty = Given()
    lhs = as_matrix(instantiate(claim.lhs, dims, {}, empty))
    rhs = as_matrix(instantiate(claim.rhs, dims, {}, empty))
    var = as_matrix(instantiate(claim.var, dims, {}, empty))
    xs = list(var)
    fact = list(as_matrix(instantiate(claim.condition.residual(), dims, {}, empty)))
    differences = list(lhs - rhs)
    fast = _same_by_ring(differences, fact, xs)
    return fast if fast is not None else _same_by_poly(differences, fact, xs)


def _same_by_poly(differences: list, fact: list, xs: list) -> bool | None:
    """:func:`_same_conditions` from the entries of D(x) and of the fact's residual."""
    identity = []
    for entry in differences:
        identity.extend(Poly(expand(entry), *xs).coeffs() if entry != 0 else [])
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
