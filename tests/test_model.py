"""The solution tree's small helpers."""

from __future__ import annotations

import pytest
from sympy import Symbol

from derive.model import Kind, Math, Part, Step, Summary, text


def test_text_interleaves_prose_and_formulas():
    n = Symbol("n")
    assert text("Let {} be {}.", n, n + 1) == ("Let ", Math(n), " be ", Math(n + 1), ".")


@pytest.mark.parametrize("bad", ["rows", 3, None])
def test_text_rejects_words_in_a_formula_slot(bad):
    with pytest.raises(TypeError):
        text("the last {} are zero", bad)


def test_text_counts_placeholders():
    with pytest.raises(ValueError):
        text("{} and {}", Symbol("a"))


def test_labels_number_only_steps():
    steps = tuple(Step(k, "t") for k in (Kind.INTERPRETATION, Kind.METHOD, Kind.STEP, Kind.NOTE, Kind.STEP, Kind.ANSWER))
    assert Part("a", (), steps).labels() == ["Interpretation", "Method", "Step 1", "Note", "Step 2", "Answer"]


def test_part_needs_exactly_one_answer():
    with pytest.raises(ValueError):
        Part("a", (), (Step(Kind.STEP, "t"),)).answer


def test_summary_counts_unverified_claims_as_not_ok():
    from derive.claims import Equal
    from derive.model import Problem

    step = Step(Kind.STEP, "t", claim=Equal(Symbol("a"), Symbol("a")))
    problem = Problem("s", "p", "T", (), (Part("a", (), (step, Step(Kind.ANSWER, "A"))),))
    summary = Summary.of([problem])
    assert summary.claims == 1 and summary.unverified == 1 and not summary.ok
