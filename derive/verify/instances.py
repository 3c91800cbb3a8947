"""Exact instances: concrete sizes with symbolic entries, and random rational points.

``checked`` verdicts come from :func:`instantiate`: every size symbol gets a
concrete value, every matrix symbol an explicit matrix of entry symbols (or the
instance a fact builds: symmetric, orthogonal, diagonal…), every index symbol each
value in its range, and sums are expanded. Equality there is a polynomial or
rational-function identity, decided exactly.

``sampled`` verdicts come from :func:`sample_point`: random rationals honouring each
symbol's assumptions (positive, nonzero, integer).
"""

from __future__ import annotations

import itertools
import random
from functools import lru_cache
from collections.abc import Iterator, Mapping
from fractions import Fraction

from sympy import (
    Basic,
    Derivative,
    Identity,
    IndexedBase,
    ZeroMatrix,
    ImmutableMatrix,
    Indexed,
    Integer,
    Matrix,
    MatrixBase,
    Rational,
    Symbol,
    cancel,
    simplify,
    sympify,
    together,
)
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Fact, Given, InRange, Shapes, entry_symbol
from derive.linalg import exact_value
from derive.ops import Entry, Jacobian
from derive.verify.index import evaluate, expand_entries

DEFAULT_SIZES = (1, 2, 3, 4)
PAIR_SIZES = (1, 2, 3)


def size_symbols(*exprs: Basic, given: Given | None = None) -> list[Symbol]:
    """The sizes: symbols in the shapes of matrix symbols (and of zero and identity blocks,
    e.g. the (m-n)×n zero block of a block matrix) and in the bounds of index ranges."""
    found: set[Symbol] = set()
    for fact in given.of_type(InRange) if given else []:
        found |= sympify(fact.hi).free_symbols | sympify(fact.lo).free_symbols
    for expr in exprs:
        try:
            found |= _sizes_in(expr)
        except TypeError:  # a mutable matrix: not memoized
            found |= _sizes_in.__wrapped__(expr)
    return sorted(found, key=lambda s: s.name)


@lru_cache(maxsize=2048)
def _sizes_in(expr: Basic) -> frozenset[Symbol]:
    """The size symbols in the shapes of ``expr``'s matrix symbols, zero and identity blocks
    (memoized: a claim's sides are sized for every check and cross-check)."""
    found: set[Symbol] = set()
    for m in expr.atoms(MatrixSymbol, ZeroMatrix, Identity):
        for d in m.shape:
            found |= {s for s in getattr(d, "free_symbols", set()) if isinstance(s, Symbol)}
    return frozenset(found)


def shape_choices(given: Given, sizes: list[Symbol]) -> list[dict[Symbol, int]]:
    """The concrete sizes to check on: listed by a ``Shapes`` fact, else a small grid."""
    listed = given.of_type(Shapes)
    if listed:
        return [dict(choice) for fact in listed for choice in fact.choices]
    if not sizes:
        return [{}]
    values = DEFAULT_SIZES if len(sizes) == 1 else PAIR_SIZES
    grid = [dict(zip(sizes, combo)) for combo in itertools.product(values, repeat=len(sizes))]
    return [g for g in grid if all(f.admits(g) for f in given.facts)]


def _matrix_instance(
    m: MatrixSymbol, facts: tuple[Fact, ...], dims: Mapping[Symbol, int] | None = None
) -> ImmutableMatrix:
    frozen = None if dims is None else tuple(sorted(dims.items(), key=lambda kv: kv[0].name))
    return _built_instance(m, facts, frozen)


@lru_cache(maxsize=2048)
def _built_instance(
    m: MatrixSymbol, facts: tuple[Fact, ...], frozen: tuple[tuple[Symbol, int], ...] | None
) -> ImmutableMatrix:
    """The instance of ``m`` (memoized: instances are a pure function of the facts and sizes,
    and the two sides of a claim, its links and its checks ask for the same ones)."""
    dims = None if frozen is None else dict(frozen)
    for fact in facts:
        # A fact may need the chosen sizes themselves (a matrix defined by blocks of size n and d,
        # whose own shape (n + d)×1 does not tell n and d apart): it then defines ``instance_at``.
        at = getattr(fact, "instance_at", None)
        built = at(m, dims) if at is not None and dims is not None else fact.instance(m)
        if built is not None:
            return built
    rows, cols = (int(d) for d in m.shape)
    return ImmutableMatrix(Matrix(rows, cols, lambda i, j: entry_symbol(m.name, i, j)))


def index_choices(given: Given, dims: Mapping[Symbol, int]) -> Iterator[dict[Symbol, int]]:
    """Every value of every ranged index, at the given sizes."""
    ranges = given.of_type(InRange)
    spans = []
    for fact in ranges:
        lo, hi = (int(sympify(bound).subs(dims)) for bound in (fact.lo, fact.hi))
        spans.append([(fact.index, v) for v in range(lo, hi + 1)])
    for combo in itertools.product(*spans):
        yield dict(combo)


