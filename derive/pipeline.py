"""Building documents: load -> verify -> render -> write, atomically.

Nothing is written unless every claim of every selected problem is proved, checked or
sampled; each file is written to a temporary name and renamed into place, so a failed
or interrupted build leaves earlier outputs intact.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from derive.cache import Cache
from derive.errors import RenderError, ToolMissingError, UsageError, VerificationFailed
from derive.model import Figure, Problem, ProblemSet, Verdict
from derive.parallel import Pool, forks
from derive.registry import build_problem, get_set, resolve, sets
from derive.render import FORMATS as TEXT_FORMATS
from derive.render import render_problem, render_set, warm
from derive.render import figures as figure_files
from derive.render.figures import figures_of
from derive.render.view import ProblemView, problem_view
from derive.verify import DEFAULT_TIME_LIMIT, check, failures, verify_problem

FORMATS = TEXT_FORMATS + ("pdf",)
DEFAULT_FORMATS = TEXT_FORMATS
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern latexmk"


@dataclass
class BuildReport:
    """What a build wrote."""

    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    from_cache: bool = False  # the documents were restored: nothing was verified or rendered


def parse_formats(spec: str | Iterable[str] | None) -> list[str]:
    """``"md,tex"`` -> ``["md", "tex"]``; unknown names are a :class:`UsageError`."""
    if spec is None:
        return list(DEFAULT_FORMATS)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [s.strip().lower() for s in items if s.strip()]
    if not names:
        raise UsageError("no format given; choose from " + ", ".join(FORMATS))
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write via a temporary file in the same directory, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def verified(problem: Problem) -> Problem:
    """The problem with verdicts (see :mod:`derive.verify`)."""
    return verify_problem(problem)


def _selected(targets: list[str] | None) -> list[tuple[str, str, tuple[str, ...] | None]]:
    chosen: list[tuple[str, str, tuple[str, ...] | None]] = []
    for target in targets or [s.id for s in sets()]:
        for sel in resolve(target):
            item = (sel.set_id, sel.problem_id, sel.parts)
            if item not in chosen:
                chosen.append(item)
    return chosen


def _check_task(task: tuple[object, float | None]) -> Verdict:
    claim, time_limit = task
    return check(claim, time_limit)  # type: ignore[arg-type]


# The figures of the build in progress. A worker forked while a build runs finds a figure
# here by its index: a figure's drawing is usually a closure, which cannot be pickled.
_FIGURES: list[Figure] = []


@dataclass(frozen=True)
class _FigureRef:
    index: int


def _task(task: tuple[str, object, float | None]) -> object:
    """One piece of a build's pool work: verify a claim, or draw a figure (to bytes)."""
    kind, item, time_limit = task
    if kind == "claim":
        return check(item, time_limit)  # type: ignore[arg-type]
    figure = _FIGURES[item.index] if isinstance(item, _FigureRef) else item
    try:
        return figure_files.draw(figure)  # type: ignore[arg-type]
    except Exception as exc:  # reported once verification is done: a failed claim comes first
        return RenderError(f"figure {figure.name} could not be drawn: {type(exc).__name__}: {exc}")  # type: ignore[union-attr]


def _loading(targets: list[str] | None) -> Iterator[Problem]:
    """The selected problems, each built when asked for."""
    for set_id, problem_id, parts in _selected(targets):
        problem = build_problem(set_id, problem_id)
        yield problem if parts is None else problem.only(list(parts))


def _before_forking() -> None:
    """Import here, once, what every worker would import on its first claim: the
    checkers, and the units package SymPy's ``simplify`` imports on its first call
    (a quarter of a second between them, in each worker)."""
    from derive.verify import _load_checkers

    _load_checkers()
    import sympy.physics.units  # noqa: F401


def verify_targets(
    targets: list[str] | None,
    progress: Callable[[str], None] | None = None,
    *,
    cache: Cache | None = None,
    jobs: int = 1,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    tick: Callable[[int, int], None] | None = None,
) -> list[Problem]:
    """Load and verify what the targets select.

    Verdicts come from ``cache`` when it holds them; the other claims are verified on up
    to ``jobs`` processes, each stopped after ``time_limit`` seconds (then ``undecided``).
    ``progress`` receives a line as each problem is done, ``tick(done, total)`` a call
    as each claim is decided.
    """
    problems, _, _ = _verify(_loading(targets), progress, cache=cache, jobs=jobs, time_limit=time_limit, tick=tick)
    return problems


