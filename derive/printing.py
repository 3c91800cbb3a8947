"""The one LaTeX printer. Every formula in every document is printed here.

It subclasses SymPy's :class:`~sympy.printing.latex.LatexPrinter` and adds a
``_print_<Class>`` method for each display object of :mod:`derive.notation` and each
operation of :mod:`derive.ops`. Output uses only commands that KaTeX, MathJax and
amsmath all accept (``\\mathbf``, ``aligned``, ``\\boxed``; no ``\\mathbb 1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache

from sympy import Basic, Expr, Integer, MatMul, Symbol, ZeroMatrix
from sympy.printing.latex import LatexPrinter

from derive.ops import NUMERATOR, Entry, Jacobian, shape_of

_RELATIONS = {
    "iff": r"\iff",
    "implies": r"\implies",
    "impliedby": r"\impliedby",
    "to": r"\to",
    "approx": r"\approx",
    "ll": r"\ll",
    "gg": r"\gg",
    "le": r"\le",
    "ge": r"\ge",
    "lt": "<",
    "gt": ">",
    "ne": r"\ne",
    "in": r"\in",
    "eq": "=",
    "def": r"\mathrel{:=}",
    "mapsto": r"\mapsto",
    "propto": r"\propto",
    "sim": r"\sim",
    "quad": r"\quad",
}

# An equation chain longer than this (in characters of LaTeX) is set on aligned lines.
_CHAIN_INLINE_LIMIT = 90

_TEXT_SAFE = re.compile(r"[^A-Za-z0-9 ,.;:!?'()\-/+=<>]")
_SPLIT_NAMES: dict[tuple[str, object], tuple[str, tuple[str, ...], tuple[str, ...]]] = {}


class DerivePrinter(LatexPrinter):
    """LaTeX for SymPy objects and derive's display objects."""

    printmethod = "_derive_latex"
    _default_settings = {**LatexPrinter._default_settings, "symbol_names": {}}

    def __init__(self, settings: Mapping[str, object] | None = None) -> None:
        super().__init__(settings)
        self._printed: dict[Basic, str] = {}

    def _print(self, expr: object, **kwargs: object) -> str:
        # Every part of a formula printed once per printer: a displayed equation is printed
        # whole and then again cut into lines, and formulas share their parts. What a part
        # prints as depends on the part and the settings alone, except when the caller
        # passes arguments (a power's exponent to a function), which are not kept.
        if kwargs or not isinstance(expr, Basic):
            return super()._print(expr, **kwargs)
        try:
            return self._printed[expr]
        except KeyError:
            pass
        except TypeError:  # something unhashable inside expr
            return super()._print(expr)
        if len(self._printed) >= 16384:
            self._printed.clear()
        tex = self._printed[expr] = super()._print(expr)
        return tex

    def _split_super_sub(self, name: str) -> tuple[str, list[str], list[str]]:
        # A symbol's name split into base, superscripts and subscripts and translated
        # (Greek letters, accents): the same every time, and asked for at every symbol
        # of every formula, so kept once per process.
        key = (name, self._settings.get("disable_split_super_sub"))
        found = _SPLIT_NAMES.get(key)
        if found is None:
            base, supers, subs = super()._split_super_sub(name)
            if len(_SPLIT_NAMES) >= 4096:
                _SPLIT_NAMES.clear()
            found = _SPLIT_NAMES[key] = (base, tuple(supers), tuple(subs))
        return found[0], list(found[1]), list(found[2])

    # -- display objects -------------------------------------------------------
    def _print_Equation(self, expr: Basic) -> str:
        return f"{self._print(expr.args[0])} = {self._print(expr.args[1])}"

    def _print_EqChain(self, expr: Basic) -> str:
        parts = [self._print(t) for t in expr.args]
        inline = " = ".join(parts)
        if len(inline) <= _CHAIN_INLINE_LIMIT or len(parts) < 3:
            return inline
        lines = [f"{parts[0]} &= {parts[1]}"] + [f"&= {p}" for p in parts[2:]]
        return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"

    def _print_Relation(self, expr: Basic) -> str:
        lhs, op, rhs = expr.args
        symbol = _RELATIONS.get(op.name)
        if symbol is None:
            raise ValueError(f"unknown relation {op.name!r}")
        return f"{self._print(lhs)} {symbol} {self._print(rhs)}"

    def _print_RealSpace(self, expr: Basic) -> str:
        rows, cols = expr.args
        if cols == 1:
            exponent = self._print(rows)
        else:
            # (n + d) × d, not n + d × d: a compound size is parenthesised.
            exponent = " \\times ".join(self._print(s) if s.is_Atom else rf"({self._print(s)})" for s in (rows, cols))
        if rows == 1 and cols == 1:
            return r"\mathbb{R}"
        return rf"\mathbb{{R}}^{{{exponent}}}"

    def _print_Size(self, expr: Basic) -> str:
        return self._size_of(expr.args)

    def _print_Density(self, expr: Basic) -> str:
        name, var, *given = expr.args
        inside = self._print(var) + (rf" \mid {self._print(given[0])}" if given else "")
        return rf"{name.name}\left({inside}\right)"

    def _print_Element(self, expr: Basic) -> str:
        return rf"{self._print(expr.args[0])} \in {self._print(expr.args[1])}"

    def _print_Boxed(self, expr: Basic) -> str:
        return rf"\boxed{{{self._print(expr.args[0])}}}"

    def _print_Tuple_(self, expr: Basic) -> str:
        return r",\quad ".join(self._print(a) for a in expr.args)

    def _print_Words(self, expr: Basic) -> str:
        words = expr.args[0].name
        return rf"\text{{{_TEXT_SAFE.sub('', words)}}}"

    def _print_Str(self, expr: Basic) -> str:
        return rf"\text{{{_TEXT_SAFE.sub('', expr.name)}}}"

    def _print_ArgMin(self, expr: Basic) -> str:
        objective, var, *constraint = expr.args
        below = self._print(var)
        if constraint:
            below += r" \,:\, " + self._print(constraint[0])
        return rf"\mathop{{\mathrm{{arg\,min}}}}_{{{below}}} {self._print(objective)}"

    def _print_Diag(self, expr: Basic) -> str:
        first, last = (self._print(a) for a in expr.args)
        return rf"\operatorname{{diag}}\left({first}, \dots, {last}\right)"

    def _print_Rank(self, expr: Basic) -> str:
        return rf"\operatorname{{rank}}\left({self._print(expr.args[0])}\right)"

    def _print_Determinant(self, expr: Basic) -> str:
        return rf"\det\left({self._print(expr.args[0])}\right)"

    def _print_BlockMatrix(self, expr: Basic) -> str:
        # Zero blocks carry their sizes: the point of a block form is the bookkeeping.
        rows = []
        for i in range(expr.blockshape[0]):
            cells = []
            for j in range(expr.blockshape[1]):
                block = expr.blocks[i, j]
                if isinstance(block, ZeroMatrix):
                    cells.append(rf"\mathbf{{0}}_{{{self._size(block)}}}")
                else:
                    cells.append(self._print(block))
            rows.append(" & ".join(cells))
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"

    def _size(self, block: Basic) -> str:
        return self._size_of(block.shape)

    def _size_of(self, shape: tuple[Basic, Basic]) -> str:
        r, c = (self._print(d) if d.is_Atom else rf"({self._print(d)})" for d in shape)
        return rf"{r} \times {c}"

    def _print_Add(self, expr: Basic, order: str | None = None) -> str:
        # SymPy's order, except that a sum does not open with a negative term when a
        # positive one exists: "\phi(x) - y" and "w' - w", not "- y + \phi(x)".
        terms = list(self._as_ordered_terms(expr, order=order))
        if len(terms) > 1 and terms[0].could_extract_minus_sign():
            first = next((k for k, t in enumerate(terms) if not t.could_extract_minus_sign()), None)
            if first is not None:
                terms.insert(0, terms.pop(first))
        tex = ""
        for index, term in enumerate(terms):
            if index > 0:
                if term.could_extract_minus_sign():
                    tex += " - "
                    term = -term
                else:
                    tex += " + "
            elif term.could_extract_minus_sign():
                tex += "- "
                term = -term
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += term_tex
        return tex

    # -- operations ---------------------------------------------------------------
    def _print_Jacobian(self, expr: Jacobian) -> str:
        var = self._print(expr.x)
        body = self._print(expr.f)
        if expr.layout == NUMERATOR:
            return rf"\frac{{\partial}}{{\partial {var}}}\left({body}\right)"
        return rf"\nabla_{{{var}}}\left({body}\right)"

    def _print_Entry(self, expr: Entry) -> str:
        matrix, i, j = expr.args
        rows, cols = shape_of(matrix)
        if cols == 1:
            index = self._print(i)
        elif rows == 1:
            index = self._print(j)
        else:
            index = self._index_pair(i, j)
        return rf"\left({self._print(matrix)}\right)_{{{index}}}"

    def _index_pair(self, i: Basic, j: Basic) -> str:
        a, b = self._print(i), self._print(j)
        return a + b if len(a) == 1 and len(b) == 1 else f"{a},{b}"

    def _print_SqNorm(self, expr: Basic) -> str:
        return rf"\left\|{self._print(expr.args[0])}\right\|_{{2}}^{{2}}"

    def _print_Indexed(self, expr: Basic) -> str:
        base = self._print(expr.base)
        indices = expr.indices
        if len(indices) == 2:
            index = self._index_pair(*indices)
        else:
            index = ",".join(self._print(i) for i in indices)
        return f"{base}_{{{index}}}"

    def _print_IndexedBase(self, expr: Basic) -> str:
        return self._print(expr.label)

    def _print_Sum(self, expr: Basic) -> str:
        # One \sum per index, outermost first (SymPy's first limit is the innermost).
        signs = []
        for var, lo, hi in reversed(expr.limits):
            signs.append(rf"\sum_{{{self._print(var)}={self._print(lo)}}}^{{{self._print(hi)}}}")
        body = self._print(expr.function)
        if expr.function.is_Add:
            body = rf"\left({body}\right)"
        return " ".join(signs) + " " + body

    def _print_KroneckerDelta(self, expr: Basic, exp: Basic = None) -> str:
        tex = rf"\delta_{{{self._index_pair(*expr.args[:2])}}}"
        return rf"{tex}^{{{self._print(exp)}}}" if exp is not None else tex

    def _print_Basic(self, expr: Basic) -> str:
        # SymPy's constants (oo, pi, E, I) print through their own ``_latex`` method,
        # which the custom ``printmethod`` above bypasses; use it when there is one.
        if hasattr(expr, "_latex"):
            return expr._latex(self)
        return super()._print_Basic(expr)

    def _print_Elementwise(self, expr: Basic) -> str:
        name = self._print(Symbol(expr.args[0].name))
        return rf"{name}\left({self._print(expr.args[1])}\right)"

    def _print_ReLU(self, expr: Basic, exp: Basic = None) -> str:
        tex = rf"\operatorname{{ReLU}}\left({self._print(expr.args[0])}\right)"
        return rf"{tex}^{{{exp}}}" if exp is not None else tex  # exp arrives printed

    def _print_Indicator(self, expr: Basic, exp: Basic = None) -> str:
        # 1[z > 0]: the ReLU's derivative with the value 0 at the kink (derive.relu).
        return rf"\mathbf{{1}}\left[{self._print(expr.args[0])} > 0\right]"

    def _print_Identity(self, expr: Basic) -> str:
        return rf"I_{{{self._print(expr.shape[0])}}}"

    def _print_ZeroMatrix(self, expr: Basic) -> str:
        return r"\mathbf{0}"

    def _print_OneMatrix(self, expr: Basic) -> str:
        return r"\mathbf{1}"

    def _print_MatrixElement(self, expr: Basic) -> str:
        # Appears only if a 0-based SymPy entry leaks into a document; show it 1-based.
        i, j = expr.i + 1, expr.j + 1
        return f"{self._print(expr.parent)}_{{{self._index_pair(i, j)}}}"

    def _print_Integer(self, expr: Integer) -> str:
        return str(expr.p)


    # -- limits and Gaussian densities (derive.limits, derive.gaussian) -------------------
    def _print_LimitOf(self, expr: Basic) -> str:
        body, var, point, direction = expr.args
        side = {"+": "^{+}", "-": "^{-}"}.get(direction.name, "")
        return rf"\lim_{{{self._print(var)} \to {self._print(point)}{side}}} {self.parenthesize(body, 1000) if body.is_Add else self._print(body)}"

    def _print_Normal(self, expr: Basic) -> str:
        mean, cov = (self._print(a) for a in expr.args)
        return rf"\mathcal{{N}}\left({mean}, {cov}\right)"

    def _print_NormalPdf(self, expr: Basic, exp: Basic = None) -> str:
        x, mean, cov = (self._print(a) for a in expr.args)
        tex = rf"\mathcal{{N}}\left({x};\, {mean}, {cov}\right)"
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_ArgMax(self, expr: Basic) -> str:
        objective, var = expr.args
        return rf"\mathop{{\mathrm{{arg\,max}}}}_{{{self._print(var)}}} {self._print(objective)}"

