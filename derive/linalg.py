"""Exact linear algebra for derivations: shapes, orthogonal matrices, SVD models, rank.

Four groups, each usable on its own:

* **Shapes** — :func:`conform` walks a matrix expression and returns its shape, or
  raises :class:`~derive.errors.ShapeError` naming the product (or sum, or inverse)
  that does not conform and the shapes involved. SymPy itself accepts
  ``(X.T*X).I * y.T * X`` for symbolic sizes without complaint; the verifier calls
  :func:`conform` on every claim first, so such a claim is refuted with a readable
  message. :func:`mul` and :func:`inv` build products and inverses after checking.
* **Exact instances** — :func:`orthogonal_matrix` (the Cayley transform of a seeded
  rational skew-symmetric matrix, exactly orthogonal), :func:`singular_value` (the
  positive symbol σ_i shared by every instance), :func:`rectangular_diagonal`, and
  :func:`exact_value`, which evaluates a matrix expression over explicit matrices in a
  fraction field (what makes checks on symbolic instances fast).
* **Facts** a claim is made under (see :class:`derive.claims.Fact`):
  :class:`Orthogonal`, :class:`SVD` (the full SVD with an exact block model of Σ and
  Σ†), :class:`FullColumnRank`, :class:`FullRowRank`, :class:`Tall`, :class:`Wide`,
  :class:`OneByOne` (a 1×1 matrix equals its transpose). Each fact rewrites
  expressions for a general proof (symbolic sizes) and builds exact instances for a
  check on concrete shapes.
* **Lemmas and claims** — :func:`positive_definite` and :func:`invertible` recognise
  the standard reasons a matrix is positive definite / invertible (a Gram matrix of a
  full-rank factor, a positive multiple of the identity, sums, products); the claims
  :class:`Minimizer`, :class:`MinNormSolution`, :class:`UniqueSolution`,
  :class:`Invertible`, :class:`Singular`, :class:`PositiveDefinite` and
  :class:`Dimensions` state optimization, invertibility and shape results. Their
  checkers live in :mod:`derive.verify.linalg_checks`.

A typical use (problem 3 builds every part this way)::

    X = MatrixSymbol("X", m, n); w = MatrixSymbol("w", n, 1); y = MatrixSymbol("y", m, 1)
    TALL = Given((Tall(X), FullColumnRank(X)))
    Minimizer(SqNorm(X * w - y), w, (X.T * X).I * X.T * y, TALL)        # proved
    svd = SVD(X, U, Sigma, V, MatrixSymbol("D", n, n), Sigma_dagger)     # tall: D is n×n
    Equal((X.T * X).I * X.T * y, V * Sigma_dagger * U.T * y, Given((svd,)) + TALL)  # proved
    SVD(..., instances_only=True) with a Shapes fact: checked on the listed shapes only.

Conventions: sizes are positive integer symbols (``Symbol("m", integer=True,
positive=True)``); vectors are columns (``MatrixSymbol("w", n, 1)``); derivatives are
in the course's numerator layout (:class:`derive.ops.Jacobian`).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from sympy import (
    Add,
    Basic,
    BlockMatrix,
    Determinant,
    Dummy,
    Expr,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    MatrixBase,
    Mul,
    Pow,
    Rational,
    Symbol,
    Transpose,
    ZeroMatrix,
    expand,
    preorder_traversal,
    simplify,
    sqrt,
    sstr,
    sympify,
)
from sympy.core.containers import Tuple as STuple
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol
from sympy.matrices.expressions.blockmatrix import block_collapse
from sympy.matrices.expressions.special import GenericIdentity

from derive.claims import NOTHING, Claim, Fact, Given, Shapes
from derive.errors import ShapeError
from derive.notation import ArgMin, Diag, Element, Equation, Rank, RealSpace, Relation, Tuple_, Words
from derive.ops import Entry, Jacobian, SqNorm

Shape = tuple[Basic, Basic]

# -- shapes -------------------------------------------------------------------------------


def same_size(a: Basic, b: Basic) -> bool:
    """Whether two sizes are provably equal (``n`` and ``n``, ``m - n + n`` and ``m``)."""
    return _same_size(sympify(a), sympify(b))


@lru_cache(maxsize=4096)
def _same_size(a: Basic, b: Basic) -> bool:
    if a == b:
        return True
    difference = expand(a - b)  # sizes are polynomials in the size symbols: expanded, zero is 0
    if difference == 0 or difference.is_number or difference.is_polynomial():
        return difference == 0  # an expanded non-zero polynomial is not the zero polynomial
    return simplify(difference) == 0  # Min, Max and the like


def shape_text(shape: Shape) -> str:
    """A shape as plain text, e.g. ``m×n``."""
    return f"{sstr(shape[0])}×{sstr(shape[1])}"


def conform(expr: Basic) -> Shape:
    """The shape of ``expr`` after checking that every product, sum and inverse in it conforms.

    Scalars count as 1×1. Raises :class:`~derive.errors.ShapeError` naming the first
    operation that fails and the shapes of its operands. Sizes must agree provably:
    ``m`` and ``n`` are different sizes even though some ``m`` may equal some ``n``.
    Memoized for hashable expressions (a ShapeError is raised again each time, not stored).
    """
    try:
        hash(expr)
    except TypeError:  # a mutable matrix
        return _conform(expr)
    return _conformed(expr)


@lru_cache(maxsize=4096)
def _conformed(expr: Basic) -> Shape:
    return _conform(expr)


def _conform(expr: Basic) -> Shape:
    if isinstance(expr, MatrixSymbol | Identity | ZeroMatrix | MatrixBase):
        return tuple(sympify(d) for d in expr.shape)  # type: ignore[return-value]
    if isinstance(expr, Transpose):
        rows, cols = conform(expr.arg)
        return cols, rows
    if isinstance(expr, Inverse):
        shape = conform(expr.arg)
        if not same_size(*shape):
            raise ShapeError(
                f"cannot invert {sstr(expr.arg)} ({shape_text(shape)}): only a square matrix has an inverse"
            )
        return shape
    if isinstance(expr, MatPow):
        shape = conform(expr.base)
        if expr.exp != 1 and not same_size(*shape):
            raise ShapeError(f"cannot take the power {sstr(expr.exp)} of {sstr(expr.base)} ({shape_text(shape)}): not square")
        return shape
    if isinstance(expr, MatMul):
        return _conform_product(expr)
    if isinstance(expr, MatAdd):
        shapes = [(term, conform(term)) for term in expr.args]
        first, shape = shapes[0]
        for term, other in shapes[1:]:
            if not (same_size(shape[0], other[0]) and same_size(shape[1], other[1])):
                raise ShapeError(
                    f"cannot add {sstr(first)} ({shape_text(shape)}) and {sstr(term)} ({shape_text(other)}) "
                    f"in {sstr(expr)}"
                )
        return shape
    if isinstance(expr, BlockMatrix):
        return _conform_blocks(expr)
    if isinstance(expr, Determinant):
        shape = conform(expr.arg)
        if not same_size(*shape):
            raise ShapeError(f"cannot take the determinant of {sstr(expr.arg)} ({shape_text(shape)}): not square")
        return Integer(1), Integer(1)
    for arg in expr.args:
        if isinstance(arg, Basic):
            conform(arg)
    if isinstance(expr, MatrixExpr):
        return tuple(sympify(d) for d in expr.shape)  # type: ignore[return-value]
    return Integer(1), Integer(1)


def _conform_blocks(expr: BlockMatrix) -> Shape:
    """Blocks in a block row share their height, blocks in a block column their width."""
    rows, cols = expr.blockshape
    shapes = [[conform(expr.blocks[i, j]) for j in range(cols)] for i in range(rows)]
    for i in range(rows):
        for j in range(cols):
            height, width = shapes[i][j]
            if not same_size(height, shapes[i][0][0]) or not same_size(width, shapes[0][j][1]):
                raise ShapeError(
                    f"block ({i + 1}, {j + 1}) of {sstr(expr)} is {shape_text(shapes[i][j])}, which does not fit "
                    f"block row {i + 1} (height {sstr(shapes[i][0][0])}) and block column {j + 1} "
                    f"(width {sstr(shapes[0][j][1])})"
                )
    return tuple(sympify(d) for d in expr.shape)  # type: ignore[return-value]


def _conform_product(expr: MatMul) -> Shape:
    matrices = [a for a in expr.args if isinstance(a, MatrixExpr | MatrixBase)]
    for a in expr.args:
        if a not in matrices:
            conform(a)  # a scalar factor may contain matrix expressions (an entry, a norm)
    if not matrices:
        return Integer(1), Integer(1)
    left = matrices[0]
    rows, cols = conform(left)
    for right in matrices[1:]:
        r_rows, r_cols = conform(right)
        if not same_size(cols, r_rows):
            raise ShapeError(
                f"cannot multiply {sstr(left)} ({shape_text((rows, cols))}) by {sstr(right)} "
                f"({shape_text((r_rows, r_cols))}): the inner sizes {sstr(cols)} and {sstr(r_rows)} differ, "
                f"in the product {sstr(expr)}"
            )
        left = MatMul(left, right)
        cols = r_cols
    return rows, cols


def mul(*factors: Basic) -> Basic:
    """The product of the factors, after :func:`conform` has checked it (ShapeError otherwise)."""
    product = MatMul(*factors)
    conform(product)
    return product


def inv(matrix: Basic) -> Inverse:
    """The inverse of a square matrix expression (ShapeError for a non-square one)."""
    inverse = Inverse(matrix)
    conform(inverse)
    return inverse


# -- exact instances -------------------------------------------------------------------------


def singular_value(i: int) -> Symbol:
    """σ_i, the i-th singular value (1-based): a positive symbol, the same in every instance."""
    return Symbol(f"sigma_{i}", positive=True)


def seed_of(name: str) -> int:
    """A stable seed for the instance of a named matrix (the same in every run)."""
    return zlib.crc32(name.encode())


_SKEW_NUMERATORS = (-2, -1, 1, 2)
_SKEW_DENOMINATORS = (1, 2, 3)


def cayley(skew: Matrix) -> ImmutableMatrix:
    """(I - S)(I + S)⁻¹ for a skew-symmetric S: an exactly orthogonal matrix.

    I + S is invertible because a real skew-symmetric S has purely imaginary eigenvalues.
    """
    if skew != -skew.T:
        raise ValueError("the Cayley transform needs a skew-symmetric matrix")
    eye = Matrix.eye(skew.rows)
    return ImmutableMatrix((eye - skew) * (eye + skew).inv())


@lru_cache(maxsize=256)
def orthogonal_matrix(size: int, seed: int) -> ImmutableMatrix:
    """An exact rational orthogonal size×size matrix (Cayley transform of a seeded skew matrix).

    Draws again while the result has a zero entry: some skew matrices (entries ±1 at
    size 2 or 3) give a signed permutation, which commutes with too much to be a useful
    instance (a false claim such as VᵀMV = VMVᵀ would pass on it).
    """
    rng = random.Random(seed)
    for _ in range(64):
        skew = Matrix.zeros(size, size)
        for i in range(size):
            for j in range(i + 1, size):
                value = Rational(rng.choice(_SKEW_NUMERATORS), rng.choice(_SKEW_DENOMINATORS))
                skew[i, j], skew[j, i] = value, -value
        result = cayley(skew)
        if size < 2 or all(entry != 0 for entry in result):
            return result
    return result


@lru_cache(maxsize=256)
def rectangular_diagonal(rows: int, cols: int, power: int = 1) -> ImmutableMatrix:
    """The rows×cols matrix with σ_i**power at (i, i), i = 1..min(rows, cols), zeros elsewhere
    (memoized, like :func:`orthogonal_matrix`: the instances of every claim under an SVD)."""

    def entry(i: int, j: int) -> Basic:
        return singular_value(i + 1) ** power if i == j else Integer(0)

    return ImmutableMatrix(Matrix(rows, cols, entry))


class _Unsupported(Exception):
    """An expression :func:`exact_value` does not evaluate (the caller falls back to SymPy)."""


@lru_cache(maxsize=2048)
def exact_value(expr: Basic) -> ImmutableMatrix | None:
    """The value of a matrix expression over explicit matrices, with canonical rational entries.

    Evaluated exactly with SymPy's ``DomainMatrix``: over QQ when the entries are numbers,
    and otherwise as a polynomial matrix over a common polynomial denominator
    (:class:`_Fraction`), cancelled once per entry at the end. Every entry comes out as
    the canonical cancelled quotient of the fraction field, whatever the route, so the
    value is the same as a step-by-step evaluation in the fraction field — and much
    faster than that or than ``doit`` on large symbolic instances. Returns None for
    anything but sums, products, transposes, inverses and integer powers of explicit
    matrices, identities, zeros and rational-function scalars. Memoized: the terms of a
    chain are each evaluated for the link on either side of them, at the same point.
    """
    if not isinstance(expr, MatrixExpr):
        return None
    symbols, halves = _scan(expr)
    if symbols is None:  # a matrix symbol: nothing explicit to evaluate
        return None
    if halves:
        # √λ (a block √λ·I of an augmented matrix): evaluate over a root t with t² = λ, then put √λ back.
        roots = {b: Dummy(f"sqrt_{b}", positive=True) for b in halves}
        inner = expr.replace(
            lambda e: isinstance(e, Pow) and e.base in roots and e.exp.is_Rational and e.exp.q == 2,
            lambda e: roots[e.base] ** (e.exp * 2),
        ).xreplace({b: t**2 for b, t in roots.items()})
        value = exact_value(inner)
        return None if value is None else ImmutableMatrix(value.xreplace({t: sqrt(b) for b, t in roots.items()}))
    gens = sorted(symbols, key=sstr)
    from sympy.polys.domains import QQ
    from sympy.polys.matrices.exceptions import DMError

    try:
        if gens:
            return _Fraction.evaluate(expr, QQ.frac_field(*gens))
        value = _evaluate_over(expr, QQ)
        return _to_immutable(value.to_list(), value.shape, QQ)
    except (_Unsupported, DMError, ValueError, ZeroDivisionError, NotImplementedError):
        # ValueError/ZeroDivisionError: a singular inverse; SymPy's own path reports it.
        return None


def _scan(expr: Basic) -> tuple[set[Symbol] | None, set[Symbol]]:
    """In one walk: the symbols of ``expr`` (None if it has a matrix symbol) and the positive
    symbols λ that occur as √λ (or another half-integer power)."""
    symbols: set[Symbol] = set()
    halves: set[Symbol] = set()
    for node in preorder_traversal(expr):
        if isinstance(node, MatrixSymbol):
            return None, halves
        if isinstance(node, Symbol):
            symbols.add(node)
        elif isinstance(node, Pow):
            base, exp = node.base, node.exp
            if base.is_Symbol and base.is_positive and exp.is_Rational and exp.q == 2:
                halves.add(base)
    return symbols, halves


def _chain_order(shapes: list[tuple[int, int]]) -> Callable[[int, int], int]:
    """The cheapest order to multiply a chain of matrices of these shapes (the classic
    dynamic programme on rows·inner·cols): ``split(i, j)`` is where to split factors i..j.
    Exact arithmetic is associative, so every order gives the same product."""
    count = len(shapes)
    dims = [shapes[0][0]] + [c for _, c in shapes]
    cost = [[0] * count for _ in range(count)]
    best = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j], best[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k) for k in range(i, j)
            )
    return lambda i, j: best[i][j]


def _chain_product(factors: list, shapes: list[tuple[int, int]], multiply: Callable) -> object:
    """The product of ``factors`` (left to right) in the order of :func:`_chain_order`."""
    if len(factors) <= 2:
        out = factors[0]
        for f in factors[1:]:
            out = multiply(out, f)
        return out
    split = _chain_order(shapes)

    def product(i: int, j: int) -> object:
        if i == j:
            return factors[i]
        k = split(i, j)
        return multiply(product(i, k), product(k + 1, j))

    return product(0, len(factors) - 1)


def _evaluate_over(expr: Basic, field_) -> DomainMatrix:  # noqa: F821 - DomainMatrix is imported lazily
    """``expr`` evaluated step by step in ``field_`` (QQ: rational arithmetic)."""
    from sympy.polys.matrices import DomainMatrix

    def scalar(c: Basic):
        try:
            return field_.from_sympy(c)
        except Exception as exc:  # not a rational function of the symbols (a root, a Piecewise)
            raise _Unsupported from exc

    def ev(node: Basic) -> DomainMatrix:
        if isinstance(node, MatrixBase):
            return _explicit_over(node, field_)
        if isinstance(node, Identity):
            return DomainMatrix.eye(int(node.shape[0]), field_)
        if isinstance(node, ZeroMatrix):
            return DomainMatrix.zeros((int(node.shape[0]), int(node.shape[1])), field_)
        if isinstance(node, Transpose):
            return ev(node.arg).transpose()
        if isinstance(node, BlockMatrix):
            rows = [DomainMatrix.hstack(*[ev(node.blocks[i, j]) for j in range(node.blockshape[1])])
                    for i in range(node.blockshape[0])]
            return DomainMatrix.vstack(*rows)
        if isinstance(node, Inverse):
            return ev(node.arg).inv()
        if isinstance(node, MatPow) and sympify(node.exp).is_Integer:
            base, k = ev(node.base), int(node.exp)
            if k < 0:
                base, k = base.inv(), -k
            out = DomainMatrix.eye(base.shape[0], field_)
            for _ in range(k):
                out = out * base
            return out
        if isinstance(node, MatAdd):
            total = ev(node.args[0])
            for term in node.args[1:]:
                total = total + ev(term)
            return total
        if isinstance(node, MatMul):
            coeff = scalar(Mul(*[a for a in node.args if not isinstance(a, MatrixExpr)]))
            factors = [ev(a) for a in node.args if isinstance(a, MatrixExpr)]
            product = _chain_product(factors, [f.shape for f in factors], lambda a, b: a * b)
            return product if coeff == field_.one else product * coeff
        raise _Unsupported(type(node).__name__)

    return ev(expr)


@lru_cache(maxsize=1024)
def _explicit_over(node: MatrixBase, field_) -> DomainMatrix:  # noqa: F821
    """An explicit matrix as a ``DomainMatrix`` over ``field_`` (memoized: the instances of a
    claim's matrices recur in every expression evaluated at the same size and point).
    Never modified in place: every ``DomainMatrix`` operation used here returns a new one."""
    from sympy.polys.matrices import DomainMatrix

    try:
        entries = [[field_.from_sympy(node[i, j]) for j in range(node.cols)] for i in range(node.rows)]
    except Exception as exc:  # not a rational function of the symbols (a root, a Piecewise)
        raise _Unsupported from exc
    return DomainMatrix(entries, node.shape, field_)


@lru_cache(maxsize=1024)
def _explicit_fraction(node: MatrixBase, field_) -> _Fraction:
    """An explicit matrix of rational functions as a :class:`_Fraction` (memoized like
    :func:`_explicit_over`): its entries over the lcm of their denominators."""
    ring_ = field_.get_ring()
    try:
        values = [[field_.from_sympy(node[i, j]) for j in range(node.cols)] for i in range(node.rows)]
    except Exception as exc:  # not a rational function of the symbols (a root, a Piecewise)
        raise _Unsupported from exc
    den = ring_.one
    for row in values:
        for v in row:
            d = field_.denom(v)
            if d != den:
                den = ring_.lcm(den, d)
    entries = [
        [field_.numer(v) if field_.denom(v) == den else field_.numer(v) * ring_.exquo(den, field_.denom(v)) for v in row]
        for row in values
    ]
    from sympy.polys.matrices import DomainMatrix

    return _Fraction(DomainMatrix(entries, node.shape, ring_), den)


class _Fraction:
    """A matrix of rational functions as N/d: N a polynomial matrix, d one polynomial.

    Products, sums and fraction-free inverses of polynomial matrices need no gcd, where
    every operation in the fraction field cancels each entry; here each entry of the
    result is cancelled once, into the field's canonical form.
    """

    __slots__ = ("num", "den")

    def __init__(self, num, den) -> None:
        self.num, self.den = num, den

    @staticmethod
    def evaluate(expr: Basic, field_) -> ImmutableMatrix:
        from sympy.polys.matrices import DomainMatrix

        ring_ = field_.get_ring()
        one = ring_.one

        def scalar(c: Basic):
            try:
                value = field_.from_sympy(c)
            except Exception as exc:  # not a rational function of the symbols (a root, a Piecewise)
                raise _Unsupported from exc
            return field_.numer(value), field_.denom(value)

        def common(fractions: list[_Fraction]) -> tuple[list, object]:
            """The numerators over one common denominator (the lcm of the denominators)."""
            den = fractions[0].den
            for f in fractions[1:]:
                if f.den != den:
                    den = ring_.lcm(den, f.den)
            return [f.num if f.den == den else f.num * ring_.exquo(den, f.den) for f in fractions], den

        def multiply(a: _Fraction, b: _Fraction) -> _Fraction:
            return _Fraction(a.num * b.num, a.den * b.den)

        def inverse(a: _Fraction) -> _Fraction:
            if a.num.shape[0] != a.num.shape[1]:
                raise ValueError("a non-square matrix has no inverse")
            adj, det = a.num.inv_den()
            if not det:
                raise ZeroDivisionError("singular matrix")
            return _Fraction(adj * a.den if a.den != one else adj, det)

        def ev(node: Basic) -> _Fraction:
            if isinstance(node, MatrixBase):
                return _explicit_fraction(node, field_)
            if isinstance(node, Identity):
                return _Fraction(DomainMatrix.eye(int(node.shape[0]), ring_), one)
            if isinstance(node, ZeroMatrix):
                return _Fraction(DomainMatrix.zeros((int(node.shape[0]), int(node.shape[1])), ring_), one)
            if isinstance(node, Transpose):
                inner = ev(node.arg)
                return _Fraction(inner.num.transpose(), inner.den)
            if isinstance(node, BlockMatrix):
                blocks = [[ev(node.blocks[i, j]) for j in range(node.blockshape[1])] for i in range(node.blockshape[0])]
                nums, den = common([b for row in blocks for b in row])
                width = node.blockshape[1]
                rows = [DomainMatrix.hstack(*nums[i * width : (i + 1) * width]) for i in range(node.blockshape[0])]
                return _Fraction(DomainMatrix.vstack(*rows), den)
            if isinstance(node, Inverse):
                return inverse(ev(node.arg))
            if isinstance(node, MatPow) and sympify(node.exp).is_Integer:
                base, k = ev(node.base), int(node.exp)
                if k < 0:
                    base, k = inverse(base), -k
                out = _Fraction(DomainMatrix.eye(base.num.shape[0], ring_), one)
                for _ in range(k):
                    out = multiply(out, base)
                return out
            if isinstance(node, MatAdd):
                nums, den = common([ev(term) for term in node.args])
                total = nums[0]
                for n in nums[1:]:
                    total = total + n
                return _Fraction(total, den)
            if isinstance(node, MatMul):
                p, q = scalar(Mul(*[a for a in node.args if not isinstance(a, MatrixExpr)]))
                factors = [ev(a) for a in node.args if isinstance(a, MatrixExpr)]
                product = _chain_product(factors, [f.num.shape for f in factors], multiply)
                if p == one and q == one:
                    return product
                return _Fraction(product.num * p, product.den * q)
            raise _Unsupported(type(node).__name__)

        value = ev(expr)
        new = field_.field.new
        rows, cols = value.num.shape
        num = value.num.to_list()
        cancelled = [[new(num[i][j], value.den) for j in range(cols)] for i in range(rows)]
        return _to_immutable(cancelled, (rows, cols), field_)


def _to_immutable(rows: list[list], shape: tuple[int, int], domain) -> ImmutableMatrix:
    """A matrix of domain elements as an ``ImmutableMatrix`` of their SymPy values: what
    ``ImmutableMatrix(DomainMatrix(rows, shape, domain).to_Matrix())`` gives (each entry
    ``domain.to_sympy``), without the intermediate matrices."""
    return ImmutableMatrix(*shape, [domain.to_sympy(e) for row in rows for e in row])


def _dims_of(matrix: MatrixSymbol) -> tuple[int, int]:
    return int(matrix.shape[0]), int(matrix.shape[1])


def _at(size: Basic, dims: Mapping[Symbol, int]) -> Basic:
    return sympify(size).xreplace({k: Integer(v) for k, v in dims.items()})


# -- matrix-expression algebra used by the facts ------------------------------------------------


def _drop_pairs(expr: Basic, orthogonal: tuple[MatrixSymbol, ...]) -> Basic:
    """Remove adjacent QᵀQ and QQᵀ from every product (Q orthogonal)."""
    if not orthogonal:
        return expr
    pairs = {(q.T, q) for q in orthogonal} | {(q, q.T) for q in orthogonal}

    def one(product: MatMul) -> Basic:
        args = list(product.args)
        dropped = False
        i = 0
        while i < len(args) - 1:
            if (args[i], args[i + 1]) in pairs:
                size = args[i].shape[0]
                del args[i : i + 2]
                dropped = True
                if not any(isinstance(a, MatrixExpr) for a in args):
                    args.append(Identity(size))
                i = max(i - 1, 0)
            else:
                i += 1
        if not dropped and not any(isinstance(a, GenericIdentity) for a in args):
            return product  # MatMul(*product.args) would rebuild an equal product
        return MatMul(*args)

    return expr.replace(lambda e: isinstance(e, MatMul), one)


def _peel_inverses(expr: Basic, invertible_square: Callable[[Basic], bool]) -> Basic:
    """(A R B)⁻¹ = B⁻¹ R⁻¹ A⁻¹ for square invertible outer factors A, B (R square too)."""
    if not expr.has(Inverse):
        return expr

    def one(inverse: Inverse) -> Basic:
        inner = inverse.arg
        if not isinstance(inner, MatMul):
            return inverse
        args = list(inner.args)
        left: list[Basic] = []
        right: list[Basic] = []
        while len(args) > 1 and invertible_square(args[0]):
            left.append(args.pop(0))
        while len(args) > 1 and invertible_square(args[-1]):
            right.insert(0, args.pop())
        if not (left or right):
            return inverse
        middle = MatMul(*args)
        if not same_size(*middle.shape):
            return inverse
        pieces = [Inverse(r) for r in reversed(right)] + [Inverse(middle)] + [Inverse(a) for a in reversed(left)]
        return MatMul(*pieces)

    return expr.replace(lambda e: isinstance(e, Inverse), one)


def _expand_powers(expr: Basic) -> Basic:
    """(ABC)^k = ABC·ABC·… for a positive integer k, so that cancellations inside can happen."""

    def one(power: MatPow) -> Basic:
        k = sympify(power.exp)
        if k.is_Integer and k > 1 and isinstance(power.base, MatMul):
            return MatMul(*([power.base] * int(k)))
        return power

    return expr.replace(lambda e: isinstance(e, MatPow), one)


_SIZED = (MatrixSymbol, Identity, ZeroMatrix)
_PLAIN_NODES = (Transpose, Inverse, MatMul, BlockMatrix, ImmutableMatrix, STuple)


def _plain_scalar(e: Basic) -> bool:
    """A number, a symbol, or a symbol to a rational power: nothing for any expand hint."""
    if isinstance(e, Pow):
        return isinstance(e.base, Symbol) and isinstance(e.exp, Rational)
    return isinstance(e, Symbol | Rational)


def _plain_product(e: Basic) -> bool:
    return _plain_scalar(e) or (
        isinstance(e, Mul) and not isinstance(e, MatrixExpr) and all(_plain_scalar(a) for a in e.args)
    )


def _plain_size(e: Basic) -> bool:
    """A size that is a sum of plain products (``m - n``, ``2*n``): already expanded."""
    return _plain_product(e) or (isinstance(e, Add) and all(_plain_product(a) for a in e.args))


def nothing_to_expand(expr: Basic) -> bool:
    """Whether ``expand`` would give back ``expr`` (a ``doit`` value) without looking at it.

    True only for products, transposes, inverses, integer powers, sums and block matrices of matrix
    symbols (whose sizes are sums of plain products), with scalar factors that are
    numbers, symbols, powers of symbols or products of those, and no sum as a factor of
    a product (a sum inside an inverse, a transpose or a block is not distributed): no
    power of a product or a sum, no function — none of SymPy's expand hints (mul,
    multinomial, power_base, power_exp, log, basic) has work there, and on such
    expressions ``expand`` returned them unchanged on every bundled claim (its cost
    there is a rebuild of each product). Skipping it is sound in any case: the value
    stays the expression itself, an identity.
    """
    stack = [(expr, False)]
    while stack:
        node, factor = stack.pop()
        if isinstance(node, _SIZED):
            if not all(_plain_size(a) for a in node.args if not isinstance(a, Str)):
                return False
        elif isinstance(node, MatAdd):
            if factor:  # a sum to distribute over the product
                return False
            stack.extend((a, False) for a in node.args)
        elif isinstance(node, MatPow) and not isinstance(node, Inverse):
            if not isinstance(node.exp, Integer):
                return False
            stack.append((node.base, True))  # a power of a sum is left to expand
        elif isinstance(node, _PLAIN_NODES):
            inside = isinstance(node, MatMul)
            stack.extend((a, inside) for a in node.args)
        elif not _plain_product(node):
            return False
    return True


class _Memo:
    """A bounded memo of a pure function of SymPy expressions, to which values known by
    other means can be added (oldest entries go first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: dict[Basic, Basic] = {}

    def get(self, key: Basic) -> Basic | None:
        return self.values.get(key)

    def put(self, key: Basic, value: Basic) -> None:
        if key not in self.values and len(self.values) >= self.size:
            del self.values[next(iter(self.values))]
        self.values[key] = value


_ALGEBRA = _Memo(4096)


def _algebra(expr: Basic) -> Basic:
    """SymPy's own algebra: ``doit``, powers of products multiplied out, ``expand``, ``doit``.

    Memoized, and its values are recorded as their own values: this algebra is idempotent
    (the fixed-point test of :func:`normalize` relies on it too), so an expression that
    is already its output — the previous fact's normal form, a chain's shared term — is
    not expanded again. For the same reason the last ``doit`` is skipped when ``expand``
    changed nothing: it would be ``doit`` of a ``doit`` value.
    """
    known = _ALGEBRA.get(expr)
    if known is not None:
        return known
    done = expr.doit()
    powers = _expand_powers(done)
    if powers == done and nothing_to_expand(done):
        out = done  # what expand would return (see nothing_to_expand)
    else:
        expanded = powers.expand()
        out = done if expanded == done else expanded.doit()
    _ALGEBRA.put(expr, out)
    _ALGEBRA.put(out, out)
    return out


def _zero_blocks(expr: Basic) -> Basic:
    """A block matrix whose blocks are all zero is the zero matrix of its shape."""

    def one(block: BlockMatrix) -> Basic:
        if all(isinstance(b, ZeroMatrix) for b in block.blocks):
            return ZeroMatrix(*block.shape)
        return block

    return expr.replace(lambda e: isinstance(e, BlockMatrix), one)


def block_products(expr: Basic) -> Basic:
    """Multiply adjacent factors wherever the block partitions conform (in any position).

    SymPy's ``block_collapse`` multiplies left to right and gives up at the first pair
    whose partitions differ (``yᵀU · [D⁻¹; 0] · D²``), and at ``V·B₁·B₂·Uᵀ`` because V is
    not a block matrix; here every conforming pair is multiplied, a plain matrix counting
    as a single block. Partitions conform when their sizes are provably equal.
    """
    if not expr.has(BlockMatrix):
        return expr
    return expr.replace(lambda e: isinstance(e, MatMul), _block_product)


def _as_block(a: Basic) -> BlockMatrix:
    return a if isinstance(a, BlockMatrix) else BlockMatrix([[a]])


def _conforming(left: BlockMatrix, right: BlockMatrix) -> bool:
    cols, rows = left.colblocksizes, right.rowblocksizes
    return len(cols) == len(rows) and all(same_size(p, q) for p, q in zip(cols, rows))


@lru_cache(maxsize=2048)
def _block_product(product: MatMul) -> Basic:
    """One product of :func:`block_products` (memoized: normalisation rounds and the claims
    of a part multiply the same blocks again)."""
    scalars = [a for a in product.args if not isinstance(a, MatrixExpr)]
    factors = [a for a in product.args if isinstance(a, MatrixExpr)]
    any_change = False
    # Two block matrices first, then a block matrix with a plain one: a fixed order
    # gives equal expressions the same normal form.
    for both in (True, False):
        changed = True
        while changed:
            changed = False
            for i in range(len(factors) - 1):
                a, b = factors[i], factors[i + 1]
                blocky = (isinstance(a, BlockMatrix), isinstance(b, BlockMatrix))
                if not (all(blocky) if both else any(blocky)):
                    continue
                left, right = _as_block(a), _as_block(b)
                if _conforming(left, right):
                    factors[i : i + 2] = [_multiplied_blocks(left, right)]
                    changed = any_change = True
                    break
    return MatMul(*scalars, *factors) if any_change else product


@lru_cache(maxsize=2048)
def _multiplied_blocks(left: BlockMatrix, right: BlockMatrix) -> Basic:
    blocks = (left.blocks * right.blocks).applyfunc(lambda e: e.doit())
    return _unwrap(BlockMatrix(blocks))


def _unwrap(block: BlockMatrix) -> Basic:
    return block.blocks[0, 0] if block.blockshape == (1, 1) else block


def _collapsible(expr: Basic) -> bool:
    """Whether SymPy's ``block_collapse`` has work left after :func:`block_products`: a block
    matrix transposed, inverted, raised to a power or added (products are done already).
    ``block_collapse`` is slow — it re-derives every block shape — so it runs only then."""
    return any(
        isinstance(node, Transpose | Inverse | MatPow | MatAdd) and any(isinstance(a, BlockMatrix) for a in node.args)
        for node in preorder_traversal(expr)
    )


def _collapse(expr: Basic) -> Basic:
    try:
        return block_collapse(expr)
    except (ValueError, TypeError, AttributeError):
        # A block inverse of a singular block matrix (or an unsupported shape): leave it
        # alone; the general proof then fails and the exact instances decide.
        return expr


def normalize(
    expr: Basic,
    *,
    substitutions: Mapping[Basic, Basic] | None = None,
    orthogonal: Iterable[MatrixSymbol] = (),
    symmetric: Iterable[MatrixSymbol] = (),
    blocks: Mapping[MatrixSymbol, Basic] | None = None,
    rounds: int = 12,
) -> Basic:
    """Matrix-expression algebra to a fixed point, valid for symbolic sizes.

    Substitutes definitions (``X -> U Σ Vᵀ``) and block models (``Σ -> [D; 0]``),
    then repeats: SymPy's ``doit`` (transposes and inverses of products), expansion,
    QᵀQ = QQᵀ = I and Q⁻¹ = Qᵀ for orthogonal Q, (A R B)⁻¹ = B⁻¹R⁻¹A⁻¹ for orthogonal
    A, B, Sᵀ = S for symmetric S, block multiplication. Each rewrite is an identity, so
    two expressions with the same normal form are equal (wherever the inverses written
    in them exist).
    """
    orth = tuple(orthogonal)
    sym = tuple(symmetric)
    transposes = {s.T: s for s in sym}
    for q in orth:
        transposes[Inverse(q)] = q.T
        transposes[Inverse(q.T)] = q
    if substitutions:
        expr = expr.xreplace(dict(substitutions))
    if blocks:
        expr = expr.xreplace(dict(blocks))
    square_orth = set(orth) | {q.T for q in orth}
    for _ in range(rounds):
        before = expr
        expr = _algebra(expr)
        algebra = expr
        expr = _drop_pairs(expr, orth).xreplace(transposes)
        if square_orth:  # without orthogonal factors there is nothing to peel
            expr = _peel_inverses(expr, lambda a: a in square_orth).xreplace(transposes)
        if blocks:
            expr = block_products(expr)
            if _collapsible(expr):
                expr = block_products(_collapse(expr))
            if expr.has(BlockMatrix):
                expr = expr.replace(lambda e: isinstance(e, BlockMatrix), _unwrap)
                expr = _zero_blocks(expr)
            expr = expr.xreplace(transposes)
        # Done when a round changes nothing, or when only SymPy's own algebra changed
        # something (its doit/expand/doit is idempotent: another round would only confirm).
        if expr == before or expr == algebra:
            break
    return expr


# -- facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Orthogonal(Fact):
    """QᵀQ = QQᵀ = I for a square Q; instances are Cayley transforms (exact)."""

    matrix: MatrixSymbol

    def rewrite(self, expr: Basic) -> Basic:
        return normalize(expr, orthogonal=(self.matrix,))

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        if matrix.name != self.matrix.name:
            return None
        return orthogonal_matrix(_dims_of(matrix)[0], seed_of(matrix.name))

    def statement(self) -> Basic:
        q = self.matrix
        size = q.shape[0]
        return Tuple_(Equation(q.T * q, Identity(size)), Equation(q * q.T, Identity(size)))


@dataclass(frozen=True)
class SVD(Fact):
    """X = U Σ Vᵀ (full SVD of a tall or wide X of full rank k = min(m, n)).

    U (m×m) and V (n×n) are orthogonal; Σ (m×n) has σ_1, …, σ_k > 0 on its diagonal:
    ``Σ = [D; 0]`` when X is tall (k = n) and ``Σ = [D 0]`` when X is wide (k = m), with
    ``D = diag(σ_1, …, σ_k)``. ``pinv`` (Σ†, n×m) has 1/σ_i on its diagonal:
    ``[D⁻¹ 0]`` (tall) or ``[D⁻¹; 0]`` (wide).

    In a general proof the fact substitutes X and the block models of Σ and Σ† and
    uses UᵀU = UUᵀ = I, VᵀV = VVᵀ = I, Dᵀ = D. On concrete shapes U and V are exact
    Cayley-transform orthogonal matrices and σ_i are positive symbols, so X = UΣVᵀ is
    an exact full-rank instance. Only tall (m > n) or only wide (m < n) sizes are
    admitted, according to the size of D.

    With ``instances_only`` the fact gives no general proof, so a claim made under it
    is decided on its exact instances alone, at the sizes a
    :class:`~derive.claims.Shapes` fact lists: an explicit check on several shapes,
    labelled ``checked``.
    """

    matrix: MatrixSymbol
    U: MatrixSymbol
    Sigma: MatrixSymbol
    V: MatrixSymbol
    D: MatrixSymbol
    pinv: MatrixSymbol | None = None
    instances_only: bool = False  # True: no general proof, only the exact instances (a "checked" verdict)

    def __post_init__(self) -> None:
        m, n = self.matrix.shape
        k = self.D.shape[0]
        if not (same_size(k, n) or same_size(k, m)):
            raise ValueError("D must be n×n (tall X) or m×m (wide X)")
        if self.Sigma.shape != (m, n) or self.U.shape != (m, m) or self.V.shape != (n, n):
            raise ValueError("SVD shapes: X, Σ are m×n, U is m×m, V is n×n")
        if self.pinv is not None and self.pinv.shape != (n, m):
            raise ValueError("Σ† must be n×m")

    @property
    def tall(self) -> bool:
        """True for m > n (Σ = [D; 0]); False for m < n (Σ = [D 0])."""
        return same_size(self.D.shape[0], self.matrix.shape[1])

    def blocks(self) -> dict[MatrixSymbol, BlockMatrix]:
        """The block models of Σ (and Σ†) used in general proofs; also fine for display.
        Memoized (every rewrite by the fact asks again; a block matrix checks its blocks
        when built); each caller gets its own dict."""
        return dict(_svd_blocks(self))

    def _blocks(self) -> dict[MatrixSymbol, BlockMatrix]:
        m, n = self.matrix.shape
        d = self.D
        if self.tall:
            sigma = BlockMatrix([[d], [ZeroMatrix(m - n, n)]])
            pinv = BlockMatrix([[Inverse(d), ZeroMatrix(n, m - n)]])
        else:
            sigma = BlockMatrix([[d, ZeroMatrix(m, n - m)]])
            pinv = BlockMatrix([[Inverse(d)], [ZeroMatrix(n - m, m)]])
        out = {self.Sigma: sigma}
        if self.pinv is not None:
            out[self.pinv] = pinv
        return out

    def rewrite(self, expr: Basic) -> Basic:
        if self.instances_only:
            return expr
        return normalize(
            expr,
            substitutions={self.matrix: self.U * self.Sigma * self.V.T},
            orthogonal=(self.U, self.V),
            symmetric=(self.D,),
            blocks=self.blocks(),
        )

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        name = matrix.name
        rows, cols = _dims_of(matrix)
        if name == self.U.name or name == self.V.name:
            return orthogonal_matrix(rows, seed_of(name))
        if name == self.Sigma.name:
            return rectangular_diagonal(rows, cols)
        if name == self.D.name:
            return rectangular_diagonal(rows, cols)
        if self.pinv is not None and name == self.pinv.name:
            return rectangular_diagonal(rows, cols, power=-1)
        if name == self.matrix.name:
            return _svd_product(rows, cols, seed_of(self.U.name), seed_of(self.V.name))
        return None

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        m, n = (_at(s, dims) for s in self.matrix.shape)
        if not (m.is_Integer and n.is_Integer):
            return True
        return bool(m > n) if self.tall else bool(m < n)

    def statement(self) -> Basic:
        k = self.D.shape[0]
        return Tuple_(
            Equation(self.matrix, self.U * self.Sigma * self.V.T),
            Equation(self.U.T * self.U, Identity(self.U.shape[0])),
            Equation(self.V.T * self.V, Identity(self.V.shape[0])),
            Equation(self.D, Diag(singular_value(1), Symbol(f"sigma_{sstr(k)}", positive=True))),
        )


@lru_cache(maxsize=256)
def _svd_product(rows: int, cols: int, u_seed: int, v_seed: int) -> ImmutableMatrix:
    """U Σ Vᵀ at concrete sizes, with the exact orthogonal U and V of these seeds (memoized:
    a pure function of the sizes and seeds, built again for every claim under the fact)."""
    u = orthogonal_matrix(rows, u_seed)
    v = orthogonal_matrix(cols, v_seed)
    return ImmutableMatrix(u * rectangular_diagonal(rows, cols) * v.T)


@lru_cache(maxsize=256)
def _svd_blocks(svd: SVD) -> dict[MatrixSymbol, BlockMatrix]:
    return svd._blocks()


@dataclass(frozen=True)
class FullColumnRank(Fact):
    """rank X = n for an m×n X (so XᵀX is positive definite). Instances: generic symbolic entries."""

    matrix: MatrixSymbol

    def rewrite(self, expr: Basic) -> Basic:
        # The fact licenses the inverse of the Gram product; the algebra is plain normalisation.
        return normalize(expr)

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        m, n = (_at(s, dims) for s in self.matrix.shape)
        return not (m.is_Integer and n.is_Integer) or bool(m >= n)

    def statement(self) -> Basic:
        return Equation(Rank(self.matrix), self.matrix.shape[1])


@dataclass(frozen=True)
class FullRowRank(Fact):
    """rank X = m for an m×n X (so XXᵀ is positive definite). Instances: generic symbolic entries."""

    matrix: MatrixSymbol

    def rewrite(self, expr: Basic) -> Basic:
        # The fact licenses the inverse of the Gram product; the algebra is plain normalisation.
        return normalize(expr)

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        m, n = (_at(s, dims) for s in self.matrix.shape)
        return not (m.is_Integer and n.is_Integer) or bool(m <= n)

    def statement(self) -> Basic:
        return Equation(Rank(self.matrix), self.matrix.shape[0])


@dataclass(frozen=True)
class Tall(Fact):
    """m > n for an m×n matrix: only such sizes are checked."""

    matrix: MatrixSymbol

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        m, n = (_at(s, dims) for s in self.matrix.shape)
        return not (m.is_Integer and n.is_Integer) or bool(m > n)

    def statement(self) -> Basic:
        return Relation(self.matrix.shape[0], "gt", self.matrix.shape[1])


@dataclass(frozen=True)
class Wide(Fact):
    """m < n for an m×n matrix: only such sizes are checked."""

    matrix: MatrixSymbol

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        m, n = (_at(s, dims) for s in self.matrix.shape)
        return not (m.is_Integer and n.is_Integer) or bool(m < n)

    def statement(self) -> Basic:
        return Relation(self.matrix.shape[0], "lt", self.matrix.shape[1])


@dataclass(frozen=True)
class OneByOne(Fact):
    """aᵀ = a for every 1×1 matrix a (a scalar is its own transpose).

    A true lemma rather than an assumption: in a general proof each 1×1 product in a
    sum is replaced by the canonical one of itself and its transpose, so that
    ``wᵀXᵀy`` and ``yᵀXw`` are recognised as the same term.
    """

    def rewrite(self, expr: Basic) -> Basic:
        def one(total: MatAdd) -> Basic:
            return MatAdd(*[_one_by_one(t) for t in total.args]).doit()

        expr = expr.doit()
        if not nothing_to_expand(expr):
            expr = expr.expand()
        if isinstance(expr, MatMul):
            return _one_by_one(expr)
        return expr.replace(lambda e: isinstance(e, MatAdd), one)

    def statement(self) -> Basic:
        return Words("a 1x1 matrix equals its transpose")


@lru_cache(maxsize=1024)
def _one_by_one(term: Basic) -> Basic:
    """The canonical one of a 1×1 product and its transpose (the one printed first); other
    terms unchanged. Memoized: the terms of a chain's links recur, and printing is slow."""
    if not isinstance(term, MatMul) or term.shape != (1, 1):
        return term
    flipped = Transpose(term).doit()
    if flipped == term:  # its own transpose (wᵀXᵀXw): min would pick it anyway
        return term
    return min(term, flipped, key=_printed)


@lru_cache(maxsize=1024)
def _printed(term: Basic) -> str:
    """``sstr`` of a 1×1 product (memoized: a term and its transpose are each printed
    for the other too)."""
    return sstr(term)


# -- lemmas: positive definite, invertible ---------------------------------------------------


def _facts(given: Given, kind: type) -> list:
    return given.of_type(kind)


def _split_scalar(expr: Basic) -> tuple[Basic, Basic]:
    """(c, M) with expr = c·M, c a scalar."""
    if isinstance(expr, MatMul):
        scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
        matrices = [a for a in expr.args if isinstance(a, MatrixExpr)]
        if scalars:
            return Mul(*scalars), (MatMul(*matrices) if len(matrices) > 1 else matrices[0])
    return Integer(1), expr


def _gram_factor(expr: Basic) -> Basic | None:
    """B when ``expr`` is the Gram product BᵀB (B itself may be a product or a transpose)."""
    if not isinstance(expr, MatMul):
        return None
    args = [a for a in expr.args if isinstance(a, MatrixExpr)]
    if len(args) % 2:
        return None
    half = len(args) // 2
    first = args[0] if half == 1 else MatMul(*args[:half])
    second = args[half] if half == 1 else MatMul(*args[half:])
    return second if Transpose(second).doit() == first else None


def _full_column_rank(b: Basic, given: Given) -> bool:
    """Whether B has full column rank by a fact: rank B = cols, Bᵀ of full row rank, B orthogonal."""
    if isinstance(b, Transpose):
        return any(f.matrix == b.arg for f in _facts(given, FullRowRank)) or _orthogonal(b.arg, given)
    return any(f.matrix == b for f in _facts(given, FullColumnRank)) or _orthogonal(b, given)


def orthogonal_factor(matrix: Basic, given: Given) -> bool:
    """Whether ``matrix`` is Q or Qᵀ for a Q the facts say is orthogonal."""
    base = matrix.arg if isinstance(matrix, Transpose) else matrix
    return _orthogonal(base, given)


def _orthogonal(matrix: Basic, given: Given) -> bool:
    if any(f.matrix == matrix for f in _facts(given, Orthogonal)):
        return True
    return any(matrix in (f.U, f.V) for f in _facts(given, SVD))


def positive_semidefinite(expr: Basic, given: Given = NOTHING) -> str | None:
    """Why the symmetric matrix ``expr`` is positive semidefinite, or None if no rule applies."""
    expr = expr.doit()
    pd = positive_definite(expr, given)
    if pd is not None:
        return pd
    c, body = _split_scalar(expr)
    if c != 1:
        inner = positive_semidefinite(body, given)
        return f"{sstr(c)} ≥ 0 times a positive semidefinite matrix ({inner})" if inner and c.is_nonnegative else None
    b = _gram_factor(body)
    if b is not None:
        return f"{sstr(body)} = B.T*B with B = {sstr(b)}, so v.T*B.T*B*v = ‖B*v‖² ≥ 0"
    if isinstance(body, MatAdd):
        reasons = [positive_semidefinite(t, given) for t in body.args]
        if all(reasons):
            return "a sum of positive semidefinite matrices"
    return None


def positive_definite(expr: Basic, given: Given = NOTHING) -> str | None:
    """Why the symmetric matrix ``expr`` is positive definite, or None if no rule applies.

    Rules: I; c·M with c > 0 and M positive definite; BᵀB when B has full column rank
    (vᵀBᵀBv = ‖Bv‖² > 0 for v ≠ 0) or is orthogonal; BBᵀ when B has full row rank; a sum
    of positive semidefinite matrices at least one of which is positive definite.
    """
    expr = expr.doit()
    if isinstance(expr, Identity):
        return "the identity is positive definite"
    c, body = _split_scalar(expr)
    if c != 1:
        inner = positive_definite(body, given)
        if inner is not None and c.is_positive:
            return f"{sstr(c)} > 0 times a positive definite matrix ({inner})"
        return None
    b = _gram_factor(body)
    if b is not None:
        if not _full_column_rank(b, given):
            return None
        return (
            f"{sstr(body)} = B.T*B with B = {sstr(b)} of full column rank, so v.T*B.T*B*v = ‖B*v‖² > 0 for v ≠ 0"
        )
    if isinstance(body, MatAdd):
        definite = [positive_definite(t, given) for t in body.args]
        semi = [positive_semidefinite(t, given) for t in body.args]
        if any(definite) and all(semi):
            return "a sum of positive semidefinite matrices, one of them positive definite (" + next(
                r for r in definite if r
            ) + ")"
    return None


def invertible(expr: Basic, given: Given = NOTHING) -> str | None:
    """Why the square matrix ``expr`` is invertible, or None if no rule applies.

    Rules: positive definite (:func:`positive_definite`); c·M with c ≠ 0 and M
    invertible; orthogonal matrices; D of an SVD fact (diagonal, σ_i > 0); inverses,
    transposes, powers and products of square invertible matrices.
    """
    expr = expr.doit()
    pd = positive_definite(expr, given)
    if pd is not None:
        return pd
    if _orthogonal(expr, given):
        return f"{sstr(expr)} is orthogonal"
    if any(expr == f.D for f in _facts(given, SVD)):
        return f"{sstr(expr)} is diagonal with positive diagonal entries"
    if isinstance(expr, Inverse | Transpose):
        inner = invertible(expr.arg, given)
        return f"{sstr(expr)}: {inner}" if inner else None
    if isinstance(expr, MatPow):
        inner = invertible(expr.base, given)
        return f"a power of an invertible matrix ({inner})" if inner else None
    c, body = _split_scalar(expr)
    if c != 1:
        inner = invertible(body, given)
        return f"{sstr(c)} ≠ 0 times an invertible matrix ({inner})" if inner and c.is_nonzero else None
    if isinstance(body, MatMul):
        factors = [a for a in body.args if isinstance(a, MatrixExpr)]
        if all(same_size(*a.shape) for a in factors):
            reasons = [invertible(a, given) for a in factors]
            if all(reasons):
                return "a product of invertible square matrices (" + "; ".join(_unique(reasons)) + ")"
    # Last, the model a fact gives (the SVD's block form turns ΣᵀΣ into D²).
    for fact in given.facts:
        model = fact.rewrite(expr)
        if model != expr:
            inner = invertible(model, given)
            if inner is not None:
                return f"{sstr(expr)} = {sstr(model)} by {type(fact).__name__}: {inner}"
    return None


def _unique(items: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


# -- objectives -------------------------------------------------------------------------------


def matrix_form(objective: Basic) -> Basic:
    """A scalar objective as a 1×1 matrix expression: ‖v‖² becomes vᵀv (by definition)."""
    if isinstance(objective, SqNorm):
        v = objective.vector
        return MatMul(Transpose(v), v)
    if isinstance(objective, Add):
        return MatAdd(*[matrix_form(t) for t in objective.args])
    if isinstance(objective, Mul):
        scalars = [a for a in objective.args if not a.has(SqNorm)]
        rest = [a for a in objective.args if a.has(SqNorm)]
        if len(rest) == 1:
            return Mul(*scalars) * matrix_form(rest[0])
    return objective


def gradient(objective: Basic, var: MatrixSymbol) -> Basic:
    """∂f/∂w in the course's numerator layout (a row), computed by SymPy's matrix calculus."""
    return Jacobian(matrix_form(objective), var).doit()


def hessian(objective: Basic, var: MatrixSymbol) -> Basic:
    """The Hessian ∂/∂w (∂f/∂w)ᵀ (symmetric for the quadratic objectives of least squares)."""
    return Jacobian(gradient(objective, var).T, var).doit()


# -- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Minimizer(Claim):
    """point = argmin_var objective: the gradient vanishes there and the Hessian is positive definite.

    The verifier differentiates the objective itself (numerator layout), checks that the
    gradient is zero at ``point``, that the Hessian is constant (a quadratic objective)
    and positive definite under the facts given (e.g. :class:`FullColumnRank`): then the
    objective is strictly convex and ``point`` is its unique global minimizer.
    """

    objective: Basic
    var: MatrixSymbol
    point: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Equation(self.point, ArgMin(self.objective, self.var))


@dataclass(frozen=True)
class MinNormSolution(Claim):
    """point = argmin ‖var‖² subject to matrix·var = rhs.

    Verified as feasibility (matrix·point = rhs) plus membership of ``point`` in the row
    space of ``matrix`` (point = matrixᵀz), i.e. orthogonality to its null space: every
    feasible w is point + v with matrix·v = 0, so ‖w‖² = ‖point‖² + ‖v‖².
    """

    matrix: Basic
    rhs: Basic
    var: MatrixSymbol
    point: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        constraint = Equation(self.matrix * self.var, self.rhs)
        return Equation(self.point, ArgMin(SqNorm(self.var), self.var, constraint))


@dataclass(frozen=True)
class UniqueSolution(Claim):
    """lhs = rhs ⟺ var = value: the equation is affine in var with an invertible coefficient."""

    lhs: Basic
    rhs: Basic
    var: MatrixSymbol
    value: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Relation(Equation(self.lhs, self.rhs), "iff", Equation(self.var, self.value))


@dataclass(frozen=True)
class Invertible(Claim):
    """det M ≠ 0: the square matrix M is invertible."""

    matrix: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Relation(Determinant(self.matrix), "ne", Integer(0))


@dataclass(frozen=True)
class Singular(Claim):
    """det M = 0: the square matrix M is not invertible."""

    matrix: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Equation(Determinant(self.matrix), Integer(0))


@dataclass(frozen=True)
class PositiveDefinite(Claim):
    """vᵀMv > 0 for every v ≠ 0 (M symmetric)."""

    matrix: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        v = MatrixSymbol("v", self.matrix.shape[0], 1)
        return Relation(Relation(v.T * self.matrix * v, "gt", Integer(0)), "quad", Words("for every nonzero v"))


@dataclass(frozen=True)
class Dimensions(Claim):
    """expr₁ ∈ R^(r₁×c₁), expr₂ ∈ R^(r₂×c₂), …: each item is an ``Element(expr, RealSpace(r, c))``.

    Decided by :func:`conform`, so a product that does not conform is reported, not just
    a wrong size.
    """

    items: tuple[Element, ...]
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Tuple_(*self.items)


def sizes(given: Given, *choices: Mapping[Symbol, int]) -> Given:
    """``given`` plus a :class:`~derive.claims.Shapes` fact listing the sizes to check on."""
    return given + Given((Shapes.of(*choices),))


__all__ = [
    "SVD",
    "Dimensions",
    "PositiveDefinite",
    "exact_value",
    "FullColumnRank",
    "FullRowRank",
    "Invertible",
    "MinNormSolution",
    "Minimizer",
    "OneByOne",
    "Orthogonal",
    "Singular",
    "Tall",
    "UniqueSolution",
    "Wide",
    "cayley",
    "conform",
    "gradient",
    "hessian",
    "inv",
    "invertible",
    "matrix_form",
    "mul",
    "normalize",
    "orthogonal_factor",
    "orthogonal_matrix",
    "positive_definite",
    "positive_semidefinite",
    "rectangular_diagonal",
    "same_size",
    "shape_text",
    "singular_value",
    "sizes",
]
