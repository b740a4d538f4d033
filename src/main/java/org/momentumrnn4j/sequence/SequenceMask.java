package org.momentumrnn4j.sequence;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which steps of a batch of sequences are real: {@code [batch, time]} of 1 (real) and 0 (padding).
 * A padded step leaves the state unchanged and outputs zero; no gradient flows through it.
 */
public final class SequenceMask {
    private final int batch;
    private final int steps;
    private final double[] values;   // [B·T] batch-major
    private final int[] lengths;     // per sample, when the mask is a prefix mask; null otherwise

    private SequenceMask(int batch, int steps, double[] values, int[] lengths) {
        this.batch = batch;
        this.steps = steps;
        this.values = values;
        this.lengths = lengths;
    }

    /** A prefix mask: sample b is real for its first {@code lengths[b]} steps (0 ≤ length ≤ steps). */
    public static SequenceMask fromLengths(int[] lengths, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        double[] v = new double[lengths.length * steps];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 0 || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths[" + b + "] = " + lengths[b] + " is outside [0, " + steps + "]");
            }
            Arrays.fill(v, b * steps, b * steps + lengths[b], 1.0);
        }
        return new SequenceMask(lengths.length, steps, v, lengths.clone());
    }

    /** A mask from a {@code [batch, time]} array of zeros and ones. */
    public static SequenceMask of(INDArray mask) {
        if (mask.rank() != 2) {
            throw new IllegalArgumentException("mask must be [batch, time], got " + Arrays.toString(mask.shape()));
        }
        int b = (int) mask.size(0);
        int t = (int) mask.size(1);
        double[] v = mask.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0.0 && v[i] != 1.0) {
                throw new IllegalArgumentException("mask entries must be 0 or 1, got " + v[i] + " at [" + (i / t)
                        + ", " + (i % t) + "]");
            }
        }
        int[] lengths = new int[b];
        boolean prefix = true;
        for (int s = 0; s < b && prefix; s++) {
            int n = 0;
            while (n < t && v[s * t + n] == 1.0) {
                n++;
            }
            for (int k = n; k < t; k++) {
                prefix &= v[s * t + k] == 0.0;
            }
            lengths[s] = n;
        }
        return new SequenceMask(b, t, v, prefix ? lengths : null);
    }

    /** Batch size. */
    public int batchSize() {
        return batch;
    }

    /** Number of steps. */
    public int steps() {
        return steps;
    }

    /** Whether step t of sample b is real. */
    public boolean isReal(int b, int t) {
        return values[b * steps + t] != 0.0;
    }

    /** Lengths of a prefix mask, or {@code null} when some sample has a gap. */
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }

    /** The mask as {@code [batch, time]}. */
    public INDArray toArray(DataType type) {
        return Nd4j.create(values, new long[] {batch, steps}, DataType.DOUBLE).castTo(type);
    }

    /** Column {@code [batch, 1]} of step t. */
    INDArray column(int t, DataType type) {
        double[] c = new double[batch];
        for (int b = 0; b < batch; b++) {
            c[b] = values[b * steps + t];
        }
        return Nd4j.create(c, new long[] {batch, 1}, DataType.DOUBLE).castTo(type);
    }

    /** Time-major copy {@code [T·B]}. */
    double[] timeMajor() {
        double[] out = new double[batch * steps];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                out[t * batch + b] = values[b * steps + t];
            }
        }
        return out;
    }

    /** Steps {@code [from, to)} as a mask of their own. */
    public SequenceMask window(int from, int to) {
        if (from < 0 || to > steps || from >= to) {
            throw new IllegalArgumentException("window [" + from + ", " + to + ") is outside [0, " + steps + ")");
        }
        int n = to - from;
        double[] v = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values, b * steps + from, v, b * n, n);
        }
        return of(Nd4j.create(v, new long[] {batch, n}, DataType.DOUBLE));
    }

    @Override
    public String toString() {
        return "SequenceMask[" + batch + ", " + steps + "]";
    }
}
