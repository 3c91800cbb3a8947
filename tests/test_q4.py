"""Problem 4: complete per the protocol, every claim verified at an honest level, the notes
on the statement present, and a corrupted step (a sign flipped, λ dropped, a transpose lost,
a factor swapped, a wrong limit or density constant) refuted and reported by part and step."""

from __future__ import annotations

import dataclasses

import pytest
from sympy import (
    BlockMatrix,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    MatAdd,
    MatMul,
    MatrixSymbol,
    Rational,
    Symbol,
    ZeroMatrix,
    exp,
    oo,
    pi,
    sqrt,
)

from derive.claims import Chain, Equal, EqualOn, Sign
from derive.gaussian import DensityEqual, LogOf, Maximizer
from derive.limits import LimitIs, MatrixLimit
from derive.linalg import Minimizer, MinNormSolution, conform
from derive.model import Kind, Status
from derive.ops import SqNorm
from derive.registry import build_problem
from derive.resolvent import Cleared, DiagonalForm
from derive.verify import check, failures, verify_problem

from conftest import assert_protocol, replace_step, step_titled

PARTS = ["a", "b", "c", "d", "e", "f", "g", "h"]

# Symbols typed independently of the module (symbols compare by name and assumptions).
n = Symbol("n", integer=True, positive=True)
d = Symbol("d", integer=True, positive=True)
r = Symbol("r", integer=True, positive=True)
lam = Symbol("lambda", positive=True)
sigma = Symbol("sigma", positive=True)
X, y, w = MatrixSymbol("X", n, d), MatrixSymbol("y", n, 1), MatrixSymbol("w", d, 1)
U, V, D = MatrixSymbol("U", n, n), MatrixSymbol("V", d, d), MatrixSymbol("D", r, r)
F, S_PLUS = MatrixSymbol("F", d, n), MatrixSymbol("Sigma_plus", d, n)
GRAM_D = X.T * X + lam * Identity(d)
GRAM_N = X * X.T + lam * Identity(n)
RIDGE = GRAM_D.I * X.T * y
KERNEL = X.T * GRAM_N.I * y
LS = (X.T * X).I * X.T * y
MIN_NORM = X.T * (X * X.T).I * y


@pytest.fixture(scope="module")
def q4():
    return verify_problem(build_problem("cs182-hw0", "q4"))


@pytest.fixture(scope="module")
def built():
    return build_problem("cs182-hw0", "q4")


def test_parts_are_a_to_h(q4):
    assert [p.id for p in q4.parts] == PARTS


@pytest.mark.parametrize("part_id", PARTS)
def test_protocol_labels(q4, part_id):
    assert_protocol(q4.part(part_id))


def test_nothing_refuted_or_undecided(q4):
    assert failures([q4]) == []


def test_only_the_explicit_shape_check_is_merely_checked(q4):
    """Everything is proved in general except the deliberately concrete cross-check of (f)."""
    levels = {(p.id, s.title): s.verdict.status for p in q4.parts for _, s in p.claims()}
    checked = [key for key, status in levels.items() if status is not Status.PROVED]
    assert checked == [("f", "Checked on several tall and wide shapes")]
    verdict = step_titled(q4, "f", "Checked on several tall and wide shapes").verdict
    assert verdict.status is Status.CHECKED and "symbolic sizes" not in verdict.method
    for shape in ("d=1, n=3", "d=2, n=2", "d=3, n=1"):  # tall, square, wide
        assert shape in verdict.detail


@pytest.mark.parametrize("part_id", PARTS)
def test_every_verdict_says_how(q4, part_id):
    for _, step in q4.part(part_id).claims():
        assert step.verdict.method, step.title


def test_general_proofs_are_cross_checked_on_instances(q4):
    for part_id, title in [("b", "Substitute the SVD"), ("b", "The factor in blocks"), ("f", "The push-through identity")]:
        verdict = step_titled(q4, part_id, title).verdict
        assert "symbolic sizes" in verdict.method and "exact instance" in verdict.detail, title