def _verify(
    problems: Iterable[Problem],
    progress: Callable[[str], None] | None = None,
    *,
    cache: Cache | None = None,
    jobs: int = 1,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    tick: Callable[[int, int], None] | None = None,
    draw: bool = False,
    chores_for: Callable[[Problem], list[Callable[[], object]]] | None = None,
) -> tuple[list[Problem], list[Figure], list[dict[str, bytes] | RenderError]]:
    """Verify ``problems`` (see :func:`verify_targets`), and draw their figures when
    ``draw``; ``chores_for(problem)`` are chores for this process while the workers work.

    Problems are verified as they are built: once there is enough to keep the workers
    busy they start on it while the next problem is built. Returns the verified
    problems, their figures, and each figure's files (or the error that stopped it).
    """
    loaded: list[Problem] = []
    slots: list[tuple[int, int, int]] = []  # one per claim: (problem, part, step index within the part)
    keys: list[str | None] = []
    verdicts: list[Verdict | None] = []
    # Claims still to verify, grouped so that identical claims (same key) are verified once.
    groups: dict[str, int] = {}
    members: list[list[int]] = []
    held: list[int] = []  # groups not yet handed to the pool
    left: Counter[int] = Counter()
    claims_of: Counter[int] = Counter()
    figures: list[Figure] = []
    drawn: list[dict[str, bytes] | RenderError] = []
    chores: list[Callable[[], object]] = []
    kinds: list[tuple[str, int]] = []  # per pool item: ("claim", group) or ("figure", number)
    decided = 0
    loading = True

    def settle(indices: list[int]) -> None:
        nonlocal decided
        decided += len(indices)
        if tick and slots and not loading:  # the total is known once every problem is built
            tick(decided, len(slots))
        for i in indices:
            p = slots[i][0]
            left[p] -= 1
            if left[p] == 0 and progress:
                progress(f"verified {loaded[p].target} ({claims_of[p]} claims)")

    def arrived(n: int, result: object) -> None:
        kind, k = kinds[n]
        if kind == "figure":
            drawn[k] = result  # type: ignore[assignment]
            return
        verdict: Verdict = result  # type: ignore[assignment]
        for i in members[k]:
            verdicts[i] = verdict
        if cache:
            cache.put(keys[members[k][0]], verdict)
        settle(members[k])

    def arrived_figure(n: int, result: object) -> None:
        drawn[n] = result  # type: ignore[assignment]

    def hand_over(remote: bool = True) -> None:
        if held and remote and jobs > 1 and not pool.started and forks():
            _before_forking()
        for g in held:
            kinds.append(("claim", g))
            first = members[g][0]
            p, q, k = slots[first]
            pool.submit(("claim", loaded[p].parts[q].steps[k].claim, time_limit), remote=remote)
        held.clear()

    with Pool(_task, jobs, arrived) as pool:
        for problem in problems:
            p = len(loaded)
            loaded.append(problem)
            known = []
            for q, part in enumerate(problem.parts):
                for index, step in part.claims():
                    i = len(slots)
                    slots.append((p, q, index - 1))
                    left[p] += 1
                    claims_of[p] += 1
                    key = cache.key(step.claim) if cache else None
                    keys.append(key)
                    verdicts.append(cache.get(key) if cache else None)
                    if verdicts[i] is not None:
                        known.append(i)
                    elif key is not None and key in groups:
                        members[groups[key]].append(i)
                    else:
                        if key is not None:
                            groups[key] = len(members)
                        held.append(len(members))
                        members.append([i])
            settle(known)
            if draw:
                figures += figures_of(problem)
            if chores_for is not None:
                chores += chores_for(problem)
            if pool.started or (jobs > 1 and len(held) >= jobs):
                hand_over()  # the workers verify these while the next problem is built
        loading = False
        if tick and slots:
            tick(decided, len(slots))
        drawn[:] = [RenderError("not drawn")] * len(figures)
        if not pool.started and jobs > 1 and len(held) < jobs and len(figures) > 1 and forks():
            # Too little to verify to keep the workers busy (verdicts cached): the workers
            # draw the figures while this process does its chores. matplotlib is imported
            # once, here, and shared with the forked workers.
            figure_files.preload()
            _FIGURES[:] = figures
            hand_over()
            for n in range(len(figures)):
                kinds.append(("figure", n))
                pool.submit(("figure", _FigureRef(n), None))
        else:
            # Verifying keeps the workers busy; this process, which would only wait for them,
            # draws (one matplotlib start-up instead of one per worker). A single claim
            # left is verified here too: starting a worker for it would cost more.
            hand_over(remote=pool.started or len(held) > 1)

            def drawer(n: int) -> Callable[[], None]:
                return lambda: arrived_figure(n, _task(("figure", figures[n], None)))

            chores += [drawer(n) for n in range(len(figures))]
        try:
            pool.finish(chores)
        finally:
            _FIGURES.clear()

    steps = {(p, q): list(part.steps) for p, pr in enumerate(loaded) for q, part in enumerate(pr.parts)}
    for (p, q, k), verdict in zip(slots, verdicts):
        steps[p, q][k] = replace(steps[p, q][k], verdict=verdict)
    verified = [
        replace(pr, parts=tuple(replace(part, steps=tuple(steps[p, q])) for q, part in enumerate(pr.parts)))
        for p, pr in enumerate(loaded)
    ]
    return verified, figures, drawn


