"""Shared fixtures: symbols of general size and small helpers."""

from __future__ import annotations

import dataclasses

import pytest
from sympy import IndexedBase, MatrixSymbol, Symbol

from derive.model import Kind, Part, Problem, Step


@pytest.fixture(autouse=True, scope="session")
def _no_user_cache(tmp_path_factory):
    """Tests never read or write the user's cache; by default they verify uncached
    (tests/test_cache.py turns the cache on where it is the subject)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("derive-cache")))
    patch.setenv("DERIVE_CACHE", "off")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def sym():
    """Symbols used across tests: n×1 vectors x, c; n×n A; m×n B; indices."""
    n = Symbol("n", integer=True, positive=True)
    m = Symbol("m", integer=True, positive=True)
    ns = dict(
        n=n,
        m=m,
        x=MatrixSymbol("x", n, 1),
        c=MatrixSymbol("c", n, 1),
        A=MatrixSymbol("A", n, n),
        B=MatrixSymbol("B", m, n),
        i=Symbol("i", integer=True),
        j=Symbol("j", integer=True),
        k=Symbol("k", integer=True),
        X=IndexedBase("x"),
        AA=IndexedBase("A"),
        C=IndexedBase("c"),
    )
    return type("Symbols", (), ns)


def replace_step(problem: Problem, part_id: str, title: str, **changes) -> Problem:
    """The problem with one step (found by part and title) changed."""
    parts = []
    found = False
    for part in problem.parts:
        steps = []
        for step in part.steps:
            if part.id == part_id and step.title == title and not found:
                step = dataclasses.replace(step, **changes)
                found = True
            steps.append(step)
        parts.append(dataclasses.replace(part, steps=tuple(steps)))
    assert found, f"no step {title!r} in part {part_id}"
    return dataclasses.replace(problem, parts=tuple(parts))


def first_part(problem: Problem, part_id: str) -> Part:
    return problem.part(part_id)


def step_titled(problem: Problem, part_id: str, title: str) -> Step:
    """The step of a part with this title."""
    return next(s for s in problem.part(part_id).steps if s.title == title)


def assert_protocol(part: Part) -> None:
    """The solution protocol's labels: interpretation, then method, then at least one step,
    and exactly one answer, last (notes and figures may come anywhere before the answer)."""
    kinds = [s.kind for s in part.steps]
    labelled = [k for k in kinds if k not in (Kind.NOTE, Kind.FIGURE)]
    assert labelled[:2] == [Kind.INTERPRETATION, Kind.METHOD], (part.id, labelled[:2])
    assert kinds.count(Kind.ANSWER) == 1 and kinds[-1] is Kind.ANSWER, part.id
    assert Kind.STEP in kinds, part.id
