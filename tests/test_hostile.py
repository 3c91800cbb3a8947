"""Hostile and bad input: every mistake gives one clear message and a non-zero exit,
never a traceback and never a half-written document; runaway or crashing verification
is reported as undecided; Ctrl-C stops a parallel build and its workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sympy import Integer

import derive.pipeline
from derive.claims import Claim
from derive.cli import main
from derive.errors import DeriveError
from derive.model import Kind, Part, Problem, Status, Step
from derive.pipeline import verify_targets
from derive.verify import check, checks

ROOT = Path(__file__).resolve().parent.parent


# -- claims that misbehave (checkers registered here; forked workers inherit them) ----------


@dataclass(frozen=True)
class Sleeps(Claim):
    """A verification that runs away."""

    seconds: float

    def display(self):  # pragma: no cover - never rendered
        return Integer(0)


@dataclass(frozen=True)
class Crashes(Claim):
    """A checker that fails with an exception."""

    def display(self):  # pragma: no cover
        return Integer(0)


@dataclass(frozen=True)
class KillsWorker(Claim):
    """A checker whose process dies (as if killed for using too much memory)."""

    def display(self):  # pragma: no cover
        return Integer(0)


@checks(Sleeps)
def _sleeps(claim: Sleeps):
    time.sleep(claim.seconds)
    raise AssertionError("the time limit should have stopped this checker")


@checks(Crashes)
def _crashes(claim: Crashes):
    return 1 / 0


@checks(KillsWorker)
def _kills(claim: KillsWorker):
    os._exit(9)


def _problem(*claims: Claim, problem_id: str = "q2") -> Problem:
    steps = tuple(Step(Kind.STEP, f"claim {k}", claim=c) for k, c in enumerate(claims)) + (Step(Kind.ANSWER, "Answer"),)
    return Problem("cs182-hw0", problem_id, "A hostile problem", (), (Part("a", (), steps),))


@pytest.fixture
def hostile(monkeypatch):
    """Make cs182-hw0/q2 the given claims."""

    def install(*claims: Claim) -> None:
        monkeypatch.setattr(derive.pipeline, "build_problem", lambda s, p: _problem(*claims, problem_id=p))

    return install


# -- the verifier never hangs or raises ----------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_runaway_verification_is_stopped_and_undecided(hostile, jobs):
    hostile(Sleeps(30.0), Sleeps(30.1))
    start = time.monotonic()
    (problem,) = verify_targets(["cs182-hw0/q2"], jobs=jobs, time_limit=0.3)
    verdicts = [s.verdict for _, s in problem.parts[0].claims()]
    assert [v.status for v in verdicts] == [Status.UNDECIDED, Status.UNDECIDED]
    assert all(v.method == "time limit" for v in verdicts)
    assert time.monotonic() - start < 20


def test_a_crashing_checker_is_undecided_with_the_error():
    verdict = check(Crashes())
    assert verdict.status is Status.UNDECIDED
    assert verdict.method == "error" and "ZeroDivisionError" in verdict.detail


def test_time_limit_option_reaches_the_verifier(hostile, capsys):
    hostile(Sleeps(30.0))
    assert main(["verify", "cs182-hw0/q2", "--time-limit", "0.3", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "undecided by time limit: stopped after 0.3 s" in err and "Traceback" not in err


def test_a_crashing_checker_fails_the_build_with_a_message(hostile, capsys, tmp_path):
    hostile(Crashes())
    assert main(["build", "cs182-hw0/q2", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "undecided by error: checker failed: ZeroDivisionError" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_a_dead_worker_is_a_message_not_a_hang(hostile):
    hostile(KillsWorker(), Sleeps(0.01), Sleeps(0.02))
    with pytest.raises(DeriveError, match="worker process stopped unexpectedly"):
        verify_targets(["cs182-hw0/q2"], jobs=2, time_limit=5)


# -- usage mistakes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--jobs", "0"],
        ["build", "--jobs", "two"],
        ["build", "-j", "-3"],
        ["verify", "--time-limit", "0"],
        ["verify", "--time-limit", "-5"],
        ["verify", "--time-limit", "soon"],
        ["verify", "--time-limit", "nan"],
        ["verify", "--time-limit", "inf"],
        ["cache", "wipe"],
        ["build", "--format"],
        ["frobnicate"],
        [],
    ],
)
def test_malformed_options_exit_2_with_one_message(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "verify", "mutate"])
@pytest.mark.parametrize("target", ["cs182-hw0//q2", "../../etc/passwd", "cs182-hw0/q2/a/b/c", "x" * 300, "cs182‐hw0"])
def test_unknown_targets_exit_2(command, target, capsys, tmp_path):
    extra = ["--out", str(tmp_path)] if command == "build" else []
    assert main([command, target, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: unknown target") and "Traceback" not in err
    assert not any(tmp_path.iterdir())


# -- output that cannot be written -----------------------------------------------------------


def test_output_directory_is_a_file(tmp_path, capsys):
    out = tmp_path / "out"
    out.write_text("a file, not a directory")
    assert main(["build", "cs182-hw0/q2/a", "--format", "md", "--out", str(out), "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("derive: ") and "Traceback" not in err
    assert out.read_text() == "a file, not a directory"


def test_a_directory_in_place_of_a_document(tmp_path, capsys):
    (tmp_path / "cs182-hw0" / "q2-a.md").mkdir(parents=True)
    assert main(["build", "cs182-hw0/q2/a", "--format", "md", "--out", str(tmp_path), "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("derive: ") and "Traceback" not in err
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_read_only_output_directory(tmp_path, capsys):
    tmp_path.chmod(0o500)
    try:
        assert main(["build", "cs182-hw0/q2/a", "--format", "md", "--out", str(tmp_path / "o"), "--no-cache"]) == 1
    finally:
        tmp_path.chmod(0o700)
    assert "Permission denied" in capsys.readouterr().err


# -- interrupted builds ----------------------------------------------------------------------


def test_interrupt_while_writing_leaves_whole_documents(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DERIVE_CACHE", "verdicts")  # verified once; the second build renders again
    args = ["build", "cs182-hw0/q2/a", "--format", "md,json,txt", "--out", str(tmp_path / "o"), "-j", "1"]
    assert main(args) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "o").rglob("*") if p.is_file()}
    calls = []
    original = derive.pipeline.write_atomic

    def interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(*a, **k)

    monkeypatch.setattr(derive.pipeline, "write_atomic", interrupted)
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err
    assert len(calls) == 2  # interrupted after one document was rewritten
    assert {p: p.read_bytes() for p in (tmp_path / "o").rglob("*") if p.is_file()} == before


_SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    from dataclasses import dataclass
    from pathlib import Path
    from sympy import Integer
    import derive.pipeline
    from derive.claims import Claim
    from derive.model import Kind, Part, Problem, Step
    from derive.verify import checks

    MARK = Path(sys.argv[1])

    @dataclass(frozen=True)
    class Slow(Claim):
        k: int
        def display(self):
            return Integer(0)

    @checks(Slow)
    def slow(claim):
        (MARK / f"started-{claim.k}").write_text("")
        time.sleep(120)

    def fake(set_id, problem_id):
        steps = tuple(Step(Kind.STEP, f"s{k}", claim=Slow(k)) for k in range(4)) + (Step(Kind.ANSWER, "Answer"),)
        return Problem(set_id, problem_id, "slow", (), (Part("a", (), steps),))

    derive.pipeline.build_problem = fake
    from derive.cli import main
    sys.exit(main(["build", "cs182-hw0/q2", "--format", "md", "--out", sys.argv[2], "-j", "2", "--no-cache"]))
    """
)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
def test_ctrl_c_stops_a_parallel_build_and_its_workers(tmp_path):
    out = tmp_path / "out"
    (out / "cs182-hw0").mkdir(parents=True)
    earlier = out / "cs182-hw0" / "q2.md"
    earlier.write_text("an earlier build")
    script = tmp_path / "slow_build.py"
    script.write_text(_SLOW_BUILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("started-*"))) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: to the whole group
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.count("derive: interrupted") == 1 and "Traceback" not in err, err
    assert earlier.read_text() == "an earlier build"
    assert not list(out.rglob("*.tmp"))
    with pytest.raises(ProcessLookupError):  # no worker outlived the build
        for _ in range(50):
            os.killpg(process.pid, 0)
            time.sleep(0.1)


# -- progress --------------------------------------------------------------------------------


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_progress_bar_and_lines_on_a_terminal():
    from derive.cli import _Display

    terminal = _Terminal(True)
    display = _Display(terminal)
    display.start -= 10  # a long run: the bar shows
    display.tick(3, 12)
    display.line("verified cs182-hw0/q2 (37 claims)")
    display.tick(12, 12)
    display.close()
    assert "3/12 claims" in terminal.text and "12/12 claims" in terminal.text
    assert "derive: verified cs182-hw0/q2 (37 claims)\n" in terminal.text
    assert terminal.text.endswith("\r")  # the bar is cleared at the end


def test_progress_is_silent_when_not_a_terminal():
    from derive.cli import _Display

    pipe = _Terminal(False)
    display = _Display(pipe)
    display.start -= 10
    display.tick(3, 12)
    display.line("verified cs182-hw0/q2")
    display.close()
    assert pipe.text == ""


def test_a_quick_run_shows_no_bar():
    from derive.cli import _Display

    terminal = _Terminal(True)
    display = _Display(terminal)
    display.tick(1, 2)
    display.close()
    assert terminal.text == ""
