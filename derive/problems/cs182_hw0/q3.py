"""Problem 3 — least squares (tall X) and the minimum-norm solution (wide X) through the SVD.

Every claim is decided by the verifier, never restated from a derivation:

* calculus steps (gradients, Hessians, the Lagrangian) are recomputed by SymPy's matrix
  calculus in the course's numerator layout;
* the SVD substitutions are proved for symbolic sizes by :class:`derive.linalg.SVD`
  (UᵀU = I, VᵀV = I, and the exact block model Σ = [D; 0] or [D 0]) and cross-checked
  on exact instances (Cayley-transform U and V, symbolic σ_i > 0);
* "minimizes", "minimum-norm", "unique solution", "invertible", "singular" are claims
  of :mod:`derive.linalg` with their own checkers (gradient + positive definite
  Hessian; feasibility + row space / null space; affine with invertible coefficient;
  structural reasons plus exact determinants).
"""

from __future__ import annotations

import dataclasses

from sympy import (
    Basic,
    BlockMatrix,
    Identity,
    ImmutableMatrix,
    Integer,
    Inverse,
    Min,
    MatAdd,
    MatMul,
    MatrixSymbol,
    Rational,
    Symbol,
    Transpose,
    Tuple,
    ZeroMatrix,
)

from derive.claims import Chain, Equal, Given, HasShape, Shapes
from derive.linalg import (
    SVD,
    Dimensions,
    FullColumnRank,
    FullRowRank,
    Invertible,
    Minimizer,
    MinNormSolution,
    OneByOne,
    PositiveDefinite,
    Singular,
    Tall,
    UniqueSolution,
    Wide,
)
from derive.model import Kind, Part, Problem, Step, text
from derive.notation import ArgMin, Boxed, Diag, Element, EqChain, Equation, Rank, RealSpace, Relation, Size
from derive.ops import Jacobian, SqNorm

# -- symbols -----------------------------------------------------------------------------------

m = Symbol("m", integer=True, positive=True)
n = Symbol("n", integer=True, positive=True)
X = MatrixSymbol("X", m, n)
y = MatrixSymbol("y", m, 1)
w = MatrixSymbol("w", n, 1)
lam = MatrixSymbol("lambda", m, 1)  # Lagrange multipliers, one per equation of Xw = y
v = MatrixSymbol("v", n, 1)  # a direction in the null space of X
U = MatrixSymbol("U", m, m)
V = MatrixSymbol("V", n, n)
S = MatrixSymbol("Sigma", m, n)
Sd = MatrixSymbol("Sigma_dagger", n, m)  # the statement's Σ†
D_TALL = MatrixSymbol("D", n, n)  # diag(σ_1, …, σ_n) when m > n
D_WIDE = MatrixSymbol("D", m, m)  # diag(σ_1, …, σ_m) when m < n
W_STAR = MatrixSymbol("w_star", n, 1)  # display name of the solution
A = MatrixSymbol("A", n, m)  # (c): the left inverse
B = MatrixSymbol("B", n, m)  # (f): the right inverse
L = Symbol("L")  # display name of the Lagrangian

SYMBOLS = {
    y: r"\mathbf{y}",
    w: r"\mathbf{w}",
    v: r"\mathbf{v}",
    lam: r"\boldsymbol{\lambda}",
    Sd: r"{\Sigma^{\dagger}}",
    W_STAR: r"{\mathbf{w}^{*}}",
}

SIGMA_1 = Symbol("sigma_1", positive=True)
SIGMA_N = Symbol("sigma_n", positive=True)
SIGMA_M = Symbol("sigma_m", positive=True)
SIGMA_I = Symbol("sigma_i", positive=True)
i = Symbol("i", integer=True, positive=True)  # a diagonal position, in prose

# -- facts -------------------------------------------------------------------------------------

TALL = Given((Tall(X), FullColumnRank(X)))
WIDE = Given((Wide(X), FullRowRank(X)))
SVD_TALL_FACT = SVD(X, U, S, V, D_TALL, Sd)
SVD_WIDE_FACT = SVD(X, U, S, V, D_WIDE, Sd)
SVD_TALL = Given((SVD_TALL_FACT,)) + TALL
SVD_WIDE = Given((SVD_WIDE_FACT,)) + WIDE

# The same model without the general proof: exact instances only, at several shapes.
TALL_SHAPES = Shapes.of({m: 2, n: 1}, {m: 3, n: 1}, {m: 3, n: 2}, {m: 4, n: 2}, {m: 4, n: 3})
WIDE_SHAPES = Shapes.of({m: 1, n: 2}, {m: 1, n: 3}, {m: 2, n: 3}, {m: 2, n: 4}, {m: 3, n: 4})
SVD_TALL_INSTANCES = Given((dataclasses.replace(SVD_TALL_FACT, instances_only=True), TALL_SHAPES))
SVD_WIDE_INSTANCES = Given((dataclasses.replace(SVD_WIDE_FACT, instances_only=True), WIDE_SHAPES))

# -- expressions shared by the parts ---------------------------------------------------------------

RESIDUAL = X * w - y
OBJECTIVE = SqNorm(RESIDUAL)
LS = MatMul(Inverse(MatMul(X.T, X)), X.T, y)  # (XᵀX)⁻¹Xᵀy
MIN_NORM = MatMul(X.T, Inverse(MatMul(X, X.T)), y)  # Xᵀ(XXᵀ)⁻¹y
PINV_SOLUTION = MatMul(V, Sd, U.T, y)  # VΣ†Uᵀy
SVD_X = MatMul(U, S, V.T)
LEFT = MatMul(Inverse(MatMul(X.T, X)), X.T)  # A
RIGHT = MatMul(X.T, Inverse(MatMul(X, X.T)))  # B


