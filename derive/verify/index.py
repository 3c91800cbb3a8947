"""General proofs in index notation (symbolic sizes).

An identity between scalar expressions built from ``Sum``, ``Indexed`` entries,
``Derivative`` and :class:`~derive.ops.Entry` is proved for every size ``n`` by

1. expanding each ``Entry`` of a matrix expression with SymPy's own entry rule
   (independent of how a deriver wrote the entry),
2. evaluating derivatives (``Derivative(Sum(...), x_k)`` gives Kronecker deltas),
3. settling range conditions with the ``InRange`` facts (``1 <= k <= n``),
4. bringing every sum to a canonical form: sums split over addends, factors free of
   the summation index pulled out, bound indices renamed canonically. Two sides
   whose canonical forms agree are equal for every ``n`` (each rewrite is an identity
   of finite sums), so a zero difference is a proof. A non-zero difference proves
   nothing; the caller then checks concrete sizes.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations, product

from sympy import (
    Add,
    Basic,
    Dummy,
    Expr,
    Indexed,
    Integer,
    Interval,
    KroneckerDelta,
    Mul,
    Piecewise,
    S,
    Sum,
    Symbol,
    expand,
    piecewise_fold,
)
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.claims import InRange
from derive.ops import Entry, indexed

_MAX_PERMUTED = 4  # canonical renaming tries every order of at most this many indices


def expand_entries(expr: Basic) -> Basic:
    """Replace each ``Entry(M, i, j)`` by SymPy's entry of ``M`` in 1-based index notation."""
    if not expr.has(Entry):  # most sides have none: has() walks the tree without rebuilding it
        return expr
    return expr.replace(lambda e: isinstance(e, Entry), _expanded_entry)


@lru_cache(maxsize=1024)
def _expanded_entry(entry: Entry) -> Basic:
    """One entry in index notation. Memoized: the sides of a part's claims and of the two
    directions of a condition state the same entries (``(Ax)_i``, ``(xᵀA)_k``) again; the
    bound indices of a recurring entry's sums are then the same dummies, which every use
    of the sums renames (:func:`_merge`, :func:`canonical`) before comparing."""
    raw = entry.matrix.doit()._entry(entry.i - 1, entry.j - 1)
    return _one_based(raw)


def _one_based(expr: Basic) -> Basic:
    """SymPy writes entries 0-based (``x[i, 0]``, sums from 0); shift to the course's 1-based form."""

    def shift_sum(s: Sum) -> Sum:
        body = s.function
        limits = []
        for limit in s.limits:
            var, lo, hi = limit
            if lo == 0:
                new = Dummy(var.name)
                body = body.xreplace({var: new - 1})
                limits.append((new, Integer(1), hi + 1))
            else:
                limits.append(limit)
        return Sum(body, *limits)

    expr = expr.replace(lambda e: isinstance(e, Sum), shift_sum)
    return expr.replace(
        lambda e: isinstance(e, MatrixElement),
        lambda e: indexed(e.parent, e.i + 1, e.j + 1),
    )


def settle_ranges(expr: Basic, ranges: list[InRange]) -> Basic:
    """Decide the relations an ``InRange`` fact implies (e.g. ``k <= n`` when 1 <= k <= n)."""
    decided: dict[Basic, Basic] = {}
    for rel in expr.atoms(Relational):
        for fact in ranges:
            trial = _range_truth(rel, fact)
            if trial is not None:
                decided[rel] = trial
                break
    out = expr.xreplace(decided) if decided else expr
    return piecewise_fold(out) if out.has(Piecewise) else out


@lru_cache(maxsize=2048)
def _range_truth(rel: Relational, fact: InRange) -> Basic | None:
    """``S.true`` or ``S.false`` when ``fact`` decides ``rel`` (the index written as
    ``lo + a``, the size as ``lo + a + b`` above the rest of ``hi``, with ``a, b >= 0``),
    else None. Memoized: the sides of a part's claims meet the same range conditions."""
    if fact.index not in rel.free_symbols:
        return None
    a = Dummy("a", integer=True, nonnegative=True)
    b = Dummy("b", integer=True, nonnegative=True)
    trial = rel.subs(fact.index, fact.lo + a)
    hi_symbols = [s for s in fact.hi.free_symbols if isinstance(s, Symbol)]
    if len(hi_symbols) == 1:
        (h,) = hi_symbols
        solved = (fact.lo + a + b) - (fact.hi - h)
        trial = trial.subs(h, solved)
    return trial if trial in (S.true, S.false) else None


