package org.momentumrnn4j.sequence;

/** Scalar nonlinearities for the fused kernels, accurate to a few ulps in double precision. */
final class Pointwise {
    private Pointwise() {}

    /** Logistic sigmoid {@code 1 / (1 + e^{−x})}. */
    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * {@code tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1))}: absolute error ≈ 1e-16 (it uses the intrinsic
     * {@code Math.exp}; {@code Math.tanh} is the slow StrictMath routine).
     */
    static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax < 0x1p-20) {
            return x;                                   // tanh x = x − x³/3: the cubic term is below 1e-18·|x|
        }
        double t = 1.0 - 2.0 / (Math.exp(2.0 * ax) + 1.0);
        return x < 0 ? -t : t;
    }

    /** Real modReLU {@code sign(z)·max(|z| + b, 0)}, {@code sign(0) = 0}. */
    static double modRelu(double z, double b) {
        double m = Math.abs(z) + b;
        return m > 0 ? Math.signum(z) * m : 0.0 * z;
    }
}
