package org.momentumrnn4j.sequence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuse of the fused sweeps' large heap arrays ({@code double[]} and {@code float[]} pools) (gates, hidden and
 * cell states over all steps: up to 100 MB per layer at T 784). Allocating them per call made the JVM zero and
 * collect that much memory for every batch. Arrays are keyed by exact length (the same shapes recur every
 * batch); at most {@value #PER_LENGTH} are kept per length. The pool is shared by all threads: a batch slice's
 * forward takes its arrays on a worker thread ({@link BatchSplitSweep}) and the tape returns them from the thread
 * that releases it. Arrays from {@link #take} hold arbitrary values. Some small per-sweep arrays come from here
 * too (state gradients, the backward's scratch; row arrays by their dimensions through {@link #takeRows}): fresh heap
 * costs a page fault per 4 kB until the young generation has been touched once (benchmarks/RESULTS.md, session 7).
 * The forward's step buffers and the scans' per-sample rows stay fresh per sweep: pooled ones measured slower.
 */
final class HeapPool {
    private static final int PER_LENGTH = 8;
    private static final Pool<double[]> DOUBLES = new Pool<>();
    private static final Pool<float[]> FLOATS = new Pool<>();
    private static final Pool<double[][]> DOUBLE_ROWS = new Pool<>();
    private static final Pool<float[][]> FLOAT_ROWS = new Pool<>();

    private HeapPool() {}

    /** A bounded free list per length (or per packed dimensions). */
    private static final class Pool<T> {
        private final Map<Long, ConcurrentLinkedDeque<T>> free = new ConcurrentHashMap<>();
        private final Map<Long, AtomicInteger> sizes = new ConcurrentHashMap<>();

        T poll(long n) {
            ConcurrentLinkedDeque<T> q = free.get(n);
            T a = q == null ? null : q.pollFirst();
            if (a != null) {
                sizes.get(n).decrementAndGet();
            }
            return a;
        }

        void offer(long n, T a) {
            AtomicInteger size = sizes.computeIfAbsent(n, k -> new AtomicInteger());
            if (size.incrementAndGet() <= PER_LENGTH) {
                free.computeIfAbsent(n, k -> new ConcurrentLinkedDeque<>()).addFirst(a);
            } else {
                size.decrementAndGet();
            }
        }
    }

    /** An array of exactly {@code n} elements, contents undefined. */
    static double[] take(int n) {
        double[] a = DOUBLES.poll(n);
        return a != null ? a : new double[n];
    }

    /** A {@code float[]} of exactly {@code n} elements, contents undefined. */
    static float[] takeFloat(int n) {
        float[] a = FLOATS.poll(n);
        return a != null ? a : new float[n];
    }

    /** Returns arrays for reuse (nulls are ignored). */
    static void give(float[]... arrays) {
        for (float[] a : arrays) {
            if (a != null) {
                FLOATS.offer(a.length, a);
            }
        }
    }

    /** Returns arrays for reuse (nulls are ignored). */
    static void give(double[]... arrays) {
        for (double[] a : arrays) {
            if (a != null) {
                DOUBLES.offer(a.length, a);
            }
        }
    }

    /** {@code rows} arrays of {@code cols} elements, contents undefined. */
    static double[][] takeRows(int rows, int cols) {
        double[][] a = DOUBLE_ROWS.poll(dims(rows, cols));
        return a != null ? a : new double[rows][cols];
    }

    /** {@code rows} arrays of {@code cols} elements, contents undefined. */
    static float[][] takeFloatRows(int rows, int cols) {
        float[][] a = FLOAT_ROWS.poll(dims(rows, cols));
        return a != null ? a : new float[rows][cols];
    }

    /** Returns row arrays from {@link #takeRows} for reuse ({@code null} is ignored). */
    static void giveRows(double[][] a) {
        if (a != null) {
            DOUBLE_ROWS.offer(dims(a.length, a.length == 0 ? 0 : a[0].length), a);
        }
    }

    /** Returns row arrays from {@link #takeFloatRows} for reuse ({@code null} is ignored). */
    static void giveRows(float[][] a) {
        if (a != null) {
            FLOAT_ROWS.offer(dims(a.length, a.length == 0 ? 0 : a[0].length), a);
        }
    }

    private static long dims(int rows, int cols) {
        return ((long) rows << 32) | (cols & 0xffffffffL);
    }
}
