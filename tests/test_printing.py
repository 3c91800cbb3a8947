"""The one LaTeX printer: course notation, and only commands KaTeX and MathJax share."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sympy import Identity, Integer, KroneckerDelta, MatrixSymbol, Sum, Symbol, ZeroMatrix, sin

from derive.notation import Boxed, Element, EqChain, Equation, RealSpace, Relation, Words
from derive.ops import Entry, Jacobian, SqNorm
from derive.printing import latex
from derive.relu import ReLU

n = Symbol("n", integer=True, positive=True)
i, j, k = (Symbol(s, integer=True) for s in "ijk")
x, A = MatrixSymbol("x", n, 1), MatrixSymbol("A", n, n)
NAMES = {x: r"\mathbf{x}", A: r"\mathbf{A}"}

CASES = [
    (Jacobian(x.T * A * x, x), r"\frac{\partial}{\partial \mathbf{x}}\left(\mathbf{x}^{T} \mathbf{A} \mathbf{x}\right)"),
    (Jacobian(x.T * x, x, "denominator"), r"\nabla_{\mathbf{x}}\left(\mathbf{x}^{T} \mathbf{x}\right)"),
    (Element(A, RealSpace(n, n)), r"\mathbf{A} \in \mathbb{R}^{n \times n}"),
    (Element(x, RealSpace(n)), r"\mathbf{x} \in \mathbb{R}^{n}"),
    (RealSpace(1, 1), r"\mathbb{R}"),
    (Entry(x.T * A, 1, k), r"\left(\mathbf{x}^{T} \mathbf{A}\right)_{k}"),
    (Entry(A, i, k), r"\left(\mathbf{A}\right)_{ik}"),
    (KroneckerDelta(i, k), r"\delta_{ik}"),
    (SqNorm(x), r"\left\|\mathbf{x}\right\|_{2}^{2}"),
    (Identity(n), "I_{n}"),
    (ZeroMatrix(n, 1), r"\mathbf{0}"),
    (Boxed(Equation(x, x)), r"\boxed{\mathbf{x} = \mathbf{x}}"),
    (Relation(Equation(A, A.T), "iff", Words("always")), r"\mathbf{A} = \mathbf{A}^{T} \iff \text{always}"),
]


@pytest.mark.parametrize("expr, expected", CASES, ids=[type(e).__name__ for e, _ in CASES])
def test_latex(expr, expected):
    assert latex(expr, NAMES) == expected


def test_double_sum_prints_one_sigma_per_index():
    from sympy import IndexedBase

    X, AA = IndexedBase("x"), IndexedBase("A")
    out = latex(Sum(X[i] * AA[i, j] * X[j], (j, 1, n), (i, 1, n)))
    assert out.startswith(r"\sum_{i=1}^{n} \sum_{j=1}^{n}")
    assert "substack" not in out


def test_long_chain_uses_aligned_and_short_chain_stays_inline():
    long = EqChain(*(Jacobian(x.T * A * x, x) for _ in range(3)))
    assert latex(long, NAMES).startswith(r"\begin{aligned}")
    assert latex(EqChain(Integer(1), Integer(1)), NAMES) == "1 = 1"


def test_words_cannot_inject_latex():
    assert latex(Words(r"a \input{x} $b$")) == r"\text{a inputx b}"


@pytest.mark.parametrize("forbidden", [r"\bm", r"\mathbb{1}", r"\mathbb{I}", r"\mathbb{0}", r"\label", r"\eqref", r"\DeclareMathOperator", r"\begin{align}"])
def test_no_commands_outside_katex_and_mathjax(forbidden):
    samples = [latex(e, NAMES) for e, _ in CASES] + [latex(Identity(n) + A), latex(ZeroMatrix(n, n))]
    assert not any(forbidden in s for s in samples)


@pytest.mark.parametrize(
    "expr, expected",
    [
        (-2 * x.T * A, r"- 2 \mathbf{x}^{T} \mathbf{A}"),
        (x.T * (A - A.T), r"\mathbf{x}^{T} \left(\mathbf{A} - \mathbf{A}^{T}\right)"),
        (A - 2 * A.T, r"\mathbf{A} - 2 \mathbf{A}^{T}"),
    ],
)
def test_signs_of_matrix_products(expr, expected):
    assert latex(expr, NAMES) == expected


def test_printing_a_product_does_not_evaluate_its_derivatives(monkeypatch):
    # SymPy decides a product's sign by negating it, which evaluates every Jacobian in it.
    from sympy import MatMul

    def refuse(self, **hints):
        raise AssertionError("printing evaluated a derivative")

    expr = MatMul(Integer(-1), Jacobian(x.T * A * x, x), A)
    monkeypatch.setattr(Jacobian, "doit", refuse)
    assert latex(expr, NAMES).startswith(r"- \frac{\partial}{\partial \mathbf{x}}")


# -- what the printer keeps between formulas ------------------------------------------------------

z = Symbol("z")


@pytest.mark.parametrize(
    "first, second",
    [
        (lambda: sin(z) ** 2, lambda: sin(z)),  # a function's power is printed by the function
        (lambda: sin(z), lambda: sin(z) ** 2),
        (lambda: ReLU(z) ** 2, lambda: ReLU(z)),
        (lambda: ReLU(z), lambda: ReLU(z) ** 2),
    ],
)
def test_a_part_printed_with_an_exponent_is_not_reused_without_it(first, second):
    expected = {
        sin(z): r"\sin{\left(z \right)}",
        sin(z) ** 2: r"\sin^{2}{\left(z \right)}",
        ReLU(z): r"\operatorname{ReLU}\left(z\right)",
        ReLU(z) ** 2: r"\operatorname{ReLU}\left(z\right)^{2}",
    }
    for expr in (first(), second()):
        assert latex(expr) == expected[expr]


def test_the_same_part_in_another_notation_prints_in_that_notation():
    assert latex(A * x, NAMES) == r"\mathbf{A} \mathbf{x}"
    assert latex(A * x) == "A x"
    assert latex(Equation(A * x, x), NAMES) == r"\mathbf{A} \mathbf{x} = \mathbf{x}"


# -- a Gaussian's normalising constant ------------------------------------------------------------

lam = Symbol("lambda", positive=True)


@pytest.mark.parametrize(
    "exponent", [-n / 2, -(n + k) / 2, -n * k / 3, n**2 - n, 1 - n, -n / 2 + sin(n), Integer(-3) / 2, k - k * n / 2]
)
def test_quick_constancy_answers_as_sympy_does(exponent):
    from sympy import Expr

    from derive.printing import _polynomial_is_constant

    assert _polynomial_is_constant(exponent) == Expr.is_constant(exponent)


def test_printing_a_negative_symbolic_power_does_not_simplify():
    """SymPy asks whether such an exponent is constant, by simplifying it; the first
    simplify of a process imports sympy.physics. The printer answers without it."""
    code = (
        "import sys\n"
        "from sympy import Symbol, exp, pi\n"
        "from derive.printing import latex\n"
        "n, lam, y = Symbol('n', integer=True, positive=True), Symbol('lambda', positive=True), Symbol('y')\n"
        "print(latex((2 * pi * lam) ** (-n / 2) * exp(-y / (2 * lam))))\n"
        "print('sympy.physics' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [r"\left(2 \pi \lambda\right)^{- \frac{n}{2}} e^{- \frac{y}{2 \lambda}}", "False"]
