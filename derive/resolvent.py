"""Shifted Gram matrices, the algebra of ridge regression, exactly.

For λ > 0 and any X (n×d) the matrices XᵀX + λI_d and XXᵀ + λI_n are positive definite,
hence invertible; K = (XᵀX + λI_d)⁻¹ is the *resolvent* of XᵀX. Identities with K are
where SymPy's matrix-expression algebra stops: it expands products but never factors a
sum, so ``K(XᵀX + λI)`` is not recognised as ``I`` once it is expanded. This module
supplies the missing rules, each a true identity, as :class:`~derive.claims.Fact`
rewrites, and two claims for what the rules cannot do by normalisation alone:

* :class:`Defines` — a named matrix and its definition (``X̂ := [X; √λ I_d]``): the
  verifier unfolds it in proofs and builds its exact instances from the instances of
  the matrices it is made of, so the document can show ``X̂`` while the check sees the
  blocks.
* :class:`ShiftAlgebra` — normalisation for expressions in X, Xᵀ, the two resolvents,
  block matrices and orthogonal factors: ``K·XᵀX = XᵀX·K = I − λK`` (from
  ``K(XᵀX + λI) = I``), the same for ``XXᵀ``; ``QMQᵀ + cI = Q(M + cI)Qᵀ`` for
  orthogonal Q, hence ``(QMQᵀ + cI)⁻¹ = Q(M + cI)⁻¹Qᵀ``; an identity added to a block
  matrix is split into diagonal identity blocks; block products, sums and inverses of
  block-diagonal matrices (SymPy's ``block_collapse``).
* :class:`Cleared` — ``A = B`` shown as ``PAQ = PBQ`` for invertible P and Q (the
  verifier proves P and Q invertible and the cleared equation in general). This is
  how an identity such as the push-through identity is proved for symbolic sizes
  without assuming it.
* :class:`DiagonalForm` — ``f(D) = diag(f(σ_1), …, f(σ_k))`` for a rational function f
  of a diagonal matrix D: sums, products, powers and inverses of diagonal matrices act
  entry by entry, so the i-th diagonal entry is a ring homomorphism that commutes
  with inverses. Checked in general by that homomorphism (with every inverted
  diagonal shown nonzero) and on exact instances.

The checkers live in :mod:`derive.verify.resolvent_checks`.
"""

from __future__ import annotations

from functools import lru_cache

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sympy import (
    Add,
    Basic,
    BlockMatrix,
    Determinant,
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
    Symbol,
    Transpose,
    ZeroMatrix,
    cancel,
    fraction,
    solve,
    sympify,
)
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol
from sympy.matrices.expressions.blockmatrix import block_collapse

from derive.claims import NOTHING, Claim, Fact, Given, entry_symbol
from derive.linalg import _collapsible, block_products, normalize, same_size
from derive.notation import Diag, Equation, Relation, Tuple_, Words

# -- facts ------------------------------------------------------------------------------------


def _shape_values(symbolic: tuple[Basic, Basic], concrete: tuple[Basic, Basic]) -> dict[Symbol, int] | None:
    """The sizes that give a symbolic shape its concrete value (``(n + d, d)`` at (5, 2): n=3, d=2)."""
    found = _solved_shape(tuple(symbolic), tuple(concrete))
    return None if found is None else dict(found)


@lru_cache(maxsize=512)
def _solved_shape(symbolic: tuple[Basic, Basic], concrete: tuple[Basic, Basic]) -> tuple[tuple[Symbol, int], ...] | None:
    unknowns = sorted(set().union(*(sympify(s).free_symbols for s in symbolic)), key=lambda s: s.name)
    if not unknowns:
        return {}
    equations = [sympify(s) - int(c) for s, c in zip(symbolic, concrete)]
    solutions = solve(equations, unknowns, dict=True)
    if len(solutions) != 1 or set(solutions[0]) != set(unknowns):
        return None
    return tuple((k, int(v)) for k, v in solutions[0].items())


