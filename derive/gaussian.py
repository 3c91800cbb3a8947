"""Gaussian densities and MAP estimation as claims.

* :class:`Normal` — the distribution 𝒩(μ, Σ), for display (``W ∼ 𝒩(0, I)``).
* :class:`NormalPdf` — the density 𝒩(x; μ, Σ) at x. Its :meth:`~NormalPdf.doit` is the
  definition, for a covariance c·I_k (c > 0), the only kind this module needs:
  ``(2π)^{-k/2} det(cI_k)^{-1/2} exp(−(x − μ)ᵀ(cI_k)⁻¹(x − μ)/2)`` with
  ``det(cI_k) = c^k`` and ``(cI_k)⁻¹ = I_k/c``; a scalar x has k = 1.
* :class:`DensityEqual` — lhs = rhs for two positive expressions (densities, products
  of densities), decided on their logarithms; :class:`LogOf` — log(expr) = value.
  The verifier unfolds every density from its definition, takes logarithms (each
  factor is shown positive first, so ``log(ab) = log a + log b`` is valid), and proves
  the difference zero for symbolic sizes (index notation for sums over data points);
  then it checks the identity at a random rational point of a concrete size.
* :class:`Maximizer` — point = argmax_var objective, for a scalar objective
  ``c − q(var)`` where the terms free of ``var`` are constants: the verifier separates
  them itself and shows ``point`` the unique minimizer of ``q``
  (:class:`derive.linalg.Minimizer`: gradient zero, Hessian positive definite).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic, Expr, Identity, Integer, MatMul, Rational, exp, pi, sympify
from sympy.matrices.expressions import MatrixExpr

from derive.claims import NOTHING, Claim, Given
from derive.notation import Equation
from derive.ops import SqNorm, shape_of


class Normal(Basic):
    """𝒩(mean, cov), a Gaussian distribution (display only)."""

    def __new__(cls, mean: Basic, cov: Basic) -> Normal:
        return Basic.__new__(cls, sympify(mean), sympify(cov))


def scalar_covariance(cov: Basic) -> tuple[Basic, Basic]:
    """(c, k) for a covariance c·I_k (or a scalar variance c, k = 1); ValueError otherwise."""
    if isinstance(cov, Identity):
        return Integer(1), cov.shape[0]
    if isinstance(cov, MatMul):
        scalars = [a for a in cov.args if not isinstance(a, MatrixExpr)]
        matrices = [a for a in cov.args if isinstance(a, MatrixExpr)]
        if len(matrices) == 1 and isinstance(matrices[0], Identity):
            return _product(scalars), matrices[0].shape[0]
    if not isinstance(cov, MatrixExpr):
        return sympify(cov), Integer(1)
    raise ValueError(f"only covariances c·I are supported, not {cov}")


def _product(items: list[Basic]) -> Basic:
    out: Basic = Integer(1)
    for item in items:
        out = out * item
    return out


def density_shape_error(pdf: NormalPdf) -> str | None:
    """Why 𝒩(x; μ, cI_k) is not defined by its shapes, or None: x must be a k×1 column (or
    a scalar when k = 1) and μ of the same shape as x (or the scalar 0)."""
    from sympy import sstr

    from derive.linalg import same_size

    _, k = scalar_covariance(pdf.cov)
    x, mean = pdf.x, pdf.mean
    if isinstance(x, MatrixExpr):
        rows, cols = shape_of(x)
        if not (same_size(rows, k) and same_size(cols, 1)):
            return f"the density of {sstr(x)} ({sstr(rows)}×{sstr(cols)}) with a covariance of size {sstr(k)}: x must be {sstr(k)}×1"
    elif not same_size(k, 1):
        return f"the density of the scalar {sstr(x)} with a covariance of size {sstr(k)}"
    if isinstance(mean, MatrixExpr):
        if not isinstance(x, MatrixExpr) or not all(same_size(a, b) for a, b in zip(shape_of(mean), shape_of(x))):
            shape = "×".join(sstr(v) for v in shape_of(mean))
            return f"the mean {sstr(mean)} is {shape}, not of the shape of x = {sstr(x)}"
    elif mean != 0 and isinstance(x, MatrixExpr):
        return f"the mean {sstr(mean)} is a scalar but x = {sstr(x)} is a vector"
    return None


class NormalPdf(Expr):
    """𝒩(x; mean, cov): the Gaussian density at x (positive; :meth:`doit` is its definition)."""

    def __new__(cls, x: Basic, mean: Basic, cov: Basic) -> NormalPdf:
        scalar_covariance(cov)  # only c·I covariances are defined here
        return Expr.__new__(cls, sympify(x), sympify(mean), sympify(cov))

    @property
    def x(self) -> Basic:
        return self.args[0]

    @property
    def mean(self) -> Basic:
        return self.args[1]

    @property
    def cov(self) -> Basic:
        return self.args[2]

    def _eval_is_positive(self) -> bool:
        c, _ = scalar_covariance(self.cov)
        return bool(c.is_positive) or None

    def _eval_is_real(self) -> bool:
        return True

    def doit(self, **hints):  # type: ignore[override]
        from derive.errors import ShapeError

        wrong = density_shape_error(self)
        if wrong is not None:  # the definition would mistake a row for a scalar
            raise ShapeError(wrong)
        c, k = scalar_covariance(self.cov)
        x, mean = self.x, self.mean
        if isinstance(x, MatrixExpr) and shape_of(x)[0] != 1:
            quad = SqNorm(x - mean if mean != 0 else x) / c
        else:
            quad = (x - mean) ** 2 / c
        # (2π)^{-k/2} det(cI_k)^{-1/2} exp(-quad/2), det(cI_k) = c^k
        return (2 * pi) ** (-k / Integer(2)) * (c**k) ** Rational(-1, 2) * exp(-quad / 2)


@dataclass(frozen=True)
class DensityEqual(Claim):
    """lhs = rhs, two positive expressions (densities), decided on their logarithms."""

    lhs: Basic
    rhs: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Equation(self.lhs, self.rhs)


@dataclass(frozen=True)
class LogOf(Claim):
    """log(expr) = value, for a positive expr."""

    expr: Basic
    value: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        from sympy import log

        return Equation(log(self.expr, evaluate=False), self.value)


class ArgMax(Basic):
    """argmax over var of objective (display)."""

    def __new__(cls, objective: Basic, var: Basic) -> ArgMax:
        return Basic.__new__(cls, objective, var)


@dataclass(frozen=True)
class Maximizer(Claim):
    """point = argmax_var objective (objective = constants − a strictly convex quadratic)."""

    objective: Basic
    var: Basic
    point: Basic
    given: Given = field(default=NOTHING)

    def display(self) -> Basic:
        return Equation(self.point, ArgMax(self.objective, self.var))


__all__ = ["ArgMax", "DensityEqual", "density_shape_error", "LogOf", "Maximizer", "Normal", "NormalPdf", "scalar_covariance"]