def instantiate(
    expr: Basic,
    dims: Mapping[Symbol, int],
    indices: Mapping[Symbol, int],
    given: Given,
    *,
    alongside: tuple[Basic, ...] = (),
    point: int | None = None,
) -> Basic:
    """``expr`` at concrete sizes and indices, with explicit matrices; evaluated.

    Matrix symbols get the same instance wherever they occur in ``expr`` and in the
    ``alongside`` expressions (the other side of a claim), so entries written in index
    notation (``x_k``) and entries of matrix expressions refer to the same symbols.

    With ``point`` (a seed), every entry symbol and scalar parameter is then given the
    exact rational :func:`point_value` — the same value on both sides of a claim, as it
    depends only on the symbol and the seed — so the instance is evaluated in rational
    arithmetic rather than in a field of rational functions.

    Memoized: a claim is instantiated again at the same size and point by a chain's
    neighbouring links, by the cross-check and by the checks on concrete sizes.
    """
    key = (
        expr,
        tuple(sorted(dims.items(), key=lambda kv: kv[0].name)),
        tuple(sorted(indices.items(), key=lambda kv: kv[0].name)),
        given,
        tuple(alongside),
        point,
    )
    try:
        hash(key)
    except TypeError:  # a mutable matrix somewhere: not memoized
        return _instantiate(expr, dims, indices, given, alongside, point)
    out = _instantiated(*key)
    # A mutable result (SymPy's Jacobian of explicit matrices) is copied: callers own it.
    return out.copy() if isinstance(out, MatrixBase) and not isinstance(out, Basic) else out


@lru_cache(maxsize=1024)
def _instantiated(
    expr: Basic,
    dims: tuple[tuple[Symbol, int], ...],
    indices: tuple[tuple[Symbol, int], ...],
    given: Given,
    alongside: tuple[Basic, ...],
    point: int | None,
) -> Basic:
    return _instantiate(expr, dict(dims), dict(indices), given, alongside, point)


def _instantiate(
    expr: Basic,
    dims: Mapping[Symbol, int],
    indices: Mapping[Symbol, int],
    given: Given,
    alongside: tuple[Basic, ...],
    point: int | None,
) -> Basic:
    sizes = tuple(sorted(((k, Integer(v)) for k, v in {**dims, **indices}.items()), key=lambda kv: kv[0].name))
    expr = _sized(expr, sizes)
    symbols: set[MatrixSymbol] = set(_matrix_symbols(expr))
    for other in alongside:
        symbols |= _matrix_symbols(_sized(other, sizes))
    instances = {m: _matrix_instance(m, given.facts, dims) for m in symbols}
    by_name = {m.name: inst for m, inst in instances.items()}
    at = (lambda e: e) if point is None else (lambda e: _at_point(e, point))
    settled = point is None  # True when every unknown left is one _at_point would keep
    if point is None:
        replaced = expr.xreplace(instances)
    elif not expr.has(Jacobian, Derivative, IndexedBase) and all(map(_plain, instances.values())):
        # Nothing to keep symbolic and no index notation: one substitution instead of two,
        # each instance already at the point (memoized) and the claim's own unknowns at theirs
        # — the expression _at_point would make of the symbolic instance, built directly.
        values: dict[Basic, Basic] = {s: point_value(s, point) for s in _unknowns(expr)}
        values.update({m: _pointed(inst, point) for m, inst in instances.items()})
        replaced = expr.xreplace(values)
        settled = True
    else:
        # Variables of differentiation stay symbols until the derivative is taken; every
        # other unknown is a number at once.
        replaced = expr.xreplace(instances)
        variables = [j.x for j in replaced.atoms(Jacobian)]
        variables += [v for d in replaced.atoms(Derivative) for v, _ in d.variable_count]
        keep = set().union(*(v.free_symbols for v in variables))
        replaced = _at_point(replaced, point, keep)
    # Pure matrix algebra over explicit matrices: exact and fast in a fraction field.
    fast = exact_value(replaced)
    if fast is not None and settled:
        # Rational functions of the symbols left, which are at the point already: no entry
        # in index notation to resolve and nothing for _at_point to do.
        return fast
    out = fast if fast is not None else evaluate(replaced)

    def entry_of(e: Indexed) -> Basic:
        idx = [int(i) for i in e.indices]
        inst = by_name.get(str(e.base.label))
        if inst is None:  # an entry of no matrix symbol: a plain unknown of its own
            return Symbol(f"{e.base.label}_{''.join(str(i) for i in idx)}")
        if len(idx) == 1:
            k = idx[0] - 1
            return at(inst[k, 0] if inst.shape[1] == 1 else inst[0, k])
        return at(inst[idx[0] - 1, idx[1] - 1])

    if out.has(Indexed):
        out = out.replace(lambda e: isinstance(e, Indexed) and all(i.is_Integer for i in e.indices), entry_of)
        out = evaluate(out)
    if isinstance(out, MatrixExpr) and not isinstance(out, MatrixBase):
        out = out.as_explicit()
    return at(out)


