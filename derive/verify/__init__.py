"""The verifier: decides every claim by its own computation.

:func:`check` dispatches on the claim's type to a checker registered with
:func:`checks`. Checkers return a :class:`~derive.model.Verdict`; "could not decide" is
a verdict (``undecided``), never an exception. A checker that runs past the time
limit is stopped and reported as ``undecided``.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sympy import Basic

from derive.claims import Claim
from derive.errors import ShapeError
from derive.linalg import conform
from derive.model import Problem, Status, Verdict

VERIFIER_VERSION = "1"
DEFAULT_TIME_LIMIT = 60.0

_CHECKERS: dict[type, Callable[[Claim], Verdict]] = {}

# Weakest first: a chain of claims is only as strong as its weakest link.
STRENGTH = [Status.REFUTED, Status.UNDECIDED, Status.SAMPLED, Status.CHECKED, Status.PROVED]


def checks(kind: type) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """Register the checker for a claim type."""

    def register(fn: Callable[..., Verdict]) -> Callable[..., Verdict]:
        _CHECKERS[kind] = fn
        return fn

    return register


class _TimeUp(Exception):
    pass


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(claim: Claim, time_limit: float | None = DEFAULT_TIME_LIMIT) -> Verdict:
    """Decide one claim. Never raises for a false or undecidable claim.

    A checker that fails on a claim it was not written for (SymPy raising on an odd
    formula) gives ``undecided`` naming the error: it fails the build with a message,
    never a traceback, and is never mistaken for a proof.
    """
    _load_checkers()
    checker = _CHECKERS.get(type(claim))
    start = time.perf_counter()
    try:
        with _deadline(time_limit):
            malformed = _malformed(claim)
            if malformed is not None:
                verdict = Verdict(Status.REFUTED, "shapes", malformed)
            elif checker is None:
                verdict = Verdict(Status.UNDECIDED, "none", f"no checker for {type(claim).__name__}")
            else:
                verdict = checker(claim)
    except _TimeUp:
        verdict = Verdict(Status.UNDECIDED, "time limit", f"stopped after {time_limit:g} s")
    except (RecursionError, MemoryError) as exc:
        verdict = Verdict(Status.UNDECIDED, "error", f"the checker ran out of {'stack' if isinstance(exc, RecursionError) else 'memory'}")
    except Exception as exc:  # noqa: BLE001 - reported as a verdict, see the docstring
        verdict = Verdict(Status.UNDECIDED, "error", f"checker failed: {type(exc).__name__}: {exc}"[:300])
    return dataclasses.replace(verdict, seconds=time.perf_counter() - start)


def _malformed(claim: Claim) -> str | None:
    """Why a formula of the claim does not conform (a product, sum or inverse of mismatched shapes)."""
    for item in dataclasses.fields(claim) if dataclasses.is_dataclass(claim) else ():
        value = getattr(claim, item.name)
        for expr in value if isinstance(value, tuple) else (value,):
            if isinstance(expr, Basic):
                try:
                    conform(expr)
                except ShapeError as exc:
                    return str(exc)
                outside = _entry_out_of_range(expr)
                if outside is not None:
                    return outside
    return None


def _entry_out_of_range(expr: Basic) -> str | None:
    """An entry (i, j) with a number for an index that lies outside its matrix's shape."""
    from sympy import sstr

    from derive.ops import Entry, shape_of

    for entry in expr.atoms(Entry):
        for index, size, name in ((entry.i, shape_of(entry.matrix)[0], "row"), (entry.j, shape_of(entry.matrix)[1], "column")):
            if index.is_Integer and (index < 1 or (index - size).is_positive):
                return f"entry ({sstr(entry.i)}, {sstr(entry.j)}) of {sstr(entry.matrix)}: {name} {index} is outside 1..{sstr(size)}"
    return None


def weakest(verdicts: list[Verdict]) -> Verdict:
    return min(verdicts, key=lambda v: STRENGTH.index(v.status))


def verify_problem(problem: Problem, time_limit: float | None = DEFAULT_TIME_LIMIT) -> Problem:
    """The problem with a verdict on every step that states mathematics."""
    parts = []
    for part in problem.parts:
        steps = tuple(
            dataclasses.replace(step, verdict=check(step.claim, time_limit)) if step.claim is not None else step
            for step in part.steps
        )
        parts.append(dataclasses.replace(part, steps=steps))
    return dataclasses.replace(problem, parts=tuple(parts))


def failures(problems: list[Problem] | tuple[Problem, ...]) -> list[str]:
    """One line per refuted, undecided or unverified claim, naming problem, part and step."""
    lines = []
    for problem in problems:
        for part in problem.parts:
            labels = part.labels()
            for index, step in part.claims():
                where = f"{problem.target}/{part.id}, {labels[index - 1]} ({step.title})"
                if step.verdict is None:
                    lines.append(f"{where}: not verified")
                elif not step.verdict.status.ok:
                    lines.append(f"{where}: {step.verdict.status.value} by {step.verdict.method}: {step.verdict.detail}")
    return lines


_loaded = False


def _load_checkers() -> None:
    global _loaded
    if not _loaded:
        # Importing every module of this package registers its checkers.
        import importlib
        import pkgutil

        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True


__all__ = ["check", "checks", "failures", "verify_problem", "weakest", "VERIFIER_VERSION", "STRENGTH"]


class _CallableModule(types.ModuleType):
    """``derive.verify`` is this package and, called, :func:`verify_problem`.

    The public API offers ``derive.verify(problem)``; making the package itself callable
    keeps its submodules (``derive.verify.regions`` …) reachable under the same name.
    """

    def __call__(self, problem: Problem, time_limit: float | None = DEFAULT_TIME_LIMIT) -> Problem:
        return verify_problem(problem, time_limit)


sys.modules[__name__].__class__ = _CallableModule
