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
 * that releases it. Arrays from {@link #take} hold arbitrary values.
 */
final class HeapPool {
    private static final int PER_LENGTH = 8;
    private static final Pool<double[]> DOUBLES = new Pool<>();
    private static final Pool<float[]> FLOATS = new Pool<>();

    private HeapPool() {}

    /** A bounded free list per length. */
    private static final class Pool<T> {
        private final Map<Integer, ConcurrentLinkedDeque<T>> free = new ConcurrentHashMap<>();
        private final Map<Integer, AtomicInteger> sizes = new ConcurrentHashMap<>();

        T poll(int n) {
            ConcurrentLinkedDeque<T> q = free.get(n);
            T a = q == null ? null : q.pollFirst();
            if (a != null) {
                sizes.get(n).decrementAndGet();
            }
            return a;
        }

        void offer(int n, T a) {
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
}