@lru_cache(maxsize=1024)
def _matrix_symbols(expr: Basic) -> frozenset[MatrixSymbol]:
    return frozenset(expr.atoms(MatrixSymbol))


@lru_cache(maxsize=1024)
def _plain(instance: Basic) -> bool:
    """No derivative and no index notation in an instance: :func:`_at_point` puts every
    unknown of it at the point."""
    return not instance.has(Jacobian, Derivative, IndexedBase)


def _unknowns(expr: Basic) -> list[Symbol]:
    return [s for s in expr.free_symbols if isinstance(s, Symbol) and not s.is_integer]


@lru_cache(maxsize=1024)
def _pointed(instance: Basic, seed: int) -> Basic:
    """A plain instance at the point of ``seed`` (memoized: the instances recur)."""
    return _at_point(instance, seed)


@lru_cache(maxsize=1024)
def _sized(expr: Basic, sizes: tuple[tuple[Symbol, Integer], ...]) -> Basic:
    """``expr`` with entries in index notation and every size and index at its value.

    ``xreplace``, not ``subs``: sizes and indices are plain symbols, and ``subs`` is many
    times slower. Memoized: both sides of a claim ask for each other's matrix symbols.
    """
    # expand_entries replaces Entry nodes only: without one it returns ``expr`` itself.
    return (expand_entries(expr) if expr.has(Entry) else expr).xreplace(dict(sizes))


def as_matrix(value: Basic) -> Matrix:
    if isinstance(value, MatrixBase):
        return Matrix(value)
    if isinstance(value, MatrixExpr):
        return Matrix(value.as_explicit())
    return Matrix([[value]])


def residual(lhs: Basic, rhs: Basic) -> Matrix:
    """Entrywise lhs - rhs in a canonical rational form; raises ValueError on shape mismatch."""
    a, b = as_matrix(lhs), as_matrix(rhs)
    if a.shape != b.shape:
        raise ValueError(f"sides have shapes {a.shape} and {b.shape}")
    return (a - b).applyfunc(lambda e: cancel(together(e)) if e != 0 else e)


def is_zero_exact(entry: Basic) -> bool | None:
    """True/False when decided exactly; None when simplification cannot tell."""
    if entry == 0:
        return True
    if entry.is_number:
        z = entry.equals(0)
        return z
    if entry.is_rational_function():
        return False  # cancel() gives a canonical form: non-zero means non-zero
    s = simplify(entry)
    if s == 0:
        return True
    return None


def sample_value(symbol: Symbol, rng: random.Random) -> Rational:
    """A random rational honouring the symbol's assumptions."""
    if symbol.is_integer:
        lo = 1 if symbol.is_positive else (0 if symbol.is_nonnegative else -5)
        return Integer(rng.randint(lo, 6))
    num = rng.randint(1, 9)
    den = rng.randint(1, 5)
    value = Fraction(num, den)
    if not (symbol.is_positive or symbol.is_nonnegative) and rng.random() < 0.5:
        value = -value
    return Rational(value.numerator, value.denominator)


def point_value(symbol: Symbol, seed: int) -> Rational:
    """A random rational for ``symbol`` that depends only on its name, assumptions and ``seed``.

    Drawn from a wide range (numerators up to 10⁶, denominators up to 10³; a positive
    symbol gets the square of such a fraction), so a non-zero rational function of a few
    such values vanishes only by a rare coincidence.
    """
    rng = random.Random(f"{seed}:{symbol.name}:{sorted(symbol.assumptions0.items())}")
    if symbol.is_integer:
        return sample_value(symbol, rng)
    if symbol.is_positive or symbol.is_nonnegative:
        # A square, so that √λ (an augmented matrix's √λ·I) is rational too and the instance
        # stays in exact rational arithmetic.
        return Rational(rng.randint(1, 10**3), rng.randint(1, 10**3)) ** 2
    value = Rational(rng.randint(1, 10**6), rng.randint(1, 10**3))
    return -value if rng.random() < 0.5 else value


def _at_point(expr: Basic, seed: int, keep: set[Basic] = frozenset()) -> Basic:  # type: ignore[assignment]
    """``expr`` with every free non-integer symbol (but those in ``keep``) at its :func:`point_value`."""
    labels = {b.label for b in expr.atoms(IndexedBase)}
    symbols = [s for s in expr.free_symbols if isinstance(s, Symbol) and not s.is_integer and s not in labels and s not in keep]
    return expr.xreplace({s: point_value(s, seed) for s in symbols}) if symbols else expr


def sample_point(symbols: set[Symbol], rng: random.Random) -> dict[Symbol, Rational]:
    return {s: sample_value(s, rng) for s in sorted(symbols, key=lambda s: s.name)}
