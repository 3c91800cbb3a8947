"""Fast paths of the verifier's algebra (second round of the speed work): each must give
what the slow path gives."""

from sympy import BlockMatrix, Identity, Inverse, MatrixSymbol, ZeroMatrix, log, sqrt, symbols

from derive.linalg import nothing_to_expand

m, n, lam = symbols("m n lambda", positive=True, integer=True)
U = MatrixSymbol("U", m, m)
V = MatrixSymbol("V", n, n)
D = MatrixSymbol("D", n, n)
X = MatrixSymbol("X", m, n)
y = MatrixSymbol("y", m, 1)
COLUMN = BlockMatrix([[D.T], [ZeroMatrix(m - n, n)]])


def test_plain_products_are_left_alone_and_expand_agrees():
    plain = [
        (V * COLUMN.T.T * U.T * Inverse(U * COLUMN.T * V.T * V * COLUMN * U.T) * y).doit(),
        (2 * X.T * X / lam).doit(),
        (sqrt(lam) * Inverse(X.T * X) * X.T * y).doit(),
        (X * Identity(n) * X.T).doit(),
        (X * BlockMatrix([[Identity(n) + D]])).doit(),  # a sum inside a block is not distributed
        (X.T * Inverse(lam * Identity(m) + X * X.T) * y).doit(),  # nor inside an inverse
    ]
    for e in plain:
        assert nothing_to_expand(e), e
        assert e.expand() == e


def test_anything_expand_could_change_is_not_skipped():
    changed = [
        (X.T * (X + MatrixSymbol("Z", m, n))).doit(),  # a matrix sum to distribute
        ((lam + 1) * X).doit(),  # a scalar sum
        (lam * (lam + 1) * X).doit(),
        ((lam + 1) ** 2 * X).doit(),  # a power of a sum
        (lam ** (m + 1) * X).doit(),  # a power with a sum for exponent
        (log(lam) * X).doit(),  # a function
        ZeroMatrix(n * (m - n), n),  # a size to multiply out
    ]
    for e in changed:
        assert not nothing_to_expand(e), e


def test_a_sum_of_plain_terms_is_left_alone_but_not_a_sum_inside_a_product():
    Z = MatrixSymbol("Z", m, n)
    total = (X - 2 * U * Z / lam).doit()
    assert nothing_to_expand(total)
    assert total.expand() == total
    assert not nothing_to_expand((U * (X - Z)).doit())
