"""Problem 4 — the five interpretations of ridge regression.

Every claim is decided by the verifier, never restated from a derivation:

* calculus (gradients, Hessians) is recomputed by SymPy's matrix calculus in the
  course's numerator layout; "minimizes", "unique solution", "positive definite",
  "minimum-norm" are the claims of :mod:`derive.linalg`;
* identities with the inverse of a shifted Gram matrix, K = (XᵀX + λI)⁻¹, are proved
  for symbolic sizes by the rules of :class:`derive.resolvent.ShiftAlgebra`
  (K(XᵀX + λI) = I, conjugation by orthogonal matrices, block algebra); the
  push-through identity is proved in (f) by clearing invertible factors
  (:class:`derive.resolvent.Cleared`) before any claim relies on it in the
  normal form — except the independent check of (e)'s answer, which says so;
* the SVD steps hold for every full SVD (any rank), proved with UᵀU = I, VᵀV = I and
  X := UΣVᵀ; the singular-value factor comes from the block model of Σ with rank r
  and the diagonal calculus of :class:`derive.resolvent.DiagonalForm`;
* the Gaussian densities of (c) are unfolded from their definition and compared on
  logarithms (:mod:`derive.gaussian`);
* limits are :class:`derive.limits.LimitIs` (scalars, two independent computations)
  and :class:`derive.limits.MatrixLimit` (continuity, cross-checked by exact
  entrywise limits on an instance).
"""

from __future__ import annotations

from sympy import (
    Add,
    Basic,
    BlockMatrix,
    Derivative,
    Determinant,
    Eq,
    Identity,
    ImmutableMatrix,
    IndexedBase,
    Integer,
    Interval,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    MatrixSymbol,
    Min,
    Mul,
    Pow,
    Product,
    Rational,
    Symbol,
    Transpose,
    ZeroMatrix,
    exp,
    log,
    oo,
    pi,
    sqrt,
)

from derive.claims import Chain, Equal, EqualOn, Given, HasShape, InRange, Shapes, Sign
from derive.gaussian import DensityEqual, LogOf, Maximizer, Normal, NormalPdf
from derive.limits import LimitIs, MatrixLimit
from derive.linalg import (
    Dimensions,
    FullColumnRank,
    FullRowRank,
    Minimizer,
    MinNormSolution,
    OneByOne,
    Orthogonal,
    PositiveDefinite,
    Singular,
    Tall,
    UniqueSolution,
    Wide,
)
from derive.model import Kind, Part, Problem, Step, text
from derive.notation import Boxed, Density, Diag, Element, Equation, Rank, RealSpace, Relation, Size, Words
from derive.ops import Entry, Jacobian, SqNorm
from derive.resolvent import Cleared, Defines, Diagonal, DiagonalForm, ShiftAlgebra

# -- symbols -----------------------------------------------------------------------------------------

n = Symbol("n", integer=True, positive=True)  # data points
d = Symbol("d", integer=True, positive=True)  # features
r = Symbol("r", integer=True, positive=True)  # rank of X (number of nonzero singular values)
lam = Symbol("lambda", positive=True)
X = MatrixSymbol("X", n, d)
y = MatrixSymbol("y", n, 1)
w = MatrixSymbol("w", d, 1)
v = MatrixSymbol("v", d, 1)
I_d, I_n, I_r = Identity(d), Identity(n), Identity(r)

W_HAT = MatrixSymbol("w_hat", d, 1)  # display name of the ridge solution
U = MatrixSymbol("U", n, n)
V = MatrixSymbol("V", d, d)
S = MatrixSymbol("Sigma", n, d)
D = MatrixSymbol("D", r, r)  # diag(σ_1, …, σ_r), the nonzero singular values
sigma = Symbol("sigma", positive=True)  # a nonzero singular value, as the variable of f(σ)
SIGMA_I = Symbol("sigma_i", positive=True)  # the same, named σ_i where a particular direction is meant
F_LAM = MatrixSymbol("F", d, n)  # (ΣᵀΣ + λI)⁻¹Σᵀ, the ridge counterpart of Σ⁺
S_PLUS = MatrixSymbol("Sigma_plus", d, n)  # Σ⁺: 1/σ_i for the nonzero σ_i, 0 elsewhere
X_PLUS = MatrixSymbol("X_plus", d, n)
A_DAGGER = MatrixSymbol("A_dagger", d + n, n)
W_R = MatrixSymbol("w_r", d, 1)

# (c): random vectors and the evidence p_Y(y)
W_RV = MatrixSymbol("W", d, 1)
Y_RV = MatrixSymbol("Y", n, 1)
N_RV = MatrixSymbol("N", n, 1)
EVIDENCE = Symbol("Z", positive=True)
i = Symbol("i", integer=True)
y_i = IndexedBase("y")[i]

# (c), prose only: one data point of the statement's scalar model Y = xᵀW + √λ N, and the
# Gaussian density in k dimensions (1×1 matrix symbols keep the factors in the statement's order)
X_ROW = MatrixSymbol("x", d, 1)
X_ROW_I = MatrixSymbol("x_i", d, 1)
Y_ONE = MatrixSymbol("Y", 1, 1)
N_ONE = MatrixSymbol("N", 1, 1)
N_I = IndexedBase("N")[i]
k = Symbol("k", integer=True, positive=True)
X_K = MatrixSymbol("x", k, 1)
MU_K = MatrixSymbol("mu", k, 1)
COV_K = MatrixSymbol("Sigma", k, k)
E_J = MatrixSymbol("e_j", d, 1)  # (d), prose only: the j-th standard basis vector
# (f), prose only: the wide system Aη = z of the statement, and the kernel form's coefficients
A_WIDE = MatrixSymbol("A", n, d + n)
Z_RHS = MatrixSymbol("z", n, 1)
X_CHECK_DAGGER = MatrixSymbol("X_check_dagger", d + n, n)
ALPHA = MatrixSymbol("alpha", n, 1)
V_N = MatrixSymbol("v", n, 1)  # a vector of R^n (v is in R^d)
MU = Symbol("mu", positive=True)  # (g): 1/λ
ZERO_PLUS = Symbol("0^+")  # (h), prose only: the one-sided limit point 0⁺

# (d), (e): augmented data and features
X_HAT = MatrixSymbol("X_hat", n + d, d)
Y_HAT = MatrixSymbol("y_hat", n + d, 1)
X_CHECK = MatrixSymbol("X_check", n, d + n)
eta = MatrixSymbol("eta", d + n, 1)
xi = MatrixSymbol("xi", n, 1)
ETA_STAR = MatrixSymbol("eta_star", d + n, 1)

# (b), (g): scalars for sign and region claims (the region checker wants plain real symbols)
s_i = Symbol("sigma_i", real=True)
l_r = Symbol("lambda", real=True)
c_r = Symbol("c", real=True)

SYMBOLS = {
    y: r"\mathbf{y}",
    w: r"\mathbf{w}",
    v: r"\mathbf{v}",
    W_HAT: r"\hat{\mathbf{w}}",
    W_RV: r"\mathbf{W}",
    Y_RV: r"\mathbf{Y}",
    N_RV: r"\mathbf{N}",
    EVIDENCE: r"p_{\mathbf{Y}}(\mathbf{y})",
    X_HAT: r"\hat{X}",
    Y_HAT: r"\hat{\mathbf{y}}",
    X_CHECK: r"\check{X}",
    eta: r"\boldsymbol{\eta}",
    xi: r"\boldsymbol{\xi}",
    ETA_STAR: r"\boldsymbol{\eta}^{*}",
    F_LAM: r"F_{\lambda}",
    S_PLUS: r"\Sigma^{+}",
    X_PLUS: r"X^{+}",
    A_DAGGER: r"A^{\dagger}",
    W_R: r"\hat{\mathbf{w}}_{r}",
    X_ROW: r"\mathbf{x}",
    X_ROW_I: r"\mathbf{x}_{i}",
    X_K: r"\mathbf{x}",
    MU_K: r"\boldsymbol{\mu}",
    E_J: r"\mathbf{e}_{j}",
    Z_RHS: r"\mathbf{z}",
    X_CHECK_DAGGER: r"\check{X}^{\dagger}",
    ALPHA: r"\boldsymbol{\alpha}",
    V_N: r"\mathbf{v}",
}

# -- expressions shared by the parts -----------------------------------------------------------------

GRAM_D = MatAdd(MatMul(X.T, X), lam * I_d)  # XᵀX + λI_d
GRAM_N = MatAdd(MatMul(X, X.T), lam * I_n)  # XXᵀ + λI_n
RIDGE = MatMul(Inverse(GRAM_D), X.T, y)  # (XᵀX + λI)⁻¹Xᵀy
KERNEL = MatMul(X.T, Inverse(GRAM_N), y)  # Xᵀ(XXᵀ + λI)⁻¹y
RESIDUAL = MatAdd(y, -MatMul(X, w))
OBJECTIVE = SqNorm(RESIDUAL) + lam * SqNorm(w)  # the ridge objective (1)
OBJECTIVE_MATRIX = MatAdd(MatMul(RESIDUAL.T, RESIDUAL), lam * MatMul(w.T, w))
FACTOR = sigma / (sigma**2 + lam)  # what ridge puts in place of 1/σ_i
FACTOR_I = SIGMA_I / (SIGMA_I**2 + lam)
LAM_POSITIVE = Relation(lam, "gt", Integer(0))  # λ > 0, said in prose again and again