def build(
    targets: list[str] | None = None,
    formats: Iterable[str] | str | None = None,
    out: Path | str = "output",
    progress: Callable[[str], None] | None = None,
    *,
    cache: Cache | None = None,
    jobs: int = 1,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    tick: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Verify and write documents; raises :class:`VerificationFailed` before writing anything.

    With a ``cache``, a build whose selection, formats and sources are unchanged since a
    cached build restores those documents without verifying or rendering; otherwise
    cached verdicts are reused claim by claim (see :mod:`derive.cache`).
    """
    fmts = parse_formats(formats)
    out = Path(out)
    if "pdf" in fmts:
        require_tex()
    selection = _selected(targets)  # an unknown target is reported before any work
    out.mkdir(parents=True, exist_ok=True)  # so is an output directory that cannot be made
    documents = cache.document_key(selection, fmts) if cache else None
    if cache and documents:
        restored = cache.restore(documents, out)
        if restored is not None:
            return BuildReport(written=restored, from_cache=True)
    # While the claims are verified, print every formula (LaTeX and Unicode): it does not
    # depend on the verdicts, and rendering after verification finds it done.
    ahead = [f for f in fmts if f != "pdf"] + (["tex"] if "pdf" in fmts and "tex" not in fmts else [])

    def chores_for(problem: Problem) -> list[Callable[[], object]]:
        return [lambda: warm(problem, _figure_files(problem), ahead)]

    problems, _, drawn = _verify(
        _loading(targets), progress, cache=cache, jobs=jobs, time_limit=time_limit, tick=tick, draw=True,
        chores_for=chores_for,
    )
    whole = {(p.set_id, p.id) for p in problems if len(p.parts) == len(build_problem(p.set_id, p.id).parts)}
    files_of = [_figure_files(p) for p in problems]
    bad = failures(problems)
    if bad:
        raise VerificationFailed(bad)
    for result in drawn:
        if isinstance(result, RenderError):
            raise result
    report = BuildReport(problems=problems)
    drawings = iter(drawn)
    views: list[ProblemView] = []
    for problem, files in zip(problems, files_of):
        directory = out / problem.set_id
        stem = problem.id if (problem.set_id, problem.id) in whole else f"{problem.id}-{'-'.join(p.id for p in problem.parts)}"
        for figure in figures_of(problem):
            report.written.extend(figure_files.write(figure, next(drawings), directory / "figures").values())  # type: ignore[arg-type]
        view = problem_view(problem, files)
        views.append(view)
        for fmt in fmts:
            if fmt == "pdf":
                continue
            report.written.append(write_atomic(directory / f"{stem}.{fmt}", render_problem(problem, fmt, files, view=view)))
        if "pdf" in fmts:
            tex = render_problem(problem, "tex", files, view=view)
            report.written.append(compile_pdf(tex, directory / f"{stem}.pdf", directory))
        if progress:
            progress(f"wrote {problem.set_id}/{stem}")
    for spec in sets():
        chosen = [i for i, p in enumerate(problems) if p.set_id == spec.id and (p.set_id, p.id) in whole]
        members = [problems[i] for i in chosen]
        if [p.id for p in members] != spec.problem_ids():
            continue
        problem_set = ProblemSet(spec.id, spec.title, tuple(members))
        directory = out / spec.id
        files = {name: paths for i in chosen for name, paths in files_of[i].items()}
        # Each problem's view was built with its own figures' files: the same as with the set's.
        set_views = [views[i] for i in chosen]
        for fmt in fmts:
            if fmt == "pdf":
                tex = render_set(problem_set, "tex", files, views=set_views)
                report.written.append(compile_pdf(tex, directory / f"{spec.id}.pdf", directory))
            elif fmt == "md":
                report.written.append(write_atomic(directory / "index.md", render_set(problem_set, "md", files, views=set_views)))
            else:
                report.written.append(
                    write_atomic(directory / f"{spec.id}.{fmt}", render_set(problem_set, fmt, files, views=set_views))
                )
    if cache and documents:
        cache.store(documents, out, report.written)
    return report


def _figure_files(problem: Problem) -> dict[str, dict[str, str]]:
    return {
        f.name: {fmt: f"figures/{figure_files.file_name(f, fmt)}" for fmt in figure_files.FORMATS}
        for f in figures_of(problem)
    }


def require_tex() -> None:
    """Raise :class:`ToolMissingError` naming what to install when TeX is missing."""
    missing = [tool for tool in ("latexmk", "pdflatex") if shutil.which(tool) is None]
    if missing:
        raise ToolMissingError(
            f"PDF output needs {' and '.join(missing)}, which is not installed. On Debian or Ubuntu: "
            f"sudo apt-get install {TEX_PACKAGES}. The other formats build without TeX: "
            "derive build --format md,tex,json,txt"
        )


def compile_pdf(tex: str, target: Path, resources: Path) -> Path:
    """Compile a LaTeX document with latexmk in a scratch directory; move the PDF into place."""
    require_tex()
    with tempfile.TemporaryDirectory(prefix="derive-tex-") as scratch:
        work = Path(scratch)
        source = work / "document.tex"
        source.write_text(tex, encoding="utf-8")
        figures = resources / "figures"
        if figures.is_dir():
            shutil.copytree(figures, work / "figures")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        result = subprocess.run(
            ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", source.name],
            cwd=work,
            capture_output=True,
            # TeX cuts its output at 79 bytes, even inside a UTF-8 character.
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=300,
        )
        pdf = work / "document.pdf"
        if result.returncode != 0 or not pdf.is_file():
            raise RenderError(f"LaTeX failed for {target.name}: {latex_error(work / 'document.log', tex)}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return write_atomic(target, pdf.read_bytes())


def latex_error(log: Path, tex: str) -> str:
    """The first error of a LaTeX log with the offending source line, not the whole log."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("!") or ".tex:" in line and ": " in line and line.split(":")[1].isdigit():
            message = line
            # TeX wraps log lines at 79 characters: rejoin a long message.
            for follow in lines[index + 1 : index + 4]:
                if len(message) % 79 or not follow:
                    break
                message += follow
            number = None
            if ".tex:" in line:
                try:
                    number = int(line.split(".tex:")[1].split(":")[0])
                except ValueError:
                    number = None
            opened = re.search(r"on input line (\d+)", message)
            if opened:  # "\begin{x} on input line N ended by \end{y}": the unclosed begin
                number = int(opened.group(1))
            source_lines = tex.splitlines()
            if number is None:
                number = _error_line(lines, index, source_lines)
            context = ""
            if number is not None and 0 < number <= len(source_lines):
                context = f"\n  line {number}: {source_lines[number - 1].strip()[:200]}"
            return message.strip() + context
    return "see the LaTeX log (no error line found)"


def _error_line(log: list[str], index: int, source: list[str]) -> int | None:
    """The source line of an error TeX reported without ``file:line``.

    TeX names it in its ``l.<number>`` context line; an argument that never closes
    (``Runaway argument?``) is found by its opening text, which TeX echoes.
    """
    for line in log[index + 1 : index + 30]:
        if line.startswith("l.") and line[2:].split(" ")[0].isdigit():
            return int(line[2:].split(" ")[0])
    if index >= 2 and log[index - 2].startswith("Runaway argument"):
        echoed = log[index - 1].replace("\\ETC.", "").replace(" ", "")
        for length in (30, 20, 12, 6):  # the echo runs on past the line where the argument opened
            start = echoed[:length]
            for number, text in enumerate(source, start=1):
                if len(start) == length and start in text.replace(" ", ""):
                    return number
    return None


def list_tree() -> list[tuple[str, str, list[str]]]:
    """(set id, problem id, part ids) for everything bundled."""
    out = []
    for spec in sets():
        for pid in spec.problem_ids():
            out.append((spec.id, pid, [p.id for p in build_problem(spec.id, pid).parts]))
    return out


__all__ = ["build", "BuildReport", "compile_pdf", "parse_formats", "require_tex", "verify_targets", "write_atomic", "get_set"]
