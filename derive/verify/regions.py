"""Regions of parameter space, and exact sign decisions on them.

A *region* is a conjunction of relations between real expressions (``w > 0``,
``w*x + b <= 0``, ``Eq(y, 2)``, ``Ne(w, 0)``, ``ReLU(w*x + b) > 0``). Claims that hold
"for every point of the region" are decided here in three moves, each exact:

1. **Case analysis** (:func:`cases`). Definitions are unfolded, derivatives computed,
   and every ``Piecewise`` (a ReLU, an indicator, ``Abs``) in the claim or the region
   is split into its branches; each branch adds its condition (and the negation of the
   earlier conditions) to the region. The cases cover the region, so a claim holding
   on every case holds on the region. ``Ne(g, 0)`` splits into ``g > 0`` and ``g < 0``.
2. **Charts** (:func:`charts`). The atoms of a case, ``g > 0``, ``g >= 0``, ``g = 0``,
   are solved one at a time for a variable ``v`` in which ``g`` is linear with a
   coefficient ``c`` of *proved* sign: ``v = (t - r)/c`` with a new parameter
   ``t > 0`` (``t >= 0``; ``t = 0`` for an equation). Each substitution is a bijection
   (given the later variables), so the case is *exactly* the image of an orthant of
   parameters (times the unconstrained variables). Atoms not used for a substitution
   must then be proved true on the chart (redundant) — or one proved false, and the
   case is empty.
3. **Signs** (:func:`sign_of`). On a chart an expression is a rational function of
   positive (or non-negative) parameters. A polynomial whose coefficients all have one
   sign has that sign there; products of such factors (``factor_list``) too. This is a
   proof, not a sample. When it fails the answer is ``None`` ("cannot tell").

Random exact points of a chart are used only to *refute* (:func:`sample_points`).

Scope: expressions are compared as rational functions, so a claim is decided *where its
expressions are defined*; a sign or an equivalence additionally requires every
denominator to have a proved sign on the case (so it is defined there). Limits are
taken per case, after the charts' substitution, with the limit variable left alone.
"""

from __future__ import annotations

from functools import lru_cache

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sympy import (
    Abs,
    And,
    Basic,
    Derivative,
    Dummy,
    Eq,
    Expr,
    GreaterThan,
    Heaviside,
    Integer,
    LessThan,
    Limit,
    MatrixBase,
    Ne,
    Not,
    Or,
    Piecewise,
    Poly,
    Rational,
    S,
    StrictGreaterThan,
    StrictLessThan,
    Subs,
    Symbol,
    cancel,
    diff,
    expand,
    sympify,
    factor_list,
    fraction,
    together,
)
from sympy.core.function import AppliedUndef, FunctionClass
from sympy.polys.polyerrors import PolynomialError
from sympy.polys.domains import ZZ
from sympy.polys.orderings import lex
from sympy.polys.polyutils import _sort_gens
from sympy.polys.rings import PolyElement, PolyRing, sring
from sympy.core.relational import Relational
from sympy.logic.boolalg import ITE, Boolean, BooleanFalse, BooleanTrue

from derive.relu import Indicator, ReLU, as_piecewise

POS, NEG, ZERO, NONNEG, NONPOS = "pos", "neg", "zero", "nonneg", "nonpos"

# An atom "g ⋈ 0": ⋈ is > (POS), >= (NONNEG) or = (ZERO).
Atom = tuple[Expr, str]

MAX_CASES = 64
MAX_NODES = 400  # chart-search nodes per case
MAX_CHARTS = 8  # charts tried per case before giving up


class RegionError(Exception):
    """A region or claim this module cannot represent (e.g. cyclic definitions)."""


class _NotRational(Exception):
    """An expression that is not a rational function of symbols with rational coefficients."""


@lru_cache(maxsize=256)
def _ring(symbols: frozenset[Symbol]) -> PolyRing:
    # The generators in the order ``sring`` gives them, so that the sign normalization of a
    # cancelled fraction (the denominator's leading coefficient, lex order) is sring's.
    return PolyRing(_sort_gens(symbols), ZZ, lex)


def _to_fraction(expr: Basic, ring: PolyRing, gens: dict[Basic, PolyElement]) -> tuple[PolyElement, PolyElement]:
    """``expr`` as numerator and denominator in ``ring`` (not cancelled)."""
    if expr.is_Rational:
        return ring(expr.p), ring(expr.q)
    if expr.is_Symbol:
        return gens[expr], ring.one
    if expr.is_Add or expr.is_Mul:
        parts = [_to_fraction(arg, ring, gens) for arg in expr.args]
        num, den = parts[0]
        for n, d in parts[1:]:
            if expr.is_Mul:
                num, den = num * n, den * d
            elif d == den:
                num = num + n
            else:
                num, den = num * d + n * den, den * d
        return num, den
    if expr.is_Pow and expr.exp.is_Integer:
        num, den = _to_fraction(expr.base, ring, gens)
        k = int(expr.exp)
        if k < 0 and not num:
            raise _NotRational  # a division by an identically zero expression: left to sring
        return (num**k, den**k) if k >= 0 else (den ** (-k), num ** (-k))
    raise _NotRational


