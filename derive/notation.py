"""Display-only SymPy objects: relations and sets the printer knows how to typeset.

They carry no mathematics of their own; claims (:mod:`derive.claims`) do. Keeping them
as SymPy objects means prose never contains hand-written LaTeX.
"""

from __future__ import annotations

from sympy import Basic, Expr, Integer, sympify
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr


class Equation(Basic):
    """lhs = rhs, unevaluated (works for matrix expressions, unlike ``Eq``)."""

    def __new__(cls, lhs: Basic, rhs: Basic) -> Equation:
        return Basic.__new__(cls, lhs, rhs)

    @property
    def lhs(self) -> Basic:
        return self.args[0]

    @property
    def rhs(self) -> Basic:
        return self.args[1]


class EqChain(Basic):
    """t0 = t1 = … = tk, typeset on aligned lines when long."""

    def __new__(cls, *terms: Basic) -> EqChain:
        return Basic.__new__(cls, *terms)


class Relation(Basic):
    """lhs OP rhs for a named relation: ``iff``, ``implies``, ``approx``, ``to``, ``le``…"""

    def __new__(cls, lhs: Basic, op: str, rhs: Basic) -> Relation:
        return Basic.__new__(cls, lhs, Str(op), rhs)

    @property
    def op(self) -> str:
        return self.args[1].name


class RealSpace(Basic):
    """The real space R^(rows×cols); a column vector space when cols is 1."""

    def __new__(cls, rows: Expr | int, cols: Expr | int = 1) -> RealSpace:
        return Basic.__new__(cls, sympify(rows), sympify(cols))

    @property
    def rows(self) -> Basic:
        return self.args[0]

    @property
    def cols(self) -> Basic:
        return self.args[1]


class Element(Basic):
    """x ∈ S."""

    def __new__(cls, item: Basic, space: Basic) -> Element:
        return Basic.__new__(cls, item, space)


class Boxed(Basic):
    """A formula framed as a final answer."""

    def __new__(cls, body: Basic) -> Boxed:
        return Basic.__new__(cls, body)


class Tuple_(Basic):
    """Formulas separated by commas, e.g. several memberships in one sentence."""

    def __new__(cls, *items: Basic) -> Tuple_:
        return Basic.__new__(cls, *items)


ONE = Integer(1)


class Words(Basic):
    """A few words of prose inside a formula, e.g. 'for all'."""

    def __new__(cls, words: str) -> Words:
        return Basic.__new__(cls, Str(words))


class ArgMin(Basic):
    """argmin over var of objective, optionally subject to a constraint (an Equation)."""

    def __new__(cls, objective: Basic, var: Basic, constraint: Basic | None = None) -> ArgMin:
        args = (objective, var) if constraint is None else (objective, var, constraint)
        return Basic.__new__(cls, *args)


class Diag(Basic):
    """diag(first, …, last): a square diagonal matrix given by its first and last entries."""

    def __new__(cls, first: Basic, last: Basic) -> Diag:
        return Basic.__new__(cls, sympify(first), sympify(last))


class Rank(Basic):
    """rank(M)."""

    def __new__(cls, matrix: Basic) -> Rank:
        return Basic.__new__(cls, matrix)


class Elementwise(MatrixExpr):
    """f(M): a function named ``name`` applied to every entry of M (e.g. Φ, the ReLU layer)."""

    def __new__(cls, name: str | Str, matrix: Basic) -> Elementwise:
        return Basic.__new__(cls, name if isinstance(name, Str) else Str(name), matrix)

    @property
    def shape(self) -> tuple[Basic, Basic]:
        return self.args[1].shape


class Size(Basic):
    """rows × cols: the size of a matrix named in prose ("an n × n matrix")."""

    def __new__(cls, rows: Expr | int, cols: Expr | int) -> Size:
        return Basic.__new__(cls, sympify(rows), sympify(cols))


class Density(Expr):
    """name(x | given): a (conditional) density or probability, e.g. p(w | y) or P(W | Y = y).

    An ``Expr`` so that densities multiply and divide in prose (p(y | w) p(w) / Z).
    """

    def __new__(cls, name: str, var: Basic, given: Basic | None = None) -> Density:
        args = (Str(name), var) if given is None else (Str(name), var, given)
        return Expr.__new__(cls, *args)
