package org.momentumrnn4j.io;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversion between JSON nested number lists (as {@link Json} parses them) and ND4J arrays. */
public final class JsonArrays {
    private JsonArrays() {}

    /** Nested lists of numbers → an array of that shape (a bare number → rank 0); ragged input throws. */
    public static INDArray toArray(Object nested, DataType type) {
        List<Long> shape = new ArrayList<>();
        Object o = nested;
        while (o instanceof List<?> l) {
            shape.add((long) l.size());
            if (l.isEmpty()) {
                break;
            }
            o = l.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(nested, flat, 0, shape);
        double[] d = new double[flat.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = flat.get(i);
        }
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        return Nd4j.create(d, s, DataType.DOUBLE).castTo(type);
    }

    private static void flatten(Object o, List<Double> out, int depth, List<Long> shape) {
        if (o instanceof List<?> l) {
            if (depth >= shape.size() || l.size() != shape.get(depth)) {
                throw new IllegalArgumentException("ragged nested list at depth " + depth);
            }
            for (Object e : l) {
                flatten(e, out, depth + 1, shape);
            }
        } else if (o instanceof Number n) {
            if (depth != shape.size()) {
                throw new IllegalArgumentException("ragged nested list at depth " + depth);
            }
            out.add(n.doubleValue());
        } else {
            throw new IllegalArgumentException("non-numeric entry " + o + " in a numeric array");
        }
    }
}
