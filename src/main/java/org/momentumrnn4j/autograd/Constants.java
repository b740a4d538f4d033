package org.momentumrnn4j.autograd;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Read-only arrays filled with one value, shared by the gradients of {@code sum} and {@code mean}
 * ({@link Function#constantGradients()}): the gradient of a sum over a [B, T, H] output is the same array every
 * batch, and allocating it anew cost more than the arithmetic that reads it (benchmarks/RESULTS.md). The few most
 * recently used (type, shape, value) triples are kept.
 */
final class Constants {
    private static final int MAX_ENTRIES = 4;

    private record Key(DataType type, String shape, double value) {}

    private static final Map<Key, INDArray> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, INDArray> eldest) {
            return size() > MAX_ENTRIES;       // not closed: an intermediate gradient may still refer to it
        }
    };

    private Constants() {}

    /** An array of {@code shape} and {@code type} with every element {@code value}; never modify it. */
    static synchronized INDArray filled(long[] shape, double value, DataType type) {
        return CACHE.computeIfAbsent(new Key(type, Arrays.toString(shape), value),
                k -> Nd4j.valueArrayOf(shape, value, type));
    }
}
