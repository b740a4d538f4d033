package org.momentumrnn4j.sequence;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.momentumrnn4j.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * {@code C = A·op(B)} for the small per-step products of the recurrent loop, with the per-call overhead removed
 * (at hidden size 128 the wrapper of {@code Nd4j.gemm} costs as much as the arithmetic; shared/perf-notes.md).
 * Two strategies, chosen for the loaded ND4J build:
 * <ul>
 *   <li>{@link Strategy#CBLAS} (OpenBLAS builds): {@code cblas_?gemm} called directly on the arrays' native
 *       buffers through the JavaCPP OpenBLAS preset that nd4j-native already ships;</li>
 *   <li>{@link Strategy#OP_CONTEXT} (oneDNN builds, or when the preset cannot be loaded): libnd4j's matmul op
 *       executed on one {@link OpContext} built once per operation, which goes to oneDNN's GEMM and skips the
 *       op construction and shape bookkeeping of {@code Nd4j.gemm} (measured 112 vs 237 µs median for
 *       [32,256]×[256,1024] on one core; benchmarks/RESULTS.md).</li>
 * </ul>
 * All arrays must be dense c-ordered row-major matrices without offset (the fused sweep creates them so).
 * The system property {@code momentumrnn4j.stepGemm} ({@code cblas} or {@code context}) forces a strategy, for
 * benchmarks and tests.
 */
final class StepGemm implements AutoCloseable {
    /** How the product is computed. */
    enum Strategy { CBLAS, OP_CONTEXT }

    static final Strategy DEFAULT = choose();

    /** Tests in this package set this to run the fused sweep with each strategy; null means {@link #DEFAULT}. */
    static volatile Strategy override;

    private final INDArray b;
    private final boolean transB;
    private final int m;
    private final int n;
    private final int k;
    private final Strategy strategy;
    private final Object pa;
    private final Object pb;
    private final Object pc;
    private final OpContext context;

    private static final org.nd4j.nativeblas.NativeOps NATIVE = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
    private static final long MATMUL_HASH = new Mmul().opHash();

    /**
     * Loops of at least this many products with a transposed {@code b} copy it transposed first on the oneDNN path
     * ({@link #forLoop}); tests lower it to run that path on short sequences.
     */
    static volatile int pretransposeMinCalls = 64;

    /**
     * {@code c = a·op(b)} for a loop of {@code calls} products with the same {@code b}. On the {@link Strategy#OP_CONTEXT}
     * path a {@code transB} product is slower than a plain one (one core, oneDNN build: 79.5 vs 68.4 µs for
     * [16,256]×[256,1024], 19.6 vs 15.0 µs for [16,128]×[128,512]); copying {@code bᵀ} once into a per-thread
     * scratch matrix (655 and 200 µs) pays off from about 60 products, so loops of at least
     * {@link #pretransposeMinCalls} do that. The scratch is this thread's until the next such loop: close this one
     * first.
     */
    static StepGemm forLoop(INDArray a, INDArray b, INDArray c, boolean transB, int calls) {
        Strategy s = override != null ? override : DEFAULT;
        if (transB && s == Strategy.OP_CONTEXT && calls >= pretransposeMinCalls) {
            INDArray bt = NativeScratch.exact("stepGemm.transposed", b.dataType(), b.columns(), b.rows());
            bt.assign(b.transpose());
            return new StepGemm(a, bt, c, false, s);
        }
        return new StepGemm(a, b, c, transB, s);
    }

    /** {@code c [m, n] = a [m, k] · (transB ? bᵀ : b)} with the default strategy. */
    StepGemm(INDArray a, INDArray b, INDArray c, boolean transB) {
        this(a, b, c, transB, override != null ? override : DEFAULT);
    }

    StepGemm(INDArray a, INDArray b, INDArray c, boolean transB, Strategy strategy) {
        this.b = b;
        this.transB = transB;
        this.m = (int) a.size(0);
        this.k = (int) a.size(1);
        this.n = (int) c.size(1);
        this.strategy = strategy;
        for (INDArray x : new INDArray[] {a, b, c}) {
            if (x.isView() || x.ordering() != 'c' || x.offset() != 0 || x.rank() != 2 || x.dataType() != a.dataType()) {
                throw new IllegalArgumentException("StepGemm needs dense c-ordered matrices of one type");
            }
        }
        if (strategy == Strategy.CBLAS) {
            boolean f = a.dataType() == DataType.FLOAT;
            pa = f ? new FloatPointer(a.data().addressPointer()) : new DoublePointer(a.data().addressPointer());
            pb = f ? new FloatPointer(b.data().addressPointer()) : new DoublePointer(b.data().addressPointer());
            pc = f ? new FloatPointer(c.data().addressPointer()) : new DoublePointer(c.data().addressPointer());
            context = null;
        } else {
            pa = null;
            pb = null;
            pc = null;
            context = Nd4j.getExecutioner().buildContext();
            context.setInputArrays(a, b);
            context.setOutputArrays(c);
            context.setIArguments(0, transB ? 1 : 0, 0);                  // transpose x, y, z
        }
    }

    private static Strategy choose() {
        String forced = System.getProperty("momentumrnn4j.stepGemm");
        if (forced != null) {
            switch (forced.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "cblas":
                    if (!cblasAvailable()) {
                        throw new IllegalStateException("momentumrnn4j.stepGemm=cblas, but the OpenBLAS preset cannot be loaded");
                    }
                    return Strategy.CBLAS;
                case "context":
                    return Strategy.OP_CONTEXT;
                default:
                    throw new IllegalArgumentException("system property momentumrnn4j.stepGemm: expected cblas or context, got '"
                            + forced + "'");
            }
        }
        if (NativeRuntime.build() == NativeRuntime.Build.OPENBLAS && cblasAvailable()) {
            return Strategy.CBLAS;
        }
        return Strategy.OP_CONTEXT;
    }

    static boolean cblasAvailable() {
        try {
            Class.forName("org.bytedeco.openblas.global.openblas");
            org.bytedeco.openblas.global.openblas.blas_get_num_threads();
            return true;
        } catch (Throwable t) {
            LoggerFactory.getLogger(StepGemm.class).info("OpenBLAS preset unavailable ({}); per-step products use libnd4j's matmul", t.toString());
            return false;
        }
    }

    /**
     * Computes the product into {@code c}. The op context goes to libnd4j directly ({@code execCustomOp2}): the
     * executioner's wrapper adds nothing this loop needs, but allocates about 1 kB of Java objects per call (a fifth
     * of a MomentumLSTM sweep's heap allocation at shape A, which costs page faults while the young generation
     * grows; benchmarks/RESULTS.md, session 7).
     */
    void run() {
        if (strategy == Strategy.OP_CONTEXT) {
            int status = NATIVE.execCustomOp2(null, MATMUL_HASH, context.contextPointer());
            if (status != 0 || NATIVE.lastErrorCode() != 0) {
                throw new IllegalStateException("libnd4j matmul failed with status " + status + " ("
                        + NATIVE.lastErrorMessage() + ") for [" + m + ", " + k + "] x " + (transB ? "transposed " : "")
                        + java.util.Arrays.toString(b.shape()) + " into [" + m + ", " + n + "]");
            }
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

    @Override
    public void close() {
        if (context != null) {
            try {
                context.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the op context", e);
            }
        }
    }
}