def _zero(rows, cols) -> ZeroMatrix:
    return ZeroMatrix(rows, cols)


def _step(title: str, words, claim=None, display=()) -> Step:
    return Step(Kind.STEP, title, words, display=tuple(display), claim=claim)


def _note(title: str, words, claim=None, display=()) -> Step:
    return Step(Kind.NOTE, title, words, display=tuple(display), claim=claim)


def _exact_check(solution: Basic, instances: Given) -> Step:
    """The note of (b) and (e): the solution checked against the pseudo-inverse form on exact SVD instances."""
    return _note(
        "Exact check on several shapes",
        text(
            "Independently of the general proof above, the verifier builds exact instances of the SVD "
            "({} and {} orthogonal as Cayley transforms of seeded rational skew-symmetric matrices, the "
            "singular values positive symbols, {} multiplied out) at each of the sizes listed in the "
            "verdict, and compares the first and last lines of the simplification exactly:",
            U,
            V,
            Equation(X, SVD_X),
        ),
        claim=Equal(solution, PINV_SOLUTION, instances),
    )


# -- (a) ---------------------------------------------------------------------------------------------


def part_a() -> Part:
    expanded_4 = MatAdd(
        MatMul(w.T, X.T, X, w), -MatMul(w.T, X.T, y), -MatMul(y.T, X, w), MatMul(y.T, y), evaluate=False
    )
    expanded = MatAdd(MatMul(w.T, X.T, X, w), MatMul(-2, y.T, X, w), MatMul(y.T, y), evaluate=False)
    gram = MatMul(X.T, X)
    quad = MatMul(w.T, gram, w)
    linear = MatMul(y.T, X, w)
    gradient_row = MatAdd(MatMul(2, w.T, X.T, X), MatMul(-2, y.T, X), evaluate=False)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Data: {} with {} (more rows than columns), labels {}, weights {}. The residual {} is a column "
                "vector in {}, and the objective {} is a scalar function of {}. The norm is the Euclidean one, so "
                "the objective is the inner product of the residual with itself:",
                Element(X, RealSpace(m, n)),
                Relation(m, "gt", n),
                Element(y, RealSpace(m)),
                Element(w, RealSpace(n)),
                RESIDUAL,
                RealSpace(m),
                OBJECTIVE,
                w,
            ),
            claim=Equal(OBJECTIVE, MatMul(Transpose(RESIDUAL), RESIDUAL), TALL),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Normal equations by vector calculus in the numerator layout (problem 2): expand the objective, "
                "differentiate term by term, set the derivative (a row vector) to zero and solve. Then the "
                "second-order condition: the Hessian is constant and positive definite, so the objective is "
                "strictly convex and the stationary point is its unique global minimizer."
            ),
        ),
        _note(
            "Rank assumption",
            text(
                "{} alone does not make {} invertible (a repeated column gives {} and a singular {}). "
                "The solution assumes {} has full column rank, {}, the generic case; then {} is invertible "
                "because it is positive definite:",
                Relation(m, "gt", n),
                gram,
                Relation(m, "gt", n),
                gram,
                X,
                FullColumnRank(X).statement(),
                gram,
            ),
            claim=Invertible(gram, TALL),
        ),
        _step(
            "Expand the objective",
            text(
                "Multiply out; the two cross terms are {} matrices, and a {} matrix equals its transpose, so {}:",
                Size(1, 1),
                Size(1, 1),
                Equation(MatMul(w.T, X.T, y), linear),
            ),
            claim=Chain((MatMul(Transpose(RESIDUAL), RESIDUAL), expanded_4, expanded), Given((OneByOne(),))),
        ),
        _step(
            "Shape of the derivative",
            text(
                "The objective is a scalar and {} a column vector in {}, so its derivative is a row vector:",
                w,
                RealSpace(n),
            ),
            claim=HasShape(Jacobian(expanded, w), Integer(1), n),
        ),
        _step(
            "Differentiate the quadratic term",
            text(
                "Problem 2(d) with the {} matrix {} gives {}; here {} is symmetric, so the two terms agree:",
                Size(n, n),
                gram,
                MatMul(w.T, MatAdd(gram, Transpose(gram), evaluate=False)),
                gram,
            ),
            claim=Chain(
                (Jacobian(quad, w), MatMul(w.T, MatAdd(gram, Transpose(gram), evaluate=False)), MatMul(2, w.T, X.T, X))
            ),
        ),
        _step(
            "Differentiate the linear term",
            text(
                "{} is the inner product of {} with the constant vector {}, so problem 2(a) gives the transpose "
                "of that vector:",
                linear,
                w,
                MatMul(X.T, y),
            ),
            claim=Chain((Jacobian(linear, w), Transpose(MatMul(X.T, y)), MatMul(y.T, X))),
        ),
        _step(
            "The derivative",
            text("The constant {} contributes nothing; adding the terms:", MatMul(y.T, y)),
            claim=Chain((Jacobian(expanded, w), gradient_row, MatMul(2, Transpose(RESIDUAL), X))),
        ),
        _step(
            "Normal equations",
            text(
                "Setting the derivative to zero and transposing gives the normal equations {}. Their coefficient "
                "{} is invertible (rank assumption), so they have exactly one solution:",
                Equation(MatMul(gram, w), MatMul(X.T, y)),
                gram,
            ),
            claim=UniqueSolution(gradient_row, _zero(1, n), w, LS, TALL),
        ),
        _step(
            "Hessian",
            text("Differentiating the transposed derivative once more gives a constant {} matrix:", Size(n, n)),
            claim=Equal(Jacobian(gradient_row.T, w), MatMul(2, X.T, X)),
        ),
        _step(
            "Positive definite",
            text(
                "For every nonzero {}: {}, and {} because {} has full column rank. So the Hessian is positive "
                "definite and the objective is strictly convex:",
                v,
                Equation(MatMul(v.T, X.T, X, v), SqNorm(MatMul(X, v))),
                Relation(MatMul(X, v), "ne", _zero(m, 1)),
                X,
            ),
            claim=PositiveDefinite(MatMul(2, X.T, X), TALL),
        ),
        _note(
            "What the normal equations say",
            text(
                "At the solution the residual is orthogonal to every column of {} (this is the geometry of least "
                "squares: {} is the orthogonal projection of {} onto the column space of {}):",
                X,
                MatMul(X, W_STAR),
                y,
                X,
            ),
            claim=Equal(MatMul(X.T, MatAdd(y, -MatMul(X, LS))), _zero(n, 1), TALL),
        ),
        _note(
            "Without full column rank",
            text(
                "If {}, {} is singular: the normal equations still have solutions, but infinitely many "
                "(any solution plus any vector of the null space of {}), and every one of them minimizes the "
                "objective. The formula below then does not apply; the minimum-norm minimizer is {} with the "
                "pseudo-inverse of {} ({} for each nonzero {}, 0 for the others). For example, with two equal "
                "columns:",
                Relation(Rank(X), "lt", n),
                gram,
                X,
                PINV_SOLUTION,
                S,
                1 / SIGMA_I,
                SIGMA_I,
            ),
            claim=Singular(MatMul(ImmutableMatrix([[1, 1], [1, 1], [1, 1]]).T, ImmutableMatrix([[1, 1], [1, 1], [1, 1]]))),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text("The unique minimizer (assuming {}):", Equation(Rank(X), n)),
            display=(Boxed(EqChain(W_STAR, ArgMin(OBJECTIVE, w), LS)),),
            claim=Minimizer(OBJECTIVE, w, LS, TALL),
        ),
    )
    prompt = text(
        "First take {} (more data points than features: overdetermined). Find the {} that minimizes {}.",
        Relation(m, "gt", n),
        w,
        OBJECTIVE,
    )
    return Part("a", prompt, steps)


