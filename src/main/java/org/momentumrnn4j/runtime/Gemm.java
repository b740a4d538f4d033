package org.momentumrnn4j.runtime;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueContext;

/**
 * Matrix products outside the recurrent sweeps, {@code C = α·op(A)·op(B) + β·C}, by libnd4j's matmul op on prepared
 * native op contexts, with the rows of {@code C} split over the {@link HelperThread} when the product is large enough.
 *
 * <p>Why: one 256×256×256 float32 product on the oneDNN build costs 0.19 ms through {@code Nd4j.gemm}, 0.165 ms on a
 * prepared op context, and 0.092 ms with its rows in two halves on two prepared contexts on two threads; but
 * building the row views (9–27 µs each) and setting up the contexts (10–17 µs each) on every call ate that gain
 * (benchmarks/RESULTS.md, session 7). Repeated computations such as the DTRIV matrix exponential call the same
 * products on the same buffers every batch (its temporaries live in a workspace that hands out the same addresses
 * each time), so each calling thread keeps the contexts of its {@value #CACHE_SIZE} most recently used products,
 * keyed by the operands' native addresses and shape descriptors and the product's flags and scalars. A context
 * refers to raw memory only (addresses and shape descriptors, no Java array objects): it is used only in a call
 * whose operands are at exactly those addresses with exactly those shapes, so what it reads and writes is that
 * call's operands.
 *
 * <p>Each element is the same dot product, split or not, but oneDNN picks its kernel by shape, so a split product can
 * differ from the whole one in its last bits (seen for float32 with a transposed B; GemmTest checks both against the
 * rounding bound); for a given configuration the result is deterministic. Only dense row-major {@code op(A)} and
 * {@code C} are split ({@code transA} products, whose row blocks are strided, run whole).
 *
 * <p>Library-internal; not a stable API.
 */
public final class Gemm {
    /** Products with fewer rows than this are not split. */
    static final long MIN_SPLIT_ROWS = 64;
    /** Products with fewer multiply-adds ({@code m·n·k}) than this are not split. */
    static final long MIN_SPLIT_WORK = 1L << 21;
    /** Prepared products kept per calling thread. */
    static final int CACHE_SIZE = 64;

    /**
     * Tests set this: {@code TRUE} splits qualifying products even where the helper thread is disabled (both halves
     * then run on the caller), {@code FALSE} never splits; {@code null} splits where the helper is enabled.
     */
    static volatile Boolean splitOverride;

    private static final NativeOps NATIVE = nativeOps();
    private static final long MATMUL_HASH = new Mmul().opHash();
    private static final ThreadLocal<Cache> CACHE = ThreadLocal.withInitial(Cache::new);