SVD_X = MatMul(U, S, V.T)
SIGMA_BLOCKS = BlockMatrix([[D, ZeroMatrix(r, d - r)], [ZeroMatrix(n - r, r), ZeroMatrix(n - r, d - r)]])
FACTOR_D = MatMul(Inverse(MatAdd(MatPow(D, 2), lam * I_r)), D)  # (D² + λI)⁻¹D
FACTOR_BLOCKS = BlockMatrix([[FACTOR_D, ZeroMatrix(r, n - r)], [ZeroMatrix(d - r, r), ZeroMatrix(d - r, n - r)]])
PINV_BLOCKS = BlockMatrix([[Inverse(D), ZeroMatrix(r, n - r)], [ZeroMatrix(d - r, r), ZeroMatrix(d - r, n - r)]])
SVD_RIDGE = MatMul(V, F_LAM, U.T, y)
PINV_SOLUTION = MatMul(V, S_PLUS, U.T, y)

X_HAT_BLOCKS = BlockMatrix([[X], [sqrt(lam) * I_d]])
Y_HAT_BLOCKS = BlockMatrix([[y], [ZeroMatrix(d, 1)]])
X_CHECK_BLOCKS = BlockMatrix([[X, sqrt(lam) * I_n]])
ETA_BLOCKS = BlockMatrix([[w], [xi]])
ETA_SOLUTION = BlockMatrix([[RIDGE], [MatMul(1 / sqrt(lam), MatAdd(y, -MatMul(X, RIDGE)))]])
FIRST_D = BlockMatrix([[I_d, ZeroMatrix(d, n)]])  # picks the first d coordinates
PINV_CHECK = MatMul(X_CHECK.T, Inverse(MatMul(X_CHECK, X_CHECK.T)))

# -- facts ---------------------------------------------------------------------------------------------

SIZES = Shapes.of({n: 2, d: 2}, {n: 3, d: 2}, {n: 2, d: 3})
ALGEBRA = Given((ShiftAlgebra(X, lam), SIZES))
ALGEBRA_PT = Given((ShiftAlgebra(X, lam, push_through=True), SIZES))
ORTHOGONAL = (Orthogonal(U), Orthogonal(V))
# Any full SVD (any rank): only UᵀU = UUᵀ = I and VᵀV = VVᵀ = I are used.
ANY_SVD = Given((Defines(X, SVD_X, ORTHOGONAL), *ORTHOGONAL, ShiftAlgebra(X, lam, (U, V)), SIZES))
# The block model of Σ with rank r; instances take r = min(n, d) − 1 (a rank-deficient X).
RANK_SIZES = Shapes.of({n: 2, d: 2, r: 1}, {n: 3, d: 2, r: 1}, {n: 2, d: 3, r: 1}, {n: 3, d: 3, r: 2})
SIGMA_MODEL = Defines(S, SIGMA_BLOCKS, (Diagonal(D),), ((r, Min(n, d) - 1),))
FACTOR_DEF = Defines(F_LAM, FACTOR_BLOCKS, (Diagonal(D),), ((r, Min(n, d) - 1),))
PLUS_DEF = Defines(S_PLUS, PINV_BLOCKS, (Diagonal(D),), ((r, Min(n, d) - 1),))
RANK_MODEL = Given((SIGMA_MODEL, Diagonal(D), ShiftAlgebra(X, lam, symmetric=(D,)), RANK_SIZES))
FULL_SVD_RANK = Given(
    (
        Defines(X, SVD_X, (*ORTHOGONAL, SIGMA_MODEL)),
        SIGMA_MODEL,
        FACTOR_DEF,
        *ORTHOGONAL,
        Diagonal(D),
        ShiftAlgebra(X, lam, (U, V), symmetric=(D,)),
        RANK_SIZES,
    )
)
DATA = Defines(X_HAT, X_HAT_BLOCKS)
LABELS = Defines(Y_HAT, Y_HAT_BLOCKS)
FAKE_DATA = Given((DATA, LABELS, ShiftAlgebra(X, lam), SIZES))
FEATURES = Defines(X_CHECK, X_CHECK_BLOCKS)
FAKE_FEATURES = Given((FEATURES, ShiftAlgebra(X, lam), SIZES))
TALL = Given((Tall(X), FullColumnRank(X), ShiftAlgebra(X, lam)))
WIDE = Given((Wide(X), FullRowRank(X), ShiftAlgebra(X, lam)))


def _step(title: str, words, claim=None, display=()) -> Step:
    return Step(Kind.STEP, title, words, display=tuple(display), claim=claim)


def _note(title: str, words, claim=None, display=()) -> Step:
    return Step(Kind.NOTE, title, words, display=tuple(display), claim=claim)


def _interpretation(words, claim=None) -> Step:
    return Step(Kind.INTERPRETATION, "Interpretation", words, claim=claim)


def _method(words) -> Step:
    return Step(Kind.METHOD, "Method", words)


def _answer(words, display, claim) -> Step:
    return Step(Kind.ANSWER, "Answer", words, display=tuple(display), claim=claim)


def _ridge_answer() -> Boxed:
    return Boxed(Equation(W_HAT, RIDGE))


# -- (a) ---------------------------------------------------------------------------------------------------


def part_a() -> Part:
    quad = MatMul(w.T, GRAM_D, w)
    linear = MatMul(y.T, X, w)
    expanded_4 = MatAdd(
        MatMul(y.T, y), -MatMul(y.T, X, w), -MatMul(w.T, X.T, y), MatMul(w.T, X.T, X, w), lam * MatMul(w.T, w),
        evaluate=False,
    )
    expanded = MatAdd(MatMul(y.T, y), MatMul(-2, y.T, X, w), quad, evaluate=False)
    gradient_row = MatAdd(MatMul(-2, y.T, X), MatMul(2, w.T, GRAM_D), evaluate=False)
    steps = (
        _interpretation(
            text(
                "Data {}, labels {}, weights {}, and a scalar {}. The residual {} is a column vector in {}; the "
                "objective (1) is a scalar function of {}, and a squared norm is an inner product, {}. In the "
                "course's layout the derivative of this scalar with respect to the column {} is a row vector in "
                "{}. The shapes:",
                Element(X, RealSpace(n, d)),
                Element(y, RealSpace(n)),
                Element(w, RealSpace(d)),
                Relation(lam, "gt", Integer(0)),
                RESIDUAL,
                RealSpace(n),
                w,
                Equation(SqNorm(v), MatMul(v.T, v)),
                w,
                RealSpace(1, d),
            ),
            claim=Dimensions(
                (
                    Element(MatMul(X, w), RealSpace(n, 1)),
                    Element(MatMul(X.T, X), RealSpace(d, d)),
                    Element(MatMul(X.T, y), RealSpace(d, 1)),
                    Element(OBJECTIVE_MATRIX, RealSpace(1, 1)),
                )
            ),
        ),
        _method(
            text(
                "Vector calculus in the numerator layout (problem 2): expand the objective, differentiate term by "
                "term, set the derivative (a row) to zero — the normal equations — and solve. The second-order "
                "condition then shows the stationary point is the unique global minimizer."
            )
        ),
        _step(
            "Expand the objective",
            text(
                "Multiply out. The cross terms are {} matrices, and a {} matrix equals its transpose, so {}; "
                "the two quadratic terms combine:",
                Size(1, 1),
                Size(1, 1),
                Equation(MatMul(w.T, X.T, y), linear),
            ),
            claim=Chain((OBJECTIVE_MATRIX, expanded_4, expanded), Given((OneByOne(),))),
        ),
        _step(
            "Shape of the derivative",
            text("A scalar differentiated with respect to {} is a row vector:", Element(w, RealSpace(d))),
            claim=HasShape(Jacobian(expanded, w), Integer(1), d),
        ),
        _step(
            "Quadratic term",
            text(
                "Problem 2(d) with the {} matrix {} gives {}; the matrix is symmetric, so the two terms agree:",
                Size(d, d),
                GRAM_D,
                MatMul(w.T, MatAdd(GRAM_D, Transpose(GRAM_D), evaluate=False)),
            ),
            claim=Chain(
                (
                    Jacobian(quad, w),
                    MatMul(w.T, MatAdd(GRAM_D, Transpose(GRAM_D), evaluate=False)),
                    MatMul(2, w.T, GRAM_D),
                )
            ),
        ),
        _step(
            "Linear term",
            text("{} is the inner product of {} with the constant vector {} (problem 2(a)):", linear, w, MatMul(X.T, y)),
            claim=Chain((Jacobian(linear, w), Transpose(MatMul(X.T, y)), MatMul(y.T, X))),
        ),
        _step(
            "The derivative",
            text("The constant {} contributes nothing. Adding the terms gives a row vector in {}:", MatMul(y.T, y), RealSpace(1, d)),
            claim=Equal(Jacobian(expanded, w), gradient_row),
        ),
        _step(
            "Positive definite",
            text(
                "For every {}, {}, which is at least {} and so positive when {}: the matrix {} is positive "
                "definite for every {}, because {} (no rank assumption is needed):",
                Element(v, RealSpace(d)),
                Equation(MatMul(v.T, GRAM_D, v), MatAdd(MatMul(Transpose(MatMul(X, v)), MatMul(X, v)), lam * MatMul(v.T, v))),
                lam * MatMul(v.T, v),
                Relation(v, "ne", ZeroMatrix(d, 1)),
                GRAM_D,
                X,
                LAM_POSITIVE,
            ),
            claim=PositiveDefinite(GRAM_D, ALGEBRA),
        ),
        _step(
            "Normal equations",
            text(
                "Setting the derivative to zero and transposing gives the normal equations {}. Their coefficient "
                "is invertible (positive definite), so they have exactly one solution:",
                Equation(MatMul(GRAM_D, w), MatMul(X.T, y)),
            ),
            claim=UniqueSolution(gradient_row, ZeroMatrix(1, d), w, RIDGE, ALGEBRA),
        ),
        _step(
            "Hessian",
            text(
                "Differentiating the transposed derivative again gives a constant {} matrix, positive definite by "
                "the step above; the objective is strictly convex and its stationary point is its unique global "
                "minimizer:",
                Size(d, d),
            ),
            claim=Equal(Jacobian(gradient_row.T, w), MatMul(2, GRAM_D)),
        ),
        _note(
            "Order of the factors",
            text(
                "The solution is a {} column: {} is {}, {} is {} and {} is {}. Writing the factors in another "
                "order (say {} times {}) does not even multiply: the verifier's shape check rejects such a formula "
                "before anything else.",
                Size(d, 1),
                Inverse(GRAM_D),
                Size(d, d),
                X.T,
                Size(d, n),
                y,
                Size(n, 1),
                Inverse(GRAM_D),
                MatMul(y.T, X),
            ),
            claim=HasShape(RIDGE, d, Integer(1)),
        ),
        _answer(
            text("The unique minimizer of (1), for every {} and every {}:", X, LAM_POSITIVE),
            (_ridge_answer(),),
            Minimizer(OBJECTIVE, w, RIDGE, ALGEBRA),
        ),
    )
    prompt = text(
        "Perspective 1: optimization. Ridge regression is {} (1). Find the minimizer using vector calculus: expand the "
        "objective, take the derivative, solve.",
        Relation(W_HAT, "eq", _argmin(OBJECTIVE)),
    )
    return Part("a", prompt, steps)


