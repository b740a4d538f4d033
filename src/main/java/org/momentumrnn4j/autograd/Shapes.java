package org.momentumrnn4j.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shape checks with messages that name the operation and every shape involved. */
public final class Shapes {
    private Shapes() {}

    /** {@code [2, 3]} style rendering. */
    public static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    /** {@code [2, 3]} style rendering of an array's shape. */
    public static String str(INDArray a) {
        return Arrays.toString(a.shape());
    }

    /** Throws unless {@code a} has the given rank. */
    public static void requireRank(String op, String arg, INDArray a, int rank) {
        if (a.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + arg + " must have rank " + rank + ", got shape " + str(a));
        }
    }

    /** Throws unless all arrays share the data type of the first. */
    public static void requireSameType(String op, INDArray... arrays) {
        for (int i = 1; i < arrays.length; i++) {
            if (arrays[i].dataType() != arrays[0].dataType()) {
                throw new IllegalArgumentException(op + ": data types differ: " + arrays[0].dataType() + " "
                        + str(arrays[0]) + " vs " + arrays[i].dataType() + " " + str(arrays[i]));
            }
        }
    }

    /** Throws unless {@code a} and {@code b} have the same shape. */
    public static void requireSameShape(String op, INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + str(a) + " vs " + str(b));
        }
    }

    /**
     * The shape two operands broadcast to: equal shapes, or rank-2 shapes whose dimensions are equal or 1
     * (row vector {@code [1, n]}, column vector {@code [m, 1]}, {@code [1, 1]}); a rank-0 scalar broadcasts to
     * anything.
     */
    public static long[] broadcastShape(String op, INDArray a, INDArray b) {
        long[] sa = a.shape();
        long[] sb = b.shape();
        if (Arrays.equals(sa, sb)) {
            return sa;
        }
        if (sa.length == 0) {
            return sb;
        }
        if (sb.length == 0) {
            return sa;
        }
        if (sa.length == 2 && sb.length == 2) {
            long[] r = new long[2];
            for (int i = 0; i < 2; i++) {
                if (sa[i] == sb[i] || sb[i] == 1) {
                    r[i] = sa[i];
                } else if (sa[i] == 1) {
                    r[i] = sb[i];
                } else {
                    throw mismatch(op, a, b);
                }
            }
            return r;
        }
        throw mismatch(op, a, b);
    }

    private static IllegalArgumentException mismatch(String op, INDArray a, INDArray b) {
        return new IllegalArgumentException(op + ": shape mismatch: " + str(a) + " vs " + str(b)
                + " (equal shapes, or rank 2 with row/column-vector broadcasting, are accepted)");
    }

    /** {@code a} expanded to {@code shape} (a view-free copy when broadcasting is needed). */
    static INDArray expand(INDArray a, long[] shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a;
        }
        if (a.rank() == 0) {
            return org.nd4j.linalg.factory.Nd4j.createUninitialized(a.dataType(), shape).assign(a.getDouble(0));
        }
        return a.broadcast(shape);
    }

    /** Sums {@code g} (of the broadcast shape) back down to {@code shape}. */
    static INDArray reduceTo(INDArray g, long[] shape) {
        if (Arrays.equals(g.shape(), shape)) {
            return g;
        }
        if (shape.length == 0) {
            return g.sum();
        }
        INDArray r = g;
        if (shape[0] == 1 && g.size(0) != 1) {
            r = r.sum(true, 0);
        }
        if (shape[1] == 1 && g.size(1) != 1) {
            r = r.sum(true, 1);
        }
        return r;
    }
}