    private Gemm() {}

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c}; returns {@code c}. With {@code beta = 0}, {@code c} is not read;
     * {@code c} must not overlap {@code a} or {@code b} (as for {@code Nd4j.gemm}). The prepared contexts of a thread
     * that ends are not freed (at most {@value #CACHE_SIZE} small native objects per thread).
     *
     * @throws IllegalArgumentException if the shapes do not match ({@code [m, k]·[k, n] → [m, n]}), the arrays are
     *                                  not matrices of one data type, or the data type is not FLOAT or DOUBLE
     * @throws IllegalStateException    if an argument was closed
     */
    public static INDArray gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("gemm: expected matrices, got a " + Arrays.toString(a.shape()) + ", b "
                    + Arrays.toString(b.shape()) + ", c " + Arrays.toString(c.shape()));
        }
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        long n = transB ? b.size(0) : b.size(1);
        DataType t = a.dataType();
        if (k != kb || c.size(0) != m || c.size(1) != n || b.dataType() != t || c.dataType() != t
                || (t != DataType.FLOAT && t != DataType.DOUBLE)) {
            throw new IllegalArgumentException("gemm: op(a) " + shape(a, transA) + " times op(b) " + shape(b, transB)
                    + " into c " + shape(c, false) + ": expected [m, k] x [k, n] -> [m, n] of one type (FLOAT or DOUBLE), got "
                    + a.dataType() + ", " + b.dataType() + ", " + c.dataType());
        }
        if (a.wasClosed() || b.wasClosed() || c.wasClosed()) {                // its memory may be gone: no native call
            throw new IllegalStateException("gemm: " + (a.wasClosed() ? "a" : b.wasClosed() ? "b" : "c")
                    + " was closed (its memory was released)");
        }
        if (a.isEmpty() || b.isEmpty() || c.isEmpty()) {
            return Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
        }
        boolean split = !transA && denseRows(a) && denseRows(c) && m >= MIN_SPLIT_ROWS && m * n * k >= MIN_SPLIT_WORK
                && (splitOverride != null ? splitOverride : HelperThread.enabled());
        Prepared p = CACHE.get().find(a, b, c, transA, transB, alpha, beta, split);
        if (p.second == null) {
            p.runFirst();
        } else {
            HelperThread.run(p.first, p.second);
        }
        return c;
    }

    private static NativeOps nativeOps() {
        Nd4j.getBackend();                                                // loads libnd4j before its bindings are used
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    /** Dense row-major: a block of rows is contiguous. */
    private static boolean denseRows(INDArray x) {
        return x.ordering() == 'c' && x.stride(1) == 1 && x.stride(0) == x.size(1);
    }

    /** The address of the first element. */
    private static long address(INDArray x) {
        return x.data().address() + x.offset() * x.data().getElementSize();
    }

    private static void exec(OpaqueContext ctx) {
        int status = NATIVE.execCustomOp2(null, MATMUL_HASH, ctx);
        if (status != 0 || NATIVE.lastErrorCode() != 0) {
            throw new IllegalStateException("libnd4j matmul failed with status " + status + ": " + NATIVE.lastErrorMessage());
        }
    }

    /** A pointer to a fixed native address. */
    private static Pointer at(long addr) {
        return new Pointer() {
            {
                address = addr;
            }
        };
    }

    /** The prepared contexts of one product: whole, or rows of C in two halves. */
    private static final class Prepared {
        final long ka;
        final long sa;
        final long kb;
        final long sb;
        final long kc;
        final long sc;
        final int flags;
        final double alpha;
        final double beta;
        long lastUse;
        final OpaqueContext[] contexts;
        final DataBuffer[] keep;                 // shape descriptors the contexts point to
        final Runnable first;
        final Runnable second;

        Prepared(INDArray a, INDArray b, INDArray c, int flags, double alpha, double beta, boolean split) {
            this.ka = address(a);
            this.sa = a.shapeInfoDataBuffer().address();
            this.kb = address(b);
            this.sb = b.shapeInfoDataBuffer().address();
            this.kc = address(c);
            this.sc = c.shapeInfoDataBuffer().address();
            this.flags = flags;
            this.alpha = alpha;
            this.beta = beta;
            boolean transA = (flags & 1) != 0;
            boolean transB = (flags & 2) != 0;
            if (!split) {
                keep = new DataBuffer[] {a.shapeInfoDataBuffer(), b.shapeInfoDataBuffer(), c.shapeInfoDataBuffer()};
                contexts = new OpaqueContext[] {context(ka, keep[0], kb, keep[1], kc, keep[2], transA, transB, alpha, beta)};
                first = () -> exec(contexts[0]);
                second = null;
                return;
            }
            long m = c.size(0);
            long h = m / 2;
            long es = a.data().getElementSize();
            DataBuffer a0 = rows(a, 0, h);
            DataBuffer a1 = rows(a, h, m);
            DataBuffer c0 = rows(c, 0, h);
            DataBuffer c1 = rows(c, h, m);
            DataBuffer sb = b.shapeInfoDataBuffer();
            keep = new DataBuffer[] {a0, a1, sb, c0, c1};
            contexts = new OpaqueContext[] {
                context(ka, a0, kb, sb, kc, c0, false, transB, alpha, beta),
                context(ka + h * a.size(1) * es, a1, kb, sb, kc + h * c.size(1) * es, c1, false, transB, alpha, beta)};
            first = () -> exec(contexts[0]);
            second = () -> exec(contexts[1]);
        }

        void runFirst() {
            first.run();
        }

        boolean matches(long ka, long sa, long kb, long sb, long kc, long sc, int flags, double alpha, double beta) {
            return this.ka == ka && this.kb == kb && this.kc == kc && this.sa == sa && this.sb == sb && this.sc == sc
                    && this.flags == flags && Double.compare(this.alpha, alpha) == 0 && Double.compare(this.beta, beta) == 0;
        }

        /** The shape descriptor of rows {@code [from, to)} of a dense row-major matrix. */
        private static DataBuffer rows(INDArray x, long from, long to) {
            return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).shapeInfoDataBuffer();
        }

        private static OpaqueContext context(long pa, DataBuffer sa, long pb, DataBuffer sb, long pc, DataBuffer sc,
                boolean transA, boolean transB, double alpha, double beta) {
            OpaqueContext ctx = NATIVE.createGraphContext(1);
            NATIVE.setGraphContextInputArray(ctx, 0, at(pa), sa.addressPointer(), null, null);
            NATIVE.setGraphContextInputArray(ctx, 1, at(pb), sb.addressPointer(), null, null);
            NATIVE.setGraphContextOutputArray(ctx, 0, at(pc), sc.addressPointer(), null, null);
            try (LongPointer i = new LongPointer(transA ? 1 : 0, transB ? 1 : 0, 0);
                    DoublePointer d = new DoublePointer(alpha, beta)) {
                NATIVE.setGraphContextIArguments(ctx, i, 3);
                NATIVE.setGraphContextTArguments(ctx, d, 2);
            }
            return ctx;
        }

        void close() {
            for (OpaqueContext ctx : contexts) {
                NATIVE.deleteGraphContext(ctx);
            }
        }
    }

    /** The prepared products of one thread, least recently used evicted first. */
    private static final class Cache {
        private final Prepared[] entries = new Prepared[CACHE_SIZE];
        private int size;
        private long clock;

        Prepared find(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta, boolean split) {
            long ka = address(a);
            long sa = a.shapeInfoDataBuffer().address();
            long kb = address(b);
            long sb = b.shapeInfoDataBuffer().address();
            long kc = address(c);
            long sc = c.shapeInfoDataBuffer().address();
            int flags = (transA ? 1 : 0) | (transB ? 2 : 0) | (split ? 4 : 0);
            for (int i = 0; i < size; i++) {
                Prepared p = entries[i];
                if (p.matches(ka, sa, kb, sb, kc, sc, flags, alpha, beta)) {
                    p.lastUse = ++clock;
                    return p;
                }
            }
            Prepared p = new Prepared(a, b, c, flags, alpha, beta, split);
            p.lastUse = ++clock;
            if (size < entries.length) {
                entries[size++] = p;
            } else {
                int oldest = 0;
                for (int i = 1; i < size; i++) {
                    if (entries[i].lastUse < entries[oldest].lastUse) {
                        oldest = i;
                    }
                }
                entries[oldest].close();
                entries[oldest] = p;
            }
            return p;
        }
    }

    private static String shape(INDArray x, boolean trans) {
        return x.rank() == 2 && trans ? "[" + x.size(1) + ", " + x.size(0) + "]" : Arrays.toString(x.shape());
    }
}
