"""Fault injection: realistic mistakes are generated in every kind, equivalent mutants are
recognised as such, and the verifier refutes every mutant that changes a claim."""

from __future__ import annotations

import random

import pytest
from sympy import Gt, IndexedBase, Integer, Lt, MatAdd, MatMul, MatrixSymbol, Sum, Symbol, Transpose
from sympy import ImmutableMatrix as M

from derive.claims import Chain, Equal, Given, HasShape, Sign, Symmetric, Unequal
from derive.cli import main
from derive.mutate import (
    EQUIVALENT,
    KINDS,
    REFUTED,
    TRUE,
    collect,
    judge,
    mutants_of,
    replace_at,
    run_mutants,
    MIN_POINTS,
    sample_region_claim,
)
from derive.ops import Jacobian
from derive.parallel import default_jobs, run_all
from derive.registry import build_problem

n = Symbol("n", integer=True, positive=True)
x, c = MatrixSymbol("x", n, 1), MatrixSymbol("c", n, 1)
A, B = MatrixSymbol("A", n, n), MatrixSymbol("B", n, n)
a, b, w, t = Symbol("a"), Symbol("b"), Symbol("w"), Symbol("t")
i, j = Symbol("i", integer=True), Symbol("j", integer=True)
AA = IndexedBase("A")


def _afters(claim, kind, field=None):
    found, _ = mutants_of(claim)
    return [m.after for m in found if m.kind == kind and (field is None or m.field == field)]


@pytest.mark.parametrize(
    "claim, kind, expected",
    [
        (Equal(a + b, a), "sign", -a + b),
        (Equal(a, a + b), "sign", -a - b),
        (Equal(x.T * A, x.T * A), "transpose", x * A),
        (Equal(x.T * A * x, a), "transpose", x.T * A.T * x),
        (Equal(AA[i, j], a), "transpose", AA[j, i]),
        (Equal(A * B, A * B), "swap factors", B * A),
        (Equal(2 * a, a), "constant", 3 * a),
        (Equal(Sum(AA[i, i], (i, 1, n)), a), "constant", Sum(AA[i, i], (i, 2, n))),
        (Equal(a**2, a), "constant", a**3),
        (Equal(a + b + 1, a), "drop term", a + b),
        (Equal(A + A.T, B), "drop term", A.T),
    ],
)
def test_each_kind_of_mistake_is_made(claim, kind, expected):
    assert expected in _afters(claim, kind)


def test_inequalities_are_reversed_in_the_conclusion_and_the_region():
    claim = Sign(w * t, "gt", where=(Gt(w, 0), Gt(t, 0)))
    assert "lt" in _afters(claim, "inequality", "op")
    assert Lt(w, 0) in _afters(claim, "inequality", "where[0]")


def test_a_region_gets_only_reversed_inequalities():
    claim = Sign(w * t, "gt", where=(Gt(w, 0),))
    assert {m.kind for m in mutants_of(claim)[0] if m.field.startswith("where")} == {"inequality"}


def test_every_kind_exists():
    assert set(KINDS) == {"sign", "transpose", "swap factors", "constant", "drop term", "inequality"}


def test_assumptions_and_variables_are_not_mutated():
    claim = Equal(Jacobian(x.T * A * x, x), 2 * x.T * A, Given((Symmetric(A),)))
    found, _ = mutants_of(claim)
    assert found
    assert all(m.claim.given == claim.given for m in found)
    assert all(m.claim.lhs.x == x for m in found if isinstance(m.claim.lhs, Jacobian))


def test_mutants_are_distinct_and_never_the_claim_itself():
    claim = Chain((a * b + a, a * (b + 1), (b + 1) * a))
    found, _ = mutants_of(claim)
    claims = [m.claim for m in found]
    assert claim not in claims
    assert len(claims) == len(set(claims))


def test_a_negated_matrix_expression_stays_unevaluated():
    claim = HasShape(Jacobian(x.T * c, x), Integer(1), n)
    (negated,) = [m.after for m in mutants_of(claim)[0] if m.description == "side negated" and m.field == "expr"]
    assert negated.has(Jacobian)