# -- the answers are the right kind of claim at the right point ---------------------------------------


def test_a_answer_minimizes_the_ridge_objective(q4):
    claim = q4.part("a").answer.claim
    assert isinstance(claim, Minimizer) and claim.var == w
    assert claim.objective == SqNorm(MatAdd(y, -MatMul(X, w))) + lam * SqNorm(w)
    assert claim.point.doit() == RIDGE.doit()


def test_b_answer_is_the_svd_form(q4):
    claim = q4.part("b").answer.claim
    assert isinstance(claim, Equal) and claim.lhs.doit() == RIDGE.doit()
    assert claim.rhs == V * F * U.T * y
    factor = step_titled(q4, "b", "One factor per singular direction").claim
    assert isinstance(factor, DiagonalForm) and factor.value == sigma / (sigma**2 + lam)


def test_c_answer_maximizes_the_log_posterior(q4):
    claim = q4.part("c").answer.claim
    assert isinstance(claim, Maximizer) and claim.point.doit() == RIDGE.doit()
    assert claim.objective.has(SqNorm(w)) and claim.objective.has(SqNorm(MatAdd(y, -MatMul(X, w))))


def test_d_answer_minimizes_the_augmented_least_squares(q4):
    claim = q4.part("d").answer.claim
    x_hat, y_hat = MatrixSymbol("X_hat", n + d, d), MatrixSymbol("y_hat", n + d, 1)
    assert isinstance(claim, Minimizer) and claim.objective == SqNorm(MatAdd(y_hat, -MatMul(x_hat, w)))
    assert claim.point.doit() == RIDGE.doit()


def test_e_answer_is_min_norm_with_ridge_on_top(q4):
    claim = q4.part("e").answer.claim
    assert isinstance(claim, MinNormSolution)
    assert isinstance(claim.point, BlockMatrix) and claim.point.blocks[0, 0].doit() == RIDGE.doit()


def test_f_answer_equates_the_two_forms(q4):
    claim = q4.part("f").answer.claim
    assert isinstance(claim, Cleared)
    assert {claim.lhs.doit(), claim.rhs.doit()} == {KERNEL.doit(), RIDGE.doit()}


def test_g_answer_is_the_limit_at_infinity(q4):
    claim = q4.part("g").answer.claim
    assert isinstance(claim, MatrixLimit) and claim.point is oo and claim.value == ZeroMatrix(d, 1)


def test_h_answer_is_the_pseudo_inverse_limit(q4):
    claim = q4.part("h").answer.claim
    assert isinstance(claim, MatrixLimit) and claim.point == 0
    assert claim.value == V * S_PLUS * U.T * y


@pytest.mark.parametrize(
    "title, value",
    [("Tall X of full column rank", LS), ("Wide X of full row rank", MIN_NORM)],
)
def test_h_tall_and_wide_limits(q4, title, value):
    claim = step_titled(q4, "h", title).claim
    assert isinstance(claim, MatrixLimit) and claim.value.doit() == value.doit()


def test_five_perspectives_are_cross_checked(q4):
    claim = step_titled(q4, "f", "The five perspectives agree").claim
    assert isinstance(claim, Chain) and len(claim.terms) == 4
    assert RIDGE.doit() in [t.doit() for t in claim.terms] and KERNEL.doit() in [t.doit() for t in claim.terms]
    example = step_titled(q4, "f", "A worked example").claim
    assert isinstance(example, Chain) and len(example.terms) == 6


# -- notes on the statement --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "part_id, title",
    [
        ("b", "Reading of the statement"),
        ("b", "σᵢ against λ is the wrong comparison"),
        ("b", "Counterexample: σᵢ ≫ λ, yet the factor is far from 1/σᵢ"),
        ("b", "Counterexample: σᵢ ≪ λ, yet the factor is not ≈ σᵢ/λ"),
        ("c", "Reading of the statement"),
        ("h", "Why the first form has a limit anyway"),
        ("h", "Reading of the statement"),
    ],
)
def test_notes(q4, part_id, title):
    assert step_titled(q4, part_id, title).kind is Kind.NOTE