def _row(*entries) -> Transpose:
    """A column vector written inline as (a, b, …)ᵀ."""
    return Transpose(ImmutableMatrix([list(entries)]))


def _argmin(objective):
    from derive.notation import ArgMin

    return ArgMin(objective, w)


# -- (b) ---------------------------------------------------------------------------------------------------


def part_b() -> Part:
    gram_svd = MatAdd(MatMul(Transpose(SVD_X), SVD_X), lam * I_d)
    t1 = MatMul(Inverse(gram_svd), Transpose(SVD_X), y)
    t2 = MatMul(Inverse(MatAdd(MatMul(V, S.T, S, V.T), lam * MatMul(V, V.T))), V, S.T, U.T, y)
    t3 = MatMul(Inverse(MatMul(V, MatAdd(MatMul(S.T, S), lam * I_d), V.T)), V, S.T, U.T, y)
    t4 = MatMul(V, Inverse(MatAdd(MatMul(S.T, S), lam * I_d)), S.T, U.T, y)
    shifted_blocks = BlockMatrix(
        [[MatAdd(MatPow(D, 2), lam * I_r), ZeroMatrix(r, d - r)], [ZeroMatrix(d - r, r), lam * Identity(d - r)]]
    )
    sigma_1 = Symbol("sigma_1", positive=True)
    sigma_r = Symbol("sigma_r", positive=True)
    ratio = s_i / (s_i**2 + l_r)
    region = (s_i > 0, l_r > 0)
    steps = (
        _interpretation(
            text(
                "Full SVD {}: {} and {} are orthogonal ({}, {}), and {} is zero except for the singular values "
                "on its diagonal. Let {} be the number of nonzero ones (the rank of {}); they form {}, and {} in "
                "blocks is shown below. Blocks with a zero size are simply absent: for a tall {} of full column "
                "rank {} there is no second block column. Both regimes of the question compare a singular "
                "value with {}.",
                Equation(X, SVD_X),
                Element(U, RealSpace(n, n)),
                Element(V, RealSpace(d, d)),
                Equation(MatMul(U.T, U), I_n),
                Equation(MatMul(V.T, V), I_d),
                Element(S, RealSpace(n, d)),
                Relation(r, "le", Min(n, d)),
                X,
                Equation(D, Diag(sigma_1, sigma_r)),
                S,
                X,
                Equation(r, d),
                lam,
            ),
            claim=Dimensions((Element(SIGMA_BLOCKS, RealSpace(n, d)), Element(SVD_X, RealSpace(n, d)))),
        ),
        _method(
            text(
                "Substitute the SVD, write {} so that {} can be pulled out of the shifted Gram matrix, invert the "
                "product of square invertible factors, and cancel. Then read off, from the block form of {}, the "
                "factor each singular direction gets, and compare it with the {} of least squares.",
                Equation(lam * I_d, lam * MatMul(V, V.T)),
                V,
                S,
                1 / SIGMA_I,
            )
        ),
        _note(
            "Reading of the statement",
            text(
                "\"What happens to the singular values\" is read as: what replaces the factor {} that least squares "
                "applies in singular direction {}. The singular values of {} themselves do not change; in the Gram "
                "matrix each {} is shifted to {} (hence the name). "
                "Nothing in the derivation needs {} to have full rank: {} keeps every inverse below invertible, "
                "so zero singular values are allowed (their directions get the factor 0). The regimes \"{}\" "
                "and \"{}\" are discussed in the notes at the end: as worded they compare quantities of "
                "different units, and the comparison that decides the behaviour is {} against {}.",
                1 / SIGMA_I,
                i,
                X,
                SIGMA_I**2,
                SIGMA_I**2 + lam,
                X,
                LAM_POSITIVE,
                Relation(SIGMA_I, "ll", lam),
                Relation(SIGMA_I, "gg", lam),
                SIGMA_I**2,
                lam,
            ),
        ),
        _step(
            "Substitute the SVD",
            text("Replace {} by {}:", X, SVD_X),
            claim=Equal(RIDGE, t1, ANY_SVD),
        ),
        _step(
            "Transposes, UᵀU = I, λI = λVVᵀ",
            text(
                "{} (the order reverses); {} in the middle; and {} because {} is orthogonal:",
                Equation(Transpose(SVD_X), MatMul(V, S.T, U.T)),
                Equation(MatMul(U.T, U), I_n),
                Equation(I_d, MatMul(V, V.T)),
                V,
            ),
            claim=Equal(t1, t2, ANY_SVD),
        ),
        _step(
            "Factor V out",
            text("Both terms start with {} and end with {}:", V, V.T),
            claim=Equal(t2, t3, ANY_SVD),
        ),
        _step(
            "Invert the product and cancel V",
            text(
                "All three factors are {} and invertible ({} is positive definite like in (a)), so the inverse is "
                "{}; then {} cancels against the next factor:",
                Size(d, d),
                MatAdd(MatMul(S.T, S), lam * I_d),
                MatMul(V, Inverse(MatAdd(MatMul(S.T, S), lam * I_d)), V.T),
                MatMul(V.T, V),
            ),
            claim=Equal(t3, t4, ANY_SVD),
        ),
        _step(
            "The shifted Gram matrix of Σ",
            text(
                "With {} in blocks, {} is block diagonal: {} is added to every {}, and the {} directions with "
                "singular value 0 keep {} alone:",
                S,
                MatMul(S.T, S),
                lam,
                SIGMA_I**2,
                d - r,
                lam,
            ),
            claim=Equal(MatAdd(MatMul(S.T, S), lam * I_d), shifted_blocks, RANK_MODEL),
        ),
        _step(
            "The factor in blocks",
            text(
                "Inverting block by block and multiplying by {} ({}) gives the matrix that maps {} to {}; call it {}:",
                S.T,
                Size(d, n),
                MatMul(U.T, y),
                MatMul(V.T, W_HAT),
                F_LAM,
            ),
            claim=Equal(MatMul(Inverse(MatAdd(MatMul(S.T, S), lam * I_d)), S.T), FACTOR_BLOCKS, RANK_MODEL),
        ),
        _step(
            "One factor per singular direction",
            text(
                "Sums, products and inverses of diagonal matrices act entry by entry, so the top-left block is "
                "diagonal; singular direction {} (the {}-th columns of {} and {}) is multiplied by:",
                i,
                i,
                U,
                V,
            ),
            claim=DiagonalForm(FACTOR_D, D, sigma, FACTOR),
        ),
        _step(
            "Compare with least squares",
            text(
                "Least squares (problem 3) uses the pseudo-inverse {} instead, whose top-left block is {} ({} per "
                "direction). Ridge replaces {} by {}: the least-squares factor times {}, a number strictly "
                "between 0 and 1. Every direction is shrunk, and the smaller {}, the more:",
                S_PLUS,
                Inverse(D),
                1 / SIGMA_I,
                1 / SIGMA_I,
                FACTOR_I,
                SIGMA_I**2 / (SIGMA_I**2 + lam),
                SIGMA_I,
            ),
            claim=DiagonalForm(Inverse(D), D, sigma, 1 / sigma),
        ),
        _step(
            "The factor is below 1/σᵢ",
            text(
                "For every {} and {} the ridge factor is positive and smaller than the least-squares one:",
                Relation(SIGMA_I, "gt", Integer(0)),
                LAM_POSITIVE,
            ),
            claim=Sign(1 / s_i - ratio, "gt", region),
        ),
        _step(
            "When σᵢ² ≫ λ: the factor is ≈ 1/σᵢ",
            text(
                "{} times the factor is {}, exactly; so the factor is {} up to a relative error {}:",
                SIGMA_I,
                Integer(1) - lam / (SIGMA_I**2 + lam),
                1 / SIGMA_I,
                lam / (SIGMA_I**2 + lam),
            ),
            claim=EqualOn(s_i * ratio, 1 - l_r / (s_i**2 + l_r), region),
        ),
        _step(
            "… within λ/σᵢ²",
            text(
                "That relative error is below {}. So when {} is small, the direction is treated as by least "
                "squares ({}):",
                lam / SIGMA_I**2,
                lam / SIGMA_I**2,
                Relation(FACTOR_I, "approx", 1 / SIGMA_I),
            ),
            claim=Sign(l_r / s_i**2 - l_r / (s_i**2 + l_r), "gt", region),
        ),
        _step(
            "… and in the limit",
            text(
                "As {} (here: {} with {} fixed) {} times the factor tends to 1:",
                Relation(lam / SIGMA_I**2, "to", Integer(0)),
                Relation(lam, "to", Integer(0)),
                SIGMA_I,
                SIGMA_I,
            ),
            claim=LimitIs(SIGMA_I * FACTOR_I, lam, Integer(0), Integer(1)),
        ),
        _step(
            "When σᵢ² ≪ λ: the factor is ≈ σᵢ/λ, nearly 0",
            text(
                "The factor divided by {} is {}, exactly; so the factor is {} up to a relative error {}:",
                SIGMA_I / lam,
                Integer(1) - SIGMA_I**2 / (SIGMA_I**2 + lam),
                SIGMA_I / lam,
                SIGMA_I**2 / (SIGMA_I**2 + lam),
            ),
            claim=EqualOn((l_r / s_i) * ratio, 1 - s_i**2 / (s_i**2 + l_r), region),
        ),
        _step(
            "… within σᵢ²/λ",
            text(
                "That relative error is below {}. So when {} is small, {}, tiny compared with {}: the direction is "
                "essentially switched off instead of being amplified by {}:",
                SIGMA_I**2 / lam,
                SIGMA_I**2 / lam,
                Relation(FACTOR_I, "approx", SIGMA_I / lam),
                1 / SIGMA_I,
                1 / SIGMA_I,
            ),
            claim=Sign(s_i**2 / l_r - s_i**2 / (s_i**2 + l_r), "gt", region),
        ),
        _step(
            "… and in the limit",
            text(
                "As {} (here: {} with {} fixed) the factor divided by {} tends to 1:",
                Relation(SIGMA_I**2 / lam, "to", Integer(0)),
                Relation(SIGMA_I, "to", Integer(0)),
                lam,
                SIGMA_I / lam,
            ),
            claim=LimitIs((lam / SIGMA_I) * FACTOR_I, SIGMA_I, Integer(0), Integer(1)),
        ),
        _note(
            "σᵢ against λ is the wrong comparison",
            text(
                "Rescaling the data, {}, multiplies every {} by {}; the same fit needs {} (both terms of "
                "(1) scale by {} then), and the factor scales exactly like {}. So {} is measured in units of {}, "
                "and only {} against {} ({} against {}) is meaningful:",
                Relation(X, "to", MatMul(c_r, X)),
                SIGMA_I,
                c_r,
                Relation(lam, "to", c_r**2 * lam),
                c_r**2,
                1 / SIGMA_I,
                lam,
                sigma**2,
                SIGMA_I**2,
                lam,
                SIGMA_I,
                sqrt(lam),
            ),
            claim=EqualOn(
                (c_r * s_i) / ((c_r * s_i) ** 2 + c_r**2 * l_r), ratio / c_r, (c_r > 0, s_i > 0, l_r > 0)
            ),
        ),
        _note(
            "Counterexample: σᵢ ≫ λ, yet the factor is far from 1/σᵢ",
            text(
                "Take {} and {}: then {}, so {} as worded, but {}. {} times the factor is {}, not close to 1: {}, "
                "the other regime.",
                Eq(s_i, Rational(1, 10**4)),
                Eq(l_r, Rational(1, 10**6)),
                Equation(SIGMA_I / lam, Integer(100)),
                Relation(SIGMA_I, "gg", lam),
                Relation(Equation(SIGMA_I**2, lam / 100), "ll", lam),
                SIGMA_I,
                Rational(1, 101),
                Relation(FACTOR_I, "approx", SIGMA_I / lam),
            ),
            claim=EqualOn(s_i * ratio, Rational(1, 101), (Eq(s_i, Rational(1, 10**4)), Eq(l_r, Rational(1, 10**6)))),
        ),
        _note(
            "Counterexample: σᵢ ≪ λ, yet the factor is not ≈ σᵢ/λ",
            text(
                "Take {} and {}: then {}, so {} as worded, but {}. The factor divided by {} is {}: {} ({} times it "
                "is {}), the other regime.",
                Eq(s_i, Integer(10**4)),
                Eq(l_r, Integer(10**6)),
                Equation(SIGMA_I / lam, Rational(1, 100)),
                Relation(SIGMA_I, "ll", lam),
                Relation(Equation(SIGMA_I**2, 100 * lam), "gg", lam),
                SIGMA_I / lam,
                Rational(1, 101),
                Relation(FACTOR_I, "approx", 1 / SIGMA_I),
                SIGMA_I,
                Rational(100, 101),
            ),
            claim=EqualOn((l_r / s_i) * ratio, Rational(1, 101), (Eq(s_i, Integer(10**4)), Eq(l_r, Integer(10**6)))),
        ),
        _note(
            "When the worded comparison is right",
            text(
                "For {} the two comparisons coincide ({} exactly when {}), which is presumably the "
                "scale the statement has in mind. The reading used here: small singular values, {}, are "
                "suppressed ({}); large ones, {}, are inverted as by least squares ({}).",
                Equation(lam, Integer(1)),
                Relation(SIGMA_I, "ll", Integer(1)),
                Relation(SIGMA_I**2, "ll", Integer(1)),
                Relation(SIGMA_I**2, "ll", lam),
                Relation(Relation(FACTOR_I, "approx", SIGMA_I / lam), "to", Integer(0)),
                Relation(SIGMA_I**2, "gg", lam),
                Relation(FACTOR_I, "approx", 1 / SIGMA_I),
            ),
        ),
        _answer(
            text(
                "Ridge regression is least squares with {} replaced by {} in every singular direction (0 for "
                "{}):",
                1 / SIGMA_I,
                FACTOR_I,
                Equation(SIGMA_I, Integer(0)),
            ),
            (
                Boxed(Equation(W_HAT, SVD_RIDGE)),
                Relation(F_LAM, "def", FACTOR_BLOCKS),
                Equation(FACTOR_D, Diag(Symbol("sigma_1", positive=True) / (Symbol("sigma_1", positive=True) ** 2 + lam),
                                        Symbol("sigma_r", positive=True) / (Symbol("sigma_r", positive=True) ** 2 + lam))),
                Relation(Relation(s_i**2, "gg", l_r), "implies", Relation(ratio, "approx", 1 / s_i)),
                Relation(Relation(s_i**2, "ll", l_r), "implies", Relation(ratio, "approx", s_i / l_r)),
            ),
            Equal(RIDGE, SVD_RIDGE, FULL_SVD_RANK),
        ),
    )
    prompt = text(
        "Perspective 2: the \"hack\" of shifting the singular values. Let {} be the full SVD. Plug it into {} and "
        "simplify. What happens to the singular values when {}? When {}?",
        Equation(X, SVD_X),
        Equation(w, RIDGE),
        Relation(SIGMA_I, "ll", lam),
        Relation(SIGMA_I, "gg", lam),
    )
    return Part("b", prompt, steps)