def latex(expr: Basic, symbols: Mapping[Basic, str] | None = None) -> str:
    """LaTeX for ``expr``, with course notation for the given symbols."""
    # In the mapping's own order: printing symbols to sort them cost more than the memo saved.
    names = tuple((symbols or {}).items())
    try:
        return _latex(expr, names)
    except TypeError:  # something unhashable inside expr: print it without the memo
        return _print(expr, names)


@lru_cache(maxsize=8192)
def _latex(expr: Basic, names: tuple[tuple[Basic, str], ...]) -> str:
    # A formula is printed for every format of every document; once per process is
    # enough (SymPy objects are immutable, and equal objects print alike).
    return _print(expr, names)


def _print(expr: Basic, names: tuple[tuple[Basic, str], ...]) -> str:
    with _cheap_matmul_sign(), _quick_polynomial_constancy():
        return _printer(names).doprint(expr)


@lru_cache(maxsize=64)
def _printer(names: tuple[tuple[Basic, str], ...]) -> DerivePrinter:
    # One printer per notation, so that what it printed serves the next formula too.
    return DerivePrinter({"symbol_names": dict(names)})


def _leading_minus(self: MatMul) -> bool:
    c = self.args[0]
    return bool(c.is_Number and c.is_extended_negative)


@contextmanager
def _replaced(owner: type, name: str, method: object) -> Iterator[None]:
    """``owner.name`` is ``method`` inside the block (a SymPy test the printer makes, done cheaper)."""
    original = getattr(owner, name)
    setattr(owner, name, method)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _cheap_matmul_sign() -> AbstractContextManager[None]:
    """While printing, read a matrix product's sign off its leading coefficient.

    SymPy's test is ``self == -self``, and negating a matrix product evaluates it
    (``doit``): every Jacobian or inverse in it was computed again each time the printer
    asked, which made printing most of a build's time. For matrix products the two
    tests agree (the other case is ``zoo``, which no matrix carries).
    """
    return _replaced(MatMul, "could_extract_minus_sign", _leading_minus)


