package org.momentumrnn4j.sequence;

/**
 * Nonlinearities for the fused kernels: double-precision versions accurate to a few ulps for the float64 kernel,
 * and {@code float} overloads for the float32 kernel, where the rational forms run in float arithmetic (twice the
 * SIMD width of double).
 */
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

    /**
     * A rational approximation of tanh for float32 results (Eigen's {@code generic_fast_tanh_float}
     * coefficients): {@code x·P(x²)/Q(x²)} on {@code |x| ≤ 7.9053}, ±1 beyond; absolute error below 1e-6
     * (tested), far under float32's own rounding of the surrounding math. Branch-free apart from the clamp,
     * so C2 vectorizes loops over it.
     */
    static double tanhFast(double x) {
        double c = Math.max(-7.90531110763549805, Math.min(7.90531110763549805, x));
        double x2 = c * c;
        double p = -2.76076847742355e-16;
        p = p * x2 + 2.00018790482477e-13;
        p = p * x2 - 8.60467152213735e-11;
        p = p * x2 + 5.12229709037114e-08;
        p = p * x2 + 1.48572235717979e-05;
        p = p * x2 + 6.37261928875436e-04;
        p = p * x2 + 4.89352455891786e-03;
        double q = 1.19825839466702e-06;
        q = q * x2 + 1.18534705686654e-04;
        q = q * x2 + 2.26843463243900e-03;
        q = q * x2 + 4.89352518554385e-03;
        return c * p / q;
    }

    /** {@code σ(x) = ½ + ½ tanh(x/2)} with {@link #tanhFast}; absolute error below 1e-6. */
    static double sigmoidFast(double x) {
        return 0.5 + 0.5 * tanhFast(0.5 * x);
    }

    /** {@code a[from..to) ← σ(a[from..to))}, the float32-accurate rational form when {@code fast}. */
    static void sigmoidInPlace(double[] a, int from, int to, boolean fast) {
        if (fast) {
            for (int i = from; i < to; i++) {
                a[i] = sigmoidFast(a[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                a[i] = sigmoid(a[i]);
            }
        }
    }

    /**
     * {@code a[from..to) ← tanh(a[from..to))}, in place: C2 (JDK 17) vectorizes this form but not
     * {@code dst[d + i] = f(src[s + i])} (measured 5× slower), so hot loops copy first and transform in place.
     */
    static void tanhInPlace(double[] a, int from, int to, boolean fast) {
        if (fast) {
            for (int i = from; i < to; i++) {
                a[i] = tanhFast(a[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                a[i] = tanh(a[i]);
            }
        }
    }

    /**
     * Real modReLU {@code sign(z)·max(|z| + b, 0)}, {@code sign(0) = 0}; branch-free (a data-dependent branch here
     * mispredicted often enough to cost ~5 ns per element), with the signs of zeros of the branchy form.
     */
    static double modRelu(double z, double b) {
        return sign(z) * Math.max(Math.abs(z) + b, 0.0);
    }

    /**
     * {@code sign(z)} (±1, and ±0 for ±0) as {@code z / max(|z|, MIN_NORMAL)}: exact for every normal {@code z}
     * (a number divided by its magnitude is exactly ±1), {@code z / MIN_NORMAL} for subnormal ones. C2 in JDK 17
     * vectorizes this form and not {@code Math.signum} (measured 5.4 → 1.2 ms for a modReLU over 3200 × 256 floats,
     * bit-identical results). Unlike {@code Math.signum}, ±∞ gives NaN: a pre-activation that overflowed is a
     * diverged model either way, and gradient clipping refuses non-finite gradients with an exception.
     */
    static double sign(double z) {
        return z / Math.max(Math.abs(z), Double.MIN_NORMAL);
    }

    /** {@code [r > 0]} for {@code r ≥ 0} (1 or 0), branch-free as {@link #sign(double)}. */
    static double positive(double r) {
        return r / Math.max(r, Double.MIN_NORMAL);
    }

    // ---- float32 kernel ----

    /** {@link #sigmoid(double)} rounded to float. */
    static float sigmoid(float x) {
        return (float) sigmoid((double) x);
    }

    /** {@link #tanh(double)} rounded to float. */
    static float tanh(float x) {
        return (float) tanh((double) x);
    }

    /**
     * Whether the float32 rational forms use {@link Math#fma}: true where the JVM compiles it to the CPU's fused
     * multiply-add (HotSpot's {@code UseFMA}, on by default on x86-64 CPUs with FMA3 and on AArch64), where it is
     * one instruction that C2 also vectorizes. Without the instruction {@code Math.fma} is a software routine
     * hundreds of times slower, so an unknown JVM gets the separate multiply and add. The system property
     * {@code momentumrnn4j.fma} ({@code true} or {@code false}) overrides the detection.
     */
    static final boolean FMA = fmaInstruction();

    private static boolean fmaInstruction() {
        String forced = System.getProperty("momentumrnn4j.fma");
        if (forced != null) {
            switch (forced.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    throw new IllegalArgumentException("system property momentumrnn4j.fma: expected true or false, got '"
                            + forced + "'");
            }
        }
        try {
            com.sun.management.HotSpotDiagnosticMXBean bean = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && "true".equals(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {          // not HotSpot, or no such option: the plain form
            return false;
        }
    }

    /**
     * {@link #tanhFast(double)} evaluated in float arithmetic: absolute error below 1e-6 (tested against the
     * double-precision tanh), in {@link #tanhFastFma fused} form where {@link #FMA} holds.
     */
    static float tanhFast(float x) {
        return FMA ? tanhFastFma(x) : tanhFastPlain(x);
    }

    /** {@link #tanhFast(float)} with a rounding after every multiply and every add. */
    static float tanhFastPlain(float x) {
        float c = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, x));
        float x2 = c * c;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 - 8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return c * p / q;
    }

    /**
     * {@link #tanhFast(float)} with each Horner step one fused multiply-add (one rounding instead of two). Java
     * may not contract {@code p * x2 + c} by itself, and the two dependent chains of separate multiplies and adds
     * bound the vectorized loop by their latency: over a float row in L1, 0.58 → 0.44 ns per element
     * (benchmarks/RESULTS.md, session 13).
     */
    static float tanhFastFma(float x) {
        float c = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, x));
        float x2 = c * c;
        float p = -2.76076847742355e-16f;
        p = Math.fma(p, x2, 2.00018790482477e-13f);
        p = Math.fma(p, x2, -8.60467152213735e-11f);
        p = Math.fma(p, x2, 5.12229709037114e-08f);
        p = Math.fma(p, x2, 1.48572235717979e-05f);
        p = Math.fma(p, x2, 6.37261928875436e-04f);
        p = Math.fma(p, x2, 4.89352455891786e-03f);
        float q = 1.19825839466702e-06f;
        q = Math.fma(q, x2, 1.18534705686654e-04f);
        q = Math.fma(q, x2, 2.26843463243900e-03f);
        q = Math.fma(q, x2, 4.89352518554385e-03f);
        return c * p / q;
    }

    /** {@code σ(x) = ½ + ½ tanh(x/2)} with {@link #tanhFast(float)}. */
    static float sigmoidFast(float x) {
        return FMA ? Math.fma(0.5f, tanhFastFma(0.5f * x), 0.5f) : 0.5f + 0.5f * tanhFastPlain(0.5f * x);
    }

    /** {@code a[from..to) ← σ(a[from..to))}. */
    static void sigmoidInPlace(float[] a, int from, int to, boolean fast) {
        if (fast) {
            for (int i = from; i < to; i++) {
                a[i] = sigmoidFast(a[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                a[i] = sigmoid(a[i]);
            }
        }
    }

    /**
     * {@code a[from..to) ← tanh(a[from..to))}, in place: C2 (JDK 17) vectorizes this form but not
     * {@code dst[d + i] = f(src[s + i])} (measured 5× slower), so hot loops copy first and transform in place.
     */
    static void tanhInPlace(float[] a, int from, int to, boolean fast) {
        if (fast) {
            for (int i = from; i < to; i++) {
                a[i] = tanhFast(a[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                a[i] = tanh(a[i]);
            }
        }
    }

    /** Real modReLU {@code sign(z)·max(|z| + b, 0)} in float, branch-free as {@link #modRelu(double, double)}. */
    static float modRelu(float z, float b) {
        return sign(z) * Math.max(Math.abs(z) + b, 0.0f);
    }

    /** {@link #sign(double)} in float. */
    static float sign(float z) {
        return z / Math.max(Math.abs(z), Float.MIN_NORMAL);
    }

    /** {@link #positive(double)} in float. */
    static float positive(float r) {
        return r / Math.max(r, Float.MIN_NORMAL);
    }
}