def _sum_factors(term: Expr) -> list[Expr]:
    """The factors of a product, with a power of a sum written as that many copies."""
    out: list[Expr] = []
    for factor in Mul.make_args(term):
        base, exp = factor.as_base_exp()
        if isinstance(base, Sum) and exp.is_Integer and 1 < exp <= 4:
            out.extend([base] * int(exp))
        else:
            out.append(factor)
    return out


def _merge(term: Expr) -> tuple[Expr, list[tuple]]:
    """Write a product of sums as one multiple sum: (summand, limits)."""
    body: Expr = Integer(1)
    limits: list[tuple] = []
    for factor in _sum_factors(term):
        while isinstance(factor, Sum):
            renamed = {}
            for var, lo, hi in factor.limits:
                new = Dummy(var.name)
                renamed[var] = new
                limits.append((new, lo, hi))
            # each copy of a sum gets fresh bound indices
            factor = factor.function.xreplace(renamed)
            limits = [(v, lo.xreplace(renamed), hi.xreplace(renamed)) for v, lo, hi in limits]
        body = body * factor
    return body, limits


def _monomials(term: Expr, limits: list[tuple], depth: int = 0) -> list[tuple[Expr, list[tuple]]]:
    """A term as monomials with the sums around them, sums inside summands pulled out."""
    body, inner = _merge(term)
    out = []
    for monomial in Add.make_args(expand(body)):
        if monomial.has(Sum) and depth < 6:
            out.extend(_monomials(monomial, limits + inner, depth + 1))
        else:
            out.append((monomial, limits + inner))
    return out