def default_instance(
    matrix: MatrixSymbol, facts: Iterable[Fact] = (), sizes: Mapping[Symbol, int] | None = None
) -> ImmutableMatrix:
    """The exact instance of a concrete-shape matrix symbol: a fact's, else generic entries.

    The same as :func:`derive.verify.instances.instantiate` would build, so that a matrix
    defined through others (:class:`Defines`) shares their entries.
    """
    for fact in facts:
        at = getattr(fact, "instance_at", None)
        built = at(matrix, sizes) if at is not None and sizes is not None else fact.instance(matrix)
        if built is not None:
            return built
    rows, cols = (int(s) for s in matrix.shape)
    return ImmutableMatrix(Matrix(rows, cols, lambda i, j: entry_symbol(matrix.name, i, j)))


@lru_cache(maxsize=1024)
def _defined_instance(
    fact: Defines, matrix: MatrixSymbol, frozen: tuple[tuple[Basic, int], ...] | None
) -> ImmutableMatrix | None:
    return fact._instance_at(matrix, None if frozen is None else dict(frozen))


@dataclass(frozen=True)
class Defines(Fact):
    """symbol := value, e.g. X̂ := [X; √λ I_d]. Unfolded in proofs; instances built from the parts.

    ``parts`` are facts that build the instances of the matrices ``value`` is made of
    (for example an SVD or an orthogonal fact); other matrices get generic entries.
    ``derived`` gives the sizes inside ``value`` that the symbol's shape does not fix,
    as formulas in the others (e.g. a rank r = min(n, d) − 1 for the instances; the
    listed sizes of a claim must agree with it).
    """

    symbol: MatrixSymbol
    value: Basic
    parts: tuple[Fact, ...] = ()
    derived: tuple[tuple[Symbol, Basic], ...] = ()  # sizes of the value not fixed by the symbol's shape

    def __post_init__(self) -> None:
        from derive.linalg import conform

        shape = conform(self.value)
        if not all(same_size(a, b) for a, b in zip(shape, self.symbol.shape)):
            raise ValueError(f"{self.symbol} is {self.symbol.shape} but its definition is {shape}")

    def rewrite(self, expr: Basic) -> Basic:
        out = expr.xreplace({self.symbol: self.value})
        if out != expr and isinstance(out, MatrixExpr) and not out.atoms(MatrixSymbol):
            # Only explicit matrices left (a worked example): evaluate exactly, now.
            from derive.linalg import exact_value

            value = exact_value(out)
            if value is not None:
                return value
        return out

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        return self.instance_at(matrix, None)

    def instance_at(self, matrix: MatrixSymbol, sizes: Mapping[Symbol, int] | None) -> ImmutableMatrix | None:
        """The instance at the sizes chosen for the claim (or, without them, read off the shape).

        Memoized: a pure function of the fact, the matrix and the sizes, asked again by
        every claim made under the definition (whose other facts differ)."""
        if matrix.name != self.symbol.name:
            return None
        frozen = None if sizes is None else tuple(sorted(sizes.items(), key=lambda kv: str(kv[0])))
        return _defined_instance(self, matrix, frozen)

    def _instance_at(self, matrix: MatrixSymbol, sizes: Mapping[Symbol, int] | None) -> ImmutableMatrix | None:
        dims = _shape_values(self.symbol.shape, matrix.shape)
        if sizes is not None:
            dims = {**(dims or {}), **{k: v for k, v in sizes.items() if isinstance(k, Symbol)}}
        if dims is None:
            return None
        for size, rule in self.derived:
            if size not in dims:
                dims[size] = int(sympify(rule).xreplace({k: Integer(v) for k, v in dims.items()}))
        value = self.value.xreplace({k: Integer(v) for k, v in dims.items()})
        if value.free_symbols & set(dims) or any(not sympify(s).is_Integer for s in value.shape):
            return None
        inner = {m: default_instance(m, self.parts, dims) for m in value.atoms(MatrixSymbol)}
        from derive.linalg import exact_value

        explicit = value.xreplace(inner)
        fast = exact_value(explicit)
        if fast is not None:
            return fast
        return ImmutableMatrix(block_collapse(explicit).as_explicit() if isinstance(explicit, MatrixExpr) else explicit)

    def admits(self, dims: Mapping[Symbol, int]) -> bool:
        # Instances follow the derived sizes; other choices would build a different matrix.
        for size, rule in self.derived:
            if size in dims:
                value = sympify(rule).subs(dims)
                if value.is_Integer and int(value) != dims[size]:
                    return False
        return True

    def statement(self) -> Basic:
        return Relation(self.symbol, "def", self.value)


