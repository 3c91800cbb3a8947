"""CS 182 homework 0, problems 2–5 (statements in the problem file of the course)."""

from derive.registry import SetSpec

SET = SetSpec(
    id="cs182-hw0",
    title="Deep Neural Networks, Homework 0 (problems 2–5)",
    problems=(
        ("q2", "derive.problems.cs182_hw0.q2"),
        ("q3", "derive.problems.cs182_hw0.q3"),
        ("q4", "derive.problems.cs182_hw0.q4"),
        ("q5", "derive.problems.cs182_hw0.q5"),
    ),
)
