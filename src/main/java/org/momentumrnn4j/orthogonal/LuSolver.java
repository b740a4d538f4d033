package org.momentumrnn4j.orthogonal;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasNonUnit;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasRight;
import static org.bytedeco.openblas.global.openblas.CblasUnit;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgetrf2;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgetrf2;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_dtrsm;
import static org.bytedeco.openblas.global.openblas.cblas_strsm;

import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.momentumrnn4j.runtime.HelperThread;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One LU factorization reused for any number of solves {@code Q X = Y}, on row-major ({@code 'c'}) arrays without
 * a transposed copy: the row-major buffer of {@code Q} is {@code Qᵀ} to column-major LAPACK, so {@code getrf2}
 * factors {@code Qᵀ = P·L·U} in place of a plain copy, and a solve is the right-hand system
 * {@code Xᵀ·Qᵀ = Yᵀ} on the row-major buffer of {@code Y} (column-major {@code Yᵀ}): two triangular solves
 * ({@code trsm}, side right: {@code W·U = Yᵀ}, {@code Z·L = W}) and the column interchanges
 * {@code Xᵀ = Z·Pᵀ}, which are row interchanges of {@code X}. (Transposing to column-major and back cost more than
 * the factorization itself on n = 256.) The same factors solve {@code Qᵀ X = Y} ({@link #solveTransposed}): row
 * interchanges first, then the transposed triangular solves.
 *
 * <p>The calls go straight to the LAPACKE/CBLAS bindings that ND4J's own {@code CpuLapack} uses
 * ({@code org.bytedeco.openblas.global.openblas}); ND4J 1.0.0-M2.1 exposes {@code getrf} but no {@code getrs},
 * and its {@code trsm} wrapper passes the {@code diag} flag unconverted to CBLAS. Buffers handed to native code
 * are freshly created contiguous copies, kept reachable across the calls.
 *
 * <p>The factorization is the recursive {@code getrf2} (LAPACK ≥ 3.6, level-3 BLAS), not {@code getrf}:
 * OpenBLAS 0.3.19 replaces {@code getrf} by its own multithreaded {@code getrf_parallel} for
 * {@code n² ≥ 10000} when more than one BLAS thread is configured, and that routine keeps an array of
 * several MB on the calling thread's stack. Called from a Java thread with the default 1 MB stack
 * ({@code -Xss}), it crashes the JVM with SIGSEGV (reproduced: n = 100..256, OMP_NUM_THREADS = 2, needs
 * {@code -Xss3m}). {@code getrf2} computes the same partial-pivoting LU without that stack use. ND4J's own
 * {@code Nd4j.getBlasWrapper().lapack().getrf} has the same hazard.
 */
final class LuSolver {

    private final INDArray lu;    // [n, n] 'c' buffer = column-major LU of Qᵀ: packed L (unit lower) and U
    private final int[] piv;      // [n] 1-based LAPACK row pivots
    private final int n;

    private LuSolver(INDArray lu, int[] piv, int n) {
        this.lu = lu;
        this.piv = piv;
        this.n = n;
    }

    /**
     * Factors a square FLOAT or DOUBLE matrix; the argument is not modified.
     *
     * @param q the matrix {@code Q} [n, n]
     * @return the factorization
     * @throws ArithmeticException if {@code Q} is exactly singular ({@code getrf2} info &gt; 0)
     */
    static LuSolver factor(INDArray q) {
        int n = (int) q.rows();
        INDArray lu = q.dup('c');                       // [n, n] 'c' = Qᵀ column-major, overwritten by L\U
        INDArray ipiv = Nd4j.create(DataType.INT32, n); // [n]
        int info;
        if (q.dataType() == DataType.DOUBLE) {
            info = LAPACKE_dgetrf2(LAPACK_COL_MAJOR, n, n, (DoublePointer) lu.data().addressPointer(), n,
                    (IntPointer) ipiv.data().addressPointer());
        } else {
            info = LAPACKE_sgetrf2(LAPACK_COL_MAJOR, n, n, (FloatPointer) lu.data().addressPointer(), n,
                    (IntPointer) ipiv.data().addressPointer());
        }
        Reference.reachabilityFence(lu);
        Reference.reachabilityFence(ipiv);
        if (info < 0) {
            throw new IllegalStateException("LAPACK getrf2: illegal argument #" + (-info));
        }
        if (info > 0) {
            throw new ArithmeticException("LAPACK getrf2: Padé denominator V − U is singular (U[" + (info - 1)
                    + "][" + (info - 1) + "] = 0), n = " + n);
        }
        int[] piv = new int[n];
        ipiv.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer().get(piv);
        ipiv.close();
        return new LuSolver(lu, piv, n);
    }

    /**
     * A factorization kept from {@link #factor}: {@code lu} a dense {@code 'c'} copy of {@link #factors()} and
     * {@code piv} its {@link #pivots()}.
     */
    static LuSolver of(INDArray lu, int[] piv) {
        if (lu.rank() != 2 || lu.rows() != piv.length || lu.columns() != piv.length || lu.ordering() != 'c'
                || lu.isView()) {
            throw new IllegalArgumentException("lu must be a dense 'c' [" + piv.length + ", " + piv.length
                    + "] array, got " + java.util.Arrays.toString(lu.shape()) + (lu.isView() ? " (a view)" : ""));
        }
        return new LuSolver(lu, piv.clone(), piv.length);
    }

    /** The packed factors ([n, n] 'c'; not a copy). */
    INDArray factors() {
        return lu;
    }

    /** The 1-based LAPACK row pivots (a copy). */
    int[] pivots() {
        return piv.clone();
    }

    /**
     * Solves {@code Q X = Y}.
     *
     * @param y right-hand sides [n, k], same data type as {@code Q}; not modified
     * @return {@code X} [n, k], a new {@code 'c'}-ordered array
     */
    INDArray solve(INDArray y) {
        return solve(y, false);
    }

    /**
     * Solves {@code Qᵀ X = Y}: with {@code Qᵀ = Pᵀ·L·U} (column-major factors of the row-major {@code Q}),
     * {@code Xᵀ·Uᵀ·Lᵀ = Yᵀ·Pᵀ}, i.e. the row interchanges of {@code Y} in LAPACK's order, then {@code Z·Lᵀ} and
     * {@code Xᵀ·Uᵀ} solves.
     *
     * @param y right-hand sides [n, k], same data type as {@code Q}; not modified
     * @return {@code X} [n, k], a new {@code 'c'}-ordered array
     */
    INDArray solveTransposed(INDArray y) {
        return solve(y, true);
    }

    /**
     * Right-hand sides from this many columns on are solved in two column blocks, the second on the
     * {@link HelperThread} (n 256 float32: 359–468 vs 450–526 µs median with a pool thread; benchmarks/RESULTS.md,
     * session 6). Tests lower it.
     */
    static volatile int splitMinColumns = 128;

    private INDArray solve(INDArray y, boolean transposed) {
        int k = (int) y.columns();
        INDArray x = y.dup('c');                        // [n, k] 'c' = Yᵀ column-major [k, n], overwritten by Xᵀ
        if (transposed) {
            swapRows(x, k, true);                       // Yᵀ·Pᵀ = Yᵀ·P_0⋯P_{n−1}
        }
        int half = k >= Math.max(2, splitMinColumns) ? k / 2 : k;
        if (half < k) {                                 // rows [half, k) of the column-major Yᵀ: the other columns of Y
            HelperThread.run(() -> triangularSolves(x, 0, half, transposed), () -> triangularSolves(x, half, k, transposed));
        } else {
            triangularSolves(x, 0, k, transposed);
        }
        Reference.reachabilityFence(lu);
        if (!transposed) {
            swapRows(x, k, false);                      // Xᵀ = Z·P_{n−1}⋯P_0: interchanges from i = n−1 down
        }
        Reference.reachabilityFence(x);
        return x;
    }

    /**
     * The two triangular solves on rows {@code [r0, r1)} of the column-major {@code Yᵀ} ({@code x}'s buffer, leading
     * dimension k = x.columns()): the right-hand systems of those rows are independent of the others.
     */
    private void triangularSolves(INDArray x, int r0, int r1, boolean transposed) {
        int k = (int) x.columns();
        int m = r1 - r0;
        if (m <= 0) {
            return;
        }
        if (lu.dataType() == DataType.DOUBLE) {
            DoublePointer a = (DoublePointer) lu.data().addressPointer();
            DoublePointer b = new DoublePointer(x.data().addressPointer()).position(r0);
            if (transposed) {
                cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasUnit, m, n, 1.0, a, n, b, k);
                cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, m, n, 1.0, a, n, b, k);
            } else {
                cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1.0, a, n, b, k);
                cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, a, n, b, k);
            }
        } else {
            FloatPointer a = (FloatPointer) lu.data().addressPointer();
            FloatPointer b = new FloatPointer(x.data().addressPointer()).position(r0);
            if (transposed) {
                cblas_strsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasUnit, m, n, 1f, a, n, b, k);
                cblas_strsm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, m, n, 1f, a, n, b, k);
            } else {
                cblas_strsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1f, a, n, b, k);
                cblas_strsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasUnit, m, n, 1f, a, n, b, k);
            }
        }
        Reference.reachabilityFence(lu);
        Reference.reachabilityFence(x);
    }

    /** Swaps rows {@code i} and {@code piv_i} of the row-major {@code x} [n, k], for i ascending or descending. */
    private void swapRows(INDArray x, int k, boolean ascending) {
        if (x.dataType() == DataType.DOUBLE) {
            DoubleBuffer buf = x.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
            double[] ri = new double[k];
            double[] rp = new double[k];
            for (int j = 0; j < n; j++) {
                int i = ascending ? j : n - 1 - j;
                int p = piv[i] - 1;
                if (p != i) {
                    buf.get(i * k, ri, 0, k).get(p * k, rp, 0, k);
                    buf.put(i * k, rp, 0, k).put(p * k, ri, 0, k);
                }
            }
        } else {
            FloatBuffer buf = x.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] ri = new float[k];
            float[] rp = new float[k];
            for (int j = 0; j < n; j++) {
                int i = ascending ? j : n - 1 - j;
                int p = piv[i] - 1;
                if (p != i) {
                    buf.get(i * k, ri, 0, k).get(p * k, rp, 0, k);
                    buf.put(i * k, rp, 0, k).put(p * k, ri, 0, k);
                }
            }
        }
    }
}