# -- (c) ---------------------------------------------------------------------------------------------------


STATEMENT_MODEL = Equation(Y_ONE, MatAdd(MatMul(X_ROW.T, W_RV), MatMul(sqrt(lam), N_ONE)))  # Y = xᵀW + √λ N
POSTERIOR = Density("P", W_RV, Equation(Y_RV, y))  # P(W | Y = y)


def _density_formula() -> Basic:
    """(2π)^(−k/2) det(Σ)^(−1/2) exp(−½(x − μ)ᵀΣ⁻¹(x − μ)), for prose (unevaluated, in this order)."""
    centred = MatAdd(X_K, -MU_K)
    quadratic = MatMul(Rational(-1, 2), Transpose(centred), Inverse(COV_K), centred)
    return Mul(
        (2 * pi) ** (-k / Integer(2)),
        Pow(Determinant(COV_K), Rational(-1, 2), evaluate=False),
        exp(quadratic, evaluate=False),
        evaluate=False,
    )


def part_c() -> Part:
    prior = (2 * pi) ** (-d / Integer(2)) * exp(-SqNorm(w) / 2)
    likelihood = (2 * pi * lam) ** (-n / Integer(2)) * exp(-SqNorm(RESIDUAL) / (2 * lam))
    constant = -(n / Integer(2)) * log(2 * pi * lam) - (d / Integer(2)) * log(2 * pi) - log(EVIDENCE)
    log_posterior = constant - OBJECTIVE / (2 * lam)
    one_point = NormalPdf(y_i, Entry(MatMul(X, w), i), lam)
    noise = sqrt(lam) * I_n
    steps = (
        _interpretation(
            text(
                "Random vectors: the weights {} and the noise {}; the labels {} are random through them; {} is fixed. "
                "The prior is {}, and given {} the labels are {}. The MAP estimate maximizes the posterior density "
                "of {} at the observed {} over {}.",
                Element(W_RV, RealSpace(d)),
                Element(N_RV, RealSpace(n)),
                Equation(Y_RV, MatAdd(MatMul(X, W_RV), sqrt(lam) * N_RV)),
                X,
                Relation(W_RV, "sim", Normal(ZeroMatrix(d, 1), I_d)),
                Equation(W_RV, w),
                Equation(Y_RV, MatAdd(MatMul(X, w), sqrt(lam) * N_RV)),
                W_RV,
                y,
                Element(w, RealSpace(d)),
            ),
            claim=Dimensions(
                (Element(MatMul(X, W_RV), RealSpace(n, 1)), Element(MatAdd(MatMul(X, W_RV), sqrt(lam) * N_RV), RealSpace(n, 1)))
            ),
        ),
        _method(
            text(
                "Bayes' rule for densities: {}, where the evidence {}, the integral of {} over {}, is a positive "
                "number that does not depend on {}. Write the prior and the likelihood out from the "
                "Gaussian density, take logarithms (log is increasing, so the maximizer does not change), separate "
                "the terms that do not depend on {}, and compare what is left with (1).",
                Equation(Density("p", w, y), Density("p", y, w) * Density("p", w) / EVIDENCE),
                EVIDENCE,
                Density("p", y, w) * Density("p", w),
                w,
                w,
                w,
            )
        ),
        _note(
            "Reading of the statement",
            text(
                "\"{}\" is the model for one data point {}: {} is the {}-th row of {} written as a column "
                "({}), and the {} are i.i.d. {}, so at the vector level {}. Two assumptions are implicit and "
                "used: the noise {} is independent of {}, and {} means the posterior density ({} is "
                "continuous). {} plays two roles at once: it is the noise variance here (the prior variance is 1), "
                "and the regularization weight in (1); in general the ridge weight is the ratio noise variance / "
                "prior variance.",
                STATEMENT_MODEL,
                i,
                X_ROW,
                i,
                X,
                X_ROW_I,
                N_I,
                Normal(Integer(0), Integer(1)),
                Relation(N_RV, "sim", Normal(ZeroMatrix(n, 1), I_n)),
                N_RV,
                W_RV,
                POSTERIOR,
                W_RV,
                lam,
            ),
        ),
        _step(
            "Noise covariance",
            text(
                "{} is Gaussian with mean 0 and covariance {}, so given {} the labels are Gaussian with mean {} and "
                "covariance {}:",
                sqrt(lam) * N_RV,
                MatMul(noise, I_n, Transpose(noise)),
                Equation(W_RV, w),
                MatMul(X, w),
                lam * I_n,
            ),
            claim=Equal(MatMul(noise, I_n, Transpose(noise)), lam * I_n, ALGEBRA),
        ),
        _step(
            "Prior density",
            text(
                "The density of {} in {} dimensions is {}. For the prior, {}, {} and {} ({}):",
                Normal(MU_K, COV_K),
                k,
                Equation(Density("p", X_K), _density_formula()),
                Equation(k, d),
                Equation(MU_K, ZeroMatrix(k, 1)),
                Equation(COV_K, Identity(k)),
                Equation(Determinant(Identity(k)), Integer(1)),
            ),
            claim=DensityEqual(NormalPdf(w, ZeroMatrix(d, 1), I_d), prior),
        ),
        _step(
            "Likelihood, one data point at a time",
            text(
                "Each label is {} with its own independent noise, so the likelihood is the product of the {} scalar "
                "densities; it equals the {} density of the whole vector ({}):",
                Relation(y_i, "sim", Normal(Entry(MatMul(X, w), i), lam)),
                n,
                Normal(MatMul(X, w), lam * I_n),
                Equation(Determinant(lam * I_n), lam**n),
            ),
            claim=DensityEqual(Product(one_point, (i, 1, n)), likelihood, Given((InRange(i, 1, n),))),
        ),
        _step(
            "The same as a vector density",
            text("Written with the covariance of the step above:"),
            claim=DensityEqual(NormalPdf(y, MatMul(X, w), lam * I_n), likelihood),
        ),
        _step(
            "Log-posterior",
            text(
                "By Bayes' rule the posterior density is the likelihood times the prior, divided by {}. Its "
                "logarithm, with the terms free of {} collected in the constant {}:",
                EVIDENCE,
                w,
                Symbol("C"),
            ),
            display=(Equation(Symbol("C"), constant),),
            claim=LogOf(likelihood * prior / EVIDENCE, log_posterior),
        ),
        _step(
            "Only a scaled copy of (1) depends on w",
            text(
                "So {}. Maximizing it over {} is minimizing the ridge objective, because the factor {} in front of "
                "it is positive:",
                Equation(log(Density("p", w, y)), Symbol("C") - OBJECTIVE / (2 * lam)),
                w,
                1 / (2 * lam),
            ),
            claim=Sign(1 / (2 * l_r), "gt", (l_r > 0,)),
        ),
        _answer(
            text(
                "The verifier separates the terms free of {} itself and checks that the ridge solution is the unique "
                "maximizer of the log-posterior (gradient zero, Hessian negative definite): the MAP estimate is "
                "ridge regression.",
                w,
            ),
            (Boxed(Equation(W_HAT, RIDGE)),),
            Maximizer(log_posterior, w, RIDGE, ALGEBRA),
        ),
    )
    prompt = text(
        "Perspective 3: MAP estimation. Assume a prior {} and that each observed label is {} with {} "
        "i.i.d. across data points; at the vector level {}. The features {} are not random. Show that (1) "
        "gives the MAP estimate: the {} maximizing {}.",
        Relation(W_RV, "sim", Normal(ZeroMatrix(d, 1), I_d)),
        STATEMENT_MODEL,
        Relation(N_ONE, "sim", Normal(Integer(0), Integer(1))),
        Equation(Y_RV, MatAdd(MatMul(X, W_RV), sqrt(lam) * N_RV)),
        X,
        W_RV,
        POSTERIOR,
    )
    return Part("c", prompt, steps)


