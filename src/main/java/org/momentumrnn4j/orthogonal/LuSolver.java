package org.momentumrnn4j.orthogonal;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dgetrf2;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgetrs;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgetrf2;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgetrs;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import java.lang.ref.Reference;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One LU factorization {@code Q = P·L·U} (partial pivoting) reused for any number of solves {@code Q X = Y}
 * (LAPACK {@code getrs}).
 *
 * <p>ND4J 1.0.0-M2.1 exposes {@code getrf} but no {@code getrs}, and its {@code trsm} wrapper passes the
 * {@code diag} flag unconverted to CBLAS; so both calls go straight to the LAPACKE binding that ND4J's own
 * {@code CpuLapack} uses ({@code org.bytedeco.openblas.global.openblas}). All buffers handed to LAPACK are
 * freshly allocated, contiguous, column-major ({@code 'f'}) copies, kept reachable across the native calls.
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

    private final INDArray lu;    // [n, n] 'f', packed L (unit lower) and U
    private final INDArray ipiv;  // [n] INT32, 1-based LAPACK row pivots
    private final int n;

    private LuSolver(INDArray lu, INDArray ipiv, int n) {
        this.lu = lu;
        this.ipiv = ipiv;
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
        INDArray lu = q.dup('f');                       // [n, n] 'f', overwritten by L\U
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
        return new LuSolver(lu, ipiv, n);
    }

    /**
     * Solves {@code Q X = Y}.
     *
     * @param y right-hand sides [n, k], same data type as {@code Q}; not modified
     * @return {@code X} [n, k], a new {@code 'c'}-ordered array
     */
    INDArray solve(INDArray y) {
        int k = (int) y.columns();
        INDArray x = y.dup('f');                        // [n, k] 'f', overwritten by the solution
        int info;
        if (lu.dataType() == DataType.DOUBLE) {
            info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, (byte) 'N', n, k, (DoublePointer) lu.data().addressPointer(), n,
                    (IntPointer) ipiv.data().addressPointer(), (DoublePointer) x.data().addressPointer(), n);
        } else {
            info = LAPACKE_sgetrs(LAPACK_COL_MAJOR, (byte) 'N', n, k, (FloatPointer) lu.data().addressPointer(), n,
                    (IntPointer) ipiv.data().addressPointer(), (FloatPointer) x.data().addressPointer(), n);
        }
        Reference.reachabilityFence(lu);
        Reference.reachabilityFence(ipiv);
        if (info != 0) {
            throw new IllegalStateException("LAPACK getrs failed, info = " + info);
        }
        return x.dup('c');
    }
}
