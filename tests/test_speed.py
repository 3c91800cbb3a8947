"""What makes a build fast must not change what it writes: formulas printed ahead of
the verdicts, views shared between formats, chores done while workers verify, and
figures drawn once verification is done, before anything is written."""

from __future__ import annotations

import gc
import operator
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sympy import Integer, Symbol

import derive.pipeline
from derive.cache import Cache
from derive.claims import Claim, Equal
from derive.errors import DeriveError, RenderError, VerificationFailed
from derive.model import Figure, Kind, Part, Problem, ProblemSet, Status, Step, Verdict, text
from derive.parallel import forks, run_all
from derive.pipeline import build
from derive.plot import BLUE, Curve, Plot
from derive.render import escape_tex, render_figure, render_problem, render_set
from derive.render.view import figure_views, problem_view
from derive.verify import checks, verify_problem

t = Symbol("t")
TRUE = Equal((t + 1) ** 2, t**2 + 2 * t + 1)
FALSE = Equal((t + 1) ** 2, t**2 + 2 * t + 2)


def _line(slope: float, label: str) -> Plot:
    return Plot((0, 1), (min(0, slope), max(0, slope)), (Curve(((0, 0), (1, slope)), color=BLUE, label=text(label)),),
                xlabel=text("{}", t))


def _problem(*figures: Figure, claim: Equal = TRUE, problem_id: str = "q2") -> Problem:
    steps = [Step(Kind.STEP, "A step", text("Expand {}.", (t + 1) ** 2), claim=claim)]
    steps += [Step(Kind.FIGURE, f"Figure {f.name}", text("A line through {}.", t), figure=f) for f in figures]
    steps.append(Step(Kind.ANSWER, "Answer", text("Done."), display=(t**2 + 2 * t + 1,), claim=claim))
    return Problem("cs182-hw0", problem_id, "A problem with figures", text("Draw {}.", t), (Part("a", text("Go."), tuple(steps)),))


FIGURES = (Figure("speed-one", _line(1.0, "t rising")), Figure("speed-two", _line(-2.0, "falling")))
BROKEN = Figure("speed-broken", _line(3.0, "cannot be drawn"))


@pytest.fixture
def problem_with(monkeypatch):
    def install(problem: Problem) -> None:
        monkeypatch.setattr(derive.pipeline, "build_problem", lambda s, p: problem)

    return install


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


# -- chores while the workers work -----------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_chore_is_done_once_and_results_are_kept(jobs):
    done: list[int] = []
    results = run_all(operator.neg, list(range(6)), jobs, meanwhile=[lambda k=k: done.append(k) for k in range(5)])
    assert results == [0, -1, -2, -3, -4, -5]
    assert sorted(done) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_arrive_while_chores_are_done(jobs):
    arrived: list[int] = []
    run_all(operator.neg, list(range(4)), jobs, on_result=lambda i, r: arrived.append(i), meanwhile=[lambda: None] * 9)
    assert sorted(arrived) == [0, 1, 2, 3]


def test_an_interrupted_chore_stops_the_workers():
    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_all(operator.neg, list(range(4)), 2, meanwhile=[interrupt])
    assert gc.get_freeze_count() == 0  # the collector looks at everything again


@pytest.mark.skipif(not forks(), reason="workers are forked only on Linux")
def test_memory_shared_with_the_workers_is_frozen_only_while_they_run():
    """Objects that exist when the workers are forked are left alone by the collector
    (so no process copies the pages it shares) until the workers stop, and not longer:
    a program that builds again and again still has its garbage collected."""
    assert gc.get_freeze_count() == 0
    seen: list[int] = []
    results = run_all(operator.neg, list(range(4)), 2, meanwhile=[lambda: seen.append(gc.get_freeze_count())])
    assert results == [0, -1, -2, -3]
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0


# -- figures: drawn after verification, before anything is written ---------------------------