# -- (d) ---------------------------------------------------------------------------------------------------


def part_d() -> Part:
    residual_hat = MatAdd(Y_HAT, -MatMul(X_HAT, w))
    residual_blocks = BlockMatrix([[RESIDUAL], [-sqrt(lam) * w]])
    ols = MatMul(Inverse(MatMul(X_HAT.T, X_HAT)), X_HAT.T, Y_HAT)
    steps = (
        _interpretation(
            text(
                "Fake data: {} extra data points, one per feature, with feature vector {} and label 0. In blocks, "
                "{} and {}: an ordinary least-squares problem with {} rows.",
                d,
                MatMul(sqrt(lam), E_J),
                Relation(X_HAT, "def", X_HAT_BLOCKS),
                Relation(Y_HAT, "def", Y_HAT_BLOCKS),
                n + d,
            ),
            claim=Dimensions(
                (
                    Element(X_HAT_BLOCKS, RealSpace(n + d, d)),
                    Element(Y_HAT_BLOCKS, RealSpace(n + d, 1)),
                    Element(MatMul(X_HAT, w), RealSpace(n + d, 1)),
                )
            ),
        ),
        _method(
            text(
                "Block multiplication: the residual of the augmented problem stacks the ridge residual on top of {}, "
                "so its squared norm is the ridge objective; the two problems have the same objective, hence the same "
                "minimizer. The least-squares formula of problem 3 confirms it.",
                -sqrt(lam) * w,
            )
        ),
        _step(
            "The augmented residual",
            text("Block by block ({} rows, then {} rows):", n, d),
            claim=Equal(residual_hat, residual_blocks, FAKE_DATA),
        ),
        _step(
            "Same objective",
            text(
                "The squared norm of a stacked vector is the sum of the squared norms of its blocks, and "
                "{}:",
                Equation(MatMul(Transpose(sqrt(lam) * w), sqrt(lam) * w), lam * MatMul(w.T, w)),
            ),
            claim=Equal(MatMul(residual_hat.T, residual_hat), OBJECTIVE_MATRIX, FAKE_DATA),
        ),
        _step(
            "The Gram matrix of the fake data",
            text("The normal equations of the augmented problem have the ridge coefficient matrix:"),
            claim=Equal(MatMul(X_HAT.T, X_HAT), GRAM_D, FAKE_DATA),
        ),
        _step(
            "… and the ridge right-hand side",
            text("The zero labels add nothing:"),
            claim=Equal(MatMul(X_HAT.T, Y_HAT), MatMul(X.T, y), FAKE_DATA),
        ),
        _step(
            "Full column rank",
            text(
                "So {} is positive definite ((a)): the augmented matrix has full column rank for every {} — the {} "
                "block alone has rank {}. Least squares on the fake data has a unique solution, the formula of "
                "problem 3:",
                MatMul(X_HAT.T, X_HAT),
                X,
                sqrt(lam) * I_d,
                d,
            ),
            claim=PositiveDefinite(GRAM_D, ALGEBRA),
        ),
        _step(
            "The least-squares formula gives ridge",
            text("Substituting the two block products:"),
            claim=Equal(ols, RIDGE, FAKE_DATA),
        ),
        _answer(
            text(
                "The verifier checks the minimizer of the augmented least-squares objective directly (its Hessian "
                "{} is positive definite because {} has full column rank, shown above):",
                MatMul(2, X_HAT.T, X_HAT),
                X_HAT,
            ),
            (_ridge_answer(),),
            Minimizer(SqNorm(residual_hat), w, RIDGE, FAKE_DATA + Given((FullColumnRank(X_HAT),))),
        ),
    )
    prompt = text(
        "Perspective 4: fake data. Augment the data: {}, {}. Show that the ordinary least squares problem {} has the "
        "same minimizer as (1).",
        Relation(Y_HAT, "def", Y_HAT_BLOCKS),
        Relation(X_HAT, "def", X_HAT_BLOCKS),
        _argmin(SqNorm(residual_hat)),
    )
    return Part("d", prompt, steps)


# -- (e) ---------------------------------------------------------------------------------------------------


