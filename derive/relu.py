"""The ReLU with the course's convention: its derivative at the kink is 0.

``ReLU(z)`` is a SymPy function whose meaning is the piecewise definition

    ReLU(z) = z  if z > 0,   0 otherwise,

and ``Indicator(z)`` is the indicator ``1[z > 0]``, the ReLU's derivative under the
convention (``1[0 > 0] = 0``). Both print compactly (``ReLU(z)``, ``𝟏[z > 0]``) and
``doit()`` turns them into ``Piecewise``, which is what the verifier computes with:
SymPy differentiates a ``Piecewise`` branch by branch and keeps the strict condition
``z > 0``, so the tie ``z = 0`` falls to the ``otherwise`` branch — exactly the
course's convention.

Why not ``Max(z, 0)``: SymPy differentiates it to ``Heaviside(z)``, and
``Heaviside(0) = 1/2``, which is not the course's convention.
"""

from __future__ import annotations

from functools import lru_cache

from sympy import Basic, Expr, Function, Piecewise, S


# Memoized (pure): a case analysis writes the same few ReLUs and indicators as Piecewise in
# every side and condition, and building one evaluates its condition ``z > 0``.
@lru_cache(maxsize=1024)
def _piecewise_relu(z: Expr) -> Piecewise:
    return Piecewise((z, z > 0), (S.Zero, True))


@lru_cache(maxsize=1024)
def _piecewise_indicator(z: Expr) -> Piecewise:
    return Piecewise((S.One, z > 0), (S.Zero, True))


class ReLU(Function):
    """ReLU(z) = z if z > 0, else 0 (so ReLU(0) = 0); d/dz ReLU(z) = 1[z > 0]."""

    nargs = 1

    @classmethod
    def eval(cls, z: Expr) -> Expr | None:
        # Settle only what the assumptions decide; otherwise stay unevaluated.
        if z.is_positive:
            return z
        if z.is_nonpositive:
            return S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        # The course's convention: derivative 0 at the kink.
        return Indicator(self.args[0])

    def _eval_rewrite_as_Piecewise(self, z: Expr, **kwargs: object) -> Expr:
        return _piecewise_relu(z)

    def doit(self, **hints: object) -> Basic:
        z = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return _piecewise_relu(z)

    def _eval_is_nonnegative(self) -> bool:
        return True

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


class Indicator(Function):
    """𝟏[z > 0]: 1 if z > 0, else 0 (so 𝟏[0 > 0] = 0)."""

    nargs = 1

    @classmethod
    def eval(cls, z: Expr) -> Expr | None:
        if z.is_positive:
            return S.One
        if z.is_nonpositive:
            return S.Zero
        return None

    def _eval_rewrite_as_Piecewise(self, z: Expr, **kwargs: object) -> Expr:
        return _piecewise_indicator(z)

    def doit(self, **hints: object) -> Basic:
        z = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return _piecewise_indicator(z)

    def _eval_is_nonnegative(self) -> bool:
        return True

    def _eval_is_real(self) -> bool:
        return True


def relu(z: Expr) -> Expr:
    """The ReLU of ``z`` (unevaluated unless the sign of ``z`` is known)."""
    return ReLU(z)


def relu_grad(z: Expr) -> Expr:
    """The ReLU's derivative at ``z`` under the course's convention: 𝟏[z > 0]."""
    return Indicator(z)


def as_piecewise(expr: Basic) -> Basic:
    """``expr`` with every ReLU and indicator written as its ``Piecewise`` definition."""
    return expr.replace(
        lambda e: isinstance(e, (ReLU, Indicator)),
        lambda e: _piecewise_relu(e.args[0]) if isinstance(e, ReLU) else _piecewise_indicator(e.args[0]),
    )


__all__ = ["ReLU", "Indicator", "relu", "relu_grad", "as_piecewise"]
