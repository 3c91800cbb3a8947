"""Terminal text of formulas: the direct reader of our LaTeX subset, and pylatexenc's as reference."""

from __future__ import annotations

import random

import pytest

from derive.render import mathtext
from derive.render.mathtext import read_text
from derive.render.unicode import _converter, _prepare, math_to_unicode

HAT, CARON = "\u0302", "\u030c"


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{a}{b}", "a/b"),
        (r"\frac{a + b}{c}", "(a + b)/c"),
        (r"\frac{\frac{1}{x}}{y}", "(1/x)/y"),  # a nested fraction is one side, in parentheses
        (r"\frac12", "1/2"),  # an argument without braces is one character
        (r"\frac{\partial}{\partial x}", "∂/∂x"),
        (r"\frac{d}{d z}", "d/d z"),
        (r"\lambda x", "λx"),  # the spaces after a macro's name are part of the macro
        (r"\lambda{} + 1", "λ + 1"),
        (r"x \quad y", "x   y"),
        (r"x^{2}_{i}", "x^2_i"),
        (r"\mathbf{w}^{T} \mathbf{1}", "𝐰^T 1"),
        (r"\mathbf 1", "1"),
        (r"\mathbb{R}^{n}", "ℝ^n"),
        (r"\mathcal{N}\left(0, 1\right)", "𝒩(0, 1)"),
        (r"\hat{a}", "â"),  # composed where Unicode has the letter
        (r"\hat{X} \check{X}", f"X{HAT} X{CARON}"),
        (r"\hat{\mathbf{y}}", f"𝐲{HAT}"),
        (r"\operatorname{ReLU}\left(z\right)", "ReLU(z)"),
        (r"\left\|\mathbf{x}\right\|_{2}^{2}", "‖𝐱‖_2^2"),
        (r"\sqrt{\lambda}", "√(λ)"),
        (r"\text{for every x}", "for every x"),
        (r"a \in \mathbb{R},\quad b \ne 0", "a  ∈ ℝ,  b  ≠ 0"),  # relations bring their own spaces
        (r"\sum_{i=1}^{n} \sigma_{i} \le \infty", "∑_i=1^n σ_i  ≤ ∞"),
        (r"\begin{aligned}a &= b \\ &= c\end{aligned}", "a    = b \n    = c"),
        (r"\begin{cases} z & \text{if}\: z > 0 \\0 & \text{otherwise} \end{cases}", " z     if  z > 0 \n0     otherwise "),
        (r"\mathop{\mathrm{arg\,min}}_{w} f", "arg min_w f"),
        (r"\phi \epsilon \varphi", "ϕϵφ"),
    ],
)
def test_reads_the_printers_latex(tex, text):
    assert read_text(tex) == text


@pytest.mark.parametrize(
    "tex",
    [
        r"\overline{x}",  # a macro it does not know
        r"\lambdaé",  # one macro's name, unknown
        r"\sqrt[3]{x}",  # an optional argument
        r"a \\[2pt] b",
        r"\begin{pmatrix}1\end{pmatrix}",
        r"x''",  # a special of pylatexenc's ("''" reads as a closing quote)
        "a -- b",
        "a~b",
        r"\frac{a}",  # a missing argument
        r"\frac{a}\alpha",
        "{x",
        "x}",
        r"\begin{aligned}x",
        "x \\",
    ],
)
def test_leaves_what_it_does_not_know_to_pylatexenc(tex):
    assert read_text(tex) is None


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{\frac{1}{x}}{1 + y}", "(1/x)/(1 + y)"),
        (r"\left[\begin{matrix}1 & - 2\\3 & 4\end{matrix}\right]", "[1, -2; 3, 4]"),  # a matrix on one line
        (r"x_{i}^{2} + \mathbf{w}^{T} \mathbf{x}", "x_i^2 + 𝐰^T 𝐱"),
        (r"x_{i + 1}^{n - 1}", "x_(i + 1)^(n - 1)"),
        (r"- \frac{1}{2} \lambda", "-1/2 λ"),  # unary minus
        (r"a - \frac{1}{2}", "a - 1/2"),
        (r"e^{- \frac{n}{2}}", "e^(-n/2)"),
        (r"\left(- x\right)", "(-x)"),
        (r"\operatorname{diag}\left(\sigma_{1}, \dots, \sigma_{r}\right)", "diag(σ_1, …, σ_r)"),
        (r"\boxed{\mathbf{w} = X^{+} \mathbf{y}}", "𝐰 = X^(+) 𝐲"),
        (r"\begin{aligned}a &= b \\ &= c\end{aligned}", "a = b\n= c"),
        # an evaluation bar: the invisible left delimiter reads as nothing
        (r"\left. \frac{d}{d z} f{\left(z \right)} \right|_{\substack{ z=0 }} = 0", "d/d z f(z) |_(z=0) = 0"),
        (r"a - \left. \frac{\partial}{\partial t} g \right|_{t=1}", "a - ∂/∂t g |_(t=1)"),
        # outside the subset: pylatexenc reads it
        (r"\overline{z} = \sqrt[3]{y}", "z = √(y)"),
    ],
)
def test_terminal_text(tex, text):
    assert math_to_unicode(tex) == text


# -- the direct reader and pylatexenc agree ------------------------------------------------------


def _bundled_formulas() -> list[str]:
    from derive.registry import build_problem, sets
    from derive.render.view import problem_view

    out = []
    for problem_set in sets():
        for problem_id in problem_set.problem_ids():
            view = problem_view(build_problem(problem_set.id, problem_id))
            for part in view.parts:
                out.append(part.answer_latex)
                for step in part.steps:
                    out += [*step.displays, *([step.claim] if step.claim else [])]
                    out += [s.value for s in step.text if s.kind == "math"]
    return out


def test_every_bundled_formula_reads_as_pylatexenc_reads_it():
    formulas = {_prepare(tex) for tex in _bundled_formulas()}
    assert len(formulas) > 100
    unknown = [tex for tex in formulas if read_text(tex) is None]
    assert unknown == []  # the subset covers what the printer emits
    for tex in formulas:
        assert read_text(tex) == _converter().latex_to_text(tex), tex


def _random_latex(rng: random.Random, depth: int = 0) -> str:
    macros = sorted({*mathtext.SYMBOLS, *mathtext._CONSTANTS, *mathtext._WITH_ARGS, "overline", "dfrac"})
    pieces = ["x", "1", " ", "  ", "+", "-", "=", "(", ")", "[", "]", "'", ",", "_", "^", "|", "&", "λ", "é",
              "\\\\", "\\\\*", "{}", "!", ".", ":", "<"]
    out = []
    for _ in range(rng.randint(0, 6)):
        roll = rng.random()
        if roll < 0.35:
            out.append("\\" + rng.choice(macros) + rng.choice(["", " ", "  "]))
        elif roll < 0.5 and depth < 3:
            out.append("{" + _random_latex(rng, depth + 1) + "}")
        elif roll < 0.55 and depth < 2:
            env = rng.choice(["aligned", "cases", "matrix"])
            out.append(rf"\begin{{{env}}}{_random_latex(rng, depth + 1)}\end{{{env}}}")
        else:
            out.append(rng.choice(pieces))
    return "".join(out)


def test_random_latex_reads_as_pylatexenc_reads_it():
    """Spaces around macros, arguments without braces, nested groups: wherever the direct
    reader answers, it answers as pylatexenc does."""
    rng = random.Random(7)
    known = 0
    for _ in range(3000):
        tex = _random_latex(rng)
        text = read_text(tex)
        if text is not None:
            known += 1
            assert text == _converter().latex_to_text(tex), tex
    assert known > 1000
