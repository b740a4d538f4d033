package org.momentumrnn4j.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The adding task, spec tasks.md §8.1 (Le et al. 2015, Arjovsky et al. 2016): add the two marked values
 * of a long sequence.
 *
 * <p>A sequence has {@code T} steps and 2 channels: channel 0 i.i.d. {@code U[0, 1)}, channel 1 all zero
 * except two 1s at {@code i1} uniform over {@code {0, …, ⌊T/2⌋ − 1}} and {@code i2} uniform over
 * {@code {⌊T/2⌋, …, T − 1}}. Inputs {@code [B, T, 2]}; target {@link Target.Values} {@code [B, 1]} with
 * {@code y = x[i1, 0] + x[i2, 0]}, predicted from the last step; loss MSE.
 *
 * <p>Sample {@code i} is a pure function of {@code (seed, i)}: from
 * {@code r = new SplittableRandom(mix64(mix64(seed) + (i+1)·γ))} (see {@code DataArrays.forSample}) it draws
 * {@code i1 = r.nextInt(⌊T/2⌋)}, {@code i2 = ⌊T/2⌋ + r.nextInt(T − ⌊T/2⌋)}, then the {@code T} values
 * {@code r.nextDouble()} in step order. The default seed is {@value #DEFAULT_SEED}.
 */
public final class AddingTask implements Dataset {
    /** Default seed. */
    public static final long DEFAULT_SEED = 12345L;

    private final int length;
    private final int size;
    private final long seed;
    private final DataType dataType;

    /** {@code size} sequences of {@code length} steps, default seed, FLOAT. */
    public AddingTask(int length, int size) {
        this(length, size, DEFAULT_SEED, DataType.FLOAT);
    }

    /**
     * @param length   T ≥ 2 steps
     * @param size     number of sequences, ≥ 1
     * @param seed     generator seed
     * @param dataType floating-point type of inputs and targets
     */
    public AddingTask(int length, int size, long seed, DataType dataType) {
        if (length < 2) {
            throw new IllegalArgumentException("length T must be >= 2 (one marker in each half), got " + length);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.length = length;
        this.size = size;
        this.seed = seed;
        this.dataType = DataArrays.checkType(dataType);
    }

    /** MSE of always predicting 1 (the best constant): {@code Var(X1 + X2) = 2/12 = 1/6}. */
    public static double baseline() {
        return 1.0 / 6.0;
    }

    /** One generated sequence: the values, the two marker steps and the target. */
    public record Sample(double[] values, int first, int second, double target) {
    }

    /** Sample {@code i} in plain Java arrays (the same numbers {@link #batch} puts in the arrays). */
    public Sample sample(int i) {
        DataArrays.checkIndices(new int[] {i}, size, describe());
        SplittableRandom r = DataArrays.forSample(seed, i);
        int half = length / 2;
        int i1 = r.nextInt(half);
        int i2 = half + r.nextInt(length - half);
        double[] v = new double[length];
        for (int t = 0; t < length; t++) {
            v[t] = r.nextDouble();
        }
        return new Sample(v, i1, i2, v[i1] + v[i2]);
    }

    /** Sequence length T. */
    public int steps() {
        return length;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    @Override
    public int size() {
        return size;
    }

    /** Inputs {@code [B, T, 2]}, targets {@code [B, 1]}, no mask. */
    @Override
    public Batch batch(int[] indices) {
        DataArrays.checkIndices(indices, size, describe());
        int b = indices.length;
        double[] x = new double[b * length * 2];   // [B, T, 2]
        double[] y = new double[b];                // [B, 1]
        for (int k = 0; k < b; k++) {
            Sample s = sample(indices[k]);
            int base = k * length * 2;
            for (int t = 0; t < length; t++) {
                x[base + 2 * t] = s.values()[t];
            }
            x[base + 2 * s.first() + 1] = 1.0;
            x[base + 2 * s.second() + 1] = 1.0;
            y[k] = s.target();
        }
        INDArray inputs = DataArrays.create(x, new long[] {b, length, 2}, dataType);
        INDArray targets = DataArrays.create(y, new long[] {b, 1}, dataType);
        return new Batch(inputs, null, new Target.Values(targets));
    }

    @Override
    public String describe() {
        return "adding task (T = " + length + ", " + size + " sequences, seed " + seed + ", " + dataType + ")";
    }
}
