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
 * A third, {@link Strategy#CBLAS_SPLIT}, calls {@code cblas_sgemm} once per column block of at most
 * {@link #SPLIT_MNK} multiply-adds. OpenBLAS's kernels for AVX-512 CPUs (SkylakeX, also chosen on newer Intel
 * cores) compute products that small with their "small matrix" kernels, which skip the packing of {@code b} that
 * dominates a 16-row product: [16,256]×[256,256] took 27.6 µs in one call and 11.8 µs in two column halves, against
 * 15.7–17.2 µs for oneDNN (one core, Sapphire Rapids; benchmarks/RESULTS.md, session 10). Other OpenBLAS kernels
 * have no such path, so {@link #forLoop} chooses it by timing: the first loop of each float32 shape small enough
 * for at most {@link #SPLIT_MAX_BLOCKS} blocks times both strategies on scratch arrays and keeps the faster for the
 * process (logged at debug level).
 * All arrays must be dense c-ordered row-major matrices without offset (the fused sweep creates them so).
 * The system property {@code momentumrnn4j.stepGemm} ({@code cblas}, {@code context} or {@code split}) forces a
 * strategy (and turns the timing off: reproducible rounding from run to run), for benchmarks and tests.
 */
final class StepGemm implements AutoCloseable {
    /** How the product is computed. */
    enum Strategy { CBLAS, OP_CONTEXT, CBLAS_SPLIT }

    /** Multiply-adds per block of {@link Strategy#CBLAS_SPLIT}: OpenBLAS's small-matrix limit (M·N·K ≤ 100³). */
    static final long SPLIT_MNK = 1_000_000L;

    /** Tests lower this to split tiny products into several blocks; 0 means {@link #SPLIT_MNK}. */
    static volatile long splitMnkOverride;

    /**
     * Products needing more blocks than this are not timed for {@link Strategy#CBLAS_SPLIT}: with 4 and 8 blocks it
     * measured no faster than oneDNN ([16,256]×[256,1024]: 55.6 vs 52.4 µs; [16,1024]×[1024,256]: 92.7 vs 54.1).
     */
    static final int SPLIT_MAX_BLOCKS = 2;

    private static final String FORCED = System.getProperty("momentumrnn4j.stepGemm");

    static final Strategy DEFAULT = choose();

    private static final boolean CBLAS_LOADED = DEFAULT == Strategy.CBLAS || cblasAvailable();

    /** The strategy chosen by timing for each float32 shape ({@code "m k n"}), for this process. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Strategy> PROBED = new java.util.concurrent.ConcurrentHashMap<>();

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
    private org.bytedeco.javacpp.Pointer[] blockB;   // CBLAS_SPLIT: b and c at each block's first column
    private org.bytedeco.javacpp.Pointer[] blockC;
    private int[] blockN;                            //   and its width

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
        if (override == null && FORCED == null && calls >= pretransposeMinCalls && a.dataType() == DataType.FLOAT
                && blocks(a.size(0), c.size(1), a.size(1)) <= SPLIT_MAX_BLOCKS && CBLAS_LOADED) {
            s = probed(a.size(0), a.size(1), c.size(1));
        }
        // (the split's products are all NoTrans; oneDNN's transB product is slower, see above)
        if (transB && (s == Strategy.CBLAS_SPLIT || (s == Strategy.OP_CONTEXT && calls >= pretransposeMinCalls))) {
            INDArray bt = NativeScratch.exact("stepGemm.transposed", b.dataType(), b.columns(), b.rows());
            bt.assign(b.transpose());
            return new StepGemm(a, bt, c, false, s);
        }
        return new StepGemm(a, b, c, transB, s);
    }

    /** Column blocks of an [m, k]×[k, n] product for {@link Strategy#CBLAS_SPLIT}. */
    static int blocks(long m, long n, long k) {
        long mnk = m * n * k;
        long limit = splitMnkOverride > 0 ? splitMnkOverride : SPLIT_MNK;
        return (int) Math.min(n, Math.max(1, (mnk + limit - 1) / limit));
    }

    /** The faster of {@link #DEFAULT} and {@link Strategy#CBLAS_SPLIT} for float32 [m, k]×[k, n], timed once. */
    private static Strategy probed(long m, long k, long n) {
        return PROBED.computeIfAbsent(m + " " + k + " " + n, key -> probe((int) m, (int) k, (int) n));
    }

    /**
     * Times {@link #DEFAULT} (with {@code b} in NoTrans layout, as the loops give it after a pre-transposition) and
     * {@link Strategy#CBLAS_SPLIT} on zero-filled scratch arrays: after warm-up calls, 6 alternating rounds of 10
     * calls each, the fastest round of each. The split must be 10 % faster to be chosen (its rounding differs).
     */
    private static Strategy probe(int m, int k, int n) {
        INDArray a;
        INDArray b;
        INDArray c;
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            a = Nd4j.create(DataType.FLOAT, m, k);
            b = Nd4j.create(DataType.FLOAT, k, n);
            c = Nd4j.create(DataType.FLOAT, m, n);
        }
        Strategy[] candidates = {DEFAULT, Strategy.CBLAS_SPLIT};
        StepGemm[] g = {new StepGemm(a, b, c, false, candidates[0]), new StepGemm(a, b, c, false, candidates[1])};
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        try {
            for (int round = -2; round < 6; round++) {
                for (int i = 0; i < 2; i++) {
                    long t0 = System.nanoTime();
                    for (int call = 0; call < 10; call++) {
                        g[i].run();
                    }
                    long t = System.nanoTime() - t0;
                    if (round >= 0) {
                        best[i] = Math.min(best[i], t);
                    }
                }
            }
        } finally {
            g[0].close();
            g[1].close();
        }
        Strategy chosen = best[1] < 0.9 * best[0] ? Strategy.CBLAS_SPLIT : DEFAULT;
        LoggerFactory.getLogger(StepGemm.class).debug("step GEMM [{},{}]x[{},{}]: {} {} µs, split {} µs per call: {}",
                m, k, k, n, DEFAULT, best[0] / 10_000.0, best[1] / 10_000.0, chosen);
        return chosen;
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
        if (strategy == Strategy.CBLAS_SPLIT && transB) {
            throw new IllegalArgumentException("CBLAS_SPLIT computes a·b only; forLoop transposes b first");
        }
        if (strategy == Strategy.CBLAS || strategy == Strategy.CBLAS_SPLIT) {
            boolean f = a.dataType() == DataType.FLOAT;
            pa = f ? new FloatPointer(a.data().addressPointer()) : new DoublePointer(a.data().addressPointer());
            pb = f ? new FloatPointer(b.data().addressPointer()) : new DoublePointer(b.data().addressPointer());
            pc = f ? new FloatPointer(c.data().addressPointer()) : new DoublePointer(c.data().addressPointer());
            context = null;
            if (strategy == Strategy.CBLAS_SPLIT) {
                int parts = blocks(m, n, k);
                int width = (n + parts - 1) / parts;
                parts = (n + width - 1) / width;
                blockB = new org.bytedeco.javacpp.Pointer[parts];
                blockC = new org.bytedeco.javacpp.Pointer[parts];
                blockN = new int[parts];
                for (int i = 0; i < parts; i++) {
                    int off = i * width;
                    blockN[i] = Math.min(width, n - off);
                    blockB[i] = f ? new FloatPointer(b.data().addressPointer()).position(off)
                                  : new DoublePointer(b.data().addressPointer()).position(off);
                    blockC[i] = f ? new FloatPointer(c.data().addressPointer()).position(off)
                                  : new DoublePointer(c.data().addressPointer()).position(off);
                }
            }
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
                case "split":
                    if (!cblasAvailable()) {
                        throw new IllegalStateException("momentumrnn4j.stepGemm=split, but the OpenBLAS preset cannot be loaded");
                    }
                    return Strategy.CBLAS_SPLIT;
                default:
                    throw new IllegalArgumentException("system property momentumrnn4j.stepGemm: expected cblas, context or split, got '"
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
        if (blockB != null) {
            int rm = org.bytedeco.openblas.global.openblas.CblasRowMajor;
            int nt = org.bytedeco.openblas.global.openblas.CblasNoTrans;
            for (int i = 0; i < blockB.length; i++) {
                if (pa instanceof FloatPointer fa) {
                    org.bytedeco.openblas.global.openblas.cblas_sgemm(rm, nt, nt, m, blockN[i], k, 1f, fa, k,
                            (FloatPointer) blockB[i], ldb, 0f, (FloatPointer) blockC[i], n);
                } else {
                    org.bytedeco.openblas.global.openblas.cblas_dgemm(rm, nt, nt, m, blockN[i], k, 1.0, (DoublePointer) pa,
                            k, (DoublePointer) blockB[i], ldb, 0.0, (DoublePointer) blockC[i], n);
                }
            }
            return;
        }
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
