"""Layout-aware vector calculus that *generates* derivation steps.

Given a scalar- or vector-valued matrix expression ``f`` in a column vector ``x``
(linear forms, squared norms, ``A x``, quadratic forms, sums and constant multiples of
them), :func:`differentiate` writes the solution the way the course teaches it:

1. the shape of the derivative (numerator layout: a scalar's derivative is a row);
2. ``f`` written entrywise in index notation;
3. an arbitrary entry differentiated (product rule gives Kronecker deltas, then the
   deltas collapse the sums);
4. the entry recognised as an entry of a matrix expression;
5. the entries stacked into the derivative.

Each step carries a claim for the verifier; nothing here decides whether a step is
right. The matrix form of the derivative comes from the small rule set below (in the
style of SymPy's ``manualintegrate``: each rule a frozen dataclass whose docstring is
its formula); "no rule applies" is the value ``None``, not an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sympy import (
    Add,
    Basic,
    Derivative,
    Dummy,
    Expr,
    Identity,
    Integer,
    KroneckerDelta,
    MatAdd,
    MatMul,
    Mul,
    Sum,
    Symbol,
    Transpose,
    ZeroMatrix,
    expand,
)
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Chain, Equal, Given, HasShape, InRange
from derive.model import Kind, Step, text
from derive.notation import Equation, RealSpace
from derive.ops import DENOMINATOR, NUMERATOR, Entry, Jacobian, indexed, shape_of

_INDEX_NAMES = ("i", "j", "l", "p", "q", "r", "s")


# -- index notation (the deriver's own translation; the verifier uses SymPy's) --------


def _fresh(used: set[str]) -> Symbol:
    for name in _INDEX_NAMES:
        if name not in used:
            used.add(name)
            return Symbol(name, integer=True)
    raise ValueError("expression nests too many products to name its indices")


def index_form(expr: Basic, row: Basic, col: Basic, used: set[str] | None = None) -> Expr:
    """Entry (row, col) of a matrix expression, written with sums over 1..size."""
    used = set(used or ()) | {str(s) for s in (row, col) if isinstance(s, Symbol)}
    return _index(expr, row, col, used)


def _index(expr: Basic, row: Basic, col: Basic, used: set[str]) -> Expr:
    if isinstance(expr, MatrixSymbol):
        return indexed(expr, row, col)
    if isinstance(expr, Transpose):
        return _index(expr.arg, col, row, used)
    if isinstance(expr, Identity):
        return KroneckerDelta(row, col)
    if isinstance(expr, ZeroMatrix):
        return Integer(0)
    if isinstance(expr, MatAdd):
        return Add(*[_index(a, row, col, used) for a in expr.args])
    if isinstance(expr, MatMul):
        scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
        matrices = [a for a in expr.args if isinstance(a, MatrixExpr)]
        coeff = Mul(*scalars)
        if len(matrices) == 1:
            return coeff * _index(matrices[0], row, col, used)
        # Introduce one summation index between consecutive factors.
        left, rest = matrices[0], MatMul(*matrices[1:])
        mid = _fresh(used)
        head, tail = _index(left, row, mid, used), _index(rest, mid, col, used)
        # Pull the inner sum out so a product reads as one multiple sum.
        limits: list[tuple] = []
        while isinstance(tail, Sum):
            limits = list(tail.limits) + limits
            tail = tail.function
        body = expand(coeff * head * tail)
        return _flatten(Sum(body, *limits, (mid, 1, left.shape[1])))
    raise NotImplementedError(f"no index form for {type(expr).__name__}")


def _flatten(s: Sum) -> Sum:
    """Nested sums as one sum over several indices, outermost index first."""
    body, limits = s.function, list(s.limits)
    if isinstance(body, Sum):
        inner = _flatten(body)
        return Sum(inner.function, *inner.limits, *limits)
    return s


# -- collapsing Kronecker deltas (the deriver's step; the verifier re-derives it) -------


def sift(expr: Basic) -> Basic:
    """Sum over d of δ(d, k) g(d) -> g(k), applied everywhere (1 <= k <= size assumed)."""
    if isinstance(expr, Add):
        return Add(*[sift(a) for a in expr.args])
    if isinstance(expr, Mul):
        return expand(Mul(*[sift(a) for a in expr.args]))
    if isinstance(expr, Sum):
        innermost, *outer = expr.limits
        result = _sift_one(expr.function, innermost)
        for limit in outer:
            result = _sift_one(result, limit)
        return result
    return expr


def _sift_one(body: Basic, limit: tuple) -> Basic:
    var, lo, hi = limit
    out = []
    for term in Add.make_args(expand(sift(body))):
        delta = next(
            (f for f in Mul.make_args(term) if isinstance(f, KroneckerDelta) and var in f.args),
            None,
        )
        if delta is not None:
            other = delta.args[1] if delta.args[0] == var else delta.args[0]
            out.append((term / delta).xreplace({var: other}))
        elif var not in term.free_symbols:
            out.append(term * (hi - lo + 1))
        else:
            inside = Mul(*[f for f in Mul.make_args(term) if var in f.free_symbols])
            outside = Mul(*[f for f in Mul.make_args(term) if var not in f.free_symbols])
            out.append(outside * Sum(inside, limit))
    return Add(*out)


# -- the matrix form: a small rule set, numerator layout ---------------------------------


@dataclass(frozen=True)
class Rule:
    """A differentiation rule; ``apply`` returns the derivative or None."""

    def apply(self, f: MatrixExpr, x: MatrixSymbol) -> MatrixExpr | None:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class ConstantRule(Rule):
    """∂c/∂x = 0 when c does not depend on x."""

    def apply(self, f, x):
        if x in f.atoms(MatrixSymbol):
            return None
        rows, cols = shape_of(f)
        return ZeroMatrix(rows * cols, x.shape[0])


@dataclass(frozen=True)
class IdentityRule(Rule):
    """∂x/∂x = I."""

    def apply(self, f, x):
        return Identity(x.shape[0]) if f == x else None


@dataclass(frozen=True)
class SumRule(Rule):
    """∂(f + g)/∂x = ∂f/∂x + ∂g/∂x."""

    def apply(self, f, x):
        if not isinstance(f, MatAdd):
            return None
        parts = [derivative(a, x) for a in f.args]
        return None if any(p is None for p in parts) else MatAdd(*parts)


@dataclass(frozen=True)
class ProductRule(Rule):
    """∂(c·M·g)/∂x = c·M·∂g/∂x for constant c, M; ∂(uᵀ v)/∂x = vᵀ ∂u/∂x + uᵀ ∂v/∂x."""

    def apply(self, f, x):
        if not isinstance(f, MatMul):
            return None
        scalars = Mul(*[a for a in f.args if not isinstance(a, MatrixExpr)])
        matrices = [a for a in f.args if isinstance(a, MatrixExpr)]
        if scalars != 1:
            inner = derivative(MatMul(*matrices), x)
            return None if inner is None else scalars * inner
        head, tail = matrices[0], MatMul(*matrices[1:]) if len(matrices) > 2 else matrices[1]
        if x not in head.atoms(MatrixSymbol):
            inner = derivative(tail, x)
            return None if inner is None else head * inner
        if shape_of(f) == (1, 1):
            # f = uᵀ v with uᵀ = head (a row), v = tail (a column).
            du = derivative(head.T, x)
            dv = derivative(tail, x)
            if du is None or dv is None:
                return None
            return tail.T * du + head * dv
        return None


RULES: tuple[Rule, ...] = (ConstantRule(), IdentityRule(), SumRule(), ProductRule())


def derivative(f: MatrixExpr, x: MatrixSymbol) -> MatrixExpr | None:
    """∂f/∂x in the numerator layout by the rules above, tidied; None if no rule applies."""
    for rule in RULES:
        result = rule.apply(f, x)
        if result is not None:
            return _tidy(result)
    return None


def _tidy(expr: MatrixExpr) -> MatrixExpr:
    """Drop identity factors and zero terms; merge equal terms (``xᵀ + xᵀ`` -> ``2xᵀ``)."""
    return expr.doit()


# -- steps ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivation:
    """The generated steps and the deriver's matrix form of the derivative."""

    steps: tuple[Step, ...]
    result: MatrixExpr