# -- Σ bookkeeping, shared by (b) and (e) ----------------------------------------------------------------


def _bookkeeping(fact: SVD, given: Given) -> tuple[Step, ...]:
    """The sizes of Σ, Σᵀ, ΣᵀΣ, ΣΣᵀ, Σ†, which products are square, which are invertible."""
    blocks = fact.blocks()
    sigma, pinv = blocks[S], blocks[Sd]
    d = fact.D
    k = d.shape[0]
    tall = fact.tall
    small, big = (n, m) if tall else (m, n)  # ΣᵀΣ is n×n, ΣΣᵀ is m×m
    last = SIGMA_N if tall else SIGMA_M
    gram_small = MatMul(S.T, S) if tall else MatMul(S, S.T)  # the invertible one
    gram_big = MatMul(S, S.T) if tall else MatMul(S.T, S)  # the singular one
    block_small = MatMul(sigma.T, sigma) if tall else MatMul(sigma, sigma.T)
    block_big = MatMul(sigma, sigma.T) if tall else MatMul(sigma.T, sigma)
    big_model = BlockMatrix([[d**2, _zero(k, big - k)], [_zero(big - k, k), _zero(big - k, big - k)]])
    if tall:
        pinv_form = MatMul(Inverse(MatMul(S.T, S)), S.T)
        pinv_steps = (pinv_form, MatMul(Inverse(d**2), sigma.T), pinv, Sd)
    else:
        pinv_form = MatMul(S.T, Inverse(MatMul(S, S.T)))
        pinv_steps = (pinv_form, MatMul(sigma.T, Inverse(d**2)), pinv, Sd)
    shape_words = "tall" if tall else "wide"
    return (
        _step(
            "Sizes",
            text(
                "Dimension bookkeeping for the {} case. {} has the shape of {} and {} the shape of {}; the two "
                "Gram products of {} are both square, of different sizes:",
                Relation(m, "gt" if tall else "lt", n),
                S,
                X,
                Sd,
                X.T,
                S,
            ),
            claim=Dimensions(
                (
                    Element(S, RealSpace(m, n)),
                    Element(S.T, RealSpace(n, m)),
                    Element(MatMul(S.T, S), RealSpace(n, n)),
                    Element(MatMul(S, S.T), RealSpace(m, m)),
                    Element(Sd, RealSpace(n, m)),
                ),
                given,
            ),
        ),
        _step(
            "Σ in blocks",
            text(
                f"{{}} is {shape_words} of full rank {{}}, so its {{}} singular values are all positive. They form "
                f"the diagonal of {{}}, the top-left block of {{}}; the other {'rows' if tall else 'columns'} of {{}} "
                "are zero:",
                X,
                k,
                k,
                Equation(d, Diag(SIGMA_1, last)),
                S,
                S,
            ),
            claim=Equal(S, sigma, given),
        ),
        _step(
            "Σ† in blocks",
            text("{} has the shape of {}, with {} in the same positions:", Sd, S.T, 1 / SIGMA_I),
            claim=Equal(Sd, pinv, given),
        ),
        _step(
            f"The {small}×{small} Gram product is invertible",
            text(
                "Multiplying the blocks (the zero block contributes nothing) and using {} ({} is diagonal):",
                Equation(d.T, d),
                d,
            ),
            claim=Chain((gram_small, block_small, MatMul(d.T, d) if tall else MatMul(d, d.T), d**2), given),
        ),
        _step(
            "Its inverse exists",
            text(
                "{} with every {}, so its determinant, the product of the {}, is positive:",
                Equation(d**2, Diag(SIGMA_1**2, last**2)),
                Relation(SIGMA_I, "gt", Integer(0)),
                SIGMA_I**2,
            ),
            claim=Invertible(gram_small, given),
        ),
        _step(
            f"The {big}×{big} Gram product is singular",
            text(
                "The other Gram product is square too, but only its top-left block is nonzero: it has rank {}, "
                "less than its size {}, so it has no inverse:",
                k,
                big,
            ),
            claim=Chain((gram_big, block_big, big_model), given),
        ),
        _step(
            "Not invertible",
            text("Its determinant vanishes:"),
            claim=Singular(gram_big, given),
        ),
        _step(
            "Σ† from the invertible product",
            text(
                "Hence the combination that appears below is exactly the statement's {} ({}):",
                Sd,
                Equation(Inverse(d), Diag(1 / SIGMA_1, 1 / last)),
            ),
            claim=Chain(pinv_steps, given),
        ),
    )