def test_replace_at_rebuilds_the_path():
    expr = x.T * (A + Transpose(A)) * x
    path = next(p for p, node in _nodes(expr) if node == Transpose(A))
    assert replace_at(expr, path, A).doit() == (x.T * (A + A) * x).doit()


def _nodes(expr):
    from derive.mutate import _walk

    return [(p, node) for p, node, _ in _walk(expr)]


# -- judging ---------------------------------------------------------------------------------


def _mutant(claim, after):
    # Printed forms: the mutant is rebuilt without SymPy's evaluation of the whole formula.
    return next(m for m in mutants_of(claim)[0] if str(m.after) == str(after))


@pytest.mark.parametrize(
    "claim, after, result",
    [
        (Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T)), x.T * (A - A.T), REFUTED),  # a sign in a term
        (Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T)), MatMul(x.T, MatAdd(A, A)), REFUTED),  # a transpose dropped
        (Equal(Jacobian(x.T * c, x), c.T), c, REFUTED),  # a transpose dropped: shapes
        (Equal(x.T * A * x, x.T * A * x), x.T * A.T * x, EQUIVALENT),  # a scalar equals its transpose
        (Unequal(M([[0, 1]]), M([[0, 2]])), M([[0, 3]]), TRUE),  # still unequal numbers
        (Equal(M([[1, 2]]) * M([[1], [1]]), M([[3]])), M([[4]]), REFUTED),
    ],
)
def test_judge(claim, after, result):
    assert judge((_mutant(claim, after), 20.0)).result == result


# -- the bundled solutions ------------------------------------------------------------------


def test_every_claim_of_a_problem_is_mutated():
    problem = build_problem("cs182-hw0", "q2")
    mutants, claims, _ = collect([problem])
    assert claims >= 20
    assert {m.original for m in mutants} == {s.claim for part in problem.parts for _, s in part.claims()}
    assert len({m.original for m in mutants}) == claims


@pytest.mark.parametrize("problem_id", ["q2"])
def test_the_verifier_refutes_every_mutant_that_changes_an_equality(problem_id):
    # An equality (or chain) mutated in one formula is false unless that formula equals the
    # original, so here every mutant must be refuted or shown equivalent.
    mutants, _, _ = collect([build_problem("cs182-hw0", problem_id)])
    pool = [m for m in mutants if isinstance(m.claim, (Equal, Chain))]
    sample = random.Random(7).sample(pool, min(24, len(pool)))
    outcomes = run_all(judge, [(m, 20.0) for m in sample], jobs=default_jobs())
    missed = [(o.mutant.step, o.mutant.description, str(o.mutant.after), o.result) for o in outcomes if o.result not in (REFUTED, EQUIVALENT)]
    assert not missed
    assert sum(o.result == REFUTED for o in outcomes) >= 0.8 * len(outcomes)


def test_cli_mutate_reports_kinds_problems_and_rate(capsys):
    assert main(["mutate", "cs182-hw0/q2/b", "--sample", "6", "--seed", "3", "-j", "1"]) in (0, 1)
    out = capsys.readouterr().out
    assert "a sample of 6 verified" in out and "cs182-hw0/q2" in out
    assert "refuted" in out and "%" in out


@pytest.mark.parametrize("args", [["--sample", "0"], ["--sample", "many"], ["--time-limit", "-1"], ["--jobs", "0"]])
def test_cli_mutate_rejects_bad_options(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["mutate", "cs182-hw0/q2", *args])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_run_mutants_on_a_sample_is_reproducible():
    first = run_mutants(["cs182-hw0/q2/a"], sample=4, seed=1)
    second = run_mutants(["cs182-hw0/q2/a"], sample=4, seed=1)
    assert [o.mutant for o in first.outcomes] == [o.mutant for o in second.outcomes]
    assert first.generated > 4 and len(first.outcomes) == 4


# -- the independent look at claims on regions ----------------------------------------------


def _relu_defs():
    from sympy import Function, Lambda

    from derive.relu import ReLU

    phi, s, e = Function("phi"), Symbol("s"), Symbol("e")
    return phi, e, ((phi, Lambda(s, ReLU(w * (s - e)))),)


