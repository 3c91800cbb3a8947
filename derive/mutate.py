"""Fault injection: realistic mistakes in every verified claim, and whether the verifier
refutes them.

Each claim of the bundled solutions is mutated the way a hurried deriver would get it
wrong, one mistake at a time, anywhere in its formulas:

* ``sign`` — a term or a whole side negated;
* ``transpose`` — a transpose dropped or added, or the indices of an entry swapped;
* ``swap factors`` — two neighbouring factors of a matrix product exchanged;
* ``constant`` — a number changed (a coefficient, an exponent, a summation bound);
* ``drop term`` — a term of a sum left out;
* ``inequality`` — the direction of an inequality reversed.

Mutations reach claims of any type through their SymPy fields (tuples of formulas
too); the assumptions (``given``), the problem's definitions (``defs``) and the
variable a claim is about are left alone: they are the problem's, not the deriver's.
Mutants that are structurally identical to the claim are skipped (swapping two factors
of a scalar product, for one).

Every other mutant is given to the verifier. One it does not refute is then checked
for **equivalence**: the mutated formula is compared with the original by the
verifier's own equality decision, so "``xᵀ(A + Aᵀ)``" with the sum's terms swapped is
reported as an equivalent mutant (a true claim) rather than hidden or counted as a
miss. A mutant is also set aside as **still true** when the mistake only multiplied a
field by a scalar the claim type cannot see (−M is invertible when M is; an equation
with a zero side, negated, has the same solutions; a positive factor or an added
constant leaves a minimizer where it was) — read off the formulas, not verified. A
mutant that is neither refuted nor shown equivalent or still true is a **survivor** and
is listed: either the verifier missed a mistake, or the mistake happens to leave a
true claim (e.g. an inequality that holds with either sign).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sympy import (
    Add,
    Basic,
    Derivative,
    Eq,
    Expr,
    GreaterThan,
    ImmutableMatrix,
    Indexed,
    IndexedBase,
    Integer,
    Integral,
    LessThan,
    Limit,
    MatAdd,
    MatMul,
    MatrixBase,
    Rational,
    S,
    StrictGreaterThan,
    StrictLessThan,
    Sum,
    Subs,
    Symbol,
    Transpose,
    preorder_traversal,
)
from sympy.core.relational import Relational
from sympy.core.symbol import Str
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from derive.claims import Claim, Equal, Given, HasShape, Unequal
from derive.model import Problem, Status, Verdict
from derive.notation import Relation
from derive.ops import Jacobian, is_matrix, shape_of

KINDS = ("sign", "transpose", "swap factors", "constant", "drop term", "inequality")
SKIPPED_FIELDS = ("given", "defs")  # the problem's assumptions and definitions
# A region a claim is stated on is a case split: the realistic mistake there is an
# inequality the wrong way round, not an arbitrary change of the hypothesis.
REGION_FIELDS = {"where": ("inequality",)}
_OPPOSITE = {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge"}
_REVERSED = {StrictGreaterThan: StrictLessThan, StrictLessThan: StrictGreaterThan, GreaterThan: LessThan, LessThan: GreaterThan}

Path = tuple[int, ...]


# -- walking and rebuilding formulas ---------------------------------------------------------


def _children(node: Basic) -> list[Basic]:
    """The sub-formulas a mistake can be made in (not a symbol's name or shape, not the
    variable a derivative is taken with respect to)."""
    if isinstance(node, MatrixBase):
        return list(node)
    if isinstance(node, (MatrixSymbol, IndexedBase, Symbol, Str)) or not node.args:
        return []
    if isinstance(node, (Derivative, Jacobian)):
        return [node.args[0]]
    if isinstance(node, Indexed):
        return list(node.indices)
    return list(node.args)


def _rebuild(node: Basic, children: list[Basic]) -> Basic:
    if isinstance(node, MatrixBase):
        return ImmutableMatrix(node.rows, node.cols, children)
    if isinstance(node, (Derivative, Jacobian)):
        return node.func(children[0], *node.args[1:])
    if isinstance(node, Indexed):
        return node.base[tuple(children)]
    if isinstance(node, Relation):
        return Relation(children[0], node.op, children[2])
    return node.func(*children)


def _walk(expr: Basic, path: Path = ()) -> Iterator[tuple[Path, Basic, Basic | None]]:
    """(path, node, parent) for every node, parents first."""
    stack: list[tuple[Path, Basic, Basic | None]] = [(path, expr, None)]
    while stack:
        where, node, parent = stack.pop()
        yield where, node, parent
        kids = _children(node)
        for i in reversed(range(len(kids))):
            stack.append((where + (i,), kids[i], node))


def replace_at(expr: Basic, path: Path, new: Basic) -> Basic:
    """``expr`` with the node at ``path`` replaced by ``new`` (rebuilt, so SymPy's
    ordinary evaluation applies, as it would to a deriver's formula)."""
    if not path:
        return new
    kids = _children(expr)
    kids[path[0]] = replace_at(kids[path[0]], path[1:], new)
    return _rebuild(expr, kids)


def _is_formula(node: Basic) -> bool:
    # A Symbol is a Boolean too (it may stand for a truth value): test Expr first.
    if isinstance(node, (Expr, MatrixExpr, MatrixBase)):
        return not isinstance(node, (Relational, Relation))
    return False


_UNEVALUATED = (Derivative, Jacobian, Sum, Subs, Limit, Integral)


def _negated(node: Basic) -> Basic:
    # -M on a matrix expression evaluates it (doit): a deriver's "-J" keeps an
    # unevaluated derivative as it is, so the negation must not evaluate it either.
    if isinstance(node, MatrixExpr) and (node.atoms(*_UNEVALUATED) or any(type(a).__module__.startswith("derive.") for a in preorder_traversal(node))):
        return MatMul(Integer(-1), node)
    return -node


def _changed_constant(number: Rational) -> Rational:
    if number == -1:
        return Integer(-2)
    if number.is_Integer:
        return number + 1
    return Rational(number.p, number.q + 1)


def _mistakes(expr: Basic) -> Iterator[tuple[str, str, Path, Callable[[], Basic]]]:
    """(kind, description, path, replacement) for every mistake in ``expr``; the
    replacement is built on demand (SymPy may refuse it: a product of misaligned sizes),
    and must be built before the generator moves on (it reads the loop's variables)."""
    for path, node, parent in _walk(expr):
        in_sum = isinstance(parent, (Add, MatAdd))
        if (not path or in_sum) and _is_formula(node):
            yield "sign", "negated" if path else "side negated", path, lambda: _negated(node)
        if in_sum and len(parent.args) >= 2:
            # The path's last step addresses the term within its parent sum.
            siblings = [a for k, a in enumerate(parent.args) if k != path[-1]]
            yield "drop term", "term dropped", path[:-1], lambda: siblings[0] if len(siblings) == 1 else parent.func(*siblings)
        if isinstance(node, Transpose):
            yield "transpose", "transpose dropped", path, lambda: node.arg
        elif isinstance(node, MatrixSymbol) and shape_of(node) != (1, 1) and not isinstance(parent, Transpose):
            yield "transpose", "transpose added", path, lambda: node.T
        if isinstance(node, Indexed) and len(node.indices) == 2 and node.indices[0] != node.indices[1]:
            yield "transpose", "indices swapped", path, lambda: node.base[node.indices[1], node.indices[0]]
        if isinstance(node, MatMul):
            args = list(node.args)
            for k in range(len(args) - 1):
                if is_matrix(args[k]) and is_matrix(args[k + 1]):
                    swapped = args[:k] + [args[k + 1], args[k]] + args[k + 2 :]
                    yield "swap factors", "factors swapped", path, lambda: MatMul(*swapped)
        if isinstance(node, Rational):
            yield "constant", f"{node} changed to {_changed_constant(node)}", path, lambda: _changed_constant(node)
        if type(node) in _REVERSED:
            yield "inequality", "inequality reversed", path, lambda: _REVERSED[type(node)](*node.args)
        if isinstance(node, Relation) and node.op in _OPPOSITE:
            yield "inequality", "inequality reversed", path, lambda: Relation(node.args[0], _OPPOSITE[node.op], node.args[2])


# -- mutants of claims -------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One mistake in one claim: where, what kind, and the formula before and after."""

    target: str  # e.g. cs182-hw0/q2/b
    step: str  # e.g. "Step 3 (Collect the terms)"
    kind: str
    description: str
    field: str  # the claim's field that was changed, e.g. "rhs" or "terms[2]"
    original: Claim
    claim: Claim  # the mutated claim
    before: object  # the field's formula before the mistake
    after: object  # ... and after it
    given: Given


def _fields(claim: Claim) -> Iterator[tuple[str, object, Callable[[object], Claim]]]:
    """(name, value, rebuild) for every field a mistake can be made in."""
    for item in dataclasses.fields(claim):  # type: ignore[arg-type]
        value = getattr(claim, item.name)
        if item.name in SKIPPED_FIELDS or isinstance(value, (Symbol, MatrixSymbol)):
            continue
        if isinstance(value, Basic):
            yield item.name, value, lambda v, n=item.name: dataclasses.replace(claim, **{n: v})
        elif isinstance(value, str) and value in _OPPOSITE:
            yield item.name, value, lambda v, n=item.name: dataclasses.replace(claim, **{n: v})
        elif isinstance(value, tuple):
            for k, element in enumerate(value):
                if isinstance(element, Basic):

                    def rebuild(v: object, n: str = item.name, k: int = k, whole: tuple = value) -> Claim:
                        return dataclasses.replace(claim, **{n: whole[:k] + (v,) + whole[k + 1 :]})

                    yield f"{item.name}[{k}]", element, rebuild


def mutants_of(claim: Claim, target: str = "", step: str = "") -> tuple[list[Mutant], int]:
    """Every distinct mutant of ``claim``, and how many mistakes could not be built
    (SymPy refuses the formula, as it would have refused the deriver)."""
    out: list[Mutant] = []
    seen: set[object] = {claim}
    unbuildable = 0
    given = getattr(claim, "given", Given())
    for name, value, rebuild in _fields(claim):
        if isinstance(value, str):
            candidates = [("inequality", "inequality reversed", _OPPOSITE[value])]
        else:
            candidates = []
            allowed = REGION_FIELDS.get(name.split("[")[0], KINDS)
            for kind, description, path, new in _mistakes(value):
                if kind not in allowed:
                    continue
                try:
                    candidates.append((kind, description, replace_at(value, path, new())))
                except Exception:  # SymPy rejects the mistaken formula: not a mutant
                    unbuildable += 1
        for kind, description, after in candidates:
            try:
                mutated = rebuild(after)
            except Exception:  # the claim type rejects it (e.g. a chain of one term)
                unbuildable += 1
                continue
            try:
                if mutated in seen:
                    continue
                seen.add(mutated)
            except TypeError:  # unhashable field: compare by equality instead
                if any(mutated == m.claim for m in out) or mutated == claim:
                    continue
            out.append(Mutant(target, step, kind, description, name, claim, mutated, value, after, given))
    return out, unbuildable


# -- judging mutants -----------------------------------------------------------------------


REFUTED, EQUIVALENT, TRUE, VACUOUS, SURVIVED, UNDECIDED, ERROR = (
    "refuted", "equivalent", "still true", "empty region", "survived", "undecided", "error",
)


@dataclass(frozen=True)
class Outcome:
    """What the verifier said about a mutant, and (if it did not refute it) whether the
    mutated formula equals the original."""

    mutant: Mutant
    verdict: Verdict | None
    equivalence: Verdict | None = None
    error: str = ""
    concrete: bool | None = None  # for a claim about explicit numbers: whether it holds, by direct evaluation
    sampled: Sampled | None = None  # for a claim on a region: exact random points of the region tried
    invariant: str = ""  # why the mistake cannot change the truth of this claim type (see still_true_by_scaling)

    @property
    def result(self) -> str:
        if self.error:
            return ERROR
        assert self.verdict is not None
        if self.verdict.status is Status.REFUTED:
            return REFUTED
        if self.equivalence is not None and self.equivalence.status.ok:
            return EQUIVALENT
        if self.concrete is True and self.verdict.status.ok:
            return TRUE
        if self.invariant:
            return TRUE
        if self.sampled is not None and self.sampled.points >= MIN_POINTS and self.sampled.counterexample is None:
            return TRUE
        if self.verdict.status.ok and self.sampled is not None and self.sampled.points == 0 and self.sampled.empty:
            return VACUOUS
        if self.verdict.status is Status.UNDECIDED:
            return UNDECIDED
        return SURVIVED


def _comparable(before: object, after: object) -> bool:
    return all(isinstance(v, Basic) and _is_formula(v) for v in (before, after))


def _is_membership(value: object) -> bool:
    from derive.notation import Element, RealSpace

    return isinstance(value, Element) and isinstance(value.args[1], RealSpace)


def _same_shape(before: object, after: object) -> Verdict:
    from sympy import simplify

    a, b = shape_of(before), shape_of(after)  # type: ignore[arg-type]
    if all(simplify(p - q) == 0 for p, q in zip(a, b)):
        return Verdict(Status.PROVED, "same shape", "a shape claim is unchanged by a mistake that keeps the shape")
    return Verdict(Status.REFUTED, "shapes", f"{a} and {b}")


def judge(task: tuple[Mutant, float | None]) -> Outcome:
    """Verify a mutant; if not refuted, decide whether it is equivalent to the original."""
    from derive.verify import check

    mutant, time_limit = task
    try:
        verdict = check(mutant.claim, time_limit)
        equivalence = None
        if verdict.status is not Status.REFUTED and isinstance(mutant.claim, HasShape) and mutant.field == "expr":
            equivalence = _same_shape(mutant.before, mutant.after)  # a shape claim says nothing else
        elif verdict.status is not Status.REFUTED and _is_membership(mutant.before) and _is_membership(mutant.after):
            # x ∈ R^(r×c) in a list of dimensions: only x's shape and the space matter.
            same_space = mutant.before.args[1] == mutant.after.args[1]  # type: ignore[attr-defined]
            equivalence = _same_shape(mutant.before.args[0], mutant.after.args[0]) if same_space else None  # type: ignore[attr-defined]
        elif verdict.status is not Status.REFUTED and _comparable(mutant.before, mutant.after):
            equivalence = check(Equal(mutant.before, mutant.after, mutant.given), time_limit)  # type: ignore[arg-type]
    except Exception as exc:  # a checker that crashes on a mutant is reported, not hidden
        return Outcome(mutant, None, None, f"{type(exc).__name__}: {exc}")
    concrete = sampled = None
    if verdict.status is not Status.REFUTED and not (equivalence and equivalence.status.ok):
        concrete = _holds_concretely(mutant.claim)
        try:
            sampled = sample_region_claim(mutant.claim)
        except Exception as exc:  # the evaluator cannot read this claim: no evidence either way
            sampled = Sampled(0, None, f"{type(exc).__name__}: {exc}"[:200])
    invariant = ""
    if not (equivalence and equivalence.status.ok):
        try:
            invariant = still_true_by_scaling(mutant) or ""
        except Exception:  # noqa: BLE001 - no argument found: the mutant is judged as it is
            invariant = ""
    return Outcome(mutant, verdict, equivalence, concrete=concrete, sampled=sampled, invariant=invariant)


# -- mistakes that cannot change the truth of a claim type ---------------------------------------


def _scalar_and_body(expr: Basic) -> tuple[Basic, Basic]:
    """(c, M) with expr = c·M, c a scalar (nested products flattened)."""
    if isinstance(expr, MatMul):
        scalars, matrices = [], []
        for a in expr.args:
            c, body = _scalar_and_body(a) if isinstance(a, MatMul) else ((a, None) if not is_matrix(a) else (S.One, a))
            scalars.append(c)
            if body is not None:
                matrices.extend(body.args if isinstance(body, MatMul) else [body])
        body = matrices[0] if len(matrices) == 1 else MatMul(*matrices)
        product = S.One
        for c in scalars:
            product *= c
        return product, body
    return S.One, expr


def scale_factor(before: Basic, after: Basic) -> Basic | None:
    """c with after = c·before, read off the formulas' structure (a scalar factor of a
    matrix expression, or the ratio of two scalar expressions); None when there is none."""
    from sympy import cancel

    if is_matrix(before) or is_matrix(after):
        if not (is_matrix(before) and is_matrix(after)) or isinstance(before, MatrixBase) or isinstance(after, MatrixBase):
            return None
        (cb, body_b), (ca, body_a) = _scalar_and_body(before), _scalar_and_body(after)
        return cancel(ca / cb) if body_a == body_b and cb != 0 else None
    if before == 0:
        return None
    try:
        return cancel(after / before)
    except (TypeError, ValueError):  # formulas SymPy cannot divide (matrix parts inside)
        return None


# Claim types (by class name) whose truth a nonzero (or positive) scalar factor on one
# field cannot change, with that field: det(cM) = cᵏ det M; vᵀ(cM)v = c·vᵀMv; clearing
# by cP is clearing by P; an equation c·f(w) = 0 has the solutions of f(w) = 0; c·f with
# c > 0 constant in w has the minimizers of f.
_NONZERO_FACTOR = {"Invertible": ("matrix",), "Singular": ("matrix",), "Cleared": ("left", "right")}
_POSITIVE_FACTOR = {"PositiveDefinite": ("matrix",)}
_OBJECTIVES = ("Minimizer", "Maximizer")


def _is_zero(value: object) -> bool:
    from sympy import ZeroMatrix

    return isinstance(value, ZeroMatrix) or value == 0


def still_true_by_scaling(mutant: Mutant) -> str | None:
    """Why a mutant of a verified claim is still true whatever the verifier says, by an
    argument that needs no verification: the mistake multiplied a field by a scalar that
    the claim type is blind to, or (for an optimum) added a constant to the objective.
    None when no such argument applies."""
    kind, name = type(mutant.claim).__name__, mutant.field
    before, after = mutant.before, mutant.after
    if not (isinstance(before, Basic) and isinstance(after, Basic)):
        return None
    if kind in _OBJECTIVES and name == "objective":
        var = getattr(mutant.claim, "var")
        # The terms of a sum are distinct, so before − after is the sum of the terms only
        # before has minus those only after has.
        old_terms, new_terms = Add.make_args(before), Add.make_args(after)
        changed = [t for t in old_terms if t not in new_terms] + [t for t in new_terms if t not in old_terms]
        from derive.verify.gaussian_checks import surely_real

        # (Only real constants: an objective made complex has no optimum to keep.)
        if changed and not any(t.has(var) for t in changed) and all(surely_real(t) for t in changed):
            return f"only terms without {var} changed ({', '.join(map(str, changed))[:80]}): the same optimum"
        gone, came = [t for t in old_terms if t not in new_terms], [t for t in new_terms if t not in old_terms]
        kept = [t for t in old_terms if t in new_terms]
        if len(gone) == len(came) == 1 and not any(t.has(var) for t in kept):
            # c + q → c + k·q with k > 0 constant: the same optimum, whichever it is.
            k = scale_factor(gone[0], came[0])
            if k is not None and not k.has(var) and k.is_positive:
                return f"the only term with {var} multiplied by {k} > 0 (the rest is constant in {var}): the same optimum"
        c = scale_factor(before, after)
        if c is not None and not c.has(var) and c.is_positive:
            return f"the objective multiplied by {c} > 0, a constant in {var}: the same optimum"
        return None
    if not (name in _NONZERO_FACTOR.get(kind, ()) or name in _POSITIVE_FACTOR.get(kind, ()) or kind == "UniqueSolution"):
        return None  # a claim type that sees every factor: no scalar to compute
    # A side negated is −1 times the original by construction (see _negated).
    c = Integer(-1) if mutant.description == "side negated" else scale_factor(before, after)
    if c is None:
        return None
    if name in _NONZERO_FACTOR.get(kind, ()) and c.is_nonzero:
        return f"{name} multiplied by {c} ≠ 0, which {kind} does not see"
    if name in _POSITIVE_FACTOR.get(kind, ()) and c.is_positive:
        return f"{name} multiplied by {c} > 0, which {kind} does not see"
    if kind == "UniqueSolution" and name in ("lhs", "rhs") and c.is_nonzero and not c.has(getattr(mutant.claim, "var")):
        other = getattr(mutant.claim, "rhs" if name == "lhs" else "lhs")
        if _is_zero(other):
            return f"the equation multiplied by {c} ≠ 0 (its other side is zero): the same solutions"
    return None


# -- an independent look at claims on regions: exact random points -------------------------

POINTS = 30  # points of the region tried per claim
MIN_POINTS = 20  # fewer points than this found in the region: no evidence
_TRIES = 300


@dataclass(frozen=True)
class Sampled:
    """Exact random points of a claim's region: how many were tried, and a point where
    the claim fails (None if none was found)."""

    points: int
    counterexample: str | None = None
    note: str = ""
    empty: bool = False  # no point of the region found at all (the original's region has them)


def _unfold(expr: Basic, defs: tuple) -> Basic:
    """The problem's definitions substituted until nothing changes, then evaluated."""
    from sympy import Lambda, sympify
    from sympy.core.function import UndefinedFunction

    expr = sympify(expr)
    for _ in range(8):
        new = expr
        for key, meaning in defs:
            if isinstance(key, UndefinedFunction) and isinstance(meaning, Lambda):
                new = new.replace(key, meaning)
            else:
                new = new.xreplace({key: meaning})
        if new == expr:
            break
        expr = new
    # A limit is taken at each point, with numbers in (its symbolic value could depend on
    # signs SymPy does not know): only what is inside it is evaluated here.
    hidden: dict = {}

    def hide(node: Basic) -> Basic:
        from sympy import Dummy

        key = Dummy("limit")
        hidden[key] = Limit(node.args[0].doit(), node.args[1], node.args[2], str(node.args[3]))
        return key

    expr = expr.replace(lambda e: isinstance(e, Limit), hide)
    return expr.doit().xreplace(hidden)


def _value(expr: Basic, point: dict) -> Basic | None:
    value = expr.xreplace(point)  # numbers in: ReLU, indicators and Piecewise evaluate
    if not (getattr(value, "is_Rational", False) or value in (S.true, S.false)):
        value = value.doit()
    if isinstance(value, MatrixBase):
        entries = [v for v in value]
        return value if all(v.is_Rational for v in entries) else None
    return value if getattr(value, "is_Rational", False) or value in (S.true, S.false) else None


def _random_value(symbol: Symbol, rng: random.Random, sign: int = 0) -> Rational:
    """A random rational honouring the symbol's assumptions and a sign the region asks for."""
    value = Rational(rng.randint(1, 12), rng.randint(1, 4))
    if symbol.is_integer:
        value = Integer(max(1, round(value)))
    if sign == 0 and symbol.is_nonnegative and not symbol.is_positive and rng.random() < 0.1:
        return Integer(0)
    if sign < 0 or (sign == 0 and not symbol.is_nonnegative and rng.random() < 0.5):
        value = -value
    return value


def _signs(conditions: list[Basic]) -> dict[Symbol, int]:
    """Signs the region gives single symbols (``w > 0``, ``x < 0``): sampled directly,
    rather than rejected three times in four."""
    out: dict[Symbol, int] = {}
    for c in conditions:
        if isinstance(c, (StrictGreaterThan, GreaterThan, StrictLessThan, LessThan)) and c.rhs == 0 and isinstance(c.lhs, Symbol):
            out[c.lhs] = 1 if isinstance(c, (StrictGreaterThan, GreaterThan)) else -1
    return out


def _solve_equations(equations: list[Basic], point: dict, rng: random.Random) -> None:
    """Move the point onto the equations of the region: each is solved, with the other
    symbols at their values, for a symbol it is linear in."""
    from sympy import Poly, PolynomialError

    for equation in equations:
        free = sorted(equation.free_symbols, key=lambda s: s.name)
        rng.shuffle(free)
        for symbol in free:
            others = {k: v for k, v in point.items() if k != symbol}
            univariate = (equation.lhs - equation.rhs).xreplace(others).doit()
            try:
                poly = Poly(univariate, symbol)
            except PolynomialError:
                continue
            if poly.degree() == 1:
                a, b = poly.all_coeffs()
                if a.is_Rational and b.is_Rational and a != 0:
                    point[symbol] = -b / a
                    break
        # An equation solved for no symbol (ReLU(w x + b) = 0 is a half-plane, not a
        # point) is left to the check of the region that follows.


def sample_region_claim(claim: Claim, seed: int = 0) -> Sampled | None:
    """Evaluate a claim on a region (a ``Sign``, ``EqualOn`` or ``IffOn``: fields ``where``
    and ``defs``) exactly at random rational points of its region; None for other claims.

    This is evidence, never a proof: it tells a mutant that is still true apart from a
    false one the verifier did not refute, by plain evaluation rather than the verifier's
    case analysis. A limit is taken at each point, once the numbers are in.
    """
    if not (hasattr(claim, "where") and hasattr(claim, "defs")):
        return None
    defs = tuple(getattr(claim, "defs"))
    where = [_unfold(condition, defs) for condition in getattr(claim, "where")]
    if any(w == S.false for w in where):
        return Sampled(0, None, "the region is empty", empty=True)
    if hasattr(claim, "op") and hasattr(claim, "expr"):
        sides = [_unfold(claim.expr, defs)]
        holds = lambda v: {"gt": v[0] > 0, "ge": v[0] >= 0, "lt": v[0] < 0, "le": v[0] <= 0}[claim.op]  # noqa: E731
    elif hasattr(claim, "lhs") and hasattr(claim, "rhs"):
        sides = [_unfold(claim.lhs, defs), _unfold(claim.rhs, defs)]
        holds = lambda v: v[0] == v[1]  # noqa: E731
    elif hasattr(claim, "left") and hasattr(claim, "right"):
        sides = [_unfold(claim.left, defs), _unfold(claim.right, defs)]
        holds = lambda v: bool(v[0]) == bool(v[1])  # noqa: E731
    else:
        return None
    symbols = set().union(*(e.free_symbols for e in sides + where if isinstance(e, Basic)))
    equations = [w for w in where if isinstance(w, Eq)]
    others = [w for w in where if not isinstance(w, Eq) and w != S.true]
    rng = random.Random(seed)
    signs = _signs(others)
    points = 0
    for _ in range(_TRIES):
        point = {s: _random_value(s, rng, signs.get(s, 0)) for s in sorted(symbols, key=lambda s: s.name)}
        _solve_equations(equations, point, rng)
        if not all(_value(c, point) == S.true for c in equations + others):
            continue
        values = [_value(side, point) for side in sides]
        if any(v is None for v in values):
            continue  # a side is undefined here
        points += 1
        if not holds(values):
            shown = ", ".join(f"{k}={v}" for k, v in sorted(point.items(), key=lambda kv: kv[0].name))
            return Sampled(points, shown)
        if points >= POINTS:
            break
    if points == 0:
        return Sampled(0, None, f"no point of the region in {_TRIES} random tries", empty=True)
    return Sampled(points)


def _positive_definite(m: object) -> bool:
    # Sylvester's criterion on a symmetric matrix: every leading principal minor positive.
    return m == m.T and all(m[:k, :k].det() > 0 for k in range(1, m.rows + 1))  # type: ignore[attr-defined]


# Properties of an explicit matrix that claims of these types state (by class name: the
# claim types live with the linear-algebra toolkit), decided here by plain arithmetic.
_MATRIX_PROPERTIES: dict[str, Callable[[object], bool]] = {
    "Singular": lambda m: m.det() == 0,  # type: ignore[attr-defined]
    "Invertible": lambda m: m.det() != 0,  # type: ignore[attr-defined]
    "PositiveDefinite": _positive_definite,
}


def _holds_concretely(claim: Claim) -> bool | None:
    """Whether an (in)equality between explicit numbers or matrices holds, evaluated
    directly (no symbols: nothing to prove); None for any other claim."""
    from sympy import Matrix

    kind = type(claim).__name__
    if kind in _MATRIX_PROPERTIES:
        matrix = getattr(claim, "matrix", None)
        if not isinstance(matrix, Basic) or matrix.free_symbols or matrix.atoms(MatrixSymbol):
            return None
        value = Matrix(matrix.doit())
        return _MATRIX_PROPERTIES[kind](value) if value.is_square else False
    if not isinstance(claim, (Equal, Unequal)):
        return None
    sides = (claim.lhs, claim.rhs)
    if any(not isinstance(v, Basic) or v.free_symbols or v.atoms(MatrixSymbol) for v in sides):
        return None
    a, b = (Matrix(v.doit()) if is_matrix(v) else Matrix([[v.doit()]]) for v in sides)
    if a.shape != b.shape:
        return isinstance(claim, Unequal)
    zero = all((p - q).equals(0) for p, q in zip(a, b))
    return zero if isinstance(claim, Equal) else not zero


@dataclass
class MutationReport:
    """The outcome of every mutant that was verified."""

    outcomes: list[Outcome] = field(default_factory=list)
    claims: int = 0  # distinct claims mutated
    generated: int = 0  # mutants before sampling
    unbuildable: int = 0
    targets: list[str] = field(default_factory=list)

    def count(self, result: str, key: Callable[[Outcome], str] | None = None, value: str = "") -> int:
        return sum(1 for o in self.outcomes if o.result == result and (key is None or key(o) == value))

    @property
    def decisive(self) -> int:
        """Mutants that may be false: not equivalent, not shown true, not on an empty region."""
        return len(self.outcomes) - self.count(EQUIVALENT) - self.count(TRUE) - self.count(VACUOUS)

    @property
    def refuted(self) -> int:
        return self.count(REFUTED)

    @property
    def rate(self) -> float:
        return self.refuted / self.decisive if self.decisive else 1.0

    @property
    def all_refuted(self) -> bool:
        return self.refuted == self.decisive


def collect(problems: list[Problem]) -> tuple[list[Mutant], int, int]:
    """Every mutant of every distinct claim of the problems; (mutants, claims, unbuildable)."""
    mutants: list[Mutant] = []
    seen: set[object] = set()
    unbuildable = 0
    for problem in problems:
        for part in problem.parts:
            labels = part.labels()
            for index, step in part.claims():
                try:
                    if step.claim in seen:
                        continue
                    seen.add(step.claim)
                except TypeError:
                    pass
                found, bad = mutants_of(step.claim, f"{problem.target}/{part.id}", f"{labels[index - 1]} ({step.title})")
                mutants.extend(found)
                unbuildable += bad
    return mutants, len(seen), unbuildable


def run_mutants(
    targets: list[str] | None = None,
    *,
    sample: int | None = None,
    seed: int = 0,
    jobs: int = 1,
    time_limit: float | None = 20.0,
    tick: Callable[[int, int], None] | None = None,
) -> MutationReport:
    """Mutate every claim the targets select (or a random sample of ``sample`` mutants)
    and verify each mutant on up to ``jobs`` processes."""
    from derive.parallel import run_all
    from derive.pipeline import _selected
    from derive.registry import build_problem
    from derive.verify import _load_checkers

    problems = []
    for set_id, problem_id, parts in _selected(targets):
        problem = build_problem(set_id, problem_id)
        problems.append(problem if parts is None else problem.only(list(parts)))
    mutants, claims, unbuildable = collect(problems)
    generated = len(mutants)
    if sample is not None and sample < len(mutants):
        chosen = sorted(random.Random(seed).sample(range(len(mutants)), sample))
        mutants = [mutants[i] for i in chosen]
    _load_checkers()  # once, before workers are forked
    done = 0

    def arrived(_: int, __: Outcome) -> None:
        nonlocal done
        done += 1
        if tick:
            tick(done, len(mutants))

    outcomes = run_all(judge, [(m, time_limit) for m in mutants], jobs, arrived)
    return MutationReport(outcomes, claims, generated, unbuildable, [p.target for p in problems])


def _table(report: MutationReport, title: str, key: Callable[[Outcome], str], rows: list[str]) -> list[str]:
    columns = (REFUTED, EQUIVALENT, TRUE, VACUOUS, SURVIVED, UNDECIDED, ERROR)
    width = max([len(title)] + [len(r) for r in rows]) + 2
    lines = [f"{title:<{width}}{'mutants':>8}" + "".join(f"{c:>13}" for c in columns) + f"{'refuted %':>11}"]
    for row in rows:
        total = sum(1 for o in report.outcomes if key(o) == row)
        if not total:
            continue
        counts = [report.count(c, key, row) for c in columns]
        decisive = total - counts[1] - counts[2] - counts[3]
        rate = f"{100 * counts[0] / decisive:.1f}" if decisive else "—"
        lines.append(f"{row:<{width}}{total:>8}" + "".join(f"{c:>13}" for c in counts) + f"{rate:>11}")
    return lines


def format_report(report: MutationReport, list_survivors: bool = False) -> str:
    """The report printed by ``derive mutate``: per kind, per problem, the refuted rate."""
    sampled = len(report.outcomes) < report.generated
    lines = [
        f"{report.generated} mutants of {report.claims} distinct claims"
        + (f"; a sample of {len(report.outcomes)} verified" if sampled else ", all verified")
        + (f"; {report.unbuildable} mistakes SymPy itself rejects were not counted" if report.unbuildable else ""),
        "",
    ]
    lines += _table(report, "mistake", lambda o: o.mutant.kind, list(KINDS))
    lines.append("")
    problems = list(dict.fromkeys(o.mutant.target.rsplit("/", 1)[0] for o in report.outcomes))
    lines += _table(report, "problem", lambda o: o.mutant.target.rsplit("/", 1)[0], problems)
    lines.append("")
    lines.append(
        f"refuted {report.refuted} of {report.decisive} mutants ({100 * report.rate:.1f}%); set aside: "
        f"{report.count(EQUIVALENT)} equivalent (the mutated formula equals the original) and "
        f"{report.count(TRUE)} still true (explicit numbers evaluated directly, a scalar factor or constant the "
        f"claim type does not see, or no counterexample at {MIN_POINTS}+ exact random points of the claim's region) and {report.count(VACUOUS)} on an empty "
        f"region (a reversed inequality left no point of the region in {_TRIES} random tries)"
    )
    unsound = [o for o in report.outcomes if o.verdict and o.verdict.status.ok and o.sampled and o.sampled.counterexample]
    if unsound:
        lines.append(f"ACCEPTED ALTHOUGH FALSE at a point of the region: {len(unsound)} (listed with --list)")
    wrongly = [o for o in report.outcomes if o.result == REFUTED and o.invariant]
    if wrongly:
        lines.append(f"REFUTED ALTHOUGH STILL TRUE (a scalar factor the claim type does not see): {len(wrongly)}")
        lines += [f"  {o.mutant.target}, {o.mutant.step}: {o.mutant.description} in {o.mutant.field}: {o.invariant}" for o in wrongly]
    missed = [o for o in report.outcomes if o.result in (SURVIVED, UNDECIDED, ERROR)]
    if missed:
        lines.append(f"not refuted: {len(missed)} (listed with --list)" if not list_survivors else "not refuted:")
    shown = missed + ([o for o in report.outcomes if o.result in (EQUIVALENT, TRUE, VACUOUS)] if list_survivors else [])
    if list_survivors:
        for o in shown:
            m = o.mutant
            why = o.error or (f"{o.verdict.status.value} by {o.verdict.method}" if o.verdict else "")
            if o.equivalence is not None:
                why += f"; equivalence {o.equivalence.status.value} by {o.equivalence.method}"
            if o.invariant:
                why += f"; {o.invariant}"
            if o.sampled is not None:
                found = f"false at {o.sampled.counterexample}" if o.sampled.counterexample else "no counterexample"
                why += f"; {o.sampled.points} random points of the region: {found}" + (f" ({o.sampled.note})" if o.sampled.note else "")
            lines.append(f"  [{o.result}] {m.target}, {m.step}: {m.kind}, {m.description} in {m.field}: {_short(m.before)} → {_short(m.after)} ({why})")
    return "\n".join(lines) + "\n"


def _short(value: object, limit: int = 90) -> str:
    from sympy import sstr

    from derive.printing import _cheap_matmul_sign

    try:
        # SymPy's printer negates matrix products to read their sign, which evaluates
        # them: a mutant's singular inverse would raise here.
        with _cheap_matmul_sign():
            text = sstr(value) if isinstance(value, Basic) else str(value)
    except Exception as exc:  # a formula that cannot be printed is still listed
        text = f"<{type(value).__name__}: not printable: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["KINDS", "Mutant", "MutationReport", "Outcome", "collect", "format_report", "judge", "mutants_of", "replace_at", "run_mutants"]
