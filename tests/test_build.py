"""Building: atomic writes, PDF compilation and LaTeX error reports."""

from __future__ import annotations

import shutil

import pytest

from derive.pipeline import compile_pdf, latex_error, parse_formats, write_atomic
from derive.errors import RenderError, UsageError

HAVE_TEX = shutil.which("latexmk") is not None


@pytest.mark.parametrize(
    "spec, expected",
    [("md", ["md"]), ("md,tex", ["md", "tex"]), (" JSON , txt ", ["json", "txt"]), ("md,md", ["md"]), (None, ["md", "tex", "json", "txt"])],
)
def test_parse_formats(spec, expected):
    assert parse_formats(spec) == expected


@pytest.mark.parametrize("spec", ["", ",", "html", "md,xls"])
def test_parse_formats_rejects(spec):
    with pytest.raises(UsageError):
        parse_formats(spec)


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "doc.md"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["doc.md"]


def test_write_atomic_interrupted_leaves_old_file(tmp_path, monkeypatch):
    import os

    target = tmp_path / "doc.md"
    write_atomic(target, "old")

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


def test_latex_error_points_at_the_line(tmp_path):
    log = tmp_path / "document.log"
    log.write_text("This is pdfTeX\n./document.tex:3: Undefined control sequence.\nl.3 \\foo\n")
    message = latex_error(log, "a\nb\n\\foo bar\n")
    assert "Undefined control sequence" in message and "line 3: \\foo bar" in message


@pytest.mark.skipif(not HAVE_TEX, reason="TeX (latexmk) is not installed")
def test_invalid_latex_is_reported_briefly(tmp_path):
    tex = "\\documentclass{article}\n\\begin{document}\n\\undefinedmacro\n\\end{document}\n"
    with pytest.raises(RenderError) as exc:
        compile_pdf(tex, tmp_path / "x.pdf")
    message = str(exc.value)
    assert "Undefined control sequence" in message and "\\undefinedmacro" in message
    assert message.count("\n") < 5
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(not HAVE_TEX, reason="TeX (latexmk) is not installed")
def test_valid_latex_compiles(tmp_path):
    tex = "\\documentclass{article}\n\\begin{document}\nHello $x^2$\n\\end{document}\n"
    out = compile_pdf(tex, tmp_path / "x.pdf")
    assert out.read_bytes().startswith(b"%PDF")
