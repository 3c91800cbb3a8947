"""Benchmark of derive's builds against the cost of importing SymPy.

Prints, as the median of several runs (with the fastest and slowest), each in a fresh
process as a user would run it:

* the floor: ``python -c "import sympy"``;
* a cold full build of every bundled set (empty cache), and of ``cs182-hw0``, on all
  cores and on one;
* a warm rebuild (nothing changed: the documents come from the cache);
* a rebuild after an edit (verdicts cached, documents rebuilt: ``DERIVE_CACHE=verdicts``);

with each one's ratio to the floor and the targets (warm ≤ 2×, cold ``cs182-hw0`` ≤ 10×).
Then how the cost grows with the amount of work: every claim of the bundled sets
copied 1, 2, 4, 8 times with renamed symbols (so no copy is a cache hit, in derive's
cache or SymPy's), verified on all cores.

    .venv/bin/python bench/bench.py                 # default: 5 runs, copies 1 2 4 8
    .venv/bin/python bench/bench.py --runs 3 --copies 1 2 4

Builds write to a temporary directory with their own cache (``DERIVE_CACHE_DIR``); the
repository's ``output/`` and the user's cache are not touched. Not a test: it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WARM_TARGET, COLD_TARGET = 2.0, 10.0


def _run(argv: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one command; it must succeed."""
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DERIVE_CACHE", "DERIVE_CACHE_DIR")}
    return {**env, "DERIVE_CACHE_DIR": str(cache), **extra}


def _derive(*args: str) -> list[str]:
    return [PYTHON, "-m", "derive", *args]


def _measure(runs: int, once: Callable[[int], float]) -> list[float]:
    return [once(k) for k in range(runs)]


