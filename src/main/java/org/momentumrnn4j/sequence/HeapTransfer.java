package org.momentumrnn4j.sequence;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between ND4J arrays and Java heap arrays (the fused kernels compute on the heap, where C2 inlines
 * and vectorizes simple loops): {@code double[]} for the float64 kernel, {@code float[]} for the float32 one.
 * Arrays must be dense c-ordered and not views (or contiguous leading slices); an array of the other type is
 * converted element by element.
 */
final class HeapTransfer {
    private static final int CHUNK = 1 << 16;

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

    private static INDArray contiguous(INDArray a) {
        INDArray d = a.isView() && a.ordering() == 'c' && a.elementWiseStride() == 1 ? a : dense(a);
        if (d.dataType() != DataType.DOUBLE && d.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected FLOAT or DOUBLE, got " + d.dataType());
        }
        return d;
    }

    /** All elements of {@code a} into a new {@code double[]}. */
    static double[] readAll(INDArray a) {
        double[] out = new double[(int) a.length()];
        read(a, out, 0);
        return out;
    }

    /** All elements of {@code a} into a new {@code float[]}. */
    static float[] readAllFloat(INDArray a) {
        float[] out = new float[(int) a.length()];
        read(a, out, 0);
        return out;
    }

    /** All elements of {@code a} (dense, or a contiguous leading slice of a buffer) into {@code out[off ..]}. */
    static void read(INDArray a, double[] out, int off) {
        INDArray d = contiguous(a);
        int n = (int) d.length();
        int start = (int) d.offset();
        if (d.dataType() == DataType.DOUBLE) {
            doubles(d).get(start, out, off, n);
            return;
        }
        FloatBuffer f = floats(d);
        float[] tmp = new float[Math.min(n, CHUNK)];
        for (int done = 0; done < n; done += tmp.length) {
            int len = Math.min(tmp.length, n - done);
            f.get(start + done, tmp, 0, len);
            for (int i = 0; i < len; i++) {
                out[off + done + i] = tmp[i];
            }
        }
    }

    /** All elements of {@code a} (dense, or a contiguous leading slice of a buffer) into {@code out[off ..]}. */
    static void read(INDArray a, float[] out, int off) {
        INDArray d = contiguous(a);
        int n = (int) d.length();
        int start = (int) d.offset();
        if (d.dataType() == DataType.FLOAT) {
            floats(d).get(start, out, off, n);
            return;
        }
        DoubleBuffer b = doubles(d);
        double[] tmp = new double[Math.min(n, CHUNK)];
        for (int done = 0; done < n; done += tmp.length) {
            int len = Math.min(tmp.length, n - done);
            b.get(start + done, tmp, 0, len);
            for (int i = 0; i < len; i++) {
                out[off + done + i] = (float) tmp[i];
            }
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
            doubles(dst).put((int) start, src, off, n);
            return;
        }
        FloatBuffer f = floats(dst);
        float[] tmp = scratch != null && scratch.length >= Math.min(n, CHUNK) ? scratch : new float[Math.min(n, CHUNK)];
        for (int done = 0; done < n; done += tmp.length) {
            int len = Math.min(tmp.length, n - done);
            for (int i = 0; i < len; i++) {
                tmp[i] = (float) src[off + done + i];
            }
            f.put((int) start + done, tmp, 0, len);
        }
    }

    /** {@code src[off .. off + length(dst))} into the contiguous array {@code dst}; {@code unused} is ignored. */
    static void write(float[] src, int off, INDArray dst, float[] unused) {
        int n = (int) dst.length();
        long start = dst.offset();
        if (dst.dataType() == DataType.FLOAT) {
            floats(dst).put((int) start, src, off, n);
            return;
        }
        DoubleBuffer b = doubles(dst);
        for (int i = 0; i < n; i++) {
            b.put((int) start + i, src[off + i]);
        }
    }

    /**
     * A reusable heap view of one row-major contiguous array (a view of a larger buffer included, at its offset): the
     * NIO buffer and the scratch are created once, and writes land in {@code a} itself.
     *
     * @throws IllegalArgumentException if {@code a} is not contiguous in row-major order (a copy would take the writes)
     */
    static View view(INDArray a) {
        if (a.ordering() != 'c' || (a.length() > 1 && a.elementWiseStride() != 1)) {
            throw new IllegalArgumentException("HeapTransfer.view needs a row-major contiguous array, got ordering "
                    + a.ordering() + ", element-wise stride " + a.elementWiseStride() + ", shape "
                    + java.util.Arrays.toString(a.shape()));
        }
        return new View(a);
    }

    /** See {@link #view}. */
    static final class View {
        private final int n;
        private final DoubleBuffer d;
        private final FloatBuffer f;
        private float[] fScratch;
        private double[] dScratch;