def _drawn(problem: Problem) -> dict[str, str]:
    """Each figure's SVG, drawn here from the problem's view: what the build must write."""
    return {f.name: render_figure(f.plot) for f in figure_views(problem_view(problem))}


@pytest.mark.parametrize("jobs", [1, 2])
def test_figures_are_written_as_drawn_fresh_or_from_cached_verdicts(problem_with, tmp_path, jobs):
    problem_with(_problem(*FIGURES))
    cache = Cache(tmp_path / "cache", documents=False)
    fresh = tmp_path / "fresh"  # claims to verify
    build(["cs182-hw0/q2"], "md,tex,json,txt", fresh, cache=cache, jobs=jobs)
    again = tmp_path / "again"  # verdicts cached
    build(["cs182-hw0/q2"], "md,tex,json,txt", again, cache=Cache(cache.directory, documents=False), jobs=jobs)
    files = _files(fresh)
    assert files == _files(again)
    figures = sorted(p for p in files if p.startswith("cs182-hw0/figures/"))
    assert figures == [f"cs182-hw0/figures/{f.name}.svg" for f in sorted(FIGURES, key=lambda f: f.name)]
    for name, svg in _drawn(_problem(*FIGURES)).items():
        assert files[f"cs182-hw0/figures/{name}.svg"].decode() == svg
        assert f"figures/{name}.svg" in files["cs182-hw0/q2.md"].decode()
    tex = files["cs182-hw0/q2.tex"].decode()
    assert tex.count("\\begin{axis}") == len(FIGURES) and "figures/" not in tex


def test_a_changed_drawing_changes_the_file():
    one, two = (_drawn(_problem(Figure("same-name", _line(slope, "a line"))))["same-name"] for slope in (1.0, 3.0))
    assert one != two


@pytest.fixture
def broken_drawing(monkeypatch):
    """Drawing the figure named speed-broken fails (a template error, say)."""

    def draw(plot):
        if plot.page.clip_id == "clip-speed-broken":
            raise RenderError("template figure.svg.j2: no such data")
        return render_figure(plot)

    monkeypatch.setattr(derive.pipeline, "render_figure", draw)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_figure_that_cannot_be_drawn_fails_the_build_before_writing(problem_with, broken_drawing, tmp_path, jobs):
    problem_with(_problem(FIGURES[0], BROKEN))  # the good figure comes first
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="no such data"):
        build(["cs182-hw0/q2"], "md,json", out, jobs=jobs)
    assert _files(out) == {}


def test_a_refuted_claim_is_reported_before_a_broken_figure(problem_with, broken_drawing, tmp_path):
    problem_with(_problem(BROKEN, claim=FALSE))
    with pytest.raises(VerificationFailed):
        build(["cs182-hw0/q2"], "md", tmp_path / "out", jobs=2)
    assert _files(tmp_path / "out") == {}


# -- views and memos ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def verified() -> Problem:
    return verify_problem(_problem(*FIGURES))


FILES = {f.name: {"svg": f"figures/{f.name}.svg"} for f in FIGURES}


@pytest.mark.parametrize("fmt", ["md", "tex", "json", "txt"])
def test_a_given_view_renders_as_the_problem_does(verified, fmt):
    view = problem_view(verified, FILES)
    assert render_problem(verified, fmt, FILES, view=view) == render_problem(verified, fmt, FILES)


@pytest.mark.parametrize("fmt", ["md", "tex", "json", "txt"])
def test_given_views_render_a_set_as_its_problems_do(verified, fmt):
    other = verify_problem(_problem(problem_id="q3"))
    problem_set = ProblemSet("cs182-hw0", "A set", (verified, other))
    views = [problem_view(p, FILES) for p in problem_set.problems]
    assert render_set(problem_set, fmt, FILES, views=views) == render_set(problem_set, fmt, FILES)
    with pytest.raises(RenderError):
        render_set(problem_set, fmt, FILES, views=views[:1])