@lru_cache(maxsize=8192)
def _rational_parts(expr: Basic) -> tuple[PolyElement, PolyElement] | None:
    """``expr`` as a cancelled fraction p/q in ``ZZ[symbols]`` (q with positive leading
    coefficient): the result of ``sring`` and ``cancel`` on its numerator and denominator,
    computed by ring arithmetic on the expression tree instead of expanding expressions.
    None when ``expr`` is not a rational function of symbols with rational coefficients,
    has no symbols, or has a denominator that is identically zero."""
    if not isinstance(expr, Expr):
        return None
    symbols = expr.free_symbols
    if not symbols or len({str(s) for s in symbols}) < len(symbols):
        return None  # no generators, or two named alike (sring's order is then arbitrary)
    ring = _ring(frozenset(symbols))
    gens = dict(zip(ring.symbols, ring.gens))
    try:
        num, den = _to_fraction(expr, ring, gens)
    except _NotRational:
        return None
    if not den:
        return None
    return num.cancel(den)


@lru_cache(maxsize=8192)
def ratnorm(expr: Basic) -> Basic:
    """``expr`` as one cancelled fraction p/q (the core of SymPy's ``cancel``, without its
    slow sign and term-factoring pre-passes); anything that is not a rational function of
    its atoms goes to ``cancel`` itself. A rational function of symbols is cancelled by
    ring arithmetic on its tree (:func:`_rational_parts`, no expansion of expressions);
    other rational functions of their atoms through ``sring``. Memoized: the case analysis
    of a claim asks for the same few hundred fractions thousands of times."""
    expr = sympify(expr)
    if not isinstance(expr, Expr) or expr.is_Number:
        return expr
    if expr.has(Piecewise, Limit):
        return cancel(expr)
    parts = _rational_parts(expr)
    if parts is not None:
        num, den = parts
        return num.as_expr() / den.as_expr()
    p, q = expr.as_numer_denom()
    try:
        ring, (num, den) = sring((p, q))
    except PolynomialError:  # not a polynomial in any generators: let cancel() decide
        return cancel(expr)
    if not ring.ngens:
        return (p / q).expand()
    num, den = num.cancel(den)
    return num.as_expr() / den.as_expr()


# -- definitions and operations -----------------------------------------------------------


def unfold(expr: Basic, defs: tuple[tuple[Basic, Basic], ...]) -> Basic:
    """``expr`` with every definition substituted until none applies."""
    closed = _closed_definitions(defs)
    if closed is None:
        return _unfold_stepwise(expr, defs)
    return _substituted(expr, closed)


def _substituted(expr: Basic, closed: tuple[tuple[Basic, Basic], ...]) -> Basic:
    """``expr`` with definitions whose values are free of definitions substituted at once.

    One pass puts each key's final value in place; a further pass is needed only where a
    substitution made a new key (``ell(k, b)`` with ``k := w`` becomes the key ``ell(w, b)``)."""
    rule = {key: value for key, value in closed if not isinstance(key, FunctionClass)}
    applied = [(key, value) for key, value in closed if isinstance(key, FunctionClass)]
    for _ in range(16):
        new = expr
        nodes = new.atoms(Symbol, AppliedUndef)
        present = {key: value for key, value in rule.items() if key in nodes or not isinstance(key, (Symbol, AppliedUndef))}
        if present:
            new = new.xreplace(present)
        for key, value in applied:
            if new.has(key):
                new = new.replace(key, value)
        if new == expr:
            return expr
        expr = new
    raise RegionError("definitions do not terminate (cyclic?)")


@lru_cache(maxsize=64)
def _closed_definitions(defs: tuple[tuple[Basic, Basic], ...]) -> tuple[tuple[Basic, Basic], ...] | None:
    """The definitions with their values unfolded, each once from the unfolded values of the
    definitions it uses (memoized per problem part: each claim's sides and conditions would
    otherwise substitute the same chains, e' → b'/w' → ∂ℓ → φ, again). None where this could
    differ from substituting one definition at a time: a key inside another key (the order
    of the definitions then matters), or definitions that refer to themselves."""
    keys = [key for key, _ in defs]
    for a in keys:
        for b in keys:
            if a is not b and (a == b or (isinstance(b, Basic) and b.has(a))):
                return None
    value_of = dict(defs)
    closed: dict[Basic, Basic] = {}
    visiting: set[Basic] = set()

    def close(key: Basic) -> Basic:
        if key in closed:
            return closed[key]
        if key in visiting:
            raise RegionError("definitions do not terminate (cyclic?)")
        visiting.add(key)
        value = value_of[key]
        uses = tuple((k, close(k)) for k in keys if _occurs(k, value))
        closed[key] = _substituted(value, uses) if uses else value
        return closed[key]

    try:
        return tuple((key, close(key)) for key in keys)
    except RegionError:
        return None


