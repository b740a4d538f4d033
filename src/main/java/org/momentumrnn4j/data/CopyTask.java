package org.momentumrnn4j.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The copy (copying-memory) task, spec tasks.md §7.1–7.2: remember 10 symbols over a delay of {@code T}
 * steps and reproduce them after a marker.
 *
 * <p>Alphabet: {@code 0} blank, {@code 1..8} data, {@code 9} marker. A sequence has {@code T + 20} steps
 * (0-based, half-open slices):
 * <ul>
 *   <li>input {@code x[0:10]} i.i.d. uniform over {@code 1..8}; the marker {@code 9} at {@code T+9}
 *       ({@link CopyLayout#STANDARD}) or {@code T+10} ({@link CopyLayout#EXPRNN}); blanks elsewhere;</li>
 *   <li>target {@code y[0:T+10] = 0}, {@code y[T+10:T+20] = x[0:10]} in order (same in both layouts).</li>
 * </ul>
 * Inputs are one-hot over 10 symbols, {@code [B, T+20, 10]}; targets are {@link Target.StepLabels}
 * {@code [B][T+20]} over 9 classes (0–8; the marker is never a target). Loss: cross-entropy at every step.
 *
 * <p>Sample {@code i} is a pure function of {@code (seed, i)}: its 10 symbols are
 * {@code 1 + r.nextInt(8)}, in order, from {@code r = new SplittableRandom(mix64(mix64(seed) + (i+1)·γ))}
 * (see {@code DataArrays.forSample}). The default seed is {@value #DEFAULT_SEED}.
 */
public final class CopyTask implements Dataset {
    /** Default seed. */
    public static final long DEFAULT_SEED = 12345L;
    /** Input alphabet size (one-hot width). */
    public static final int SYMBOLS = 10;
    /** Number of target classes: blank and the 8 data symbols. */
    public static final int CLASSES = 9;
    /** The marker (delimiter) symbol. */
    public static final int MARKER = 9;
    /** Number of symbols to remember. */
    public static final int RECALL = 10;

    private final int delay;
    private final int size;
    private final CopyLayout layout;
    private final long seed;
    private final DataType dataType;

    /** {@code size} sequences of delay {@code delay}, standard layout, default seed, FLOAT inputs. */
    public CopyTask(int delay, int size) {
        this(delay, size, CopyLayout.STANDARD, DEFAULT_SEED, DataType.FLOAT);
    }

    /**
     * @param delay    T ≥ 1: the sequence has {@code T + 20} steps
     * @param size     number of sequences, ≥ 1
     * @param layout   marker placement
     * @param seed     generator seed
     * @param dataType floating-point type of the inputs
     */
    public CopyTask(int delay, int size, CopyLayout layout, long seed, DataType dataType) {
        if (delay < 1 || delay > Integer.MAX_VALUE - 2 * RECALL) {
            throw new IllegalArgumentException("delay T must be in [1, " + (Integer.MAX_VALUE - 2 * RECALL)
                    + "], got " + delay);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout must be STANDARD or EXPRNN, got null");
        }
        this.delay = delay;
        this.size = size;
        this.layout = layout;
        this.seed = seed;
        this.dataType = DataArrays.checkType(dataType);
    }

    /** The memoryless baseline in nats per step: {@code 10 · ln 8 / (T + 20)}. */
    public static double baseline(int delay) {
        if (delay < 1) {
            throw new IllegalArgumentException("delay T must be >= 1, got " + delay);
        }
        return RECALL * Math.log(8) / (delay + 2.0 * RECALL);
    }

    /**
     * Fraction of correctly recalled symbols: predicted versus target classes over the last 10 steps of every
     * sequence.
     *
     * @param predicted {@code [B][T+20]} predicted classes
     * @param labels    {@code [B][T+20]} target classes
     */
    public static double recallAccuracy(int[][] predicted, int[][] labels) {
        if (predicted.length != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("predicted and labels must have the same number (>= 1) of sequences, "
                    + "got " + predicted.length + " and " + labels.length);
        }
        long correct = 0;
        for (int b = 0; b < labels.length; b++) {
            int n = labels[b].length;
            if (predicted[b].length != n || n < RECALL) {
                throw new IllegalArgumentException("sequence " + b + ": predicted and labels must have the same length"
                        + " >= " + RECALL + ", got " + predicted[b].length + " and " + n);
            }
            for (int t = n - RECALL; t < n; t++) {
                if (predicted[b][t] == labels[b][t]) {
                    correct++;
                }
            }
        }
        return correct / (double) (RECALL * labels.length);
    }

    /** The 10 data symbols of sample {@code i}, each in {@code 1..8}. */
    public int[] symbols(int i) {
        DataArrays.checkIndices(new int[] {i}, size, describe());
        SplittableRandom r = DataArrays.forSample(seed, i);
        int[] s = new int[RECALL];
        for (int k = 0; k < RECALL; k++) {
            s[k] = 1 + r.nextInt(8);
        }
        return s;
    }

    /** Input symbols of sample {@code i}, length {@code T + 20}. */
    public int[] inputSymbols(int i) {
        int[] s = symbols(i);
        int[] x = new int[steps()];
        System.arraycopy(s, 0, x, 0, RECALL);
        x[markerStep()] = MARKER;
        return x;
    }

    /** Target classes of sample {@code i}, length {@code T + 20}. */
    public int[] targetSymbols(int i) {
        int[] y = new int[steps()];
        System.arraycopy(symbols(i), 0, y, delay + RECALL, RECALL);
        return y;
    }

    /** The step of the marker: {@code T + 9} (STANDARD) or {@code T + 10} (EXPRNN). */
    public int markerStep() {
        return layout == CopyLayout.STANDARD ? delay + RECALL - 1 : delay + RECALL;
    }

    /** Sequence length {@code T + 20}. */
    public int steps() {
        return delay + 2 * RECALL;
    }

    /** The delay T. */
    public int delay() {
        return delay;
    }

    /** The layout. */
    public CopyLayout layout() {
        return layout;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    @Override
    public int size() {
        return size;
    }

    /** Inputs {@code [B, T+20, 10]} one-hot, targets {@code [B][T+20]} over 9 classes, no mask. */
    @Override
    public Batch batch(int[] indices) {
        DataArrays.checkIndices(indices, size, describe());
        int steps = steps();
        int b = indices.length;
        double[] x = new double[b * steps * SYMBOLS];    // [B, T+20, 10]
        int[][] y = new int[b][];
        for (int k = 0; k < b; k++) {
            int[] in = inputSymbols(indices[k]);
            for (int t = 0; t < steps; t++) {
                x[(k * steps + t) * SYMBOLS + in[t]] = 1.0;
            }
            y[k] = targetSymbols(indices[k]);
        }
        INDArray inputs = DataArrays.create(x, new long[] {b, steps, SYMBOLS}, dataType);
        return new Batch(inputs, null, new Target.StepLabels(y, CLASSES));
    }

    @Override
    public String describe() {
        return "copy task (T = " + delay + ", " + steps() + " steps, layout " + layout + ", " + size
                + " sequences, seed " + seed + ", " + dataType + ")";
    }
}