_is_constant = Expr.is_constant


def _polynomial_is_constant(self: Expr, *wrt: Basic, **flags: object) -> bool | None:
    # SymPy's first test, without the simplify before it: a polynomial that takes two
    # different values at all-zeros and all-ones is not constant. Anything else is left
    # to SymPy's own test.
    free = self.free_symbols
    if not wrt and not flags and free and all(s.is_Symbol for s in free) and self.is_polynomial(*free):
        at_zero = self.subs({s: 0 for s in free}, simultaneous=True)
        at_one = self.subs({s: 1 for s in free}, simultaneous=True)
        if at_zero.is_Rational and at_one.is_Rational and at_zero != at_one:
            return False
    return _is_constant(self, *wrt, **flags)


def _quick_polynomial_constancy() -> AbstractContextManager[None]:
    """While printing, tell a polynomial exponent is not constant without simplifying it.

    SymPy's printer splits a product into numerator and denominator with
    ``fraction(expr, exact=True)``, which asks ``is_constant()`` of every negative
    exponent other than -1 (the ``-n/2`` of a Gaussian's normalising constant); that
    simplifies the exponent first, and the first ``simplify`` of a process imports
    ``sympy.physics`` (~0.3 s). For a polynomial both tests give the same answer.
    """
    return _replaced(Expr, "is_constant", _polynomial_is_constant)
