"""What makes a build fast must not change what it writes: figures drawn on worker
processes or between verifications, formulas printed ahead of the verdicts, views
shared between formats, and chores done while workers verify."""

from __future__ import annotations

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
from derive.parallel import run_all
from derive.pipeline import build
from derive.render import escape_tex, render_problem, render_set
from derive.render.figures import draw
from derive.render.view import problem_view
from derive.verify import checks, verify_problem

t = Symbol("t")
TRUE = Equal((t + 1) ** 2, t**2 + 2 * t + 1)
FALSE = Equal((t + 1) ** 2, t**2 + 2 * t + 2)


def _line(slope: float, label: str):
    def draw_on(ax) -> None:
        ax.plot([0.0, 1.0], [0.0, slope], label=label)
        ax.set_xlabel(r"$t$")
        ax.legend(loc="best")

    return draw_on


def _broken(ax) -> None:
    raise ValueError("no such data")


def _problem(*figures: Figure, claim: Equal = TRUE, problem_id: str = "q2") -> Problem:
    steps = [Step(Kind.STEP, "A step", text("Expand {}.", (t + 1) ** 2), claim=claim)]
    steps += [Step(Kind.FIGURE, f"Figure {f.name}", text("A line through {}.", t), figure=f) for f in figures]
    steps.append(Step(Kind.ANSWER, "Answer", text("Done."), display=(t**2 + 2 * t + 1,), claim=claim))
    return Problem("cs182-hw0", problem_id, "A problem with figures", text("Draw {}.", t), (Part("a", text("Go."), tuple(steps)),))


FIGURES = (Figure("speed-one", _line(1.0, r"$t$ rising")), Figure("speed-two", _line(-2.0, "falling")))


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


# -- figures: drawn anywhere, written the same --------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_figures_are_written_as_drawn_whoever_draws_them(problem_with, tmp_path, jobs):
    problem_with(_problem(*FIGURES))
    cache = Cache(tmp_path / "cache", documents=False)
    fresh = tmp_path / "fresh"  # claims to verify: this process draws between results
    build(["cs182-hw0/q2"], "md,tex,json,txt", fresh, cache=cache, jobs=jobs)
    again = tmp_path / "again"  # verdicts cached: the workers draw (jobs=2)
    build(["cs182-hw0/q2"], "md,tex,json,txt", again, cache=Cache(cache.directory, documents=False), jobs=jobs)
    files = _files(fresh)
    assert files == _files(again)
    for figure in FIGURES:
        for fmt, data in draw(figure).items():
            assert files[f"cs182-hw0/figures/{figure.name}.{fmt}"] == data
        assert f"figures/{figure.name}.svg" in files["cs182-hw0/q2.md"].decode()
        assert f"figures/{figure.name}.pdf" in files["cs182-hw0/q2.tex"].decode()


def test_a_changed_drawing_changes_the_file():
    one, two = (draw(Figure("same-name", _line(slope, "a line"))) for slope in (1.0, 3.0))
    assert one["svg"] != two["svg"] and one["pdf"] != two["pdf"]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("cached", [False, True])
def test_a_figure_that_cannot_be_drawn_fails_the_build_before_writing(problem_with, tmp_path, jobs, cached):
    cache = Cache(tmp_path / "cache", documents=False)
    if cached:  # so that the figures go to the workers
        build(["cs182-hw0/q2"], "md", tmp_path / "first", cache=cache, jobs=1)
    problem_with(_problem(FIGURES[0], Figure("speed-broken", _broken)))
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="speed-broken.*ValueError: no such data"):
        build(["cs182-hw0/q2"], "md,json", out, cache=Cache(cache.directory, documents=False), jobs=jobs)
    assert _files(out) == {}


def test_a_refuted_claim_is_reported_before_a_broken_figure(problem_with, tmp_path):
    problem_with(_problem(Figure("speed-broken", _broken), claim=FALSE))
    with pytest.raises(VerificationFailed):
        build(["cs182-hw0/q2"], "md", tmp_path / "out", jobs=2)
    assert _files(tmp_path / "out") == {}


# -- views and memos ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def verified() -> Problem:
    return verify_problem(_problem(*FIGURES))


FILES = {f.name: {"svg": f"figures/{f.name}.svg", "pdf": f"figures/{f.name}.pdf"} for f in FIGURES}


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
    """matplotlib's formula layouts are shared between figures and formats in a process:
    a figure drawn after others is byte for byte the one a fresh process draws."""
    import hashlib
    import subprocess
    import sys

    from derive.registry import build_problem
    from derive.render.figures import figures_of

    figures = figures_of(build_problem("cs182-hw0", "q5"))
    assert len(figures) > 1
    after_others = [draw(f) for f in figures][-1]
    script = (
        "import hashlib, sys; from derive.registry import build_problem; from derive.render.figures import figures_of, draw; "
        "files = draw(figures_of(build_problem('cs182-hw0', 'q5'))[-1]); "
        "print(hashlib.sha256(files['svg']).hexdigest(), hashlib.sha256(files['pdf']).hexdigest())"
    )
    alone = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert alone == [hashlib.sha256(after_others[fmt]).hexdigest() for fmt in ("svg", "pdf")]


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
def test_figures_are_drawn_alike_when_one_claim_is_left_to_verify(problem_with, tmp_path, jobs):
    """One claim to verify on two processes: the workers verify it and draw."""
    cache = Cache(tmp_path / "cache", documents=False)
    problem_with(_problem(*FIGURES))
    build(["cs182-hw0/q2"], "md,tex", tmp_path / "first", cache=cache, jobs=1)
    edited = Equal((t + 2) ** 2, t**2 + 4 * t + 4)  # a new claim: verified, not from the cache
    problem_with(_problem(*FIGURES, claim=edited))
    report = build(["cs182-hw0/q2"], "md,tex", tmp_path / "edited", cache=Cache(cache.directory, documents=False), jobs=jobs)
    assert all(s.verdict.status.ok for part in report.problems[0].parts for _, s in part.claims())
    for figure in FIGURES:
        for fmt, data in draw(figure).items():
            assert (tmp_path / "edited" / "cs182-hw0" / "figures" / f"{figure.name}.{fmt}").read_bytes() == data


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
