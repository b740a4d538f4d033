package org.momentumrnn4j.data;

/** The samples of a parent data set at given indices, in the given order (for train/validation splits). */
public final class Subset implements Dataset {
    private final Dataset parent;
    private final int[] indices;

    /**
     * @param parent  the full data set
     * @param indices parent indices of this subset's samples, each in {@code [0, parent.size())} (copied)
     */
    public Subset(Dataset parent, int[] indices) {
        if (parent == null) {
            throw new IllegalArgumentException("parent must not be null");
        }
        DataArrays.checkIndices(indices, parent.size(), parent.describe());
        this.parent = parent;
        this.indices = indices.clone();
    }

    /** The parent data set. */
    public Dataset parent() {
        return parent;
    }

    /** The parent indices (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Batch batch(int[] idx) {
        DataArrays.checkIndices(idx, indices.length, describe());
        int[] mapped = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            mapped[k] = indices[idx[k]];
        }
        return parent.batch(mapped);
    }

    @Override
    public String describe() {
        return "subset of " + indices.length + " samples of " + parent.describe();
    }
}
