"""Problem 3: complete per the protocol, every claim verified with an honest level, the
dimension bookkeeping present, and a corrupted step (a transpose dropped, a sign flipped,
factors swapped, Σ† confused with Σᵀ…) refuted and reported by part and step."""

from __future__ import annotations

import dataclasses

import pytest
from sympy import (
    Identity,
    Integer,
    Inverse,
    MatMul,
    MatrixSymbol,
    Rational,
    Symbol,
)

from derive.claims import Equal
from derive.linalg import Dimensions, Invertible, Minimizer, MinNormSolution, Singular, conform
from derive.model import Kind, Status
from derive.notation import Element, RealSpace
from derive.registry import build_problem
from derive.verify import check, failures, verify_problem

from conftest import assert_protocol, replace_step, step_titled

PARTS = ["a", "b", "c", "d", "e", "f"]

# Symbols typed independently of the module (MatrixSymbols compare by name and shape).
m = Symbol("m", integer=True, positive=True)
n = Symbol("n", integer=True, positive=True)
X, y, w = MatrixSymbol("X", m, n), MatrixSymbol("y", m, 1), MatrixSymbol("w", n, 1)
U, V = MatrixSymbol("U", m, m), MatrixSymbol("V", n, n)
S, Sd = MatrixSymbol("Sigma", m, n), MatrixSymbol("Sigma_dagger", n, m)
LS = (X.T * X).I * X.T * y
MN = X.T * (X * X.T).I * y
PINV = V * Sd * U.T * y


@pytest.fixture(scope="module")
def q3():
    return verify_problem(build_problem("cs182-hw0", "q3"))


def test_parts_are_a_to_f(q3):
    assert [p.id for p in q3.parts] == PARTS


@pytest.mark.parametrize("part_id", PARTS)
def test_protocol_labels(q3, part_id):
    assert_protocol(q3.part(part_id))


def test_nothing_refuted_or_undecided(q3):
    assert failures([q3]) == []


@pytest.mark.parametrize("part_id", PARTS)
def test_verdict_levels_are_honest(q3, part_id):
    for _, step in q3.part(part_id).claims():
        verdict = step.verdict
        assert verdict.status in (Status.PROVED, Status.CHECKED), (step.title, verdict)
        if verdict.status is Status.CHECKED:  # a check names its sizes and does not claim generality
            assert "instances" in verdict.method and "symbolic sizes" not in verdict.method
            assert "m=" in verdict.detail and "n=" in verdict.detail


def test_only_the_explicit_instance_checks_are_merely_checked(q3):
    checked = [(p.id, s.title) for p in q3.parts for _, s in p.claims() if s.verdict.status is Status.CHECKED]
    assert checked == [("b", "Exact check on several shapes"), ("e", "Exact check on several shapes")]


@pytest.mark.parametrize("part_id, shapes", [("b", ["m=2, n=1", "m=3, n=2", "m=4, n=3"]), ("e", ["m=1, n=2", "m=2, n=3", "m=3, n=4"])])
def test_svd_claims_are_also_checked_on_several_tall_or_wide_shapes(q3, part_id, shapes):
    verdict = step_titled(q3, part_id, "Exact check on several shapes").verdict
    assert all(shape in verdict.detail for shape in shapes)


@pytest.mark.parametrize("part_id", ["b", "e"])
def test_svd_proofs_are_general_and_cross_checked_on_instances(q3, part_id):
    for title in ("Substitute the SVD", "Invert a product of square factors", "Recognise Σ†"):
        verdict = step_titled(q3, part_id, title).verdict
        assert verdict.status is Status.PROVED and "symbolic sizes" in verdict.method
        assert "cross-checked on an exact instance" in verdict.detail


@pytest.mark.parametrize(
    "part_id, kind, point",
    [("a", Minimizer, LS), ("b", Minimizer, PINV), ("d", MinNormSolution, MN), ("e", MinNormSolution, PINV)],
)
def test_answers_are_optimization_claims_at_the_expected_point(q3, part_id, kind, point):
    claim = q3.part(part_id).answer.claim
    assert isinstance(claim, kind) and claim.var == w
    assert claim.point.doit() == point.doit()


@pytest.mark.parametrize(
    "part_id, product, identity",
    [("c", (X.T * X).I * X.T * X, Identity(n)), ("f", X * X.T * (X * X.T).I, Identity(m))],
)
def test_c_and_f_answer_which_identity(q3, part_id, product, identity):
    claim = q3.part(part_id).answer.claim
    assert isinstance(claim, Equal) and claim.rhs == identity
    assert claim.lhs.doit() == product.doit()


@pytest.mark.parametrize("part_id, other_order", [("c", X * (X.T * X).I * X.T), ("f", X.T * (X * X.T).I * X)])
def test_c_and_f_say_what_the_other_order_is(q3, part_id, other_order):
    singular = [s.claim for _, s in q3.part(part_id).claims() if isinstance(s.claim, Singular)]
    assert [c.matrix.doit() for c in singular] == [other_order.doit()]


@pytest.mark.parametrize(
    "part_id, invertible, singular",
    [("b", S.T * S, S * S.T), ("e", S * S.T, S.T * S)],
)
def test_bookkeeping_of_sigma(q3, part_id, invertible, singular):
    claims = [s.claim for _, s in q3.part(part_id).claims()]
    sizes = next(c for c in claims if isinstance(c, Dimensions))
    shown = {item.args[0]: (item.args[1].rows, item.args[1].cols) for item in sizes.items}
    assert shown == {S: (m, n), S.T: (n, m), S.T * S: (n, n), S * S.T: (m, m), Sd: (n, m)}
    assert [c.matrix for c in claims if isinstance(c, Invertible) and c.matrix.has(S)] == [invertible]
    assert [c.matrix for c in claims if isinstance(c, Singular) and c.matrix.has(S)] == [singular]