def test_counterexamples_are_verified_points(q4):
    for title in ("Counterexample: σᵢ ≫ λ, yet the factor is far from 1/σᵢ", "Counterexample: σᵢ ≪ λ, yet the factor is not ≈ σᵢ/λ"):
        step = step_titled(q4, "b", title)
        assert isinstance(step.claim, EqualOn) and step.verdict.status is Status.PROVED
        assert all(c.is_Equality for c in step.claim.where)


def test_every_formula_conforms(q4):
    for part in q4.parts:
        for _, step in part.claims():
            for field in dataclasses.fields(step.claim):
                value = getattr(step.claim, field.name)
                for item in value if isinstance(value, tuple) else (value,):
                    if hasattr(item, "free_symbols") and not isinstance(item, Symbol):
                        conform(item)


def test_the_ill_typed_answer_is_rejected_by_the_shape_check():
    """The issue's example: (XᵀX + λI)⁻¹ yᵀX does not multiply."""
    verdict = check(Minimizer(SqNorm(y - X * w) + lam * SqNorm(w), w, MatMul(GRAM_D.I, y.T, X)))
    assert verdict.status is Status.REFUTED and verdict.method == "shapes"


# -- corrupted steps ---------------------------------------------------------------------------------------


def _swap(field, old, new):
    """A corruption: replace ``old`` by ``new`` in one field of the claim."""

    def apply(claim):
        value = getattr(claim, field)
        if isinstance(value, tuple):
            changed = tuple(v.xreplace({old: new}) if hasattr(v, "xreplace") else v for v in value)
        else:
            changed = value.xreplace({old: new})
        assert changed != value, "the corruption must change the claim"
        return dataclasses.replace(claim, **{field: changed})

    return apply


def _set(field, new):
    return lambda claim: dataclasses.replace(claim, **{field: new})


s_i, l_r = Symbol("sigma_i", real=True), Symbol("lambda", real=True)
PRIOR = (2 * pi) ** (-d / Integer(2)) * exp(-SqNorm(w) / 2)
X_CHECK = MatrixSymbol("X_check", n, d + n)

