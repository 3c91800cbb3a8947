"""Solution PDFs as a TA hands them out, checked the way a reader sees them.

Every LaTeX document under ``output/`` is compiled with latexmk (as ``derive build
--format pdf`` does) and its log checked: no line runs into the margin, no formula is
shrunk beyond readability, every figure is drawn in it. The committed PDFs are read back
with pdftotext and checked against the JSON output of the same problems: every part,
in order, with its question, its boxed answer, its figures, the verification marks
and the summary; and no raw LaTeX. Every page is rendered to PNG (pdftoppm) under
``build/review/pdf/`` for a person to look at.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sympy import Matrix, MatrixSymbol, Piecewise, Symbol

from derive.model import Figure, Kind, Part, Problem, Status, Step, Verdict, text
from derive.notation import Boxed, EqChain, Equation
from derive.plot import BLUE, Curve, Plot
from derive.render import render_problem

from publishing import (
    POPPLER_INSTALL,
    compile_tex,
    doc_id,
    documents,
    output_dir,
    overfull_boxes,
    pdftotext,
    require,
    review_dir,
    scaled_displays,
    squash,
    unavailable,
)

TEX = documents(".tex")
# Below this factor a scaled formula is too small to read comfortably (11pt -> ~8pt):
# the printer should break it instead.
READABLE_SCALE = 0.72
MARKS = {Status.PROVED: "✓ proved", Status.CHECKED: "✓ checked", Status.SAMPLED: "≈ sampled"}


def test_there_are_documents_to_check():
    assert TEX, f"no LaTeX documents under {output_dir()}: run the README's build command (make)"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Compile each document once: tex path -> (pdf, log)."""
    done: dict[Path, tuple[Path, str]] = {}

    def get(tex_path: Path) -> tuple[Path, str]:
        if tex_path not in done:
            work = tmp_path_factory.mktemp(tex_path.stem)
            done[tex_path] = compile_tex(tex_path.read_text(encoding="utf-8"), work)
        return done[tex_path]

    return get


def records(tex_path: Path) -> list[dict]:
    """The JSON records of the problems a LaTeX document holds (one, or a whole set)."""
    source = tex_path.with_suffix(".json")
    assert source.is_file(), f"{source} is missing: the build writes JSON next to the LaTeX"
    data = json.loads(source.read_text(encoding="utf-8"))
    return data["problems"] if "problems" in data else [data]


def prose_pieces(plain: str, minimum: int = 6) -> list[str]:
    """The words between formulas of a JSON text field, squashed; short scraps skipped."""
    pieces = [squash(p) for p in re.split(r"\$[^$]*\$", plain)]
    return [p for p in pieces if len(p) >= minimum]


def visible_alphanumerics(latex: str) -> Counter:
    """Letters and digits a formula shows on the page (commands and environments dropped)."""
    latex = re.sub(r"\\(begin|end)\{[^}]*\}", " ", latex)
    latex = re.sub(r"\\[A-Za-z]+", " ", latex)
    return Counter(c for c in latex if c.isascii() and c.isalnum())


# -- the log: layout ------------------------------------------------------------------


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_no_line_runs_off_the_page(tex_path, compiled):
    _, log = compiled(tex_path)
    boxes = overfull_boxes(log, tex_path.read_text(encoding="utf-8"))
    assert not boxes, "\n".join(boxes)


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_scaled_formulas_stay_readable(tex_path, compiled):
    _, log = compiled(tex_path)
    source = tex_path.read_text(encoding="utf-8").splitlines()
    small = [f"line {line} scaled to {factor:.2f}: {source[line - 1][:160]}"
             for factor, line in scaled_displays(log) if factor < READABLE_SCALE]
    assert not small, "formulas too wide to read once scaled; break them instead:\n" + "\n".join(small)


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_every_figure_is_drawn_in_the_document(tex_path, compiled):
    """One pgfplots axis per figure, and no file to include: the document compiled alone."""
    compiled(tex_path)
    tex = tex_path.read_text(encoding="utf-8")
    figures = [step for problem in records(tex_path) for part in problem["parts"] for step in part["steps"]
               if "figure" in step]
    assert tex.count("\\begin{axis}") == len(figures), doc_id(tex_path)
    assert "\\includegraphics" not in tex


# -- the committed PDF, read back -----------------------------------------------------------


def committed_pdf(tex_path: Path) -> Path:
    pdf = tex_path.with_suffix(".pdf")
    if not pdf.is_file():
        pytest.fail(f"{pdf} is missing: build with TeX installed (make) so output/ holds the PDFs")
    return pdf