def _svd_note() -> Step:
    return _note(
        "Reading of the statement",
        text(
            "\"Orthonormal\" {} and {} are read as orthogonal matrices: {} and {} (square with orthonormal columns, "
            "so also {} and {}). \"{} has the non-zero singular values on its diagonal\" and \"{} has {} on its "
            "diagonal\" (the entries in positions {}, {}, of a rectangular matrix) presume every "
            "diagonal entry {} is nonzero, i.e. {} has full rank {}; that is the "
            "reading used. For a rank-deficient {} some {} and {} is undefined: the Moore-Penrose "
            "convention puts 0 there, and with that convention the formula below gives the minimum-norm "
            "least-squares solution.",
            U,
            V,
            Equation(MatMul(U.T, U), Identity(m)),
            Equation(MatMul(V.T, V), Identity(n)),
            Equation(MatMul(U, U.T), Identity(m)),
            Equation(MatMul(V, V.T), Identity(n)),
            S,
            Sd,
            1 / SIGMA_I,
            Tuple(i, i),
            Relation(i, "le", Min(m, n)),
            SIGMA_I,
            X,
            Min(m, n),
            X,
            Equation(SIGMA_I, Integer(0)),
            1 / SIGMA_I,
        ),
    )


# -- (b) ---------------------------------------------------------------------------------------------


def part_b() -> Part:
    given = SVD_TALL
    t0 = LS
    t1 = MatMul(Inverse(MatMul(Transpose(SVD_X), SVD_X)), Transpose(SVD_X), y)
    t2 = MatMul(Inverse(MatMul(V, S.T, U.T, U, S, V.T)), V, S.T, U.T, y)
    t3 = MatMul(Inverse(MatMul(V, S.T, S, V.T)), V, S.T, U.T, y)
    t4 = MatMul(Inverse(V.T), Inverse(MatMul(S.T, S)), Inverse(V), V, S.T, U.T, y)
    t5 = MatMul(V, Inverse(MatMul(S.T, S)), V.T, V, S.T, U.T, y)
    t6 = MatMul(V, Inverse(MatMul(S.T, S)), S.T, U.T, y)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Still {}. Full SVD: {}, {}, {}, and {}. Substitute it into the answer of (a) and simplify until "
                "only {}, {}, {} and {} remain.",
                Relation(m, "gt", n),
                Element(U, RealSpace(m, m)),
                Element(S, RealSpace(m, n)),
                Element(V, RealSpace(n, n)),
                Element(Sd, RealSpace(n, m)),
                U,
                V,
                Sd,
                y,
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Substitute the SVD; use {} and {}, and invert a product only when every factor is square and "
                "invertible. The dimension bookkeeping of {} comes first, because it decides which products can be "
                "inverted.",
                Equation(MatMul(U.T, U), Identity(m)),
                Equation(MatMul(V.T, V), Identity(n)),
                S,
            ),
        ),
        _svd_note(),
        *_bookkeeping(SVD_TALL_FACT, given),
        _step("Substitute the SVD", text("Replace {} by {}:", X, SVD_X), claim=Equal(t0, t1, given)),
        _step(
            "Transpose of a product",
            text("{} (the order reverses):", Equation(Transpose(SVD_X), MatMul(V, S.T, U.T))),
            claim=Equal(t1, t2, given),
        ),
        _step(
            "Cancel U",
            text("{} in the middle of the product:", Equation(MatMul(U.T, U), Identity(m))),
            claim=Equal(t2, t3, given),
        ),
        _step(
            "Invert a product of square factors",
            text(
                "{} is a product of three {} invertible matrices ({} is orthogonal, {} is invertible by the "
                "bookkeeping), so its inverse is the product of the inverses in reverse order:",
                MatMul(V, S.T, S, V.T),
                Size(n, n),
                V,
                MatMul(S.T, S),
            ),
            claim=Equal(t3, t4, given),
        ),
        _note(
            "The tempting wrong step",
            text(
                "The same move on {} itself is not allowed: {} with {}, so {} does not exist and "
                "{} cannot be split into inverses of {} and its transpose. Only the square {} factors of the SVD "
                "form can be split.",
                Inverse(MatMul(X.T, X)),
                Element(X, RealSpace(m, n)),
                Relation(m, "ne", n),
                Inverse(X),
                Inverse(MatMul(X.T, X)),
                X,
                Size(n, n),
            ),
            claim=HasShape(MatMul(X.T, X), n, n),
        ),
        _step(
            "Inverse of an orthogonal matrix",
            text("{} and {}:", Equation(Inverse(V), V.T), Equation(Inverse(V.T), V)),
            claim=Equal(t4, t5, given),
        ),
        _step("Cancel V", text("{}:", Equation(MatMul(V.T, V), Identity(n))), claim=Equal(t5, t6, given)),
        _step(
            "Recognise Σ†",
            text("By the bookkeeping, {}:", Equation(MatMul(Inverse(MatMul(S.T, S)), S.T), Sd)),
            claim=Equal(t6, PINV_SOLUTION, given),
        ),
        _exact_check(LS, SVD_TALL_INSTANCES),
        Step(
            Kind.ANSWER,
            "Answer",
            text("The least-squares solution, with the verifier checking again that it minimizes the objective:"),
            display=(Boxed(EqChain(W_STAR, ArgMin(OBJECTIVE, w), PINV_SOLUTION)),),
            claim=Minimizer(OBJECTIVE, w, PINV_SOLUTION, given),
        ),
    )
    prompt = text("Plug in the SVD {} and simplify. Be careful with dimensions!", Equation(X, SVD_X))
    return Part("b", prompt, steps)