def _is_identity_term(term: Basic) -> tuple[Basic, Identity] | None:
    """(c, I) when ``term`` is c·I."""
    if isinstance(term, Identity):
        return Integer(1), term
    if isinstance(term, MatMul):
        scalars = [a for a in term.args if not isinstance(a, MatrixExpr)]
        matrices = [a for a in term.args if isinstance(a, MatrixExpr)]
        if len(matrices) == 1 and isinstance(matrices[0], Identity):
            return Mul(*scalars), matrices[0]
    return None


def _split_scalar(term: Basic) -> tuple[Basic, list[Basic]]:
    if isinstance(term, MatMul):
        return Mul(*[a for a in term.args if not isinstance(a, MatrixExpr)]), [
            a for a in term.args if isinstance(a, MatrixExpr)
        ]
    return Integer(1), [term]


def _conjugated(term: Basic, q: MatrixSymbol) -> tuple[Basic, Basic] | None:
    """(c, M) when ``term`` is c·Q M Qᵀ (or c·Qᵀ M Q when ``q`` is given transposed)."""
    c, factors = _split_scalar(term)
    if len(factors) < 2 or factors[0] != q or factors[-1] != Transpose(q).doit():
        return None
    middle = factors[1:-1]
    if not middle:
        return c, Identity(q.shape[1])
    return c, (middle[0] if len(middle) == 1 else MatMul(*middle))


def pull_conjugation(expr: Basic, orthogonal: Iterable[MatrixSymbol]) -> Basic:
    """(Q M₁ Qᵀ + … + cI)⁻¹ → Q (M₁ + … + cI)⁻¹ Qᵀ for orthogonal Q (either Q or Qᵀ outside).

    True because Q(M₁ + … + cI)Qᵀ = QM₁Qᵀ + … + cQQᵀ and QQᵀ = I, and the inverse of a
    product of square invertible factors is the product of their inverses reversed,
    with Q⁻¹ = Qᵀ.
    """
    outer = [q for q in orthogonal] + [Transpose(q) for q in orthogonal]

    def one(inverse: Inverse) -> Basic:
        total = inverse.arg
        if not isinstance(total, MatAdd):
            return inverse
        for q in outer:
            q = q.doit()
            inner = []
            conjugated = False
            for term in total.args:
                ident = _is_identity_term(term)
                if ident is not None and same_size(ident[1].shape[0], q.shape[0]):
                    inner.append(term)
                    continue
                found = _conjugated(term, q)
                if found is None:
                    break
                conjugated = True
                c, middle = found
                inner.append(c * middle)
            else:
                if conjugated:
                    return MatMul(q, Inverse(MatAdd(*inner).doit()), Transpose(q).doit())
        return inverse

    return expr.replace(lambda e: isinstance(e, Inverse), one)


def split_identities(expr: Basic) -> Basic:
    """c·I + B → c·diag(I, I, …) + B when B is a block matrix with matching square partition."""

    def one(total: MatAdd) -> Basic:
        blocks = [t for t in total.args if isinstance(_split_scalar(t)[1][-1], BlockMatrix)]
        if not blocks:
            return total
        block = _split_scalar(blocks[0])[1][-1]
        rows, cols = block.rowblocksizes, block.colblocksizes
        if len(rows) != len(cols) or not all(same_size(a, b) for a, b in zip(rows, cols)):
            return total
        out = []
        changed = False
        for term in total.args:
            ident = _is_identity_term(term)
            if ident is not None and same_size(ident[1].shape[0], block.shape[0]):
                c = ident[0]
                grid = [
                    [Identity(rows[i]) if i == j else ZeroMatrix(rows[i], rows[j]) for j in range(len(rows))]
                    for i in range(len(rows))
                ]
                out.append(c * BlockMatrix(grid))
                changed = True
            else:
                out.append(term)
        return MatAdd(*out) if changed else total

    return expr.replace(lambda e: isinstance(e, MatAdd), one)


