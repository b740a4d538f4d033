package org.momentumrnn4j.orthogonal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.orthogonal.TestMatrices.toArray;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Torus-layout initializers (dtriv.md §6). */
class SkewInitTest {

    private static void assertTorusLayout(double[][] s, double[] theta) {
        int n = s.length;
        assertEquals(n / 2, theta.length);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double expected = 0.0;
                if (i / 2 < theta.length && i / 2 == j / 2 && i != j) {
                    expected = (i % 2 == 0) ? theta[i / 2] : -theta[i / 2];
                }
                assertEquals(expected, s[i][j], 0.0, "S[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void layoutEvenAndOdd() {
        for (int n : new int[] {1, 2, 3, 8, 9}) {
            double[][] h = toArray(SkewInit.henaff(n, 42L, DataType.DOUBLE));
            assertTorusLayout(h, SkewInit.henaffAngles(n, 42L));
            double[][] c = toArray(SkewInit.cayley(n, 42L, DataType.DOUBLE));
            assertTorusLayout(c, SkewInit.cayleyAngles(n, 42L));
            if (n % 2 == 1) {
                for (int k = 0; k < n; k++) {
                    assertEquals(0.0, h[n - 1][k]);
                    assertEquals(0.0, h[k][n - 1]);
                }
            }
        }
        // the full skew matrix is written, and Skew.skew of it gives it back
        INDArray s = SkewInit.henaff(7, DataType.DOUBLE);
        assertEquals(0.0, TestMatrices.maxAbsDiff(Skew.skew(s), s));
    }

    @Test
    void angleRanges() {
        double[] h = SkewInit.henaffAngles(20000, 1L);
        double[] c = SkewInit.cayleyAngles(20000, 1L);
        double hMin = Double.MAX_VALUE;
        double hMax = -Double.MAX_VALUE;
        for (double t : h) {
            assertTrue(t > -Math.PI && t < Math.PI, "Henaff angle " + t);
            hMin = Math.min(hMin, t);
            hMax = Math.max(hMax, t);
        }
        assertTrue(hMin < -3.1 && hMax > 3.1, "Henaff covers (−π, π)");
        double cMin = 0.0;
        double cMax = -1.0;
        for (double t : c) {
            assertTrue(t > -1.0 && t < 0.0, "Cayley angle " + t);
            cMin = Math.min(cMin, t);
            cMax = Math.max(cMax, t);
        }
        assertTrue(cMin < -0.99 && cMax > -0.01, "Cayley covers (−1, 0)");
        // θ = −tan(u/2) with u ~ U(0, π/2): mean = −(2/π)·∫₀^{π/2} tan(u/2) du = −(4/π)·ln √2 ≈ −0.4413
        double mean = 0.0;
        for (double t : c) {
            mean += t / c.length;
        }
        assertEquals(-4.0 / Math.PI * Math.log(Math.sqrt(2.0)), mean, 0.01);
    }

    @Test
    void seededDeterminism() {
        assertArrayEquals(SkewInit.henaffAngles(64, 7L), SkewInit.henaffAngles(64, 7L));
        assertFalse(java.util.Arrays.equals(SkewInit.henaffAngles(64, 7L), SkewInit.henaffAngles(64, 8L)));
        assertEquals(0.0, TestMatrices.maxAbsDiff(SkewInit.cayley(16, DataType.DOUBLE),
                SkewInit.cayley(16, SkewInit.DEFAULT_SEED, DataType.DOUBLE)));
        assertEquals(0.0, TestMatrices.maxAbsDiff(SkewInit.henaff(16, DataType.DOUBLE),
                SkewInit.henaff(16, SkewInit.DEFAULT_SEED, DataType.DOUBLE)));
        INDArray f = SkewInit.henaff(16, 3L, DataType.FLOAT);
        assertEquals(DataType.FLOAT, f.dataType());
        assertTrue(TestMatrices.maxAbsDiff(f, SkewInit.henaff(16, 3L, DataType.DOUBLE)) < 1e-6);
    }

    @Test
    void expIsBlockRotation() {
        for (boolean henaff : new boolean[] {true, false}) {
            int n = 11;
            double[] theta = henaff ? SkewInit.henaffAngles(n, 5L) : SkewInit.cayleyAngles(n, 5L);
            INDArray s = henaff ? SkewInit.henaff(n, 5L, DataType.DOUBLE) : SkewInit.cayley(n, 5L, DataType.DOUBLE);
            double[][] b = toArray(MatrixExp.expm(s, ExpmAlgorithm.PADE_F64));
            double[][] expected = new double[n][n];
            for (int i = 0; i < theta.length; i++) {
                double c = Math.cos(theta[i]);
                double sn = Math.sin(theta[i]);
                expected[2 * i][2 * i] = c;
                expected[2 * i][2 * i + 1] = sn;
                expected[2 * i + 1][2 * i] = -sn;
                expected[2 * i + 1][2 * i + 1] = c;
            }
            expected[n - 1][n - 1] = 1.0;
            double err = TestMatrices.maxAbsDiff(b, expected);
            assertTrue(err < 1e-15, "block rotation, err " + err);
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> SkewInit.henaff(0, DataType.DOUBLE));
        assertThrows(IllegalArgumentException.class, () -> SkewInit.cayley(4, 1L, DataType.INT32));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> SkewInit.torus(new double[3], 4, DataType.DOUBLE));
        assertTrue(ex.getMessage().contains("2") && ex.getMessage().contains("3"), ex.getMessage());
    }
}