# -- (c) ---------------------------------------------------------------------------------------------


def part_c() -> Part:
    given = SVD_TALL
    blocks = SVD_TALL_FACT.blocks()
    sigma, pinv = blocks[S], blocks[Sd]
    d = D_TALL
    projector = MatMul(X, LEFT)
    corner = BlockMatrix([[Identity(n), _zero(n, m - n)], [_zero(m - n, n), _zero(m - n, m - n)]])
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "From (a) and (b), {} with {}, so {}. \"Left-multiplying {} by {}\" is the product {}. The question "
                "is which identity it is (of which size), and what the product in the other order, {}, is.",
                Equation(W_STAR, MatMul(A, y)),
                Equation(A, LEFT),
                Element(A, RealSpace(n, m)),
                X,
                A,
                Element(MatMul(A, X), RealSpace(n, n)),
                Element(MatMul(X, A), RealSpace(m, m)),
            ),
            claim=Chain((LEFT, MatMul(V, Sd, U.T)), given),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text("Multiply, in the normal-equations form and in the SVD form; then the other order."),
        ),
        _step(
            "Left inverse",
            text("The inverse of {} cancels it:", MatMul(X.T, X)),
            claim=Chain((MatMul(LEFT, X), MatMul(Inverse(MatMul(X.T, X)), MatMul(X.T, X)), Identity(n)), TALL),
        ),
        _step(
            "Σ†Σ is the n×n identity",
            text("In blocks, only the invertible {} meets its inverse:", d),
            claim=Chain((MatMul(Sd, S), MatMul(pinv, sigma), MatMul(Inverse(d), d), Identity(n)), given),
        ),
        _step(
            "The same in the SVD form",
            text(
                "With {}, then {} (previous step) and {}:",
                Equation(MatMul(U.T, U), Identity(m)),
                Equation(MatMul(Sd, S), Identity(n)),
                Equation(MatMul(V, V.T), Identity(n)),
            ),
            claim=Chain(
                (MatMul(MatMul(V, Sd, U.T), SVD_X), MatMul(V, Sd, S, V.T), MatMul(V, V.T), Identity(n)), given
            ),
        ),
        _step(
            "ΣΣ† is not the m×m identity",
            text(
                "In the other order the product is {}, and its last {} rows and columns are zero, because "
                "{} has only {} columns:",
                Size(m, m),
                m - n,
                S,
                n,
            ),
            claim=Chain((MatMul(S, Sd), MatMul(sigma, pinv), corner), given),
        ),
        _step(
            "The other order",
            text("So {} is {} times that block matrix times {}:", MatMul(X, A), U, U.T),
            claim=Chain((projector, MatMul(SVD_X, V, Sd, U.T), MatMul(U, S, Sd, U.T), MatMul(U, corner, U.T)), given),
        ),
        _step(
            "XA is singular",
            text(
                "It has rank {}, so it is not the {} identity (no right inverse exists for a tall {}):",
                Relation(n, "lt", m),
                Size(m, m),
                X,
            ),
            claim=Singular(projector, given),
        ),
        _step(
            "XA is a projection",
            text(
                "{} is idempotent, symmetric and fixes the columns of {}; so it is the orthogonal projection onto the "
                "column space of {}:",
                MatMul(X, A),
                X,
                X,
            ),
            claim=Equal(MatMul(projector, projector), projector, TALL),
        ),
        _step(
            "Symmetric",
            text("The transpose of {} is {}:", MatMul(X, A), MatMul(X, A)),
            claim=Equal(Transpose(projector), projector, TALL),
        ),
        _step(
            "Fixes the columns of X",
            text("Applied to {} it returns {}:", X, X),
            claim=Equal(MatMul(projector, X), X, TALL),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "{} is the {} identity, so {} is a left inverse of {}. In the other order {} is {}, equal to "
                "{} (the orthogonal projection onto the column space of {}), singular, and not the {} identity.",
                MatMul(A, X),
                Size(n, n),
                A,
                X,
                MatMul(X, A),
                Size(m, m),
                MatMul(U, corner, U.T),
                X,
                Size(m, m),
            ),
            display=(Boxed(Equation(MatMul(A, X), Identity(n))),),
            claim=Equal(MatMul(LEFT, X), Identity(n), TALL),
        ),
    )
    prompt = text(
        "You will often see the solution of (b) written as {}. What happens when we left-multiply {} by {}? "
        "(This is why {} is called a left inverse.)",
        Equation(W_STAR, MatMul(A, y)),
        X,
        A,
        A,
    )
    return Part("c", prompt, steps)