def _same_matrix(a: Basic, b: Basic) -> bool:
    return a == b or a.doit() == b.doit()


@dataclass(frozen=True)
class Resolvent:
    """K = (c·AB + e·I)⁻¹, with the rule K·AB = AB·K = (I − eK)/c (from K(cAB + eI) = (cAB + eI)K = I)."""

    left: Basic  # A
    right: Basic  # B
    c: Basic
    e: Basic

    @property
    def size(self) -> Basic:
        return self.left.shape[0]

    @property
    def matrix(self) -> Basic:
        return MatAdd(self.c * MatMul(self.left, self.right), self.e * Identity(self.size))

    def is_inverse(self, node: Basic) -> bool:
        return isinstance(node, Inverse) and _is_inverse_of(self, node)

    def reduce(self, product: Basic) -> Basic:
        """One application of the rule inside a product, or the product unchanged."""
        if not isinstance(product, MatMul):
            return product
        scalar, factors = _split_scalar(product)
        a, b = self.left, self.right
        for i, f in enumerate(factors):
            if not self.is_inverse(f):
                continue
            if factors[i + 1 : i + 3] == [a, b]:
                before, after = factors[:i], factors[i + 3 :]
            elif i >= 2 and factors[i - 2 : i] == [a, b]:
                before, after = factors[: i - 2], factors[i + 1 :]
            else:
                continue
            eye = Identity(self.size)
            first = MatMul(scalar / self.c, *before, eye, *after)
            second = MatMul(-scalar * self.e / self.c, *before, f, *after)
            return MatAdd(first, second)
        return product


@lru_cache(maxsize=1024)
def _is_inverse_of(resolvent: Resolvent, node: Inverse) -> bool:
    """Whether ``node`` is K (memoized: every product of every normalisation round asks,
    and comparing the matrices evaluates both)."""
    return _same_matrix(node.arg, resolvent.matrix)


def resolvents_in(expr: Basic, X: MatrixSymbol) -> list[Resolvent]:
    """Every inverse (c·XᵀX + e·I)⁻¹ or (c·XXᵀ + e·I)⁻¹ occurring in ``expr``."""
    found: list[Resolvent] = []
    for node in expr.atoms(Inverse):
        total = node.arg
        if not isinstance(total, MatAdd) or len(total.args) != 2:
            continue
        ident = [t for t in total.args if _is_identity_term(t) is not None]
        other = [t for t in total.args if _is_identity_term(t) is None]
        if len(ident) != 1 or len(other) != 1:
            continue
        c, factors = _split_scalar(other[0])
        for a, b in ((X.T, X), (X, X.T)):
            if factors == [a, b]:
                resolvent = Resolvent(a, b, c, _is_identity_term(ident[0])[0])
                if resolvent not in found:
                    found.append(resolvent)
    return found