@pytest.mark.parametrize(
    "value, escaped",
    [(3, "3"), ("50%", r"50\%"), ("x_1 & y", r"x\_1 \& y"), ("λ ≥ 0", r"\ensuremath{\lambda} \ensuremath{\geq} 0")],
)
def test_escape_tex_is_the_same_every_time(value, escaped):
    assert escape_tex(value) == escaped
    assert escape_tex(value) == escaped  # from the memo


def test_a_figure_is_drawn_alike_after_others_and_alone():
    """Drawing is a pure function of the plot: a figure drawn after others (memoized
    formulas and templates) is byte for byte the one a fresh process draws."""
    import hashlib
    import subprocess
    import sys

    from derive.registry import build_problem

    after_others = [render_figure(f.plot) for f in figure_views(problem_view(build_problem("cs182-hw0", "q5")))]
    assert len(after_others) > 1
    script = (
        "import hashlib; from derive.registry import build_problem; from derive.render import render_figure; "
        "from derive.render.view import figure_views, problem_view; "
        "f = figure_views(problem_view(build_problem('cs182-hw0', 'q5')))[-1]; "
        "print(hashlib.sha256(render_figure(f.plot).encode()).hexdigest())"
    )
    alone = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert alone == hashlib.sha256(after_others[-1].encode()).hexdigest()


@pytest.mark.parametrize(
    "name, split, expected",
    [
        ("alpha_1", True, r"\alpha_{1}"),
        ("alpha_1", False, r"alpha\_1"),  # the same name under the other setting: not the memo's entry
        ("x^2_i", True, r"x^{2}_{i}"),
        ("lambdahat", True, r"\hat{\lambda}"),
    ],
)
def test_symbol_names_print_the_same_every_time(name, split, expected):
    from derive.printing import DerivePrinter

    printer = DerivePrinter({"disable_split_super_sub": not split})
    assert [printer.doprint(Symbol(name)) for _ in range(2)] == [expected, expected]


def test_documents_rendered_after_warming_are_the_ones_rendered_cold():
    """Formulas printed, prose escaped and templates compiled ahead (while claims are
    verified) give the documents a process that did none of it renders."""
    import json
    import subprocess
    import sys

    from derive.render import warm

    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from test_speed import FIGURES, FILES, _problem; "
        "from derive.render import render_problem; from derive.verify import verify_problem; "
        "p = verify_problem(_problem(*FIGURES)); "
        "print(json.dumps({f: render_problem(p, f, FILES) for f in ('md', 'tex', 'json', 'txt')}))"
    )
    tests = str(Path(__file__).resolve().parent)
    cold = json.loads(subprocess.run([sys.executable, "-c", script, tests], capture_output=True, text=True, check=True).stdout)
    problem = _problem(*FIGURES)
    warm(problem, FILES, ("tex", "txt"))
    verified = verify_problem(problem)
    warmed = {f: render_problem(verified, f, FILES) for f in ("md", "tex", "json", "txt")}
    untimed = [re.sub(r'"seconds": [0-9.e-]+', "", docs.pop("json")) for docs in (warmed, cold)]
    assert warmed == cold and untimed[0] == untimed[1]


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_claim_left_to_verify_is_verified_here_and_writes_alike(problem_with, tmp_path, jobs):
    """One claim to verify, the rest cached (the build verifies a single claim in this
    process rather than start a worker for it): the documents and figures are those of
    a build that verified everything."""
    cache = Cache(tmp_path / "cache", documents=False)
    edited = Equal((t + 2) ** 2, t**2 + 4 * t + 4)  # a new claim: verified, not from the cache
    problem_with(_problem(*FIGURES))
    build(["cs182-hw0/q2"], "md,tex", tmp_path / "first", cache=cache, jobs=1)
    problem_with(_problem(*FIGURES, claim=edited))
    report = build(["cs182-hw0/q2"], "md,tex", tmp_path / "edited", cache=Cache(cache.directory, documents=False), jobs=jobs)
    assert all(s.verdict.status.ok for part in report.problems[0].parts for _, s in part.claims())
    build(["cs182-hw0/q2"], "md,tex", tmp_path / "uncached", jobs=jobs)
    assert _files(tmp_path / "edited") == _files(tmp_path / "uncached")
    for name, svg in _drawn(_problem(*FIGURES)).items():
        assert (tmp_path / "edited" / "cs182-hw0" / "figures" / f"{name}.svg").read_text() == svg


