package org.momentumrnn4j.sequence;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * {@code C = op(A)·op(B)} for the small per-step products of the recurrent loop, called on the arrays' native
 * buffers through OpenBLAS's {@code cblas_?gemm} (the JavaCPP preset nd4j-native already ships). This skips
 * {@code Nd4j.gemm}'s wrapper, which costs 10–60 µs per call — as much as the arithmetic at hidden size 128
 * (shared/perf-notes.md). The pointers are created once per operand; all arrays must be dense c-ordered
 * row-major matrices without offset (the fused sweep creates them so). Where the OpenBLAS preset cannot be
 * loaded (another BLAS build of ND4J), it falls back to {@code Nd4j.gemm}, which computes the same product.
 */
final class StepGemm {
    private static final boolean DIRECT = probe();

    private final INDArray a;
    private final INDArray b;
    private final INDArray c;
    private final boolean transB;
    private final int m;
    private final int n;
    private final int k;
    private final Object pa;
    private final Object pb;
    private final Object pc;

    /** {@code c [m, n] = a [m, k] · (transB ? bᵀ : b)}. */
    StepGemm(INDArray a, INDArray b, INDArray c, boolean transB) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.transB = transB;
        this.m = (int) a.size(0);
        this.k = (int) a.size(1);
        this.n = (int) c.size(1);
        for (INDArray x : new INDArray[] {a, b, c}) {
            if (x.isView() || x.ordering() != 'c' || x.offset() != 0 || x.rank() != 2 || x.dataType() != a.dataType()) {
                throw new IllegalArgumentException("StepGemm needs dense c-ordered matrices of one type");
            }
        }
        if (DIRECT) {
            boolean f = a.dataType() == DataType.FLOAT;
            pa = f ? new FloatPointer(a.data().addressPointer()) : new DoublePointer(a.data().addressPointer());
            pb = f ? new FloatPointer(b.data().addressPointer()) : new DoublePointer(b.data().addressPointer());
            pc = f ? new FloatPointer(c.data().addressPointer()) : new DoublePointer(c.data().addressPointer());
        } else {
            pa = null;
            pb = null;
            pc = null;
        }
    }

    private static boolean probe() {
        try {
            Class.forName("org.bytedeco.openblas.global.openblas");
            org.bytedeco.openblas.global.openblas.blas_get_num_threads();
            return true;
        } catch (Throwable t) {
            LoggerFactory.getLogger(StepGemm.class).info("OpenBLAS preset unavailable ({}); per-step products use Nd4j.gemm", t.toString());
            return false;
        }
    }

    /** Computes the product into {@code c}. */
    void run() {
        if (!DIRECT) {
            Nd4j.gemm(a, b, c, false, transB, 1.0, 0.0);
            return;
        }
        int tb = transB ? org.bytedeco.openblas.global.openblas.CblasTrans : org.bytedeco.openblas.global.openblas.CblasNoTrans;
        int ldb = (int) b.size(1);
        if (pa instanceof FloatPointer fa) {
            org.bytedeco.openblas.global.openblas.cblas_sgemm(org.bytedeco.openblas.global.openblas.CblasRowMajor,
                    org.bytedeco.openblas.global.openblas.CblasNoTrans, tb, m, n, k, 1f, fa, k, (FloatPointer) pb, ldb, 0f,
                    (FloatPointer) pc, n);
        } else {
            org.bytedeco.openblas.global.openblas.cblas_dgemm(org.bytedeco.openblas.global.openblas.CblasRowMajor,
                    org.bytedeco.openblas.global.openblas.CblasNoTrans, tb, m, n, k, 1.0, (DoublePointer) pa, k,
                    (DoublePointer) pb, ldb, 0.0, (DoublePointer) pc, n);
        }
    }
}
