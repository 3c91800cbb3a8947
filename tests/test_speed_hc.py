"""Fast paths of the verifier's algebra (second round of the speed work): each must give
what the slow path gives."""

from sympy import BlockMatrix, Identity, ImmutableMatrix, Inverse, MatrixSymbol, ZeroMatrix, log, sqrt, symbols

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
        (V * Inverse(lam * Identity(n) + D**2) * D**-2 * V.T).doit(),  # powers of a symbol
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
        (X * (D + V) ** 2).doit(),  # a matrix power of a sum
        (X * D**m).doit(),  # a symbolic matrix power
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


def test_domain_rows_become_the_matrix_to_Matrix_gives():
    from sympy.polys.domains import QQ
    from sympy.polys.matrices import DomainMatrix

    from derive.linalg import _to_immutable

    field_ = QQ.frac_field(lam)
    rows = [[field_.from_sympy(1 / (lam + 1)), field_.from_sympy(lam**2 - 3)], [field_.zero, field_.one]]
    assert _to_immutable(rows, (2, 2), field_) == ImmutableMatrix(DomainMatrix(rows, (2, 2), field_).to_Matrix())
    rational = [[QQ(1, 3), QQ(-2)]]
    assert _to_immutable(rational, (1, 2), QQ) == ImmutableMatrix(DomainMatrix(rational, (1, 2), QQ).to_Matrix())
    assert _to_immutable([], (0, 3), QQ).shape == (0, 3)


def test_svd_blocks_are_memoized_but_each_caller_owns_its_dict():
    from derive.linalg import SVD

    Xt, Ut, St, Vt, Dt, Pt = (
        MatrixSymbol("X", m, n),
        MatrixSymbol("U", m, m),
        MatrixSymbol("Sigma", m, n),
        MatrixSymbol("V", n, n),
        MatrixSymbol("D", n, n),
        MatrixSymbol("Sigma_dagger", n, m),
    )
    svd = SVD(Xt, Ut, St, Vt, Dt, Pt)
    first = svd.blocks()
    assert first == svd._blocks()
    assert first[St] == BlockMatrix([[Dt], [ZeroMatrix(m - n, n)]])
    first.clear()
    assert svd.blocks() == svd._blocks() and len(svd.blocks()) == 2


def test_svd_product_is_u_sigma_v_transposed_and_orthogonal_factors_are_exact():
    from derive.linalg import _svd_product, orthogonal_matrix, rectangular_diagonal, seed_of

    u, v = orthogonal_matrix(3, seed_of("U")), orthogonal_matrix(2, seed_of("V"))
    assert u * u.T == Identity(3).as_explicit()
    assert _svd_product(3, 2, seed_of("U"), seed_of("V")) == ImmutableMatrix(u * rectangular_diagonal(3, 2) * v.T)
    assert _svd_product(2, 3, seed_of("U"), seed_of("V")).shape == (2, 3)


def test_a_defined_matrix_instance_is_the_same_memoized_or_not():
    from sympy import Matrix, sqrt

    from derive.resolvent import Defines

    Xh = MatrixSymbol("X_hat", m + n, n)
    fact = Defines(Xh, BlockMatrix([[X], [sqrt(lam) * Identity(n)]]))
    concrete = MatrixSymbol("X_hat", 5, 2)
    sizes = {m: 3, n: 2}
    first = fact.instance_at(concrete, sizes)
    assert first == fact._instance_at(concrete, dict(sizes)) and first.shape == (5, 2)
    assert fact.instance_at(concrete, sizes) == first
    assert fact.instance_at(MatrixSymbol("Y", 5, 2), sizes) is None
    assert isinstance(first, ImmutableMatrix) and Matrix(first)[3:, :] == sqrt(lam) * Matrix.eye(2)


def test_conform_memoized_raises_every_time_and_takes_mutable_matrices():
    import pytest
    from sympy import Matrix

    from derive.errors import ShapeError
    from derive.linalg import conform

    bad = X * X  # m×n by m×n
    for _ in range(2):
        with pytest.raises(ShapeError):
            conform(bad)
    assert conform(X.T * X) == (n, n)
    assert conform(Matrix([[1, 2, 3]])) == (1, 3)