# -- (d) ---------------------------------------------------------------------------------------------


def part_d() -> Part:
    lagrangian = MatAdd(MatMul(w.T, w), MatMul(lam.T, MatAdd(MatMul(X, w), -y)), evaluate=False)
    stationary_w = MatMul(Rational(-1, 2), X.T, lam)
    lam_star = MatMul(-2, Inverse(MatMul(X, X.T)), y)
    dl_dw = MatAdd(MatMul(2, w.T), MatMul(lam.T, X), evaluate=False)
    constraint_lhs = MatMul(Rational(-1, 2), X, X.T, lam)
    gram = MatMul(X, X.T)
    w_v = MatAdd(MIN_NORM, v, evaluate=False)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Now {}: {} has more unknowns ({}) than equations ({}). Assuming {} has full row rank, {}, the "
                "system {} has a solution for every {}, and the solutions form an affine set of dimension {}: "
                "infinitely many. Among them we want the one of smallest squared norm {}.",
                Relation(m, "lt", n),
                Element(X, RealSpace(m, n)),
                n,
                m,
                X,
                FullRowRank(X).statement(),
                Equation(MatMul(X, w), y),
                Element(y, RealSpace(m)),
                n - m,
                SqNorm(w),
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Lagrange multipliers: one multiplier per equation, collected in {}; set both partial "
                "derivatives of the Lagrangian to zero and solve. Because the objective is convex and the "
                "constraint affine, the stationary point is the minimizer; the verifier confirms this "
                "independently (feasible, and orthogonal to the null space of {}).",
                Element(lam, RealSpace(m)),
                X,
            ),
        ),
        _note(
            "Rank assumption",
            text(
                "Full row rank makes the {} matrix {} invertible (positive definite). Without it, {} is solvable "
                "only for {} in the column space of {}, {} is singular and the formula below does not apply; if the "
                "system is solvable, the minimum-norm solution is still {} with the pseudo-inverse of {}.",
                Size(m, m),
                gram,
                Equation(MatMul(X, w), y),
                y,
                X,
                gram,
                PINV_SOLUTION,
                S,
            ),
            claim=Invertible(gram, WIDE),
        ),
        _step(
            "The Lagrangian",
            text(
                "{} (a scalar: {} is {}). Its derivative with respect to {} (a row vector, numerator layout):",
                Relation(L, "def", lagrangian),
                MatMul(lam.T, MatAdd(MatMul(X, w), -y)),
                Size(1, 1),
                w,
            ),
            claim=Equal(Jacobian(lagrangian, w), dl_dw),
        ),
        _step(
            "Derivative in λ",
            text("With respect to {} it returns the constraint, transposed:", lam),
            claim=Equal(Jacobian(lagrangian, lam), Transpose(MatAdd(MatMul(X, w), -y))),
        ),
        _step(
            "Stationary in w",
            text(
                "Setting the first derivative to zero determines {} in terms of {} (the coefficient of {} is {}):",
                w,
                lam,
                w,
                MatMul(2, Identity(n)),
            ),
            claim=UniqueSolution(dl_dw, _zero(1, n), w, stationary_w, WIDE),
        ),
        _step(
            "Feasibility fixes λ",
            text(
                "Setting the second derivative to zero is the constraint. Substituting {} gives an {} system for {} "
                "with coefficient {}, invertible by the rank assumption:",
                w,
                Size(m, m),
                lam,
                MatMul(Rational(-1, 2), gram),
            ),
            claim=UniqueSolution(constraint_lhs, y, lam, lam_star, WIDE),
        ),
        _step(
            "Back-substitute",
            text("Put {} into the expression for {}:", lam, w),
            claim=Chain((MatMul(Rational(-1, 2), X.T, lam_star), MIN_NORM)),
        ),
        _step(
            "It solves the system",
            text("The candidate satisfies the constraint:"),
            claim=Chain((MatMul(X, MIN_NORM), MatMul(gram, Inverse(gram), y), y), WIDE),
        ),
        _step(
            "Why it is the smallest",
            text(
                "Every solution is {} plus some {} with {} (the difference of two solutions lies in the null space). "
                "Expanding the squared norm of such a solution:",
                W_STAR,
                v,
                Equation(MatMul(X, v), _zero(m, 1)),
            ),
            claim=Equal(
                MatMul(Transpose(w_v), w_v),
                MatAdd(
                    MatMul(Transpose(MIN_NORM), MIN_NORM),
                    MatMul(2, Transpose(MatMul(X, v)), Inverse(gram), y),
                    MatMul(v.T, v),
                    evaluate=False,
                ),
                Given((OneByOne(),)),
            ),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "The middle term contains {}, so it vanishes: every other solution has squared norm {} plus {}, "
                "strictly larger unless {}. So the stationary point is the minimum-norm solution (assuming "
                "{}). The verifier checks this independently: the candidate is feasible and lies in the "
                "row space of {} (hence is orthogonal to the null space), and on exact instances it is orthogonal "
                "to a computed basis of the null space.",
                MatMul(X, v),
                SqNorm(W_STAR),
                SqNorm(v),
                Equation(v, _zero(n, 1)),
                Equation(Rank(X), m),
                X,
            ),
            display=(Boxed(EqChain(W_STAR, ArgMin(SqNorm(w), w, Equation(MatMul(X, w), y)), MIN_NORM)),),
            claim=MinNormSolution(X, y, w, MIN_NORM, WIDE),
        ),
    )
    prompt = text(
        "Now take {} (fewer data points than features: underdetermined, infinitely many solutions). Find the "
        "minimum-norm solution: minimize {} subject to {}.",
        Relation(m, "lt", n),
        SqNorm(w),
        Equation(MatMul(X, w), y),
    )
    return Part("d", prompt, steps)


