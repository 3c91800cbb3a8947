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
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from derive.cache import Cache
from derive.errors import RenderError, ToolMissingError, UsageError, VerificationFailed
from derive.model import Problem, ProblemSet, Verdict
from derive.parallel import Pool, forks
from derive.registry import build_problem, get_set, resolve, sets
from derive.render import FORMATS as TEXT_FORMATS
from derive.render import render_figure, render_problem, render_set, warm
from derive.render import figures as figure_files
from derive.render.figures import figures_of
from derive.render.view import ProblemView, figure_views, problem_view
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


def _check_task(task: tuple[tuple[object, ...], float | None]) -> list[Verdict]:
    claims, time_limit = task
    return [check(claim, time_limit) for claim in claims]  # type: ignore[arg-type]


def _tasks(parts: list[list[int]], jobs: int) -> list[list[int]]:
    """Claims (of ``parts``: one list per part, in order) grouped into tasks for the workers.

    A part's claims share their expressions, and SymPy's cache and the verifier's memo
    tables live in each process: a part's claims verified in one worker take about an
    eighth less CPU in all than claims dealt out one by one. A part is split only when
    there are fewer parts than workers, so that every worker has something to do.
    """
    if len(parts) >= jobs:
        return [list(part) for part in parts if part]
    tasks: list[list[int]] = []
    for part in parts:
        pieces = min(len(part), max(1, jobs // max(1, len(parts))))
        size = -(-len(part) // pieces) if pieces else 1
        tasks += [part[i : i + size] for i in range(0, len(part), size)]
    return tasks


def _hashable(claim: object) -> object | None:
    """The claim itself, to group equal claims by; None if it cannot be hashed (a mutable matrix)."""
    try:
        hash(claim)
    except TypeError:
        return None
    return claim


def _loading(targets: list[str] | None) -> Iterator[Problem]:
    """The selected problems, each built when asked for."""
    for set_id, problem_id, parts in _selected(targets):
        problem = build_problem(set_id, problem_id)
        yield problem if parts is None else problem.only(list(parts))


def _before_forking() -> None:
    """Import here, once, what every worker would import on its first claim: the
    checkers. (Not SymPy's units package, which ``simplify`` imports on its first full
    run: no bundled claim gets that far now, and importing it here cost every build a
    tenth of a second before the workers could start.)"""
    from derive.verify import _load_checkers

    _load_checkers()


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
    return _verify(_loading(targets), progress, cache=cache, jobs=jobs, time_limit=time_limit, tick=tick)


def _verify(
    problems: Iterable[Problem],
    progress: Callable[[str], None] | None = None,
    *,
    cache: Cache | None = None,
    jobs: int = 1,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    tick: Callable[[int, int], None] | None = None,
    chores_for: Callable[[Problem], list[Callable[[], object]]] | None = None,
    ready: Callable[[Problem], list[Callable[[], object]]] | None = None,
) -> list[Problem]:
    """Verify ``problems`` (see :func:`verify_targets`); ``chores_for(problem)`` are
    chores for this process while the workers work, and so are ``ready(verified)``,
    asked for as soon as every claim of a problem has its verdict.

    Problems are verified as they are built: once there is enough to keep the workers
    busy they start on it while the next problem is built.
    """
    loaded: list[Problem] = []
    slots: list[tuple[int, int, int]] = []  # one per claim: (problem, part, step index within the part)
    keys: list[str | None] = []
    verdicts: list[Verdict | None] = []
    # Claims still to verify, grouped so that identical claims (same key; without a cache,
    # equal claims: a step and its part's answer, say) are verified once.
    groups: dict[object, int] = {}
    members: list[list[int]] = []
    held: list[int] = []  # groups not yet handed to the pool
    submitted: list[int] = []  # per pool item: its group
    left: Counter[int] = Counter()
    claims_of: Counter[int] = Counter()
    slots_of: list[list[int]] = []  # per problem: its claims
    done: dict[int, Problem] = {}  # problems with every verdict, as returned
    chores: deque[Callable[[], object]] = deque()  # grows while the workers work
    decided = 0
    loading = True

    def verified(p: int) -> Problem:
        """Problem ``p`` with its verdicts (once it has all of them)."""
        if p not in done:
            problem = loaded[p]
            steps = [list(part.steps) for part in problem.parts]
            for i in slots_of[p]:
                _, q, k = slots[i]
                steps[q][k] = replace(steps[q][k], verdict=verdicts[i])
            done[p] = replace(problem, parts=tuple(replace(part, steps=tuple(s)) for part, s in zip(problem.parts, steps)))
        return done[p]

    def finished(p: int) -> None:
        if progress:
            progress(f"verified {loaded[p].target} ({claims_of[p]} claims)")
        if ready is not None:
            chores.extend(ready(verified(p)))

    def settle(indices: list[int]) -> None:
        nonlocal decided
        decided += len(indices)
        if tick and slots and not loading:  # the total is known once every problem is built
            tick(decided, len(slots))
        for i in indices:
            p = slots[i][0]
            left[p] -= 1
            if left[p] == 0:
                finished(p)

    def arrived(n: int, results: list[Verdict]) -> None:
        for k, verdict in zip(submitted[n], results):
            for i in members[k]:
                verdicts[i] = verdict
            if cache:
                cache.put(keys[members[k][0]], verdict)
            settle(members[k])

    def claim_of(g: int) -> object:
        p, q, k = slots[members[g][0]]
        return loaded[p].parts[q].steps[k].claim

    def hand_over(remote: bool = True) -> None:
        if held and remote and jobs > 1 and not pool.started and forks():
            _before_forking()
        parts: dict[tuple[int, int], list[int]] = {}
        for g in held:
            parts.setdefault(slots[members[g][0]][:2], []).append(g)
        for task in _tasks(list(parts.values()), jobs if remote else 1):
            submitted.append(task)
            pool.submit((tuple(claim_of(g) for g in task), time_limit), remote=remote)
        held.clear()

    with Pool(_check_task, jobs, arrived) as pool:
        for problem in problems:
            p = len(loaded)
            loaded.append(problem)
            slots_of.append([])
            known = []
            for q, part in enumerate(problem.parts):
                for index, step in part.claims():
                    i = len(slots)
                    slots.append((p, q, index - 1))
                    slots_of[p].append(i)
                    left[p] += 1
                    claims_of[p] += 1
                    key = cache.key(step.claim) if cache else None
                    keys.append(key)
                    verdicts.append(cache.get(key) if cache else None)
                    same = key if key is not None else _hashable(step.claim)
                    if verdicts[i] is not None:
                        known.append(i)
                    elif same is not None and same in groups:
                        members[groups[same]].append(i)
                    else:
                        if same is not None:
                            groups[same] = len(members)
                        held.append(len(members))
                        members.append([i])
            if chores_for is not None:
                chores.extend(chores_for(problem))
            if slots_of[p]:
                settle(known)
            else:
                finished(p)
            if pool.started or (jobs > 1 and len(held) >= jobs):
                hand_over()  # the workers verify these while the next problem is built
        loading = False
        if tick and slots:
            tick(decided, len(slots))
        # A single claim left is verified here: starting a worker for it would cost more.
        hand_over(remote=pool.started or len(held) > 1)
        pool.finish(chores)

    return [verified(p) for p in range(len(loaded))]


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

    # A problem whose claims all have verdicts is rendered while the others are verified
    # (in memory: nothing is written unless every claim of the build is verified).
    rendered: dict[int, _Rendered] = {}

    def ready(problem: Problem) -> list[Callable[[], object]]:
        def render() -> None:
            rendered[id(problem)] = _Rendered.of(problem, fmts)

        return [render]

    problems = _verify(
        _loading(targets), progress, cache=cache, jobs=jobs, time_limit=time_limit, tick=tick,
        chores_for=chores_for, ready=ready,
    )
    whole = {(p.set_id, p.id) for p in problems if len(p.parts) == len(build_problem(p.set_id, p.id).parts)}
    bad = failures(problems)
    if bad:
        raise VerificationFailed(bad)
    report = BuildReport(problems=problems)
    # Every document and figure is made before anything is written: one that cannot be
    # made leaves the earlier outputs as they were.
    done = [rendered.get(id(problem)) or _Rendered.of(problem, fmts) for problem in problems]
    files_of = [r.result().files for r in done]
    views = [r.result().view for r in done]
    for problem, made in zip(problems, done):
        directory = out / problem.set_id
        stem = problem.id if (problem.set_id, problem.id) in whole else f"{problem.id}-{'-'.join(p.id for p in problem.parts)}"
        files = made.files
        for name, svg in made.drawn:
            report.written.append(write_atomic(directory / files[name]["svg"], svg))
        for fmt, text in made.texts.items():
            report.written.append(write_atomic(directory / f"{stem}.{fmt}", text))
        if "pdf" in fmts:
            tex = made.texts.get("tex") or render_problem(problem, "tex", files, view=made.view)
            report.written.append(compile_pdf(tex, directory / f"{stem}.pdf"))
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
                report.written.append(compile_pdf(tex, directory / f"{spec.id}.pdf"))
            elif fmt == "md":
                report.written.append(write_atomic(directory / "index.md", render_set(problem_set, "md", files, views=set_views)))
            else:
                report.written.append(
                    write_atomic(directory / f"{spec.id}.{fmt}", render_set(problem_set, fmt, files, views=set_views))
                )
    if cache and documents:
        cache.store(documents, out, report.written)
    return report


@dataclass
class _Rendered:
    """A verified problem's view, figures and documents (but PDF), made in memory; or
    the error that making them raised, kept to be raised when they are written."""

    files: dict[str, dict[str, str]] = field(default_factory=dict)
    view: ProblemView | None = None
    drawn: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None

    @classmethod
    def of(cls, problem: Problem, fmts: list[str]) -> _Rendered:
        try:
            files = _figure_files(problem)
            view = problem_view(problem, files)
            drawn = [(f.name, render_figure(f.plot)) for f in figure_views(view)]
            texts = {fmt: render_problem(problem, fmt, files, view=view) for fmt in fmts if fmt != "pdf"}
        except Exception as exc:  # noqa: BLE001 - raised again where the documents are written
            return cls(error=exc)
        return cls(files, view, drawn, texts)

    def result(self) -> _Rendered:
        if self.error is not None:
            raise self.error
        return self


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


def compile_pdf(tex: str, target: Path) -> Path:
    """Compile a LaTeX document with latexmk in a scratch directory; move the PDF into place.

    The document is self-contained: its figures are pgfplots pictures, not files."""
    require_tex()
    with tempfile.TemporaryDirectory(prefix="derive-tex-") as scratch:
        work = Path(scratch)
        source = work / "document.tex"
        source.write_text(tex, encoding="utf-8")
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