def _push_through(product: Basic, X: MatrixSymbol, pairs: list[tuple[Resolvent, Resolvent]]) -> Basic:
    """K_d Xᵀ → Xᵀ K_n, X K_d → K_n X, Xᵀ K_n X → (I − e K_d)/c, for K_d = (cXᵀX + eI)⁻¹, K_n = (cXXᵀ + eI)⁻¹."""
    if not isinstance(product, MatMul):
        return product
    scalar, factors = _split_scalar(product)
    for small, big in pairs:
        k_d, k_n = Inverse(small.matrix), Inverse(big.matrix)
        for i in range(len(factors) - 1):
            pair = factors[i : i + 2]
            if small.is_inverse(pair[0]) and pair[1] == X.T:
                return MatMul(scalar, *factors[:i], X.T, k_n, *factors[i + 2 :])
            if pair[0] == X and small.is_inverse(pair[1]):
                return MatMul(scalar, *factors[:i], k_n, X, *factors[i + 2 :])
        for i in range(len(factors) - 2):
            if factors[i] == X.T and big.is_inverse(factors[i + 1]) and factors[i + 2] == X:
                before, after = factors[:i], factors[i + 3 :]
                first = MatMul(scalar / small.c, *before, Identity(small.size), *after)
                second = MatMul(-scalar * small.e / small.c, *before, k_d, *after)
                return MatAdd(first, second)
    return product


@dataclass(frozen=True)
class ShiftAlgebra(Fact):
    """λ > 0, so XᵀX + λI_d and XXᵀ + λI_n are invertible; normalisation with their inverses.

    A lemma, not an assumption: both matrices are positive definite for λ > 0 (the
    documents show this as a claim of its own). The rules, each an identity:
    K·XᵀX = XᵀX·K = (I − eK)/c for K = (cXᵀX + eI)⁻¹ (and the same for XXᵀ);
    (QMQᵀ + cI)⁻¹ = Q(M + cI)⁻¹Qᵀ for orthogonal Q; block algebra. With
    ``push_through`` also KXᵀ = XᵀK' and XK = K'X for K' = (cXXᵀ + eI)⁻¹ — the
    push-through identity, which a document must prove before relying on it.
    ``orthogonal``, ``symmetric`` and ``blocks`` go to :func:`derive.linalg.normalize`
    (:meth:`of_svd` takes them from an SVD fact applied before this one).
    """

    X: MatrixSymbol
    lam: Basic
    orthogonal: tuple[MatrixSymbol, ...] = ()
    symmetric: tuple[MatrixSymbol, ...] = ()
    blocks: tuple[tuple[MatrixSymbol, Basic], ...] = ()
    push_through: bool = False
    rounds: int = 16

    @classmethod
    def of_svd(cls, X: MatrixSymbol, lam: Basic, svd: Fact, push_through: bool = False) -> ShiftAlgebra:
        """The algebra after an :class:`derive.linalg.SVD` fact has substituted X = UΣVᵀ."""
        return cls(X, lam, (svd.U, svd.V), (svd.D,), tuple(svd.blocks().items()), push_through)

    def rewrite(self, expr: Basic) -> Basic:
        return shift_normalize(expr, self)

    def statement(self) -> Basic:
        d, n = self.X.shape[1], self.X.shape[0]
        gram_d = MatAdd(MatMul(self.X.T, self.X), self.lam * Identity(d))
        gram_n = MatAdd(MatMul(self.X, self.X.T), self.lam * Identity(n))
        return Tuple_(
            Relation(self.lam, "gt", Integer(0)),
            Relation(Determinant(gram_d), "ne", Integer(0)),
            Relation(Determinant(gram_n), "ne", Integer(0)),
        )


def _collapse(expr: Basic) -> Basic:
    if not expr.has(BlockMatrix):
        return expr
    try:
        return block_collapse(expr)
    except (ValueError, TypeError, AttributeError, NotImplementedError):
        return expr


def _unwrap(block: BlockMatrix) -> Basic:
    return block.blocks[0, 0] if block.blockshape == (1, 1) else block