# -- (e) ---------------------------------------------------------------------------------------------


def part_e() -> Part:
    given = SVD_WIDE
    t0 = MIN_NORM
    t1 = MatMul(Transpose(SVD_X), Inverse(MatMul(SVD_X, Transpose(SVD_X))), y)
    t2 = MatMul(V, S.T, U.T, Inverse(MatMul(U, S, V.T, V, S.T, U.T)), y)
    t3 = MatMul(V, S.T, U.T, Inverse(MatMul(U, S, S.T, U.T)), y)
    t4 = MatMul(V, S.T, U.T, Inverse(U.T), Inverse(MatMul(S, S.T)), Inverse(U), y)
    t5 = MatMul(V, S.T, U.T, U, Inverse(MatMul(S, S.T)), U.T, y)
    t6 = MatMul(V, S.T, Inverse(MatMul(S, S.T)), U.T, y)
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "Still {}. The same full SVD, {}, now with a wide {}: {}, {}, {}, {}.",
                Relation(m, "lt", n),
                Equation(X, SVD_X),
                S,
                Element(U, RealSpace(m, m)),
                Element(S, RealSpace(m, n)),
                Element(V, RealSpace(n, n)),
                Element(Sd, RealSpace(n, m)),
            ),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text(
                "Substitute the SVD into the answer of (d), cancel the orthogonal factors and read off {} by the "
                "bookkeeping. The roles of the two Gram products of {} are swapped compared with (b).",
                Sd,
                S,
            ),
        ),
        *_bookkeeping(SVD_WIDE_FACT, given),
        _step("Substitute the SVD", text("Replace {} by {}:", X, SVD_X), claim=Equal(t0, t1, given)),
        _step(
            "Transposes",
            text("{} (the order reverses):", Equation(Transpose(SVD_X), MatMul(V, S.T, U.T))),
            claim=Equal(t1, t2, given),
        ),
        _step("Cancel V", text("{} in the middle:", Equation(MatMul(V.T, V), Identity(n))), claim=Equal(t2, t3, given)),
        _step(
            "Invert a product of square factors",
            text(
                "{} is a product of three {} invertible matrices ({} is orthogonal, {} is invertible by the "
                "bookkeeping):",
                MatMul(U, S, S.T, U.T),
                Size(m, m),
                U,
                MatMul(S, S.T),
            ),
            claim=Equal(t3, t4, given),
        ),
        _step(
            "Inverse of an orthogonal matrix",
            text("{} and {}:", Equation(Inverse(U), U.T), Equation(Inverse(U.T), U)),
            claim=Equal(t4, t5, given),
        ),
        _step("Cancel U", text("{}:", Equation(MatMul(U.T, U), Identity(m))), claim=Equal(t5, t6, given)),
        _step(
            "Recognise Σ†",
            text("By the bookkeeping, {}:", Equation(MatMul(S.T, Inverse(MatMul(S, S.T))), Sd)),
            claim=Equal(t6, PINV_SOLUTION, given),
        ),
        _note(
            "One formula for both cases",
            text(
                "This is the same expression as in (b): {} is the pseudo-inverse of {} in both the tall and the "
                "wide case; only the shape of {} (and which Gram product of {} is invertible) changes.",
                MatMul(V, Sd, U.T),
                X,
                Sd,
                S,
            ),
            claim=HasShape(MatMul(V, Sd, U.T), n, m),
        ),
        _exact_check(MIN_NORM, SVD_WIDE_INSTANCES),
        Step(
            Kind.ANSWER,
            "Answer",
            text("The minimum-norm solution, checked again as such by the verifier:"),
            display=(Boxed(EqChain(W_STAR, ArgMin(SqNorm(w), w, Equation(MatMul(X, w), y)), PINV_SOLUTION)),),
            claim=MinNormSolution(X, y, w, PINV_SOLUTION, given),
        ),
    )
    prompt = text("Plug in the SVD {} and simplify. Be careful with dimensions!", Equation(X, SVD_X))
    return Part("e", prompt, steps)


# -- (f) ---------------------------------------------------------------------------------------------