def _canonical_sum(monomial: Expr, limits: list[tuple]) -> Expr:
    dummies = [v for v, _, _ in limits]
    outside, inside = [], []
    for factor in Mul.make_args(monomial):
        (inside if factor.free_symbols & set(dummies) else outside).append(factor)
    coeff = Mul(*outside)
    body = Mul(*inside)
    used = [lim for lim in limits if lim[0] in body.free_symbols]
    for var, lo, hi in limits:
        if var not in body.free_symbols:
            coeff *= hi - lo + 1
    if not used:
        return coeff * body
    bounds_free = all(not (lo.free_symbols | hi.free_symbols) & set(dummies) for _, lo, hi in used)
    if not bounds_free or len(used) > _MAX_PERMUTED:
        return coeff * Sum(body, *used)
    best = None
    for order in permutations(used):
        names = {lim[0]: Symbol(f"_d{k}", integer=True) for k, lim in enumerate(order)}
        candidate = Sum(
            body.xreplace(names),
            *[(names[v], lo, hi) for v, lo, hi in sorted(order, key=lambda l: names[l[0]].name)],
        )
        if len(used) == 1:
            return coeff * candidate  # the only order: nothing to compare (printing is slow)
        key = str(candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return coeff * best[1]


def canonical(expr: Basic) -> Basic:
    """A canonical form of a scalar expression containing sums (see module docstring)."""
    out = []
    for term in Add.make_args(expand(expr)):
        if not term.has(Sum):
            out.append(term)
            continue
        for monomial, limits in _monomials(term, []):
            out.append(_canonical_sum(monomial, limits))
    return Add(*out)


class _IndexSum(Sum):
    """A sum that skips SymPy's search for a closed form where none can exist.

    Over symbolic bounds, a summand whose every term holds the summation index only
    inside entries (``A_ij x_j``, ``Entry(Xw - y, i)²``) has no closed form, and SymPy's attempts (Gosper,
    hypergeometric terms) cost most of an index-notation proof. Such a sum is left as
    it is — :func:`canonical` splits and normalises it — and every other sum (deltas,
    index-free terms, concrete bounds) is evaluated by SymPy as before.
    """

    def doit(self, **hints):  # type: ignore[override]
        f = self.function.doit(**hints) if hints.get("deep", True) else self.function
        terms = _written_out(f, self.limits)
        if terms is not None:
            return Add(*terms).doit(**hints) if hints.get("deep", True) else Add(*terms)
        if _opaque(f, self.limits):
            return self.func(f, *self.limits)
        split = _split(f, self.limits, hints)
        if split is not None:
            return split
        return Sum(f, *self.limits).doit(**hints)


def _split(f: Basic, limits: tuple, hints: dict) -> Basic | None:
    """A sum over symbolic bounds by linearity, so that each part is left as it is or
    evaluated on its own: a multiple sum as nested sums (innermost first), a sum of
    terms as the terms' sums, a constant factor pulled out. SymPy's own rules otherwise
    search a closed form of the whole summand (``δ_ik A_ij x_j`` summed over j) first.
    A factor ``Piecewise`` whose conditions are free of the index is taken outside the sum,
    and a delta sum is evaluated by :func:`_delta_sum`. None where no rule applies."""
    if all((hi - lo).is_number for _, lo, hi in limits):
        return None
    if len(limits) > 1:
        inner = _IndexSum(f, limits[0]).doit(**hints)
        if isinstance(inner, Sum):
            return None  # (a sum around it would take the inner limit back: SymPy nests so)
        return _IndexSum(inner, *limits[1:]).doit(**hints)
    (var, _, _), terms = limits[0], Add.make_args(f)
    if var not in f.free_symbols:
        return None  # SymPy: the summand times the number of terms
    if len(terms) > 1:
        return Add(*[_IndexSum(t, *limits).doit(**hints) for t in terms])
    factor, rest = f.as_independent(var, as_Add=False)
    if factor != 1:
        return factor * _IndexSum(rest, *limits).doit(**hints)
    cases = [p for p in Mul.make_args(f) if isinstance(p, Piecewise)]
    if len(cases) == 1 and not any(c.has(var) for _, c in cases[0].args):
        # conditions free of the index: the sum of each case under its condition
        (case,) = cases
        others = _without(f, case)
        return Piecewise(*[(_IndexSum(others * e, *limits).doit(**hints), c) for e, c in case.args])
    if f.has(Piecewise):
        return None
    return _delta_sum(f, limits[0])


def _without(term: Basic, factor: Basic) -> Basic:
    """A product without one of its factors (not a division: a Piecewise over itself is not 1)."""
    factors = list(Mul.make_args(term))
    factors.remove(factor)
    return Mul(*factors)


def _delta_sum(f: Basic, limit: tuple) -> Basic | None:
    """``sum_i δ_ik g(i) = g(k)`` if ``lo <= k <= hi`` (else 0), in SymPy's own form, for a
    product with one delta in the summation index and no sum to expand; None otherwise."""
    var, lo, hi = limit
    if ((hi - lo) < 0) == True or any(var in s.variables for s in f.atoms(Sum)):  # noqa: E712
        return None
    deltas = [d for d in Mul.make_args(f) if isinstance(d, KroneckerDelta) and d.has(var)]
    if len(deltas) != 1 or deltas[0].delta_range is not None:
        return None
    (delta,) = deltas
    rest = _without(f, delta)
    if rest.has(Add, KroneckerDelta):
        return None
    a, b = delta.args
    value = b if a == var else a if b == var else None
    if value is None or value.has(var):
        return None
    if any(value.free_symbols & set(s.variables) for s in rest.atoms(Sum)):
        return None  # the value would be captured by an inner sum's index
    return Piecewise((rest.xreplace({var: value}), Interval(lo, hi).as_relational(value)), (S.Zero, True))


_MAX_WRITTEN = 64  # terms of a sum over concrete bounds written out directly


def _written_out(f: Basic, limits: tuple) -> list[Basic] | None:
    """The terms of a sum over concrete bounds (``x_1 + x_2`` for ``sum_{i=1}^2 x_i``).

    SymPy reaches the same terms only after trying delta rules and partial fractions on
    the summand. Left to SymPy (None): symbolic or reversed bounds, matrix summands and
    summands holding an unevaluated sum (which may bind the same index)."""
    if getattr(f, "is_Matrix", False) or f.has(Sum):
        return None
    spans = []
    count = 1
    for var, lo, hi in limits:
        if not (lo.is_Integer and hi.is_Integer and lo <= hi):
            return None
        count *= int(hi - lo) + 1
        spans.append([(var, Integer(v)) for v in range(int(lo), int(hi) + 1)])
    if count > _MAX_WRITTEN:
        return None
    return [f.xreplace(dict(point)) for point in product(*spans)]


def _opaque(f: Basic, limits: tuple) -> bool:
    if f.has(KroneckerDelta, Piecewise):
        return False
    for var, lo, hi in limits:
        if (hi - lo).is_number:
            return False
        for term in Add.make_args(f):
            # entries of matrix expressions (``Entry(Xw - y, i)``, as a norm's definition
            # writes them) are entries too: unknown functions of the index
            outside = term.xreplace({e: Integer(1) for e in term.atoms(Indexed, Entry)})
            if var not in term.free_symbols or var in outside.free_symbols:
                return False
    return True


def evaluate(expr: Basic, rounds: int = 4) -> Basic:
    """``doit`` until nothing changes: a derivative of a sum yields a sum of deltas
    that only a second pass evaluates. Sums are evaluated as :class:`_IndexSum`.

    Memoized: a claim's sides are evaluated to tell index notation from matrix algebra
    and again on the way to their normal form, and chains share their terms."""
    try:
        hash(expr)
    except TypeError:  # a mutable matrix: not memoized
        return _evaluate(expr, rounds)
    return _evaluated(expr, rounds)


@lru_cache(maxsize=4096)
def _evaluated(expr: Basic, rounds: int) -> Basic:
    return _evaluate(expr, rounds)


def _lazy_sums(expr: Basic) -> Basic:
    return expr.replace(lambda e: type(e) is Sum, lambda e: _IndexSum(*e.args))


def _evaluate(expr: Basic, rounds: int) -> Basic:
    lazy = expr.has(Sum)
    if lazy:
        expr = _lazy_sums(expr)
    for _ in range(rounds):
        new = _doit(expr)
        if new.has(Sum):  # sums a round created (a norm's definition, SymPy's delta rules)
            lazy = True
            new = _lazy_sums(new)
        if new == expr:
            break
        expr = new
    if lazy or expr.has(_IndexSum):
        expr = expr.replace(lambda e: isinstance(e, _IndexSum), lambda e: Sum(*e.args))
    return expr


def _doit(expr: Basic) -> Basic:
    """``expr.doit()``, memoized where ``expr`` is hashable (an immutable expression): the
    rounds of :func:`evaluate` meet the same forms again (a result confirmed unchanged, a
    side that is another claim's evaluated side)."""
    try:
        return _doit_memo(expr)
    except TypeError:  # a mutable matrix
        return expr.doit()


@lru_cache(maxsize=4096)
def _doit_memo(expr: Basic) -> Basic:
    return expr.doit()


def _evaluate_terms(expr: Basic) -> Basic:
    """:func:`evaluate` term by term, each term without its numeric coefficient (``doit`` of a
    sum is the sum of the terms' ``doit``): the links of a chain share their terms, with
    either sign, and each is then evaluated once."""
    out = []
    for term in Add.make_args(expr):
        coeff, rest = term.as_coeff_Mul()
        out.append(coeff * evaluate(rest))
    return Add(*out)


def prove_zero(difference: Basic, ranges: list[InRange]) -> bool:
    """True only when ``difference`` is shown to be 0 for every size and in-range index."""
    expr = _evaluate_terms(expand_entries(difference))
    if expr.has(Entry):  # evaluation can produce entries (a norm's definition): expand those too
        expr = _evaluate_terms(expand_entries(expr))
    expr = settle_ranges(expr, ranges)
    if expr.has(Piecewise):
        return False
    return canonical(expr) == 0
