package org.momentumrnn4j.orthogonal;

import java.util.Objects;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Block-diagonal ("torus") initializers of the skew matrix (dtriv.md §6).
 *
 * <p>Layout: {@code ⌊n/2⌋} angles {@code θ_i} are drawn, {@code S[2i, 2i+1] = θ_i} and
 * {@code S[2i+1, 2i] = −θ_i}; for odd {@code n} the last row and column are 0. The full skew matrix is
 * returned (it is written as is into {@code P}; its lower triangle is ignored by {@link Skew#skew}).
 * {@code exp(S)} is block-diagonal with 2×2 rotations {@code [[cos θ_i, sin θ_i], [−sin θ_i, cos θ_i]]}.
 *
 * <p>Randomness: one {@link SplittableRandom} seeded with {@code seed}; angle {@code i} is the {@code i}-th
 * accepted draw of {@link SplittableRandom#nextDouble(double, double)}. The streams are deterministic for a
 * given seed (and independent of ND4J's global RNG), but they are not the reference's torch streams.
 */
public final class SkewInit {

    /** Seed used by the overloads without a seed argument. */
    public static final long DEFAULT_SEED = 12345L;

    private SkewInit() {
    }

    /**
     * Henaff init with {@link #DEFAULT_SEED}.
     *
     * @param n        hidden size, ≥ 1
     * @param dataType FLOAT or DOUBLE
     * @return the skew matrix {@code S} [n, n]
     */
    public static INDArray henaff(int n, DataType dataType) {
        return henaff(n, DEFAULT_SEED, dataType);
    }

    /**
     * Henaff init: {@code θ_i ~ U(−π, π)} (open interval; the draw {@code −π} is rejected), in the torus
     * layout. Default of the TIMIT and copy-task scripts.
     *
     * @param n        hidden size, ≥ 1
     * @param seed     seed of the {@link SplittableRandom}
     * @param dataType FLOAT or DOUBLE
     * @return the skew matrix {@code S} [n, n]
     */
    public static INDArray henaff(int n, long seed, DataType dataType) {
        return torus(henaffAngles(n, seed), n, dataType);
    }

    /**
     * Cayley init with {@link #DEFAULT_SEED}.
     *
     * @param n        hidden size, ≥ 1
     * @param dataType FLOAT or DOUBLE
     * @return the skew matrix {@code S} [n, n]
     */
    public static INDArray cayley(int n, DataType dataType) {
        return cayley(n, DEFAULT_SEED, dataType);
    }

    /**
     * Cayley init: {@code u ~ U(0, π/2)} (the draw 0 is rejected),
     * {@code θ = −√((1 − cos u)/(1 + cos u)) = −tan(u/2) ∈ (−1, 0)}, in the torus layout. Default of the
     * MNIST/PMNIST scripts.
     *
     * @param n        hidden size, ≥ 1
     * @param seed     seed of the {@link SplittableRandom}
     * @param dataType FLOAT or DOUBLE
     * @return the skew matrix {@code S} [n, n]
     */
    public static INDArray cayley(int n, long seed, DataType dataType) {
        return torus(cayleyAngles(n, seed), n, dataType);
    }

    /**
     * The {@code ⌊n/2⌋} Henaff angles {@code θ_i ∈ (−π, π)} that {@link #henaff(int, long, DataType)} uses.
     *
     * @param n    hidden size, ≥ 1
     * @param seed seed
     * @return the angles
     */
    public static double[] henaffAngles(int n, long seed) {
        requireSize(n);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] theta = new double[n / 2];
        for (int i = 0; i < theta.length; i++) {
            double t;
            do {
                t = rnd.nextDouble(-Math.PI, Math.PI);
            } while (t <= -Math.PI);
            theta[i] = t;
        }
        return theta;
    }

    /**
     * The {@code ⌊n/2⌋} Cayley angles {@code θ_i ∈ (−1, 0)} that {@link #cayley(int, long, DataType)} uses.
     *
     * @param n    hidden size, ≥ 1
     * @param seed seed
     * @return the angles
     */
    public static double[] cayleyAngles(int n, long seed) {
        requireSize(n);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] theta = new double[n / 2];
        for (int i = 0; i < theta.length; i++) {
            double u;
            do {
                u = rnd.nextDouble(0.0, Math.PI / 2.0);
            } while (u <= 0.0);
            double c = Math.cos(u);
            theta[i] = -Math.sqrt((1.0 - c) / (1.0 + c));
        }
        return theta;
    }

    /**
     * Builds the torus-layout skew matrix {@code S[2i, 2i+1] = θ_i}, {@code S[2i+1, 2i] = −θ_i}.
     *
     * @param theta    {@code ⌊n/2⌋} finite angles
     * @param n        size, ≥ 1
     * @param dataType FLOAT or DOUBLE
     * @return {@code S} [n, n]; for odd {@code n} the last row and column are 0
     * @throws IllegalArgumentException on a wrong number of angles, a non-finite angle or a bad data type
     */
    public static INDArray torus(double[] theta, int n, DataType dataType) {
        requireSize(n);
        Objects.requireNonNull(theta, "theta must not be null");
        Objects.requireNonNull(dataType, "dataType must not be null");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        if (theta.length != n / 2) {
            throw new IllegalArgumentException("theta must have n/2 = " + (n / 2) + " angles for n = " + n
                    + ", got " + theta.length);
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new IllegalArgumentException("theta[" + i + "] must be finite, got " + theta[i]);
            }
            s[2 * i][2 * i + 1] = theta[i];
            s[2 * i + 1][2 * i] = -theta[i];
        }
        return Nd4j.create(s).castTo(dataType);   // [n, n]
    }

    private static void requireSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
    }
}
