package org.momentumrnn4j.orthogonal;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Argument validation shared by the classes of this package. */
final class Args {

    private Args() {
    }

    /**
     * Requires a non-empty rank-2 FLOAT or DOUBLE matrix with finite entries.
     *
     * @param name argument name used in the messages
     * @param x    the argument
     * @return {@code x}
     * @throws IllegalArgumentException naming {@code name} and the offending shape, type or value
     */
    static INDArray requireMatrix(String name, INDArray x) {
        Objects.requireNonNull(x, name + " must not be null");
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a rank-2 matrix, got rank " + x.rank()
                    + " with shape " + Arrays.toString(x.shape()));
        }
        DataType dt = x.dataType();
        if (dt != DataType.DOUBLE && dt != DataType.FLOAT) {
            throw new IllegalArgumentException(name + " must have data type FLOAT or DOUBLE, got " + dt
                    + " (shape " + Arrays.toString(x.shape()) + ")");
        }
        if (x.rows() == 0 || x.columns() == 0) {
            throw new IllegalArgumentException(name + " must be non-empty, got shape " + Arrays.toString(x.shape()));
        }
        requireFinite(name, x);
        return x;
    }

    /**
     * Requires a non-empty square rank-2 FLOAT or DOUBLE matrix with finite entries.
     *
     * @param name argument name used in the messages
     * @param x    the argument
     * @return {@code x}
     * @throws IllegalArgumentException naming {@code name} and the offending shape, type or value
     */
    static INDArray requireSquare(String name, INDArray x) {
        Objects.requireNonNull(x, name + " must not be null");
        if (x.rank() == 2 && x.rows() != x.columns()) {
            throw new IllegalArgumentException(name + " must be a square matrix [n, n], got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a square rank-2 matrix [n, n], got rank " + x.rank()
                    + " with shape " + Arrays.toString(x.shape()));
        }
        return requireMatrix(name, x);
    }

    /**
     * Requires {@code x} to have exactly the shape and data type of {@code ref} (already validated) and
     * finite entries.
     *
     * @param name    argument name used in the messages
     * @param x       the argument
     * @param refName name of the reference argument
     * @param ref     the reference argument
     * @return {@code x}
     */
    static INDArray requireLike(String name, INDArray x, String refName, INDArray ref) {
        Objects.requireNonNull(x, name + " must not be null");
        if (!Arrays.equals(x.shape(), ref.shape())) {
            throw new IllegalArgumentException(name + " must have the shape of " + refName + ": expected "
                    + Arrays.toString(ref.shape()) + ", got " + Arrays.toString(x.shape()));
        }
        if (x.dataType() != ref.dataType()) {
            throw new IllegalArgumentException(name + " must have the data type of " + refName + ": expected "
                    + ref.dataType() + ", got " + x.dataType() + " (shape " + Arrays.toString(x.shape()) + ")");
        }
        requireFinite(name, x);
        return x;
    }

    private static void requireFinite(String name, INDArray x) {
        if (allFinite(x)) {
            return;
        }
        long rows = x.rows();
        long cols = x.columns();
        for (long i = 0; i < rows; i++) {
            for (long j = 0; j < cols; j++) {
                double v = x.getDouble(i, j);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + " must have finite entries, got " + v + " at [" + i
                            + ", " + j + "] (shape " + Arrays.toString(x.shape()) + ")");
                }
            }
        }
        throw new IllegalArgumentException(name + " must have finite entries (shape " + Arrays.toString(x.shape())
                + ")");
    }

    /** Whether every element is finite: a scan of the buffer for dense arrays, one ND4J reduction otherwise. */
    private static boolean allFinite(INDArray x) {
        boolean dense = !x.isView() && x.offset() == 0 && x.length() == x.data().length();
        if (dense && x.dataType() == DataType.FLOAT) {                    // bulk reads of 4096 elements
            java.nio.FloatBuffer b = x.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            float[] chunk = new float[4096];
            for (int at = 0, n = (int) x.length(); at < n; at += chunk.length) {
                int len = Math.min(chunk.length, n - at);
                b.get(at, chunk, 0, len);
                for (int i = 0; i < len; i++) {
                    if (!Float.isFinite(chunk[i])) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (dense && x.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer b = x.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer();
            double[] chunk = new double[4096];
            for (int at = 0, n = (int) x.length(); at < n; at += chunk.length) {
                int len = Math.min(chunk.length, n - at);
                b.get(at, chunk, 0, len);
                for (int i = 0; i < len; i++) {
                    if (!Double.isFinite(chunk[i])) {
                        return false;
                    }
                }
            }
            return true;
        }
        return !BooleanIndexing.or(x, Conditions.notFinite());
    }
}