@pytest.mark.parametrize(
    "part_id, title",
    [("a", "Rank assumption"), ("a", "Without full column rank"), ("b", "Reading of the statement"), ("d", "Rank assumption")],
)
def test_assumption_notes(q3, part_id, title):
    assert step_titled(q3, part_id, title).kind is Kind.NOTE


def test_every_formula_conforms(q3):
    for part in q3.parts:
        for _, step in part.claims():
            for field in dataclasses.fields(step.claim):
                value = getattr(step.claim, field.name)
                for item in value if isinstance(value, tuple) else (value,):
                    if hasattr(item, "free_symbols"):
                        conform(item)


# -- corrupted steps -------------------------------------------------------------------------------


def _swap(field, old, new):
    """A corruption: replace ``old`` by ``new`` in one field of the claim."""

    def apply(claim):
        value = getattr(claim, field)
        if isinstance(value, tuple):
            changed = tuple(v.xreplace({old: new}) for v in value)
        else:
            changed = value.xreplace({old: new})
        assert changed != value, "the corruption must change the claim"
        return dataclasses.replace(claim, **{field: changed})

    return apply


def _set(field, new):
    return lambda claim: dataclasses.replace(claim, **{field: new})


CORRUPTIONS = [
    ("a", "Expand the objective", _swap("terms", MatMul(-2, y.T, X, w), MatMul(2, y.T, X, w))),  # sign flipped
    ("a", "The derivative", _swap("terms", MatMul(-2, y.T, X), MatMul(-1, y.T, X))),  # factor 2 lost
    ("a", "Normal equations", _set("value", MatMul(X.T, X, X.T, y))),  # inverse dropped
    ("a", "Hessian", _set("rhs", X.T * X)),
    ("a", "Answer", _set("point", MatMul(Inverse(MatMul(X.T, X)), y.T, X))),  # the malformed product
    ("b", "Transpose of a product", _swap("rhs", U.T, U)),  # transpose dropped
    ("b", "Cancel V", _swap("rhs", V, Identity(n))),  # V cancelled where it must stay
    ("b", "Invert a product of square factors", _set("rhs", MatMul(Inverse(V), Inverse(S.T * S), Inverse(V.T), V, S.T, U.T, y))),  # order not reversed
    ("b", "Recognise Σ†", _swap("rhs", Sd, S.T)),  # Σ† confused with Σᵀ
    ("b", "Σ† from the invertible product", _set("terms", ((S.T * S).I * S.T, S.T * (S * S.T).I))),
    ("b", "Sizes", _set("items", (Element(Sd, RealSpace(m, n)),))),
    ("b", "Not invertible", _set("matrix", S.T * S)),
    ("b", "Answer", _swap("point", U.T, U)),
    ("b", "Exact check on several shapes", _swap("rhs", U.T, U)),
    ("e", "Exact check on several shapes", _swap("rhs", V, V.T)),
    ("c", "ΣΣ† is not the m×m identity", _set("terms", (S * Sd, Identity(m)))),
    ("c", "Answer", _set("rhs", Identity(n) * 2)),
    ("c", "XA is singular", _set("matrix", (X.T * X).I * X.T * X)),
    ("d", "Stationary in w", _set("value", MatMul(Rational(1, 2), X.T, MatrixSymbol("lambda", m, 1)))),
    ("d", "Feasibility fixes λ", _set("value", MatMul(2, Inverse(X * X.T), y))),
    ("d", "Why it is the smallest", _swap("rhs", Integer(2), Integer(1))),  # the cross term counted once
    ("d", "Answer", _set("point", LS)),  # the tall formula in the wide case
    ("e", "Cancel V", _swap("rhs", V, Identity(n))),  # V cancelled where it must stay
    ("e", "Recognise Σ†", _swap("rhs", Sd, S.T)),
    ("e", "Answer", _set("point", V * S.T * U.T * y)),
    ("f", "Answer", _set("lhs", X.T * (X * X.T).I * X)),  # the other order is not the identity
    ("f", "BX is singular", _set("matrix", X * X.T * (X * X.T).I)),
]


@pytest.mark.parametrize("part_id, title, corrupt", CORRUPTIONS, ids=[f"{p}-{t}" for p, t, _ in CORRUPTIONS])
def test_a_corrupted_step_is_refuted(q3, part_id, title, corrupt):
    step = step_titled(q3, part_id, title)
    verdict = check(corrupt(step.claim))
    assert verdict.status is Status.REFUTED, verdict


def test_a_corrupted_step_is_reported_by_part_and_step():
    problem = build_problem("cs182-hw0", "q3")
    step = step_titled(problem, "b", "Transpose of a product")
    broken = replace_step(problem, "b", "Transpose of a product", claim=_swap("rhs", U.T, U)(step.claim))
    lines = failures([verify_problem(broken.only(["b"]))])
    assert len(lines) == 1
    assert "cs182-hw0/q3/b" in lines[0] and "Transpose of a product" in lines[0] and "refuted" in lines[0]


def test_the_malformed_product_gets_the_shape_message():
    verdict = check(Equal(MatMul(Inverse(MatMul(X.T, X)), y.T, X), w))
    assert verdict.status is Status.REFUTED and verdict.method == "shapes"
    assert "cannot multiply (X.T*X)**(-1) (n×n) by y.T (1×m)" in verdict.detail
