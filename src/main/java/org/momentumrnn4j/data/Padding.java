package org.momentumrnn4j.data;

import java.util.Arrays;
import java.util.List;
import org.momentumrnn4j.sequence.SequenceMask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pads sequences of different lengths into one batch: {@code [B, Tmax, F]} with zeros after each sequence's
 * end, and the prefix mask {@link SequenceMask#fromLengths} that tells the layers which steps are real.
 */
public final class Padding {
    private Padding() {
    }

    /**
     * A padded batch.
     *
     * @param values {@code [B, Tmax, F]}, zero at padded steps
     * @param mask   {@code [B, Tmax]}: sample b is real for its first {@code lengths[b]} steps
     */
    public record Padded(INDArray values, SequenceMask mask) {
    }

    /** {@link #pad(List, DataType)} in FLOAT. */
    public static Padded pad(List<INDArray> sequences) {
        return pad(sequences, DataType.FLOAT);
    }

    /**
     * Pads {@code sequences}, each {@code [T_i, F]} with {@code T_i ≥ 1} and a common {@code F}, to
     * {@code [B, max T_i, F]}.
     */
    public static Padded pad(List<INDArray> sequences, DataType dataType) {
        DataArrays.checkType(dataType);
        if (sequences == null || sequences.isEmpty()) {
            throw new IllegalArgumentException("sequences must hold at least one [T, F] array");
        }
        double[][] rows = new double[sequences.size()][];
        int[] lengths = new int[rows.length];
        int f = checkSequences(sequences, "sequences", -1, rows, lengths);
        int[] all = new int[rows.length];
        for (int k = 0; k < all.length; k++) {
            all[k] = k;
        }
        return padRows(rows, lengths, f, all, dataType);
    }

    /**
     * Checks that every array is {@code [T_i, F]} with {@code T_i ≥ 1} and {@code F} equal to
     * {@code features} (or to the first one's when {@code features < 0}); copies them row-major into
     * {@code rows} and their lengths into {@code lengths}. Returns {@code F}.
     */
    static int checkSequences(List<INDArray> seqs, String what, int features, double[][] rows, int[] lengths) {
        int f = features;
        for (int k = 0; k < seqs.size(); k++) {
            INDArray s = seqs.get(k);
            if (s == null || s.rank() != 2 || s.size(0) < 1 || s.size(1) < 1) {
                throw new IllegalArgumentException(what + "[" + k + "] must be [T, F] with T, F >= 1, got "
                        + (s == null ? "null" : Arrays.toString(s.shape())));
            }
            if (f < 0) {
                f = (int) s.size(1);
            } else if (s.size(1) != f) {
                throw new IllegalArgumentException(what + "[" + k + "] has " + s.size(1) + " features but "
                        + (features < 0 ? what + "[0] has " : "expected ") + f + ": got "
                        + Arrays.toString(s.shape()));
            }
            lengths[k] = (int) s.size(0);
            rows[k] = s.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        }
        return f;
    }

    /** Pads the selected row-major sequences ({@code [lengths[i]·f]} each) to {@code [B, Tmax, f]}. */
    static Padded padRows(double[][] rows, int[] lengths, int f, int[] select, DataType dataType) {
        int b = select.length;
        int tMax = 0;
        int[] len = new int[b];
        for (int k = 0; k < b; k++) {
            len[k] = lengths[select[k]];
            tMax = Math.max(tMax, len[k]);
        }
        double[] x = new double[b * tMax * f];   // [B, Tmax, F]
        for (int k = 0; k < b; k++) {
            System.arraycopy(rows[select[k]], 0, x, k * tMax * f, len[k] * f);
        }
        return new Padded(DataArrays.create(x, new long[] {b, tMax, f}, dataType), SequenceMask.fromLengths(len, tMax));
    }
}
