package org.momentumrnn4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Gemm} against a product computed in double in Java. Tolerance: each element of {@code α·op(A)·op(B) + β·C}
 * is a sum of k + 1 terms, so its rounding error in the working precision is at most γ_{k+1} (|α|·|A||B| + |β||C|)
 * elementwise (Higham, Accuracy and Stability, §3.5), γ_j = j·u / (1 − j·u); the reference's own error is negligible.
 * The prepared-context cache is checked where it could go wrong: new contents at cached addresses, other shapes at
 * a cached address (a workspace hands the same memory to arrays of any shape), and eviction.
 */
class GemmTest {
    private Boolean saved;

    @BeforeEach
    void forceSplit() {
        saved = Gemm.splitOverride;
        Gemm.splitOverride = true;                             // the split path, whether or not this JVM has a helper
    }

    @AfterEach
    void restore() {
        Gemm.splitOverride = saved;
    }

    @Test
    void productsOfEveryLayoutMatchTheDoubleReferenceWithinRounding() {
        Random rnd = new Random(7);
        for (boolean split : new boolean[] {true, false}) {
        Gemm.splitOverride = split;
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] mkn : new int[][] {{256, 128, 128}, {129, 200, 131}, {64, 512, 96}, {300, 7, 40}, {8, 16, 8}}) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        for (double[] ab : new double[][] {{1, 0}, {-1, 1}, {0.5, -2}}) {
                            int m = mkn[0];
                            int k = mkn[1];
                            int n = mkn[2];
                            INDArray a = random(rnd, t, ta ? k : m, ta ? m : k);
                            INDArray b = random(rnd, t, tb ? n : k, tb ? k : n);
                            INDArray c0 = random(rnd, t, m, n);
                            INDArray c = c0.dup();
                            if (ab[1] == 0) {
                                c.assign(Double.NaN);                      // β = 0 must not read C
                            }
                            Gemm.gemm(a, b, c, ta, tb, ab[0], ab[1]);
                            assertWithin(reference(a, b, c0, ta, tb, ab[0], ab[1]), bound(a, b, c0, ta, tb, ab[0], ab[1], k, t),
                                    c, t + " " + m + "x" + k + "x" + n + " ta " + ta + " tb " + tb + " α,β " + ab[0] + "," + ab[1]
                                    + (split ? " split" : " whole"));
                        }
                    }
                }
            }
        }
        }
    }

    @Test
    void rowBlocksOfLargerArraysAreReadAndWrittenInPlace() {
        Random rnd = new Random(11);
        INDArray store = random(rnd, DataType.FLOAT, 3, 256, 256);
        INDArray a = store.slice(1);                                       // views with an offset
        INDArray b = store.slice(2);
        INDArray bigC = Nd4j.zeros(DataType.FLOAT, 400, 256);
        INDArray c = bigC.get(NDArrayIndex.interval(100, 356), NDArrayIndex.all());
        INDArray before = bigC.dup();
        Gemm.gemm(a, b, c, false, false, 1.0, 0.0);
        INDArray c0 = Nd4j.zeros(DataType.FLOAT, 256, 256);
        assertWithin(reference(a, b, c0, false, false, 1, 0), bound(a, b, c0, false, false, 1, 0, 256, DataType.FLOAT), c, "views");
        assertEquals(before.get(NDArrayIndex.interval(0, 100), NDArrayIndex.all()), bigC.get(NDArrayIndex.interval(0, 100), NDArrayIndex.all()));
        assertEquals(before.get(NDArrayIndex.interval(356, 400), NDArrayIndex.all()), bigC.get(NDArrayIndex.interval(356, 400), NDArrayIndex.all()));
    }

    @Test
    void cachedProductsSeeNewContentsAtTheSameAddresses() {
        Random rnd = new Random(13);
        INDArray a = Nd4j.create(DataType.FLOAT, 256, 256);
        INDArray b = Nd4j.create(DataType.FLOAT, 256, 256);
        INDArray c = Nd4j.create(DataType.FLOAT, 256, 256);
        for (int round = 0; round < 4; round++) {
            a.assign(random(rnd, DataType.FLOAT, 256, 256));
            b.assign(random(rnd, DataType.FLOAT, 256, 256));
            INDArray c0 = random(rnd, DataType.FLOAT, 256, 256);
            c.assign(c0);
            Gemm.gemm(a, b, c, false, round % 2 == 1, -0.5, 1.0);
            assertWithin(reference(a, b, c0, false, round % 2 == 1, -0.5, 1.0),
                    bound(a, b, c0, false, round % 2 == 1, -0.5, 1.0, 256, DataType.FLOAT), c, "round " + round);
        }
    }

    @Test
    void otherShapesAtACachedAddressAreNotConfused() {
        Random rnd = new Random(17);
        INDArray memory = Nd4j.create(DataType.FLOAT, 3, 256 * 256);       // three blocks reused with other shapes
        int[][] shapes = {{256, 256, 256}, {128, 512, 128}, {512, 128, 64}, {64, 1024, 64}, {256, 256, 256}}; // each operand fits its block
        for (int[] mkn : shapes) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            INDArray a = Nd4j.create(memory.data(), new long[] {m, k}, new long[] {k, 1}, 0, 'c');
            INDArray b = Nd4j.create(memory.data(), new long[] {k, n}, new long[] {n, 1}, 256 * 256, 'c');
            INDArray c = Nd4j.create(memory.data(), new long[] {m, n}, new long[] {n, 1}, 2 * 256 * 256, 'c');
            a.assign(random(rnd, DataType.FLOAT, m, k));
            b.assign(random(rnd, DataType.FLOAT, k, n));
            c.assign(Double.NaN);
            Gemm.gemm(a, b, c, false, false, 1.0, 0.0);
            INDArray zero = Nd4j.zeros(DataType.FLOAT, m, n);
            assertWithin(reference(a, b, zero, false, false, 1, 0), bound(a, b, zero, false, false, 1, 0, k, DataType.FLOAT), c,
                    m + "x" + k + "x" + n + " at reused addresses");
        }
    }

    @Test
    void productsBeyondTheCacheSizeStayCorrect() {
        Random rnd = new Random(19);
        int count = Gemm.CACHE_SIZE + 10;
        INDArray a = random(rnd, DataType.FLOAT, 64, 32);
        INDArray[] bs = new INDArray[count];
        INDArray[] cs = new INDArray[count];
        for (int i = 0; i < count; i++) {
            bs[i] = random(rnd, DataType.FLOAT, 32, 48);
            cs[i] = Nd4j.create(DataType.FLOAT, 64, 48);
        }
        for (int pass = 0; pass < 2; pass++) {                                 // the second pass runs evicted entries again
            for (int i = 0; i < count; i++) {
                cs[i].assign(Double.NaN);
                Gemm.gemm(a, bs[i], cs[i], false, false, 1.0, 0.0);
                INDArray zero = Nd4j.zeros(DataType.FLOAT, 64, 48);
                assertWithin(reference(a, bs[i], zero, false, false, 1, 0), bound(a, bs[i], zero, false, false, 1, 0, 32, DataType.FLOAT),
                        cs[i], "product " + i + ", pass " + pass);
            }
        }
    }

    @Test
    void mismatchedShapesAreRejectedWithBothShapes() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 3);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(a, b, Nd4j.zeros(DataType.FLOAT, 4, 5), false, false, 1, 0));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        IllegalArgumentException types = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(a, Nd4j.zeros(DataType.DOUBLE, 3, 5), Nd4j.zeros(DataType.FLOAT, 4, 5), false, false, 1, 0));
        assertTrue(types.getMessage().contains("one type"), types.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(Nd4j.zeros(DataType.INT32, 4, 3), Nd4j.zeros(DataType.INT32, 3, 5), Nd4j.zeros(DataType.INT32, 4, 5),
                        false, false, 1, 0));
        assertTrue(ints.getMessage().contains("INT"), ints.getMessage());
        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(Nd4j.zeros(DataType.FLOAT, 4), b, Nd4j.zeros(DataType.FLOAT, 4, 5), false, false, 1, 0));
        assertTrue(vector.getMessage().contains("matrices"), vector.getMessage());
    }

    @Test
    void aClosedArrayIsRejectedBeforeAnyNativeCall() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 128, 128);
        INDArray b = Nd4j.rand(DataType.FLOAT, 128, 128);
        INDArray c = Nd4j.create(DataType.FLOAT, 128, 128);
        Gemm.gemm(a, b, c, false, false, 1, 0);                           // prepared while open
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Gemm.gemm(a, b, c, false, false, 1, 0));
        assertTrue(e.getMessage().contains("b was closed"), e.getMessage());
    }

    private static INDArray random(Random rnd, DataType t, long... shape) {
        INDArray x = Nd4j.create(DataType.DOUBLE, shape);
        double[] v = new double[(int) x.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(t);
    }

    /** The elements of a matrix in double (one bulk read; INDArray.toDoubleMatrix reads element by element). */
    private static double[][] matrix(INDArray x) {
        int rows = (int) x.rows();
        int cols = (int) x.columns();
        double[] flat = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return out;
    }

    /** op(x) as a double matrix. */
    private static double[][] op(INDArray x, boolean trans) {
        double[][] v = matrix(x);
        if (!trans) {
            return v;
        }
        double[][] t = new double[v[0].length][v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v[0].length; j++) {
                t[j][i] = v[i][j];
            }
        }
        return t;
    }

    /** {@code α·op(A)·op(B) + β·C} in double; with {@code abs}, the same of the absolute values. */
    private static double[][] combine(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta, boolean abs) {
        double[][] x = op(a, ta);
        double[][] y = op(b, tb);
        double[][] z = matrix(c);
        int m = z.length;
        int n = z[0].length;
        int k = y.length;
        double[][] r = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double xv = abs ? Math.abs(x[i][p]) : x[i][p];
                for (int j = 0; j < n; j++) {
                    r[i][j] += xv * (abs ? Math.abs(y[p][j]) : y[p][j]);
                }
            }
            for (int j = 0; j < n; j++) {
                r[i][j] = abs ? Math.abs(alpha) * r[i][j] + Math.abs(beta * z[i][j])
                        : alpha * r[i][j] + (beta == 0 ? 0 : beta * z[i][j]);
            }
        }
        return r;
    }

    private static double[][] reference(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        return combine(a, b, c, ta, tb, alpha, beta, false);
    }

    /** γ_{k+1} (|α|·|op(A)||op(B)| + |β||C|) in the precision of {@code t}. */
    private static double[][] bound(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta, int k, DataType t) {
        double u = t == DataType.FLOAT ? 0x1p-24 : 0x1p-53;
        double gamma = (k + 1) * u / (1 - (k + 1) * u);
        double[][] r = combine(a, b, c, ta, tb, alpha, beta, true);
        for (double[] row : r) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= gamma;
            }
        }
        return r;
    }

    private static void assertWithin(double[][] ref, double[][] tol, INDArray got, String what) {
        double[][] v = matrix(got);
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < ref[i].length; j++) {
                double g = v[i][j];
                if (!(Math.abs(g - ref[i][j]) <= tol[i][j])) {
                    throw new AssertionError(what + ": element (" + i + ", " + j + ") = " + g + ", expected " + ref[i][j]
                            + " ± " + tol[i][j]);
                }
            }
        }
    }
}