def _occurs(key: Basic, expr: Basic) -> bool:
    """Whether substituting the definition of ``key`` could change ``expr``."""
    if isinstance(key, (Symbol, AppliedUndef)):
        return key in expr.atoms(Symbol, AppliedUndef)
    return expr.has(key)


def _unfold_stepwise(expr: Basic, defs: tuple[tuple[Basic, Basic], ...]) -> Basic:
    """:func:`unfold` one definition at a time, in order, until none applies."""
    # replace() and xreplace() walk (and rebuild) the whole tree, and change nothing where
    # the key does not occur: a symbol or applied function key absent from the tree's
    # nodes (bound ones included, as xreplace sees them) is skipped.
    for _ in range(16):
        new = expr
        nodes: set[Basic] | None = None
        for key, value in defs:
            if isinstance(key, FunctionClass):
                if not new.has(key):
                    continue
                changed = new.replace(key, value)
            else:
                if isinstance(key, (Symbol, AppliedUndef)):
                    if nodes is None:
                        nodes = new.atoms(Symbol, AppliedUndef)
                    if key not in nodes:
                        continue
                changed = new.xreplace({key: value})
            if changed is not new:
                new, nodes = changed, None
        if new == expr:
            return expr
        expr = new
    raise RegionError("definitions do not terminate (cyclic?)")


@lru_cache(maxsize=2048)
def prepare(expr: Basic, defs: tuple[tuple[Basic, Basic], ...] = ()) -> Basic:
    """Definitions unfolded; derivatives and substitutions computed; ReLU, indicator,
    ``Heaviside`` and ``Abs`` written as ``Piecewise``. Limits stay unevaluated (they are
    taken per case). Memoized (a pure function; a claim's sides and cases repeat it)."""
    # Each replace() below is skipped where nothing it matches occurs (it would return
    # the same expression after rebuilding the tree).
    expr = unfold(sympify(expr), defs)
    if not expr.has(Derivative, Subs, ReLU, Indicator, Heaviside, Abs):
        return expr  # one walk of the tree instead of one per rewrite below
    if expr.has(Derivative, Subs):
        expr = expr.replace(lambda e: isinstance(e, (Derivative, Subs)) and not e.has(Limit), _doit)
    if expr.has(ReLU, Indicator):
        expr = as_piecewise(expr)
    if expr.has(Heaviside):
        expr = expr.replace(lambda e: isinstance(e, Heaviside), lambda e: e.rewrite(Piecewise))
    if not expr.has(Abs):
        return expr
    return expr.replace(lambda e: isinstance(e, Abs), lambda e: Piecewise((e.args[0], e.args[0] >= 0), (-e.args[0], True)))


@lru_cache(maxsize=4096)
def _doit(expr: Basic) -> Basic:
    """``expr.doit()``, memoized: claims of one problem differentiate the same terms."""
    return expr.doit()


@lru_cache(maxsize=2048)
def bound_symbols(expr: Basic) -> frozenset[Symbol]:
    """Symbols bound inside ``expr`` (limit variables): never substituted by a chart.
    Memoized (a region's conditions recur in many claims)."""
    return frozenset(lim.args[1] for lim in expr.atoms(Limit))


# -- case analysis ------------------------------------------------------------------------


def _atom(rel: Relational) -> list[list[Basic]] | Atom:
    """A relation as an atom, or as alternatives (a list of conjunctions) when it is ``≠``."""
    a, b = rel.lhs, rel.rhs
    if isinstance(rel, StrictGreaterThan):
        return (a - b, POS)
    if isinstance(rel, StrictLessThan):
        return (b - a, POS)
    if isinstance(rel, GreaterThan):
        return (a - b, NONNEG)
    if isinstance(rel, LessThan):
        return (b - a, NONNEG)
    if isinstance(rel, Eq):
        return (a - b, ZERO)
    if isinstance(rel, Ne):
        return [[StrictGreaterThan(a, b)], [StrictLessThan(a, b)]]
    raise RegionError(f"unsupported relation {rel}")


