"""Renderers: Markdown for course sites, standalone LaTeX, JSON schema, terminal text."""

from __future__ import annotations

import json
import re

import pytest

from derive.registry import build_problem
from derive.render import escape_tex, render_problem
from derive.verify import verify_problem


@pytest.fixture(scope="module")
def q2():
    return verify_problem(build_problem("cs182-hw0", "q2"))


@pytest.fixture(scope="module")
def md(q2):
    return render_problem(q2, "md")


def test_markdown_display_math_blocks_stand_alone(md):
    lines = md.splitlines()
    opens = [i for i, line in enumerate(lines) if line.strip() == "$$"]
    assert opens and len(opens) % 2 == 0
    for start, end in zip(opens[::2], opens[1::2]):
        assert lines[start - 1].strip() == "", f"no blank line before $$ at line {start + 1}"
        assert end + 1 == len(lines) or lines[end + 1].strip() == "", f"no blank line after $$ at line {end + 1}"
        assert all("$" not in line for line in lines[start + 1 : end])


def test_markdown_inline_math_is_balanced(md):
    for line in md.splitlines():
        if line.strip() == "$$":
            continue
        unescaped = re.sub(r"\\\$", "", line)
        assert unescaped.count("$") % 2 == 0, line


def test_markdown_has_every_verdict_and_summary(md, q2):
    claims = sum(1 for p in q2.parts for _ in p.claims())
    assert md.count("✔ proved") == claims
    assert f"{claims} claims: {claims} proved" in md


def test_json_has_the_documented_fields(q2):
    data = json.loads(render_problem(q2, "json"))
    assert data["schema"] == "derive/solution@1"
    assert (data["set"], data["problem"]) == ("cs182-hw0", "q2")
    assert set(data) >= {"schema", "set", "problem", "title", "statement", "parts", "summary"}
    assert set(data["summary"]) == {"claims", "proved", "checked", "sampled", "refuted", "undecided"}
    for part in data["parts"]:
        assert set(part) >= {"id", "prompt", "steps", "answer"}
        assert set(part["answer"]) == {"latex", "text"} and part["answer"]["latex"]
        for step in part["steps"]:
            assert set(step) >= {"kind", "title", "text", "math", "verdict"}
            assert step["kind"] in {"interpretation", "method", "step", "answer", "note", "figure"}
            if step["verdict"] is not None:
                assert set(step["verdict"]) == {"status", "method", "detail", "seconds"}
                assert step["math"], "a verified step shows its mathematics"
    assert [p["id"] for p in data["parts"]] == ["a", "b", "c", "d", "e"]


def test_tex_is_a_standalone_document_with_escaped_prose(q2):
    tex = render_problem(q2, "tex")
    assert tex.startswith(r"\documentclass")
    for package in ("amsmath", "amssymb", "mathtools", "hyperref", "graphicx"):
        assert package in tex
    assert tex.rstrip().endswith(r"\end{document}")
    assert r"\boxed{" in tex


@pytest.mark.parametrize("raw, escaped", [("50% & more", r"50\% \& more"), ("a_b", r"a\_b"), ("#1 {x}", r"\#1 \{x\}")])
def test_tex_escaping(raw, escaped):
    assert escape_tex(raw) == escaped


def test_terminal_text_is_readable_unicode(q2):
    txt = render_problem(q2, "txt")
    assert "∂/∂𝐱(𝐱^T 𝐀 𝐱)" in txt
    assert "\\frac" not in txt and "\\mathbf" not in txt and "$" not in txt
    assert "Answer" in txt and "✔ proved" in txt


def test_unknown_format_is_an_error(q2):
    from derive.errors import RenderError

    with pytest.raises(RenderError):
        render_problem(q2, "docx")


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"\left[\begin{matrix}1\\0\end{matrix}\right]^{T} \ne 2", "[1; 0]^T ≠ 2"),  # a display stays on one line
        (r"\left[\begin{matrix}a & - b\\c & d\end{matrix}\right]", "[a, -b; c, d]"),  # cells apart from a minus
        (r"- \frac{1}{x}", "-1/x"),
        (r"\left(- \frac{1}{x}\right)", "(-1/x)"),
        (r"x = - 1", "x = -1"),
        (r"a - \frac{1}{x}", "a - 1/x"),  # a binary minus keeps its spaces
        (r"a - b = c - d", "a - b = c - d"),
    ],
)
def test_terminal_text_of_matrices_and_minus_signs(latex, text):
    from derive.render.unicode import math_to_unicode

    assert math_to_unicode(latex) == text


def test_plain_ascii_prose_is_its_own_latex():
    """Prose of letters, digits and the punctuation below is returned as it is, without
    the encoder: that is right only while the encoder leaves each of them alone."""
    import string

    from derive.render import _PLAIN_TEXT, _encoder

    plain = [ch for ch in string.printable if _PLAIN_TEXT.fullmatch(ch)]
    assert len(plain) > 70 and not {'"', "#", "$", "%", "&", "<", ">", "\\", "^", "_", "{", "}", "~"} & set(plain)
    for ch in plain:
        assert _encoder().unicode_to_latex(ch) == ch == escape_tex(ch)
    sentence = "Take w' = w - 2(x + y)/3 [see (b)]; is it 1*2 = 2? Yes: a|b, @home, `quoted'."
    assert escape_tex(sentence) == sentence
    assert escape_tex("a < b") == r"a \ensuremath{<} b"


# -- compiled templates ----------------------------------------------------------------------


@pytest.fixture
def own_templates(tmp_path, monkeypatch):
    """A copy of the templates that the renderers use, and a folder for them compiled."""
    import shutil
    import sys

    render = sys.modules["derive.render"]
    folder = tmp_path / "templates"
    shutil.copytree(render.template_dir(), folder)

    def fresh() -> None:  # forget compiled templates kept in memory
        render.environment.cache_clear()
        render._compile_templates.cache_clear()

    monkeypatch.setattr(render, "template_dir", lambda: folder)
    monkeypatch.setattr(render, "compiled_dir", lambda: tmp_path / "compiled")
    fresh()
    yield folder, fresh
    fresh()


def test_compiled_templates_are_kept_beside_them_and_used(q2, md, own_templates):
    folder, fresh = own_templates
    assert render_problem(q2, "md") == md
    kept = sorted((folder.parent / "compiled").glob("md-*.jinja"))
    assert kept  # one per Markdown template used
    fresh()
    stamps = {entry: entry.stat().st_mtime_ns for entry in kept}  # compiling again rewrites them
    assert render_problem(q2, "md") == md
    assert {entry: entry.stat().st_mtime_ns for entry in kept} == stamps


def test_an_edited_template_is_compiled_again(q2, own_templates):
    folder, fresh = own_templates
    render_problem(q2, "md")
    template = folder / "problem.md.j2"
    template.write_text(template.read_text() + "\nEDITED-AFTER-COMPILING\n")
    fresh()
    assert "EDITED-AFTER-COMPILING" in render_problem(q2, "md")


@pytest.mark.parametrize("damage", ["garbage", "empty", "unwritable"])
def test_damaged_compiled_templates_cost_only_a_compilation(q2, md, own_templates, damage):
    folder, fresh = own_templates
    if damage == "unwritable":
        (folder.parent / "compiled").write_text("a file where the folder would be")
    else:
        render_problem(q2, "md")
        for entry in (folder.parent / "compiled").glob("*.jinja"):
            entry.write_bytes(b"\x00garbage\xff" if damage == "garbage" else b"")
        fresh()
    assert render_problem(q2, "md") == md
