package org.momentumrnn4j.data;

import java.util.Arrays;
import org.momentumrnn4j.sequence.SequenceMask;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch: inputs {@code [batch, time, features]}, an optional padding mask and the targets.
 *
 * @param inputs {@code [B, T, F]}
 * @param mask   padding mask {@code [B, T]}, or {@code null} when every step is real
 * @param target what the model must predict
 */
public record Batch(INDArray inputs, SequenceMask mask, Target target) {
    /** Validates the shapes. */
    public Batch {
        if (inputs == null || inputs.rank() != 3) {
            throw new IllegalArgumentException("inputs must be [batch, time, features], got "
                    + (inputs == null ? "null" : Arrays.toString(inputs.shape())));
        }
        if (mask != null && (mask.batchSize() != inputs.size(0) || mask.steps() != inputs.size(1))) {
            throw new IllegalArgumentException("mask [" + mask.batchSize() + ", " + mask.steps()
                    + "] does not fit inputs " + Arrays.toString(inputs.shape()));
        }
        if (target == null) {
            throw new IllegalArgumentException("target must not be null");
        }
        if (target.batchSize() != inputs.size(0)) {
            throw new IllegalArgumentException("target has " + target.batchSize() + " samples but inputs "
                    + Arrays.toString(inputs.shape()) + " have " + inputs.size(0));
        }
    }

    /** Batch size. */
    public int size() {
        return (int) inputs.size(0);
    }

    /** Number of steps. */
    public int steps() {
        return (int) inputs.size(1);
    }
}