def part_regions(text: str, problems: list[dict]) -> list[tuple[dict, dict, str]]:
    """(problem, part, text of that part) in document order; fails if a part is missing or out of order."""
    anchors = []
    position = 0
    for problem in problems:
        # Past the table of contents: each problem's statement opens with "Problem."
        position = text.find("Problem.", position)
        assert position >= 0, f"{problem['problem']}: statement missing or out of order in the PDF text"
        for part in problem["parts"]:
            heading = f"Part ({part['id']})"
            found = text.find(heading, position)
            assert found >= 0, f"{problem['problem']}: {heading} missing or out of order in the PDF text"
            anchors.append((problem, part, found))
            position = found + len(heading)
    out = []
    for index, (problem, part, start) in enumerate(anchors):
        end = anchors[index + 1][2] if index + 1 < len(anchors) else len(text)
        out.append((problem, part, text[start:end]))
    return out


def without_running_heads(text_: str, set_id: str) -> str:
    """The text without page headers ("<section> <set id>") and footers ("3 of 19"), which
    pdftotext puts wherever a page breaks, even mid-sentence."""
    keep = [line for line in text_.splitlines()
            if not re.fullmatch(r"\d+ of \d+", line.strip()) and not line.rstrip().endswith(f" {set_id}")]
    return "\n".join(keep)


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_pdf_text_has_every_part_and_answer(tex_path):
    problems = records(tex_path)
    text_ = without_running_heads(pdftotext(committed_pdf(tex_path)), problems[0]["set"])
    whole = squash(text_)
    for problem in problems:
        assert squash(f"Problem {problem['problem']}: {problem['title']}") in whole
        for piece in prose_pieces(problem["statement"]):
            assert piece in whole, f"{problem['problem']}: statement text {piece!r} missing"
    for problem, part, region in part_regions(text_, problems):
        where = f"{problem['problem']}/{part['id']}"
        flat = squash(region)
        for piece in prose_pieces(part["prompt"]):
            assert piece in flat, f"{where}: question text {piece!r} missing before the solution"
        assert region.count("Answer.") == 1, f"{where}: expected one Answer label"
        answer = region[region.index("Answer.") :]
        mark = re.search(r"[✓≈] (proved|checked|sampled)", answer)
        answer = answer[: mark.start()] if mark else answer
        shown = Counter(c for c in answer if c.isascii() and c.isalnum())
        missing = visible_alphanumerics(part["answer"]["latex"]) - shown
        assert not missing, f"{where}: the answer formula is not all on the page (missing {dict(missing)})"
        for piece in prose_pieces(part["answer"]["text"]):
            assert piece in squash(answer), f"{where}: answer text {piece!r} missing"
        for step in part["steps"]:
            if "figure" in step:
                for piece in prose_pieces(step["figure"]["description"]):
                    assert piece in flat, f"{where}: figure description {piece!r} not with its part"


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_pdf_shows_every_verdict_with_a_legend_and_summary(tex_path):
    text_ = pdftotext(committed_pdf(tex_path))
    problems = records(tex_path)
    assert "How to read these solutions" in text_
    counts = Counter(
        step["verdict"]["status"] for problem in problems for part in problem["parts"]
        for step in part["steps"] if step["verdict"]
    )
    is_set = len(problems) > 1 or tex_path.stem == tex_path.parent.name
    for status, mark in MARKS.items():
        extra = 1 + (1 if is_set else 0)  # the legend, and the set's summary table heading
        shown = len(re.findall(mark.replace(" ", r"\s+"), text_))
        assert shown == counts[status.value] + extra, f"{mark}: not one per {status.value} step"
    total = Counter()
    for problem in problems:
        total.update(problem["summary"])
    line = f"{total['claims']} claims: {total['proved']} proved, {total['checked']} checked, {total['sampled']} sampled."
    assert " ".join(line.split()) in " ".join(text_.split())


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_pdf_text_has_no_raw_latex(tex_path):
    text_ = pdftotext(committed_pdf(tex_path))
    leaks = sorted(set(re.findall(r"\\[A-Za-z]+|\\VAR|\\BLOCK|\$|\{\}", text_)))
    assert not leaks, f"raw LaTeX in the PDF text: {leaks}"


@pytest.mark.parametrize("tex_path", TEX, ids=doc_id)
def test_pages_render_for_review(tex_path):
    require("pdftoppm", POPPLER_INSTALL)
    pdf = committed_pdf(tex_path)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    target = review_dir("pdf")
    stem = f"{tex_path.parent.name}-{tex_path.stem}"
    for old in target.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(target / stem)], check=True)
    images = sorted(target.glob(f"{stem}-*.png"))
    assert len(images) == pages
    for number, image in enumerate(images, start=1):
        assert _ink(pdf, number) > 0.01, f"{image.name} is blank"