def part_f() -> Part:
    given = SVD_WIDE
    blocks = SVD_WIDE_FACT.blocks()
    sigma, pinv = blocks[S], blocks[Sd]
    d = D_WIDE
    projector = MatMul(RIGHT, X)
    corner = BlockMatrix([[Identity(m), _zero(m, n - m)], [_zero(n - m, m), _zero(n - m, n - m)]])
    steps = (
        Step(
            Kind.INTERPRETATION,
            "Interpretation",
            text(
                "From (d) and (e), {} with {}, so {}. \"Right-multiplying {} by {}\" is the product {}. The "
                "question is which identity it is (of which size), and what the product in the other order, {}, "
                "is.",
                Equation(W_STAR, MatMul(B, y)),
                Equation(B, RIGHT),
                Element(B, RealSpace(n, m)),
                X,
                B,
                Element(MatMul(X, B), RealSpace(m, m)),
                Element(MatMul(B, X), RealSpace(n, n)),
            ),
            claim=Chain((RIGHT, MatMul(V, Sd, U.T)), given),
        ),
        Step(
            Kind.METHOD,
            "Method",
            text("Multiply, in the form of (d) and in the SVD form; then the other order."),
        ),
        _step(
            "Right inverse",
            text("The inverse of {} cancels it:", MatMul(X, X.T)),
            claim=Chain((MatMul(X, RIGHT), MatMul(MatMul(X, X.T), Inverse(MatMul(X, X.T))), Identity(m)), WIDE),
        ),
        _step(
            "ΣΣ† is the m×m identity",
            text("In blocks, only the invertible {} meets its inverse:", d),
            claim=Chain((MatMul(S, Sd), MatMul(sigma, pinv), MatMul(d, Inverse(d)), Identity(m)), given),
        ),
        _step(
            "The same in the SVD form",
            text(
                "With {}, then {} (previous step) and {}:",
                Equation(MatMul(V.T, V), Identity(n)),
                Equation(MatMul(S, Sd), Identity(m)),
                Equation(MatMul(U, U.T), Identity(m)),
            ),
            claim=Chain(
                (MatMul(SVD_X, MatMul(V, Sd, U.T)), MatMul(U, S, Sd, U.T), MatMul(U, U.T), Identity(m)), given
            ),
        ),
        _step(
            "Σ†Σ is not the n×n identity",
            text("In the other order the product is {}, with its last {} rows and columns zero:", Size(n, n), n - m),
            claim=Chain((MatMul(Sd, S), MatMul(pinv, sigma), corner), given),
        ),
        _step(
            "The other order",
            text("So {} is {} times that block matrix times {}:", MatMul(B, X), V, V.T),
            claim=Chain((projector, MatMul(V, Sd, U.T, SVD_X), MatMul(V, Sd, S, V.T), MatMul(V, corner, V.T)), given),
        ),
        _step(
            "BX is singular",
            text(
                "It has rank {}, so it is not the {} identity (no left inverse exists for a wide {}):",
                Relation(m, "lt", n),
                Size(n, n),
                X,
            ),
            claim=Singular(projector, given),
        ),
        _step(
            "BX is a projection",
            text(
                "{} is idempotent, symmetric and fixes the rows of {}: the orthogonal projection onto the row space "
                "of {}:",
                MatMul(B, X),
                X,
                X,
            ),
            claim=Equal(MatMul(projector, projector), projector, WIDE),
        ),
        _step(
            "Symmetric",
            text("The transpose of {} is {}:", MatMul(B, X), MatMul(B, X)),
            claim=Equal(Transpose(projector), projector, WIDE),
        ),
        _step(
            "Fixes the rows of X",
            text("{} times it returns {}:", X, X),
            claim=Equal(MatMul(X, projector), X, WIDE),
        ),
        Step(
            Kind.ANSWER,
            "Answer",
            text(
                "{} is the {} identity, so {} is a right inverse of {}. In the other order {} is {}, equal to {} "
                "(the orthogonal projection onto the row space of {}), singular, and not the {} identity.",
                MatMul(X, B),
                Size(m, m),
                B,
                X,
                MatMul(B, X),
                Size(n, n),
                MatMul(V, corner, V.T),
                X,
                Size(n, n),
            ),
            display=(Boxed(Equation(MatMul(X, B), Identity(m))),),
            claim=Equal(MatMul(X, RIGHT), Identity(m), WIDE),
        ),
    )
    prompt = text(
        "You will often see the solution of (e) written as {}. What happens when we right-multiply {} by {}? "
        "(This is why {} is called a right inverse.)",
        Equation(W_STAR, MatMul(B, y)),
        X,
        B,
        B,
    )
    return Part("f", prompt, steps)


# -- the problem ---------------------------------------------------------------------------------------


def build() -> Problem:
    """Problem 3 of cs182-hw0, parts (a)–(f), ready for verification."""
    statement = text(
        "Consider {}, where {} is a non-square data matrix, {} a weight vector and {} a vector of labels. Let "
        "{} be the full SVD of {}: {} and {} are orthonormal, and {} has the nonzero singular values {} on its "
        "diagonal. Define {} as the matrix with {} on its diagonal.",
        Equation(MatMul(X, w), y),
        Element(X, RealSpace(m, n)),
        w,
        y,
        Equation(X, SVD_X),
        X,
        Element(U, RealSpace(m, m)),
        Element(V, RealSpace(n, n)),
        Element(S, RealSpace(m, n)),
        SIGMA_I,
        Element(Sd, RealSpace(n, m)),
        1 / SIGMA_I,
    )
    return Problem(
        set_id="cs182-hw0",
        id="q3",
        title="Least squares and the min-norm problem from the SVD perspective",
        statement=statement,
        parts=(part_a(), part_b(), part_c(), part_d(), part_e(), part_f()),
        symbols=SYMBOLS,
    )


__all__ = ["build"]
