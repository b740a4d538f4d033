package org.momentumrnn4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * One epoch over a {@link Dataset} in mini-batches, optionally shuffled with a seeded permutation. The last
 * batch is smaller when the size is not a multiple of the batch size, unless {@code dropLast}.
 */
public final class BatchIterator implements Iterator<Batch> {
    private final Dataset data;
    private final int batchSize;
    private final int[] order;
    private final int end;
    private int pos;

    /**
     * @param shuffle  permute the samples with {@code new Random(seed)} (Fisher–Yates)
     * @param dropLast skip a final partial batch
     */
    public BatchIterator(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (data.size() < 1) {
            throw new IllegalArgumentException("dataset is empty: " + data.describe());
        }
        this.data = data;
        this.batchSize = batchSize;
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random r = new Random(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        this.end = dropLast ? order.length - order.length % batchSize : order.length;
    }

    /** Number of batches in the epoch. */
    public int numBatches() {
        return (end + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return pos < end;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int n = Math.min(batchSize, end - pos);
        int[] idx = new int[n];
        System.arraycopy(order, pos, idx, 0, n);
        pos += n;
        return data.batch(idx);
    }
}