def _ink(pdf: Path, page: int) -> float:
    """The standard deviation of a page's grey levels (0 to 1), from a small greyscale
    rendering: near 0 for a blank page."""
    raw = subprocess.run(["pdftoppm", "-r", "20", "-gray", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    # A binary PGM: "P5", width, height, maximum value, one whitespace byte, then the pixels.
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert fields, "pdftoppm did not write a PGM image"
    pixels = raw[fields.end():]
    mean = sum(pixels) / len(pixels)
    return (sum((p - mean) ** 2 for p in pixels) / len(pixels)) ** 0.5 / int(fields.group(3))


# -- layout of wide material: a synthetic problem with what later problems bring -----------


def _stress_problem() -> Problem:
    n = Symbol("n", integer=True, positive=True)
    x = MatrixSymbol("x", n, 1)
    z = Symbol("z", real=True)
    terms = [Symbol(f"a_{i}") * Symbol(f"x_{i}") ** 2 for i in range(1, 26)]
    long_sum = sum(terms[1:], terms[0])
    wide = Matrix(3, 16, lambda i, j: Symbol(f"w_{i + 1}{j + 1}"))
    relu = Piecewise((z, z > 0), (0, True))
    chain = EqChain(Symbol("y"), long_sum, long_sum.subs(Symbol("a_1"), 2), long_sum.subs(Symbol("a_2"), 3))
    proved = Verdict(Status.PROVED, "synthetic")
    line = Curve(((0, 0), (1, 1)), color=BLUE, label=text("the line {}", Equation(Symbol("y"), z)))
    figure = Figure("stress-line", Plot((0, 1), (0, 1), (line,), text("A sketch of {}", z)), text("A line through {} and 1.", z))
    steps = (
        Step(Kind.INTERPRETATION, "", text("The sum {} has many terms and runs across lines in prose.", long_sum)),
        Step(Kind.STEP, "A long chain", text("The chain:"), display=(chain,), verdict=proved),
        Step(Kind.STEP, "A wide matrix", text("Sixteen columns:"), display=(Equation(Symbol("W"), wide),), verdict=proved),
        Step(Kind.STEP, "Cases", text("A ReLU:"), display=(Equation(Symbol("r"), relu),), verdict=proved),
        Step(Kind.NOTE, "Aside", text("A note about {} with a formula:", x), display=(Equation(Symbol("y"), long_sum),)),
        Step(Kind.FIGURE, "Sketch", text("The sketch:"), figure=figure),
        Step(Kind.ANSWER, "", text("So"), display=(Boxed(Equation(Symbol("y"), long_sum)),), verdict=proved),
    )
    part = Part("a", text("Show the long identity for {}.", x), steps)
    return Problem("stress-set", "s1", "Wide material", text("Let {} be a vector.", x), (part,), {x: r"\mathbf{x}"})


def test_wide_formulas_are_fitted_not_overfull(tmp_path):
    problem = _stress_problem()
    tex = render_problem(problem, "tex", {"stress-line": {"svg": "figures/stress-line.svg"}})
    pdf, log = compile_tex(tex, tmp_path / "work")
    assert not overfull_boxes(log, tex)
    # The wide matrix and the boxed long sum cannot break, so they are scaled; nothing else.
    assert len(scaled_displays(log)) >= 2
    text_ = pdftotext(pdf)
    assert "Note — Aside." in text_ and "Answer." in text_ and "What the figure shows:" in text_
    # The figure is drawn in place: its title and its legend, math typeset.
    assert "A sketch of z" in text_ and "the line y = z" in text_


@pytest.mark.parametrize(
    "prose, shown",
    [
        ("Costs 50% & more, #1 {x} a_b.", "Costs 50% & more, #1 {x} a_b."),
        ("Quotes “so” — and naïve café.", "Quotes “so” — and naïve café."),
        ("Transposes vᵀBv ≥ 0 and xₖ.", "Transposes vTBv ≥ 0 and xk."),
        ("Hat on f\u0302 here.", "Hat on"),
        ("Noise \U0001d4a9(0, 1) and \u221a\u03bb are fine.", "\u03bb are fine."),  # the root is drawn, not text
    ],
)
def test_prose_reaches_the_page_as_written(prose, shown, tmp_path):
    part = Part("a", text("Question."), (Step(Kind.ANSWER, "", text(prose)),))
    problem = Problem("stress-set", "s2", "Escaping", text(prose), (part,))
    pdf, _ = compile_tex(render_problem(problem, "tex"), tmp_path)
    assert shown in " ".join(pdftotext(pdf).split())


@pytest.mark.parametrize(
    "broken",
    [
        r"\derivedisplay{{x = 1}",  # an argument that never closes: TeX runs to the end of the file
        r"\derivedisplay{x \notacommand = 1}",
        r"\derivedisplay{x & y}",
        r"\begin{derivenote}{Aside} text without its end",
    ],
)
def test_latex_errors_name_the_source_line(broken, tmp_path):
    from derive.errors import RenderError
    from derive.pipeline import compile_pdf

    require("latexmk", "TeX Live")
    part = Part("a", text("Question."), (Step(Kind.ANSWER, "", text("So.")),))
    tex = render_problem(Problem("stress-set", "s3", "Errors", text("Statement."), (part,)), "tex")
    tex = tex.replace("\\end{document}", f"\nSome prose.\n{broken}\n\\end{{document}}")
    with pytest.raises(RenderError) as failure:
        compile_pdf(tex, tmp_path / "x.pdf")
    message = str(failure.value)
    assert broken in message, message
    assert message.count("\n") <= 3, "the error, not the log"
    assert not (tmp_path / "x.pdf").exists()


def test_a_long_relation_is_cut_at_its_relations_not_shrunk(tmp_path):
    from derive.notation import Relation, Tuple_, Words

    half = [Symbol(f"p_{i}") * Symbol(f"q_{i}") ** 2 for i in range(1, 10)]
    lhs, rhs = sum(half[1:], half[0]), sum((t * 3 for t in half[1:]), half[0] * 3)
    w = Symbol("w")
    formula = Relation(Equation(lhs, rhs), "quad", Relation(Words("whenever"), "quad", Tuple_(w > 0, w < 1)))
    step = Step(Kind.ANSWER, "", text("So"), display=(Boxed(formula),))
    problem = Problem("stress-set", "s4", "Cut", text("Statement."), (Part("a", text("Question."), (step,)),))
    tex = render_problem(problem, "tex")
    pdf, log = compile_tex(tex, tmp_path)
    assert not overfull_boxes(log, tex)
    assert not scaled_displays(log), "each side fits a line: nothing should be scaled"
    lines = pdftotext(pdf).splitlines()
    assert any(line.strip().startswith("=") for line in lines), "the right side starts a line of its own"
    assert any(line.strip().startswith("whenever") for line in lines), "the condition starts a line of its own"


def test_the_install_line_provides_every_latex_package_used():
    """`derive build --format pdf` names Debian packages to install; they must hold every
    LaTeX package the templates load (directly, or as one of their declared dependencies)."""
    import shutil

    from derive.pipeline import TEX_PACKAGES

    require("kpsewhich", "TeX Live")
    if shutil.which("dpkg") is None or shutil.which("apt-cache") is None:
        unavailable("not a Debian system: cannot map LaTeX packages to Debian packages")
    part = Part("a", text("Question."), (Step(Kind.ANSWER, "", text("So.")),))
    tex = render_problem(Problem("stress-set", "s5", "Packages", text("Statement."), (part,)), "tex")
    used = {name.strip() for group in re.findall(r"\\usepackage(?:\[[^\]]*\])?\{([^}]*)\}", tex) for name in group.split(",")}
    named = set(TEX_PACKAGES.split())
    depends = subprocess.run(["apt-cache", "depends", *sorted(named)], capture_output=True, text=True).stdout
    allowed = named | set(re.findall(r"Depends: (texlive-[\w-]+)", depends))
    for package in sorted(used):
        path = subprocess.run(["kpsewhich", f"{package}.sty"], capture_output=True, text=True).stdout.strip()
        assert path, f"{package}.sty is not installed"
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout.split(":")[0]
        assert owner in allowed, f"{package}.sty comes from {owner}, which the install line does not bring"


@pytest.mark.parametrize(
    "prose, latex_pattern",
    [
        ("\u221a\u03bb", r"\\sqrt\{\\ensuremath\{\\lambda\}\}"),  # the root covers the letter
        ("x\u1d40", r"x\\textsuperscript\{T\}"),
        ("f\u0302", r"\\\^\{f\}"),
        ("\U0001d4a9", r"\\mathcal\{N\}"),
    ],
)
def test_unicode_math_in_prose_becomes_latex_that_means_the_same(prose, latex_pattern):
    from derive.render import escape_tex

    assert re.search(latex_pattern, escape_tex(prose)), escape_tex(prose)