@pytest.mark.parametrize(
    "claim, false",
    [
        (Sign(w * t, "gt", where=(Gt(w, 0), Gt(t, 0))), False),
        (Sign(w * t, "gt", where=(Gt(w, 0), Lt(t, 0))), True),
        (Sign(w * t, "ge", where=(Gt(w, 0),)), True),
    ],
)
def test_sampling_a_sign_claim(claim, false):
    sampled = sample_region_claim(claim)
    assert (sampled.counterexample is not None) is false
    if not false:
        assert sampled.points >= MIN_POINTS


def test_sampling_unfolds_definitions():
    from derive.claims import EqualOn

    phi, e, defs = _relu_defs()
    right_of_elbow_is_zero = EqualOn(phi(t), Integer(0), where=(Lt(w, 0), Gt(t, e)), defs=defs)
    left_of_elbow_is_zero = EqualOn(phi(t), Integer(0), where=(Lt(w, 0), Lt(t, e)), defs=defs)
    assert sample_region_claim(right_of_elbow_is_zero).counterexample is None
    assert sample_region_claim(left_of_elbow_is_zero).counterexample is not None


def test_a_negated_zero_is_still_true_not_a_miss():
    from derive.claims import EqualOn

    phi, e, defs = _relu_defs()
    claim = EqualOn(phi(t), Integer(0), where=(Lt(w, 0), Gt(t, e)), defs=defs)
    mutant = next(m for m in mutants_of(claim)[0] if m.kind == "sign" and m.field == "lhs")
    assert judge((mutant, 20.0)).result == TRUE


def test_sampling_agrees_with_every_verified_claim_of_problem_5():
    from derive.claims import Sign as SignClaim

    claims = [s.claim for part in build_problem("cs182-hw0", "q5").parts for _, s in part.claims() if hasattr(s.claim, "where")]
    assert any(isinstance(c, SignClaim) for c in claims)
    for claim in random.Random(5).sample(claims, 8):
        sampled = sample_region_claim(claim)
        assert sampled.counterexample is None, (claim, sampled)


def test_a_report_lists_a_mutant_with_a_singular_inverse():
    # Printing a product negates it to read its sign; that evaluates the inverse, which fails.
    from sympy import ImmutableMatrix, Inverse

    from derive.mutate import _short

    singular = MatMul(Inverse(ImmutableMatrix([[1, 1], [1, 1]])), A)
    assert "Matrix" in _short(singular)


def test_a_claim_on_an_emptied_region_is_set_aside():
    from derive.mutate import VACUOUS

    claim = Sign(w * t, "gt", where=(Gt(w, 0), Gt(t, 0), Gt(w * t, 0)))
    mutant = next(m for m in mutants_of(claim)[0] if m.field == "where[2]")  # w t < 0 with w, t > 0
    outcome = judge((mutant, 20.0))
    assert outcome.sampled.empty and outcome.result == VACUOUS


@pytest.mark.parametrize(
    "claim_type, matrix, holds",
    [
        ("Singular", M([[1, 1], [2, 2]]), True),
        ("Singular", M([[1, 1], [2, 3]]), False),
        ("Invertible", M([[1, 1], [2, 3]]), True),
        ("PositiveDefinite", M([[2, 1], [1, 2]]), True),
        ("PositiveDefinite", M([[1, 2], [2, 1]]), False),
    ],
)
def test_explicit_matrix_properties_are_evaluated_directly(claim_type, matrix, holds):
    import derive.linalg
    from derive.mutate import _holds_concretely

    assert _holds_concretely(getattr(derive.linalg, claim_type)(matrix)) is holds


def test_a_list_of_dimensions_only_cares_about_shapes():
    from derive.linalg import Dimensions
    from derive.notation import Element, RealSpace

    claim = Dimensions((Element(x.T * A * x + x.T * c, RealSpace(1, 1)),))
    outcomes = [judge((m, 20.0)) for m in mutants_of(claim)[0]]
    by_kind = {(o.mutant.kind, o.mutant.description): o.result for o in outcomes}
    assert by_kind[("sign", "negated")] == EQUIVALENT  # still a scalar
    assert by_kind[("transpose", "transpose dropped")] == REFUTED  # x A x does not conform