# -- verification starts while later problems are built ----------------------------------------


@dataclass(frozen=True)
class Marks(Claim):
    """A claim whose checker leaves a file behind (registered here: forked workers inherit it)."""

    path: str

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@checks(Marks)
def _marks(claim: Marks) -> Verdict:
    Path(claim.path).write_text("checked")
    return Verdict(Status.PROVED, "marked", "", 0.0)


def _claims_problem(*claims, problem_id: str) -> Problem:
    steps = tuple(Step(Kind.STEP, f"claim {k}", claim=c) for k, c in enumerate(claims)) + (Step(Kind.ANSWER, "Answer"),)
    return Problem("cs182-hw0", problem_id, "Marks", (), (Part("a", (), steps),))


def test_workers_verify_a_problem_while_the_next_is_built(monkeypatch, tmp_path):
    marks = [tmp_path / f"mark-{k}" for k in range(3)]
    seen = []

    def build_problem(set_id: str, problem_id: str) -> Problem:
        if problem_id == "q2":
            return _claims_problem(*(Marks(str(m)) for m in marks), problem_id=problem_id)
        # Building this one waits for the workers to have verified the first problem's
        # claims (a minute at most, so that a build that does not overlap cannot hang).
        deadline = time.monotonic() + 60
        while not all(m.exists() for m in marks) and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append(all(m.exists() for m in marks))
        return _claims_problem(TRUE, problem_id=problem_id)

    monkeypatch.setattr(derive.pipeline, "build_problem", build_problem)
    first, second = derive.pipeline.verify_targets(["cs182-hw0/q2", "cs182-hw0/q3"], jobs=2)
    assert seen == [True]
    assert [s.verdict.method for _, s in first.parts[0].claims()] == ["marked"] * 3
    assert [s.verdict.status for _, s in second.parts[0].claims()] == [Status.PROVED]


def test_an_interrupt_while_a_problem_is_built_stops_the_workers(monkeypatch, tmp_path):
    import multiprocessing

    marks = [tmp_path / f"mark-{k}" for k in range(3)]

    def build_problem(set_id: str, problem_id: str) -> Problem:
        if problem_id == "q2":
            return _claims_problem(*(Marks(str(m)) for m in marks), problem_id=problem_id)
        raise KeyboardInterrupt  # Ctrl-C while the workers verify the first problem

    monkeypatch.setattr(derive.pipeline, "build_problem", build_problem)
    earlier = set(multiprocessing.active_children())  # left by other tests in this process, if any
    with pytest.raises(KeyboardInterrupt):
        derive.pipeline.verify_targets(["cs182-hw0/q2", "cs182-hw0/q3"], jobs=2)
    assert [p for p in multiprocessing.active_children() if p not in earlier] == []


@dataclass(frozen=True)
class Dies(Claim):
    """A claim whose checker's process dies (as if killed for using too much memory)."""

    path: str

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@checks(Dies)
def _dies(claim: Dies) -> Verdict:
    Path(claim.path).write_text("dying")
    os._exit(9)


