"""Bundled problem sets, discovered by id, and targets that select from them.

A problem set is a subpackage of :mod:`derive.problems` whose ``__init__`` defines
``SET = SetSpec(...)``. Each problem is a module with a ``build() -> Problem``
function, imported only when the problem is asked for.

A target is ``SET``, ``SET/PROBLEM`` or ``SET/PROBLEM/PART``; a part id selects its
cases too (``cs182-hw0/q5/b`` selects ``b.i`` … ``b.iv``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache

from derive.errors import UnknownTargetError
from derive.model import Problem


@dataclass(frozen=True)
class SetSpec:
    """A problem set: its id, title, and the module that builds each problem."""

    id: str
    title: str
    problems: tuple[tuple[str, str], ...]  # (problem id, module path), in order

    def problem_ids(self) -> list[str]:
        return [pid for pid, _ in self.problems]

    def module_of(self, problem_id: str) -> str:
        return dict(self.problems)[problem_id]


@dataclass(frozen=True)
class Selection:
    """What a target selects: a problem, and some of its parts (None: all)."""

    set_id: str
    problem_id: str
    parts: tuple[str, ...] | None = None


def sets() -> list[SetSpec]:
    """Every bundled problem set, ordered by id."""
    return list(_discover())


@lru_cache(maxsize=None)
def _discover() -> tuple[SetSpec, ...]:
    import derive.problems as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        spec = getattr(module, "SET", None)
        if isinstance(spec, SetSpec):
            found.append(spec)
    return tuple(sorted(found, key=lambda s: s.id))


def get_set(set_id: str) -> SetSpec:
    for spec in sets():
        if spec.id == set_id:
            return spec
    raise UnknownTargetError(set_id, known_targets())


@lru_cache(maxsize=None)
def build_problem(set_id: str, problem_id: str) -> Problem:
    """The (unverified) problem, built by its module; cached, since problems are immutable."""
    spec = get_set(set_id)
    module = importlib.import_module(spec.module_of(problem_id))
    problem = module.build()
    if not isinstance(problem, Problem):
        raise TypeError(f"{spec.module_of(problem_id)}.build() returned {type(problem).__name__}")
    return problem


def known_targets(with_parts: bool = False) -> list[str]:
    """Every set and problem id (and part ids when asked; that builds the problems)."""
    out = []
    for spec in sets():
        out.append(spec.id)
        for pid in spec.problem_ids():
            out.append(f"{spec.id}/{pid}")
            if with_parts:
                out.extend(f"{spec.id}/{pid}/{part.id}" for part in build_problem(spec.id, pid).parts)
    return out


def resolve(target: str) -> list[Selection]:
    """The problems (and parts) a target names; :class:`UnknownTargetError` otherwise."""
    pieces = target.strip().strip("/").split("/")
    if not pieces[0] or len(pieces) > 3:
        raise UnknownTargetError(target, known_targets())
    known_sets = {s.id: s for s in sets()}
    spec = known_sets.get(pieces[0])
    if spec is None:
        raise UnknownTargetError(target, known_targets())
    if len(pieces) == 1:
        return [Selection(spec.id, pid) for pid in spec.problem_ids()]
    if pieces[1] not in spec.problem_ids():
        raise UnknownTargetError(target, known_targets())
    if len(pieces) == 2:
        return [Selection(spec.id, pieces[1])]
    problem = build_problem(spec.id, pieces[1])
    wanted = pieces[2]
    parts = tuple(p.id for p in problem.parts if p.id == wanted or p.id.startswith(wanted + "."))
    if not parts:
        raise UnknownTargetError(target, known_targets(with_parts=True))
    return [Selection(spec.id, pieces[1], parts)]


def load(target: str) -> list[Problem]:
    """The unverified problems a target selects, restricted to the selected parts."""
    out = []
    for sel in resolve(target):
        problem = build_problem(sel.set_id, sel.problem_id)
        out.append(problem if sel.parts is None else problem.only(list(sel.parts)))
    return out
