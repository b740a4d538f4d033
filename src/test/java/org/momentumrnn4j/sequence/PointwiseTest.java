package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Accuracy of the kernels' nonlinearities against {@link StrictMath} on a dense grid over [−20, 20] (step 1e-4,
 * plus the clamp point and tiny arguments). Bounds: the double-precision forms are within a few ulps (1e-15
 * absolute, values are ≤ 1); the rational forms within 1e-6 absolute, in double and in float arithmetic (float32's
 * own spacing near 1 is 6e-8, so 1e-6 is well below what one float32 layer step rounds anyway).
 */
class PointwiseTest {
    private static double[] grid() {
        int n = 400_001;
        double[] x = new double[n + 4];
        for (int i = 0; i < n; i++) {
            x[i] = -20 + i * 1e-4;
        }
        x[n] = 7.90531110763549805;
        x[n + 1] = -7.90531110763549805;
        x[n + 2] = 1e-30;
        x[n + 3] = -3e-7;
        return x;
    }

    @Test
    void exactFormsAreWithinAFewUlps() {
        double worstTanh = 0;
        double worstSig = 0;
        for (double x : grid()) {
            worstTanh = Math.max(worstTanh, Math.abs(Pointwise.tanh(x) - StrictMath.tanh(x)));
            worstSig = Math.max(worstSig, Math.abs(Pointwise.sigmoid(x) - 1 / (1 + StrictMath.exp(-x))));
        }
        assertTrue(worstTanh <= 1e-15, "tanh " + worstTanh);
        assertTrue(worstSig <= 1e-15, "sigmoid " + worstSig);
    }

    @Test
    void rationalFormsAreWithin1e6InDoubleAndFloat() {
        double worstD = 0;
        double worstF = 0;
        double worstSigF = 0;
        double worstPlain = 0;
        double worstFma = 0;
        for (double x : grid()) {
            double t = StrictMath.tanh(x);
            worstD = Math.max(worstD, Math.abs(Pointwise.tanhFast(x) - t));
            float xf = (float) x;
            worstF = Math.max(worstF, Math.abs(Pointwise.tanhFast(xf) - StrictMath.tanh(xf)));
            // both float forms, whichever this JVM selects (Pointwise.FMA)
            worstPlain = Math.max(worstPlain, Math.abs(Pointwise.tanhFastPlain(xf) - StrictMath.tanh(xf)));
            worstFma = Math.max(worstFma, Math.abs(Pointwise.tanhFastFma(xf) - StrictMath.tanh(xf)));
            worstSigF = Math.max(worstSigF, Math.abs(Pointwise.sigmoidFast(xf) - 1 / (1 + StrictMath.exp(-(double) xf))));
        }
        System.out.printf("rational tanh: max abs error %.2e (double), %.2e (float); sigmoid (float) %.2e%n", worstD, worstF, worstSigF);
        assertTrue(worstD <= 1e-6, "double " + worstD);
        assertTrue(worstF <= 1e-6, "float " + worstF);
        assertTrue(worstSigF <= 1e-6, "sigmoid float " + worstSigF);
        assertTrue(worstPlain <= 1e-6, "float, separate multiply and add " + worstPlain);
        assertTrue(worstFma <= 1e-6, "float, fused multiply-add " + worstFma);
        assertEquals(1f, Pointwise.tanhFast(50f), 1e-6);
        assertEquals(-1f, Pointwise.tanhFast(-50f), 1e-6);
    }

    @Test
    void modReluMatchesItsDefinitionInBothPrecisions() {
        double[][] cases = {{0.5, -0.2}, {-0.5, -0.2}, {0.1, -0.2}, {0.0, 0.3}, {-2, 0.5}};
        for (double[] c : cases) {
            double expected = Math.abs(c[0]) + c[1] > 0 ? Math.signum(c[0]) * (Math.abs(c[0]) + c[1]) : 0;
            assertEquals(expected, Pointwise.modRelu(c[0], c[1]), 0);
            assertEquals((float) expected, Pointwise.modRelu((float) c[0], (float) c[1]), 1e-7);
        }
    }

    @Test
    void branchFreeSignAndStepAreExactForNormalNumbersAndSignedZeros() {
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 100_000; i++) {
            double z = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            double b = r.nextGaussian() * 0.3;
            assertEquals(Double.doubleToRawLongBits(Math.signum(z)), Double.doubleToRawLongBits(Pointwise.sign(z)), "sign " + z);
            assertEquals(Double.doubleToRawLongBits(Math.max(Math.abs(z) + b, 0.0) * Math.signum(z)),
                    Double.doubleToRawLongBits(Pointwise.modRelu(z, b)), "modReLU " + z + " " + b);
            double rr = Math.max(Math.abs(z) + b, 0.0);
            assertEquals(Math.signum(rr), Pointwise.positive(rr), 0.0, "step " + rr);
            float zf = (float) z;
            float bf = (float) b;
            assertEquals(Float.floatToRawIntBits(Math.signum(zf)), Float.floatToRawIntBits(Pointwise.sign(zf)), "sign " + zf);
            assertEquals(Float.floatToRawIntBits(Math.max(Math.abs(zf) + bf, 0.0f) * Math.signum(zf)),
                    Float.floatToRawIntBits(Pointwise.modRelu(zf, bf)), "modReLU " + zf + " " + bf);
        }
        for (double z : new double[] {0.0, -0.0}) {
            assertEquals(Double.doubleToRawLongBits(z), Double.doubleToRawLongBits(Pointwise.sign(z)));
            assertEquals(Float.floatToRawIntBits((float) z), Float.floatToRawIntBits(Pointwise.sign((float) z)));
            assertEquals(Double.doubleToRawLongBits(z * 0.3), Double.doubleToRawLongBits(Pointwise.modRelu(z, 0.3)));
        }
        assertEquals(0.0, Pointwise.positive(0.0), 0.0);
        assertEquals(0f, Pointwise.positive(0f), 0f);
    }
}
