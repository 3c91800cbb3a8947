"""Equalities, chains of equalities and inequalities at points.

Strategy for ``lhs = rhs``, strongest first:

1. **shapes** — sides of different shapes are refuted at once;
2. **general proof** — index notation with symbolic sizes (:mod:`derive.verify.index`),
   matrix-expression algebra with symbolic sizes (facts such as ``A = Aᵀ`` applied),
   or symbolic simplification of scalars; a general proof is cross-checked on one
   concrete size;
3. **concrete sizes** — exact comparison with symbolic entries on several sizes
   (``checked``); a non-zero rational residual refutes the claim;
4. **random rational points** — exact evaluation (``sampled``); a non-zero value
   refutes the claim with that point as counterexample.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import lru_cache

from sympy import (
    Basic,
    Derivative,
    Indexed,
    Inverse,
    Matrix,
    MatrixBase,
    Sum,
    ZeroMatrix,
    simplify,
    sstr,
)
from sympy.matrices.exceptions import NonInvertibleMatrixError
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Chain, Equal, Fact, Given, HasShape, InRange, Unequal
from derive.linalg import nothing_to_expand
from derive.model import Status, Verdict
from derive.ops import Entry, Jacobian, is_matrix, shape_of
from derive.verify import checks, weakest
from derive.verify.index import evaluate, prove_zero
from derive.verify.instances import (
    index_choices,
    instantiate,
    is_zero_exact,
    residual,
    sample_point,
    shape_choices,
    size_symbols,
)

SAMPLES = 12
# The method of a refutation by an inverse that does not exist: with symbolic entries, SymPy
# raises only when the determinant is identically zero, so the claim's formula is undefined
# at that size — a mistake in the claim, whatever a general proof (which assumes every
# written inverse exists) said.
UNDEFINED = "exact instance: an inverse that does not exist"
_SHOWN = 160  # characters of a residual or counterexample shown in a verdict


def _short(expr: object) -> str:
    text = sstr(expr)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _same_shape(lhs: Basic, rhs: Basic) -> bool:
    a, b = shape_of(lhs), shape_of(rhs)
    return all(simplify(p - q) == 0 for p, q in zip(a, b))


def _fmt_shape(expr: Basic) -> str:
    r, c = shape_of(expr)
    return f"{sstr(r)}×{sstr(c)}"


def _apply_facts(expr: Basic, given: Given) -> Basic:
    for fact in given.facts:
        expr = _rewrite(fact, expr)
    return expr


@lru_cache(maxsize=4096)
def _rewrite(fact: Fact, expr: Basic) -> Basic:
    """A fact applied to an expression (memoized: claims that share a side and a prefix of
    their facts repeat about a third of these rewrites, and some are normalisations)."""
    return fact.rewrite(expr)


@lru_cache(maxsize=2048)
def _normal_side(expr: Basic, given: Given) -> Basic:
    """One side of an equation evaluated with the facts applied; memoized, as the terms of a
    chain and the sides of a part's claims recur."""
    return _apply_facts(evaluate(expr), given)


def _index_level(expr: Basic) -> bool:
    """Whether ``expr`` is in index notation (memoized: asked of both sides, evaluated and
    not, for every link and check; a mutable matrix is not hashable, so not memoized)."""
    try:
        return _in_index_notation(expr)
    except TypeError:
        return _in_index_notation.__wrapped__(expr)


@lru_cache(maxsize=4096)
def _in_index_notation(expr: Basic) -> bool:
    return bool(expr.has(Sum) or expr.has(Indexed) or expr.has(Entry) or expr.atoms(Derivative))


def _as_scalar_side(expr: Basic) -> Basic:
    """A 1×1 matrix expression as its single entry (for comparison with a scalar)."""
    if is_matrix(expr) and shape_of(expr) == (1, 1):
        return Entry(expr, 1, 1)
    return expr


def _expanded_difference(a: Basic, b: Basic) -> Basic:
    """``(a - b).doit().expand().doit()``, without the ``doit`` calls that cannot change anything.

    Memoized (where both sides are hashable): a part's claims compare the same normal forms again.

    For matrix expressions SymPy's ``a - b`` is already ``MatAdd(a, -b).doit()``, and ``doit``
    of a ``doit`` value is that value (the idempotence :func:`derive.linalg.normalize`
    relies on); so is ``doit`` after an ``expand`` that changed nothing. Two explicit
    matrices are subtracted entrywise, with no ``doit``: then every step is taken.
    """
    if isinstance(a, MatrixBase) and isinstance(b, MatrixBase):
        return (a - b).doit().expand().doit()
    try:
        return _memo_difference(a, b)
    except TypeError:  # a mutable matrix: not hashable
        return _difference(a, b)


