"""Unevaluated operations that claims state and the verifier recomputes.

* :class:`Jacobian` — the derivative of a matrix expression with respect to a column
  vector, in a stated layout. The course uses the numerator layout: the derivative
  of a scalar is a row vector and ``(∂f/∂x)[i, j] = ∂f_i/∂x_j``. SymPy's own
  matrix derivative is the denominator (gradient) layout, its transpose.
* :class:`Entry` — the (i, j) entry of a matrix expression, 1-based as in the course.

:func:`indexed` fixes the index-notation convention shared by derivers and verifier:
a column vector ``x`` has entries ``x_i``, a row vector entries ``x_j``, a matrix
``A`` entries ``A_{ij}``.
"""

from __future__ import annotations

from functools import lru_cache

from sympy import Basic, Expr, IndexedBase, Integer, Matrix, MatrixBase, sympify
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

NUMERATOR = "numerator"
DENOMINATOR = "denominator"
LAYOUTS = (NUMERATOR, DENOMINATOR)


def shape_of(expr: Basic) -> tuple[Basic, Basic]:
    """The shape of a matrix expression; a scalar counts as 1×1."""
    if isinstance(expr, (MatrixExpr, MatrixBase)):
        return tuple(sympify(d) for d in expr.shape)  # type: ignore[return-value]
    return (Integer(1), Integer(1))


def is_matrix(expr: Basic) -> bool:
    return isinstance(expr, (MatrixExpr, MatrixBase))


class Jacobian(MatrixExpr):
    """∂f/∂x for a column vector x: numerator layout is (size of f) × (size of x)."""

    def __new__(cls, f: Basic, x: Basic, layout: str | Str = NUMERATOR) -> Jacobian:
        layout = layout.name if isinstance(layout, Str) else layout
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
        if shape_of(x)[1] != 1:
            raise ValueError("derivatives are taken with respect to a column vector")
        return MatrixExpr.__new__(cls, sympify(f), x, Str(layout))

    @property
    def f(self) -> Basic:
        return self.args[0]

    @property
    def x(self) -> Basic:
        return self.args[1]

    @property
    def layout(self) -> str:
        return self.args[2].name

    @property
    def shape(self) -> tuple[Basic, Basic]:
        fr, fc = shape_of(self.f)
        size_f = fr * fc
        size_x = shape_of(self.x)[0]
        return (size_f, size_x) if self.layout == NUMERATOR else (size_x, size_f)

    def doit(self, **hints):  # type: ignore[override]
        try:
            key = tuple(sorted(hints.items()))
            hash(key)
        except TypeError:  # a hint that is not hashable: not memoized
            return self._evaluate(**hints)
        # Memoized: a derivative is stated by several claims (its shape, its value, a chain's
        # links) and evaluated again for each; the explicit case is a mutable Matrix, copied
        # so that every caller owns its value.
        value = _evaluated_jacobian(self, key)
        return value.copy() if isinstance(value, MatrixBase) and not isinstance(value, Basic) else value

    def _evaluate(self, **hints):
        f = self.f.doit(**hints) if hints.get("deep", True) else self.f
        x = self.x
        if isinstance(x, MatrixSymbol):
            if not f.has(x):
                # SymPy leaves the derivative of a constant as an unevaluated ArrayDerivative.
                from sympy import ZeroMatrix

                return ZeroMatrix(*self.shape)
            # SymPy's matrix calculus returns the denominator layout.
            gradient = _matrix_diff(f, x)
            return gradient.T if self.layout == NUMERATOR else gradient
        if isinstance(x, MatrixBase):
            if isinstance(f, MatrixExpr) and not isinstance(f, MatrixBase):
                # Products and sums of explicit matrices: multiplied out exactly in a fraction
                # field (SymPy's as_explicit builds every entry as a sum and evaluates it).
                from derive.linalg import exact_value

                explicit = exact_value(f)
                f = explicit if explicit is not None else f
            values = Matrix(f) if is_matrix(f) else Matrix([f])
            column = values.reshape(values.rows * values.cols, 1)
            jac = column.jacobian(list(x))
            return jac if self.layout == NUMERATOR else jac.T
        raise TypeError(f"cannot differentiate with respect to {x!r}")

    def _eval_transpose(self):
        flipped = DENOMINATOR if self.layout == NUMERATOR else NUMERATOR
        return Jacobian(self.f, self.x, flipped)


@lru_cache(maxsize=512)
def _evaluated_jacobian(jacobian: Jacobian, hints: tuple[tuple[str, object], ...]) -> Basic:
    return jacobian._evaluate(**dict(hints))


@lru_cache(maxsize=512)
def _matrix_diff(f: Basic, x: MatrixSymbol) -> Basic:
    """SymPy's matrix derivative (slow: it goes through array expressions); memoized, as the
    same derivative is stated by several claims (its shape, its value, a chain's links)."""
    return f.diff(x)


class Entry(Expr):
    """The (i, j) entry of a matrix expression, counted from 1."""

    def __new__(cls, matrix: Basic, i: Basic, j: Basic = Integer(1)) -> Entry:
        return Expr.__new__(cls, matrix, sympify(i), sympify(j))

    @property
    def matrix(self) -> Basic:
        return self.args[0]

    @property
    def i(self) -> Basic:
        return self.args[1]

    @property
    def j(self) -> Basic:
        return self.args[2]


def indexed(matrix: MatrixSymbol, i: Basic, j: Basic = Integer(1)) -> Expr:
    """The course's index notation for entry (i, j) of a matrix symbol (1-based)."""
    base = IndexedBase(matrix.name)
    rows, cols = matrix.shape
    if cols == 1:
        return base[i]
    if rows == 1:
        return base[j]
    return base[i, j]


class SqNorm(Expr):
    """‖x‖₂² of a column vector, by definition the sum of the squares of its entries."""

    def __new__(cls, vector: MatrixSymbol) -> SqNorm:
        return Expr.__new__(cls, vector)

    @property
    def vector(self) -> MatrixSymbol:
        return self.args[0]

    def doit(self, **hints):  # type: ignore[override]
        from sympy import Dummy, Sum

        v = self.vector.doit(**hints) if hints.get("deep", True) else self.vector
        if isinstance(v, MatrixBase):
            return sum(e**2 for e in v)
        i = Dummy("i", integer=True)
        # A vector expression (X w - y) has entries only through Entry; a symbol has x_i.
        entry = indexed(v, i) if isinstance(v, MatrixSymbol) else Entry(v, i)
        return Sum(entry**2, (i, 1, v.shape[0]))
