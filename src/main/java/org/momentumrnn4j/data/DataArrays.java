package org.momentumrnn4j.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared helpers of the data sets: array creation in the requested type, index checks, per-sample seeds. */
final class DataArrays {
    /** Golden-ratio increment, as in {@link SplittableRandom}. */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private DataArrays() {
    }

    /** A c-order array of {@code shape} from row-major {@code data}, in {@code type}. */
    static INDArray create(double[] data, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.create(data, shape, DataType.DOUBLE);
        }
        if (type == DataType.FLOAT) {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return Nd4j.create(f, shape, DataType.FLOAT);
        }
        return Nd4j.create(data, shape, DataType.DOUBLE).castTo(type);
    }

    /** Checks that the data type is a floating-point type. */
    static DataType checkType(DataType type) {
        if (type == null || !type.isFPType()) {
            throw new IllegalArgumentException("dataType must be a floating-point type (FLOAT, DOUBLE, ...), got "
                    + type);
        }
        return type;
    }

    /** Checks a batch's indices against the data set size. */
    static void checkIndices(int[] indices, int size, String what) {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices must name at least one sample of " + what + ", got "
                    + (indices == null ? "null" : "none"));
        }
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= size) {
                throw new IllegalArgumentException("indices[" + k + "] = " + indices[k] + " is outside [0, " + size
                        + ") of " + what);
            }
        }
    }

    /**
     * The random source of sample {@code index} of a generated data set with {@code seed}:
     * {@code new SplittableRandom(mix64(mix64(seed) + (index + 1) · γ))}, with {@code mix64} the
     * SplittableRandom / SplitMix64 finaliser and γ = {@code 0x9E3779B97F4A7C15}. Consecutive indices and
     * seeds give unrelated streams (unlike {@code new Random(seed + i)}, whose first outputs are correlated).
     */
    static SplittableRandom forSample(long seed, long index) {
        return new SplittableRandom(mix64(mix64(seed) + (index + 1) * GAMMA));
    }

    /** SplitMix64 finaliser (Stafford variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