def shift_normalize(expr: Basic, algebra: ShiftAlgebra) -> Basic:
    """Normal form of a matrix expression under the rules of :class:`ShiftAlgebra` (a fixed point).

    The rules of this module are tried first; :func:`derive.linalg.normalize` runs only
    after one of them changed something (the facts before this one have normalised
    already, and normalising is the expensive part).
    """
    blocks = dict(algebra.blocks)
    x = algebra.X
    if any(isinstance(p.base, MatMul) for p in expr.atoms(MatPow)):
        # (√λ I)² and the like: normalisation multiplies powers of products out.
        expr = normalize(expr, orthogonal=algebra.orthogonal, symmetric=algebra.symmetric, blocks=blocks or None)
    for _ in range(algebra.rounds):
        before = expr
        expr = pull_conjugation(expr, algebra.orthogonal)
        expr = split_identities(expr)
        if expr.has(BlockMatrix):
            # block_collapse nests products (V·B₁)·B₂; flatten before multiplying blocks.
            expr = block_products(expr)
            if _collapsible(expr):
                expr = _collapse(expr)
            expr = block_products(expr.doit())
            expr = expr.replace(lambda e: isinstance(e, BlockMatrix), _unwrap)
        found = resolvents_in(expr, x)
        for resolvent in found:
            expr = expr.replace(lambda e: isinstance(e, MatMul), resolvent.reduce)
        if algebra.push_through:
            pairs = [(a, b) for a in found for b in found
                     if a.left == x.T and b.left == x and a.c == b.c and a.e == b.e]
            pairs += [(a, Resolvent(x, x.T, a.c, a.e)) for a in found if a.left == x.T
                      and not any(p[0] == a for p in pairs)]
            expr = expr.replace(lambda e: isinstance(e, MatMul), lambda e: _push_through(e, x, pairs))
        if expr == before:
            break
        expr = normalize(expr, orthogonal=algebra.orthogonal, symmetric=algebra.symmetric, blocks=blocks or None)
    return expr


@dataclass(frozen=True)
class Diagonal(Fact):
    """D = diag(σ_1, …, σ_k) with every σ_i > 0 (Dᵀ = D; instances: symbolic positive σ_i)."""

    D: MatrixSymbol

    def rewrite(self, expr: Basic) -> Basic:
        return expr.xreplace({Transpose(self.D): self.D})

    def instance(self, matrix: MatrixSymbol) -> ImmutableMatrix | None:
        if matrix.name != self.D.name:
            return None
        from derive.linalg import rectangular_diagonal

        rows, cols = (int(s) for s in matrix.shape)
        return rectangular_diagonal(rows, cols)

    def statement(self) -> Basic:
        from derive.linalg import singular_value

        k = self.D.shape[0]
        return Equation(self.D, Diag(singular_value(1), Symbol(f"sigma_{k}", positive=True)))


# -- claims ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleared(Claim):
    """lhs = rhs, because P·lhs·Q = P·rhs·Q and P, Q are invertible.

    ``left`` (P) and ``right`` (Q) may be None (no factor on that side). The verifier
    shows P and Q invertible (:func:`derive.linalg.invertible`) and decides the cleared
    equation itself; multiplying by P⁻¹ and Q⁻¹ then gives the claim.
    """

    lhs: Basic
    rhs: Basic
    left: Basic | None = None
    right: Basic | None = None
    given: Given = field(default=NOTHING)

    def cleared(self) -> tuple[Basic, Basic]:
        def around(side: Basic) -> Basic:
            factors = [f for f in (self.left, side, self.right) if f is not None]
            return MatMul(*factors)

        return around(self.lhs), around(self.rhs)

    def display(self) -> Basic:
        return Equation(self.lhs, self.rhs)


@dataclass(frozen=True)
class DiagonalForm(Claim):
    """expr = diag(f(σ_1), …, f(σ_k)), for expr a rational function of D = diag(σ_1, …, σ_k).

    ``value`` is f(σ) written with the scalar ``sigma``; ``where`` lists the conditions
    on the symbols (σ > 0, λ > 0) under which every inverted diagonal is nonzero.
    """

    expr: Basic
    D: MatrixSymbol
    sigma: Symbol
    value: Basic
    given: Given = field(default=NOTHING)

    def entries(self) -> tuple[Basic, Basic]:
        """f(σ_1) and f(σ_k), for display."""
        k = self.D.shape[0]
        first = Symbol(f"{self.sigma.name}_1", positive=True)
        last = Symbol(f"{self.sigma.name}_{k}", positive=True)
        return self.value.xreplace({self.sigma: first}), self.value.xreplace({self.sigma: last})

    def display(self) -> Basic:
        return Equation(self.expr, Diag(*self.entries()))


