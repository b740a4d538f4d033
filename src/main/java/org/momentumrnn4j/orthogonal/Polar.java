package org.momentumrnn4j.orthogonal;

import org.nd4j.linalg.api.blas.BlasException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Re-orthogonalization of the DTRIV {@code base} (dtriv.md §5.1).
 *
 * <p>{@link #orthogonalize} is {@code polar(base) = U Vᵀ} from the thin SVD {@code base = U Σ Vᵀ}, computed
 * with LAPACK {@code gesvd} through ND4J's {@code Nd4j.getBlasWrapper().lapack().gesvd} (available in ND4J
 * 1.0.0-M2.1). {@code U Vᵀ} is the orthogonal matrix nearest to {@code base} in the Frobenius norm (and every
 * unitarily invariant norm). If {@code gesvd} fails to converge, it falls back, like the reference, to the
 * Q factor of a QR decomposition (here with the signs of {@code diag(R)} made positive, so that Q stays close
 * to {@code base}). {@link #newtonStep} is the matmul-only alternative (not in the reference).
 *
 * <p>Results are new {@code 'c'}-ordered arrays of the argument's data type; arguments are never modified.
 */
public final class Polar {

    private Polar() {
    }

    /**
     * The orthogonal polar factor {@code polar(base) = U Vᵀ}, with {@code base = U Σ Vᵀ} the thin SVD
     * ({@code U} [m, k], {@code V} [n, k], {@code k = min(m, n)}).
     *
     * @param base matrix [m, n], FLOAT or DOUBLE, finite (square in DTRIV)
     * @return {@code U Vᵀ} [m, n]: orthogonal if square, orthonormal columns (rows) if tall (wide)
     * @throws IllegalArgumentException if {@code base} is not a finite non-empty rank-2 FLOAT/DOUBLE matrix
     */
    public static INDArray orthogonalize(INDArray base) {
        Args.requireMatrix("base", base);
        long m = base.rows();
        long n = base.columns();
        long k = Math.min(m, n);
        DataType dt = base.dataType();
        INDArray a = base.dup('f');                               // [m, n] 'f', destroyed by gesvd
        INDArray s = Nd4j.create(dt, k);                          // [k] singular values
        INDArray u = Nd4j.create(dt, new long[] {m, m}, 'f');     // [m, m]
        INDArray vt = Nd4j.create(dt, new long[] {n, n}, 'f');    // [n, n]
        try {
            Nd4j.getBlasWrapper().lapack().gesvd(a, s, u, vt);
        } catch (BlasException ex) {
            return qrFallback(base);
        }
        INDArray uThin = k == m ? u : u.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).dup('f'); // [m, k]
        INDArray vtThin = k == n ? vt : vt.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()).dup('f'); // [k, n]
        INDArray out = Nd4j.create(dt, m, n);                     // [m, n]
        Nd4j.gemm(uThin, vtThin, out, false, false, 1.0, 0.0);
        return out;
    }

    /**
     * One Newton–Schulz step towards the polar factor: {@code base (3I − baseᵀ base) / 2}. Converges
     * quadratically when {@code ‖baseᵀ base − I‖ < 1}; one or two steps restore orthogonality after drift.
     *
     * @param base matrix [m, n], FLOAT or DOUBLE, finite
     * @return {@code base (3I − baseᵀ base) / 2} [m, n]
     * @throws IllegalArgumentException if {@code base} is not a finite non-empty rank-2 FLOAT/DOUBLE matrix
     */
    public static INDArray newtonStep(INDArray base) {
        Args.requireMatrix("base", base);
        long n = base.columns();
        DataType dt = base.dataType();
        INDArray b = MatrixExp.cOrdered(base);                    // [m, n]
        INDArray t = Nd4j.eye(n).castTo(dt).muli(3.0);            // [n, n] 3I
        Nd4j.gemm(b, b, t, true, false, -1.0, 1.0);               // 3I − bᵀb
        INDArray out = Nd4j.create(dt, b.rows(), n);              // [m, n]
        Nd4j.gemm(b, t, out, false, false, 0.5, 0.0);
        return out;
    }

    /**
     * {@code ‖QᵀQ − I‖_max}, the orthogonality defect of a square or tall matrix, in double.
     *
     * @param q matrix [m, n], FLOAT or DOUBLE, finite
     * @return the largest absolute entry of {@code QᵀQ − I}
     * @throws IllegalArgumentException if {@code q} is not a finite non-empty rank-2 FLOAT/DOUBLE matrix
     */
    public static double orthogonalityError(INDArray q) {
        Args.requireMatrix("q", q);
        long n = q.columns();
        INDArray g = Nd4j.eye(n).castTo(q.dataType()).negi();    // [n, n] −I
        Nd4j.gemm(q, q, g, true, false, 1.0, 1.0);               // QᵀQ − I
        return g.amaxNumber().doubleValue();
    }

    /**
     * Reference fallback: the Q factor of the thin QR of {@code base} (of {@code baseᵀ} if wide), with column
     * signs chosen so that {@code diag(R) ≥ 0}. Package-private so that tests can exercise it.
     */
    static INDArray qrFallback(INDArray base) {
        boolean wide = base.rows() < base.columns();
        INDArray x = (wide ? base.transpose() : base).dup('f');   // [m', n'] with m' ≥ n', overwritten by Q
        long n = x.columns();
        INDArray r = Nd4j.create(x.dataType(), new long[] {n, n}, 'f');  // [n', n']
        Nd4j.getBlasWrapper().lapack().geqrf(x, r);
        INDArray q = x.dup('c');                                 // [m', n']
        for (long j = 0; j < n; j++) {
            if (r.getDouble(j, j) < 0) {
                q.getColumn(j).negi();
            }
        }
        return wide ? q.transpose().dup('c') : q;
    }
}
