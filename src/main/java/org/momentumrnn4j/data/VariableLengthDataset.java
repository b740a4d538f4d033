package org.momentumrnn4j.data;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sequences of different lengths with their targets. Each batch is padded to its own longest sequence
 * ({@link Padding}) and carries the prefix mask, so the layers leave padded steps out of the state, the
 * outputs and the gradients.
 *
 * <p>Two target kinds:
 * <ul>
 *   <li>{@link #withLabels}: one class per sequence ({@link Target.Labels}), read from the last step (a
 *       masked layer carries the state through the padding, so {@code h_Tmax = h_{T_i}});</li>
 *   <li>{@link #withStepValues}: values per step {@code [T_i, K]} ({@link Target.StepValues}
 *       {@code [B, Tmax, K]}, zero at padded steps, which the mask excludes from the loss).</li>
 * </ul>
 * The arrays are copied into plain Java memory at construction.
 */
public final class VariableLengthDataset implements Dataset {
    private final double[][] inputs;      // [N][T_i·F]
    private final int[] lengths;          // [N]
    private final int features;
    private final int[] labels;           // [N], or null
    private final int numClasses;
    private final double[][] stepValues;  // [N][T_i·K], or null
    private final int outputs;
    private final DataType dataType;

    private VariableLengthDataset(double[][] inputs, int[] lengths, int features, int[] labels, int numClasses,
                                  double[][] stepValues, int outputs, DataType dataType) {
        this.inputs = inputs;
        this.lengths = lengths;
        this.features = features;
        this.labels = labels;
        this.numClasses = numClasses;
        this.stepValues = stepValues;
        this.outputs = outputs;
        this.dataType = dataType;
    }

    /** {@link #withLabels(List, int[], int, DataType)} in FLOAT. */
    public static VariableLengthDataset withLabels(List<INDArray> sequences, int[] labels, int numClasses) {
        return withLabels(sequences, labels, numClasses, DataType.FLOAT);
    }

    /**
     * @param sequences each {@code [T_i, F]}, {@code T_i ≥ 1}, common {@code F}
     * @param labels    one class per sequence, in {@code [0, numClasses)}
     */
    public static VariableLengthDataset withLabels(List<INDArray> sequences, int[] labels, int numClasses,
                                                   DataType dataType) {
        DataArrays.checkType(dataType);
        int n = checkCount(sequences);
        if (labels == null || labels.length != n) {
            throw new IllegalArgumentException("labels must have one entry per sequence (" + n + "), got "
                    + (labels == null ? "null" : labels.length));
        }
        new Target.Labels(labels, numClasses);   // validates the range
        double[][] rows = new double[n][];
        int[] lengths = new int[n];
        int f = Padding.checkSequences(sequences, "sequences", -1, rows, lengths);
        return new VariableLengthDataset(rows, lengths, f, labels.clone(), numClasses, null, 0, dataType);
    }

    /** {@link #withStepValues(List, List, DataType)} in FLOAT. */
    public static VariableLengthDataset withStepValues(List<INDArray> sequences, List<INDArray> targets) {
        return withStepValues(sequences, targets, DataType.FLOAT);
    }

    /**
     * @param sequences each {@code [T_i, F]}, {@code T_i ≥ 1}, common {@code F}
     * @param targets   each {@code [T_i, K]} (the same length as its sequence), common {@code K}
     */
    public static VariableLengthDataset withStepValues(List<INDArray> sequences, List<INDArray> targets,
                                                       DataType dataType) {
        DataArrays.checkType(dataType);
        int n = checkCount(sequences);
        if (targets == null || targets.size() != n) {
            throw new IllegalArgumentException("targets must have one [T_i, K] array per sequence (" + n + "), got "
                    + (targets == null ? "null" : targets.size()));
        }
        double[][] rows = new double[n][];
        int[] lengths = new int[n];
        int f = Padding.checkSequences(sequences, "sequences", -1, rows, lengths);
        double[][] tv = new double[n][];
        int[] tLengths = new int[n];
        int k = Padding.checkSequences(targets, "targets", -1, tv, tLengths);
        for (int i = 0; i < n; i++) {
            if (tLengths[i] != lengths[i]) {
                throw new IllegalArgumentException("targets[" + i + "] has " + tLengths[i] + " steps but sequences["
                        + i + "] has " + lengths[i]);
            }
        }
        return new VariableLengthDataset(rows, lengths, f, null, 0, tv, k, dataType);
    }

    private static int checkCount(List<INDArray> sequences) {
        if (sequences == null || sequences.isEmpty()) {
            throw new IllegalArgumentException("sequences must hold at least one [T, F] array");
        }
        return sequences.size();
    }

    /** Length {@code T_i} of sample {@code i}. */
    public int length(int i) {
        DataArrays.checkIndices(new int[] {i}, lengths.length, describe());
        return lengths[i];
    }

    /** Features per step. */
    public int features() {
        return features;
    }

    @Override
    public int size() {
        return lengths.length;
    }

    /** Inputs {@code [B, Tmax, F]} with Tmax the longest selected sequence, its prefix mask, the targets. */
    @Override
    public Batch batch(int[] indices) {
        DataArrays.checkIndices(indices, lengths.length, describe());
        Padding.Padded x = Padding.padRows(inputs, lengths, features, indices, dataType);
        Target target;
        if (labels != null) {
            int[] y = new int[indices.length];
            for (int k = 0; k < y.length; k++) {
                y[k] = labels[indices[k]];
            }
            target = new Target.Labels(y, numClasses);
        } else {
            target = new Target.StepValues(Padding.padRows(stepValues, lengths, outputs, indices, dataType).values());
        }
        return new Batch(x.values(), x.mask(), target);
    }

    @Override
    public String describe() {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int t : lengths) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        return "variable-length sequences (" + lengths.length + " samples, T " + min + ".." + max + ", F = " + features
                + ", " + (labels != null ? numClasses + " classes" : outputs + " values per step") + ", " + dataType
                + ")";
    }
}
