"""The command line: every user mistake gives one clear message and a non-zero exit,
and a failed build leaves earlier outputs as they were."""

from __future__ import annotations

import shutil

import pytest
from sympy import MatrixSymbol, Symbol

import derive.pipeline
from derive.claims import Equal
from derive.cli import main
from derive.registry import build_problem

from conftest import replace_step

n = Symbol("n", integer=True, positive=True)
x = MatrixSymbol("x", n, 1)


def _broken_q2():
    problem = build_problem("cs182-hw0", "q2")
    step = next(s for s in problem.part("b").steps if s.title == "Answer")
    return replace_step(problem, "b", "Answer", claim=Equal(step.claim.lhs, -2 * x.T))


@pytest.fixture
def broken(monkeypatch):
    original = derive.pipeline.build_problem

    def fake(set_id, problem_id):
        return _broken_q2() if problem_id == "q2" else original(set_id, problem_id)

    monkeypatch.setattr(derive.pipeline, "build_problem", fake)


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "cs182-hw0/q2  parts: a, b, c, d, e" in out


def test_show_part(capsys):
    assert main(["show", "cs182-hw0/q2/d"]) == 0
    out = capsys.readouterr().out
    assert "Part (d)" in out and "Part (a)" not in out
    assert "Answer" in out and "✔ proved" in out


@pytest.mark.parametrize("target", ["cs182-hw0/q9", "nope", "cs182-hw0/q2/z", "cs182-hw0/q2/a/b", ""])
def test_unknown_target_lists_known_ones(capsys, target):
    assert main(["show", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: unknown target")
    assert "cs182-hw0/q2" in err and "Traceback" not in err


def test_bad_format(capsys, tmp_path):
    assert main(["build", "cs182-hw0/q2", "--format", "md,docx", "--out", str(tmp_path)]) == 2
    assert "unknown format docx" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--nonsense"])
    assert exc.value.code == 2


def test_verify_table_and_failure(capsys, broken):
    assert main(["verify", "cs182-hw0/q2/b"]) == 1
    captured = capsys.readouterr()
    assert "refuted" in captured.out
    assert "cs182-hw0/q2/b, Answer (Answer): refuted" in captured.err


def test_failed_build_leaves_earlier_outputs(capsys, tmp_path, monkeypatch):
    assert main(["build", "cs182-hw0/q2", "--format", "md", "--out", str(tmp_path)]) == 0
    target = tmp_path / "cs182-hw0" / "q2.md"
    before = target.read_bytes()
    original = derive.pipeline.build_problem
    monkeypatch.setattr(derive.pipeline, "build_problem", lambda s, p: _broken_q2() if p == "q2" else original(s, p))
    assert main(["build", "cs182-hw0/q2", "--format", "md", "--out", str(tmp_path)]) == 1
    assert target.read_bytes() == before
    assert "verification failed" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.tmp"))


def test_unwritable_output_directory(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["build", "cs182-hw0/q2", "--format", "md", "--out", str(blocker / "sub")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("derive: ") and "Traceback" not in err


def test_pdf_without_tex_says_what_to_install(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["build", "cs182-hw0/q2", "--format", "pdf", "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "apt-get install" in err and "latexmk" in err


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "derive", "show", "bogus"], capture_output=True, text=True)
    assert result.returncode == 2 and "unknown target" in result.stderr and "Traceback" not in result.stderr


def test_the_program_flushes_everything_before_its_quick_exit(capsys):
    """``python -m derive`` skips the interpreter's teardown: what it printed still
    arrives whole through a pipe, with the exit code of :func:`main`."""
    import os
    import subprocess
    import sys

    assert main(["list"]) == 0
    expected = capsys.readouterr().out
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as most shells run it
    result = subprocess.run([sys.executable, "-m", "derive", "list"], capture_output=True, text=True, env=buffered)
    assert (result.returncode, result.stdout) == (0, expected)