@lru_cache(maxsize=1024)
def _memo_difference(a: Basic, b: Basic) -> Basic:
    return _difference(a, b)


def _difference(a: Basic, b: Basic) -> Basic:
    done = a - b
    if nothing_to_expand(done):  # expand would give it back
        return done
    expanded = done.expand()
    return done if expanded == done else expanded.doit()


def _expanded(expr: Basic) -> Basic:
    """``expr.expand()``, skipped where :func:`derive.linalg.nothing_to_expand` knows it gives ``expr`` back."""
    return expr if nothing_to_expand(expr) else expr.expand()


def prove_general(lhs: Basic, rhs: Basic, given: Given) -> str | None:
    """The name of the general method that proves lhs = rhs, or None."""
    ranges = given.of_type(InRange)
    if any(_index_level(side) or _index_level(evaluate(side)) for side in (lhs, rhs)):
        diff = _apply_facts(_as_scalar_side(lhs) - _as_scalar_side(rhs), given)
        if prove_zero(diff, ranges):
            return "index notation, symbolic sizes"
        return None
    if is_matrix(lhs) or is_matrix(rhs):
        a, b = _normal_side(lhs, given), _normal_side(rhs, given)
        if not (is_matrix(a) and is_matrix(b)):
            return None
        for side in (a, b):
            if isinstance(side, MatrixExpr) and side.has(Inverse) and not side.atoms(MatrixSymbol):
                side.doit()  # explicit numbers only: a singular inverse raises (decide_equal refutes)
        if a != b:  # equal normal forms need no difference
            difference = _expanded(_apply_facts(_expanded_difference(a, b), given)).doit()
        if a == b or isinstance(difference, ZeroMatrix) or difference == 0:
            uses_calculus = lhs.has(Jacobian) or rhs.has(Jacobian)
            return (
                "matrix calculus (SymPy's derivative, in the stated layout), symbolic sizes"
                if uses_calculus
                else "matrix-expression algebra, symbolic sizes"
            )
        return None
    diff = simplify(_apply_facts(evaluate(lhs) - evaluate(rhs), given))
    if diff == 0:
        return "symbolic simplification"
    return None


def _describe(dims: dict, indices: dict) -> str:
    chosen = {**dims, **indices}
    return ", ".join(f"{k}={v}" for k, v in chosen.items()) or "as stated"


def _counterexample(entry: Basic, rng: random.Random) -> str:
    """A concrete rational point where a non-zero residual entry is non-zero."""
    symbols = entry.free_symbols
    if not symbols:
        return f"difference {_short(entry)}"
    for _ in range(40):
        point = sample_point(symbols, rng)
        value = entry.subs(point)
        if value != 0:
            assignment = ", ".join(f"{k}={v}" for k, v in list(point.items())[:8])
            return f"at {assignment}: difference {value}"
    return f"residual {_short(entry)}"


def check_on_instances(lhs: Basic, rhs: Basic, given: Given, seed: int = 0, point: int | None = None) -> Verdict | None:
    """Exact check on concrete sizes (``checked``) or a refutation; None if there is nothing to size.

    With ``point`` the entries and parameters are exact random rationals (see
    :func:`~derive.verify.instances.instantiate`): a refutation is still a counterexample,
    but agreement is evidence at one point, not a ``checked`` identity.
    """
    sizes = size_symbols(lhs, rhs, given=given)
    ranges = given.of_type(InRange)
    if not sizes and not ranges:
        return None
    rng = random.Random(seed)
    tried: list[str] = []
    unsure: list[str] = []
    for dims in shape_choices(given, sizes):
        for indices in index_choices(given, dims):
            where = _describe(dims, indices)
            try:
                res = residual(
                    instantiate(lhs, dims, indices, given, alongside=(rhs,), point=point),
                    instantiate(rhs, dims, indices, given, alongside=(lhs,), point=point),
                )
            except ValueError as exc:  # shapes disagree at this size, or an inverse does not exist
                if point is None and isinstance(exc, NonInvertibleMatrixError):
                    return Verdict(Status.REFUTED, UNDEFINED, f"{where}: a matrix written inverted is singular for every value of its entries ({exc})")
                return Verdict(Status.REFUTED, "exact instance", f"{where}: {exc}")
            for entry in res:
                zero = is_zero_exact(entry)
                if zero is False:
                    return Verdict(Status.REFUTED, "exact instance", f"{where}: {_counterexample(entry, rng)}")
                if zero is None:
                    sampled = _sample_entry(entry, rng)
                    if sampled is not None:
                        return Verdict(Status.REFUTED, "exact instance, random point", f"{where}: {sampled}")
                    unsure.append(where)
            tried.append(where)
    sizes_text = "; ".join(_describe(dict(d), {}) for d in shape_choices(given, sizes))
    if unsure:
        return Verdict(
            Status.SAMPLED,
            f"exact random rational points ({SAMPLES} per size)",
            f"symbolic entries did not simplify at {', '.join(sorted(set(unsure)))}; sampled exactly",
        )
    return Verdict(Status.CHECKED, "exact instances with symbolic entries", f"sizes {sizes_text}")