@lru_cache(maxsize=4096)
def _normed_atom(rel: Relational) -> list[list[Basic]] | Atom:
    """:func:`_atom` with the expression of an atom in :func:`ratnorm`'s form. Memoized: the
    branches of a region meet the same relations again (each builds ``a - b`` anew)."""
    made = _atom(rel)
    if isinstance(made, list):
        return made
    return (ratnorm(made[0]), made[1])


@lru_cache(maxsize=4096)
def _replace(expr: Basic, old: Basic, new: Basic) -> Basic:
    """``expr.xreplace({old: new})``, memoized: every branch of the region splits the same
    goals on the same Piecewise nodes again. A matrix in which ``old`` does not occur is
    returned as it is (its ``xreplace`` rebuilds it from every entry even then)."""
    if isinstance(expr, MatrixBase) and not expr.has(old):
        return expr
    return expr.xreplace({old: new})


@lru_cache(maxsize=2048)
def _negate(cond: Basic) -> Basic:
    if isinstance(cond, Relational):
        return cond.negated
    return Not(cond).to_nnf()  # an equivalence (SymPy's simplify took ~1 s on an ITE)


@lru_cache(maxsize=4096)
def _splittable(expr: Basic, free: frozenset[Symbol]) -> Piecewise | None:
    """A Piecewise whose conditions involve no bound variable (safe to split on).
    Memoized: the goals are searched again in every branch that leaves them unchanged."""
    for pw in sorted(expr.atoms(Piecewise), key=_size_and_text):
        conds = [c for _, c in pw.args]
        if all(not (getattr(c, "free_symbols", set()) - free) for c in conds):
            return pw
    return None


@lru_cache(maxsize=4096)
def _size_and_text(pw: Piecewise) -> tuple[int, str]:
    """The order in which Piecewise nodes are split (printed once per node: printing is slow)."""
    text = str(pw)
    return len(text), text


def _contradict(a: Atom, b: Atom) -> bool:
    """Whether two atoms are plainly incompatible (same expression up to sign)."""
    (g, k), (h, l) = a, b
    if POS not in (k, l):
        return False
    if _opposite(g, h):  # g > 0 with -g >= 0, -g > 0 or -g = 0
        return True
    return {k, l} == {ZERO, POS} and _same(g, h)


@lru_cache(maxsize=4096)
def _opposite(g: Expr, h: Expr) -> bool:
    # Atoms are in cancelled form, so h = -g shows up as a zero sum after expansion.
    # Memoized: every new atom of a case is compared with all earlier ones, in every case.
    pg, ph = _canonical(g), _canonical(h)
    if pg is not None and ph is not None:
        # Cancelled fractions are unique, so the zero sum is h's parts being -g's.
        return pg[0].ring == ph[0].ring and pg[0] == -ph[0] and pg[1] == ph[1]
    return expand(g + h) == 0


@lru_cache(maxsize=4096)
def _same(g: Expr, h: Expr) -> bool:
    pg, ph = _canonical(g), _canonical(h)
    if pg is not None and ph is not None:
        return pg[0].ring == ph[0].ring and pg == ph
    return expand(g - h) == 0


@lru_cache(maxsize=8192)
def _canonical(expr: Expr) -> tuple[PolyElement, PolyElement] | None:
    """The cancelled numerator and denominator of ``expr`` when ``expr`` is exactly the
    fraction ratnorm writes for them, else None.

    Two such expressions are equal (or opposite) as rational functions exactly when their
    parts are (or the numerators are opposite): the cancelled form with a denominator of
    positive leading coefficient is unique, and its generators are the symbols it depends
    on (the ring is the same exactly when the symbols are). For these, ``expand(g ± h)``
    is 0 exactly when the functions cancel, so the comparison needs no expansion."""
    parts = _rational_parts(expr)
    if parts is None:
        return None
    num, den = parts
    return parts if num.as_expr() / den.as_expr() == expr else None


def _add_atom(atoms: list[Atom], new: Atom) -> list[Atom]:
    """``atoms`` and ``new``; g >= 0 together with -g >= 0 becomes g = 0."""
    if new in atoms:
        return atoms
    g, kind = new
    if kind == NONNEG:
        for k, (h, other) in enumerate(atoms):
            if other == NONNEG and _opposite(g, h):
                return [*atoms[:k], (g, ZERO), *atoms[k + 1 :]]
    return [*atoms, new]


@dataclass
class Case:
    """One branch combination: atoms that hold together, and the Piecewise-free targets."""

    atoms: list[Atom]
    targets: tuple[Basic, ...]


