package org.momentumrnn4j.autograd;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Native arrays returned by a {@link Tape#openFreeingValues() freeing tape} for the next training step's outputs of
 * the same shape: a caching allocator, as PyTorch's. Freeing and allocating again was not enough: glibc cannot
 * reuse a freed block for the next aligned allocation of the same size (it asks for the size plus the alignment),
 * so every step touched fresh pages, and a fresh page costs about 12 µs on the VM of benchmarks/RESULTS.md (3,000
 * to 8,000 page faults per step for the [32, 784, 128] output of shape B).
 *
 * <p>Arrays are kept per (type, shape), at most {@value #PER_SHAPE} per shape and {@value #MAX_BYTES} bytes in all
 * (the least recently used shapes are freed first). Operations that create their outputs and gradients call
 * {@link #take}; arrays come back through a freeing tape (whose tensors then refuse access to their values),
 * {@link Tensor#releaseGrad()}, and operations handing back their own temporaries.
 */
public final class ArrayPool {
    static final int PER_SHAPE = 8;
    private static final long MAX_BYTES = 512L << 20;

    private static final Map<String, ArrayDeque<INDArray>> FREE = new LinkedHashMap<>(16, 0.75f, true);
    private static long bytes;

    private ArrayPool() {}

    /** A dense c-ordered array of {@code type} and {@code shape}, contents undefined: pooled, or new. */
    public static INDArray take(DataType type, long... shape) {
        synchronized (ArrayPool.class) {
            ArrayDeque<INDArray> q = FREE.get(key(type, shape));
            INDArray a = q == null ? null : q.pollFirst();
            if (a != null) {
                bytes -= size(a);
                return a;
            }
        }
        return Nd4j.createUninitialized(type, shape);
    }

    /**
     * Returns an array for reuse (or frees it when the pool is full): only an array that nothing refers to any
     * more, since a later {@link #take} hands it out again. Views and arrays in a workspace are ignored.
     */
    public static void give(INDArray a) {
        if (a.isView() || a.isAttached() || !a.closeable() || a.ordering() != 'c' || a.wasClosed() || a.isEmpty()) {
            return;                                 // a workspace's or a view's memory is not ours to hand out
        }
        synchronized (ArrayPool.class) {
            ArrayDeque<INDArray> q = FREE.computeIfAbsent(key(a.dataType(), a.shape()), k -> new ArrayDeque<>());
            for (INDArray pooled : q) {
                if (pooled == a) {
                    return;                         // given twice: handing it out twice would share its memory
                }
            }
            if (q.size() < PER_SHAPE && size(a) <= MAX_BYTES) {
                q.addFirst(a);
                bytes += size(a);
                a = null;
                evict();
            }
        }
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    /** Frees the least recently used shapes' arrays until the pool is within its budget. */
    private static void evict() {
        Iterator<ArrayDeque<INDArray>> it = FREE.values().iterator();
        while (bytes > MAX_BYTES && it.hasNext()) {
            ArrayDeque<INDArray> q = it.next();
            for (INDArray a : q) {
                bytes -= size(a);
                if (a.closeable()) {
                    a.close();
                }
            }
            it.remove();
        }
    }

    /** Number of pooled arrays (for tests). */
    static synchronized int pooled() {
        int n = 0;
        for (ArrayDeque<INDArray> q : FREE.values()) {
            n += q.size();
        }
        return n;
    }

    private static String key(DataType type, long[] shape) {
        return type + Arrays.toString(shape);
    }

    private static long size(INDArray a) {
        return a.length() * a.dataType().width();
    }
}
