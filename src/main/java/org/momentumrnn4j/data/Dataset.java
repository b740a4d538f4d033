package org.momentumrnn4j.data;

/**
 * A finite, indexable set of sequences. Implementations generate or load sample {@code i} on demand and
 * return the same sample for the same index every time (generated tasks derive it from their seed and i).
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** The samples at {@code indices} as one batch. */
    Batch batch(int[] indices);

    /** Human-readable description (task, sizes, seed). */
    String describe();
}
