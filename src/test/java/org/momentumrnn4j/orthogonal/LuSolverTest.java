package org.momentumrnn4j.orthogonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.orthogonal.TestMatrices.fromArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LU solver on row-major buffers (factor of Qᵀ, right-hand triangular solves, row interchanges of X): residuals
 * of random and pivot-forcing systems, non-square right-hand sides, both precisions, {@code Q X = Y} and
 * {@code Qᵀ X = Y}.
 */
class LuSolverTest {

    /**
     * ‖Q X − Y‖_max ≤ c · u · ‖Q‖ ‖X‖ · n (backward stability of partial pivoting; u = 2⁻⁵³ or 2⁻²⁴, c = 10 on
     * these well-conditioned matrices). Q = G + n·I (random) or a row-permuted version of it, whose large
     * entries sit off the diagonal so that the factorization pivots.
     */
    @Test
    void solvesRandomAndPermutedSystems() {
        solveAll(Integer.MAX_VALUE);
    }

    /** The same systems with every right-hand side of at least two columns solved in two blocks on two threads. */
    @Test
    void solvesInTwoColumnBlocks() {
        solveAll(2);
    }

    private static void solveAll(int splitMinColumns) {
        int saved = LuSolver.splitMinColumns;
        LuSolver.splitMinColumns = splitMinColumns;
        try {
            solveAllWithTheSplitSet();
        } finally {
            LuSolver.splitMinColumns = saved;
        }
    }

    private static void solveAllWithTheSplitSet() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double u = dt == DataType.DOUBLE ? 0x1p-53 : 0x1p-24;
            for (int n : new int[] {1, 2, 7, 40}) {
                for (boolean permuted : new boolean[] {false, true}) {
                    double[][] g = TestMatrices.gaussian(n, n, rnd);
                    for (int i = 0; i < n; i++) {
                        g[i][i] += n;
                    }
                    double[][] q = new double[n][];       // 3i + 1 mod n permutes the rows (gcd(3, n) = 1)
                    for (int i = 0; i < n; i++) {
                        q[i] = g[permuted ? (3 * i + 1) % n : i].clone();
                    }
                    INDArray qa = fromArray(q, dt);
                    for (int k : new int[] {1, n, n + 3}) {
                        INDArray y = fromArray(TestMatrices.gaussian(n, k, rnd), dt);
                        LuSolver lu = LuSolver.factor(qa);
                        for (boolean transposed : new boolean[] {false, true}) {
                            // the transposed solve also through a kept copy of the factors (as MatrixExp.Trace)
                            INDArray x = transposed ? LuSolver.of(lu.factors().dup('c'), lu.pivots()).solveTransposed(y)
                                                    : lu.solve(y);
                            INDArray op = transposed ? qa.transpose() : qa;
                            assertEquals(dt, x.dataType());
                            assertEquals('c', x.ordering());
                            double resid = op.castTo(DataType.DOUBLE).mmul(x.castTo(DataType.DOUBLE))
                                    .sub(y.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
                            double bound = 10 * u * n * qa.amaxNumber().doubleValue() * n
                                    * x.amaxNumber().doubleValue();
                            assertTrue(resid <= bound, dt + " n " + n + " k " + k + " permuted " + permuted
                                    + " transposed " + transposed + ": residual " + resid + " > " + bound);
                        }
                    }
                }
            }
        }
    }

    @Test
    void permutationMatrixIsSolvedExactly() {
        int n = 6;
        int[] perm = {3, 0, 5, 1, 4, 2};
        INDArray q = Nd4j.zeros(DataType.DOUBLE, n, n);
        for (int i = 0; i < n; i++) {
            q.putScalar(i, perm[i], 1.0);
        }
        INDArray y = Nd4j.arange(n * 2).castTo(DataType.DOUBLE).reshape('c', n, 2);
        INDArray x = LuSolver.factor(q).solve(y);
        assertEquals(0.0, q.mmul(x).sub(y).amaxNumber().doubleValue());
        INDArray xt = LuSolver.factor(q).solveTransposed(y);
        assertEquals(0.0, q.transpose().mmul(xt).sub(y).amaxNumber().doubleValue());
    }

    @Test
    void singularMatrixIsReported() {
        INDArray q = Nd4j.createFromArray(new double[][] {{1, 2}, {2, 4}});
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> LuSolver.factor(q));
        assertTrue(e.getMessage().contains("singular"), e.getMessage());
    }
}