        private View(INDArray a) {
            this.n = (int) a.length();
            int offset = (int) a.offset();
            if (a.dataType() == DataType.DOUBLE) {
                d = doubles(a).position(offset).slice();
                f = null;
            } else if (a.dataType() == DataType.FLOAT) {
                d = null;
                f = floats(a).position(offset).slice();
            } else {
                throw new IllegalArgumentException("expected FLOAT or DOUBLE, got " + a.dataType());
            }
        }

        /** Elements {@code at .. at + len} of the array into {@code out[off .. off + len)}. */
        void readAt(double[] out, int off, int at, int len) {
            if (d != null) {
                d.get(at, out, off, len);
                return;
            }
            if (fScratch == null || fScratch.length < len) {
                fScratch = new float[Math.max(len, n)];
            }
            f.get(at, fScratch, 0, len);
            for (int i = 0; i < len; i++) {
                out[off + i] = fScratch[i];
            }
        }

        /** Elements {@code at .. at + len} of the array into {@code out[off .. off + len)}. */
        void readAt(float[] out, int off, int at, int len) {
            if (f != null) {
                f.get(at, out, off, len);
                return;
            }
            if (dScratch == null || dScratch.length < len) {
                dScratch = new double[Math.max(len, n)];
            }
            d.get(at, dScratch, 0, len);
            for (int i = 0; i < len; i++) {
                out[off + i] = (float) dScratch[i];
            }
        }

        /** {@code src[off .. off + n)} into the array. */
        void write(double[] src, int off) {
            if (d != null) {
                d.put(0, src, off, n);
                return;
            }
            if (fScratch == null) {
                fScratch = new float[n];
            }
            for (int i = 0; i < n; i++) {
                fScratch[i] = (float) src[off + i];
            }
            f.put(0, fScratch, 0, n);
        }

        /** {@code src[off .. off + n)} into the array. */
        void write(float[] src, int off) {
            if (f != null) {
                f.put(0, src, off, n);
                return;
            }
            if (dScratch == null) {
                dScratch = new double[n];
            }
            for (int i = 0; i < n; i++) {
                dScratch[i] = src[off + i];
            }
            d.put(0, dScratch, 0, n);
        }

        /** {@code src[off .. off + len)} into elements {@code at .. at + len} of the array. */
        void writeAt(double[] src, int off, int at, int len) {
            if (d != null) {
                d.put(at, src, off, len);
                return;
            }
            if (fScratch == null || fScratch.length < len) {
                fScratch = new float[Math.max(len, n)];
            }
            for (int i = 0; i < len; i++) {
                fScratch[i] = (float) src[off + i];
            }
            f.put(at, fScratch, 0, len);
        }

        /** {@code src[off .. off + len)} into elements {@code at .. at + len} of the array. */
        void writeAt(float[] src, int off, int at, int len) {
            if (f != null) {
                f.put(at, src, off, len);
                return;
            }
            if (dScratch == null || dScratch.length < len) {
                dScratch = new double[Math.max(len, n)];
            }
            for (int i = 0; i < len; i++) {
                dScratch[i] = src[off + i];
            }
            d.put(at, dScratch, 0, len);
        }

        /** The array into {@code out[off .. off + n)}. */
        void read(double[] out, int off) {
            if (d != null) {
                d.get(0, out, off, n);
                return;
            }
            if (fScratch == null) {
                fScratch = new float[n];
            }
            f.get(0, fScratch, 0, n);
            for (int i = 0; i < n; i++) {
                out[off + i] = fScratch[i];
            }
        }

        /** The array into {@code out[off .. off + n)}. */
        void read(float[] out, int off) {
            if (f != null) {
                f.get(0, out, off, n);
                return;
            }
            if (dScratch == null) {
                dScratch = new double[n];
            }
            d.get(0, dScratch, 0, n);
            for (int i = 0; i < n; i++) {
                out[off + i] = (float) dScratch[i];
            }
        }
    }

    /** A new array ({@link org.momentumrnn4j.autograd.ArrayPool#take}) of {@code shape} and {@code type} holding {@code src[off ..]}. */
    static INDArray create(double[] src, int off, DataType type, long... shape) {
        INDArray a = org.momentumrnn4j.autograd.ArrayPool.take(type, shape);
        write(src, off, a, type == DataType.FLOAT ? new float[(int) Math.min(a.length(), CHUNK)] : null);
        return a;
    }

    /** A new array ({@link org.momentumrnn4j.autograd.ArrayPool#take}) of {@code shape} and {@code type} holding {@code src[off ..]}. */
    static INDArray create(float[] src, int off, DataType type, long... shape) {
        INDArray a = org.momentumrnn4j.autograd.ArrayPool.take(type, shape);
        write(src, off, a, null);
        return a;
    }
}