def cases(targets: tuple[Basic, ...], region: tuple[Basic, ...]) -> tuple[list[Case], int]:
    """The cases covering ``region`` on which ``targets`` are free of ``Piecewise``, and
    how many branch combinations were dropped as plainly empty (``g > 0`` with ``g <= 0``)."""
    free = frozenset().union(*(item.free_symbols for item in (*targets, *region)))
    out: list[Case] = []
    dropped = 0
    stack: list[tuple[list[Basic], tuple[Basic, ...], list[Atom]]] = [(list(region), tuple(targets), [])]
    while stack:
        pending, goals, atoms = stack.pop()
        if len(out) + len(stack) > MAX_CASES:
            raise RegionError(f"more than {MAX_CASES} cases")
        if pending:
            cond, rest = pending[0], pending[1:]
            if cond is S.true or isinstance(cond, BooleanTrue):
                stack.append((rest, goals, atoms))
                continue
            if cond is S.false or isinstance(cond, BooleanFalse):
                dropped += 1
                continue
            pw = _splittable(cond, free) if cond.has(Piecewise) else None
            if pw is not None:
                earlier: list[Basic] = []
                for value, c in pw.args:
                    stack.append(([_replace(cond, pw, value), c, *[_negate(e) for e in earlier], *rest], goals, atoms))
                    earlier.append(c)
                continue
            if cond.has(Piecewise):
                raise RegionError(f"cannot split {cond}")
            if isinstance(cond, ITE):
                c, yes, no = cond.args
                stack.append(([c, yes, *rest], goals, atoms))
                stack.append(([_negate(c), no, *rest], goals, atoms))
                continue
            if isinstance(cond, And):
                stack.append(([*cond.args, *rest], goals, atoms))
                continue
            if isinstance(cond, Or):
                for alt in cond.args:
                    stack.append(([alt, *rest], goals, atoms))
                continue
            if isinstance(cond, Not):
                stack.append(([_negate(cond.args[0]), *rest], goals, atoms))
                continue
            if not isinstance(cond, Relational):
                raise RegionError(f"unsupported condition {cond}")
            made = _normed_atom(cond)
            if isinstance(made, list):
                for alt in made:
                    stack.append(([*alt, *rest], goals, atoms))
                continue
            if any(_contradict(made, other) for other in atoms):
                dropped += 1
                continue  # an empty case: g > 0 together with -g >= 0, and the like
            stack.append((rest, goals, _add_atom(atoms, made)))
            continue
        pw = None
        for goal in goals:
            pw = _splittable(goal, free)
            if pw is not None:
                break
        if pw is not None:
            earlier = []
            for value, c in pw.args:
                new_goals = tuple(_replace(g, pw, value) for g in goals)
                stack.append(([c, *[_negate(e) for e in earlier]], new_goals, atoms))
                earlier.append(c)
            continue
        if any(g.has(Piecewise) for g in goals):
            raise RegionError("a branch condition depends on a bound (limit) variable")
        out.append(Case(atoms, goals))
    return out, dropped


# -- signs of rational functions of positive parameters -------------------------------------


def is_param(s: Basic) -> bool:
    return isinstance(s, Dummy) and bool(s.is_nonnegative)


_MUL = {
    (POS, POS): POS, (POS, NEG): NEG, (NEG, NEG): POS,
    (POS, NONNEG): NONNEG, (POS, NONPOS): NONPOS, (NEG, NONNEG): NONPOS, (NEG, NONPOS): NONNEG,
    (NONNEG, NONNEG): NONNEG, (NONNEG, NONPOS): NONPOS, (NONPOS, NONPOS): NONNEG,
}


def _mul(a: str, b: str) -> str:
    if ZERO in (a, b):
        return ZERO
    return _MUL.get((a, b)) or _MUL[(b, a)]


def _number_sign(value: Expr) -> str | None:
    if value.is_zero:
        return ZERO
    if value.is_positive:
        return POS
    if value.is_negative:
        return NEG
    return None


def _int_sign(value: int) -> str:
    return ZERO if value == 0 else POS if value > 0 else NEG


def _terms_sign(symbols: tuple[Basic, ...], terms: list, sign: Callable[[Basic], str | None]) -> str | None:
    """The sign of a polynomial whose terms ``(monomial, coefficient)`` all have one sign,
    or None when their signs are mixed (or unknown)."""
    signs = {sign(c) for _, c in terms}
    if not (signs <= {POS} or signs <= {NEG}):
        return None
    # A monomial in strictly positive parameters only is > 0; one with a
    # non-negative parameter is only >= 0.
    strict = any(all(g.is_positive for g, k in zip(symbols, monom) if k) for monom, _ in terms)
    if signs <= {POS}:
        return POS if strict else NONNEG
    return NEG if strict else NONPOS