# -- the diagonal homomorphism ------------------------------------------------------------------


class NotDiagonal(Exception):
    """The expression is not a rational function of the diagonal matrix alone."""


def diagonal_entry(expr: Basic, D: MatrixSymbol, sigma: Symbol, inverted: list[Basic] | None = None) -> Expr:
    """f(σ) for expr = f(D): D → σ, I → 1, 0 → 0, products, sums, powers, inverses entrywise.

    ``inverted`` collects the scalars whose reciprocals were taken (each must be nonzero
    for the inverse to exist). Raises :class:`NotDiagonal` for anything else (another
    matrix, a non-square block).
    """
    k = D.shape[0]
    if expr == D or expr == Transpose(D):
        return sigma
    if isinstance(expr, Identity) and same_size(expr.shape[0], k):
        return Integer(1)
    if isinstance(expr, ZeroMatrix) and same_size(expr.shape[0], k) and same_size(expr.shape[1], k):
        return Integer(0)
    if isinstance(expr, Transpose):
        return diagonal_entry(expr.arg, D, sigma, inverted)
    if isinstance(expr, Inverse):
        inner = diagonal_entry(expr.arg, D, sigma, inverted)
        if inverted is not None:
            inverted.append(inner)
        return 1 / inner
    if isinstance(expr, MatPow):
        inner = diagonal_entry(expr.base, D, sigma, inverted)
        if sympify(expr.exp).is_negative and inverted is not None:
            inverted.append(inner)
        return inner**expr.exp
    if isinstance(expr, MatMul):
        out: Expr = Integer(1)
        for arg in expr.args:
            out = out * (diagonal_entry(arg, D, sigma, inverted) if isinstance(arg, MatrixExpr) else arg)
        return out
    if isinstance(expr, MatAdd):
        return Add(*[diagonal_entry(a, D, sigma, inverted) for a in expr.args])
    if isinstance(expr, MatrixExpr) or isinstance(expr, MatrixBase):
        raise NotDiagonal(f"{expr} is not a function of {D}")
    if sigma in getattr(expr, "free_symbols", set()):
        raise NotDiagonal(f"the scalar {expr} contains {sigma}")
    return expr


def diagonal_matrix(value: Basic, D: MatrixSymbol, sigma: Symbol) -> Basic:
    """The matrix p(D)·q(D)⁻¹ for the rational function value = p(σ)/q(σ) (q monic).

    The inverse of :func:`diagonal_entry` on rational functions: diag(f(σ_i)) written
    with D. ``0`` gives the zero matrix, a constant c gives c·I.
    """
    from sympy import Poly

    k = D.shape[0]
    num, den = fraction(cancel(sympify(value)))
    if num == 0:
        return ZeroMatrix(k, k)

    def poly_of(p: Expr) -> Basic:
        poly = Poly(p, sigma)
        terms = []
        for (power,), coeff in zip(poly.monoms(), poly.coeffs()):
            term = Identity(k) if power == 0 else (D if power == 1 else MatPow(D, power))
            terms.append(coeff * term if coeff != 1 else term)
        return terms[0] if len(terms) == 1 else MatAdd(*terms)

    lead = Poly(den, sigma).LC()
    num, den = cancel(num / lead), cancel(den / lead)
    top = poly_of(num)
    if den == 1:
        return top
    bottom = poly_of(den)
    if top == Identity(k):
        return Inverse(bottom)
    return MatMul(top, Inverse(bottom))


__all__ = [
    "Cleared",
    "Defines",
    "DiagonalForm",
    "NotDiagonal",
    "Diagonal",
    "Resolvent",
    "resolvents_in",
    "ShiftAlgebra",
    "default_instance",
    "diagonal_entry",
    "diagonal_matrix",
    "pull_conjugation",
    "shift_normalize",
    "split_identities",
]