def _sample_entry(entry: Basic, rng: random.Random) -> str | None:
    """A counterexample found by exact sampling, or None when every sample is zero."""
    for _ in range(SAMPLES):
        point = sample_point(entry.free_symbols, rng)
        value = entry.subs(point)
        zero = is_zero_exact(value) if value.is_number else is_zero_exact(simplify(value))
        if zero is False:
            assignment = ", ".join(f"{k}={v}" for k, v in list(point.items())[:8])
            return f"at {assignment}: difference {_short(value)}" if assignment else f"difference {_short(value)}"
    return None


def decide_equal(lhs: Basic, rhs: Basic, given: Given) -> Verdict:
    """The verdict on lhs = rhs (the strategy in the module docstring)."""
    if not _same_shape(lhs, rhs):
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"left side is {_fmt_shape(lhs)} but right side is {_fmt_shape(rhs)}",
        )
    try:
        method = prove_general(lhs, rhs, given)
    except NonInvertibleMatrixError as exc:
        # Evaluating the sides inverted an explicit matrix whose determinant is zero: the
        # formula is undefined, so the claim is false as written.
        return Verdict(Status.REFUTED, UNDEFINED, f"a matrix written inverted is singular ({exc})")
    if method is not None:
        cross = cross_check(lhs, rhs, given)
        if cross is not None and cross.method == UNDEFINED:
            return cross
        if cross is not None and cross.status is Status.REFUTED:
            return Verdict(Status.UNDECIDED, method, f"general proof contradicted by an instance: {cross.detail}")
        return Verdict(Status.PROVED, method, f"cross-checked on an exact instance: {cross.detail}" if cross else "")
    concrete = check_on_instances(lhs, rhs, given)
    if concrete is not None:
        return concrete
    return _sample_scalars(lhs, rhs, given)


CROSS_POINTS = (1, 2)  # seeds of the random rational points a general proof is cross-checked at


def cross_check(lhs: Basic, rhs: Basic, given: Given) -> Verdict | None:
    """A general proof's independent cross-check: lhs = rhs on the smallest concrete size.

    Entries and parameters are first set to exact random rationals (fast rational
    arithmetic). Agreement there is all a cross-check needs; a disagreement, or a point
    where an inverse is singular or a denominator vanishes, is tried at a second point,
    then settled with symbolic entries, so that a coincidence of the point never turns
    a correct proof into a contradiction.
    """
    try:
        small = _smallest(given, lhs, rhs)
    except TypeError:  # a mutable matrix: not memoized
        small = _smallest.__wrapped__(given, lhs, rhs)
    for seed in CROSS_POINTS:
        try:
            at = check_on_instances(lhs, rhs, small, point=seed)
        except Exception:  # noqa: BLE001 - any trouble at a point: the symbolic instance below decides
            continue
        if at is None:
            return None
        if at.status is Status.CHECKED:
            return Verdict(Status.CHECKED, "exact random rational instance", f"random rational entries, {at.detail}")
    return check_on_instances(lhs, rhs, small)


@lru_cache(maxsize=1024)
def _smallest(given: Given, lhs: Basic, rhs: Basic) -> Given:
    """The given facts with one small concrete size to cross-check on.

    Sizes a claim lists (a ``Shapes`` fact: tall m > n, say) are kept as listed — the
    smallest listed choice with every size at least 2 — since shrinking them could
    leave the claim's shape class (a tall 3×2 matrix is not a square 2×2 one). Without
    a listing every size is 2 where the facts admit it. Memoized: a pure function of the
    claim, asked again by every cross-check of a chain's shared terms.
    """
    from derive.claims import Shapes

    choices = shape_choices(given, size_symbols(lhs, rhs, given=given))
    if given.of_type(Shapes):
        roomy = [d for d in choices if all(v >= 2 for v in d.values())]
        small = min(roomy, key=lambda d: sum(d.values())) if roomy else max(choices, key=lambda d: min(d.values(), default=0))
    else:
        pick = max(choices, key=lambda d: min(d.values(), default=0) if d else 0) if choices else {}
        small = {k: min(v, 2) for k, v in pick.items()} if pick else {}
        if small and not all(f.admits(small) for f in given.facts):
            small = pick
    return Given(tuple(f for f in given.facts if not isinstance(f, Shapes)) + (Shapes.of(small),))