def _product_sign(constant: str | None, factors: list, sign: Callable[[Basic], str | None]) -> str | None:
    """The sign of ``constant`` times the factors ``(f, multiplicity)``; None for a single
    simple factor (nothing gained) or a factor of unproved sign."""
    if len(factors) == 1 and factors[0][1] == 1:
        return None
    out = constant
    for f, k in factors:
        s = sign(f)
        if s is None:
            return None
        if k % 2 == 0:
            s = POS if s in (POS, NEG) else NONNEG if s != ZERO else ZERO
        out = _mul(out, s)
    return out


def _poly_sign(p: Expr, depth: int = 0) -> str | None:
    if p.is_number:
        return _number_sign(p)
    symbols = sorted(p.free_symbols, key=lambda s: s.name)
    if not all(is_param(s) for s in symbols):
        return None
    try:
        poly = Poly(p, *symbols)
    except PolynomialError:  # not a polynomial in the parameters
        return None
    s = _terms_sign(tuple(symbols), poly.terms(), _number_sign)
    if s is not None or depth > 0:
        return s
    constant, factors = factor_list(p)
    return _product_sign(_number_sign(constant), factors, lambda f: _poly_sign(f, depth + 1))


def _ring_sign(p: PolyElement, depth: int = 0) -> str | None:
    """:func:`_poly_sign` of a polynomial over ZZ given as a ring element (no conversion
    from expressions; factored by the ring's own ``factor_list``)."""
    if p.is_ground:
        return _int_sign(p.LC)
    symbols = p.ring.symbols
    if not all(is_param(g) for g, d in zip(symbols, p.degrees()) if d > 0):
        return None
    s = _terms_sign(symbols, p.terms(), _int_sign)
    if s is not None or depth > 0:
        return s
    constant, factors = p.factor_list()
    return _product_sign(_int_sign(constant), factors, lambda f: _ring_sign(f, depth + 1))


def _quotient_sign(den: str | None, num: Callable[[], str | None]) -> str | None:
    """The sign of num/den: only when the denominator has a strict sign."""
    if den not in (POS, NEG):
        return None
    sn = num()
    if sn is None:
        return None
    return _mul(sn, den)


@lru_cache(maxsize=8192)
def sign_of(expr: Basic) -> str | None:
    """The sign of ``expr`` for every value of its parameters, or None when not proved.

    ``expr`` may contain only parameters (positive or non-negative dummies) and numbers.
    Memoized (a pure function; factoring is slow, and charts of several cases share atoms).
    """
    parts = _rational_parts(expr)
    if parts is not None:
        # The cancelled numerator and denominator of ratnorm(expr), as ring elements.
        num, den = parts
        if not num:
            return ZERO
        return _quotient_sign(_ring_sign(den), lambda: _ring_sign(num))
    expr = ratnorm(expr)
    if expr == 0:
        return ZERO
    if expr.is_number:
        return _number_sign(expr)
    num, den = fraction(expr)
    return _quotient_sign(_poly_sign(den), lambda: _poly_sign(num))


def atom_truth(atom: Atom) -> bool | None:
    """Whether ``g ⋈ 0`` holds at every parameter value (True), at none (False), or None."""
    g, kind = atom
    s = sign_of(g)
    if s is None:
        return None
    if kind == POS:
        return True if s == POS else False if s in (NEG, ZERO, NONPOS) else None
    if kind == NONNEG:
        return True if s in (POS, NONNEG, ZERO) else False if s == NEG else None
    return True if s == ZERO else False if s in (POS, NEG) else None


# -- charts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A case written as an orthant: ``steps`` substitute original variables, in order."""

    steps: tuple[tuple[Symbol, Expr], ...]
    params: tuple[Dummy, ...]
    empty: bool = False
    free: tuple[Symbol, ...] = field(default=())

    def pull(self, expr: Basic) -> Basic:
        """``expr`` written in the chart's parameters (and free variables)."""
        for var, value in self.steps:
            expr = _replace(expr, var, value)
        return expr

    def point(self, values: dict[Basic, Rational]) -> dict[Symbol, Expr]:
        """Original variables at given parameter (and free-variable) values."""
        out: dict[Basic, Expr] = dict(values)
        for var, value in reversed(self.steps):
            out[var] = ratnorm(value.xreplace(out))
        return {k: v for k, v in out.items() if not isinstance(k, Dummy)}

    def describe(self) -> str:
        return "; ".join(f"{_text(v)} = {_text(e)}" for v, e in self.steps)