def test_a_worker_dying_while_a_problem_is_built_is_one_message(monkeypatch, tmp_path):
    import multiprocessing

    mark = tmp_path / "died"

    def build_problem(set_id: str, problem_id: str) -> Problem:
        if problem_id == "q2":
            return _claims_problem(Dies(str(mark)), Marks(str(tmp_path / "a")), Marks(str(tmp_path / "b")), problem_id=problem_id)
        deadline = time.monotonic() + 60
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # let the pool notice; either way the build must end with one message
        return _claims_problem(Marks(str(tmp_path / "c")), Marks(str(tmp_path / "d")), problem_id=problem_id)

    monkeypatch.setattr(derive.pipeline, "build_problem", build_problem)
    earlier = set(multiprocessing.active_children())  # left by other tests in this process, if any
    with pytest.raises(DeriveError, match="worker process stopped unexpectedly"):
        derive.pipeline.verify_targets(["cs182-hw0/q2", "cs182-hw0/q3"], jobs=2)
    assert [p for p in multiprocessing.active_children() if p not in earlier] == []


# -- a verified problem is rendered while the others are verified ------------------------------


@dataclass(frozen=True)
class AwaitsFile(Claim):
    """A claim whose checker waits (a minute at most) for a file to appear, and says whether it did."""

    path: str

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@checks(AwaitsFile)
def _awaits_file(claim: AwaitsFile) -> Verdict:
    deadline = time.monotonic() + 60
    while not Path(claim.path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return Verdict(Status.PROVED, "saw the file" if Path(claim.path).exists() else "waited in vain", "", 0.0)


def test_a_verified_problem_is_rendered_while_the_next_is_verified(monkeypatch, tmp_path):
    """q3's claim is decided only once q2's documents exist in memory: this build
    ends in a second, not a minute, and writes documents that are the same."""
    sign = tmp_path / "q2-rendered"

    def build_problem(set_id: str, problem_id: str) -> Problem:
        if problem_id == "q2":
            return _claims_problem(*(Marks(str(tmp_path / f"mark-{k}")) for k in range(3)), problem_id=problem_id)
        return _claims_problem(AwaitsFile(str(sign)), AwaitsFile(str(sign)), problem_id=problem_id)

    original = derive.pipeline.render_problem

    def rendering(problem, fmt, *a, **k):
        if problem.id == "q2":
            sign.write_text(fmt)
        return original(problem, fmt, *a, **k)

    monkeypatch.setattr(derive.pipeline, "build_problem", build_problem)
    monkeypatch.setattr(derive.pipeline, "render_problem", rendering)
    report = build(["cs182-hw0/q2", "cs182-hw0/q3"], "md,txt", tmp_path / "out", jobs=2)
    q3 = report.problems[1]
    assert [s.verdict.method for _, s in q3.parts[0].claims()] == ["saw the file"] * 2
    assert (tmp_path / "out" / "cs182-hw0" / "q2.md").read_text() == render_problem(report.problems[0], "md")


# -- a claim stated twice is verified once, with or without a cache ----------------------------


@dataclass(frozen=True)
class Counted(Claim):
    """A claim whose checker counts its calls in a file."""

    path: str

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@checks(Counted)
def _counted(claim: Counted) -> Verdict:
    with open(claim.path, "a") as log:
        log.write("x")
    return Verdict(Status.PROVED, "counted", "", 0.0)


@pytest.mark.parametrize("cached", [False, True])
def test_a_claim_stated_twice_is_verified_once(monkeypatch, tmp_path, cached):
    log = tmp_path / "calls"
    twice, other = Counted(str(log)), Counted(str(tmp_path / "other"))
    problem = _claims_problem(twice, other, Counted(str(log)), problem_id="q2")  # a step and its answer, say
    monkeypatch.setattr(derive.pipeline, "build_problem", lambda s, p: problem)
    cache = Cache(tmp_path / "cache") if cached else None
    (verified,) = derive.pipeline.verify_targets(["cs182-hw0/q2"], cache=cache, jobs=1)
    assert log.read_text() == "x"
    assert [s.verdict.method for _, s in verified.parts[0].claims()] == ["counted"] * 3
