package org.momentumrnn4j.sequence;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-thread reuse of the fused sweeps' large heap arrays ({@code double[]} and {@code float[]} pools) (gates, hidden and cell states over all steps: up to
 * 100 MB per layer at T 784). Allocating them per call made the JVM zero and collect that much memory for every
 * batch. Arrays are keyed by exact length (the same shapes recur every batch); at most {@value #PER_LENGTH} are
 * kept per length. Arrays from {@link #take} hold arbitrary values.
 */
final class HeapPool {
    private static final int PER_LENGTH = 4;
    private static final ThreadLocal<Map<Integer, ArrayDeque<double[]>>> POOL = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Integer, ArrayDeque<float[]>>> FLOATS = ThreadLocal.withInitial(HashMap::new);

    private HeapPool() {}

    /** An array of exactly {@code n} elements, contents undefined. */
    static double[] take(int n) {
        ArrayDeque<double[]> q = POOL.get().get(n);
        double[] a = q == null ? null : q.poll();
        return a != null ? a : new double[n];
    }

    /** A {@code float[]} of exactly {@code n} elements, contents undefined. */
    static float[] takeFloat(int n) {
        ArrayDeque<float[]> q = FLOATS.get().get(n);
        float[] a = q == null ? null : q.poll();
        return a != null ? a : new float[n];
    }

    /** Returns arrays for reuse (nulls are ignored). */
    static void give(float[]... arrays) {
        Map<Integer, ArrayDeque<float[]>> pool = FLOATS.get();
        for (float[] a : arrays) {
            if (a == null) {
                continue;
            }
            ArrayDeque<float[]> q = pool.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < PER_LENGTH) {
                q.push(a);
            }
        }
    }

    /** Returns arrays for reuse (nulls are ignored). */
    static void give(double[]... arrays) {
        Map<Integer, ArrayDeque<double[]>> pool = POOL.get();
        for (double[] a : arrays) {
            if (a == null) {
                continue;
            }
            ArrayDeque<double[]> q = pool.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < PER_LENGTH) {
                q.push(a);
            }
        }
    }
}