@lru_cache(maxsize=4096)
def _linear(g: Expr, v: Symbol) -> tuple[Expr, Expr] | None:
    """``(c, r)`` with ``g = c*v + r`` and neither depending on ``v``, as ratnorm gives
    them (``c = ratnorm(diff(g, v))``, ``r = ratnorm(g - c*v)``), or None. Memoized: the
    cases of a claim share atoms, and each case's chart search solves them again."""
    parts = _rational_parts(g)
    if parts is not None and v in parts[0].ring.symbols:
        return _ring_linear(*parts, v)
    c = ratnorm(diff(g, v))
    if v in c.free_symbols or c == 0:
        return None
    r = ratnorm(g - c * v)
    if v in r.free_symbols:
        return None
    return c, r


def _ring_linear(num: PolyElement, den: PolyElement, v: Symbol) -> tuple[Expr, Expr] | None:
    """:func:`_linear` of num/den by ring arithmetic (the cancelled forms are ratnorm's:
    generators that do not occur change neither the cancellation nor its sign)."""
    ring = num.ring
    i = ring.symbols.index(v)
    x = ring.gens[i]
    cn, cd = (num.diff(x) * den - num * den.diff(x)).cancel(den * den)
    if not cn or cn.degree(i) > 0 or cd.degree(i) > 0:
        return None
    rn, rd = (num * cd - cn * x * den).cancel(den * cd)
    if rn.degree(i) > 0 or rd.degree(i) > 0:
        return None
    return cn.as_expr() / cd.as_expr(), rn.as_expr() / rd.as_expr()


@lru_cache(maxsize=None)
def _param(index: int, strict: bool) -> Dummy:
    """The chart parameter ``t<index>`` (> 0 if ``strict``, else >= 0).

    The same objects serve every chart (a chart's parameters have distinct indices, and
    charts never meet in one expression), so the substitutions and signs computed for
    one case are found again in the memoized functions for the next. Lower indices are
    made first: within a chart, t1 is older than t2 as with fresh dummies."""
    if index > 1:
        _param(index - 1, True)
        _param(index - 1, False)
    name = f"t{index}"
    return Dummy(name, positive=True) if strict else Dummy(name, nonnegative=True)


@lru_cache(maxsize=8192)
def _substitute(expr: Basic, var: Symbol, value: Expr) -> Basic:
    """``expr`` with ``var`` replaced by ``value``, in cancelled form (memoized)."""
    return ratnorm(expr.xreplace({var: value}))


@lru_cache(maxsize=4096)
def _text(expr: Basic) -> str:
    """``str(expr)``, memoized (printing is slow; the chart order asks for it per case)."""
    return str(expr)


def charts(atoms: list[Atom], frozen: set[Symbol] = frozenset()) -> Iterator[Chart]:
    """Charts of the conjunction of ``atoms`` (see module docstring), best guesses first."""
    order = sorted(atoms, key=lambda a: (len(a[0].free_symbols), a[1] != ZERO, _text(a[0])))
    nodes = [0]

    def rec(pending: list[Atom], deferred: list[Atom], steps: tuple, params: tuple) -> Iterator[Chart]:
        nodes[0] += 1
        if nodes[0] > MAX_NODES:
            return
        if not pending:
            truths = [atom_truth(a) for a in deferred]
            if any(t is False for t in truths):
                yield Chart(steps, params, empty=True)
            elif all(t is True for t in truths):
                free = set()
                for var, value in steps:
                    free |= value.free_symbols
                yield Chart(steps, params, free=tuple(sorted((s for s in free if not is_param(s)), key=str)))
            return
        (g, kind), rest = pending[0], pending[1:]
        truth = atom_truth((g, kind))
        if truth is True:
            yield from rec(rest, deferred, steps, params)
            return
        if truth is False:
            yield Chart(steps, params, empty=True)
            return
        candidates = sorted((s for s in g.free_symbols if not is_param(s) and s not in frozen), key=str)
        for v in candidates:
            lin = _linear(g, v)
            if lin is None:
                continue
            c, r = lin
            if sign_of(c) not in (POS, NEG):
                continue
            if kind == ZERO:
                value, new = ratnorm(-r / c), ()
            else:
                t = _param(len(params) + 1, kind == POS)
                value, new = (t - r) / c, (t,)
            yield from rec(
                [(_substitute(a, v, value), k) for a, k in rest],
                [(_substitute(a, v, value), k) for a, k in deferred],
                (*steps, (v, value)),
                (*params, *new),
            )
        yield from rec(rest, [*deferred, (g, kind)], steps, params)

    seen = 0
    for chart in rec(list(order), [], (), ()):
        yield chart
        seen += 1
        if seen >= MAX_CHARTS:
            return