CORRUPTIONS = [
    ("a", "Expand the objective", _swap("terms", MatMul(-2, y.T, X, w), MatMul(2, y.T, X, w))),  # sign flipped
    ("a", "The derivative", _swap("rhs", MatMul(-2, y.T, X), MatMul(-1, y.T, X))),  # factor 2 lost
    ("a", "Normal equations", _set("value", (X.T * X + 2 * lam * Identity(d)).I * X.T * y)),  # λ doubled
    ("a", "Hessian", _set("rhs", 2 * X.T * X)),  # λI dropped
    ("a", "Answer", _set("point", (X.T * X + 2 * lam * Identity(d)).I * X.T * y)),  # 2λ
    ("a", "Answer", _set("point", MatMul(GRAM_D.I, y.T, X))),  # the malformed product
    ("b", "Transposes, UᵀU = I, λI = λVVᵀ", _swap("rhs", U.T, U)),  # transpose dropped
    ("b", "Invert the product and cancel V", _swap("rhs", V, V.T)),  # V and Vᵀ confused
    ("b", "The factor in blocks", _swap("rhs", lam, 2 * lam)),
    ("b", "One factor per singular direction", _set("value", sigma / (sigma + lam))),  # σ instead of σ²
    ("b", "… within λ/σᵢ²", _set("op", "lt")),
    ("b", "Counterexample: σᵢ ≫ λ, yet the factor is far from 1/σᵢ", _set("rhs", Rational(1, 100))),
    ("b", "Answer", _swap("rhs", U.T, U)),
    ("c", "Noise covariance", _set("rhs", sqrt(lam) * Identity(n))),  # standard deviation for variance
    ("c", "Prior density", _set("rhs", (2 * pi) ** (-d) * exp(-SqNorm(w) / 2))),  # wrong normalizing constant
    # exponent −‖y − Xw‖²/(4λ) instead of /(2λ); the prior term dropped from the log-posterior
    ("c", "The same as a vector density", lambda c: dataclasses.replace(c, rhs=c.rhs * exp(SqNorm(MatAdd(y, -MatMul(X, w))) / (4 * lam)))),
    ("c", "Log-posterior", lambda c: dataclasses.replace(c, value=c.value + SqNorm(w) / 2)),
    ("c", "Answer", _set("point", 2 * RIDGE)),
    ("d", "Same objective", _swap("rhs", lam, 2 * lam)),
    ("d", "The least-squares formula gives ridge", _set("rhs", LS)),  # λ dropped
    ("d", "Answer", _set("point", (X.T * X + lam**2 * Identity(d)).I * X.T * y)),  # λ² (√λ squared twice)
    ("e", "The norm on the constraint set", _swap("terms", 1 / lam, lam)),
    ("e", "Answer", _set("point", BlockMatrix([[RIDGE], [y - X * RIDGE]]))),  # the 1/√λ lost
    ("f", "The pseudo-inverse, block by block", _swap("rhs", sqrt(lam), lam)),
    ("f", "The push-through identity", _set("rhs", X.T * (X * X.T + 2 * lam * Identity(n)).I)),
    ("f", "The five perspectives agree", _set("terms", (RIDGE, (X.T * X).I * X.T * y))),
    ("f", "A worked example", lambda c: dataclasses.replace(c, terms=c.terms[:-1] + (ImmutableMatrix([Rational(-33, 100), Rational(14, 24)]),))),
    ("f", "Answer", _set("rhs", GRAM_D.I * X.T * X * X.T * y)),  # an extra XXᵀ
    ("g", "λŵ tends to Xᵀy", _set("value", 2 * X.T * y)),
    ("g", "Per singular direction", _set("value", Integer(0))),
    ("g", "Answer", _set("value", X.T * y)),
    ("h", "Per singular direction", _set("value", Integer(0))),
    ("h", "Tall X of full column rank", _set("value", 2 * LS)),
    ("h", "Wide X of full row rank", _set("value", X.T * (X * X.T).I * (X * X.T).I * y)),
    ("h", "… its limit", _set("value", ImmutableMatrix([Rational(1, 35), Rational(4, 35)]))),
    ("h", "Answer", _set("value", V * F * U.T * y)),  # the limit is not F_λ itself
]


@pytest.mark.parametrize(
    "part_id, title, corrupt", CORRUPTIONS, ids=[f"{p}-{t[:24]}-{k}" for k, (p, t, _) in enumerate(CORRUPTIONS)]
)
def test_corrupted_claim_is_refuted(built, part_id, title, corrupt):
    step = step_titled(built, part_id, title)
    verdict = check(corrupt(step.claim))
    assert verdict.status is Status.REFUTED, verdict


@pytest.mark.parametrize(
    "part_id, title, corrupt",
    [
        ("b", "Invert the product and cancel V", _swap("rhs", V, V.T)),
        ("f", "The push-through identity", _set("rhs", X.T * (X * X.T + 2 * lam * Identity(n)).I)),
    ],
)
def test_corrupted_step_fails_with_location(built, part_id, title, corrupt):
    step = step_titled(built, part_id, title)
    broken = replace_step(built, part_id, title, claim=corrupt(step.claim))
    messages = failures([verify_problem(broken.only([part_id]))])
    assert len(messages) == 1
    assert messages[0].startswith(f"cs182-hw0/q4/{part_id}, ") and f"({title})" in messages[0]
    assert "refuted" in messages[0]