def _sample_scalars(lhs: Basic, rhs: Basic, given: Given) -> Verdict:
    a, b = _apply_facts(evaluate(lhs), given), _apply_facts(evaluate(rhs), given)
    try:
        res = residual(a, b)
    except ValueError as exc:
        return Verdict(Status.REFUTED, "shapes", str(exc))
    rng = random.Random(0)
    for entry in res:
        zero = is_zero_exact(entry)
        if zero is True:
            continue
        found = _sample_entry(entry, rng)
        if found is not None:
            return Verdict(Status.REFUTED, "exact random rational points", found)
        if zero is False:  # cannot happen: a non-zero rational function vanishing at all samples
            return Verdict(Status.UNDECIDED, "exact random rational points", f"residual {_short(entry)}")
    if all(is_zero_exact(e) is True for e in res):
        return Verdict(Status.PROVED, "exact arithmetic")
    return Verdict(Status.SAMPLED, f"exact random rational points ({SAMPLES})", "no symbolic proof found")


@checks(Equal)
def check_equal(claim: Equal) -> Verdict:
    """lhs = rhs."""
    return decide_equal(claim.lhs, claim.rhs, claim.given)


@checks(Chain)
def check_chain(claim: Chain) -> Verdict:
    """t0 = t1 = … = tk: every link, the weakest verdict wins."""
    verdicts = [decide_equal(link.lhs, link.rhs, link.given) for link in claim.links()]
    worst = weakest(verdicts)
    if not worst.status.ok:
        k = verdicts.index(worst) + 1
        return Verdict(worst.status, worst.method, f"link {k} of {len(verdicts)}: {worst.detail}")
    methods = _unique(v.method for v in verdicts)
    return Verdict(worst.status, "; ".join(methods), f"{len(verdicts)} links")


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


@checks(Unequal)
def check_unequal(claim: Unequal) -> Verdict:
    """lhs ≠ rhs, decided exactly (both sides must be free of unknowns or sized instances)."""
    if not _same_shape(claim.lhs, claim.rhs):
        # Objects of different shapes are not comparable: the claim is ill-typed, not true.
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"left side is {_fmt_shape(claim.lhs)} but right side is {_fmt_shape(claim.rhs)}: not comparable",
        )
    verdict = decide_equal(claim.lhs, claim.rhs, claim.given)
    if verdict.status is Status.REFUTED:
        return Verdict(Status.PROVED, "exact arithmetic", verdict.detail)
    if verdict.status.ok:
        return Verdict(Status.REFUTED, verdict.method, "the two sides are equal")
    return verdict


def explicit(expr: Basic) -> Matrix:
    """An explicit matrix value (helper for checkers of other claim types)."""
    if isinstance(expr, MatrixBase):
        return Matrix(expr)
    if isinstance(expr, MatrixExpr) and not expr.atoms(MatrixSymbol):
        return Matrix(expr.as_explicit())
    return Matrix([[expr]])


@checks(HasShape)
def check_has_shape(claim: HasShape) -> Verdict:
    """expr ∈ R^(rows×cols), with the shape read off the evaluated expression."""
    want = (claim.rows, claim.cols)
    try:
        value = evaluate(claim.expr)
    except Exception as exc:  # SymPy cannot evaluate it (a matrix differentiated by a vector)
        rows, cols = shape_of(claim.expr)
        if all(simplify(a - b) == 0 for a, b in zip((rows, cols), want)):
            raise
        return Verdict(
            Status.REFUTED,
            "shapes",
            f"the expression is {sstr(rows)}×{sstr(cols)} by its definition, not {sstr(want[0])}×{sstr(want[1])} "
            f"(and cannot be evaluated: {type(exc).__name__})",
        )
    rows, cols = shape_of(value)
    if all(simplify(a - b) == 0 for a, b in zip((rows, cols), want)):
        return Verdict(Status.PROVED, "shape of the evaluated expression, symbolic sizes")
    return Verdict(
        Status.REFUTED,
        "shapes",
        f"evaluated expression is {sstr(rows)}×{sstr(cols)}, not {sstr(want[0])}×{sstr(want[1])}",
    )
