package org.momentumrnn4j.orthogonal;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasNonUnit;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasRight;
import static org.bytedeco.openblas.global.openblas.CblasUnit;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgetrf2;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_strsm;

import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

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
 *
 * <p><b>float64 runs in Java.</b> The bundled OpenBLAS 0.3.19 gives wrong float64 triangular solves on Intel
 * AVX-512 CPUs (Sapphire Rapids here, where it picks its SkylakeX/Cooperlake kernels; correct on an AMD AVX-512 CPU
 * and with {@code OPENBLAS_CORETYPE=Haswell}): {@code cblas_dtrsm} and {@code getrf2}, which calls it, were off by
 * O(1) from n = 4 and n = 16 (residuals 10⁰–10⁸, NaN at n ≥ 200), while {@code dgemm} and the float32 routines
 * were right. A library cannot choose OpenBLAS's kernels after it is loaded, so the float64 factorization
 * (right-looking, partial pivoting with the first largest pivot as LAPACK's {@code idamax}) and the substitutions
 * are plain Java on the same packed layout and pivots. {@code LuSolverTest} checks both types on every machine.
 */
final class LuSolver {

    private final INDArray lu;    // [n, n] 'c' buffer = column-major LU of Qᵀ: packed L (unit lower) and U
    private final int[] piv;      // [n] 1-based LAPACK row pivots
    private final int n;
    private final double[] luHeap; // float64: the same buffer on the heap (the Java substitutions read it)

    private LuSolver(INDArray lu, int[] piv, int n) {
        this.lu = lu;
        this.piv = piv;
        this.n = n;
        this.luHeap = lu.dataType() == DataType.DOUBLE ? readDoubles(lu) : null;
    }

    private static double[] readDoubles(INDArray dense) {
        double[] out = new double[(int) dense.length()];
        dense.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(0, out, 0, out.length);
        return out;
    }

    private static void writeDoubles(double[] src, INDArray dense) {
        dense.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(0, src, 0, src.length);
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
        if (q.dataType() == DataType.DOUBLE) {                   // in Java (class comment)
            double[] a = readDoubles(lu);
            int[] piv = new int[n];
            int info = factorInPlace(a, n, piv);
            if (info > 0) {
                throw new ArithmeticException("LU: Padé denominator V − U is singular (U[" + (info - 1)
                        + "][" + (info - 1) + "] = 0), n = " + n);
            }
            writeDoubles(a, lu);
            return new LuSolver(lu, piv, n);
        }
        INDArray ipiv = Nd4j.create(DataType.INT32, n); // [n]
        int info = LAPACKE_sgetrf2(LAPACK_COL_MAJOR, n, n, (FloatPointer) lu.data().addressPointer(), n,
                (IntPointer) ipiv.data().addressPointer());
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
     * LU with partial pivoting of the column-major {@code a} [n, n] in place ({@code getrf}'s result: unit lower L
     * below the diagonal, U on and above it, 1-based pivots in {@code piv}); returns 0, or {@code j + 1} if
     * {@code U[j][j]} is exactly 0. Right-looking: each rank-1 update runs down contiguous columns.
     */
    static int factorInPlace(double[] a, int n, int[] piv) {
        int info = 0;
        for (int j = 0; j < n; j++) {
            int cj = j * n;
            int p = j;
            double best = Math.abs(a[cj + j]);
            for (int i = j + 1; i < n; i++) {
                double v = Math.abs(a[cj + i]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            piv[j] = p + 1;
            if (p != j) {
                for (int c = 0; c < n; c++) {                  // the whole rows, as getrf
                    int o = c * n;
                    double t = a[o + j];
                    a[o + j] = a[o + p];
                    a[o + p] = t;
                }
            }
            double d = a[cj + j];
            if (d == 0) {
                if (info == 0) {
                    info = j + 1;
                }
                continue;
            }
            double r = 1.0 / d;
            for (int i = j + 1; i < n; i++) {
                a[cj + i] *= r;
            }
            for (int c = j + 1; c < n; c++) {
                int cc = c * n;
                double u = a[cc + j];
                if (u != 0) {
                    for (int i = j + 1; i < n; i++) {
                        a[cc + i] -= a[cj + i] * u;
                    }
                }
            }
        }
        return info;
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
        if (luHeap != null) {
            return solveJava(y, transposed);
        }
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
     * float64: with {@code Qᵀ = P·L·U} (column-major factors {@code A}), {@code Q = Uᵀ·Lᵀ·Pᵀ}. {@code Q X = Y}: forward
     * substitution with {@code Uᵀ}, back substitution with {@code Lᵀ}, then {@code X = P·W} (interchanges from
     * i = n−1 down). {@code Qᵀ X = Y}: {@code Pᵀ·Y} (interchanges from i = 0 up), then forward with L, back with U.
     * Rows of the row-major {@code X} are contiguous, so each step is a vectorized row update.
     */
    private INDArray solveJava(INDArray y, boolean transposed) {
        int k = (int) y.columns();
        INDArray x = y.dup('c');
        double[] b = readDoubles(x);
        if (transposed) {
            swapRows(b, k, true);
        }
        int half = k >= Math.max(2, splitMinColumns) ? k / 2 : k;
        if (half < k) {                                 // columns [0, half) and [half, k): independent systems
            HelperThread.run(() -> substitutions(b, k, 0, half, transposed), () -> substitutions(b, k, half, k, transposed));
        } else {
            substitutions(b, k, 0, k, transposed);
        }
        if (!transposed) {
            swapRows(b, k, false);
        }
        writeDoubles(b, x);
        return x;
    }

    /** The two substitutions on columns {@code [c0, c1)} of the row-major {@code b} [n, k], in place. */
    private void substitutions(double[] b, int k, int c0, int c1, boolean transposed) {
        double[] a = luHeap;                             // A(i, j) = a[i + j·n]
        if (!transposed) {
            for (int i = 0; i < n; i++) {                // Uᵀ Z = Y: (Uᵀ)(i, j) = A(j, i) = a[j + i·n], j ≤ i
                int ri = i * k;
                int ci = i * n;
                for (int j = 0; j < i; j++) {
                    axpy(b, ri, -a[ci + j], b, j * k, c0, c1);
                }
                scale(b, ri, 1.0 / a[ci + i], c0, c1);
            }
            for (int i = n - 2; i >= 0; i--) {           // Lᵀ W = Z: (Lᵀ)(i, j) = A(j, i) = a[j + i·n], j > i, unit
                int ri = i * k;
                int ci = i * n;
                for (int j = i + 1; j < n; j++) {
                    axpy(b, ri, -a[ci + j], b, j * k, c0, c1);
                }
            }
        } else {
            for (int i = 1; i < n; i++) {                // L Z = Pᵀ Y: L(i, j) = a[i + j·n], j < i, unit
                int ri = i * k;
                for (int j = 0; j < i; j++) {
                    axpy(b, ri, -a[i + j * n], b, j * k, c0, c1);
                }
            }
            for (int i = n - 1; i >= 0; i--) {           // U X = Z: U(i, j) = a[i + j·n], j ≥ i
                int ri = i * k;
                for (int j = i + 1; j < n; j++) {
                    axpy(b, ri, -a[i + j * n], b, j * k, c0, c1);
                }
                scale(b, ri, 1.0 / a[i + i * n], c0, c1);
            }
        }
    }

    /** {@code y[yo + c] += alpha · x[xo + c]} for c in [c0, c1). */
    private static void axpy(double[] y, int yo, double alpha, double[] x, int xo, int c0, int c1) {
        if (alpha == 0) {
            return;
        }
        for (int c = c0; c < c1; c++) {
            y[yo + c] += alpha * x[xo + c];
        }
    }

    private static void scale(double[] y, int yo, double alpha, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            y[yo + c] *= alpha;
        }
    }

    /** {@link #swapRows(INDArray, int, boolean)} on a heap copy. */
    private void swapRows(double[] b, int k, boolean ascending) {
        double[] t = new double[k];
        for (int j = 0; j < n; j++) {
            int i = ascending ? j : n - 1 - j;
            int p = piv[i] - 1;
            if (p != i) {
                System.arraycopy(b, i * k, t, 0, k);
                System.arraycopy(b, p * k, b, i * k, k);
                System.arraycopy(t, 0, b, p * k, k);
            }
        }
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
        FloatPointer a = (FloatPointer) lu.data().addressPointer();
        FloatPointer b = new FloatPointer(x.data().addressPointer()).position(r0);
        if (transposed) {
            cblas_strsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasUnit, m, n, 1f, a, n, b, k);
            cblas_strsm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, m, n, 1f, a, n, b, k);
        } else {
            cblas_strsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1f, a, n, b, k);
            cblas_strsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasUnit, m, n, 1f, a, n, b, k);
        }
        Reference.reachabilityFence(lu);
        Reference.reachabilityFence(x);
    }

    /** Swaps rows {@code i} and {@code piv_i} of the row-major {@code x} [n, k], for i ascending or descending. */
    private void swapRows(INDArray x, int k, boolean ascending) {
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