def part_e() -> Part:
    xi_star = MatMul(1 / sqrt(lam), RESIDUAL)
    eta_w = BlockMatrix([[w], [xi_star]])
    # One small wide instance (n = 1, d = 2) for the exact null-space check: with √λ in the entries it is slow.
    min_norm_given = Given(
        (FEATURES, FullRowRank(X_CHECK), ShiftAlgebra(X, lam, push_through=True), Shapes.of({n: 1, d: 2}))
    )
    steps = (
        _interpretation(
            text(
                "Fake features: {} extra features, one per data point. {} is {}, wide, and the unknown splits as "
                "{} with {} (the real weights) and {} (one fake weight per data point).",
                n,
                Relation(X_CHECK, "def", X_CHECK_BLOCKS),
                Size(n, d + n),
                Equation(eta, ETA_BLOCKS),
                Element(w, RealSpace(d)),
                Element(xi, RealSpace(n)),
            ),
            claim=Dimensions(
                (
                    Element(X_CHECK_BLOCKS, RealSpace(n, d + n)),
                    Element(ETA_BLOCKS, RealSpace(d + n, 1)),
                    Element(MatMul(X_CHECK, eta), RealSpace(n, 1)),
                )
            ),
        ),
        _method(
            text(
                "Eliminate the constraint: it determines the fake weights {} from {}, so the constrained problem in {} "
                "is an unconstrained problem in {} — and its objective is the ridge objective divided by {}.",
                xi,
                w,
                eta,
                w,
                lam,
            )
        ),
        _step(
            "The constraint in blocks",
            text("Block multiplication:"),
            claim=Equal(MatMul(X_CHECK, ETA_BLOCKS), MatAdd(MatMul(X, w), sqrt(lam) * xi), FAKE_FEATURES),
        ),
        _step(
            "Solve for the fake weights",
            text(
                "The constraint reads {}. The coefficient of {} is {}, invertible, so for each {} it has exactly one "
                "solution {}, namely {}; substituting it back satisfies the constraint:",
                Equation(MatAdd(MatMul(X, w), sqrt(lam) * xi), y),
                xi,
                sqrt(lam) * I_n,
                w,
                xi,
                Equation(xi, xi_star),
            ),
            claim=Equal(MatAdd(MatMul(X, w), MatMul(sqrt(lam), xi_star, evaluate=False), evaluate=False), y, FAKE_FEATURES),
        ),
        _step(
            "The norm on the constraint set",
            text(
                "So the feasible {} are exactly {} for {}, and their squared norm is the ridge objective divided "
                "by {}:",
                eta,
                eta_w,
                Element(w, RealSpace(d)),
                lam,
            ),
            claim=Chain(
                (
                    MatMul(eta_w.T, eta_w),
                    MatAdd(MatMul(w.T, w), (1 / lam) * MatMul(RESIDUAL.T, RESIDUAL)),
                    (1 / lam) * OBJECTIVE_MATRIX,
                ),
                FAKE_FEATURES,
            ),
        ),
        _step(
            "Minimize over w",
            text("Dividing by {} does not move the minimizer: by (a),", LAM_POSITIVE),
            claim=Minimizer(OBJECTIVE / lam, w, RIDGE, ALGEBRA),
        ),
        _step(
            "The fake features have full row rank",
            text(
                "{}, positive definite for every {} (the same argument as in (a)), so the minimum-norm problem is "
                "well posed for every {} and {}:",
                Equation(MatMul(X_CHECK, X_CHECK.T), GRAM_N),
                X,
                X,
                y,
            ),
            claim=PositiveDefinite(GRAM_N, ALGEBRA),
        ),
        _answer(
            text(
                "The minimum-norm solution; its first {} coordinates are the ridge solution. The verifier checks this "
                "independently as a minimum-norm claim (feasible, and in the row space of {}); its algebra uses the "
                "push-through identity, which (f) proves.",
                d,
                X_CHECK,
            ),
            (Boxed(Equation(ETA_STAR, BlockMatrix([[W_HAT], [MatMul(1 / sqrt(lam), MatAdd(y, -MatMul(X, W_HAT)))]]))),),
            MinNormSolution(X_CHECK, y, eta, ETA_SOLUTION, min_norm_given),
        ),
    )
    prompt = text(
        "Perspective 5: fake features. Augment the features instead: {} ({}, wide). Solve the min-norm problem "
        "{} subject to {} (2). Show that this is yet another form of ridge regression: the first {} coordinates of {} "
        "are the minimizer of (1).",
        Relation(X_CHECK, "def", X_CHECK_BLOCKS),
        Size(n, d + n),
        Relation(ETA_STAR, "eq", _argmin_eta()),
        Equation(MatMul(X_CHECK, eta), y),
        d,
        ETA_STAR,
    )
    return Part("e", prompt, steps)


def _argmin_eta():
    from derive.notation import ArgMin

    return ArgMin(SqNorm(eta), eta)


# -- the worked example of (f) -------------------------------------------------------------------------------

X0 = MatrixSymbol("X_0", 3, 2)
Y0 = MatrixSymbol("y_0", 3, 1)
U0 = MatrixSymbol("U_0", 3, 3)
V0 = MatrixSymbol("V_0", 2, 2)
S0 = MatrixSymbol("Sigma_0", 3, 2)
X0_HAT = MatrixSymbol("X_hat_0", 5, 2)
Y0_HAT = MatrixSymbol("y_hat_0", 5, 1)
X0_CHECK = MatrixSymbol("X_check_0", 3, 5)
EX_U = ImmutableMatrix([[Rational(2, 3), Rational(-1, 3), Rational(2, 3)],
                        [Rational(2, 3), Rational(2, 3), Rational(-1, 3)],
                        [Rational(-1, 3), Rational(2, 3), Rational(2, 3)]])
EX_V = ImmutableMatrix([[Rational(3, 5), Rational(-4, 5)], [Rational(4, 5), Rational(3, 5)]])
EX_S = ImmutableMatrix([[2, 0], [0, 1], [0, 0]])
EX_Y = ImmutableMatrix([1, 2, 3])
X1 = MatrixSymbol("X_1", 3, 2)  # the rank-deficient example of (h)
Y1 = MatrixSymbol("y_1", 3, 1)
A1 = MatrixSymbol("a", 3, 1)  # X₁ = abᵀ (prose only)
B1 = MatrixSymbol("b", 2, 1)
X1_PLUS = MatrixSymbol("X_1_plus", 2, 3)
SYMBOLS.update({
    A1: r"\mathbf{a}",
    B1: r"\mathbf{b}",
    X1_PLUS: r"X_{1}^{+}",
    Y0: r"\mathbf{y}_{0}",
    Y1: r"\mathbf{y}_{1}",
    X0_HAT: r"\hat{X}_{0}",
    Y0_HAT: r"\hat{\mathbf{y}}_{0}",
    X0_CHECK: r"\check{X}_{0}",
})


def _fraction(numerator: int, denominator: int | tuple[int, int]) -> Basic:
    """numerator/denominator kept as written (a sum a + b in the denominator stays unevaluated), for prose."""
    below = Add(*map(Integer, denominator), evaluate=False) if isinstance(denominator, tuple) else Integer(denominator)
    reciprocal = Pow(below, -1, evaluate=False)
    return reciprocal if numerator == 1 else Mul(Integer(numerator), reciprocal, evaluate=False)


def _worked_example() -> Chain:
    """The five forms at X₀ = U₀Σ₀V₀ᵀ, y₀, λ = 4, and the value (−33/100, 14/25) worked out by hand."""
    four = Integer(4)
    i2, i3 = Identity(2), Identity(3)
    definitions = Given(
        (
            Defines(X0_HAT, BlockMatrix([[X0], [2 * i2]])),
            Defines(Y0_HAT, BlockMatrix([[Y0], [ZeroMatrix(2, 1)]])),
            Defines(X0_CHECK, BlockMatrix([[X0, 2 * i3]])),
            Defines(X0, MatMul(U0, S0, V0.T)),
            Defines(U0, EX_U),
            Defines(S0, EX_S),
            Defines(V0, EX_V),
            Defines(Y0, EX_Y),
        )
    )
    return Chain(
        (
            MatMul(Inverse(MatAdd(MatMul(X0.T, X0), four * i2)), X0.T, Y0),
            MatMul(V0, Inverse(MatAdd(MatMul(S0.T, S0), four * i2)), S0.T, U0.T, Y0),
            MatMul(Inverse(MatMul(X0_HAT.T, X0_HAT)), X0_HAT.T, Y0_HAT),
            MatMul(BlockMatrix([[i2, ZeroMatrix(2, 3)]]), X0_CHECK.T, Inverse(MatMul(X0_CHECK, X0_CHECK.T)), Y0),
            MatMul(X0.T, Inverse(MatAdd(MatMul(X0, X0.T), four * i3)), Y0),
            ImmutableMatrix([Rational(-33, 100), Rational(14, 25)]),
        ),
        definitions,
    )


# -- (f) ---------------------------------------------------------------------------------------------------


