package org.momentumrnn4j.orthogonal;

import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-thread heap arrays reused by the n×n loops of this package (the skew map and its gradient, the skew check of
 * {@link ExpmFunction}, the ℓ bound of {@link MatrixExp}), which used to allocate about 2 MB of fresh arrays per
 * DTRIV batch at n = 256: each such array is zeroed and, while the young generation grows, faulted in page by page.
 * A slot's array is valid until the next request of the same slot on the same thread; callers write every element
 * they later read.
 */
final class Scratch {
    /** The slots: each user has its own, so that they can be held at the same time. */
    static final int SKEW_IN = 0;
    static final int SKEW_OUT = 1;
    static final int CHECK = 2;
    static final int ABS = 3;
    private static final int SLOTS = 4;

    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[SLOTS][]);
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {}

    /** This thread's array of slot {@code slot}, at least {@code length} long (contents unspecified). */
    static double[] doubles(int slot, int length) {
        double[][] s = DOUBLES.get();
        if (s[slot] == null || s[slot].length < length) {
            s[slot] = new double[length];
        }
        return s[slot];
    }

    /**
     * The elements of a FLOAT or DOUBLE matrix in row-major order, in double, into slot {@code slot} (one bulk read of
     * a dense 'c' buffer; others are copied first). The first {@code x.length()} elements are written.
     */
    static double[] readDouble(INDArray x, int slot) {
        INDArray c = x.ordering() == 'c' && !x.isView() && x.offset() == 0 ? x : x.dup('c');
        int len = (int) c.length();
        double[] out = doubles(slot, len);
        java.nio.ByteBuffer bytes = c.data().asNio().order(ByteOrder.nativeOrder());
        if (c.dataType() == DataType.DOUBLE) {
            bytes.asDoubleBuffer().get(out, 0, len);
        } else if (c.dataType() == DataType.FLOAT) {
            float[] f = FLOATS.get();
            if (f.length < len) {
                f = new float[len];
                FLOATS.set(f);
            }
            bytes.asFloatBuffer().get(f, 0, len);
            for (int i = 0; i < len; i++) {
                out[i] = f[i];
            }
        } else {
            throw new IllegalArgumentException("expected FLOAT or DOUBLE, got " + c.dataType());
        }
        return out;
    }
}
