package org.momentumrnn4j.orthogonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.orthogonal.TestMatrices.fromArray;
import static org.momentumrnn4j.orthogonal.TestMatrices.maxAbsDiff;
import static org.momentumrnn4j.orthogonal.TestMatrices.toArray;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Re-orthogonalization of the base (dtriv.md §5.1). */
class PolarTest {

    private static final DataType F64 = DataType.DOUBLE;

    /** Random orthogonal matrix exp(S), S random skew. */
    private static double[][] randomOrthogonal(int n, SplittableRandom rnd) {
        return ExpSkewOracle.expSkew(TestMatrices.randomSkew(n, 2.0, rnd));
    }

    /** Symmetric positive definite I + εK, K symmetric with entries of order 1. */
    private static double[][] spd(int n, double eps, SplittableRandom rnd) {
        double[][] g = TestMatrices.gaussian(n, n, rnd);
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i][j] = (i == j ? 1.0 : 0.0) + eps * (g[i][j] + g[j][i]) / 2.0;
            }
        }
        return h;
    }

    private static double frobenius(double[][] a, double[][] b) {
        double acc = 0.0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                acc += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
            }
        }
        return Math.sqrt(acc);
    }

    @Test
    void knownTwoByTwoCase() {
        // A = R(φ)·diag(2, 3): SVD A = R(φ)·diag(2,3)·I up to ordering, so polar(A) = R(φ)
        double phi = 0.4;
        double[][] r = {{Math.cos(phi), -Math.sin(phi)}, {Math.sin(phi), Math.cos(phi)}};
        double[][] a = TestMatrices.matmul(r, new double[][] {{2, 0}, {0, 3}});
        INDArray u = Polar.orthogonalize(fromArray(a, F64));
        assertTrue(maxAbsDiff(toArray(u), r) < 1e-15, "polar of R·diag(2,3)");
    }

    @Test
    void perturbedOrthogonalBecomesTheNearestOrthogonal() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 32;
        double[][] q = randomOrthogonal(n, rnd);
        double[][] h = spd(n, 1e-3, rnd);
        double[][] base = TestMatrices.matmul(q, h);         // polar decomposition base = Q·H, H SPD
        assertTrue(TestMatrices.orthogonalityDefect(base) > 1e-4);
        INDArray u = Polar.orthogonalize(fromArray(base, F64));
        double defect = Polar.orthogonalityError(u);
        double errQ = maxAbsDiff(toArray(u), q);
        System.out.printf("polar n=%d: ‖UᵀU−I‖max=%.2e |U−Q|max=%.2e%n", n, defect, errQ);
        assertTrue(defect <= 1e-12, "orthogonality " + defect);
        assertTrue(errQ <= 1e-12, "polar factor equals the known Q: " + errQ);
        // nearest: any other orthogonal matrix close to Q is farther from base
        double best = frobenius(toArray(u), base);
        for (int k = 0; k < 5; k++) {
            double[][] other = TestMatrices.matmul(q,
                    ExpSkewOracle.expSkew(TestMatrices.randomSkew(n, 1e-3, rnd)));
            assertTrue(frobenius(other, base) > best, "nearer orthogonal matrix found");
        }
    }

    @Test
    void rectangularThinPolar() {
        SplittableRandom rnd = new SplittableRandom(23);
        double[][] q = randomOrthogonal(6, rnd);
        double[][] tall = new double[6][3];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(q[i], 0, tall[i], 0, 3);
        }
        double[][] base = TestMatrices.matmul(tall, spd(3, 1e-2, rnd));
        INDArray u = Polar.orthogonalize(fromArray(base, F64));
        assertEquals(6, u.rows());
        assertEquals(3, u.columns());
        assertTrue(maxAbsDiff(toArray(u), tall) < 1e-13);
        INDArray w = Polar.orthogonalize(fromArray(TestMatrices.transpose(base), F64));
        assertTrue(maxAbsDiff(toArray(w), TestMatrices.transpose(tall)) < 1e-13);
    }

    @Test
    void float32Polar() {
        SplittableRandom rnd = new SplittableRandom(29);
        double[][] base = TestMatrices.matmul(randomOrthogonal(16, rnd), spd(16, 1e-2, rnd));
        INDArray u = Polar.orthogonalize(fromArray(base, DataType.FLOAT));
        assertEquals(DataType.FLOAT, u.dataType());
        assertTrue(Polar.orthogonalityError(u) < 1e-5);
    }

    @Test
    void newtonStepConvergesQuadratically() {
        SplittableRandom rnd = new SplittableRandom(31);
        double[][] q = randomOrthogonal(16, rnd);
        INDArray x = fromArray(TestMatrices.matmul(q, spd(16, 1e-3, rnd)), F64);
        double e0 = Polar.orthogonalityError(x);
        INDArray x1 = Polar.newtonStep(x);
        double e1 = Polar.orthogonalityError(x1);
        INDArray x2 = Polar.newtonStep(x1);
        double e2 = Polar.orthogonalityError(x2);
        INDArray x3 = Polar.newtonStep(x2);
        double e3 = Polar.orthogonalityError(x3);
        System.out.printf("newton: %.2e -> %.2e -> %.2e -> %.2e%n", e0, e1, e2, e3);
        assertTrue(e1 < 10 * e0 * e0 && e2 < 10 * e1 * e1 && e3 < 1e-14, "quadratic convergence");
        assertTrue(maxAbsDiff(x3, Polar.orthogonalize(x)) < 1e-13, "Newton limit is the polar factor");
    }

    @Test
    void qrFallbackIsOrthogonalAndClose() {
        SplittableRandom rnd = new SplittableRandom(37);
        double[][] q = randomOrthogonal(12, rnd);
        INDArray base = fromArray(TestMatrices.matmul(q, spd(12, 1e-4, rnd)), F64);
        INDArray f = Polar.qrFallback(base);
        assertTrue(Polar.orthogonalityError(f) < 1e-13);
        assertTrue(maxAbsDiff(f, base) < 1e-2, "sign-corrected Q stays close to base");
        INDArray wide = Polar.qrFallback(Nd4j.create(new double[][] {{1, 0, 0}, {0, 2, 0}}));
        assertTrue(maxAbsDiff(toArray(wide), new double[][] {{1, 0, 0}, {0, 1, 0}}) < 1e-15);
    }

    @Test
    void badInput() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Polar.orthogonalize(Nd4j.zeros(F64, 2, 2, 2)));
        assertTrue(ex.getMessage().startsWith("base ") && ex.getMessage().contains("[2, 2, 2]"), ex.getMessage());
        INDArray nan = Nd4j.eye(3).castTo(F64);
        nan.putScalar(2, 1, Double.NaN);
        ex = assertThrows(IllegalArgumentException.class, () -> Polar.newtonStep(nan));
        assertTrue(ex.getMessage().contains("NaN") && ex.getMessage().contains("[2, 1]"), ex.getMessage());
    }
}