def part_f() -> Part:
    pinv_blocks = BlockMatrix([[MatMul(X.T, Inverse(GRAM_N))], [sqrt(lam) * Inverse(GRAM_N)]])
    eta_star = MatMul(PINV_CHECK, y)
    first = MatMul(FIRST_D, eta_star)
    five = FAKE_DATA + Given((FEATURES, ShiftAlgebra(X, lam, push_through=True)))
    # An exact example with a known SVD: X₀ = U₀Σ₀V₀ᵀ with rational orthogonal U₀, V₀, λ = 4 so that √λ = 2.
    example = _worked_example()
    steps = (
        _interpretation(
            text(
                "Apply the wide-matrix formula with {} and {}. It needs {} invertible. The result must then be shown "
                "equal to (a)'s form; both are {}, but one inverts a {} matrix and the other an {} one.",
                Equation(Symbol("A"), X_CHECK),
                Equation(Z_RHS, y),
                MatMul(X_CHECK, X_CHECK.T),
                Size(d, 1),
                Size(d, d),
                Size(n, n),
            ),
            claim=Dimensions(
                (
                    Element(PINV_CHECK, RealSpace(d + n, n)),
                    Element(KERNEL, RealSpace(d, 1)),
                    Element(RIDGE, RealSpace(d, 1)),
                )
            ),
        ),
        _method(
            text(
                "Block multiplication for the pseudo-inverse; then the push-through identity, proved here from "
                "{} by multiplying with the two inverses (both exist because {}).",
                Equation(MatMul(X.T, GRAM_N), MatMul(GRAM_D, X.T)),
                LAM_POSITIVE,
            )
        ),
        _step(
            "The Gram matrix of the fake features",
            text("Block multiplication:"),
            claim=Equal(MatMul(X_CHECK, X_CHECK.T), GRAM_N, FAKE_FEATURES),
        ),
        _step(
            "It is invertible",
            text(
                "For every {} in {}, {}:",
                Relation(V_N, "ne", ZeroMatrix(n, 1)),
                RealSpace(n),
                Relation(
                    Equation(MatMul(V_N.T, GRAM_N, V_N), SqNorm(MatMul(X.T, V_N)) + lam * SqNorm(V_N)), "gt", Integer(0)
                ),
            ),
            claim=PositiveDefinite(GRAM_N, ALGEBRA),
        ),
        _step(
            "The pseudo-inverse, block by block",
            text("The transpose of a block row is a block column; multiply each block by the inverse:"),
            claim=Equal(PINV_CHECK, pinv_blocks, FAKE_FEATURES),
        ),
        _step(
            "The first d coordinates",
            text(
                "{} picks the first block of {}:",
                FIRST_D,
                Equation(ETA_STAR, MatMul(X_CHECK_DAGGER, y)),
            ),
            claim=Equal(first, KERNEL, FAKE_FEATURES),
        ),
        _step(
            "Push-through: the key equation",
            text("Multiply out both sides: each is {}.", MatAdd(MatMul(X.T, X, X.T), lam * X.T)),
            claim=Equal(MatMul(X.T, GRAM_N), MatMul(GRAM_D, X.T)),
        ),
        _step(
            "The push-through identity",
            text(
                "Multiply the key equation by {} on the left and by {} on the right (both inverses exist, (a) and "
                "above). The verifier proves this for symbolic sizes {} and {}, any {}, every {}:",
                Inverse(GRAM_D),
                Inverse(GRAM_N),
                n,
                d,
                X,
                LAM_POSITIVE,
            ),
            claim=Cleared(MatMul(Inverse(GRAM_D), X.T), MatMul(X.T, Inverse(GRAM_N)), GRAM_D, GRAM_N, ALGEBRA),
        ),
        _step(
            "Checked on several tall and wide shapes",
            text(
                "Independently of the proof, the two forms agree exactly on tall, square and wide {} with symbolic "
                "entries:",
                X,
            ),
            claim=Equal(KERNEL, RIDGE, Given((Shapes.of({n: 3, d: 1}, {n: 2, d: 2}, {n: 1, d: 3}),))),
        ),
        _step(
            "The five perspectives agree",
            text(
                "Least squares on the fake data (d), the optimization and MAP form (a), (c), the first {} coordinates "
                "of the min-norm solution with fake features (e), (f), and the form just derived — the same vector "
                "(the SVD form of (b) was proved equal to (a)'s there):",
                d,
            ),
            claim=Chain(
                (
                    MatMul(Inverse(MatMul(X_HAT.T, X_HAT)), X_HAT.T, Y_HAT),
                    RIDGE,
                    first,
                    KERNEL,
                ),
                five,
            ),
        ),
        _step(
            "A worked example",
            text(
                "Exact numbers: {} with the rational orthogonal {} and {} below, {} and {} (so {}). The five "
                "forms — (a), (b), (d), (e)/(f) and the form above — evaluated exactly by the verifier from these "
                "definitions (by hand: {}, the factors are {} and {}, so {}):",
                Relation(X0, "def", MatMul(U0, S0, V0.T)),
                U0,
                V0,
                Relation(Y0, "def", _row(1, 2, 3)),
                Equation(lam, Integer(4)),
                Equation(sqrt(lam), Integer(2)),
                Equation(MatMul(U0.T, Y0), _row(1, 3, 0)),
                Equation(_fraction(2, (4, 4)), Rational(1, 4)),
                Equation(_fraction(1, (1, 4)), Rational(1, 5)),
                Equation(MatMul(V0.T, W_HAT), _row(Rational(1, 4), Rational(3, 5))),
            ),
            display=tuple(Relation(m, "def", value) for m, value in ((U0, EX_U), (S0, EX_S), (V0, EX_V))),
            claim=example,
        ),
        _note(
            "Which form to use",
            text(
                "{} is {} and {} needs an {} inverse: the first is cheaper with many data "
                "points ({}), the second with many features ({}). The second also shows {} with "
                "{}: the solution is a combination of the data points (the kernel form).",
                Inverse(GRAM_D),
                Size(d, d),
                MatMul(X.T, Inverse(GRAM_N)),
                Size(n, n),
                Relation(n, "gt", d),
                Relation(d, "gt", n),
                Equation(W_HAT, MatMul(X.T, ALPHA)),
                Equation(ALPHA, MatMul(Inverse(GRAM_N), y)),
            ),
        ),
        _answer(
            text("Ridge regression in both forms, equal by the push-through identity:"),
            (Boxed(Equation(W_HAT, KERNEL)), Equation(KERNEL, RIDGE)),
            Cleared(KERNEL, RIDGE, GRAM_D, None, ALGEBRA),
        ),
    )
    prompt = text(
        "We know that the min-norm solution of a wide system {} is {} with {}. Use this on (2) to show that "
        "ridge regression also has the form {}, and show that this equals {}.",
        Equation(MatMul(A_WIDE, eta), Z_RHS),
        Equation(ETA_STAR, MatMul(A_DAGGER, Z_RHS)),
        Equation(A_DAGGER, MatMul(A_WIDE.T, Inverse(MatMul(A_WIDE, A_WIDE.T)))),
        Equation(W_HAT, KERNEL),
        RIDGE,
    )
    return Part("f", prompt, steps)


# -- (g) ---------------------------------------------------------------------------------------------------

SPECTRAL = Given(
    (FACTOR_DEF, PLUS_DEF, *ORTHOGONAL, Diagonal(D), ShiftAlgebra(X, lam, (U, V), symmetric=(D,)), RANK_SIZES)
)


def part_g() -> Part:
    scaled = MatMul(1 / lam, Inverse(MatAdd(I_d, MatMul(1 / lam, X.T, X))))
    coordinates = MatMul(F_LAM, U.T, y)
    ratio = s_i / (s_i**2 + l_r)
    steps = (
        _interpretation(
            text(
                "{} is a function of {} with values in {}, defined for every {} (no rank assumption). The "
                "question is its limit as {}, and how fast it gets there.",
                Equation(W_HAT, RIDGE),
                Element(lam, Interval.open(0, oo)),
                RealSpace(d),
                X,
                Relation(lam, "to", oo),
            ),
            claim=Dimensions((Element(RIDGE, RealSpace(d, 1)), Element(lam * RIDGE, RealSpace(d, 1)))),
        ),
        _method(
            text(
                "Take {} out of the inverse, so that what is left is continuous at {}; the verifier then takes "
                "the limit by continuity (with {}). Per singular direction, the factor of (b) tends to 0.",
                lam,
                Equation(1 / lam, Integer(0)),
                Relation(Equation(MU, 1 / lam), "to", ZERO_PLUS),
            )
        ),
        _step(
            "Take λ out of the inverse",
            text("Multiplying out by {}:", GRAM_D),
            claim=Cleared(Inverse(GRAM_D), scaled, GRAM_D, None, ALGEBRA),
        ),
        _step(
            "λŵ tends to Xᵀy",
            text(
                "So {}, and at {} the inverse is that of the identity: the limit is {}. For large {}, {} "
                "(the direction in which {} decreases fastest at {}, scaled down by {}):",
                Equation(lam * RIDGE, MatMul(Inverse(MatAdd(I_d, MatMul(1 / lam, X.T, X))), X.T, y)),
                Equation(1 / lam, Integer(0)),
                MatMul(X.T, y),
                lam,
                Relation(W_HAT, "approx", MatMul(1 / lam, X.T, y)),
                SqNorm(RESIDUAL),
                Equation(w, ZeroMatrix(d, 1)),
                lam,
            ),
            claim=MatrixLimit(lam * RIDGE, lam, oo, MatMul(X.T, y), ALGEBRA),
        ),
        _step(
            "Per singular direction",
            text("The factor of (b) tends to 0 for every {}, like {}:", SIGMA_I, SIGMA_I / lam),
            claim=LimitIs(lam * FACTOR_I, lam, oo, SIGMA_I),
        ),
        _step(
            "Monotone shrinkage",
            text(
                "It decreases in {} for every {}, so each coordinate of {} ({} in the basis of right singular "
                "vectors) shrinks in magnitude as {} grows:",
                lam,
                Relation(SIGMA_I, "gt", Integer(0)),
                MatMul(V.T, W_HAT),
                W_HAT,
                lam,
            ),
            claim=Sign(Derivative(ratio, l_r), "lt", (s_i > 0, l_r > 0)),
        ),
        _step(
            "The norm shrinks too",
            text(
                "{} is orthogonal, so {} has the norm of its coordinates {}; each coordinate shrinks, hence so does "
                "the norm of {}:",
                V,
                W_HAT,
                coordinates,
                W_HAT,
            ),
            claim=Equal(MatMul(SVD_RIDGE.T, SVD_RIDGE), MatMul(coordinates.T, coordinates), Given((Orthogonal(V), SIZES))),
        ),
        _answer(
            text(
                "The ridge solution shrinks to zero as {} (hence \"shrinkage\"), like {}:",
                Relation(lam, "to", oo),
                MatMul(1 / lam, X.T, y),
            ),
            (Boxed(Equation(_limit(RIDGE, oo), ZeroMatrix(d, 1))),),
            MatrixLimit(RIDGE, lam, oo, ZeroMatrix(d, 1), ALGEBRA),
        ),
    )
    prompt = text(
        "What happens to {} as {}? (This is why ridge regression is called shrinkage.)",
        Equation(W_R, RIDGE),
        Relation(lam, "to", oo),
    )
    return Part("g", prompt, steps)