def differentiate(
    f: MatrixExpr,
    x: MatrixSymbol,
    *,
    expected: MatrixExpr | None = None,
    layout: str = NUMERATOR,
    entry_index: Symbol | None = None,
    row_index: Symbol | None = None,
) -> Derivation:
    """The protocol's steps for ∂f/∂x (see the module docstring).

    ``expected`` is the form the statement asks to show; when given, the last step
    chains the derived form to it. ``layout`` is ``"numerator"`` (the course's) or
    ``"denominator"`` (the gradient layout: everything transposed).
    """
    if layout not in (NUMERATOR, DENOMINATOR):
        raise ValueError(f"unknown layout {layout!r}")
    n = x.shape[0]
    k = entry_index or Symbol("k", integer=True)
    i = row_index or Symbol("i", integer=True)
    f_rows, f_cols = shape_of(f)
    if f_cols != 1:
        raise ValueError("f must be a scalar (1×1) or a column vector")
    scalar = f_rows == 1
    jac = Jacobian(f, x, layout)
    rows, cols = jac.shape
    ranges = Given((InRange(k, Integer(1), n),) + (() if scalar else (InRange(i, Integer(1), f_rows),)))

    matrix = derivative(f, x)
    if matrix is None:
        raise NotImplementedError(f"no differentiation rule for {f}")
    if layout == DENOMINATOR:
        matrix = matrix.T.doit()
    target = expected if expected is not None else matrix

    used = {str(k)} if scalar else {str(k), str(i)}
    f_entry = index_form(f, Integer(1) if scalar else i, Integer(1), used)
    d_entry = Derivative(f_entry, indexed(x, k))
    with_deltas = f_entry.diff(indexed(x, k))
    collapsed = sift(with_deltas)

    steps: list[Step] = []
    kind_of_f = "a scalar" if scalar else "a column vector"
    if layout == NUMERATOR:
        shape_words = text(
            "{} is " + kind_of_f + " and {} a column vector with n entries, so in the numerator layout the "
            "derivative has one row per entry of the function and one column per entry of {}: it lies in {}.",
            f,
            x,
            x,
            RealSpace(rows, cols),
        )
    else:
        shape_words = text(
            "{} is " + kind_of_f + " and {} a column vector with n entries, so in the denominator (gradient) "
            "layout the derivative has one row per entry of {} and one column per entry of the function: it "
            "lies in {}.",
            f,
            x,
            x,
            RealSpace(rows, cols),
        )
    steps.append(Step(Kind.STEP, "Shape of the derivative", shape_words, claim=HasShape(jac, rows, cols)))

    lhs_entry = f if scalar else Entry(f, i, 1)
    steps.append(
        Step(
            Kind.STEP,
            "Write the expression entrywise",
            text("In index notation, with every sum running over the valid range:"),
            claim=Equal(lhs_entry, f_entry, ranges),
        )
    )
    steps.append(
        Step(
            Kind.STEP,
            "Differentiate an arbitrary entry",
            text(
                "Differentiate with respect to an arbitrary entry {} of {} ({}). The product rule gives "
                "Kronecker deltas ({} is 1 when {} and 0 otherwise), and each delta collapses its sum:",
                indexed(x, k),
                x,
                InRange(k, Integer(1), n).statement(),
                KroneckerDelta(Symbol("i"), k),
                Equation(Symbol("i"), k),
            ),
            claim=Chain(_distinct(d_entry, with_deltas, collapsed), ranges),
        )
    )
    row, col = (Integer(1) if scalar else i, k) if layout == NUMERATOR else (k, Integer(1) if scalar else i)
    steps.append(
        Step(
            Kind.STEP,
            "Recognise the entry",
            text("This is entry ({}, {}) of {}:", row, col, target)
            if not (scalar and layout == NUMERATOR)
            else text("This is entry {} of the row vector {}:", k, target),
            claim=_recognition(collapsed, matrix, target, row, col, ranges),
        )
    )
    chain_terms = _distinct(jac, matrix, target)
    steps.append(
        Step(
            Kind.STEP,
            "Stack the entries",
            text("Arranging the entries for all indices gives the whole derivative:"),
            claim=Chain(chain_terms) if len(chain_terms) > 2 else Equal(jac, target),
        )
    )
    return Derivation(tuple(steps), matrix)


def _recognition(collapsed: Basic, matrix: MatrixExpr, target: MatrixExpr, row: Basic, col: Basic, ranges: Given):
    """collapsed = (term₁)_rc + (term₂)_rc + … = (target)_rc, term by term when the derivative is a sum."""
    terms = matrix.args if isinstance(matrix, MatAdd) else (matrix,)
    by_term = Add(*[Entry(t, row, col) for t in terms], evaluate=False) if len(terms) > 1 else None
    chain = _distinct(collapsed, *( (by_term,) if by_term is not None else ()), Entry(target, row, col))
    return Chain(chain, ranges) if len(chain) > 2 else Equal(chain[0], chain[-1], ranges)


def _distinct(*terms: Basic) -> tuple[Basic, ...]:
    out: list[Basic] = []
    for t in terms:
        if not out or out[-1] != t:
            out.append(t)
    return tuple(out)


def iter_rules() -> Iterator[Rule]:
    yield from RULES


__all__ = ["Derivation", "differentiate", "derivative", "index_form", "sift", "RULES"]

# Dummy is re-exported for callers that need a fresh summation index of their own.
_ = Dummy
