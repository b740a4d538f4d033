package org.momentumrnn4j.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pixel-MNIST-like sequence classification task for gradient studies without a download
 * (spec/vanishing-gradients.md §3): {@code [T, 1]} sequences whose pixels are non-zero with probability
 * {@code density}, i.i.d. over positions, with values in (0, 1]; the first {@code forcedSteps} pixels are always
 * non-zero so that measured gradients there are not structural zeros (§2.5). The label (10 classes) is the index
 * of the segment, among 10 equal segments of the first half of the sequence, with the largest pixel sum, so a
 * model must remember early inputs to solve it. Sample i is a function of (seed, i).
 */
public final class SyntheticPixels implements Dataset {
    private final int steps;
    private final int size;
    private final double density;
    private final int forcedSteps;
    private final long seed;
    private final DataType type;

    /**
     * @param steps       T ≥ 20
     * @param size        number of samples
     * @param density     probability of a non-zero pixel, in (0, 1]
     * @param forcedSteps leading steps that are always non-zero (0 ≤ forcedSteps ≤ T)
     */
    public SyntheticPixels(int steps, int size, double density, int forcedSteps, long seed, DataType type) {
        if (steps < 20) {
            throw new IllegalArgumentException("steps must be >= 20, got " + steps);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        if (forcedSteps < 0 || forcedSteps > steps) {
            throw new IllegalArgumentException("forcedSteps must be in [0, " + steps + "], got " + forcedSteps);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + type);
        }
        this.steps = steps;
        this.size = size;
        this.density = density;
        this.forcedSteps = forcedSteps;
        this.seed = seed;
        this.type = type;
    }

    /** The pixels of sample i. */
    public double[] sequence(int i) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("index " + i + " is outside [0, " + size + ")");
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        double[] x = new double[steps];
        for (int t = 0; t < steps; t++) {
            if (t < forcedSteps || r.nextDouble() < density) {
                x[t] = 1.0 - r.nextDouble();                  // (0, 1]
            }
        }
        return x;
    }

    /** The label of a sequence: the segment of the first half with the largest pixel sum. */
    public int label(double[] x) {
        int seg = (steps / 2) / 10;
        int best = 0;
        double bestSum = -1;
        for (int k = 0; k < 10; k++) {
            double s = 0;
            for (int t = k * seg; t < (k + 1) * seg; t++) {
                s += x[t];
            }
            if (s > bestSum) {
                bestSum = s;
                best = k;
            }
        }
        return best;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Batch batch(int[] indices) {
        INDArray x = Nd4j.create(DataType.DOUBLE, indices.length, steps, 1);
        int[] labels = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            double[] s = sequence(indices[b]);
            for (int t = 0; t < steps; t++) {
                x.putScalar(new long[] {b, t, 0}, s[t]);
            }
            labels[b] = label(s);
        }
        return new Batch(x.castTo(type), null, new Target.Labels(labels, 10));
    }

    @Override
    public String describe() {
        return "SyntheticPixels[T=" + steps + ", n=" + size + ", density=" + density + ", seed=" + seed + "]";
    }
}