def _limit(expr, point):
    from derive.limits import LimitOf

    return LimitOf(expr, lam, point, "" if point is oo else "+")


# -- (h) ---------------------------------------------------------------------------------------------------


def part_h() -> Part:
    ls = MatMul(Inverse(MatMul(X.T, X)), X.T, y)
    min_norm = MatMul(X.T, Inverse(MatMul(X, X.T)), y)
    pinv_solution = PINV_SOLUTION
    xe = ImmutableMatrix([[1, 2], [2, 4], [3, 6]])
    ye = ImmutableMatrix([1, 0, 1])
    ridge_e = MatMul(Inverse(MatAdd(MatMul(xe.T, xe), lam * Identity(2))), xe.T, ye)
    steps = (
        _interpretation(
            text(
                "{} ({} stays positive, so the limit is one-sided). At {} the formula would need {}, which "
                "exists only when {} has full column rank {} — possible only for a tall (or square) {}. A wide {} "
                "({}) has rank at most {}, so {} is singular and the limit needs another route.",
                Relation(lam, "to", ZERO_PLUS),
                lam,
                Equation(lam, Integer(0)),
                Inverse(MatMul(X.T, X)),
                X,
                d,
                X,
                X,
                Relation(n, "lt", d),
                Relation(n, "lt", d),
                MatMul(X.T, X),
            ),
            claim=Dimensions((Element(MatMul(X.T, X), RealSpace(d, d)), Element(MatMul(X, X.T), RealSpace(n, n)))),
        ),
        _method(
            text(
                "Continuity: where the matrix to be inverted stays invertible at {}, the limit is the value there. "
                "For a wide {} use the form of (f), whose inverse is {}. In general use the SVD: each factor "
                "{} tends to {}, and the zero singular values keep the factor 0.",
                Equation(lam, Integer(0)),
                X,
                Size(n, n),
                FACTOR_I,
                1 / SIGMA_I,
            )
        ),
        _note(
            "Reading of the statement",
            text(
                "\"Wide\" and \"tall\" are read as {} and {} with {} of full rank (rank {}, respectively "
                "rank {}), the setting of problem 3. Without full rank neither formula of problem 3 applies; the "
                "general answer, for any {}, is given at the end of this part.",
                Relation(n, "lt", d),
                Relation(n, "gt", d),
                X,
                n,
                d,
                X,
            ),
        ),
        _step(
            "Per singular direction",
            text("For {} the factor of (b) tends to the least-squares factor:", Relation(SIGMA_I, "gt", Integer(0))),
            claim=LimitIs(FACTOR_I, lam, Integer(0), 1 / SIGMA_I),
        ),
        _step(
            "Tall X of full column rank",
            text(
                "Assume {} (so {}). Then {} is invertible (positive definite) and the limit is the value at {}:",
                FullColumnRank(X).statement(),
                Relation(n, "ge", d),
                MatMul(X.T, X),
                Equation(lam, Integer(0)),
            ),
            claim=MatrixLimit(RIDGE, lam, Integer(0), ls, TALL),
        ),
        _step(
            "… the least-squares solution",
            text("That is the unique minimizer of {} (problem 3(a)), checked again here:", SqNorm(RESIDUAL)),
            claim=Minimizer(SqNorm(RESIDUAL), w, ls, TALL),
        ),
        _step(
            "Wide X: the other form",
            text("For every {} the solution is also {} ((f)):", LAM_POSITIVE, KERNEL),
            claim=Equal(RIDGE, KERNEL, ALGEBRA_PT),
        ),
        _step(
            "Wide X of full row rank",
            text(
                "Assume {} (so {}). Then {} is invertible and the {} inverse is continuous at {}:",
                FullRowRank(X).statement(),
                Relation(n, "le", d),
                MatMul(X, X.T),
                Size(n, n),
                Equation(lam, Integer(0)),
            ),
            claim=MatrixLimit(KERNEL, lam, Integer(0), min_norm, WIDE),
        ),
        _step(
            "… the minimum-norm solution",
            text(
                "That is the minimum-norm solution of {} (problem 3(d)): among the infinitely many exact fits, "
                "ridge with a vanishing penalty picks the shortest one:",
                Equation(MatMul(X, w), y),
            ),
            claim=MinNormSolution(X, y, w, min_norm, WIDE),
        ),
        _note(
            "Why the first form has a limit anyway",
            text(
                "For a wide {}, {} itself blows up as {} ({} is singular), but its product with {} "
                "does not: the two forms are equal for every {}, and the second one is continuous at 0.",
                X,
                Inverse(GRAM_D),
                Relation(lam, "to", Integer(0)),
                MatMul(X.T, X),
                X.T,
                LAM_POSITIVE,
            ),
        ),
        _step(
            "Any X: the pseudo-inverse",
            text(
                "Without a rank assumption use the SVD form of (b), {}, with {}. Every factor "
                "{} tends to {} and the zero blocks stay zero, so {} tends to {}, and the limit is "
                "{} with the Moore–Penrose pseudo-inverse {}:",
                Equation(W_HAT, SVD_RIDGE),
                Equation(r, Rank(X)),
                FACTOR_I,
                1 / SIGMA_I,
                F_LAM,
                Relation(S_PLUS, "def", PINV_BLOCKS),
                MatMul(X_PLUS, y),
                Relation(X_PLUS, "def", MatMul(V, S_PLUS, U.T)),
            ),
            claim=MatrixLimit(SVD_RIDGE, lam, Integer(0), pinv_solution, SPECTRAL),
        ),
        _step(
            "Worked example: a rank-deficient tall X",
            text(
                "The matrix {} below has rank 1 (its second column is twice the first), so {} is singular and the "
                "least-squares formula fails:",
                X1,
                MatMul(X1.T, X1),
            ),
            display=(Equation(X1, xe),),
            claim=Singular(MatMul(xe.T, xe)),
        ),
        _step(
            "… its limit",
            text(
                "With {}, the entries of the ridge solution are rational functions of {}; their exact limits give "
                "{}, the pseudo-inverse solution ({} with {} and {}, so {} with {}, and {}):",
                Equation(Y1, _row(1, 0, 1)),
                lam,
                _row(Rational(2, 35), Rational(4, 35)),
                Equation(X1, MatMul(A1, B1.T)),
                Equation(A1, _row(1, 2, 3)),
                Equation(B1, _row(1, 2)),
                Equation(MatMul(Integer(70), X1_PLUS), MatMul(B1, A1.T)),
                Equation(Integer(70), SqNorm(A1) * SqNorm(B1)),
                Equation(MatMul(X1_PLUS, Y1), MatMul(_fraction(4, 70), B1)),
            ),
            claim=MatrixLimit(ridge_e, lam, Integer(0), ImmutableMatrix([Rational(2, 35), Rational(4, 35)])),
        ),
        _answer(
            text(
                "As {} ridge regression tends to the pseudo-inverse solution, the minimum-norm least-squares "
                "solution. Tall {} of full column rank: ordinary least squares. Wide {} of full row rank: the "
                "minimum-norm exact fit.",
                Relation(lam, "to", ZERO_PLUS),
                X,
                X,
            ),
            (
                Boxed(Equation(_limit(W_HAT, Integer(0)), MatMul(X_PLUS, y))),
                Relation(Equation(MatMul(X_PLUS, y), pinv_solution), "quad", Words("(any rank)")),
                Relation(Equation(Rank(X), d), "implies", Equation(_limit(W_HAT, Integer(0)), ls)),
                Relation(Equation(Rank(X), n), "implies", Equation(_limit(W_HAT, Integer(0)), min_norm)),
            ),
            MatrixLimit(SVD_RIDGE, lam, Integer(0), pinv_solution, SPECTRAL),
        ),
    )
    prompt = text(
        "What happens as {}? Consider both the wide (underdetermined) and the tall (overdetermined) {}.",
        Relation(lam, "to", Integer(0)),
        X,
    )
    return Part("h", prompt, steps)


# -- the problem --------------------------------------------------------------------------------------------


def build() -> Problem:
    """Problem 4 of cs182-hw0, parts (a)–(h), ready for verification."""
    statement = text(
        "Throughout, {}, {}, {}. Ridge regression and five ways of seeing it: optimization, shifted singular "
        "values, MAP estimation, fake data, fake features.",
        Element(X, RealSpace(n, d)),
        Element(y, RealSpace(n)),
        Relation(lam, "gt", Integer(0)),
    )
    return Problem(
        set_id="cs182-hw0",
        id="q4",
        title="The five interpretations of ridge regression",
        statement=statement,
        parts=(part_a(), part_b(), part_c(), part_d(), part_e(), part_f(), part_g(), part_h()),
        symbols=SYMBOLS,
    )


__all__ = ["build"]