def equation_chart(atoms: list[Atom], frozen: set[Symbol] = frozenset()) -> Chart | None:
    """A chart that solves only the equations ``g = 0`` of a case (inequalities ignored).

    Enough for an identity: if it holds on the solution set of the equations, it holds on
    any part of it. None when an equation cannot be solved for a variable."""
    steps: list[tuple[Symbol, Expr]] = []
    pending = [g for g, kind in atoms if kind == ZERO]
    for g in pending:
        for var, value in steps:
            g = _replace(g, var, value)
        g = ratnorm(g)
        if g == 0:
            continue
        for v in sorted((s for s in g.free_symbols if s not in frozen and not is_param(s)), key=str):
            lin = _linear(g, v)
            if lin is not None and lin[0].is_number:
                steps.append((v, ratnorm(-lin[1] / lin[0])))
                break
        else:
            return None
    return Chart(tuple(steps), ())


# -- exact random points (refutation only) -----------------------------------------------------


_SCALES = (Rational(1, 64), Rational(1, 8), Integer(1), Integer(8), Integer(64))


def _value(symbol: Basic, rng: random.Random) -> Rational:
    # Several orders of magnitude: a sign change often needs one parameter to dominate.
    value = Rational(rng.randint(1, 12), rng.randint(1, 6)) * rng.choice(_SCALES)
    if is_param(symbol):
        if not symbol.is_positive and rng.random() < 0.25:
            return Integer(0)
        return value
    return value if rng.random() < 0.5 else -value


def _corners(unknowns: list[Basic]) -> Iterator[dict[Basic, Rational]]:
    """Every unknown at a small, unit or large value (few unknowns only)."""
    levels = (Rational(1, 32), Integer(1), Integer(32))
    if len(unknowns) > 4:
        return
    for combo in itertools.product(levels, repeat=len(unknowns)):
        yield dict(zip(unknowns, combo))


def sample_points(
    chart: Chart, variables: set[Symbol], count: int, rng: random.Random
) -> Iterator[dict[Symbol, Expr]]:
    """Exact points of the chart's case, in the original ``variables``: the corners of the
    parameter orthant first (when there are few parameters), then random points."""
    solved = {v for v, _ in chart.steps}
    unknowns = list(chart.params) + sorted(set(chart.free) | (set(variables) - solved), key=str)
    signed = [u for u in unknowns if is_param(u)]
    free = [u for u in unknowns if not is_param(u)]
    if not free:
        for values in _corners(signed):
            try:
                yield chart.point(values)
            except ZeroDivisionError:  # pragma: no cover - a chart's denominators have a proved sign
                continue
    for _ in range(count):
        values = {s: _value(s, rng) for s in unknowns}
        try:
            yield chart.point(values)
        except ZeroDivisionError:
            continue


def holds(relation: Basic, point: dict[Symbol, Expr]) -> bool | None:
    """Whether a prepared relation holds at an exact point (None if undefined there)."""
    if isinstance(relation, Relational):
        # Substitute into each side, not into the relation: SymPy refuses to build a
        # comparison with ``zoo`` (a denominator vanishing at this point) and raises.
        sides = [side.xreplace(point) for side in (relation.lhs, relation.rhs)]
        sides = [side.doit() if side.has(Limit) else side for side in sides]
        if any(side.has(S.NaN, S.ComplexInfinity) for side in sides):
            return None
        try:
            value = relation.func(*sides)
        except TypeError:  # a side that is not real (or not a number) here
            return None
    else:
        try:
            value = relation.xreplace(point)
        except TypeError:  # a comparison with zoo inside a compound condition
            return None
        value = value.doit() if value.has(Limit) else value
    if isinstance(value, (BooleanTrue, BooleanFalse)):
        return bool(value)
    if isinstance(value, Relational):
        lhs, rhs = value.lhs, value.rhs
        diff_ = ratnorm(lhs - rhs)
        if diff_.has(S.NaN, S.ComplexInfinity) or not diff_.is_number:
            return None
        rebuilt = value.func(diff_, 0)
        return bool(rebuilt) if isinstance(rebuilt, (BooleanTrue, BooleanFalse)) else None
    if isinstance(value, Boolean):
        simplified = value.simplify()
        return bool(simplified) if isinstance(simplified, (BooleanTrue, BooleanFalse)) else None
    return None


def region_holds(region: tuple[Basic, ...], point: dict[Symbol, Expr]) -> bool:
    return all(holds(c, point) is True for c in region)


def format_point(point: dict[Symbol, Expr]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))


Decider = Callable[[Chart, tuple[Basic, ...]], bool | None]

__all__ = [
    "Atom",
    "Case",
    "Chart",
    "RegionError",
    "atom_truth",
    "bound_symbols",
    "cases",
    "charts",
    "equation_chart",
    "format_point",
    "holds",
    "prepare",
    "region_holds",
    "sample_points",
    "sign_of",
    "unfold",
]