def _sets() -> list[str]:
    out = subprocess.run([PYTHON, "-c", "from derive.registry import sets; print(' '.join(s.id for s in sets()))"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return out.split()


def _cores() -> int:
    sys.path.insert(0, str(ROOT))
    from derive.parallel import default_jobs

    return default_jobs()


def builds(runs: int, scratch: Path) -> list[tuple[str, list[float], float | None]]:
    """(label, seconds of each run, target ratio) for every build measured."""
    rows: list[tuple[str, list[float], float | None]] = []
    jobs = str(_cores())

    def fresh(k: int, name: str) -> Path:
        path = scratch / f"{name}-{k}"
        path.mkdir()
        return path

    rows.append(("floor: python -c 'import sympy'", _measure(runs, lambda k: _run([PYTHON, "-c", "import sympy"], dict(os.environ))), None))

    def cold(targets: list[str], j: str) -> Callable[[int], float]:
        def once(k: int) -> float:
            where = fresh(k, f"cold-{'-'.join(targets) or 'all'}-j{j}")
            return _run(_derive("build", *targets, "--out", str(where / "out"), "-j", j), _env(where / "cache"))

        return once

    sets = _sets()
    rows.append((f"cold build, every bundled set ({len(sets)}), -j {jobs}", _measure(runs, cold([], jobs)), None))
    if "cs182-hw0" in sets:
        if sets == ["cs182-hw0"]:
            rows.append(("cold build, cs182-hw0 (the only set: as above)", rows[-1][1], COLD_TARGET))
        else:
            rows.append((f"cold build, cs182-hw0, -j {jobs}", _measure(runs, cold(["cs182-hw0"], jobs)), COLD_TARGET))
        if jobs != "1":
            rows.append(("cold build, cs182-hw0, -j 1", _measure(max(1, runs // 2), cold(["cs182-hw0"], "1")), None))

    warm_dir = fresh(0, "warm")
    _run(_derive("build", "--out", str(warm_dir / "out")), _env(warm_dir / "cache"))
    warm = lambda k: _run(_derive("build", "--out", str(warm_dir / "out")), _env(warm_dir / "cache"))  # noqa: E731
    rows.append(("warm rebuild, nothing changed", _measure(runs, warm), WARM_TARGET))
    edited = lambda k: _run(_derive("build", "--out", str(warm_dir / "out")), _env(warm_dir / "cache", DERIVE_CACHE="verdicts"))  # noqa: E731
    rows.append(("rebuild after an edit (verdicts cached)", _measure(runs, edited), None))
    if jobs != "1":
        # Everything a build does but verify (figures, printing, rendering), on one core.
        edited_1 = lambda k: _run(  # noqa: E731
            _derive("build", "--out", str(warm_dir / "out"), "-j", "1"), _env(warm_dir / "cache", DERIVE_CACHE="verdicts")
        )
        rows.append(("rebuild after an edit (verdicts cached), -j 1", _measure(runs, edited_1), None))
    return rows


# -- scaling: k renamed copies of every claim ------------------------------------------------


def _scale_once(copies: int, jobs: int) -> dict[str, float]:
    """Verify ``copies`` renamed copies of every distinct claim; runs in a fresh process."""
    sys.path.insert(0, str(ROOT))
    from derive.mutate import collect  # noqa: F401 - imports the checkers' dependencies
    from derive.parallel import run_all
    from derive.pipeline import _check_task
    from derive.registry import build_problem, sets
    from derive.verify import _load_checkers

    parts: list[list[object]] = []  # each distinct claim once, with the part it first appears in
    seen: set[object] = set()
    for spec in sets():
        for pid in spec.problem_ids():
            for part in build_problem(spec.id, pid).parts:
                fresh = []
                for _, step in part.claims():
                    if step.claim not in seen:
                        seen.add(step.claim)
                        fresh.append(step.claim)
                if fresh:
                    parts.append(fresh)
    # One task per part of each copy, as a build hands them to the workers.
    tasks = [(tuple(_renamed(claim, f"c{k}") for claim in part), 60.0) for k in range(copies) for part in parts]
    _load_checkers()
    start = time.perf_counter()
    verdicts = [v for task in run_all(_check_task, tasks, jobs) for v in task]
    seconds = time.perf_counter() - start
    bad = sum(1 for v in verdicts if not v.status.ok)
    return {"claims": len(verdicts), "seconds": seconds, "not_ok": bad}


def _renamed(claim: object, suffix: str) -> object:
    """The claim with every symbol, matrix symbol and undefined function renamed."""
    import dataclasses

    from sympy import Basic, Function, MatrixSymbol, Symbol
    from sympy.core.function import AppliedUndef, UndefinedFunction

    def symbol(s: Symbol) -> Symbol:
        return Symbol(f"{s.name}_{suffix}", **s.assumptions0)

    def function(f: UndefinedFunction) -> UndefinedFunction:
        return Function(f"{f.__name__}_{suffix}", **f._kwargs)  # type: ignore[attr-defined]

    def expr(e: Basic) -> Basic:
        mapping: dict[Basic, Basic] = {}
        for m in e.atoms(MatrixSymbol):
            mapping[m] = MatrixSymbol(f"{m.name}_{suffix}", *(d.xreplace({s: symbol(s) for s in d.free_symbols}) if isinstance(d, Basic) else d for d in m.shape))
        for s in e.atoms(Symbol):
            if type(s) is Symbol:
                mapping[s] = symbol(s)
        out = e.xreplace(mapping)
        for f in {a.func for a in out.atoms(AppliedUndef)}:
            out = out.replace(f, function(f))
        return out

    def walk(value: object) -> object:
        if isinstance(value, UndefinedFunction):
            return function(value)
        if isinstance(value, Basic):
            return expr(value)
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(value, **{f.name: walk(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init})
        return value

    return walk(claim)


def scaling(copies: list[int], runs: int) -> list[tuple[int, int, list[float], int]]:
    jobs = _cores()
    rows = []
    for k in copies:
        results = []
        for _ in range(runs):
            out = subprocess.run([PYTHON, __file__, "--_scale", str(k), "--_jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"bench: scaling run failed:\n{out.stderr[-2000:]}")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        rows.append((k, int(results[0]["claims"]), [r["seconds"] for r in results], int(max(r["not_ok"] for r in results))))
    return rows


# -- report ----------------------------------------------------------------------------------


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f}   ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each build; the median is shown (default 5)")
    parser.add_argument("--copies", type=int, nargs="*", default=[1, 2, 4, 8], help="copies of the claims for scaling (default 1 2 4 8)")
    parser.add_argument("--scale-runs", type=int, default=1, help="runs of each scaling point (default 1)")
    parser.add_argument("--_scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_jobs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._scale:
        print(json.dumps(_scale_once(args._scale, args._jobs or 1)))
        return 0

    import sympy

    # As `make` does before a build: bytecode for derive's own modules, which an editable
    # install does not write (SymPy's came with its installation), and compiled templates
    # (kept beside the templates once any build has run).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "derive")], check=True, capture_output=True)
    subprocess.run([PYTHON, "-c", "from derive.render import compile_templates; compile_templates()"], cwd=ROOT, check=True)
    print(f"derive benchmark: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"SymPy {sympy.__version__}; median of {args.runs} runs (fastest–slowest), seconds")
    print()
    with tempfile.TemporaryDirectory(prefix="derive-bench-") as scratch:
        rows = builds(args.runs, Path(scratch))
    floor = statistics.median(rows[0][1])
    print(f"{'':<52}{'median':>8}   {'(range)':<15}{'× floor':>8}  target")
    for label, values, target in rows:
        ratio = statistics.median(values) / floor
        goal = f"≤ {target:g}× {'met' if ratio <= target else 'MISSED'}" if target else ""
        print(f"{label:<52}{_fmt(values):<26}{ratio:>8.1f}  {goal}")
    if args.copies:
        print()
        print(f"scaling: k renamed copies of every claim of the bundled sets, verified on {_cores()} processes "
              f"(median of {args.scale_runs})")
        print(f"{'copies':>6} {'claims':>7} {'seconds':>9} {'claims/s':>9} {'× 1 copy':>9}")
        base = None
        for k, claims, values, bad in scaling(args.copies, args.scale_runs):
            seconds = statistics.median(values)
            base = base or seconds / k
            note = f"  ({bad} not verified)" if bad else ""
            print(f"{k:>6} {claims:>7} {seconds:>9.2f} {claims / seconds:>9.2f} {seconds / base:>9.2f}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
