"""Problem 2: complete per the protocol, every claim proved in general, and a
corrupted step fails verification with a message naming part and step."""

from __future__ import annotations

import pytest
from sympy import MatrixSymbol, Symbol

from derive.claims import Equal
from derive.model import Kind, Status
from derive.ops import Jacobian
from derive.registry import build_problem, load
from derive.verify import failures, verify_problem

from conftest import assert_protocol, replace_step


@pytest.fixture(scope="module")
def q2():
    return verify_problem(build_problem("cs182-hw0", "q2"))


def test_parts_are_a_to_e(q2):
    assert [p.id for p in q2.parts] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("part_id", ["a", "b", "c", "d", "e"])
def test_protocol_labels(q2, part_id):
    assert_protocol(q2.part(part_id))


@pytest.mark.parametrize("part_id", ["a", "b", "c", "d", "e"])
def test_every_claim_proved_in_general(q2, part_id):
    for _, step in q2.part(part_id).claims():
        assert step.verdict.status is Status.PROVED, (part_id, step.title, step.verdict)


# The statement's answers, typed independently of the deriver.
n = Symbol("n", integer=True, positive=True)
x, c, A = MatrixSymbol("x", n, 1), MatrixSymbol("c", n, 1), MatrixSymbol("A", n, n)
STATEMENT = {
    "a": Equal(Jacobian(x.T * c, x), c.T),
    "b": Equal(Jacobian(x.T * x, x), 2 * x.T),
    "c": Equal(Jacobian(A * x, x), A),
    "d": Equal(Jacobian(x.T * A * x, x), x.T * (A + A.T)),
}


@pytest.mark.parametrize("part_id", sorted(STATEMENT))
def test_answer_is_the_statement(q2, part_id):
    assert q2.part(part_id).answer.claim == STATEMENT[part_id]


def test_e_answers_symmetry_in_both_directions(q2):
    from derive.claims import IdentityIff, Symmetric

    answer = q2.part("e").answer.claim
    assert isinstance(answer, IdentityIff)
    assert answer.condition == Symmetric(A)
    assert answer.lhs == x.T * (A + A.T) and answer.rhs == 2 * x.T * A
    notes = [s.title for s in q2.part("e").steps if s.kind is Kind.NOTE]
    assert "Reading for a single x" in notes  # the ambiguity is stated


def test_load_single_part():
    (problem,) = load("cs182-hw0/q2/d")
    assert [p.id for p in problem.parts] == ["d"]


@pytest.mark.parametrize(
    "part_id, title, corrupt",
    [
        ("d", "Stack the entries", lambda claim: Equal(claim.terms[0], x.T * (A - A.T))),
        ("a", "Answer", lambda claim: Equal(claim.lhs, c)),  # dropped transpose: a column
        ("b", "Answer", lambda claim: Equal(claim.lhs, -2 * x.T)),
        ("c", "Answer", lambda claim: Equal(claim.lhs, A.T)),  # wrong layout
        ("d", "Answer", lambda claim: Equal(claim.lhs, x.T * A)),  # dropped term
    ],
)
def test_corrupted_step_fails_with_location(part_id, title, corrupt):
    problem = build_problem("cs182-hw0", "q2")
    step = next(s for s in problem.part(part_id).steps if s.title == title)
    broken = replace_step(problem, part_id, title, claim=corrupt(step.claim))
    messages = failures([verify_problem(broken.only([part_id]))])
    assert len(messages) == 1
    assert messages[0].startswith(f"cs182-hw0/q2/{part_id}, ")
    assert f"({title})" in messages[0] and "refuted" in messages[0]


def test_e_counterexample_shows_both_sides_unmultiplied_and_is_checked(q2):
    from sympy import ImmutableMatrix, MatMul, Transpose

    from derive.claims import Unequal
    from derive.verify import check

    step = next(s for _, s in q2.part("e").claims() if isinstance(s.claim, Unequal))
    lhs, rhs = step.claim.lhs, step.claim.rhs
    # The document shows xᵀ(A + Aᵀ) and 2xᵀA at the point, not two already-multiplied rows.
    assert isinstance(lhs, MatMul) and lhs.has(Transpose) and lhs.atoms(ImmutableMatrix)
    assert isinstance(rhs, MatMul) and rhs.atoms(ImmutableMatrix)
    assert step.verdict.status is Status.PROVED
    # The same counterexample with a symmetric A is no counterexample: refuted.
    S = ImmutableMatrix([[0, 1], [1, 0]])
    x2 = ImmutableMatrix([[1], [0]])
    symmetric = Unequal(MatMul(Transpose(x2), S + Transpose(S), evaluate=False), MatMul(2, Transpose(x2), S, evaluate=False))
    assert check(symmetric).status is Status.REFUTED
