package org.momentumrnn4j.sequence;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between ND4J arrays and Java heap {@code double[]}s (the fused kernels compute on the heap,
 * where C2 inlines and vectorizes simple loops). Arrays must be dense c-ordered and not views; FLOAT
 * arrays are widened to / narrowed from double.
 */
final class HeapTransfer {
    private HeapTransfer() {}

    /** A dense c-ordered array with no offset, copying only if needed. */
    static INDArray dense(INDArray a) {
        return (a.isView() || a.ordering() != 'c' || a.offset() != 0) ? a.dup('c') : a;
    }

    private static DoubleBuffer doubles(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** All elements of {@code a} into a new heap array. */
    static double[] read(INDArray a) {
        double[] out = new double[(int) a.length()];
        read(a, out, 0);
        return out;
    }

    /** All elements of {@code a} (dense, or a contiguous leading slice of a buffer) into {@code out[off ..]}. */
    static void read(INDArray a, double[] out, int off) {
        INDArray d = a.isView() && a.ordering() == 'c' && a.elementWiseStride() == 1 ? a : dense(a);
        int n = (int) d.length();
        int start = (int) d.offset();
        if (d.dataType() == DataType.DOUBLE) {
            doubles(d).get(start, out, off, n);
        } else if (d.dataType() == DataType.FLOAT) {
            FloatBuffer f = floats(d);
            float[] tmp = new float[Math.min(n, 1 << 16)];
            for (int done = 0; done < n; done += tmp.length) {
                int len = Math.min(tmp.length, n - done);
                f.get(start + done, tmp, 0, len);
                for (int i = 0; i < len; i++) {
                    out[off + done + i] = tmp[i];
                }
            }
        } else {
            throw new IllegalArgumentException("expected FLOAT or DOUBLE, got " + d.dataType());
        }
    }

    /**
     * {@code src[off .. off + length(dst))} into the contiguous array {@code dst} (created by this package, possibly
     * a leading slice of a larger buffer); {@code scratch} (FLOAT only) may be null.
     */
    static void write(double[] src, int off, INDArray dst, float[] scratch) {
        int n = (int) dst.length();
        long start = dst.offset();
        if (dst.dataType() == DataType.DOUBLE) {
            DoubleBuffer d = dst.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
            d.put((int) start, src, off, n);
        } else {
            FloatBuffer f = dst.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] tmp = scratch != null && scratch.length >= Math.min(n, 1 << 16) ? scratch : new float[Math.min(n, 1 << 16)];
            for (int done = 0; done < n; done += tmp.length) {
                int len = Math.min(tmp.length, n - done);
                for (int i = 0; i < len; i++) {
                    tmp[i] = (float) src[off + done + i];
                }
                f.put((int) start + done, tmp, 0, len);
            }
        }
    }

    /** A reusable heap view of one dense array: the NIO buffer and the float scratch are created once. */
    static View view(INDArray a) {
        return new View(dense(a));
    }

    /** See {@link #view}. */
    static final class View {
        private final int n;
        private final DoubleBuffer d;
        private final FloatBuffer f;
        private final float[] scratch;

        private View(INDArray a) {
            this.n = (int) a.length();
            if (a.dataType() == DataType.DOUBLE) {
                d = doubles(a);
                f = null;
                scratch = null;
            } else {
                d = null;
                f = floats(a);
                scratch = new float[n];
            }
        }

        /** {@code src[off .. off + n)} into the array. */
        void write(double[] src, int off) {
            if (d != null) {
                d.put(0, src, off, n);
            } else {
                for (int i = 0; i < n; i++) {
                    scratch[i] = (float) src[off + i];
                }
                f.put(0, scratch, 0, n);
            }
        }

        /** The array into {@code out[off .. off + n)}. */
        void read(double[] out, int off) {
            if (d != null) {
                d.get(0, out, off, n);
            } else {
                f.get(0, scratch, 0, n);
                for (int i = 0; i < n; i++) {
                    out[off + i] = scratch[i];
                }
            }
        }
    }

    /** A new array of {@code shape} and {@code type} holding {@code src[off ..]}. */
    static INDArray create(double[] src, int off, DataType type, long... shape) {
        INDArray a = Nd4j.createUninitialized(type, shape);
        write(src, off, a, type == DataType.FLOAT ? new float[(int) a.length()] : null);
        return a;
    }
}
